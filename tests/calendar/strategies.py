"""Hypothesis strategies for calendars: random weekly hours (overnight included),
holidays, overrides and zones with DST and odd offsets."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from sla.calendar import Calendar

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Zones with DST, half- and quarter-hour offsets, and Lord Howe's 30-minute DST.
ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Sao_Paulo",
    "Asia/Kolkata",
)
#: Zones without DST in the tested years, where a minute-by-minute oracle applies.
FIXED_ZONES = ("UTC", "Asia/Kathmandu", "Asia/Kolkata")
STEP = 15 * 60
WEEK_SLOTS = 7 * 24 * 4
FIRST = 1_704_067_200  # 2024-01-01T00:00Z
LAST = 1_798_761_600  # 2027-01-01T00:00Z


def _clock(second: int) -> str:
    return f"{second // 3600:02d}:{second % 3600 // 60:02d}"


@st.composite
def weekly_hours(draw: st.DrawFn) -> dict[str, list[str]]:
    """Non-overlapping intervals on the week, each shorter than a day; some overnight."""
    if draw(st.integers(0, 9)) == 0:
        return {"daily": ["00:00-24:00"]}
    cuts = sorted(draw(st.sets(st.integers(0, WEEK_SLOTS - 1), min_size=2, max_size=16)))
    if len(cuts) % 2:
        cuts = cuts[:-1]
    hours: dict[str, list[str]] = {}
    for opens, closes in zip(cuts[::2], cuts[1::2]):
        length = (closes - opens) * STEP
        if length >= 86_400:
            closes = opens + 86_400 // STEP - 1
        day, start = divmod(opens * STEP, 86_400)
        end = (start + (closes - opens) * STEP) % 86_400
        text = f"{_clock(start)}-{'24:00' if end == 0 else _clock(end)}"
        hours.setdefault(WEEKDAYS[day], []).append(text)
    return hours


days_2025 = st.dates(date(2024, 1, 1), date(2026, 12, 31))


@st.composite
def calendars(draw: st.DrawFn, zones: tuple[str, ...] = ZONES) -> Calendar:
    """A random calendar: hours, a few holidays (dated and yearly) and overrides."""
    tz = draw(st.sampled_from(zones))
    holidays: list[object] = [d.isoformat() for d in draw(st.lists(days_2025, max_size=6))]
    if draw(st.booleans()):
        holidays.append(("12-25", "Christmas Day"))
    overrides: dict[str, list[str]] = {}
    for day in draw(st.lists(days_2025, max_size=3, unique=True)):
        opens = draw(st.integers(0, 95)) * STEP
        length = draw(st.integers(1, 40)) * STEP
        overrides[day.isoformat()] = (
            [] if draw(st.booleans()) else [f"{_clock(opens)}-{_clock((opens + length) % 86_400)}"]
        )
    return Calendar.weekly(draw(weekly_hours()), tz=tz, holidays=holidays, overrides=overrides)


instants = st.integers(FIRST, LAST)
minute_instants = st.integers(FIRST // 60, LAST // 60).map(lambda m: m * 60)
durations = st.integers(0, 200 * 3600)


def local_day(value: date, days: int) -> date:
    return value + timedelta(days=days)
