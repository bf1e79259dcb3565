"""Construction errors, the dict form, holidays, overrides, versions, batches, sharing."""

from __future__ import annotations

import pickle
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pendulum
import polars as pl
import pytest

from sla.calendar import Calendar, CalendarError, CalendarSpec, HolidaySet, from_epoch, to_epoch

HOUR = timedelta(hours=1)
BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def w() -> Calendar:
    return Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")


def test_invalid_hours_report_every_problem_with_its_field() -> None:
    with pytest.raises(CalendarError) as caught:
        Calendar.weekly(
            {"mon-fri": "09:00-25:00", "funday": "10:00", "sat": ["10:00-12:00", "11:00-13:00"]},
            tz="Mars/Olympus",
            holidays=["2025-02-30"],
            overrides={"12-24": "24:00-02:00"},
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {
        "tz",
        "hours.mon-fri",
        "hours.funday",
        "hours.sat[1]",
        "holidays[0]",
        "overrides.12-24",
    }


def test_empty_interval_is_rejected() -> None:
    with pytest.raises(CalendarError, match="empty"):
        Calendar.weekly({"mon": "09:00-09:00"}, tz="UTC")


def test_sunday_night_shift_overlapping_monday_morning_is_rejected() -> None:
    with pytest.raises(CalendarError, match="overlaps"):
        Calendar.weekly({"sun": "22:00-08:00", "mon": "07:00-12:00"}, tz="UTC")


def test_naive_datetime_is_rejected(w: Calendar) -> None:
    with pytest.raises(CalendarError, match="naive") as caught:
        w.add(datetime(2025, 6, 2, 9), HOUR)
    assert caught.value.field == "start"


def test_pendulum_and_pandas_instants_are_accepted(w: Calendar) -> None:
    expected = at("2025-03-10T09:30+01:00")
    assert w.add(pendulum.datetime(2025, 3, 7, 16, 30, tz="Europe/Berlin"), HOUR) == expected
    assert w.add(pd.Timestamp("2025-03-07 15:30", tz="UTC"), HOUR) == expected
    # 2025-03-07T15:30Z is 1741361400 s after the epoch (`date -d 2025-03-07T15:30Z +%s`).
    assert to_epoch(pendulum.datetime(2025, 3, 7, 15, 30, tz="UTC")) == 1741361400
    assert to_epoch(pd.Timestamp("2025-03-07 15:30:00.9", tz="UTC")) == 1741361400


def test_from_epoch_is_in_the_named_zone() -> None:
    assert from_epoch(1741361400, "Asia/Kathmandu").isoformat() == "2025-03-07T21:15:00+05:45"


def test_weekday_forms() -> None:
    cal = Calendar.weekly(
        {"mon,wed": "09:00-12:00, 13:00-17:00", "fri-sun": "10:00-11:00"}, tz="UTC"
    )
    assert cal.open_seconds_per_week() == 2 * 7 * 3600 + 3 * 3600
    assert (
        cal.describe()
        == "Mon 09:00-12:00, 13:00-17:00, Wed 09:00-12:00, 13:00-17:00, Fri-Sun 10:00-11:00 (UTC)"
    )


def test_holiday_set_keeps_names_and_closes_days() -> None:
    cal = Calendar.weekly(
        {"mon-fri": "09:00-17:00"},
        tz="Europe/Berlin",
        holidays=HolidaySet.country("DE", subdiv="BE"),
    )
    # Source: Berlin public holidays 2025 (Senatsverwaltung): 8 March is Women's Day.
    closures = dict(cal.closures(date(2025, 3, 1), date(2025, 3, 31)))
    assert "Women" in closures[date(2025, 3, 8)]
    assert not cal.is_open(at("2025-12-25T10:00+01:00"))
    assert cal.is_open(at("2025-12-23T10:00+01:00"))


def test_unknown_country_is_a_calendar_error() -> None:
    with pytest.raises(CalendarError) as caught:
        Calendar.weekly({"mon": "09:00-17:00"}, tz="UTC", holidays=[HolidaySet("XX")])
    assert caught.value.field == "holidays[0]"


def test_override_christmas_eve_closes_early_and_special_saturday_opens() -> None:
    cal = Calendar.weekly(
        {"mon-fri": "09:00-17:00"},
        tz="Europe/Berlin",
        overrides={
            "12-24": {"hours": "09:00-13:00", "name": "Christmas Eve"},
            "2025-12-27": "10:00-14:00",
        },
    )
    assert cal.next_close(at("2025-12-24T10:00+01:00")) == at("2025-12-24T13:00+01:00")
    assert cal.add(at("2025-12-24T12:00+01:00"), 2 * HOUR) == at("2025-12-25T10:00+01:00")
    assert cal.is_open(at("2025-12-27T11:00+01:00"))
    assert not cal.is_open(at("2026-12-26T11:00+01:00"))


def test_holiday_cuts_the_night_shift_at_its_midnight() -> None:
    cal = Calendar.weekly(
        {"daily": "22:00-06:00"}, tz="UTC", holidays=[("2025-12-25", "Christmas Day")]
    )
    assert cal.next_close(at("2025-12-24T23:00Z")) == at("2025-12-25T00:00Z")
    assert cal.closures(date(2025, 12, 24), date(2025, 12, 26)) == [
        (date(2025, 12, 25), "Christmas Day")
    ]


def test_never_open_calendar_raises_instead_of_looping() -> None:
    never = Calendar.weekly({}, tz="UTC", overrides={"2025-01-06": "09:00-10:00"})
    assert never.add(at("2025-01-01T00:00Z"), HOUR) == at("2025-01-06T10:00Z")
    with pytest.raises(CalendarError, match="never open"):
        never.add(at("2025-01-01T00:00Z"), 2 * HOUR)
    with pytest.raises(CalendarError, match="never open"):
        never.next_open(at("2025-02-01T00:00Z"))


def test_always_open_never_closes() -> None:
    always = Calendar.always("Asia/Kathmandu")
    assert always.is_always_open
    assert always.open_seconds_per_week() == 7 * 86_400
    with pytest.raises(CalendarError, match="never closes"):
        always.next_close(at("2025-01-01T00:00Z"))


def test_versions_use_each_version_for_its_period(w: Calendar) -> None:
    june = at("2025-06-01T00:00+02:00")
    longer = Calendar.weekly({"mon-fri": "08:00-20:00"}, tz="Europe/Berlin")
    cal = w.changed_from(june, longer, label="summer")
    assert cal.version_at(at("2025-05-30T12:00+02:00")) == "v1"
    assert cal.version_at(at("2025-06-02T12:00+02:00")) == "summer"
    # Fri 30 May 16:00 + 3 h: 1 h under v1, then Mon 2 June from 08:00 under the new hours.
    assert cal.add(at("2025-05-30T16:00+02:00"), 3 * HOUR) == at("2025-06-02T10:00+02:00")
    assert cal == Calendar.versioned([(None, w), (june, longer, "summer")])
    assert Calendar.from_dict(cal.to_dict()) == cal


def test_versions_must_share_a_zone_and_be_ordered(w: Calendar) -> None:
    other = Calendar.weekly({"mon": "09:00-10:00"}, tz="UTC")
    with pytest.raises(CalendarError) as caught:
        Calendar.versioned(
            [(None, w), (at("2025-06-01T00:00Z"), other), (at("2025-01-01T00:00Z"), w)]
        )
    assert {p.field for p in caught.value.problems} == {"versions[1]", "versions[2]"}


def test_spec_round_trip_schema_and_changes() -> None:
    data = {
        "name": "Support DE",
        "tz": "Europe/Berlin",
        "hours": {"mon-fri": ["09:00-12:00", "13:00-17:00"]},
        "holidays": [
            "2025-12-25",
            {"date": "12-31", "name": "New Year's Eve"},
            {"country": "DE", "subdiv": "BE"},
        ],
        "overrides": {"2025-12-24": {"hours": "09:00-13:00", "name": "Christmas Eve"}},
        "changes": [
            {"effective_from": "2026-01-01T00:00:00+01:00", "hours": {"mon-sat": "08:00-18:00"}}
        ],
    }
    cal = Calendar.from_dict(data)
    assert cal.name == "Support DE"
    assert cal.versions[1].rules.holidays == cal.versions[0].rules.holidays  # inherited
    assert Calendar.from_dict(cal.to_dict()) == cal
    assert Calendar.from_spec(CalendarSpec.parse(cal.to_dict())) == cal
    schema = CalendarSpec.model_json_schema()
    assert set(schema["required"]) == {"tz", "hours"}


def test_spec_errors_carry_field_paths() -> None:
    with pytest.raises(CalendarError) as caught:
        Calendar.from_dict(
            {"tz": "UTC", "hours": {"mon": 5}, "changes": [{"effective_from": "2025-01-01T00:00"}]}
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {"hours.mon", "changes[0].effective_from"}


def test_calendars_are_values_picklable_and_hashable(w: Calendar) -> None:
    twin = Calendar.weekly({"mon-thu": "09:00-17:00", "fri": "09:00-17:00"}, tz="Europe/Berlin")
    assert twin == w
    assert len({w, twin}) == 1
    w.add(at("2025-06-02T09:00+02:00"), HOUR)  # compile something first
    again = pickle.loads(pickle.dumps(w))
    assert again == w
    assert again.add(at("2025-06-02T09:00+02:00"), HOUR) == at("2025-06-02T10:00+02:00")
    with pytest.raises(AttributeError):
        w.name = "changed"  # type: ignore[misc]


def test_shared_calendar_extends_safely_across_threads() -> None:
    cal = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="America/New_York", holidays=["07-04"])
    starts = [to_epoch(datetime(year, 3, 1, tzinfo=BERLIN)) for year in range(2000, 2040)]
    expected = [Calendar.from_dict(cal.to_dict()).add_seconds(s, 500 * 3600) for s in starts]
    results: dict[int, list[int]] = {}

    def work(k: int) -> None:
        order = starts if k % 2 else starts[::-1]
        got = {s: cal.add_seconds(s, 500 * 3600) for s in order}
        results[k] = [got[s] for s in starts]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results.values())


def test_batches_accept_pandas_and_polars_columns(w: Calendar) -> None:
    stamps = pd.Series(
        pd.to_datetime(["2025-03-07 16:30", "2025-06-07 11:00"]).tz_localize("Europe/Berlin")
    )
    due = w.add_many(stamps, pd.Series(pd.to_timedelta([1, 0], unit="h")))
    assert list(due) == [
        pd.Timestamp("2025-03-10 09:30", tz="Europe/Berlin"),
        pd.Timestamp("2025-06-09 09:00", tz="Europe/Berlin"),
    ]
    column = pl.Series(
        "t", [datetime(2025, 3, 7, 15, 30), datetime(2025, 6, 7, 9)]
    ).dt.replace_time_zone("UTC")
    out = w.add_many(column, 3600)
    assert out.dt.epoch("s").to_list() == [
        to_epoch(at("2025-03-10T09:30+01:00")),
        to_epoch(at("2025-06-09T10:00+02:00")),
    ]
    spent = w.elapsed_many(stamps, stamps + pd.Timedelta(days=3))
    assert list(spent) == [pd.Timedelta(hours=8), pd.Timedelta(hours=10)]
    with pytest.raises(CalendarError, match="tz-aware"):
        w.add_many(pd.Series(pd.to_datetime(["2025-03-07 16:30"])), 60)


def test_open_intervals_are_clipped(w: Calendar) -> None:
    spans = list(w.open_intervals(at("2025-06-02T12:00+02:00"), at("2025-06-03T10:00+02:00")))
    assert spans == [
        (at("2025-06-02T12:00+02:00"), at("2025-06-02T17:00+02:00")),
        (at("2025-06-03T09:00+02:00"), at("2025-06-03T10:00+02:00")),
    ]
