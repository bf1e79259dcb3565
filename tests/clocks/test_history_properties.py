"""The rules of ``docs/clocks.md`` ("clock history is a fact") as properties.

Histories are generated: bursts of events, every status, bot and human
replies, calls, assignments, priority changes, tier changes between two
policies, calendars with a version change, both calendar-edit modes, every
target-change mode, and a random evaluation instant. The differential
property (scalar and columnar engines agree) is in ``test_batch.py`` and runs
on the same strategies.
"""

from __future__ import annotations

import itertools
import re

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.clocks import ClockPolicy, Contact, CycleResult, Event, evaluate
from sla.clocks._engine import sort_key
from tests.clocks.strategies import PRIORITIES, busy_events, busy_policies

_CHANGE = re.compile(r"^(?:\w+: )?target (\d+)s -> (\d+s|none)$")


@st.composite
def histories(
    draw: st.DrawFn, *, versioned: bool = False
) -> tuple[Contact, list[Event], dict[str, ClockPolicy], int, int]:
    """(contact, events, policies by tier, earlier instant, later instant)."""
    gold, basic = draw(busy_policies()), draw(busy_policies())
    # The other tier lacks some targets: a tier change then drops running cycles.
    basic = attrs.evolve(basic, targets=[t for t in basic.targets if draw(st.booleans())])
    if versioned:
        gold = attrs.evolve(gold, calendar_edits="versioned")
        basic = attrs.evolve(basic, calendar_edits="versioned")
    policies = {"gold": gold, "basic": basic}
    events = list(draw(busy_events(changes=draw(st.booleans()))))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.sampled_from([e.at for e in events])) + draw(st.sampled_from([0, 60, 3600]))
        events.append(Event.tier_change(at, draw(st.sampled_from(["gold", "basic"]))))
    contact = Contact("c", priority=draw(st.sampled_from(PRIORITIES)), tier="gold")
    first, last = min(e.at for e in events), max(e.at for e in events)
    instants = sorted({e.at for e in events})
    earlier = draw(
        st.one_of(
            st.integers(first, last + 86400),
            st.sampled_from(instants).map(lambda t: t - 1),
            st.sampled_from(instants),
        )
    )
    later = earlier + draw(st.sampled_from([0, 1, 3600, 86400, 3 * 86400, 7 * 86400]))
    return contact, events, policies, earlier, later


def upto(events: list[Event], t: int) -> list[Event]:
    return [e for e in events if e.at <= t]


def by_key(cycles: tuple[CycleResult, ...]) -> dict[tuple[str, int], CycleResult]:
    return {(c.metric, c.cycle): c for c in cycles}


def reopened_after(events: list[Event], t: int) -> bool:
    return any(e.kind == "status" and e.status == "reopened" and e.at > t for e in events)


@settings(max_examples=300)
@given(histories())
def test_a_finished_cycle_never_changes(
    history: tuple[Contact, list[Event], dict[str, ClockPolicy], int, int],
) -> None:
    """Later events, calendar versions, tier and priority changes leave it as it was."""
    contact, events, policies, earlier, later = history
    then = by_key(evaluate(contact, upto(events, earlier), policies, as_of=earlier).cycles)
    now = by_key(evaluate(contact, upto(events, later), policies, as_of=later).cycles)
    for key, cycle in then.items():
        if cycle.stop is None:
            continue
        if cycle.metric == "total_resolution" and reopened_after(events, earlier):
            continue  # solved, not closed: a reopen may still continue it
        assert now[key] == cycle


@settings(max_examples=300)
@given(histories(versioned=True))
def test_a_passed_unmet_deadline_stays_a_breach(
    history: tuple[Contact, list[Event], dict[str, ClockPolicy], int, int],
) -> None:
    contact, events, policies, earlier, later = history
    then = by_key(evaluate(contact, upto(events, earlier), policies, as_of=earlier).cycles)
    now = by_key(evaluate(contact, upto(events, later), policies, as_of=later).cycles)
    for key, cycle in then.items():
        if cycle.status != "breached":
            continue
        if now[key].status == "abandoned":
            continue  # a call abandoned after its deadline is counted as abandoned
        assert now[key].status == "breached"
        assert now[key].breach_at == cycle.breach_at


@settings(max_examples=300)
@given(histories())
def test_a_change_records_old_and_new_target_on_the_cycle(
    history: tuple[Contact, list[Event], dict[str, ClockPolicy], int, int],
) -> None:
    contact, events, policies, _, later = history
    for cycle in evaluate(contact, events, policies, as_of=later).cycles:
        changes = [
            _CHANGE.match(m.effect)
            for m in cycle.explanation
            if m.event.startswith(("priority_change:", "tier_change:")) and "target" in m.effect
        ]
        assert all(changes)
        for before, after in itertools.pairwise(changes):
            assert before is not None
            assert after is not None
            assert f"{after.group(1)}s" == before.group(2)
        if changes and changes[-1] is not None:
            last = changes[-1].group(2)
            assert last == "none" or last == f"{cycle.target_seconds}s"


def solve_that_stands(events: list[Event]) -> int | None:
    """Reference: the close of total resolution is the solve no reopen followed, else the close."""
    created = done = None
    for event in sorted(events, key=sort_key):
        if event.kind == "created" and created is None:
            created = event.at
        if created is None or event.kind != "status":
            continue
        if event.status == "solved" and done is None:
            done = event.at
        elif event.status == "reopened":
            done = None
        elif event.status == "closed":
            return event.at if done is None else done
    return None


@settings(max_examples=300)
@given(busy_events(changes=False), busy_policies())
def test_resolution_is_fulfilled_at_the_solve_not_followed_by_a_reopen(
    events: list[Event], policy: ClockPolicy
) -> None:
    policy = attrs.evolve(policy, targets=[t for t in policy.targets if not t.priorities])
    result = evaluate(Contact("c"), events, policy)
    cycles = [c for c in result.cycles if c.metric == "total_resolution"]
    if cycles and cycles[0].stop is not None and cycles[0].status != "cancelled":
        expected = solve_that_stands(events)
        if expected is not None:
            assert cycles[0].stop == expected


@settings(max_examples=300)
@given(histories())
def test_immediate_levels_fire_at_the_start_or_at_the_change(
    history: tuple[Contact, list[Event], dict[str, ClockPolicy], int, int],
) -> None:
    contact, events, policies, _, later = history
    changes = {e.at for e in events if e.kind in ("priority_change", "tier_change")}
    for cycle in evaluate(contact, events, policies, as_of=later).cycles:
        starts = {cycle.start} | {m.at for m in cycle.explanation if m.effect == "start"}
        for note in cycle.notifications:
            if note.kind == "escalation" and note.threshold_seconds == 0 and note.notify == "boss":
                assert not note.suppressed
                assert note.at in starts | changes
