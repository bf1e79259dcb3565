"""Human-readable descriptions and the plain dict form of one version's rules."""

from __future__ import annotations

from typing import Any

from sla.calendar._hours import DAY, format_intervals, group_days
from sla.calendar._rules import Holiday, Override, Rules

__all__ = ["describe_rules", "rules_to_dict"]


def _hours_text(intervals: tuple[tuple[int, int], ...]) -> str | list[str]:
    texts = format_intervals(intervals)
    return texts[0] if len(texts) == 1 else texts


def _holiday_to_plain(holiday: Holiday) -> str | dict[str, str]:
    if holiday.name is None:
        return holiday.key
    return {"date": holiday.key, "name": holiday.name}


def _override_to_plain(override: Override) -> str | list[str] | dict[str, Any]:
    hours: str | list[str] = _hours_text(override.intervals) if override.intervals else "closed"
    if override.name is None:
        return hours
    return {"hours": hours, "name": override.name}


def rules_to_dict(rules: Rules, *, explicit: bool) -> dict[str, Any]:
    """The plain form of ``rules``; ``explicit`` writes empty sections too (for changes,
    where an omitted section would inherit the previous version's)."""
    out: dict[str, Any] = {
        "tz": rules.tz,
        "hours": {key: _hours_text(intervals) for key, intervals in group_days(rules.weekly)},
    }
    holidays: list[Any] = [_holiday_to_plain(h) for h in rules.holidays]
    for s in rules.holiday_sets:
        plain: dict[str, Any] = {"country": s.code}
        if s.subdiv is not None:
            plain["subdiv"] = s.subdiv
        if s.years is not None:
            plain["years"] = list(s.years)
        if s.categories is not None:
            plain["categories"] = list(s.categories)
        holidays.append(plain)
    if holidays or explicit:
        out["holidays"] = holidays
    if rules.overrides or explicit:
        out["overrides"] = {o.key: _override_to_plain(o) for o in rules.overrides}
    return out


def describe_rules(rules: Rules) -> str:
    """``"Mon-Fri 09:00-17:00, Sat 10:00-12:00 (Europe/Berlin); closed 2025-12-25 ..."``."""
    groups = group_days(rules.weekly)
    if rules.weekly == tuple(((0, DAY),) for _ in range(7)):
        hours = "24/7"
    elif not groups:
        hours = "never open"
    else:
        hours = ", ".join(
            f"{key.title().replace(',', ', ')} {', '.join(format_intervals(intervals))}"
            for key, intervals in groups
        )
    parts = [f"{hours} ({rules.tz})"]
    if rules.holidays:
        named = [
            ("" if h.date else "every ") + h.key + (f" {h.name}" if h.name else "")
            for h in rules.holidays
        ]
        parts.append("closed " + ", ".join(named))
    for s in rules.holiday_sets:
        years = f" {s.years[0]}-{s.years[1]}" if s.years else ""
        parts.append(f"closed on public holidays of {s.label}{years}")
    for o in rules.overrides:
        hours_text = ", ".join(format_intervals(o.intervals)) if o.intervals else "closed"
        every = "" if o.date else "every "
        parts.append(f"{every}{o.key} {hours_text}" + (f" ({o.name})" if o.name else ""))
    return "; ".join(parts)
