from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import TierError
from sla.calendar import to_epoch
from sla.tiers import OnCallRotation, RotationSpec, Window

from .strategies import ZONES, instants, rotations

BERLIN = ZoneInfo("Europe/Berlin")
UTC = UTC


def weekend_rotation(overrides: list[dict[str, object]] | None = None) -> OnCallRotation:
    return RotationSpec.model_validate(
        {
            "tz": "Europe/Berlin",
            "layers": [
                {
                    "name": "weekends",
                    "participants": ["ann", "bob"],
                    "start": "2025-03-21",
                    "handoff": "fri 18:00",
                    "windows": ["fri 18:00-mon 09:00"],
                }
            ],
            "overrides": overrides or [],
        }
    ).build("weekend")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_weekend_rotation_across_spring_dst_hands_off_at_local_time() -> None:
    rotation = weekend_rotation()
    # Europe/Berlin springs forward on Sun 2025-03-30: the weekend starts at 18:00 +01:00
    # and ends at 09:00 +02:00, one hour shorter in UTC.
    assert rotation.on_call(at("2025-03-28T16:59:59Z")) is None
    assert rotation.on_call(at("2025-03-28T18:00:00+01:00")) == "bob"
    assert rotation.on_call(at("2025-03-31T08:59:59+02:00")) == "bob"
    assert rotation.on_call(at("2025-03-31T09:00:00+02:00")) is None
    # The next Friday is in summer time: 18:00 local is 16:00Z, not 17:00Z.
    assert rotation.on_call(at("2025-04-04T15:59:59Z")) is None
    assert rotation.on_call(at("2025-04-04T16:00:00Z")) == "ann"
    (shift,) = rotation.shifts(at("2025-03-28T00:00Z"), at("2025-04-01T00:00Z"))
    assert (shift.start.isoformat(), shift.end.isoformat(), shift.who) == (
        "2025-03-28T18:00:00+01:00",
        "2025-03-31T09:00:00+02:00",
        "bob",
    )
    # Same-zone datetime subtraction is wall time (63 h); the real duty is 62 h.
    assert shift.end.timestamp() - shift.start.timestamp() == 62 * 3600


def test_weekend_rotation_across_autumn_dst() -> None:
    rotation = weekend_rotation()
    (shift,) = rotation.shifts(at("2025-10-24T00:00Z"), at("2025-10-28T00:00Z"))
    assert shift.start.isoformat() == "2025-10-24T18:00:00+02:00"
    assert shift.end.isoformat() == "2025-10-27T09:00:00+01:00"
    assert shift.end.timestamp() - shift.start.timestamp() == 64 * 3600


def test_handoff_inside_the_spring_gap_moves_forward_by_the_gap() -> None:
    # RFC 5545: 02:30 does not exist on 2025-03-30 in Berlin; the hand-off happens at 03:30.
    rotation = RotationSpec.model_validate(
        {
            "tz": "Europe/Berlin",
            "layers": [
                {
                    "participants": ["a", "b"],
                    "start": "2025-03-01",
                    "every": "day",
                    "handoff": "02:30",
                }
            ],
        }
    ).build("nightly")
    before = rotation.on_call(at("2025-03-30T03:29:59+02:00"))
    after = rotation.on_call(at("2025-03-30T03:30:00+02:00"))
    assert before != after
    # In the autumn overlap 02:30 happens twice; the first occurrence (+02:00) counts.
    assert rotation.on_call(at("2025-10-26T02:29:59+02:00")) != rotation.on_call(
        at("2025-10-26T02:30:00+02:00")
    )
    assert rotation.on_call(at("2025-10-26T02:30:00+02:00")) == rotation.on_call(
        at("2025-10-26T02:30:00+01:00")
    )


def test_an_override_wins_over_the_layer_below() -> None:
    rotation = weekend_rotation(
        [
            {
                "start": "2025-03-29T10:00:00+01:00",
                "end": "2025-03-29T14:00:00+01:00",
                "who": "carol",
                "reason": "swap",
            }
        ]
    )
    assert rotation.on_call(at("2025-03-29T09:59:59+01:00")) == "bob"
    assert rotation.on_call(at("2025-03-29T10:00:00+01:00")) == "carol"
    assert rotation.who_at(int(at("2025-03-29T12:00:00+01:00").timestamp())) == (
        "carol",
        "override: swap",
    )
    assert rotation.on_call(at("2025-03-29T14:00:00+01:00")) == "bob"
    shifts = rotation.shifts(at("2025-03-28T00:00Z"), at("2025-04-01T00:00Z"))
    assert [(s.who, s.source) for s in shifts] == [
        ("bob", "weekends"),
        ("carol", "override: swap"),
        ("bob", "weekends"),
    ]


def test_a_whole_day_override_covers_the_23_hour_spring_forward_day() -> None:
    # Europe/Berlin springs forward on Sun 2025-03-30 (02:00 -> 03:00): the local day runs
    # from 00:00 +01:00 to 00:00 +02:00, 23 hours, and the override covers exactly that.
    rotation = weekend_rotation([{"date": "2025-03-30", "who": "petra", "reason": "holiday"}])
    assert rotation.on_call(at("2025-03-29T23:59:59+01:00")) == "bob"
    assert rotation.on_call(at("2025-03-30T00:00:00+01:00")) == "petra"
    assert rotation.on_call(at("2025-03-30T23:59:59+02:00")) == "petra"
    assert rotation.on_call(at("2025-03-31T00:00:00+02:00")) == "bob"
    shifts = rotation.shifts(at("2025-03-28T00:00Z"), at("2025-04-01T00:00Z"))
    (cover,) = [s for s in shifts if s.who == "petra"]
    assert (cover.start.isoformat(), cover.end.isoformat(), cover.source) == (
        "2025-03-30T00:00:00+01:00",
        "2025-03-31T00:00:00+02:00",
        "override: holiday",
    )
    assert cover.end.timestamp() - cover.start.timestamp() == 23 * 3600


def test_a_whole_day_override_covers_the_25_hour_fall_back_day() -> None:
    # Europe/Berlin falls back on Sun 2025-10-26 (03:00 -> 02:00): a 25-hour local day.
    rotation = weekend_rotation([{"date": "2025-10-26", "who": "petra"}])
    day = rotation.overrides[0]
    assert day.start == int(at("2025-10-26T00:00:00+02:00").timestamp())
    assert day.end == int(at("2025-10-27T00:00:00+01:00").timestamp())
    assert day.end - day.start == 25 * 3600
    # Both 02:30s of the doubled hour belong to the override.
    assert rotation.on_call(at("2025-10-26T02:30:00+02:00")) == "petra"
    assert rotation.on_call(at("2025-10-26T02:30:00+01:00")) == "petra"
    assert rotation.on_call(at("2025-10-27T00:00:00+01:00")) == "bob"


def test_a_whole_day_is_the_day_in_the_rotations_zone() -> None:
    spec = RotationSpec.model_validate(
        {
            "tz": "America/New_York",
            "layers": [{"participants": ["ann"], "start": "2025-01-01", "every": "day"}],
            "overrides": [{"date": date(2025, 12, 25), "who": "petra"}],
        }
    )
    rotation = spec.build("ny")
    # Christmas Day in New York is 05:00Z on the 25th to 05:00Z on the 26th.
    assert rotation.on_call(at("2025-12-25T04:59:59Z")) == "ann"
    assert rotation.on_call(at("2025-12-25T05:00:00Z")) == "petra"
    assert rotation.on_call(at("2025-12-26T04:59:59Z")) == "petra"
    assert rotation.on_call(at("2025-12-26T05:00:00Z")) == "ann"
    # Written as a date, dumped as a date.
    assert spec.model_dump(mode="json", exclude_unset=True)["overrides"] == [
        {"date": "2025-12-25", "who": "petra"}
    ]


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"date": "2025-12-25", "start": "2025-12-25T00:00Z", "who": "x"}, "not both"),
        ({"start": "2025-12-25T00:00Z", "who": "x"}, "missing end"),
        ({"who": "x"}, "missing start and end"),
        ({"date": "2025-02-30", "who": "x"}, "date"),
    ],
)
def test_an_override_needs_exactly_one_way_of_saying_when(
    override: dict[str, object], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        RotationSpec.model_validate(
            {
                "tz": "UTC",
                "layers": [{"participants": ["ann"], "start": "2025-01-01"}],
                "overrides": [override],
            }
        )


@settings(max_examples=60)
@given(st.sampled_from(ZONES), st.dates(date(2000, 1, 1), date(2037, 12, 31)))
def test_a_whole_day_override_is_exactly_that_local_day(zone: str, day: date) -> None:
    rotation = RotationSpec.model_validate(
        {
            "tz": zone,
            "layers": [{"participants": ["ann"], "start": "2000-01-01", "every": "day"}],
            "overrides": [{"date": day, "who": "petra"}],
        }
    ).build("r")
    (cover,) = [
        s
        for s in rotation.shifts(
            datetime.combine(day - timedelta(days=2), time(), UTC),
            datetime.combine(day + timedelta(days=2), time(), UTC),
        )
        if s.who == "petra"
    ]
    # The override starts and ends on local midnights (or the first instant after a
    # skipped midnight) of that date and the next, in the rotation's zone.
    assert cover.start.date() == day
    assert cover.end.date() == day + timedelta(days=1)
    for edge in (cover.start, cover.end):
        local = edge.astimezone(ZoneInfo(zone))
        assert local.time() < time(1, 0)
        before = (edge - timedelta(seconds=1)).astimezone(ZoneInfo(zone))
        assert before.date() == local.date() - timedelta(days=1)
    hours = (cover.end.timestamp() - cover.start.timestamp()) / 3600
    assert 22 <= hours <= 26


def test_a_higher_layer_wins_over_a_lower_one() -> None:
    rotation = RotationSpec.model_validate(
        {
            "tz": "UTC",
            "layers": [
                {"name": "base", "participants": ["x"], "start": "2025-01-06"},
                {
                    "name": "days",
                    "participants": ["y"],
                    "start": "2025-01-06",
                    "every": "day",
                    "windows": ["09:00-17:00"],
                },
            ],
        }
    ).build("r")
    assert rotation.on_call(at("2025-01-07T08:59:59Z")) == "x"
    assert rotation.on_call(at("2025-01-07T09:00:00Z")) == "y"
    assert rotation.on_call(at("2025-01-07T17:00:00Z")) == "x"


def test_follow_the_sun_gaps_are_reported() -> None:
    rotation = RotationSpec.model_validate(
        {
            "tz": "UTC",
            "layers": [
                {
                    "name": "APAC",
                    "participants": ["mei"],
                    "tz": "Asia/Tokyo",
                    "start": "2025-01-06",
                    "windows": ["09:00-17:00"],
                },
                {
                    "name": "EMEA",
                    "participants": ["tom"],
                    "tz": "Europe/London",
                    "start": "2025-01-06",
                    "windows": ["09:00-17:00"],
                },
            ],
        }
    ).build("sun")
    gaps = rotation.gaps(at("2025-01-07T00:00Z"), at("2025-01-08T00:00Z"))
    assert [(g.start.hour, g.end.hour) for g in gaps] == [(8, 9), (17, 0)]
    assert rotation.on_call(at("2025-01-07T03:00Z")) == "mei"
    assert rotation.on_call(at("2025-01-07T10:00Z")) == "tom"


def test_before_the_first_turn_nobody_is_on_call() -> None:
    rotation = weekend_rotation()
    assert rotation.on_call(at("2025-03-15T12:00:00+01:00")) is None


def test_naive_instants_are_refused() -> None:
    with pytest.raises(TierError, match="timezone-aware"):
        weekend_rotation().on_call(datetime(2025, 3, 29, 12))


@pytest.mark.parametrize("bad", ["9-17", "fri 18:00", "xyz 10:00-mon 09:00", "10:00-10:00"])
def test_bad_windows(bad: str) -> None:
    with pytest.raises(TierError):
        Window.parse(bad)


@settings(max_examples=60)
@given(rotations(), instants, st.integers(1, 21 * 24))
def test_shifts_and_gaps_partition_the_range_and_agree_with_on_call(
    spec: RotationSpec, start: datetime, hours: int
) -> None:
    rotation = spec.build("r")
    end = start + timedelta(hours=hours)
    pieces = sorted(
        [*rotation.shifts(start, end), *rotation.gaps(start, end)], key=lambda s: s.start
    )
    # Compared as instants: Python never finds an ambiguous (autumn-overlap) local time
    # equal to a time in another zone (PEP 495), e.g. 2025-04-06 02:05 in Sydney.
    assert to_epoch(pieces[0].start) == to_epoch(start)
    assert to_epoch(pieces[-1].end) == to_epoch(end)
    for left, right in itertools.pairwise(pieces):
        assert to_epoch(left.end) == to_epoch(right.start)
    for piece in pieces:
        assert piece.start < piece.end
        assert rotation.on_call(piece.start) == piece.who
        assert rotation.on_call(piece.end - timedelta(seconds=1)) == piece.who


@settings(max_examples=60)
@given(rotations(), instants)
def test_on_call_is_constant_between_reported_boundaries(spec: RotationSpec, t: datetime) -> None:
    rotation = spec.build("r")
    pieces = [
        *rotation.shifts(t, t + timedelta(hours=6)),
        *rotation.gaps(t, t + timedelta(hours=6)),
    ]
    probe = t + timedelta(minutes=97)
    (piece,) = [p for p in pieces if p.start <= probe < p.end]
    assert rotation.on_call(probe.astimezone(UTC)) == piece.who


def test_a_layer_starting_midweek_covers_nobody_before_it_exists() -> None:
    # Issue 17: start Wednesday 2025-10-08, weekly hand-off Friday 18:00 (Berlin).
    rotation = RotationSpec.model_validate(
        {
            "tz": "Europe/Berlin",
            "layers": [
                {"participants": ["ann", "bob"], "start": "2025-10-08", "handoff": "fri 18:00"}
            ],
        }
    ).build("weekends")
    assert rotation.on_call(at("2025-10-04T12:00+02:00")) is None  # before the layer exists
    assert rotation.on_call(at("2025-10-09T12:00+02:00")) is None  # before its first hand-off
    assert rotation.on_call(at("2025-10-10T17:59+02:00")) is None
    # The first real weekend is the first participant's, the next one the second's.
    assert rotation.on_call(at("2025-10-10T18:00+02:00")) == "ann"
    assert rotation.on_call(at("2025-10-11T12:00+02:00")) == "ann"
    assert rotation.on_call(at("2025-10-18T12:00+02:00")) == "bob"
    assert rotation.on_call(at("2025-10-25T12:00+02:00")) == "ann"


def test_shifts_end_at_the_requested_instant_inside_an_autumn_overlap() -> None:
    # Found by hypothesis: a range ending at 02:05 on 2025-04-06 in Sydney (clocks go back
    # at 03:00), a time that happens twice. The partition still ends at that instant.
    spec = RotationSpec.model_validate(
        {
            "tz": "Australia/Sydney",
            "layers": [
                {
                    "participants": ["p00", "p01"],
                    "start": "2025-01-01",
                    "handoff": "12:00",
                    "every": "day",
                    "tz": "America/New_York",
                }
            ],
        }
    )
    rotation = spec.build("r")
    start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=114605)
    end = start + timedelta(hours=361)
    last = max([*rotation.shifts(start, end), *rotation.gaps(start, end)], key=lambda s: s.end)
    assert to_epoch(last.end) == to_epoch(end)
    assert last.end.isoformat() == "2025-04-06T02:05:00+11:00"  # the first 02:05
