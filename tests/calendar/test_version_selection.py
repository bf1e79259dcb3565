"""One version of a versioned calendar, for all time: ``version(key)`` and ``as_of(t)``."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.calendar import Calendar, CalendarError

from .strategies import ZONES, calendars, durations, instants

HOUR = timedelta(hours=1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


JUNE = at("2025-06-01T00:00+02:00")
W = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin", name="support")
LONGER = Calendar.weekly({"mon-fri": "08:00-20:00"}, tz="Europe/Berlin")
CAL = W.changed_from(JUNE, LONGER, label="summer")


def test_as_of_counts_the_whole_span_on_the_hours_in_force_then() -> None:
    friday = at("2025-05-30T16:00+02:00")
    # Versioned: 1 h on the old hours Friday, then Monday 08:00-10:00 on the new ones.
    assert CAL.add(friday, 3 * HOUR) == at("2025-06-02T10:00+02:00")
    # Retroactive on the summer hours: Friday is open until 20:00 too.
    assert CAL.as_of(at("2025-06-02T12:00+02:00")).add(friday, 3 * HOUR) == at(
        "2025-05-30T19:00+02:00"
    )
    # As of May, the old hours apply after June 1 as well.
    assert CAL.as_of(at("2025-05-01T12:00+02:00")).add(friday, 3 * HOUR) == at(
        "2025-06-02T11:00+02:00"
    )


def test_a_selected_version_keeps_its_label_and_the_calendars_name() -> None:
    summer = CAL.as_of(JUNE)
    assert summer == Calendar.weekly(
        {"mon-fri": "08:00-20:00"}, tz="Europe/Berlin", name="support", label="summer"
    )
    assert len(summer.versions) == 1
    assert summer.versions[0].effective_from is None
    assert summer.version_at(at("2000-01-01T00:00Z")) == "summer"
    assert CAL.as_of(JUNE - timedelta(seconds=1)) == W  # the first version is labelled v1


@pytest.mark.parametrize(("key", "label"), [(0, "v1"), (1, "summer"), (-1, "summer"), ("v1", "v1")])
def test_versions_are_picked_by_index_or_label(key: int | str, label: str) -> None:
    assert CAL.version(key).versions[0].label == label


def test_selection_is_cached_and_a_single_version_calendar_is_its_own() -> None:
    assert CAL.as_of(JUNE) is CAL.version("summer") is CAL.version(-1)
    assert W.as_of(JUNE) is W
    assert W.version("v1") is W
    # The cache is not part of the value: equality, hashing and pickling ignore it.
    fresh = W.changed_from(JUNE, LONGER, label="summer")
    assert fresh == CAL
    assert hash(fresh) == hash(CAL)
    assert pickle.loads(pickle.dumps(CAL)) == CAL


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("winter", "no version labelled 'winter' (versions: 'v1', 'summer')"),
        (2, "version index 2 is out of range for 2 version(s)"),
        (-3, "version index -3 is out of range for 2 version(s)"),
        (True, "expected a version index or label, got bool"),
    ],
)
def test_an_unknown_version_is_a_calendar_error_naming_the_field(key: object, reason: str) -> None:
    with pytest.raises(CalendarError) as caught:
        CAL.version(key)  # type: ignore[arg-type]
    assert (caught.value.field, caught.value.reason) == ("version", reason)


def test_a_label_used_twice_must_be_picked_by_index() -> None:
    twice = CAL.changed_from(at("2025-09-01T00:00+02:00"), W, label="summer")
    assert [v.label for v in twice.versions] == ["v1", "summer", "summer"]
    with pytest.raises(CalendarError, match="2 versions are labelled 'summer'"):
        twice.version("summer")
    assert twice.version(2).versions[0].rules == W.versions[0].rules


def test_as_of_rejects_a_naive_datetime() -> None:
    with pytest.raises(CalendarError):
        CAL.as_of(datetime(2025, 6, 1))


@st.composite
def two_versions(draw: st.DrawFn) -> tuple[Calendar, Calendar, int]:
    zone = draw(st.sampled_from(ZONES))
    first, second = draw(calendars(zones=(zone,))), draw(calendars(zones=(zone,)))
    return first, second, draw(instants)


@settings(max_examples=60, deadline=None)
@given(two_versions(), instants, instants, durations)
def test_as_of_agrees_with_each_version_and_with_the_versioned_calendar_in_its_period(
    pair: tuple[Calendar, Calendar, int], t: int, start: int, seconds: int
) -> None:
    first, second, change = pair
    cal = first.changed_from(datetime.fromtimestamp(change, UTC), second, label="v2")
    # A never-open version raises on add (the calendar's own tests cover that).
    assume(first.open_seconds_per_week() > 0 and second.open_seconds_per_week() > 0)
    chosen = second if t >= change else first
    single = cal.as_of(t)
    assert single.add_seconds(start, seconds) == chosen.add_seconds(start, seconds)
    end = start + seconds
    assert single.elapsed_seconds(start, end) == chosen.elapsed_seconds(start, end)
    # Inside one version's period, versioned and retroactive counting agree.
    lo, hi = sorted((start, end))
    if lo >= change:
        assert cal.elapsed_seconds(lo, hi) == cal.as_of(change).elapsed_seconds(lo, hi)
    elif hi <= change:
        assert cal.elapsed_seconds(lo, hi) == cal.as_of(lo).elapsed_seconds(lo, hi)
