"""The boundary: pydantic models for tiers as users write them (YAML, JSON, TOML, dicts).

Each model validates shape and notation, dumps back to the same text
(durations as ``"1h30m"``, fractions as ``"75%"``), and ``build()``s the frozen
core object.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from sla._errors import SLAError, TierError
from sla.calendar import zone
from sla.tiers._escalation import EscalationPolicy, EscalationRule, Recipient
from sla.tiers._oncall import (
    OnCallRotation,
    RotationLayer,
    RotationOverride,
    Window,
    local_day,
    parse_clock,
    parse_weekday,
    to_epoch,
    weekly_handoff_anchor,
)
from sla.tiers._targets import ServiceLevel, Target
from sla.tiers._tier import Tier
from sla.tiers._values import (
    AccessMode,
    Channel,
    Clock,
    Metric,
    Period,
    format_duration,
    format_fraction,
    parse_duration,
    parse_fraction,
)

# The override field ``date`` would shadow the type inside its class.
LocalDate = date

__all__ = [
    "Duration",
    "EscalationLevelSpec",
    "Percent",
    "RotationLayerSpec",
    "RotationOverrideSpec",
    "RotationSpec",
    "ServiceLevelSpec",
    "SignedDuration",
    "TargetSpec",
    "TierSpec",
]


def _plain(fn: Any) -> Any:
    """Re-raise our errors as ValueError(reason) so pydantic reports them at the field."""

    def run(value: Any) -> Any:
        try:
            return fn(value)
        except SLAError as error:
            raise ValueError(error.reason) from None

    return run


_DURATION_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^[+-]?(\d+[dhms])+$|^P", "examples": ["30m", "1h30m"]},
        {"type": "integer", "description": "whole seconds"},
    ]
}
Duration = Annotated[
    int,
    PlainValidator(_plain(parse_duration)),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(_DURATION_SCHEMA),
]
SignedDuration = Annotated[
    int,
    PlainValidator(_plain(lambda v: parse_duration(v, signed=True))),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema(_DURATION_SCHEMA),
]
Percent = Annotated[
    Fraction,
    PlainValidator(_plain(parse_fraction)),
    PlainSerializer(format_fraction, return_type=str),
    WithJsonSchema({"anyOf": [{"type": "string", "examples": ["75%"]}, {"type": "number"}]}),
]


def _check_zone(tz: str) -> str:
    if not isinstance(tz, str):  # PlainValidator: the raw value, maybe a number
        raise ValueError(f"{tz!r} is not an IANA time zone name (a string)")
    try:
        zone(tz)
    except SLAError as error:  # pydantic reports a ValueError at the field, with its path
        raise ValueError(error.reason) from None
    return tz


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class TargetSpec(_Spec):
    """A per-contact target as written: ``{metric: first_response, within: 30m}``.

    ``bot_replies_count: true`` lets a bot's public reply satisfy a response
    metric (a bot answering an order-status chat is the first response).
    """

    metric: Metric
    within: Duration
    channels: list[Channel] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)
    clock: Clock = Clock.BUSINESS
    calendar: str | None = None
    warn_at: list[Percent] = Field(default_factory=list)
    warn_before: list[Duration] = Field(default_factory=list)
    pause_on: list[str] | None = None
    bot_replies_count: bool = False
    remove: bool = False

    def key(self) -> tuple[str, frozenset[str], frozenset[str]]:
        """What identifies the target when a contract overrides a base tier."""
        return self.metric, frozenset(self.channels), frozenset(self.priorities)

    def build(self) -> Target:
        """The core :class:`Target`."""
        return Target(
            self.metric,
            self.within,
            frozenset(self.channels),
            frozenset(self.priorities),
            self.clock,
            self.calendar,
            tuple(self.warn_at),
            tuple(self.warn_before),
            None if self.pause_on is None else frozenset(self.pause_on),
            self.bot_replies_count,
        )


class ServiceLevelSpec(_Spec):
    """An aggregate service level: ``{metric: speed_of_answer, share: 80%, threshold: 20s}``."""

    metric: Metric
    threshold: Duration
    kind: Literal["within", "average"] = "within"
    share: Percent | None = None
    period: Period = Period.MONTH
    channels: list[Channel] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)
    clock: Clock = Clock.BUSINESS
    calendar: str | None = None
    remove: bool = False

    @model_validator(mode="after")
    def _share_matches_kind(self) -> ServiceLevelSpec:
        if self.kind == "within" and self.share is None:
            raise ValueError("a 'within' service level needs a share such as '80%'")
        if self.kind == "average" and self.share is not None:
            raise ValueError("an 'average' service level takes no share")
        return self

    def key(self) -> tuple[str, str, frozenset[str], frozenset[str]]:
        """What identifies the level when a contract overrides a base tier."""
        return self.metric, self.kind, frozenset(self.channels), frozenset(self.priorities)

    def build(self) -> ServiceLevel:
        """The core :class:`ServiceLevel`."""
        return ServiceLevel(
            self.metric,
            self.threshold,
            self.kind,
            self.share,
            self.period,
            frozenset(self.channels),
            frozenset(self.priorities),
            self.clock,
            self.calendar,
        )


class EscalationLevelSpec(_Spec):
    """One escalation level: ``{at: -1h, notify: [role:team_lead]}``."""

    name: str = ""
    notify: list[str] = Field(min_length=1)
    offset: SignedDuration | None = None
    fraction: Percent | None = None
    immediate: bool = False
    metrics: list[Metric] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)

    @field_validator("notify")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        return [str(_plain(Recipient.parse)(text)) for text in value]

    @model_validator(mode="after")
    def _one_trigger(self) -> EscalationLevelSpec:
        triggers = (self.offset is not None) + (self.fraction is not None) + self.immediate
        if triggers != 1:
            raise ValueError("give exactly one of offset, fraction or immediate: true")
        return self

    def build(self, index: int = 0) -> EscalationRule:
        """The core :class:`EscalationRule`."""
        return EscalationRule(
            self.name or f"level {index + 1}",
            tuple(Recipient.parse(t) for t in self.notify),
            self.offset,
            self.fraction,
            self.immediate,
            frozenset(self.metrics),
            frozenset(self.priorities),
        )


class RotationLayerSpec(_Spec):
    """A layer of an on-call rotation: ``{participants: [ann, bob], handoff: fri 18:00}``."""

    name: str = ""
    participants: list[str] = Field(min_length=1)
    start: date
    handoff: str = "09:00"
    every: Literal["day", "week"] = "week"
    length: int = Field(default=1, ge=1)
    tz: Annotated[str, PlainValidator(_check_zone)] | None = None
    windows: list[str] = Field(default_factory=list)

    @field_validator("handoff")
    @classmethod
    def _handoff(cls, value: str) -> str:
        _plain(_handoff_parts)(value)
        return value

    @field_validator("windows")
    @classmethod
    def _windows(cls, value: list[str]) -> list[str]:
        return [str(_plain(Window.parse)(text)) for text in value]

    def build(self, tz: str, index: int = 0) -> RotationLayer:
        """The core :class:`RotationLayer` (``tz`` is the rotation's zone, used if unset here)."""
        day, minutes = _handoff_parts(self.handoff)
        anchor = self.start
        if self.every == "week" and day is not None:
            anchor = weekly_handoff_anchor(self.start, day)
        return RotationLayer(
            self.name or f"layer {index + 1}",
            tuple(self.participants),
            self.tz or tz,
            anchor,
            minutes,
            self.every,
            self.length,
            tuple(Window.parse(w) for w in self.windows),
        )


def _handoff_parts(text: str) -> tuple[int | None, int]:
    parts = text.split()
    if len(parts) == 2:
        return parse_weekday(parts[0], field="handoff"), parse_clock(parts[1], field="handoff")
    return None, parse_clock(text, field="handoff")


class RotationOverrideSpec(_Spec):
    """Someone covering a stretch instead of the layers: a swap or a holiday.

    Write the stretch as ``start`` and ``end`` (aware instants, ``[start, end)``) or
    as ``date``: that whole local day in the rotation's zone, midnight to midnight
    (23 or 25 hours on a DST change).
    """

    start: AwareDatetime | None = None
    end: AwareDatetime | None = None
    date: LocalDate | None = None
    who: str
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> RotationOverrideSpec:
        if self.date is not None:
            if self.start is not None or self.end is not None:
                raise ValueError("give either date or start and end, not both")
            return self
        if self.start is None or self.end is None:
            missing = " and ".join(k for k in ("start", "end") if getattr(self, k) is None)
            raise ValueError(f"an override needs start and end, or date (missing {missing})")
        if self.end <= self.start:
            raise ValueError("an override must end after it starts")
        return self

    def build(self, tz: str) -> RotationOverride:
        """The core `RotationOverride` (``tz``: the rotation's zone, which places ``date``)."""
        if self.date is not None:
            start, end = local_day(tz, self.date)
            return RotationOverride(start, end, self.who, self.reason, self.date)
        start_at, end_at = self.start, self.end
        if start_at is None or end_at is None:  # only if built without validation
            raise TierError("an override needs start and end, or date", field="start")
        return RotationOverride(to_epoch(start_at), to_epoch(end_at), self.who, self.reason)


class RotationSpec(_Spec):
    """An on-call rotation: a zone, layers (later ones win) and overrides."""

    tz: Annotated[str, PlainValidator(_check_zone)]
    layers: list[RotationLayerSpec] = Field(min_length=1)
    overrides: list[RotationOverrideSpec] = Field(default_factory=list)

    def build(self, name: str) -> OnCallRotation:
        """The core :class:`OnCallRotation`."""
        return OnCallRotation(
            name,
            self.tz,
            tuple(layer.build(self.tz, i) for i, layer in enumerate(self.layers)),
            tuple(o.build(self.tz) for o in self.overrides),
        )


class TierSpec(_Spec):
    """A tier as written. With ``extends``, unset fields come from the base tier and
    ``targets`` / ``service_levels`` merge by metric, channels and priorities
    (an entry with ``remove: true`` drops the base's entry)."""

    extends: str | None = None
    name: str | None = None
    description: str = ""
    channels: list[Channel] = Field(default_factory=list)
    access: AccessMode = AccessMode.SHARED_POOL
    coverage: str = "business"
    availability: Literal["business_hours", "24/7"] = "business_hours"
    targets: list[TargetSpec] = Field(default_factory=list)
    service_levels: list[ServiceLevelSpec] = Field(default_factory=list)
    escalation: list[EscalationLevelSpec] = Field(default_factory=list)
    on_call: str | None = None
    direct_line: list[str] = Field(default_factory=list)

    def merged_over(self, base: TierSpec) -> TierSpec:
        """This spec applied over ``base`` (the result has no ``extends``)."""
        data: dict[str, Any] = {k: getattr(base, k) for k in base.model_fields_set}
        for name in self.model_fields_set - {"extends", "targets", "service_levels"}:
            data[name] = getattr(self, name)
        data["targets"] = _merge(base.targets, self.targets)
        data["service_levels"] = _merge(base.service_levels, self.service_levels)
        data.pop("extends", None)
        return TierSpec.model_validate(
            {k: v.model_dump() if isinstance(v, BaseModel) else v for k, v in data.items()}
        )

    def build(self, code: str) -> Tier:
        """The core :class:`Tier` (call on a spec without ``extends``)."""
        return Tier(
            code,
            self.name or code,
            self.description,
            frozenset(self.channels),
            self.access,
            self.coverage,
            self.availability,
            tuple(t.build() for t in self.targets if not t.remove),
            tuple(s.build() for s in self.service_levels if not s.remove),
            EscalationPolicy(tuple(level.build(i) for i, level in enumerate(self.escalation))),
            self.on_call,
            tuple(self.direct_line),
        )


def _merge(base: list[Any], changes: list[Any]) -> list[Any]:
    merged = {item.key(): item for item in base}
    for item in changes:
        if item.remove:
            merged.pop(item.key(), None)
        else:
            merged[item.key()] = item
    return list(merged.values())
