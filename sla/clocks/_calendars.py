"""The engine's view of calendars: business hours, or plain calendar time."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

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

    Retroactive recomputation needs the calendar to offer ``retroactive(t)``
    (the version in force at ``t`` applied to the whole timeline); a calendar
    without versions is its own retroactive form.
    """
    if cal is None:
        return ALWAYS
    if retroactive_at is not None:
        hook = getattr(cal, "retroactive", None)
        if hook is not None:
            return hook(retroactive_at)
        versions = getattr(cal, "versions", ())
        index_at = getattr(cal, "version_index_at", None)
        if len(versions) > 1 and index_at is not None:
            return _single_version(cal, index_at(retroactive_at))
    return cal


# Calendars are compiled lazily and cached per version so recomputation stays cheap.
_RETRO: dict[int, tuple[Any, dict[int, Any]]] = {}


def _single_version(cal: Any, index: int) -> Any:
    """``sla.calendar.Calendar`` with version ``index`` in force for all time."""
    _, cache = _RETRO.setdefault(id(cal), (cal, {}))
    if index not in cache:
        version = attrs.evolve(cal.versions[index], effective_from=None)
        cache[index] = type(cal)((version,), cal.name)
    return cache[index]


def calendar_version(cal: Any, t: int) -> str:
    """The label of the calendar version in force at ``t`` ("1" when unversioned)."""
    versions = getattr(cal, "versions", None)
    if versions is not None and len(versions) == 1:
        return str(versions[0].label)
    version_at = getattr(cal, "version_at", None)
    if version_at is None:
        return "1"
    return str(version_at(t))
