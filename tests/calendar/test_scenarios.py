"""The issue's must-show cases, named after the situation they cover.

Calendar W = Mon-Fri 09:00-17:00, Europe/Berlin. Expected instants were worked
out by hand from the IANA tz database rules (EU DST: last Sunday of March and
October at 01:00 UTC; US DST: second Sunday of March at 02:00 local).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sla.calendar import Calendar

HOUR = timedelta(hours=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def w() -> Calendar:
    return Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")


def test_friday_afternoon_rolls_to_monday(w: Calendar) -> None:
    due = w.add(at("2025-03-07T16:30+01:00"), HOUR)
    assert due == at("2025-03-10T09:30+01:00")
    assert due.utcoffset() == HOUR
    assert str(due.tzinfo) == "Europe/Berlin"


def test_full_day_ends_at_close_not_next_opening(w: Calendar) -> None:
    assert w.add(at("2025-06-02T09:00+02:00"), 8 * HOUR) == at("2025-06-02T17:00+02:00")


def test_zero_duration_on_saturday_gives_monday_opening(w: Calendar) -> None:
    assert w.add(at("2025-06-07T11:00+02:00"), timedelta(0)) == at("2025-06-09T09:00+02:00")


def test_zero_duration_while_open_is_the_instant_itself(w: Calendar) -> None:
    assert w.add(at("2025-06-04T10:15+02:00"), timedelta(0)) == at("2025-06-04T10:15+02:00")


def test_evening_start_counts_from_next_morning(w: Calendar) -> None:
    assert w.add(at("2025-06-04T20:00+02:00"), 4 * HOUR) == at("2025-06-05T13:00+02:00")


def test_evening_has_no_business_time(w: Calendar) -> None:
    assert w.elapsed(at("2025-06-03T18:00+02:00"), at("2025-06-03T20:00+02:00")) == timedelta(0)


def test_new_york_friday_rolls_over_us_spring_forward() -> None:
    ny = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="America/New_York")
    due = ny.add(at("2025-03-07T16:00-05:00"), 2 * HOUR)
    assert due == at("2025-03-10T10:00-04:00")
    assert due == at("2025-03-10T14:00Z")
    assert due.utcoffset() == -4 * HOUR


def test_spring_forward_24_7_berlin() -> None:
    always = Calendar.always("Europe/Berlin")
    due = always.add(at("2025-03-30T01:30+01:00"), 2 * HOUR)
    assert due == at("2025-03-30T04:30+02:00")
    assert due.isoformat() == "2025-03-30T04:30:00+02:00"


def test_fall_back_24_7_berlin() -> None:
    always = Calendar.always("Europe/Berlin")
    due = always.add(at("2025-10-26T01:30+02:00"), 2 * HOUR)
    assert due.isoformat() == "2025-10-26T02:30:00+01:00"


def test_spring_forward_24_7_berlin_compiled_from_daily_hours() -> None:
    # Not the always() shortcut: a daily 00:00-24:00 calendar with a holiday
    # long ago goes through the compiled timeline and must agree.
    daily = Calendar.weekly({"daily": "00:00-24:00"}, tz="Europe/Berlin", holidays=["2020-01-01"])
    assert not daily.is_always_open
    assert daily.add(at("2025-03-30T01:30+01:00"), 2 * HOUR) == at("2025-03-30T04:30+02:00")
    # A datetime in the autumn fold (fold=1) never compares equal across zones
    # (PEP 495), so compare the text form.
    due = daily.add(at("2025-10-26T01:30+02:00"), 2 * HOUR)
    assert due.isoformat() == "2025-10-26T02:30:00+01:00"


def test_night_shift_across_dst_is_seven_hours() -> None:
    nightly = Calendar.weekly({"daily": "22:00-06:00"}, tz="Europe/Berlin")
    start, end = at("2025-03-29T22:00+01:00"), at("2025-03-30T06:00+02:00")
    assert nightly.elapsed(start, end) == 7 * HOUR
    assert nightly.add(start, 7 * HOUR) == end


def test_night_shift_across_fall_back_is_nine_hours() -> None:
    nightly = Calendar.weekly({"daily": "22:00-06:00"}, tz="Europe/Berlin")
    assert nightly.elapsed(at("2025-10-25T22:00+02:00"), at("2025-10-26T06:00+01:00")) == 9 * HOUR


def test_reply_at_exactly_the_due_second_is_in_time(w: Calendar) -> None:
    due = w.add(at("2025-06-02T16:00+02:00"), 2 * HOUR)
    assert due == at("2025-06-03T10:00+02:00")
    assert w.elapsed(at("2025-06-02T16:00+02:00"), due) == 2 * HOUR  # not more
    assert not w.is_open(at("2025-06-02T17:00+02:00"))  # [open, close): 17:00 is closed
    assert w.is_open(at("2025-06-02T09:00+02:00"))


def test_subtract_lands_on_previous_close(w: Calendar) -> None:
    assert w.subtract(at("2025-03-10T10:00+01:00"), HOUR) == at("2025-03-07T17:00+01:00")
    assert w.subtract(at("2025-03-10T10:00+01:00"), 30 * timedelta(minutes=1)) == at(
        "2025-03-10T09:30+01:00"
    )


def test_elapsed_backwards_is_negative(w: Calendar) -> None:
    assert w.elapsed(at("2025-06-03T12:00+02:00"), at("2025-06-02T12:00+02:00")) == -8 * HOUR


def test_wall_time_in_spring_gap_moves_forward_by_the_gap() -> None:
    # 02:30 does not exist on 2025-03-30 in Berlin: RFC 5545 reads it with the
    # offset before the gap, 02:30+01:00 = 03:30+02:00.
    cal = Calendar.weekly({"sun": "02:30-05:00"}, tz="Europe/Berlin")
    assert cal.next_open(at("2025-03-30T00:00+01:00")) == at("2025-03-30T03:30+02:00")
    assert cal.elapsed(at("2025-03-30T00:00+01:00"), at("2025-03-30T12:00+02:00")) == 1.5 * HOUR


def test_ambiguous_wall_time_in_autumn_takes_first_occurrence() -> None:
    cal = Calendar.weekly({"sun": "02:30-04:00"}, tz="Europe/Berlin")
    # Ambiguous datetimes never compare equal across zones (PEP 495): compare text.
    opens = cal.next_open(at("2025-10-26T00:00+02:00"))
    assert opens.isoformat() == "2025-10-26T02:30:00+02:00"
    assert cal.elapsed(at("2025-10-26T00:00+02:00"), at("2025-10-26T12:00+01:00")) == 2.5 * HOUR


def test_three_month_closure_still_answers() -> None:
    cal = Calendar.weekly(
        {"mon-fri": "09:00-17:00"},
        tz="Europe/Berlin",
        overrides={
            f"2025-{m:02d}-{d:02d}": "closed"
            for m in (6, 7, 8)
            for d in range(1, 32)
            if (m, d) != (6, 31)
        },
    )
    assert cal.add(at("2025-05-30T16:00+02:00"), 2 * HOUR) == at("2025-09-01T10:00+02:00")


def test_calendar_open_one_hour_a_year_has_no_horizon() -> None:
    cal = Calendar.weekly({}, tz="UTC", overrides={"02-29": "12:00-13:00"})
    assert cal.add(at("2025-01-01T00:00Z"), HOUR) == at("2028-02-29T13:00Z")
    assert cal.add(at("2025-01-01T00:00Z"), 3 * HOUR) == at("2036-02-29T13:00Z")
    half = timedelta(minutes=30)
    assert cal.subtract(at("2025-01-01T00:00Z"), half) == at("2024-02-29T12:30Z")
    # subtract gives the earliest instant: a whole hour back is the previous close.
    assert cal.subtract(at("2025-01-01T00:00Z"), HOUR) == at("2020-02-29T13:00Z")
