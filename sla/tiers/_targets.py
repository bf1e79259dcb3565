"""Targets: per-contact deadlines and aggregate service levels."""

from __future__ import annotations

import math
from datetime import timedelta
from fractions import Fraction
from typing import Literal

import attrs

from sla.tiers._values import Channel, Clock, Metric, Period, format_duration, format_fraction

__all__ = ["ServiceLevel", "Target"]


def _applies(values: frozenset[str], value: str) -> bool:
    return not values or value in values


@attrs.frozen(slots=True)
class Target:
    """A per-contact deadline: "first response within 30 business minutes".

    ``within`` is in whole seconds of the target's clock: business seconds of
    ``calendar`` (``None`` = the tier's coverage calendar) when ``clock`` is
    business, plain elapsed seconds when it is calendar time. Empty
    ``channels`` / ``priorities`` mean "all". Warnings fire at fractions of the
    target (``warn_at``) and/or a fixed time before the deadline
    (``warn_before``, seconds). ``pause_on`` lists the contact statuses that
    stop this clock; ``None`` leaves the choice to the clock engine's default.
    ``bot_replies_count``: whether a bot's public reply satisfies a response metric.
    """

    metric: Metric
    within: int
    channels: frozenset[Channel] = frozenset()
    priorities: frozenset[str] = frozenset()
    clock: Clock = Clock.BUSINESS
    calendar: str | None = None
    warn_at: tuple[Fraction, ...] = ()
    warn_before: tuple[int, ...] = ()
    pause_on: frozenset[str] | None = None
    bot_replies_count: bool = False

    @property
    def duration(self) -> timedelta:
        """``within`` as a :class:`~datetime.timedelta`."""
        return timedelta(seconds=self.within)

    def applies_to(self, channel: str, priority: str) -> bool:
        """Whether this target covers a contact on ``channel`` with ``priority``."""
        return _applies(self.channels, channel) and _applies(self.priorities, priority)

    def warning_offsets(self) -> tuple[int, ...]:
        """Seconds of the target's clock, from its start, at which warnings fire (sorted).

        A fraction fires at the first whole second at or after it; offsets at
        or past the deadline, or before the start, are dropped (validation
        reports them).
        """
        found = {math.ceil(f * self.within) for f in self.warn_at}
        found.update(self.within - b for b in self.warn_before)
        return tuple(sorted(s for s in found if 0 <= s < self.within))

    def describe(self) -> str:
        """``"first response within 30m (business hours)"``."""
        clock = "business hours" if self.clock is Clock.BUSINESS else "calendar time"
        where = f" of {self.calendar}" if self.calendar and self.clock is Clock.BUSINESS else ""
        return f"{self.metric.label} within {format_duration(self.within)} ({clock}{where})"


@attrs.frozen(slots=True)
class ServiceLevel:
    """An aggregate promise read by compliance reports, not by one contact's clock.

    ``kind="within"``: ``share`` of contacts meet ``threshold`` seconds
    ("80 % of calls answered within 20 s, per month"). ``kind="average"``:
    the average is under ``threshold`` ("average speed of answer under 30 s").
    """

    metric: Metric
    threshold: int
    kind: Literal["within", "average"] = "within"
    share: Fraction | None = None
    period: Period = Period.MONTH
    channels: frozenset[Channel] = frozenset()
    priorities: frozenset[str] = frozenset()
    clock: Clock = Clock.BUSINESS
    calendar: str | None = None

    def applies_to(self, channel: str, priority: str) -> bool:
        """Whether contacts on ``channel`` with ``priority`` count towards this level."""
        return _applies(self.channels, channel) and _applies(self.priorities, priority)

    def describe(self) -> str:
        """``"80% of speed of answer within 20s, per month"``."""
        if self.kind == "average":
            under = format_duration(self.threshold)
            return f"average {self.metric.label} under {under}, per {self.period}"
        share = format_fraction(self.share) if self.share is not None else "?"
        return (
            f"{share} of {self.metric.label} within {format_duration(self.threshold)}, "
            f"per {self.period}"
        )
