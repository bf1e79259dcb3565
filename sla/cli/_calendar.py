"""``sla calendar add|subtract|elapsed|next-open``: quick business-time questions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sla._errors import SLAError
from sla.calendar import Calendar
from sla.cli._app import app
from sla.cli._common import UsageProblem, emit_json, parse_instant, print_mapping, read_data

calendar_app = typer.Typer(help="Business-hours arithmetic on a calendar.", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")

CalendarFile = Annotated[
    Path | None,
    typer.Option(
        "--calendar",
        "-c",
        help="Calendar file (YAML, JSON or TOML), or a contract: FILE or FILE#CALENDAR.",
    ),
]
Hours = Annotated[
    list[str] | None,
    typer.Option("--hours", help="Weekly hours, e.g. 'mon-fri=09:00-17:00' (repeatable)."),
]
Zone = Annotated[str, typer.Option("--tz", help="IANA time zone for --hours.")]
Holidays = Annotated[
    list[str] | None, typer.Option("--holiday", help="A closed local date YYYY-MM-DD (repeatable).")
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]


def _calendar(
    path: Path | None, hours: list[str] | None, tz: str, holidays: list[str] | None
) -> Calendar:
    if path is not None:
        name, _, wanted = path.name.partition("#")
        path = path.with_name(name)
        data = read_data(path)
        if isinstance(data, dict) and "calendar" in data and isinstance(data["calendar"], dict):
            data = data["calendar"]
        if isinstance(data, dict) and isinstance(data.get("calendars"), dict):
            data = _named(data["calendars"], wanted, path)
        if not isinstance(data, dict):
            raise UsageProblem(
                "expected a calendar (a mapping with tz and hours) or a contract", field=str(path)
            )
        try:
            return Calendar.from_dict(data)
        except SLAError as exc:
            raise UsageProblem(str(exc), field=str(path)) from None
    if not hours:
        return Calendar.always(tz)
    weekly: dict[str, list[str]] = {}
    for i, item in enumerate(hours):
        days, sep, spans = item.partition("=")
        if not sep:
            raise UsageProblem(
                f"{item!r}: write DAYS=HH:MM-HH:MM[,HH:MM-HH:MM]", field=f"--hours[{i}]"
            )
        weekly.setdefault(days.strip(), []).extend(s.strip() for s in spans.split(",") if s.strip())
    return Calendar.weekly(weekly, tz=tz, holidays=list(holidays or ()))


def _named(calendars: dict[str, object], wanted: str, path: Path) -> object:
    """The calendar of a contract file: ``FILE`` with one calendar, else ``FILE#NAME``."""
    names = ", ".join(calendars)
    if not wanted and len(calendars) == 1:
        return next(iter(calendars.values()))
    if wanted in calendars:
        return calendars[wanted]
    hint = f"no calendar {wanted!r}" if wanted else "several calendars"
    raise UsageProblem(
        f"{hint} in this contract ({names}); pick one as --calendar FILE#NAME", field=str(path)
    )


def _duration(text: str) -> int:
    from sla.tiers import parse_duration

    return parse_duration(text, field="DURATION")


def _shift(anchor: str, duration: str, cal: Calendar, *, forward: bool) -> dict[str, str]:
    """START + DURATION (forward) or END - DURATION, in business time."""
    from datetime import timedelta

    given, found = ("start", "due") if forward else ("end", "start")
    at = parse_instant(anchor, field=given.upper())
    step = timedelta(seconds=_duration(duration))
    result = cal.add(at, step) if forward else cal.subtract(at, step)
    return {given: at.isoformat(), "duration": duration, found: result.isoformat(),
            "calendar": cal.describe()}  # fmt: skip


@calendar_app.command("add")
def add(
    start: Annotated[str, typer.Argument(help="ISO 8601 instant with offset.")],
    duration: Annotated[str, typer.Argument(help="Business time, e.g. 4h, 1h30m, PT30M.")],
    calendar: CalendarFile = None,
    hours: Hours = None,
    tz: Zone = "UTC",
    holiday: Holidays = None,
    json_output: Json = False,
) -> None:
    """The instant DURATION of business time after START."""
    result = _shift(start, duration, _calendar(calendar, hours, tz, holiday), forward=True)
    emit_json(result) if json_output else print_mapping(result)


@calendar_app.command("subtract")
def subtract(
    end: Annotated[str, typer.Argument(help="ISO 8601 instant with offset.")],
    duration: Annotated[str, typer.Argument(help="Business time, e.g. 4h, 1h30m, PT30M.")],
    calendar: CalendarFile = None,
    hours: Hours = None,
    tz: Zone = "UTC",
    holiday: Holidays = None,
    json_output: Json = False,
) -> None:
    """The instant DURATION of business time before END."""
    result = _shift(end, duration, _calendar(calendar, hours, tz, holiday), forward=False)
    emit_json(result) if json_output else print_mapping(result)


@calendar_app.command("elapsed")
def elapsed(
    start: Annotated[str, typer.Argument(help="ISO 8601 instant with offset.")],
    end: Annotated[str, typer.Argument(help="ISO 8601 instant with offset.")],
    calendar: CalendarFile = None,
    hours: Hours = None,
    tz: Zone = "UTC",
    holiday: Holidays = None,
    json_output: Json = False,
) -> None:
    """Business time between START and END."""
    from sla.tiers import format_duration

    cal = _calendar(calendar, hours, tz, holiday)
    a, b = parse_instant(start, field="START"), parse_instant(end, field="END")
    seconds = int(cal.elapsed(a, b).total_seconds())
    result = {"start": a.isoformat(), "end": b.isoformat(), "seconds": seconds,
              "business_time": format_duration(seconds), "calendar": cal.describe()}  # fmt: skip
    emit_json(result) if json_output else print_mapping(result)


@calendar_app.command("next-open")
def next_open(
    at: Annotated[str, typer.Argument(help="ISO 8601 instant with offset.")],
    calendar: CalendarFile = None,
    hours: Hours = None,
    tz: Zone = "UTC",
    holiday: Holidays = None,
    json_output: Json = False,
) -> None:
    """Whether the calendar is open at AT, and when it next opens and closes."""
    cal = _calendar(calendar, hours, tz, holiday)
    t = parse_instant(at, field="AT")
    result = {
        "at": t.isoformat(),
        "open": cal.is_open(t),
        "next_open": cal.next_open(t).isoformat(),
        "next_close": cal.next_close(t).isoformat(),
        "calendar": cal.describe(),
    }
    emit_json(result) if json_output else print_mapping(result)
