"""The boundary model: a calendar's plain dict / YAML / JSON form, with a JSON Schema."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Annotated, Any, TypeAlias

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
)

from sla._errors import CalendarError, Problem
from sla.calendar._hours import parse_weekly
from sla.calendar._rules import HolidaySet, Rules, Version, parse_holidays, parse_overrides
from sla.calendar._time import to_epoch, zone

__all__ = ["CalendarChange", "CalendarSpec", "CountryHolidays", "NamedDay", "SpecialHours"]

Hours: TypeAlias = str | list[str]
_HOURS_DOC = (
    "Weekday keys (mon..sun, ranges mon-fri, lists mon,wed, daily) mapped to 'HH:MM-HH:MM' "
    "intervals or lists of them; 24:00 closes at midnight; '22:00-06:00' runs overnight."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NamedDay(_Model):
    """A holiday with a name: ``{"date": "2025-12-25", "name": "Christmas Day"}``."""

    date: str | _dt.date = Field(description="YYYY-MM-DD, or MM-DD for every year")
    name: str | None = None


class CountryHolidays(_Model):
    """Public holidays from the ``holidays`` package: ``{"country": "DE", "subdiv": "BE"}``."""

    country: str = Field(description="ISO 3166-1 alpha-2 country code, e.g. DE")
    subdiv: str | None = Field(None, description="subdivision code, e.g. BE for Berlin")
    years: list[int] | None = Field(None, description="[first, last] years; all years if omitted")
    categories: list[str] | None = None


class SpecialHours(_Model):
    """A day's special hours with a name: ``{"hours": "09:00-13:00", "name": "Christmas Eve"}``."""

    hours: Hours = Field(description="intervals, or 'closed'")
    name: str | None = None


def _holiday_kind(value: object) -> str:
    if isinstance(value, CountryHolidays) or (isinstance(value, Mapping) and "country" in value):
        return "holiday-set"
    if isinstance(value, NamedDay | Mapping):
        return "named-day"
    return "day"


HolidayItem: TypeAlias = Annotated[
    Annotated[str | _dt.date, Tag("day")]
    | Annotated[NamedDay, Tag("named-day")]
    | Annotated[CountryHolidays, Tag("holiday-set")],
    Discriminator(_holiday_kind),
]
Override: TypeAlias = Hours | SpecialHours


class CalendarChange(_Model):
    """A new version from ``effective_from`` on; omitted sections keep the previous ones."""

    effective_from: AwareDatetime
    label: str | None = None
    tz: str | None = None
    hours: dict[str, Hours] | None = Field(None, description=_HOURS_DOC)
    holidays: list[HolidayItem] | None = None
    overrides: dict[str, Override] | None = None


class CalendarSpec(_Model):
    """A business-hours calendar as plain data (the form of ``Calendar.to_dict()``).

    The boundary model only: it validates the plain form and turns it into the
    calendar's versions (:meth:`versions`); :meth:`Calendar.from_spec
    <sla.calendar.Calendar.from_spec>` builds the calendar, so this module never
    needs the :class:`~sla.calendar.Calendar` class.

    >>> spec = CalendarSpec.parse({"tz": "Europe/Berlin", "hours": {"mon-fri": "09:00-17:00"}})
    >>> [v.label for v in spec.versions()]
    ['v1']
    """

    name: str | None = None
    label: str | None = Field(None, description="label of the first version (default v1)")
    tz: str = Field(description="IANA time zone, e.g. Europe/Berlin")
    hours: dict[str, Hours] = Field(description=_HOURS_DOC)
    holidays: list[HolidayItem] = Field(
        default_factory=list,
        description="closed local days: YYYY-MM-DD, yearly MM-DD, {date, name}, {country, subdiv}",
    )
    overrides: dict[str, Override] = Field(
        default_factory=dict, description="special hours per day (YYYY-MM-DD or yearly MM-DD)"
    )
    changes: list[CalendarChange] = Field(default_factory=list, description="later versions")

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> CalendarSpec:
        """Validate ``data``; :class:`CalendarError` lists every problem with its field path."""
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            found: dict[str, list[str]] = {}
            for e in error.errors():
                found.setdefault(_path(e["loc"]), []).append(e["msg"])
            # Alternatives of a union each report; say them once, joined by "or".
            problems = [
                Problem(where, " or ".join(dict.fromkeys(m[0].lower() + m[1:] for m in msgs)))
                for where, msgs in found.items()
            ]
            raise CalendarError.from_problems(problems, what="calendar") from None

    def versions(self) -> tuple[Version, ...]:
        """The calendar versions this spec describes (all semantic problems at once).

        :raises CalendarError: listing every problem with its field path.
        """
        problems: list[Problem] = []
        rules = _rules(self, None, problems, "")
        versions = [Version(None, self.label or "v1", rules)] if rules else []
        previous_rules, previous_start = rules, None
        for i, change in enumerate(self.changes):
            where = f"changes[{i}]"
            start = to_epoch(change.effective_from)
            if previous_start is not None and start <= previous_start:
                problems.append(Problem(f"{where}.effective_from", "changes must be in order"))
            previous_start = start
            if change.tz is not None and change.tz != self.tz:
                problems.append(Problem(f"{where}.tz", "all versions must share one time zone"))
            new_rules = _rules(change, previous_rules, problems, where)
            if new_rules is not None:
                versions.append(Version(start, change.label or f"v{i + 2}", new_rules))
                previous_rules = new_rules
        if problems:
            raise CalendarError.from_problems(problems, what="calendar")
        return tuple(versions)


def _plain_holidays(items: list[HolidayItem]) -> list[object]:
    out: list[object] = []
    for item in items:
        if isinstance(item, NamedDay):
            out.append((item.date, item.name))
        elif isinstance(item, CountryHolidays):
            years = tuple(item.years) if item.years else None
            out.append(
                HolidaySet(
                    item.country,
                    item.subdiv,
                    (min(years), max(years)) if years else None,
                    tuple(item.categories) if item.categories else None,
                )
            )
        else:
            out.append(item)
    return out


def _plain_overrides(items: dict[str, Override]) -> dict[str, object]:
    return {
        day: {"hours": v.hours, "name": v.name} if isinstance(v, SpecialHours) else v
        for day, v in items.items()
    }


def _rules(
    spec: CalendarSpec | CalendarChange,
    previous: Rules | None,
    problems: list[Problem],
    prefix: str,
) -> Rules | None:
    dot = f"{prefix}." if prefix else ""
    before = len(problems)
    tz = spec.tz or (previous.tz if previous else "UTC")
    try:
        zone(tz, field=f"{dot}tz")
    except CalendarError as error:
        problems.extend(error.problems)
    weekly = (
        parse_weekly(spec.hours or {}, problems, f"{dot}hours")
        if spec.hours is not None or previous is None
        else previous.weekly
    )
    if spec.holidays is not None or previous is None:
        days, sets = parse_holidays(
            _plain_holidays(spec.holidays or []), problems, f"{dot}holidays"
        )
    else:
        days, sets = previous.holidays, previous.holiday_sets
    overrides = (
        parse_overrides(_plain_overrides(spec.overrides or {}), problems, f"{dot}overrides")
        if spec.overrides is not None or previous is None
        else previous.overrides
    )
    if len(problems) > before:
        return None
    return Rules(tz, weekly, days, sets, overrides)


_TAG = re.compile(
    r"^(str|int|date|day|named-day|holiday-set|list\[.*\]|dict\[.*\]|.*\[.*\]|[A-Z]\w*)$"
)


def _path(loc: tuple[int | str, ...]) -> str:
    """``holidays[2].country`` from pydantic's ``("holidays", 2, "CountryHolidays", "country")``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _TAG.match(part):
            out += f".{part}" if out else part
    return out
