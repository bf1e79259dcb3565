"""The engine's view of calendars: business hours, or plain calendar time."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sla.calendar import Calendar
from sla.clocks._policy import ClockCalendar

__all__ = ["ALWAYS", "CalendarTime", "calendar_version", "clock_calendar"]

Seconds = npt.NDArray[np.int64]


class CalendarTime:
    """Calendar (wall-clock) time: every second counts. Used for ``calendar=None``."""

    __slots__ = ()
    tz = "UTC"

    def add_seconds(self, start: int, seconds: int) -> int:
        return start + seconds

    def elapsed_seconds(self, start: int, end: int) -> int:
        return end - start if end > start else 0

    def version_at(self, t: int) -> str:
        return "calendar-time"

    def add_many(self, starts: Seconds, durations: Seconds) -> Seconds:
        return np.asarray(starts, dtype=np.int64) + np.asarray(durations, dtype=np.int64)

    def elapsed_many(self, starts: Seconds, ends: Seconds) -> Seconds:
        diff = np.asarray(ends, dtype=np.int64) - np.asarray(starts, dtype=np.int64)
        return np.maximum(diff, 0)

    def __repr__(self) -> str:
        return "CalendarTime()"


ALWAYS = CalendarTime()


def clock_calendar(cal: ClockCalendar | None, *, retroactive_at: int | None = None) -> Any:
    """The calendar a target counts on; with ``retroactive_at``, its version then, for all time.

    An ``sla.calendar.Calendar`` gives that with :meth:`~sla.calendar.Calendar.as_of`
    (cached on the calendar, so recomputation stays cheap). Another calendar
    implementation can offer the same as a ``retroactive(t)`` method; one with
    neither has no versions and is its own retroactive form.
    """
    if cal is None:
        return ALWAYS
    if retroactive_at is not None:
        if isinstance(cal, Calendar):
            return cal.as_of(retroactive_at)
        hook = getattr(cal, "retroactive", None)
        if hook is not None:
            return hook(retroactive_at)
    return cal


def calendar_version(cal: Any, t: int) -> str:
    """The label of the calendar version in force at ``t`` ("1" when unversioned)."""
    versions = getattr(cal, "versions", None)
    if versions is not None and len(versions) == 1:
        return str(versions[0].label)
    version_at = getattr(cal, "version_at", None)
    if version_at is None:
        return "1"
    return str(version_at(t))
