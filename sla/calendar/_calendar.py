"""The :class:`Calendar`: weekly hours, exceptions and versions, and its queries."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, overload

import attrs

from sla._errors import CalendarError, Problem
from sla._types import Durations, Instants, Ints
from sla.calendar import _vector
from sla.calendar._describe import describe_rules, rules_to_dict
from sla.calendar._hours import DAY, parse_weekly
from sla.calendar._rules import Rules, Version, parse_holidays, parse_overrides
from sla.calendar._spec import CalendarSpec
from sla.calendar._time import (
    HORIZON,
    HORIZON_TEXT,
    check_horizon,
    from_epoch,
    local_date,
    to_epoch,
    wall_to_epoch,
    zone,
)
from sla.calendar._timeline import Engine, _day_closures, _overrides
from sla.calendar._versions import checked_versions, version_index

__all__ = ["Calendar"]

_SECOND = timedelta(seconds=1)
_FULL_WEEK = tuple(((0, DAY),) for _ in range(7))


def _seconds(duration: timedelta | int, field: str = "duration") -> int:
    if isinstance(duration, timedelta):
        return duration // _SECOND
    if isinstance(duration, int) and not isinstance(duration, bool):
        return duration
    raise CalendarError(f"expected a timedelta, got {type(duration).__name__}", field=field)


@attrs.frozen(slots=True, repr=False)
class Calendar:
    """A business-hours calendar: a zone, weekly hours, holidays, overrides and versions.

    Build one with :meth:`weekly`, :meth:`always`, :meth:`from_dict` or
    :meth:`versioned`. Calendars are immutable values (equal, hashable and
    picklable by value) and safe to share between threads; the timeline they
    compile lazily is internal.

    >>> cal = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")
    >>> cal.add(datetime.fromisoformat("2025-03-07T16:30+01:00"), timedelta(hours=1)).isoformat()
    '2025-03-10T09:30:00+01:00'
    """

    versions: tuple[Version, ...]
    name: str | None = None
    _engine: Engine = attrs.field(init=False, eq=False, hash=False)
    _always: bool = attrs.field(init=False, eq=False, hash=False)
    # One-version calendars handed out by version()/as_of(), so each compiles its timeline once.
    _single: dict[int, Calendar] = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        if not self.versions:
            raise CalendarError("a calendar needs at least one version", field="versions")
        object.__setattr__(self, "_engine", Engine(self.versions))
        object.__setattr__(self, "_always", all(v.rules.always_open for v in self.versions))
        object.__setattr__(self, "_single", {})

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def weekly(
        cls,
        hours: Mapping[str, str | Sequence[str]],
        tz: str,
        *,
        holidays: object = (),
        overrides: object = None,
        name: str | None = None,
        label: str = "v1",
    ) -> Calendar:
        """A calendar open on weekly ``hours`` in zone ``tz``, closed on ``holidays``.

        ``hours`` maps weekdays (``mon``, ``mon-fri``, ``mon,wed``, ``daily``) to
        ``"HH:MM-HH:MM"`` intervals or lists of them; ``24:00`` closes at midnight
        and ``"22:00-06:00"`` runs overnight into the next day. ``holidays`` holds
        dates, ``"YYYY-MM-DD"`` or yearly ``"MM-DD"`` strings, ``(date, name)``
        pairs, ``{date: name}`` mappings and :class:`HolidaySet` objects.
        ``overrides`` maps a day (``"2025-12-24"``, yearly ``"12-24"``) to its
        special hours (``"09:00-13:00"``, a list, ``"closed"``, or
        ``{"hours": ..., "name": ...}``).

        Raises :class:`CalendarError` listing every problem, each with its field.
        """
        problems: list[Problem] = []
        rules = _build_rules(hours, tz, holidays, overrides, problems, prefix="")
        if problems or rules is None:
            raise CalendarError.from_problems(problems, what="calendar")
        return cls((Version(None, label, rules),), name)

    @classmethod
    def always(cls, tz: str = "UTC", *, name: str | None = None) -> Calendar:
        """A 24/7 calendar: business time is wall-clock time."""
        zone(tz)
        return cls((Version(None, "v1", Rules(tz, _FULL_WEEK)),), name)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calendar:
        """A calendar from its plain dict/YAML/JSON form (see :class:`CalendarSpec`).

        :raises CalendarError: listing every problem with its field path.
        """
        return cls.from_spec(CalendarSpec.parse(data))

    @classmethod
    def from_spec(cls, spec: CalendarSpec) -> Calendar:
        """The calendar a validated :class:`CalendarSpec` describes.

        >>> spec = CalendarSpec.parse({"tz": "Europe/Berlin", "hours": {"mon-fri": "09:00-17:00"}})
        >>> Calendar.from_spec(spec).describe()
        'Mon-Fri 09:00-17:00 (Europe/Berlin)'

        :raises CalendarError: listing every semantic problem with its field path.
        """
        return cls(spec.versions(), spec.name)

    def to_dict(self) -> dict[str, Any]:
        """The plain form :meth:`from_dict` reads back to an equal calendar."""
        first = self.versions[0]
        out: dict[str, Any] = {}
        if self.name is not None:
            out["name"] = self.name
        out.update(rules_to_dict(first.rules, explicit=False))
        if first.label != "v1":
            out["label"] = first.label
        if len(self.versions) > 1:
            out["changes"] = [
                {
                    "effective_from": self._dt(v.effective_from or 0).isoformat(),
                    "label": v.label,
                    **rules_to_dict(v.rules, explicit=True),
                }
                for v in self.versions[1:]
            ]
        return out

    @classmethod
    def versioned(
        cls,
        entries: Sequence[tuple[datetime | None, Calendar] | tuple[datetime | None, Calendar, str]],
        *,
        name: str | None = None,
    ) -> Calendar:
        """A calendar whose hours change over time: ``[(None, old), (june_1, new), ...]``.

        Each entry's calendar is in force from its instant until the next entry;
        the first entry's instant must be ``None`` (in force since always).
        An optional third item labels the version (default ``v1``, ``v2``, ...).
        """
        versions = checked_versions(entries)
        first = entries[0][1]
        return cls(tuple(versions), name if name is not None else first.name)

    def changed_from(
        self, instant: datetime, new: Calendar, *, label: str | None = None
    ) -> Calendar:
        """This calendar until ``instant``, then ``new`` (later versions of this one dropped)."""
        start = to_epoch(instant, field="effective_from")
        kept = [v for v in self.versions if v.effective_from is None or v.effective_from < start]
        if len(new.versions) != 1:
            raise CalendarError("the new calendar must have a single version", field="new")
        if new.tz != self.tz:
            raise CalendarError("all versions must share one time zone", field="new.tz")
        version = Version(start, label or f"v{len(kept) + 1}", new.versions[0].rules)
        return Calendar((*kept, version), self.name)

    # -- properties --------------------------------------------------------------------------

    @property
    def tz(self) -> str:
        """The IANA name of the calendar's zone."""
        return self.versions[0].rules.tz

    @property
    def is_always_open(self) -> bool:
        """True for a 24/7 calendar without closures (business time = wall time)."""
        return self._always

    def open_seconds_per_week(self, version: int = -1) -> int:
        """Nominal open seconds in a week of ``version`` (604800 = 24/7, 0 = never open).

        Counts the weekly hours only: holidays, overrides and DST are ignored.
        """
        return sum(b - a for day in self.versions[version].rules.weekly for a, b in day)

    def version_index_at(self, t: datetime | int) -> int:
        """Index into :attr:`versions` of the version in force at ``t``."""
        at = t if isinstance(t, int) else to_epoch(t)
        starts = [v.effective_from or 0 for v in self.versions[1:]]
        return bisect_right(starts, at)

    def version_at(self, t: datetime | int) -> str:
        """The label of the version in force at ``t`` (clocks report it)."""
        return self.versions[self.version_index_at(t)].label

    def version(self, key: int | str) -> Calendar:
        """Version ``key`` alone, in force for all time: a one-version calendar.

        ``key`` is an index into :attr:`versions` (negative counts from the end) or
        a version's label. The version keeps its label and the calendar its name,
        so clocks still report which hours they counted on. A calendar with a
        single version returns itself; other results are cached on this calendar
        and share one compiled timeline between calls.

        >>> old = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="UTC")
        >>> new = Calendar.weekly({"mon-fri": "08:00-18:00"}, tz="UTC")
        >>> cal = old.changed_from(datetime.fromisoformat("2025-06-01T00:00Z"), new, label="summer")
        >>> cal.version("summer").describe()
        'Mon-Fri 08:00-18:00 (UTC)'

        :raises CalendarError: for an index out of range, or a label that names no
            version or several.
        """
        count = len(self.versions)
        index = version_index(self.versions, key)
        if count == 1:
            return self
        single = self._single.get(index)
        if single is None:
            only = attrs.evolve(self.versions[index], effective_from=None)
            single = self._single.setdefault(index, Calendar((only,), self.name))
        return single

    def as_of(self, t: datetime | int) -> Calendar:
        """The hours in force at ``t`` (aware datetime or epoch second), for all time.

        This is retroactive recomputation: ``cal.as_of(now)`` counts a whole cycle,
        including time before the hours changed, on today's hours, where ``cal``
        itself counts each period on its own version. Same as
        ``cal.version(cal.version_index_at(t))``.

        :raises CalendarError: for a naive datetime.
        """
        return self.version(self.version_index_at(t))

    def describe(self) -> str:
        """Human-readable hours, e.g. ``"Mon-Fri 09:00-17:00 (Europe/Berlin); closed ..."``."""
        if len(self.versions) == 1:
            return describe_rules(self.versions[0].rules)
        parts = []
        for v in self.versions:
            since = "" if v.effective_from is None else f" from {self._dt(v.effective_from)}"
            parts.append(f"{v.label}{since}: {describe_rules(v.rules)}")
        return " | ".join(parts)

    def __repr__(self) -> str:
        named = f"{self.name!r}, " if self.name else ""
        return f"<Calendar {named}{self.describe()}>"

    # -- integer fast paths --------------------------------------------------------------------

    def _dt(self, seconds: int) -> datetime:
        return from_epoch(seconds, self._engine.tzinfo)

    def is_open_at(self, t: int) -> bool:
        """Whether the calendar is open at epoch second ``t`` (intervals are ``[open, close)``)."""
        if self._always:
            return check_horizon(t) == t
        state = self._engine.covering(t)
        i = bisect_right(state.starts, t) - 1
        return i >= 0 and t < state.ends[i]

    def next_open_at(self, t: int) -> int:
        """``t`` if open, else the next opening (epoch seconds)."""
        if self._always:
            return check_horizon(t)
        state, empty = self._engine.covering(t), 0
        while True:
            i = bisect_right(state.starts, t) - 1
            if i >= 0 and t < state.ends[i]:
                return t
            if i + 1 < len(state.starts):
                return state.starts[i + 1]
            self._check_opens(t, forward=True)
            state, empty = self._engine.grow(state, True, empty)

    def next_close_at(self, t: int) -> int:
        """The end of the open period at ``t``, or of the next one if closed (epoch seconds).

        Raises :class:`CalendarError` for a calendar that never closes again.
        """
        if self._always:
            raise CalendarError("a 24/7 calendar never closes", field="calendar")
        state, empty = self._engine.covering(t), 0
        while True:
            i = bisect_right(state.starts, t) - 1
            k = i if i >= 0 and t < state.ends[i] else i + 1
            if k < len(state.starts) and state.ends[k] < state.hi:
                return state.ends[k]
            if k >= len(state.starts):
                self._check_opens(t, forward=True)
            else:
                self._check_closes(state.starts[k])
            state, empty = self._engine.grow(state, True, empty, what="closed")

    def add_seconds(self, start: int, seconds: int) -> int:
        """The instant ``seconds`` of business time after ``start`` (epoch seconds).

        A zero duration gives ``start`` if open, else the next opening; a
        positive one lands on the earliest instant with that much business time
        behind it (so an interval's close, not the next day's opening).
        Negative durations count backwards like :meth:`subtract_seconds`.
        """
        if self._always:
            return _within(start, start + seconds)
        if start + seconds >= HORIZON[1]:
            # Business time never outruns wall time: the answer lies beyond the horizon.
            raise _beyond(start, seconds)
        if seconds <= 0:
            return (
                self.next_open_at(start) if seconds == 0 else self.subtract_seconds(start, -seconds)
            )
        state, empty = self._engine.covering(start), 0
        # Positions are relative to a snapshot: recompute after every growth.
        while (target := state.pos(start) + seconds) > state.total:
            self._check_opens(start, forward=True)
            state, empty = self._engine.grow(state, True, empty)
        return state.at_position(target)

    def subtract_seconds(self, end: int, seconds: int) -> int:
        """The earliest instant with ``seconds`` of business time between it and ``end``.

        When that falls on a closed stretch it is the close before it (Mon
        10:00 minus 1 h on Mon-Fri 09:00-17:00 is Fri 17:00), so that
        ``subtract(add(s, d), d) <= s`` always holds.
        """
        if self._always:
            return _within(end, end - seconds)
        if seconds < 0:
            return self.add_seconds(end, -seconds)
        if end - seconds < HORIZON[0]:
            raise _beyond(end, -seconds)
        state, empty = self._engine.covering(end), 0
        while (target := state.pos(end) - seconds) <= 0:
            self._check_opens(end, forward=False)
            state, empty = self._engine.grow(state, False, empty)
        return state.at_position(target)

    def elapsed_seconds(self, start: int, end: int) -> int:
        """Business seconds from ``start`` to ``end``; negative when ``end < start``."""
        if self._always:
            return _within(start, end) - start
        state = self._engine.covering(min(start, end), max(start, end))
        return state.pos(end) - state.pos(start)

    def _check_opens(self, t: int, *, forward: bool) -> None:
        """Raise at once if no version in force after (or before) ``t`` can ever open."""
        index = self.version_index_at(t)
        relevant = self.versions[index:] if forward else self.versions[: index + 1]
        day = local_date(t, self._engine.tzinfo)
        for version in relevant:
            rules = version.rules
            if any(rules.weekly) or any(o.date is None and o.intervals for o in rules.overrides):
                return
            for o in rules.overrides:
                if (
                    o.intervals
                    and o.date is not None
                    and ((o.date >= day - timedelta(days=2)) if forward else (o.date <= day))
                ):
                    return
        where = "after" if forward else "before"
        raise CalendarError(f"the calendar is never open {where} {self._dt(t).isoformat()}")

    def _check_closes(self, t: int) -> None:
        """Raise at once if every version in force after ``t`` is open around the clock."""
        day = local_date(t, self._engine.tzinfo)  # t opens a period: earlier closures are past
        for version in self.versions[self.version_index_at(t) :]:
            rules = version.rules
            if rules.weekly != _FULL_WEEK or rules.holiday_sets:
                return
            dated = [h.date for h in rules.holidays] + [o.date for o in rules.overrides]
            if any(d is None or d >= day for d in dated):
                return
        raise CalendarError(f"the calendar never closes after {self._dt(t).isoformat()}")

    # -- datetime API ------------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The aware datetime (in the calendar's zone) ``duration`` of business time after
        ``start``. See :meth:`add_seconds` for zero and negative durations."""
        return self._dt(self.add_seconds(to_epoch(start, field="start"), _seconds(duration)))

    def subtract(self, end: datetime, duration: timedelta) -> datetime:
        """The earliest instant with ``duration`` of business time before ``end``."""
        return self._dt(self.subtract_seconds(to_epoch(end, field="end"), _seconds(duration)))

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        seconds = self.elapsed_seconds(to_epoch(start, field="start"), to_epoch(end, field="end"))
        return timedelta(seconds=seconds)

    def is_open(self, t: datetime) -> bool:
        """Whether the calendar is open at ``t``."""
        return self.is_open_at(to_epoch(t, field="t"))

    def next_open(self, t: datetime) -> datetime:
        """``t`` if open, else the next opening."""
        return self._dt(self.next_open_at(to_epoch(t, field="t")))

    def next_close(self, t: datetime) -> datetime:
        """The close of the open period at ``t`` (or of the next one when closed)."""
        return self._dt(self.next_close_at(to_epoch(t, field="t")))

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The open periods between ``start`` and ``end``, clipped to them."""
        lo, hi = to_epoch(start, field="start"), to_epoch(end, field="end")
        if hi <= lo:
            return
        if self._always:
            yield self._dt(lo), self._dt(hi)
            return
        state = self._engine.covering(lo, hi)
        i = max(bisect_right(state.starts, lo) - 1, 0)
        while i < len(state.starts) and state.starts[i] < hi:
            a, b = max(state.starts[i], lo), min(state.ends[i], hi)
            if b > a:
                yield self._dt(a), self._dt(b)
            i += 1

    def closures(self, start_date: date, end_date: date) -> list[tuple[date, str]]:
        """Whole local days closed by holidays from ``start_date`` to ``end_date`` inclusive,
        with their names (an override with no hours counts as a closure too).

        :raises CalendarError: for dates outside the horizon (years 1900 to 2299).
        """
        first, last = _horizon_date(start_date, "start_date"), _horizon_date(end_date, "end_date")
        if last < first:
            return []
        tz = self._engine.tzinfo
        # Each version's closed and special days over the whole range, once; a day
        # then takes the version in force at its local midnight.
        per_version = [
            (_overrides(v.rules, first, last), _day_closures(v.rules, first, last), v.rules)
            for v in self.versions
        ]
        days = sorted({d for special, closed, _ in per_version for d in (*special, *closed)})
        found: list[tuple[date, str]] = []
        for day in days:
            special, closed, rules = per_version[self.version_index_at(wall_to_epoch(tz, day, 0))]
            if day in special:
                if not special[day]:
                    names = [o.name for o in rules.overrides if o.falls_on(day)]
                    found.append((day, names[0] or "closed"))
            elif (name := closed.get(day)) is not None:
                found.append((day, name))
        return found

    # -- batches ------------------------------------------------------------------------------

    @overload
    def add_many(self, starts: Ints, durations: Durations) -> Ints: ...
    @overload
    def add_many(self, starts: Instants, durations: Durations) -> Instants: ...
    def add_many(self, starts: Instants, durations: Durations) -> Instants:
        """Vectorized [`add`][sla.calendar.Calendar.add] on numpy int64 epoch seconds /
        ``datetime64`` arrays, pandas or polars columns; ``durations`` as seconds,
        ``timedelta64`` or a scalar. Returns the same kind of column as ``starts``;
        agrees exactly with [`add`][sla.calendar.Calendar.add]."""
        return _vector.add_many(self, starts, durations)

    @overload
    def elapsed_many(self, starts: Ints, ends: Ints) -> Ints: ...
    @overload
    def elapsed_many(self, starts: Instants, ends: Instants) -> Durations: ...
    def elapsed_many(self, starts: Instants, ends: Instants) -> Durations:
        """Vectorized [`elapsed`][sla.calendar.Calendar.elapsed]: int64 seconds for int
        input, ``timedelta64[s]`` (or the column's duration type) else."""
        return _vector.elapsed_many(self, starts, ends)


def _horizon_date(day: date, field: str) -> date:
    if not isinstance(day, date):
        raise CalendarError(f"expected a date, got {day!r}", field=field)
    if not date(1900, 1, 1) <= day <= date(2299, 12, 31):
        raise CalendarError(
            f"{day.isoformat()} is outside the supported horizon (years 1900 to 2299)",
            field=field,
        )
    return day


def _within(start: int, result: int) -> int:
    """``result`` of a query from ``start``, both checked against the horizon."""
    check_horizon(start)
    if not HORIZON[0] <= result < HORIZON[1]:
        raise _beyond(start, result - start)
    return result


def _beyond(start: int, seconds: int) -> CalendarError:
    return CalendarError(
        f"{seconds} s of business time from epoch second {start} ends outside the supported "
        f"horizon {HORIZON_TEXT}",
        field="duration",
    )


def _build_rules(
    hours: object,
    tz: object,
    holidays: object,
    overrides: object,
    problems: list[Problem],
    prefix: str,
) -> Rules | None:
    dot = f"{prefix}." if prefix else ""
    if not isinstance(tz, str):
        problems.append(Problem(f"{dot}tz", f"a time zone must be an IANA name, got {tz!r}"))
    else:
        try:
            zone(tz, field=f"{dot}tz")
        except CalendarError as error:
            problems.extend(error.problems)
    weekly = parse_weekly(hours, problems, f"{dot}hours")
    days, sets = parse_holidays(holidays, problems, f"{dot}holidays")
    special = parse_overrides(overrides, problems, f"{dot}overrides")
    if problems:
        return None
    return Rules(str(tz), weekly, days, sets, special)
