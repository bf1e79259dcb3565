"""The request-path shortcuts of the scalar engine give what the plain code would."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla.clocks import ClockPolicy, Contact, Event, MetricTarget, Tracker, evaluate
from sla.clocks._cycles import fraction
from tests.clocks.calendars import at, berlin_w


@given(st.integers(-(10**12), 10**12), st.integers(1, 10**12))
def test_fraction_used_is_the_reduced_fraction(numerator: int, denominator: int) -> None:
    made = fraction(numerator, denominator)
    plain = Fraction(numerator, denominator)
    assert type(made) is Fraction
    assert made == plain
    assert hash(made) == hash(plain)
    assert str(made) == str(plain)
    assert (made.numerator, made.denominator) == (plain.numerator, plain.denominator)


def test_compiled_policies_never_leak_between_short_lived_policies() -> None:
    """Policies made and dropped in a loop often reuse an ``id``: each evaluation must
    still use its own targets, warnings and calendar (the caches check identity)."""
    w = berlin_w()
    start = at("2025-06-02 10:00")
    for minutes in range(1, 40):
        calendar = w if minutes % 2 else None
        policy = ClockPolicy(
            [MetricTarget("first_response", minutes * 60, calendar, warn_fractions=["1/2"])]
        )
        cycle = evaluate(Contact("c"), [Event.created(start)], policy, as_of=start).cycle(
            "first_response"
        )
        assert cycle.due == start + minutes * 60  # Mon 10:00 + under 40 min stays in hours
        assert [n.threshold_seconds for n in cycle.notifications] == [minutes * 30, minutes * 60]
        label = w.versions[0].label if calendar is not None else "calendar-time"
        assert cycle.calendar_versions == (label,)


def test_tracker_targets_are_read_only_and_follow_priority_changes() -> None:
    urgent = MetricTarget("first_response", 600, priorities={"urgent"})
    normal = MetricTarget("first_response", 3600)
    tracker = Tracker(Contact("c"), ClockPolicy([urgent, normal]))
    assert tracker.targets["first_response"] is normal
    tracker.apply(Event.created(0))
    tracker.apply(Event.priority_change(60, "urgent"))
    assert tracker.targets["first_response"] is urgent
    with pytest.raises(TypeError):  # shared between trackers: never writable
        tracker.targets["first_response"] = normal  # type: ignore[index]
    # A fresh tracker on the same policy is unaffected by the first one's changes.
    assert Tracker(Contact("d"), ClockPolicy([urgent, normal])).targets["first_response"] is normal
