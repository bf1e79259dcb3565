"""Weekly opening hours: parsing weekday keys and ``HH:MM-HH:MM`` intervals.

An interval is kept as ``(open, close)`` in seconds after the local midnight
of the day it opens on. ``close`` may reach past midnight: ``"22:00-06:00"``
on Monday is ``(79200, 108000)`` and closes Tuesday 06:00; ``24:00`` as a
close is ``86400``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import TypeAlias

from sla._errors import Problem

__all__ = [
    "DAY",
    "WEEKDAYS",
    "Interval",
    "Weekly",
    "format_intervals",
    "group_days",
    "parse_intervals",
    "parse_weekdays",
    "parse_weekly",
]

DAY = 86_400
WEEK = 7 * DAY
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOSED_WORDS = frozenset({"", "closed", "none", "-"})

#: (open, close) seconds after the local midnight of the opening day.
Interval: TypeAlias = tuple[int, int]
#: Opening intervals per weekday, Monday first.
Weekly: TypeAlias = tuple[tuple[Interval, ...], ...]

_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def _weekday(name: str) -> int | None:
    low = name.strip().lower()
    if low in WEEKDAYS:
        return WEEKDAYS.index(low)
    if low in _FULL_NAMES:
        return _FULL_NAMES.index(low)
    return None


def parse_weekdays(key: object, field: str, problems: list[Problem]) -> list[int]:
    """Weekdays (0 = Monday) named by ``mon``, ``mon-fri``, ``mon,wed``, ``daily``."""
    if not isinstance(key, str):
        problems.append(Problem(field, f"weekday key must be a string, got {key!r}"))
        return []
    days: list[int] = []
    for part in key.split(","):
        part = part.strip().lower()
        if part in ("daily", "everyday", "all"):
            days.extend(range(7))
            continue
        ends = part.split("-")
        found = [_weekday(e) for e in ends]
        if len(ends) > 2 or None in found:
            problems.append(
                Problem(
                    field,
                    f"unknown weekday {part!r} (use mon, tue, wed, thu, fri, sat, sun, "
                    "ranges like mon-fri, lists like mon,wed, or daily)",
                )
            )
            continue
        first, last = found[0], found[-1]
        assert first is not None
        assert last is not None
        day = first
        days.append(day)
        while day != last:  # a range may wrap: fri-mon is fri, sat, sun, mon
            day = (day + 1) % 7
            days.append(day)
    return days


def _parse_time(text: str, field: str, problems: list[Problem], *, closing: bool) -> int | None:
    match = _TIME.match(text)
    if not match:
        problems.append(Problem(field, f"{text.strip()!r} is not a time of day (use HH:MM)"))
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if minute > 59 or second > 59 or hour > 24 or (hour == 24 and (minute or second)):
        problems.append(Problem(field, f"{text.strip()} is not a time of day"))
        return None
    if hour == 24 and not closing:
        problems.append(Problem(field, "24:00 can only close an interval, not open one"))
        return None
    return hour * 3600 + minute * 60 + second


def parse_intervals(value: object, field: str, problems: list[Problem]) -> list[Interval]:
    """Intervals from ``"09:00-17:00"``, ``"09:00-12:00, 13:00-17:00"``, a list, or ``"closed"``."""
    if isinstance(value, str):
        if value.strip().lower() in _CLOSED_WORDS:
            return []
        texts = [(t, field) for t in value.split(",")] if "," in value else [(value, field)]
    elif isinstance(value, Sequence):
        texts = [(t, f"{field}[{i}]") for i, t in enumerate(value)]
    else:
        problems.append(Problem(field, f"hours must be 'HH:MM-HH:MM' or a list, got {value!r}"))
        return []
    out: list[Interval] = []
    for text, where in texts:
        if not isinstance(text, str) or text.count("-") != 1:
            problems.append(Problem(where, f"{text!r} is not an interval like '09:00-17:00'"))
            continue
        left, right = text.split("-")
        opens = _parse_time(left, where, problems, closing=False)
        closes = _parse_time(right, where, problems, closing=True)
        if opens is None or closes is None:
            continue
        if closes == opens:
            problems.append(Problem(where, f"{text.strip()} is empty (opens and closes at once)"))
            continue
        # A close at or before the open is an overnight interval ending the next day.
        out.append((opens, closes if closes > opens else closes + DAY))
    return out


def check_overlaps(
    spans: Iterable[tuple[int, int, str]], problems: list[Problem], *, period: int = WEEK
) -> None:
    """Report overlapping spans (``start, end, field``) on a circle of ``period`` seconds."""
    pieces: list[tuple[int, int, str]] = []
    for start, end, where in spans:
        if end > period:  # Sunday night into Monday morning wraps around the week
            pieces.append((start, period, where))
            pieces.append((0, end - period, where))
        else:
            pieces.append((start, end, where))
    pieces.sort()
    reported: set[tuple[str, str]] = set()
    for (_, end_a, a), (start_b, _, b) in pairwise(pieces):
        if start_b < end_a and (a, b) not in reported:
            reported.add((a, b))
            problems.append(Problem(b, f"overlaps {a}"))


def parse_weekly(hours: object, problems: list[Problem], prefix: str) -> Weekly:
    """The weekly table of ``hours`` (``{"mon-fri": "09:00-17:00", ...}``); problems collected."""
    if not isinstance(hours, Mapping):
        problems.append(Problem(prefix, f"hours must be a mapping of weekdays, got {hours!r}"))
        return tuple(() for _ in range(7))
    table: list[list[Interval]] = [[] for _ in range(7)]
    spans: list[tuple[int, int, str]] = []
    for key, value in hours.items():
        where = f"{prefix}.{key}"
        days = parse_weekdays(key, where, problems)
        intervals = parse_intervals(value, where, problems)
        for day in days:
            for i, (opens, closes) in enumerate(intervals):
                table[day].append((opens, closes))
                name = where if len(intervals) == 1 and isinstance(value, str) else f"{where}[{i}]"
                label = f"{name} ({WEEKDAYS[day]})" if len(days) > 1 else name
                spans.append((day * DAY + opens, day * DAY + closes, label))
    check_overlaps(spans, problems)
    return tuple(tuple(sorted(day)) for day in table)


def format_time(second: int) -> str:
    hour, rest = divmod(second % DAY if second != DAY else second, 3600)
    minute, sec = divmod(rest, 60)
    return f"{hour:02d}:{minute:02d}" + (f":{sec:02d}" if sec else "")


def format_intervals(intervals: Sequence[Interval]) -> list[str]:
    """``["09:00-17:00", "22:00-06:00"]`` for the given intervals."""
    return [f"{format_time(a)}-{format_time(b if b <= DAY else b - DAY)}" for a, b in intervals]


def group_days(weekly: Weekly) -> list[tuple[str, tuple[Interval, ...]]]:
    """Runs of consecutive weekdays with the same hours: ``[("mon-fri", ...), ("sat", ...)]``."""
    if all(day == weekly[0] for day in weekly):
        return [("daily", weekly[0])] if weekly[0] else []
    groups: list[tuple[str, tuple[Interval, ...]]] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and weekly[last + 1] == weekly[day]:
            last += 1
        if weekly[day]:
            key = WEEKDAYS[day] if last == day else f"{WEEKDAYS[day]}-{WEEKDAYS[last]}"
            groups.append((key, weekly[day]))
        day = last + 1
    return groups
