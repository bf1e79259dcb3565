"""Calendars of a contract: :class:`CalendarSpec` in, compiled :class:`Calendar` out."""

from __future__ import annotations

from sla._errors import Problem, SLAError
from sla.calendar import Calendar, CalendarSpec
from sla.tiers import DEFAULT_CALENDARS

__all__ = ["Calendar", "build_calendar", "default_calendar"]


def build_calendar(
    name: str, spec: CalendarSpec, tz: str | None, problems: list[Problem]
) -> Calendar | None:
    """Compile one calendar once; ``tz`` replaces its zone (the customer's zone as source).

    Problems are appended with their path (``calendars.NAME.<field>``).
    """
    update: dict[str, object] = {}
    if tz is not None:
        update["tz"] = tz
    if spec.name is None:
        update["name"] = name
    try:
        return Calendar.from_spec(spec.model_copy(update=update) if update else spec)
    except SLAError as error:
        found = error.problems or (Problem(error.field or "", error.reason),)
        for p in found:
            field = f"calendars.{name}.{p.field}" if p.field else f"calendars.{name}"
            problems.append(Problem(field, p.reason, p.severity))
        return None


def default_calendar(name: str) -> CalendarSpec | None:
    """The catalogue's calendar ``name``, if there is one."""
    data = DEFAULT_CALENDARS.get(name)
    return CalendarSpec.parse(data) if data is not None else None
