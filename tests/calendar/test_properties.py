"""Hypothesis properties over random calendars, zones, instants and durations."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import Calendar, CalendarError, from_epoch, to_epoch
from tests.calendar.strategies import FIXED_ZONES, calendars, durations, instants, minute_instants

DAY = 86_400


@given(calendars(), instants, durations)
def test_elapsed_of_add_is_the_duration(cal: Calendar, start: int, duration: int) -> None:
    assert cal.elapsed_seconds(start, cal.add_seconds(start, duration)) == duration


@given(calendars(), instants, durations, durations)
def test_add_is_monotonic_in_duration(cal: Calendar, start: int, d1: int, d2: int) -> None:
    low, high = sorted((d1, d2))
    assert cal.add_seconds(start, low) <= cal.add_seconds(start, high)


@given(calendars(), instants, instants, instants)
def test_elapsed_is_additive(cal: Calendar, a: int, b: int, c: int) -> None:
    assert cal.elapsed_seconds(a, b) + cal.elapsed_seconds(b, c) == cal.elapsed_seconds(a, c)
    assert cal.elapsed_seconds(a, b) == -cal.elapsed_seconds(b, a)


@given(calendars(), instants, durations)
def test_subtract_undoes_add_to_the_same_position(cal: Calendar, start: int, duration: int) -> None:
    back = cal.subtract_seconds(cal.add_seconds(start, duration), duration)
    assert back <= start
    assert cal.elapsed_seconds(back, start) == 0


@given(calendars(), instants, durations)
def test_subtract_counts_exactly_backwards(cal: Calendar, end: int, duration: int) -> None:
    assert cal.elapsed_seconds(cal.subtract_seconds(end, duration), end) == duration


def _next_close_or_none(cal: Calendar, t: int) -> int | None:
    try:
        return cal.next_close_at(t)
    except CalendarError as error:
        if "never closes" not in str(error):
            raise
        return None


@given(calendars(), instants)
def test_next_open_and_close_bracket_open_time(cal: Calendar, t: int) -> None:
    opens = cal.next_open_at(t)
    assert opens >= t
    assert cal.is_open_at(opens)
    assert cal.elapsed_seconds(t, opens) == 0
    closes = _next_close_or_none(cal, t)
    if closes is None:  # only a calendar open around the clock may never close again
        assert cal.open_seconds_per_week() == 7 * DAY
    else:
        assert closes > opens
        assert not cal.is_open_at(closes)
        assert cal.elapsed_seconds(opens, closes) == closes - opens


@settings(max_examples=40)
@given(
    calendars(),
    st.lists(st.tuples(instants, st.integers(-100 * 3600, 200 * 3600)), min_size=1, max_size=25),
)
def test_vectorized_add_agrees_with_scalar(cal: Calendar, pairs: list[tuple[int, int]]) -> None:
    starts = np.array([s for s, _ in pairs], dtype=np.int64)
    spans = np.array([d for _, d in pairs], dtype=np.int64)
    expected = [cal.add_seconds(s, d) for s, d in pairs]
    assert cal.add_many(starts, spans).tolist() == expected
    as_datetime64 = cal.add_many(starts.astype("datetime64[s]"), spans.astype("timedelta64[s]"))
    assert as_datetime64.astype(np.int64).tolist() == expected


@settings(max_examples=40)
@given(calendars(), st.lists(st.tuples(instants, instants), min_size=1, max_size=25))
def test_vectorized_elapsed_agrees_with_scalar(cal: Calendar, pairs: list[tuple[int, int]]) -> None:
    starts = np.array([s for s, _ in pairs], dtype=np.int64)
    ends = np.array([e for _, e in pairs], dtype=np.int64)
    expected = [cal.elapsed_seconds(s, e) for s, e in pairs]
    assert cal.elapsed_many(starts, ends).tolist() == expected


@given(calendars(), instants, durations)
def test_datetime_api_agrees_with_epoch_api(cal: Calendar, start: int, duration: int) -> None:
    due = cal.add(from_epoch(start, "UTC"), timedelta(seconds=duration))
    assert to_epoch(due) == cal.add_seconds(start, duration)
    assert str(due.tzinfo) == cal.tz


@given(
    calendars(), st.integers(-50, 50).map(lambda days: datetime(2025, 6, 1) + timedelta(days=days))
)
def test_roundtrip_through_dict_is_lossless(cal: Calendar, when: datetime) -> None:
    again = Calendar.from_dict(cal.to_dict())
    assert again == cal
    assert hash(again) == hash(cal)


def _oracle_open(cal: Calendar, t: int) -> bool:
    """Openness of instant ``t`` read off the local wall clock, day by day (no DST zones)."""
    rules = cal.versions[0].rules
    local = from_epoch(t, cal.tz)
    today = local.date()
    second = local.hour * 3600 + local.minute * 60 + local.second

    def holiday(day: date) -> bool:
        return any(h.falls_on(day) for h in rules.holidays)

    def special(day: date) -> tuple[tuple[int, int], ...] | None:
        found = [o for o in rules.overrides if o.falls_on(day)]
        return found[0].intervals if found else None

    def closed_all_day(day: date) -> bool:
        return special(day) is not None or holiday(day)

    for offset in (0, 1):  # hours opened today, and hours opened yesterday running past midnight
        day = today - timedelta(days=offset)
        x = second + offset * DAY
        hours = special(day)
        clip = 2 * DAY
        if hours is None:
            if holiday(day):
                continue
            hours = rules.weekly[day.weekday()]
            if closed_all_day(day + timedelta(days=1)):
                clip = DAY
        if any(a <= x < min(b, clip) for a, b in hours):
            return True
    return False


@settings(max_examples=30)
@given(calendars(zones=FIXED_ZONES), minute_instants, st.integers(1, 3 * 24 * 60))
def test_elapsed_matches_minute_by_minute_oracle(cal: Calendar, start: int, minutes: int) -> None:
    counted = sum(60 for m in range(minutes) if _oracle_open(cal, start + 60 * m))
    assert cal.elapsed_seconds(start, start + 60 * minutes) == counted
