"""The one time module: epoch <-> aware datetime, wall time -> instant, zones, horizon."""

from __future__ import annotations

import ast
import time as wallclock
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import TierError
from sla.calendar import (
    HORIZON,
    Calendar,
    CalendarError,
    from_epoch,
    localize,
    to_epoch,
    wall_to_epoch,
    zone,
)
from tests.calendar.strategies import ZONES

BERLIN = ZoneInfo("Europe/Berlin")
instants = st.integers(HORIZON[0], HORIZON[1] - 1)
rules = st.sampled_from(["compatible", "earlier", "later"])


@given(instants, st.sampled_from(ZONES))
def test_epoch_round_trips_through_an_aware_datetime(seconds: int, tz: str) -> None:
    assert to_epoch(from_epoch(seconds, tz)) == seconds


@given(instants, st.sampled_from(ZONES), rules)
def test_a_wall_time_read_back_in_its_zone_gives_the_same_instant(
    seconds: int, tz: str, rule: str
) -> None:
    # Every instant's own wall time names it; in an overlap "later" may pick the twin.
    local = from_epoch(seconds, tz)
    second_of_day = local.hour * 3600 + local.minute * 60 + local.second
    back = wall_to_epoch(tz, local.date(), second_of_day, disambiguate=rule)  # type: ignore[arg-type]
    if back != seconds:
        assert rule != "compatible" or local.fold == 1
        assert abs(back - seconds) <= 3 * 3600
        assert from_epoch(back, tz).replace(fold=0, tzinfo=None) == local.replace(
            fold=0, tzinfo=None
        )


@given(st.datetimes(datetime(1901, 1, 1), datetime(2299, 1, 1)), st.sampled_from(ZONES), rules)
def test_every_wall_time_gets_an_instant_within_a_gap_of_itself(
    wall: datetime, tz: str, rule: str
) -> None:
    seconds = wall_to_epoch(
        tz,
        wall.date(),
        wall.hour * 3600 + wall.minute * 60 + wall.second,
        disambiguate=rule,  # type: ignore[arg-type]
    )
    shown = from_epoch(seconds, tz).replace(tzinfo=None)
    # Unchanged, or moved across a gap (at most 3 h anywhere in the tz database).
    assert abs(shown - wall.replace(microsecond=0)) <= timedelta(hours=3)


@given(st.datetimes(datetime(1901, 1, 1), datetime(2299, 1, 1)), st.sampled_from(ZONES))
def test_compatible_is_pep_495_fold_zero(wall: datetime, tz: str) -> None:
    expected = to_epoch(wall.replace(tzinfo=ZoneInfo(tz), fold=0, microsecond=0))
    assert localize(wall.replace(microsecond=0), tz) == from_epoch(expected, tz)


def test_gap_in_berlin_spring_forward() -> None:
    # 2025-03-30 02:00 CET -> 03:00 CEST: 02:30 does not exist.
    day, wall = date(2025, 3, 30), 2 * 3600 + 30 * 60
    compatible = wall_to_epoch(BERLIN, day, wall)
    assert from_epoch(compatible, BERLIN).isoformat() == "2025-03-30T03:30:00+02:00"
    assert wall_to_epoch(BERLIN, day, wall, disambiguate="later") == compatible
    earlier = wall_to_epoch(BERLIN, day, wall, disambiguate="earlier")
    assert from_epoch(earlier, BERLIN).isoformat() == "2025-03-30T01:30:00+01:00"
    assert compatible - earlier == 3600
    with pytest.raises(CalendarError, match="skipped by a DST change in Europe/Berlin"):
        wall_to_epoch(BERLIN, day, wall, disambiguate="raise")


def test_overlap_in_berlin_fall_back() -> None:
    # 2025-10-26 03:00 CEST -> 02:00 CET: 02:30 happens twice.
    day, wall = date(2025, 10, 26), 2 * 3600 + 30 * 60
    first = wall_to_epoch(BERLIN, day, wall)
    assert from_epoch(first, BERLIN).isoformat() == "2025-10-26T02:30:00+02:00"
    assert wall_to_epoch(BERLIN, day, wall, disambiguate="earlier") == first
    assert wall_to_epoch(BERLIN, day, wall, disambiguate="later") == first + 3600
    with pytest.raises(CalendarError, match="repeated by a DST change"):
        wall_to_epoch(BERLIN, day, wall, disambiguate="raise")


def test_lord_howe_half_hour_gap() -> None:
    # Australia/Lord_Howe springs forward 30 minutes at 02:00 (2025-10-05).
    tz = "Australia/Lord_Howe"
    later = wall_to_epoch(tz, date(2025, 10, 5), 2 * 3600 + 10 * 60)
    earlier = wall_to_epoch(tz, date(2025, 10, 5), 2 * 3600 + 10 * 60, disambiguate="earlier")
    assert later - earlier == 1800
    assert from_epoch(later, tz).isoformat() == "2025-10-05T02:40:00+11:00"


def test_unambiguous_times_ignore_the_rule_and_raise_nothing() -> None:
    noon = wall_to_epoch(BERLIN, date(2025, 6, 2), 12 * 3600, disambiguate="raise")
    assert from_epoch(noon, BERLIN).isoformat() == "2025-06-02T12:00:00+02:00"


def test_bad_inputs_are_calendar_errors_naming_what() -> None:
    with pytest.raises(CalendarError, match="'Mars/Olympus'") as caught:
        zone("Mars/Olympus", field="calendars.main.tz")
    assert caught.value.field == "calendars.main.tz"
    with pytest.raises(TierError, match="unknown time zone"):
        zone("Nowhere", error=TierError)
    with pytest.raises(CalendarError, match="unknown disambiguation"):
        wall_to_epoch(BERLIN, date(2025, 3, 30), 9000, disambiguate="first")  # type: ignore[arg-type]
    with pytest.raises(CalendarError, match="naive wall time"):
        localize(datetime(2025, 1, 1, tzinfo=UTC), "UTC")
    with pytest.raises(CalendarError, match="timezone-aware"):
        to_epoch(datetime(2025, 1, 1))
    with pytest.raises(CalendarError, match="out of the range of dates"):
        from_epoch(10**15, "UTC")


def test_to_epoch_is_exact_at_the_ends_of_python_dates() -> None:
    # 9999-12-31T23:59:59Z = 253402300799 (`date -d 9999-12-31T23:59:59Z +%s`).
    assert to_epoch(datetime(9999, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)) == 253402300799
    assert to_epoch(datetime(1, 1, 1, tzinfo=UTC)) == -62135596800


# -- the horizon (issue 13, items 8 and 12) ---------------------------------------------


def _fast(seconds: float = 2.0) -> object:
    class Timer:
        def __enter__(self) -> None:
            self.start = wallclock.perf_counter()

        def __exit__(self, *exc: object) -> None:
            assert wallclock.perf_counter() - self.start < seconds

    return Timer()


W = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")


def test_adding_a_million_days_is_refused_at_once() -> None:
    start = datetime(2025, 6, 2, 9, tzinfo=BERLIN)
    with _fast(), pytest.raises(CalendarError, match="horizon"):  # type: ignore[attr-defined]
        W.add(start, timedelta(days=10**6))
    with _fast(), pytest.raises(CalendarError, match="horizon"):  # type: ignore[attr-defined]
        Calendar.always("UTC").add(start, timedelta(days=10**6))
    with _fast(), pytest.raises(CalendarError, match="horizon"):  # type: ignore[attr-defined]
        W.subtract(start, timedelta(days=10**6))


def test_year_9990_and_9999_instants_are_calendar_errors() -> None:
    for t in (
        datetime(9990, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
    ):
        with _fast(), pytest.raises(CalendarError, match="horizon"):  # type: ignore[attr-defined]
            W.add(t, timedelta(hours=1))
        with _fast(), pytest.raises(CalendarError, match="horizon"):  # type: ignore[attr-defined]
            W.is_open(t)
        with _fast(), pytest.raises(CalendarError, match="horizon"):  # type: ignore[attr-defined]
            Calendar.always().next_open(t)


def test_closures_over_all_dates_is_refused_and_the_horizon_answers_fast() -> None:
    with _fast(), pytest.raises(CalendarError, match="horizon") as caught:  # type: ignore[attr-defined]
        W.closures(date(1, 1, 1), date(9999, 12, 31))
    assert caught.value.field == "start_date"
    yearly = Calendar.weekly(
        {"mon-fri": "09:00-17:00"}, tz="UTC", holidays=[("12-25", "Christmas Day")]
    )
    with _fast(5.0):  # type: ignore[attr-defined]
        found = yearly.closures(date(1900, 1, 1), date(2299, 12, 31))
    assert len(found) == 400
    assert found[0] == (date(1900, 12, 25), "Christmas Day")


def test_the_edges_of_the_horizon_still_answer() -> None:
    first, end = HORIZON
    assert W.is_open_at(first) is False  # 1900-01-01 was a Monday, 00:00Z = 01:00 local
    assert Calendar.always().add_seconds(end - 2, 1) == end - 1
    with pytest.raises(CalendarError, match="horizon"):
        Calendar.always().add_seconds(end - 1, 1)


# -- a holiday closes its local date only (issue 15, item 6) ----------------------------


def test_a_holiday_on_a_night_shift_closes_only_its_own_date() -> None:
    night = Calendar.weekly(
        {"daily": "22:00-06:00"}, tz="Europe/Berlin", holidays=[("2025-12-25", "Christmas Day")]
    )
    at = datetime.fromisoformat
    # 26 Dec 00:00-06:00 lies on the 26th, not a holiday: open.
    assert night.is_open(at("2025-12-26T00:30+01:00"))
    assert night.is_open(at("2025-12-26T05:59+01:00"))
    assert not night.is_open(at("2025-12-25T23:00+01:00"))
    assert not night.is_open(at("2025-12-25T03:00+01:00"))  # the 24th's shift stops at midnight
    # 24 Dec 22:00 + 3 h: 22:00-24:00 on the 24th (2 h), then 00:00-01:00 on the 26th.
    assert night.add(at("2025-12-24T22:00+01:00"), timedelta(hours=3)) == at(
        "2025-12-26T01:00+01:00"
    )
    assert night.closures(date(2025, 12, 24), date(2025, 12, 26)) == [
        (date(2025, 12, 25), "Christmas Day")
    ]


def test_two_holidays_in_a_row_close_both_dates_and_nothing_else() -> None:
    night = Calendar.weekly(
        {"daily": "22:00-06:00"}, tz="UTC", holidays=["2025-12-25", "2025-12-26"]
    )
    at = datetime.fromisoformat
    assert not night.is_open(at("2025-12-26T03:00Z"))
    assert night.is_open(at("2025-12-27T03:00Z"))


# -- one module owns the conversions; no file cycle in sla.calendar ----------------------


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_calendar_and_its_spec_do_not_import_each_other() -> None:
    package = Path(__file__).parents[2] / "sla" / "calendar"
    assert "sla.calendar._calendar" not in _imports(package / "_spec.py")
    assert "sla.calendar._spec" in _imports(package / "_calendar.py")


def test_no_module_outside_the_time_module_converts_wall_times_or_looks_up_zones() -> None:
    root = Path(__file__).parents[2] / "sla"
    owners = {root / "calendar" / "_time.py"}
    # Outside the CLI and the month report (tracked separately), nothing builds a
    # ZoneInfo or reads a float timestamp.
    areas = ("calendar", "tiers", "contracts", "clocks", "pricing", "economics", "simulate")
    areas += ("scale",)
    offenders = [
        str(p.relative_to(root))
        for area in areas
        for p in (root / area).glob("*.py")
        if p not in owners and ("ZoneInfo(" in p.read_text() or ".timestamp()" in p.read_text())
    ]
    assert offenders == []


def test_batches_refuse_the_horizon_like_the_scalar_queries() -> None:
    import numpy as np

    starts = np.array([to_epoch(datetime(2025, 6, 2, 9, tzinfo=UTC))], dtype=np.int64)
    huge = np.array([10**17], dtype=np.int64)
    for cal in (W, Calendar.always()):
        with _fast(), pytest.raises(CalendarError, match="horizon"):  # type: ignore[attr-defined]
            cal.add_many(starts, huge)
        with pytest.raises(CalendarError, match="horizon"):
            cal.add_seconds(int(starts[0]), int(huge[0]))
        with pytest.raises(CalendarError, match="horizon"):
            cal.elapsed_many(starts, np.array([253402300799], dtype=np.int64))


def test_a_calendar_open_for_good_says_it_never_closes_within_the_horizon() -> None:
    # Found by hypothesis: 24/7 but for the morning of 2024-01-01, open from 14:00 on for good.
    cal = Calendar.weekly(
        {"daily": "00:00-24:00"}, tz="UTC", overrides={"2024-01-01": "14:00-24:00"}
    )
    t = datetime.fromisoformat("2024-01-01T00:00Z")
    assert cal.next_open(t) == datetime.fromisoformat("2024-01-01T14:00Z")
    with _fast(5.0), pytest.raises(CalendarError, match="never closes again within the horizon"):  # type: ignore[attr-defined]
        cal.next_close(t)
