"""Billable requests: what one bill counts, declared once in the contract's price plan.

A *request* is what a customer asked for. It may take several *legs*: a call
the front desk intercepted and the manager's callback, an abandoned call and
its callback, a bot conversation handed off to a person. All legs of a request
carry its ``request_id``; the request is billed and counted once.

The contract's ``price_plan`` may declare the unit under ``billable``::

    price_plan:
      billable: {unit: request, bot_resolved: false}

``unit`` is ``request`` (the default: legs of one request count once) or
``contact`` (every leg is a unit); ``bot_resolved`` says whether a request the
bot resolved alone is billed (default ``false``: the customer pays for people).
The same count is the denominator of every per-request figure of
:class:`MonthEconomics`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError
from sla.contracts import CompiledContract, Contract

__all__ = ["Billable"]

_KEYS = {"unit", "bot_resolved"}


@attrs.frozen
class Billable:
    """What a bill counts: requests (legs joined) or contacts; bot-resolved ones or not."""

    unit: Literal["request", "contact"] = "request"
    bot_resolved: bool = False

    def __attrs_post_init__(self) -> None:
        if self.unit not in ("request", "contact"):
            raise EconomicsError(
                f"must be 'request' or 'contact', got {self.unit!r}", field="billable.unit"
            )
        if not isinstance(self.bot_resolved, bool):
            raise EconomicsError(
                f"must be true or false, got {self.bot_resolved!r}", field="billable.bot_resolved"
            )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Billable:
        """From a price plan's ``billable`` mapping (``None``: the defaults)."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise EconomicsError(f"expected a mapping, got {data!r}", field="billable")
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise EconomicsError(f"unknown keys {unknown}", field="billable")
        return cls(**dict(data))

    @classmethod
    def of_contract(cls, contract: Contract | CompiledContract) -> Billable:
        """The unit declared in a contract's ``price_plan.billable`` (defaults if absent)."""
        spec = contract.spec if isinstance(contract, CompiledContract) else contract
        if not isinstance(spec, Contract):
            raise EconomicsError(f"expected a Contract, got {contract!r}", field="contract")
        return cls.from_mapping((spec.price_plan or {}).get("billable"))

    def billed(
        self, request_id: npt.ArrayLike, bot_resolved: npt.ArrayLike | None = None
    ) -> npt.NDArray[np.bool_]:
        """Which rows (legs) are billed units: one ``True`` per billed request or contact."""
        ids = np.asarray(request_id)
        if ids.ndim != 1:
            raise EconomicsError("expected one request id per contact", field="request_id")
        bot = (
            np.zeros(ids.shape, dtype=bool)
            if bot_resolved is None
            else np.asarray(bot_resolved, dtype=bool)
        )
        if bot.shape != ids.shape:
            raise EconomicsError("one flag per contact", field="bot_resolved")
        if self.unit == "contact":
            return np.ones(ids.shape, dtype=bool) if self.bot_resolved else ~bot
        _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
        # A request is bot-resolved only if no leg of it reached a person.
        people = np.bincount(inverse, weights=~bot, minlength=first.size) > 0
        keep = np.zeros(ids.shape, dtype=bool)
        chosen = first if self.bot_resolved else first[people]
        keep[chosen] = True
        return keep

    def count(self, request_id: npt.ArrayLike, bot_resolved: npt.ArrayLike | None = None) -> int:
        """How many units a bill counts for these contacts (legs of a request once).

        >>> Billable().count([1, 2, 2, 3], [False, False, False, True])
        2
        >>> Billable(unit="contact", bot_resolved=True).count([1, 2, 2, 3])
        4
        """
        return int(self.billed(request_id, bot_resolved).sum())
