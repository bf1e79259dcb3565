"""The exceptions to weekly hours: holidays, holiday sets, overrides; and one version's rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import attrs

from sla._errors import CalendarError, Problem
from sla.calendar._hours import DAY, Interval, Weekly, check_overlaps, parse_intervals

__all__ = [
    "Holiday",
    "HolidaySet",
    "Override",
    "Rules",
    "Version",
    "parse_holidays",
    "parse_overrides",
]

_Date = date  # the classes below have a field called `date`
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_YEARLY = re.compile(r"^\s*(?:--)?(\d{2})-(\d{2})\s*$")


class _OnADay:
    """A rule for one dated local day, or for a month/day every year."""

    __slots__ = ()
    date: _Date | None
    month: int
    day: int

    @property
    def key(self) -> str:
        """``2025-12-25`` for a dated rule, ``12-25`` for a yearly one."""
        return self.date.isoformat() if self.date else f"{self.month:02d}-{self.day:02d}"

    def falls_on(self, day: _Date) -> bool:
        if self.date is not None:
            return self.date == day
        return day.month == self.month and day.day == self.day


@attrs.frozen(slots=True)
class Holiday(_OnADay):
    """A whole local day closed: on one ``date``, or every year on ``month``/``day``."""

    date: _Date | None
    name: str | None = None
    month: int = 0
    day: int = 0


@lru_cache(maxsize=512)
def _country_year(
    country: str, subdiv: str | None, categories: tuple[str, ...] | None, year: int
) -> tuple[tuple[date, str], ...]:
    import holidays  # optional extra: `pip install sla[holidays]`

    kwargs: dict[str, Any] = {"subdiv": subdiv, "years": year}
    if categories:
        kwargs["categories"] = categories
    found = holidays.country_holidays(country, **kwargs)
    return tuple(sorted(found.items()))


@attrs.frozen(slots=True)
class HolidaySet:
    """Public holidays of a country (and subdivision) from the ``holidays`` package.

    Dates are looked up year by year as queries reach them, so there is no
    horizon; ``years`` (first, last), if given, limits the set. Each date keeps
    the name the ``holidays`` package gives it.
    """

    code: str
    subdiv: str | None = None
    years: tuple[int, int] | None = None
    categories: tuple[str, ...] | None = None

    @classmethod
    def country(
        cls,
        code: str,
        subdiv: str | None = None,
        *,
        years: int | Iterable[int] | None = None,
        categories: Iterable[str] | None = None,
    ) -> HolidaySet:
        """The holidays of country ``code`` (ISO 3166, e.g. ``"DE"``), ``subdiv`` (``"BE"``).

        Raises :class:`CalendarError` if the ``holidays`` package is missing or
        does not know the country or subdivision.
        """
        span: tuple[int, int] | None = None
        if isinstance(years, int):
            span = (years, years)
        elif years is not None:
            listed = sorted(years)
            span = (listed[0], listed[-1]) if listed else None
        made = cls(code, subdiv, span, tuple(categories) if categories else None)
        made.validate("holidays")
        return made

    def validate(self, field: str) -> None:
        """Raise :class:`CalendarError` if the ``holidays`` package cannot serve this set."""
        try:
            import holidays
        except ImportError:
            raise CalendarError(
                "holiday sets need the `holidays` package: pip install 'sla[holidays]'",
                field=field,
            ) from None
        try:
            holidays.country_holidays(self.code, subdiv=self.subdiv)
        except (NotImplementedError, KeyError, ValueError) as error:
            raise CalendarError(str(error).strip("'\""), field=field) from None

    def on(self, year: int) -> tuple[tuple[date, str], ...]:
        """``(date, name)`` of every holiday of the set in ``year``."""
        if self.years is not None and not self.years[0] <= year <= self.years[1]:
            return ()
        return _country_year(self.code, self.subdiv, self.categories, year)

    @property
    def label(self) -> str:
        return self.code + (f"-{self.subdiv}" if self.subdiv else "")


@attrs.frozen(slots=True)
class Override(_OnADay):
    """Special hours replacing one local day's hours (``intervals=()`` closes it)."""

    date: _Date | None
    intervals: tuple[Interval, ...]
    name: str | None = None
    month: int = 0
    day: int = 0


@attrs.frozen(slots=True)
class Rules:
    """One version of a calendar: zone, weekly hours and every exception, compiled values."""

    tz: str
    weekly: Weekly
    holidays: tuple[Holiday, ...] = ()
    holiday_sets: tuple[HolidaySet, ...] = ()
    overrides: tuple[Override, ...] = ()

    @property
    def always_open(self) -> bool:
        full = ((0, DAY),)
        return (
            all(day == full for day in self.weekly)
            and not self.holidays
            and not self.holiday_sets
            and not self.overrides
        )

    def last_explicit_date(self) -> date | None:
        dated = [h.date for h in self.holidays if h.date] + [
            o.date for o in self.overrides if o.date
        ]
        if self.holiday_sets:
            years = [s.years[1] for s in self.holiday_sets if s.years]
            if len(years) < len(self.holiday_sets):
                return date.max
            dated.append(date(max(years), 12, 31))
        return max(dated, default=None)


@attrs.frozen(slots=True)
class Version:
    """One version of a calendar: ``rules`` in force from ``effective_from`` (epoch) on."""

    effective_from: int | None
    label: str
    rules: Rules


def _parse_day(
    value: object, field: str, problems: list[Problem]
) -> tuple[date | None, int, int] | None:
    """``(date, 0, 0)`` for a dated day, ``(None, month, day)`` for a yearly ``MM-DD``."""
    if isinstance(value, date):
        return (value, 0, 0)
    if isinstance(value, str):
        if m := _DATE.match(value):
            try:
                return (date(int(m[1]), int(m[2]), int(m[3])), 0, 0)
            except ValueError:
                pass
        elif m := _YEARLY.match(value):
            try:
                date(2000, int(m[1]), int(m[2]))  # a leap year admits 02-29
                return (None, int(m[1]), int(m[2]))
            except ValueError:
                pass
    problems.append(
        Problem(field, f"{value!r} is not a date (use YYYY-MM-DD, or MM-DD for every year)")
    )
    return None


def parse_holidays(
    items: object, problems: list[Problem], prefix: str
) -> tuple[tuple[Holiday, ...], tuple[HolidaySet, ...]]:
    """Holidays from dates, ``"YYYY-MM-DD"``/``"MM-DD"``, ``(date, name)``, mappings, sets.

    A ``{date: name}`` mapping (such as a ``holidays.DE(years=2025)`` object)
    and a single :class:`HolidaySet` are accepted as well as lists of items.
    """
    if isinstance(items, HolidaySet):
        items = [items]
    elif isinstance(items, Mapping):
        items = list(items.items())
    elif isinstance(items, str | date) or not isinstance(items, Iterable):
        items = [items]
    days: list[Holiday] = []
    sets: list[HolidaySet] = []
    for i, item in enumerate(items):
        where = f"{prefix}[{i}]"
        name: object = None
        if isinstance(item, Holiday):
            days.append(item)
            continue
        if isinstance(item, HolidaySet):
            try:
                item.validate(where)
                sets.append(item)
            except CalendarError as error:
                problems.extend(error.problems)
            continue
        if isinstance(item, tuple) and len(item) == 2:
            item, name = item
        if name is not None and not isinstance(name, str):
            problems.append(Problem(where, f"a holiday name must be text, got {name!r}"))
            continue
        parsed = _parse_day(item, where, problems)
        if parsed is not None:
            days.append(Holiday(parsed[0], name, parsed[1], parsed[2]))
    unique = sorted(set(days), key=lambda h: (h.date or date.min, h.month, h.day, h.name or ""))
    return tuple(unique), tuple(dict.fromkeys(sets))


def parse_overrides(items: object, problems: list[Problem], prefix: str) -> tuple[Override, ...]:
    """Overrides from ``{day: hours}`` where hours is ``"10:00-14:00"``, a list, ``"closed"``,
    or ``{"hours": ..., "name": ...}``; ``day`` is ``YYYY-MM-DD``, ``MM-DD`` or a date."""
    if items is None:
        return ()
    if isinstance(items, Override):
        items = [items]
    if isinstance(items, Mapping):
        items = list(items.items())
    if not isinstance(items, Iterable) or isinstance(items, str):
        problems.append(Problem(prefix, f"overrides must map days to hours, got {items!r}"))
        return ()
    found: list[Override] = []
    seen: dict[tuple[date | None, int, int], str] = {}
    for entry in items:
        if isinstance(entry, Override):
            found.append(entry)
            continue
        key, value = entry
        where = f"{prefix}.{key.isoformat() if isinstance(key, date) else key}"
        name: object = None
        if isinstance(value, Mapping):
            name = value.get("name")
            unknown = set(value) - {"hours", "name"}
            if unknown:
                problems.append(Problem(where, f"unknown keys {sorted(unknown)}"))
            value = value.get("hours", [])
            where_hours = f"{where}.hours"
        else:
            where_hours = where
        if name is not None and not isinstance(name, str):
            problems.append(Problem(f"{where}.name", f"a name must be text, got {name!r}"))
            name = None
        day = _parse_day(key, where, problems)
        intervals = parse_intervals(value, where_hours, problems)
        check_overlaps(
            [(a, b, f"{where_hours}[{i}]") for i, (a, b) in enumerate(intervals)],
            problems,
            period=10 * DAY,
        )
        if day is None:
            continue
        if day in seen:
            problems.append(Problem(where, f"the same day is also overridden by {seen[day]}"))
            continue
        seen[day] = where
        found.append(Override(day[0], tuple(sorted(intervals)), name, day[1], day[2]))
    return tuple(sorted(found, key=lambda o: (o.date or date.min, o.month, o.day)))
