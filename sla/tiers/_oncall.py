"""On-call rotations: layers of shifts handed off at a local time in a zone, plus overrides.

Wall times become instants through :func:`sla.calendar.wall_to_epoch` with
its default RFC 5545 rule (the rule the calendars use): a hand-off inside a
spring-forward gap moves forward by the gap, one in the autumn overlap happens
at the first occurrence. The UTC offset is looked up for every date, so a
weekend rotation hands off at 18:00 local on both sides of a DST change.
"""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import attrs

from sla._errors import TierError
from sla.calendar import from_epoch, wall_to_epoch, zone
from sla.calendar import to_epoch as _to_epoch

__all__ = [
    "OnCallRotation",
    "RotationLayer",
    "RotationOverride",
    "Shift",
    "Window",
    "local_day",
    "to_epoch",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


def to_epoch(t: datetime, *, field: str = "t") -> int:
    """Whole epoch seconds of an aware datetime (floor), by :func:`sla.calendar.to_epoch`.

    :raises TierError: for a naive datetime.
    """
    return _to_epoch(t, field=field, error=TierError)


def parse_clock(text: str, *, field: str, allow_24: bool = False) -> int:
    """Minutes after midnight from ``"HH:MM"``."""
    match = _CLOCK.match(text.strip())
    if match:
        hours, minutes = int(match[1]), int(match[2])
        total = hours * 60 + minutes
        if minutes < 60 and (total < 1440 or (allow_24 and total == 1440)):
            return total
    raise TierError(f"{text!r} is not a time of day (HH:MM)", field=field)


def parse_weekday(text: str, *, field: str) -> int:
    """0 (Monday) … 6 (Sunday) from ``"mon"`` … ``"sun"``."""
    key = text.strip().lower()[:3]
    if key in WEEKDAYS and text.strip().lower() in (key, _FULL[key]):
        return WEEKDAYS.index(key)
    raise TierError(f"{text!r} is not a weekday (mon … sun)", field=field)


_FULL = dict(
    zip(WEEKDAYS, ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
)


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@lru_cache(maxsize=256)
def _zone(tz: str) -> ZoneInfo:
    return zone(tz, error=TierError)


@lru_cache(maxsize=65_536)
def _instant(tz: str, ordinal: int, minutes: int) -> int:
    return wall_to_epoch(_zone(tz), date.fromordinal(ordinal), minutes * 60)


def _local_ordinal(tz: str, ts: int) -> int:
    return from_epoch(ts, _zone(tz)).toordinal()


@attrs.frozen(slots=True)
class Window:
    """A recurring local-time window that restricts a layer.

    Daily (``"09:00-17:00"``, overnight ``"22:00-06:00"``) when ``start_day``
    is ``None``; weekly (``"fri 18:00-mon 09:00"``) otherwise.
    """

    start: int
    end: int
    start_day: int | None = None
    end_day: int | None = None

    @classmethod
    def parse(cls, text: str, *, field: str = "windows") -> Window:
        """Read ``"HH:MM-HH:MM"`` or ``"ddd HH:MM-ddd HH:MM"``.

        :raises TierError: on malformed text or an empty window.
        """
        left, sep, right = text.partition("-")
        if not sep:
            raise TierError(
                f"{text!r} is not a window (use '09:00-17:00' or 'fri 18:00-mon 09:00')",
                field=field,
            )
        lparts, rparts = left.split(), right.split()
        if len(lparts) == 1 and len(rparts) == 1:
            start = parse_clock(lparts[0], field=field)
            end = parse_clock(rparts[0], field=field, allow_24=True)
            if start == end:
                raise TierError(f"{text!r} is an empty window", field=field)
            return cls(start, end)
        if len(lparts) == 2 and len(rparts) == 2:
            return cls(
                parse_clock(lparts[1], field=field),
                parse_clock(rparts[1], field=field, allow_24=True),
                parse_weekday(lparts[0], field=field),
                parse_weekday(rparts[0], field=field),
            )
        raise TierError(
            f"{text!r} is not a window (use '09:00-17:00' or 'fri 18:00-mon 09:00')", field=field
        )

    def __str__(self) -> str:
        if self.start_day is None or self.end_day is None:
            return f"{_clock_text(self.start)}-{_clock_text(self.end)}"
        return (
            f"{WEEKDAYS[self.start_day]} {_clock_text(self.start)}-"
            f"{WEEKDAYS[self.end_day]} {_clock_text(self.end)}"
        )

    def _span_days(self) -> int:
        if self.start_day is None or self.end_day is None:
            return 0 if self.end > self.start else 1
        days = (self.end_day - self.start_day) % 7
        return 7 if days == 0 and self.end <= self.start else days

    def _first_ordinals(self, ordinal: int) -> tuple[int, ...]:
        """Start dates of the occurrences that may contain an instant on local date ``ordinal``."""
        if self.start_day is None:
            return (ordinal - 1, ordinal)
        latest = ordinal - (date.fromordinal(ordinal).weekday() - self.start_day) % 7
        return (latest - 7, latest)

    def occurrence(self, tz: str, first: int) -> tuple[int, int]:
        """The occurrence starting on local date ``first``, as epoch seconds ``[start, end)``."""
        return _instant(tz, first, self.start), _instant(tz, first + self._span_days(), self.end)

    def contains(self, tz: str, ts: int, ordinal: int | None = None) -> bool:
        """Whether the instant ``ts`` falls in an occurrence of this window in zone ``tz``
        (``ordinal``: the local date of ``ts``, if already known)."""
        if ordinal is None:
            ordinal = _local_ordinal(tz, ts)
        for first in self._first_ordinals(ordinal):
            start, end = self.occurrence(tz, first)
            if start <= ts < end:
                return True
        return False


@attrs.frozen(slots=True)
class RotationLayer:
    """Participants taking turns, handed off at ``handoff`` (minutes) local time in ``tz``.

    A turn lasts ``length`` days (``every="day"``) or weeks (``every="week"``);
    turn 0 begins on ``anchor`` (a local date) and belongs to the first
    participant. ``windows`` restrict the layer (a weekend-only layer, a
    follow-the-sun day shift); outside them the layer covers nobody.
    """

    name: str
    participants: tuple[str, ...]
    tz: str
    anchor: date
    handoff: int = 9 * 60
    every: Literal["day", "week"] = "week"
    length: int = 1
    windows: tuple[Window, ...] = ()

    @property
    def turn_days(self) -> int:
        """Days per turn."""
        return self.length * (7 if self.every == "week" else 1)

    def turn_start(self, k: int) -> int:
        """Epoch seconds at which turn ``k`` begins."""
        return _instant(self.tz, self.anchor.toordinal() + k * self.turn_days, self.handoff)

    def turn_at(self, ts: int, ordinal: int | None = None) -> int:
        """The index of the turn containing ``ts`` (negative before the anchor)."""
        if ordinal is None:
            ordinal = _local_ordinal(self.tz, ts)
        k = (ordinal - self.anchor.toordinal()) // self.turn_days
        return k - 1 if self.turn_start(k) > ts else k

    def on_call_epoch(self, ts: int) -> str | None:
        """Who this layer puts on call at ``ts``, or ``None``."""
        if not self.participants:
            return None
        ordinal = _local_ordinal(self.tz, ts)
        if self.windows and not any(w.contains(self.tz, ts, ordinal) for w in self.windows):
            return None
        k = self.turn_at(ts, ordinal)
        return None if k < 0 else self.participants[k % len(self.participants)]

    def boundaries(self, start: int, end: int) -> set[int]:
        """Every instant in ``(start, end)`` at which this layer may change hands."""
        found = {self.turn_start(k) for k in range(self.turn_at(start), self.turn_at(end) + 2)}
        first, last = _local_ordinal(self.tz, start), _local_ordinal(self.tz, end)
        for window in self.windows:
            for ordinal in range(first - 8, last + 2):
                found.update(window.occurrence(self.tz, ordinal))
        return {b for b in found if start < b < end}


def local_day(tz: str, day: date) -> tuple[int, int]:
    """Epoch seconds ``[start, end)`` of the whole local date ``day`` in zone ``tz``.

    Midnight to midnight by the RFC 5545 rule, so the day lasts 23 or 25 hours
    across a DST change (and starts at the first valid time if midnight is skipped).
    """
    ordinal = day.toordinal()
    return _instant(tz, ordinal, 0), _instant(tz, ordinal, 1440)


@attrs.frozen(slots=True)
class RotationOverride:
    """Someone else on call for ``[start, end)`` epoch seconds (a swap, a holiday cover).

    ``day`` is the local date when the override was written as a whole day.
    """

    start: int
    end: int
    who: str
    reason: str = ""
    day: date | None = None


@attrs.frozen(slots=True)
class Shift:
    """A stretch of on-call duty (``who``) or a gap (``who is None``), ``[start, end)``."""

    start: datetime
    end: datetime
    who: str | None
    source: str


@attrs.frozen(slots=True)
class OnCallRotation:
    """Who is on call, when: layers (later ones win over earlier) topped by overrides.

    ``tz`` is the zone in which :meth:`shifts` reports. Query with
    :meth:`on_call` (aware datetimes) or :meth:`on_call_epoch` (epoch seconds).
    """

    name: str
    tz: str
    layers: tuple[RotationLayer, ...]
    overrides: tuple[RotationOverride, ...] = ()

    def who_at(self, ts: int) -> tuple[str | None, str]:
        """``(who, source)`` at epoch second ``ts``; source names the override or layer."""
        for override in reversed(self.overrides):
            if override.start <= ts < override.end:
                return (
                    override.who,
                    f"override: {override.reason}" if override.reason else "override",
                )
        for layer in reversed(self.layers):
            who = layer.on_call_epoch(ts)
            if who is not None:
                return who, layer.name
        return None, ""

    def on_call_epoch(self, ts: int) -> str | None:
        """Who is on call at epoch second ``ts``, or ``None`` in a gap."""
        return self.who_at(ts)[0]

    def on_call(self, t: datetime) -> str | None:
        """Who is on call at the aware instant ``t``, or ``None`` in a gap.

        :raises TierError: for a naive datetime.
        """
        return self.who_at(to_epoch(t))[0]

    def _segments(self, start: datetime, end: datetime) -> list[tuple[int, int, str | None, str]]:
        a, b = to_epoch(start, field="start"), to_epoch(end, field="end")
        if b < a:
            raise TierError("end is before start", field="end")
        points = {a, b}
        for layer in self.layers:
            points |= layer.boundaries(a, b)
        points |= {t for o in self.overrides for t in (o.start, o.end) if a < t < b}
        ordered = sorted(points)
        merged: list[tuple[int, int, str | None, str]] = []
        for lo, hi in itertools.pairwise(ordered):
            who, source = self.who_at(lo)
            if merged and merged[-1][2:] == (who, source) and merged[-1][1] == lo:
                merged[-1] = (merged[-1][0], hi, who, source)
            else:
                merged.append((lo, hi, who, source))
        return merged

    def _shift(self, lo: int, hi: int, who: str | None, source: str) -> Shift:
        info = _zone(self.tz)
        return Shift(from_epoch(lo, info), from_epoch(hi, info), who, source)

    def shifts(self, start: datetime, end: datetime) -> tuple[Shift, ...]:
        """The on-call shifts overlapping ``[start, end)``, clipped to it, in time order."""
        return tuple(self._shift(*s) for s in self._segments(start, end) if s[2] is not None)

    def gaps(self, start: datetime, end: datetime) -> tuple[Shift, ...]:
        """The stretches of ``[start, end)`` with nobody on call."""
        return tuple(self._shift(*s) for s in self._segments(start, end) if s[2] is None)

    def participants(self) -> frozenset[str]:
        """Everyone who can be on call (layers and overrides)."""
        return frozenset(p for layer in self.layers for p in layer.participants) | {
            o.who for o in self.overrides
        }


def weekly_handoff_anchor(start: date, handoff_day: int) -> date:
    """The handoff weekday on or after ``start``: the layer's first turn.

    A layer does not exist before its start, so its first turn (the first
    participant's) begins at the first hand-off on or after the start date,
    never at one before it: a layer starting Wednesday with a Friday 18:00
    hand-off covers nobody until that Friday, and its first weekend is the
    first participant's.
    """
    return start + timedelta(days=(handoff_day - start.weekday()) % 7)
