"""The contract as written: the boundary model for YAML, JSON, TOML and dicts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, PrivateAttr, field_validator

from sla._errors import SLAError
from sla.calendar import CalendarSpec
from sla.tiers import (
    DEFAULT_PRIORITIES,
    Channel,
    Metric,
    Period,
    RotationSpec,
    TierSpec,
)
from sla.tiers._direct import LocalPart, check_region
from sla.tiers._spec import Percent, _check_zone

if TYPE_CHECKING:
    from sla.contracts._compiled import CompiledContract, Policy, Unmatched

__all__ = [
    "CallersSpec",
    "Contract",
    "CreditSpec",
    "CustomerSpec",
    "RoutingRuleSpec",
    "RoutingSpec",
]

Zone = Annotated[str, PlainValidator(_check_zone)]


def _json_data(value: Any, where: str) -> Any:
    """``value`` with dates and Decimals as strings; non-finite numbers are refused."""
    import math
    from datetime import datetime as _datetime
    from decimal import Decimal

    if isinstance(value, Mapping):
        return {str(k): _json_data(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_data(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, float | Decimal) and not isinstance(value, bool):
        if not (math.isfinite(value) if isinstance(value, float) else value.is_finite()):
            raise ValueError(f"{where}: {value} is not a finite number")
        return str(value) if isinstance(value, Decimal) else value
    if isinstance(value, date | _datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int):
        return value
    raise ValueError(f"{where}: {type(value).__name__} is not plain data")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CustomerSpec(_Spec):
    """Who signed: a name, an id, a home zone and attributes routing rules can test."""

    name: str
    id: str = ""
    tz: Zone | None = None
    attributes: dict[str, str] = Field(default_factory=dict)


class CallersSpec(_Spec):
    """How callers are recognised on a direct line.

    ``region`` (ISO 3166 alpha-2, e.g. ``DE``) reads phone numbers written
    without a country code, in the allow-lists and from the CRM; e-mail domains
    always compare case-insensitively, local parts as ``email_local_part`` says.
    """

    region: str | None = Field(
        None, description="default region for numbers without +country code, e.g. DE"
    )
    email_local_part: LocalPart = Field(
        "case_insensitive", description="compare the part before @ case-insensitively or exactly"
    )

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        try:
            return check_region(value)
        except SLAError as error:  # pydantic reports a ValueError at the field
            raise ValueError(error.reason) from None


class RoutingRuleSpec(_Spec):
    """Contacts matching every condition get ``tier``; empty conditions match all."""

    name: str = ""
    tier: str
    channels: list[Channel] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)
    attributes: dict[str, str | list[str]] = Field(default_factory=dict)


class RoutingSpec(_Spec):
    """Ordered rules (first match wins) and an explicit fallback tier (or none)."""

    rules: list[RoutingRuleSpec] = Field(default_factory=list)
    fallback: str | None = None


class CreditSpec(_Spec):
    """A service credit: when attainment of ``metric`` in ``tier`` falls below ``below``
    over ``period``, the customer is credited ``credit`` of that period's fee."""

    tier: str
    metric: Metric
    below: Percent
    credit: Percent
    period: Period = Period.MONTH
    note: str = ""


class Contract(_Spec):
    """A service-level contract: customer, period, tiers, calendars, routing, credits.

    Load one with :func:`sla.contracts.load`; ``compile()`` validates it and
    returns the :class:`~sla.contracts.CompiledContract` a CRM queries.
    """

    contract: str
    version: int = Field(default=1, ge=1)
    customer: CustomerSpec
    effective_from: date
    effective_until: date | None = None
    timezone: Literal["calendar", "customer"] = "calendar"
    priorities: list[str] = Field(default_factory=lambda: list(DEFAULT_PRIORITIES), min_length=1)
    calendars: dict[str, CalendarSpec] = Field(default_factory=dict)
    tiers: dict[str, TierSpec] = Field(min_length=1)
    roles: dict[str, list[str]] = Field(default_factory=dict)
    rotations: dict[str, RotationSpec] = Field(default_factory=dict)
    routing: RoutingSpec = Field(default_factory=RoutingSpec)
    callers: CallersSpec = Field(default_factory=CallersSpec)
    credits: list[CreditSpec] = Field(default_factory=list)
    price_plan: dict[str, Any] | None = None

    _compiled: Any = PrivateAttr(default=None)

    @field_validator("calendars", mode="after")
    @classmethod
    def _canonical_calendars(cls, value: dict[str, CalendarSpec]) -> dict[str, CalendarSpec]:
        # CalendarSpec keeps a YAML date as a date but reads it back from JSON as a string;
        # one pass through the JSON form makes a loaded contract equal to its dump.
        return {
            name: CalendarSpec.model_validate(spec.model_dump(mode="json", exclude_unset=True))
            for name, spec in value.items()
        }

    @field_validator("price_plan", mode="after")
    @classmethod
    def _plain_price_plan(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        # The plan is data for sla.pricing; kept as JSON-like data so that a dumped contract
        # loads back equal in every format (a date or a Decimal would come back a string).
        return None if value is None else _json_data(value, "price_plan")

    def __eq__(self, other: object) -> bool:
        # Equal documents are equal contracts, compiled or not (the cache is not content).
        return type(other) is type(self) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def compile(self) -> CompiledContract:
        """The compiled contract (validated once, then cached on this object).

        :raises ContractError: listing every error :func:`validate` finds.
        """
        if self._compiled is None:
            from sla.contracts._compiled import compile_contract

            self._compiled = compile_contract(self)
        compiled: CompiledContract = self._compiled
        return compiled

    def policy_for(
        self,
        *,
        channel: str,
        priority: str,
        attributes: Mapping[str, object] | None = None,
        caller: str | None = None,
    ) -> Policy | Unmatched:
        """Shortcut for ``compile().policy_for(...)``."""
        return self.compile().policy_for(
            channel=channel, priority=priority, attributes=attributes, caller=caller
        )
