"""The compiled timeline: open intervals in epoch seconds with cumulative open time.

A calendar compiles its rules, a local year at a time and only as far as
queries reach, into sorted, disjoint, merged intervals ``[start, end)`` with
``cum[k]`` = open seconds before interval ``k``. A business *position*
``pos(t)`` (open seconds between the first compiled instant and ``t``) turns
``elapsed`` into a subtraction and ``add`` into a binary search.

Thread safety: a :class:`_State` is never mutated once published. Extension
builds a new state under a lock and swaps the reference; readers take one
snapshot per query and never see a half-built timeline.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from sla._errors import CalendarError
from sla.calendar._hours import DAY
from sla.calendar._rules import Rules, Version
from sla.calendar._time import HORIZON, HORIZON_TEXT, check_horizon, local_date, wall_to_epoch, zone

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import numpy as np
    import numpy.typing as npt

__all__ = ["Engine", "compile_rules", "merge"]

#: Beyond every dated rule, hours repeat with the 400-year Gregorian cycle: a
#: search that finds nothing in that long is searching a calendar that never opens.
_CYCLE_YEARS = 401
_MAX_STEP_YEARS = 64
#: Local years compiled at most: the horizon's UTC years plus one on each side,
#: since a zone's local year starts up to 14 hours off UTC's.
_MIN_YEAR, _MAX_YEAR = 1899, 2301


def _day_closures(rules: Rules, first: date, last: date) -> dict[date, str]:
    """Whole-day holidays from ``first`` to ``last`` (names joined when several apply)."""
    found: dict[date, list[str]] = {}
    for holiday in rules.holidays:
        if holiday.date is not None:
            if first <= holiday.date <= last:
                found.setdefault(holiday.date, []).append(holiday.name or "")
            continue
        for year in range(first.year, last.year + 1):
            try:
                day = date(year, holiday.month, holiday.day)
            except ValueError:  # 02-29 outside leap years
                continue
            if first <= day <= last:
                found.setdefault(day, []).append(holiday.name or "")
    for holiday_set in rules.holiday_sets:
        for year in range(first.year, last.year + 1):
            for day, name in holiday_set.on(year):
                if first <= day <= last:
                    found.setdefault(day, []).append(name)
    return {
        day: "; ".join(dict.fromkeys(n for n in names if n)) or "holiday"
        for day, names in found.items()
    }


def _overrides(rules: Rules, first: date, last: date) -> dict[date, tuple[tuple[int, int], ...]]:
    found: dict[date, tuple[tuple[int, int], ...]] = {}
    for override in rules.overrides:
        if override.date is not None:
            if first <= override.date <= last:
                found[override.date] = override.intervals
            continue
        for year in range(first.year, last.year + 1):
            try:
                day = date(year, override.month, override.day)
            except ValueError:
                continue
            if first <= day <= last and day not in found:  # a dated override beats a yearly one
                found[day] = override.intervals
    return found


def compile_rules(rules: Rules, tz: ZoneInfo, first: date, last: date) -> list[tuple[int, int]]:
    """Open intervals (epoch) opened by the local days ``first``..``last``, unmerged.

    A holiday closes its whole local date and nothing else: the weekly hours
    of that date are dropped, except the part of an overnight interval after
    midnight (it lies on the next date, open unless that one is closed or
    overridden too). An overnight interval running into a closed or overridden
    day stops at its midnight; an override's own hours are kept as written.
    """
    weekly = rules.weekly
    closed = _day_closures(rules, first, last + timedelta(days=1))
    special = _overrides(rules, first, last + timedelta(days=1))
    out: list[tuple[int, int]] = []
    day = first
    one = timedelta(days=1)
    while day <= last:
        following = day + one
        free_next = following not in closed and following not in special
        intervals = special.get(day)
        if intervals is None and day in closed:
            # A holiday closes its own local date only: the part of its overnight
            # hours after midnight belongs to the next date and stays open.
            intervals = tuple(
                (max(a, DAY), b) for a, b in weekly[day.weekday()] if b > DAY and free_next
            )
        elif intervals is None:
            intervals = weekly[day.weekday()]
            if intervals and intervals[-1][1] > DAY and not free_next:
                intervals = tuple((a, min(b, DAY)) for a, b in intervals)
        for opens, closes in intervals or ():
            start = wall_to_epoch(tz, day, opens)
            end = wall_to_epoch(tz, day, closes)
            if end > start:  # an interval inside a spring-forward gap is empty
                out.append((start, end))
        day += one
    return out


def merge(intervals: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class _State:
    """An immutable snapshot: intervals of local years ``[lo_year, hi_year)``."""

    __slots__ = ("_arrays", "cum", "ends", "hi", "hi_year", "lo", "lo_year", "starts", "total")

    def __init__(
        self, lo_year: int, hi_year: int, lo: int, hi: int, intervals: list[tuple[int, int]]
    ) -> None:
        self.lo_year, self.hi_year, self.lo, self.hi = lo_year, hi_year, lo, hi
        self.starts = [a for a, _ in intervals]
        self.ends = [b for _, b in intervals]
        self.cum = list(accumulate((b - a for a, b in intervals), initial=0))
        self.total = self.cum[-1]
        self._arrays: tuple[Any, ...] | None = None

    def arrays(self) -> tuple[npt.NDArray[np.int64], ...]:
        """``(starts, ends, cum)`` as int64 arrays, built once per snapshot."""
        if self._arrays is None:
            import numpy as np

            self._arrays = (
                np.array(self.starts, dtype=np.int64),
                np.array(self.ends, dtype=np.int64),
                np.array(self.cum, dtype=np.int64),
            )
        return self._arrays

    def pos(self, t: int) -> int:
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        if t < self.ends[i]:
            return self.cum[i] + t - self.starts[i]
        return self.cum[i + 1]

    def at_position(self, target: int) -> int:
        """The earliest instant whose position is ``target`` (``0 < target <= total``)."""
        j = bisect_left(self.cum, target) - 1
        return self.starts[j] + target - self.cum[j]


class Engine:
    """The lazily compiled timeline of a calendar's versions (shared by scalar and batch)."""

    __slots__ = ("_lock", "_state", "tz", "tzinfo", "versions")

    def __init__(self, versions: Sequence[Version]) -> None:
        self.versions = tuple(versions)
        self.tz = versions[0].rules.tz
        self.tzinfo = zone(self.tz)
        self._lock = threading.Lock()
        self._state: _State | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Engine, (self.versions,))  # the timeline is rebuilt lazily after unpickling

    # -- compiling -------------------------------------------------------------------------

    def _year_start(self, year: int) -> int:
        return wall_to_epoch(self.tzinfo, date(year, 1, 1), 0)

    def _compile(self, lo_year: int, hi_year: int) -> list[tuple[int, int]]:
        lo, hi = self._year_start(lo_year), self._year_start(hi_year)
        first = date(lo_year, 1, 1) - timedelta(days=2)  # overnight hours reach into a year
        last = date(hi_year, 1, 1) - timedelta(days=1)
        pieces: list[tuple[int, int]] = []
        bounds = [v.effective_from or 0 for v in self.versions[1:]] + [hi]
        for k, version in enumerate(self.versions):
            begin = max(lo, version.effective_from or lo) if k else lo
            finish = min(hi, bounds[k])
            if begin >= finish:
                continue
            day_from = max(first, local_date(begin, self.tzinfo) - timedelta(days=2))
            day_to = min(last, local_date(finish, self.tzinfo))
            for start, end in compile_rules(version.rules, self.tzinfo, day_from, day_to):
                start, end = max(start, begin), min(end, finish)
                if end > start:
                    pieces.append((start, end))
        return merge(pieces)

    def _publish(self, lo_year: int, hi_year: int) -> _State:
        """Extend the timeline to cover ``[lo_year, hi_year)``; returns the new snapshot."""
        lo_year, hi_year = max(lo_year, _MIN_YEAR), min(hi_year, _MAX_YEAR)
        with self._lock:
            old = self._state
            if old is not None and old.lo_year <= lo_year and hi_year <= old.hi_year:
                return old
            if old is None:
                intervals = self._compile(lo_year, hi_year)
            else:
                lo_year, hi_year = min(lo_year, old.lo_year), max(hi_year, old.hi_year)
                before = self._compile(lo_year, old.lo_year) if lo_year < old.lo_year else []
                after = self._compile(old.hi_year, hi_year) if hi_year > old.hi_year else []
                intervals = merge(before + list(zip(old.starts, old.ends)) + after)
            state = _State(
                lo_year, hi_year, self._year_start(lo_year), self._year_start(hi_year), intervals
            )
            self._state = state
            return state

    def covering(self, first: int, last: int | None = None) -> _State:
        """A snapshot covering instants ``first``..``last``."""
        last = first if last is None else last
        state = self._state
        if state is not None and state.lo <= first and last < state.hi:
            return state
        check_horizon(first)
        check_horizon(last)
        lo_year = local_date(first, self.tzinfo).year
        hi_year = local_date(last, self.tzinfo).year + 1
        if state is not None:
            lo_year, hi_year = min(lo_year, state.lo_year), max(hi_year, state.hi_year)
        return self._publish(lo_year, hi_year)

    def grow(
        self, state: _State, forward: bool, empty_years: int, what: str = "open"
    ) -> tuple[_State, int]:
        """One step further (forward or back); counts years crawled that added no open time.

        Raises :class:`CalendarError` once a full Gregorian cycle beyond every
        dated rule passed without opening, instead of looping forever.
        """
        span = min(max(1, state.hi_year - state.lo_year), _MAX_STEP_YEARS)
        # "never open" / "never closes": the words the early checks use too.
        never = "never closes" if what == "closed" else f"is never {what}"
        if forward:
            if state.hi >= HORIZON[1]:
                raise CalendarError(f"the calendar {never} again within the horizon {HORIZON_TEXT}")
            new = self._publish(state.lo_year, state.hi_year + span)
        else:
            if state.lo <= HORIZON[0]:
                raise CalendarError(f"the calendar {never} within the horizon {HORIZON_TEXT}")
            new = self._publish(state.lo_year - span, state.hi_year)
        added = len(new.starts) - len(state.starts)
        empty_years = empty_years + span if added <= 0 else 0
        if empty_years > _CYCLE_YEARS + self._explicit_years():
            where = "after" if forward else "before"
            raise CalendarError(f"the calendar {never} {where} this instant")
        return new, empty_years

    def _explicit_years(self) -> int:
        """Years spanned by dated rules, a bound on how long a search must crawl."""
        years = [
            d.year
            for v in self.versions
            for d in (v.rules.last_explicit_date(), local_date(v.effective_from or 0, self.tzinfo))
            if d is not None and d.year < _MAX_YEAR
        ]
        return max(years) - min(years) if years else 0
