"""The error hierarchy of `sla`.

Every error the library raises on purpose derives from :class:`SLAError`.
An error names the offending field (a dotted path such as ``hours.mon[1]``)
and the reason. Validation collects *all* problems before raising, so one
error may carry several :class:`Problem` records.

``SLAError`` also derives from :class:`ValueError`, so that raising one inside
a pydantic validator turns into a field-level pydantic error as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

__all__ = [
    "CalendarError",
    "ClockError",
    "ContractError",
    "CurrencyError",
    "CurrencyMismatchError",
    "DatasetError",
    "EconomicsError",
    "MoneyError",
    "PricingError",
    "Problem",
    "SLAError",
    "TierError",
]

Severity = Literal["error", "warning"]


@attrs.frozen(slots=True)
class Problem:
    """One problem found in user input: where it is, and what is wrong.

    >>> str(Problem("hours.mon[0]", "25:00 is not a time of day"))
    'hours.mon[0]: 25:00 is not a time of day'
    """

    field: str
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.field or "<input>"
        prefix = "" if self.severity == "error" else "warning: "
        return f"{prefix}{where}: {self.reason}"


class SLAError(ValueError):
    """Base of every error `sla` raises on purpose.

    ``field`` names what was wrong (a dotted path, or ``None`` when the
    error is about the call as a whole), ``reason`` says why, and
    ``problems`` lists every problem when validation found several.
    """

    field: str | None
    reason: str
    problems: tuple[Problem, ...]

    def __init__(
        self,
        reason: str,
        *,
        field: str | None = None,
        problems: Iterable[Problem] = (),
    ) -> None:
        self.reason = reason
        self.field = field
        self.problems = tuple(problems)
        if not self.problems and field is not None:
            self.problems = (Problem(field, reason),)
        super().__init__(self._message())

    @classmethod
    def from_problems(cls, problems: Iterable[Problem], *, what: str = "input") -> SLAError:
        """Build one error that lists every problem (errors first)."""
        found = sorted(problems, key=lambda p: p.severity != "error")
        errors = [p for p in found if p.severity == "error"]
        if len(found) == 1:
            return cls(found[0].reason, field=found[0].field, problems=found)
        count = len(errors)
        reason = f"{count} problem{'s' if count != 1 else ''} in {what}"
        return cls(reason, field=None, problems=found)

    def _message(self) -> str:
        if len(self.problems) > 1 or (self.problems and self.problems[0].field != self.field):
            lines = [self.reason + ":"]
            lines.extend(f"  - {p}" for p in self.problems)
            return "\n".join(lines)
        if self.field:
            return f"{self.field}: {self.reason}"
        return self.reason

    def __reduce__(self) -> tuple[object, ...]:
        # Keep errors picklable (they cross process boundaries in batch runs).
        return (_rebuild, (type(self), self.reason, self.field, self.problems))


def _rebuild(
    cls: type[SLAError], reason: str, field: str | None, problems: tuple[Problem, ...]
) -> SLAError:
    return cls(reason, field=field, problems=problems)


class MoneyError(SLAError):
    """An amount or a money operation is invalid (float amounts, NaN, bad weights...)."""


class CurrencyError(MoneyError):
    """A currency code is unknown or malformed."""


class CurrencyMismatchError(MoneyError):
    """Two amounts in different currencies met; `sla` never converts silently."""


class CalendarError(SLAError):
    """A business-hours calendar or a calendar query is invalid."""


class TierError(SLAError):
    """A service class (tier), target, escalation policy or rotation is invalid."""


class ContractError(SLAError):
    """A contract cannot be loaded or is invalid."""


class ClockError(SLAError):
    """Contact events cannot be evaluated (out of order, unknown metric...)."""


class DatasetError(ClockError):
    """A dataset of events is not what its manifest says, or holds unreadable events.

    Raised for a missing, extra, truncated or replaced part file, a part whose
    contacts belong elsewhere, a contact split over files, and instants that
    are null, naive or not epoch seconds; the message names the file (and the
    row and contact where there is one). A :class:`ClockError`, since the
    events cannot be evaluated as given.
    """


class EconomicsError(SLAError):
    """A queueing or unit-economics input is invalid."""


class PricingError(SLAError):
    """A price plan, charge model, usage record or invoice input is invalid."""
