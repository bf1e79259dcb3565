"""Invariants of the clock engine, over generated contacts and policies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sla.clocks import ClockPolicy, Contact, Event, MetricTarget, Tracker, evaluate
from tests.clocks.strategies import W, contacts, events, policies


@given(contacts(), events(), policies(), st.randoms(use_true_random=False), st.integers(0, 86400))
def test_replay_equals_feeding_one_by_one(
    contact: Contact, log: list[Event], policy: ClockPolicy, rnd: object, extra: int
) -> None:
    as_of = log[-1].at + extra
    replayed = evaluate(contact, log, policy, as_of=as_of)
    tracker = Tracker(contact, policy)
    for event in log:
        tracker.apply(event)
    assert tracker.evaluate(as_of) == replayed
    shuffled = list(log)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    late = Tracker(contact, policy)
    late.extend(shuffled)
    assert late.evaluate(as_of) == replayed


@given(
    events(statuses=False, changes=False),
    st.integers(0, 5 * 86400),
    st.integers(1, 3 * 86400),
    st.sampled_from([None, W]),
    st.integers(60, 3 * 86400),
)
def test_adding_a_pause_never_makes_a_due_time_earlier(
    log: list[Event], pause_at: int, pause_for: int, cal: object, seconds: int
) -> None:
    policy = ClockPolicy(
        [
            MetricTarget("first_resolution", seconds, cal),  # type: ignore[arg-type]
            MetricTarget("first_response", seconds, cal, pause_statuses={"on_hold"}),  # type: ignore[arg-type]
            MetricTarget("next_response", seconds, cal, pause_statuses={"pending"}),  # type: ignore[arg-type]
        ]
    )
    start = log[0].at + pause_at
    pause = [Event.status_change(start, "on_hold"), Event.status_change(start + pause_for, "open")]
    as_of = max(log[-1].at, start + pause_for) + 1
    plain = evaluate(Contact("c"), log, policy, as_of=as_of)
    paused = evaluate(Contact("c"), log + pause, policy, as_of=as_of)
    assert len(plain.cycles) == len(paused.cycles)
    for a, b in zip(plain.cycles, paused.cycles, strict=True):
        assert (a.metric, a.cycle) == (b.metric, b.cycle)
        if a.due is not None and b.due is not None:
            assert b.due >= a.due
        assert b.elapsed_seconds <= a.elapsed_seconds
