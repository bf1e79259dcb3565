"""Each documented semantic option of the clock engine, with its default and its alternative."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from fractions import Fraction

import pytest

from sla import ClockError
from sla.clocks import (
    ClockPolicy,
    Contact,
    EscalationLevel,
    Event,
    MetricTarget,
    Tracker,
    evaluate,
)
from tests.clocks.calendars import at, berlin_edited, berlin_w

W = berlin_w()
H = 3600
MON = "2025-06-02"
TUE = "2025-06-03"


def policy(*targets: MetricTarget, **options: object) -> ClockPolicy:
    return ClockPolicy(list(targets), **options)  # type: ignore[arg-type]


# -- pauses -------------------------------------------------------------------------------
def test_pending_pauses_resolution_but_not_first_response() -> None:
    p = policy(MetricTarget("first_response", 4 * H, W), MetricTarget("first_resolution", 8 * H, W))
    events = [
        Event.created(at(f"{MON} 09:00")),
        Event.status_change(at(f"{MON} 10:00"), "pending"),
    ]
    result = evaluate(Contact("c"), events, p, as_of=at(f"{MON} 12:00"))
    assert result.cycle("first_response").status == "active"
    assert result.cycle("first_response").elapsed_seconds == 3 * H
    assert result.cycle("first_resolution").status == "paused"
    assert result.cycle("first_resolution").elapsed_seconds == H
    assert result.cycle("first_resolution").due is None


def test_pause_statuses_are_configurable_per_metric() -> None:
    p = policy(MetricTarget("first_resolution", 8 * H, W, pause_statuses=()))
    events = [Event.created(at(f"{MON} 09:00")), Event.status_change(at(f"{MON} 10:00"), "pending")]
    cycle = evaluate(Contact("c"), events, p, as_of=at(f"{MON} 12:00")).cycle("first_resolution")
    assert cycle.status == "active"
    assert cycle.due == at(f"{MON} 17:00")


def test_paused_time_is_business_time_so_a_night_pause_changes_nothing() -> None:
    p = policy(MetricTarget("first_resolution", 8 * H, W))
    base = [Event.created(at(f"{MON} 13:00"))]
    night = [
        Event.status_change(at(f"{MON} 18:00"), "pending"),
        Event.status_change(at(f"{TUE} 08:00"), "open"),
    ]
    plain = evaluate(Contact("c"), base, p, as_of=at(f"{TUE} 08:00")).cycle("first_resolution")
    paused = evaluate(Contact("c"), base + night, p).cycle("first_resolution")
    assert plain.due == paused.due == at(f"{TUE} 13:00")


# -- next response cycles -----------------------------------------------------------------
def next_response_policy(**extra: object) -> ClockPolicy:
    return policy(MetricTarget("next_response", H, None, **extra))  # type: ignore[arg-type]


def test_next_response_is_due_from_the_oldest_unanswered_message() -> None:
    t0 = at(f"{MON} 10:00")
    events = [
        Event.created(t0),
        Event.reply(t0 + 60),
        Event.customer_message(t0 + 600),
        Event.customer_message(t0 + 1800),
    ]
    cycle = evaluate(Contact("c"), events, next_response_policy()).cycle("next_response")
    assert cycle.start == t0 + 600
    assert cycle.due == t0 + 600 + H


def test_messages_before_the_first_reply_belong_to_first_response() -> None:
    t0 = at(f"{MON} 10:00")
    events = [Event.created(t0), Event.customer_message(t0 + 60)]
    result = evaluate(Contact("c"), events, next_response_policy())
    assert [c.metric for c in result.cycles] == []


def test_solving_with_a_message_unanswered_fulfils_the_cycle_by_default() -> None:
    t0 = at(f"{MON} 10:00")
    events = [
        Event.created(t0),
        Event.reply(t0 + 60),
        Event.customer_message(t0 + 120),
        Event.status_change(t0 + 600, "solved"),
    ]
    cycle = evaluate(Contact("c"), events, next_response_policy()).cycle("next_response")
    assert cycle.status == "met"
    assert cycle.stop == t0 + 600
    cancelled = evaluate(Contact("c"), events, next_response_policy(solve_fulfils=False))
    assert cancelled.cycle("next_response").status == "cancelled"


def test_reopening_starts_a_new_cycle() -> None:
    t0 = at(f"{MON} 10:00")
    events = [
        Event.created(t0),
        Event.reply(t0 + 60),
        Event.customer_message(t0 + 120),
        Event.reply(t0 + 300),
        Event.status_change(t0 + 400, "solved"),
        Event.status_change(t0 + 1000, "reopened"),
    ]
    result = evaluate(Contact("c"), events, next_response_policy(), as_of=t0 + 2000)
    cycles = [c for c in result.cycles if c.metric == "next_response"]
    assert [(c.cycle, c.status, c.start) for c in cycles] == [
        (1, "met", t0 + 120),
        (2, "active", t0 + 1000),
    ]
    off = evaluate(Contact("c"), events, next_response_policy(reopen_starts_cycle=False))
    assert len(off.cycles) == 1


# -- bots, same-second updates, the due second ---------------------------------------------
def test_bot_replies_do_not_satisfy_human_response_unless_configured() -> None:
    t0 = at(f"{MON} 10:00")
    events = [Event.created(t0), Event.reply(t0 + 5, by_bot=True)]
    human = policy(MetricTarget("first_response", H, None))
    assert evaluate(Contact("c"), events, human).cycle("first_response").status == "active"
    bots = policy(MetricTarget("first_response", H, None, bot_replies_count=True))
    assert evaluate(Contact("c"), events, bots).cycle("first_response").status == "met"


def test_internal_notes_answer_nobody() -> None:
    t0 = at(f"{MON} 10:00")
    events = [Event.created(t0), Event.reply(t0 + 5, public=False)]
    p = policy(MetricTarget("first_response", H, None))
    assert evaluate(Contact("c"), events, p).cycle("first_response").status == "active"


@pytest.mark.parametrize("reply_first", [True, False])
def test_a_reply_and_a_status_change_in_one_update_the_reply_counts(reply_first: bool) -> None:
    t0 = at(f"{MON} 10:00")
    reply, solve = Event.reply(t0 + 60), Event.status_change(t0 + 60, "solved")
    events = [Event.created(t0), *((reply, solve) if reply_first else (solve, reply))]
    p = policy(MetricTarget("first_response", H, None, solve_fulfils=False))
    cycle = evaluate(Contact("c"), events, p).cycle("first_response")
    assert cycle.status == "met"
    assert cycle.explanation[-1].event == "agent_reply"
    tracker = Tracker(Contact("c"), p)
    tracker.extend(events)
    assert tracker.evaluate().cycle("first_response") == cycle


@pytest.mark.parametrize(("offset", "status"), [(-1, "met"), (0, "met"), (1, "breached")])
def test_met_means_at_or_before_the_due_second(offset: int, status: str) -> None:
    t0 = at(f"{MON} 16:00")
    p = policy(MetricTarget("first_response", 2 * H, W))
    due = at(f"{TUE} 10:00")
    events = [Event.created(t0), Event.reply(due + offset)]
    cycle = evaluate(Contact("c"), events, p).cycle("first_response")
    assert cycle.due == due
    assert cycle.status == status
    assert cycle.breach_at == (due if status == "breached" else None)


def test_sub_second_replies_count_in_their_whole_second() -> None:
    due = at(f"{MON} 11:00")
    reply = datetime.fromtimestamp(due + 0.75, UTC)
    p = policy(MetricTarget("first_response", H, None))
    events = [Event.created(due - H), Event(reply, "agent_reply")]
    assert evaluate(Contact("c"), events, p).cycle("first_response").status == "met"


# -- calendars edited mid-contact ------------------------------------------------------------
def test_calendar_edit_keeps_time_used_and_counts_the_rest_on_new_hours() -> None:
    # From Wed 2025-06-04 00:00 Berlin the hours become Mon-Fri 09-13 (version "short").
    cal = berlin_edited()
    p = policy(MetricTarget("first_resolution", 16 * H, cal))
    events = [Event.created(at(f"{MON} 09:00"))]
    cycle = evaluate(Contact("c"), events, p, as_of=at(f"{MON} 10:00")).cycle("first_resolution")
    # Mon 8 h + Tue 8 h on the old hours: due Tue 17:00, untouched by the later edit.
    assert cycle.due == at(f"{TUE} 17:00")
    p2 = policy(MetricTarget("first_resolution", 20 * H, cal))
    cycle = evaluate(Contact("c"), events, p2, as_of=at(f"{MON} 10:00")).cycle("first_resolution")
    # 16 h used on the old hours, the last 4 h on the new ones: Wed 09-13.
    assert cycle.due == at("2025-06-04 13:00")
    assert cycle.calendar_versions == ("v1",)
    late = evaluate(Contact("c"), events, p2, as_of=at("2025-06-04 12:00"))
    assert late.cycle("first_resolution").calendar_versions == ("short", "v1")


def test_retroactive_recomputation_uses_the_current_hours_for_the_whole_cycle() -> None:
    cal = berlin_edited()
    p = policy(MetricTarget("first_resolution", 20 * H, cal), calendar_edits="retroactive")
    events = [Event.created(at(f"{MON} 09:00"))]
    cycle = evaluate(Contact("c"), events, p, as_of=at("2025-06-04 10:00")).cycle(
        "first_resolution"
    )
    # On 09-13 hours throughout: Mon 4 + Tue 4 + Wed 4 + Thu 4 + Fri 4 = 20 h -> Fri 13:00.
    assert cycle.due == at("2025-06-06 13:00")
    assert cycle.elapsed_seconds == 8 * H + H


# -- tier and priority changes ------------------------------------------------------------
def change_policy(mode: str) -> ClockPolicy:
    return policy(
        MetricTarget("first_resolution", 8 * H, W, priorities={"normal"}, warn_fractions=["1/2"]),
        MetricTarget("first_resolution", 2 * H, W, priorities={"urgent"}, warn_fractions=["1/2"]),
        MetricTarget("first_response", H, W, priorities={"normal"}),
        on_change=mode,
    )


def changed(mode: str, as_of: str = f"{MON} 13:00") -> object:
    events = [
        Event.created(at(f"{MON} 09:00")),
        Event.reply(at(f"{MON} 09:30")),
        Event.priority_change(at(f"{MON} 12:00"), "urgent"),
    ]
    return evaluate(Contact("c"), events, change_policy(mode), as_of=at(as_of))


def test_retroactive_change_counts_the_new_target_from_the_start() -> None:
    cycle = changed("retroactive").cycle("first_resolution")  # type: ignore[attr-defined]
    assert cycle.due == at(f"{MON} 11:00")
    assert cycle.status == "breached"
    assert cycle.breach_at == at(f"{MON} 11:00")
    # The 50 % warning (Mon 10:00) lies before the change: reported, never fired.
    warning = next(n for n in cycle.notifications if n.kind == "warning")
    assert (warning.at, warning.fired, warning.suppressed) == (at(f"{MON} 10:00"), False, True)


def test_fresh_change_counts_the_new_target_from_the_change() -> None:
    cycle = changed("fresh").cycle("first_resolution")  # type: ignore[attr-defined]
    assert cycle.due == at(f"{MON} 14:00")
    assert cycle.status == "active"
    assert cycle.start == at(f"{MON} 09:00")


def test_fresh_change_after_a_breach_keeps_the_breach() -> None:
    """Normal-priority 2 h target missed at 11:00, priority lowered at 12:00 with
    ``fresh``, solved at 13:00 well inside the new target: the breach already happened
    (and was fired), so the cycle stays breached at 11:00 instead of turning into "met"."""
    p = policy(
        MetricTarget("first_resolution", 2 * H, W, priorities={"normal"}),
        MetricTarget("first_resolution", 8 * H, W, priorities={"low"}),
        on_change="fresh",
    )
    events = [
        Event.created(at(f"{MON} 09:00")),
        Event.priority_change(at(f"{MON} 12:00"), "low"),
        Event.status_change(at(f"{MON} 13:00"), "solved"),
    ]
    cycle = evaluate(Contact("c"), events, p).cycle("first_resolution")
    assert cycle.status == "breached"
    assert cycle.breach_at == at(f"{MON} 11:00")
    assert cycle.due == at(f"{TUE} 12:00")  # the new target, counted from the change
    [breach] = [n for n in cycle.notifications if n.kind == "breach"]
    assert (breach.at, breach.fired) == (at(f"{MON} 11:00"), True)
    # Still running: breached already, and the new deadline is still announced.
    running = evaluate(Contact("c"), events[:2], p, as_of=at(f"{MON} 14:00"))
    assert running.cycle("first_resolution").status == "breached"
    assert running.next_event_at() == at(f"{TUE} 12:00") + 1
    # Changed before the deadline: nothing was missed, the fresh target alone decides.
    early = [events[0], Event.priority_change(at(f"{MON} 10:00"), "low"), events[2]]
    assert evaluate(Contact("c"), early, p).cycle("first_resolution").status == "met"


def test_keep_leaves_running_cycles_on_their_old_target() -> None:
    cycle = changed("keep").cycle("first_resolution")  # type: ignore[attr-defined]
    assert cycle.due == at(f"{MON} 17:00")
    assert cycle.target_seconds == 8 * H


def test_metrics_the_new_priority_lacks_disappear() -> None:
    events = [
        Event.created(at(f"{MON} 09:00")),
        Event.priority_change(at(f"{MON} 09:10"), "urgent"),
    ]
    result = evaluate(Contact("c"), events, change_policy("retroactive"))
    assert result.cycle("first_response").status == "cancelled"
    assert result.next_event_at() == at(f"{MON} 10:00")


def test_tier_change_switches_policy() -> None:
    fast = policy(MetricTarget("first_response", H, None), policy_id="A")
    slow = policy(MetricTarget("first_response", 4 * H, None), policy_id="C")
    t0 = at(f"{MON} 09:00")
    events = [Event.created(t0), Event.tier_change(t0 + 60, "A")]
    result = evaluate(Contact("c", tier="C"), events, {"A": fast, "C": slow})
    cycle = result.cycle("first_response")
    assert (cycle.due, cycle.policy_id) == (t0 + H, "A")
    with pytest.raises(ClockError, match="tier"):
        evaluate(Contact("c", tier="Z"), events, {"A": fast})


# -- voice and callbacks ------------------------------------------------------------------
def test_speed_of_answer_runs_from_offer_to_answer_and_abandons_never_meet() -> None:
    p = policy(MetricTarget("speed_of_answer", 20, None))
    t0 = at(f"{MON} 10:00")
    events = [
        Event(t0, "call_offered"),
        Event(t0 + 12, "call_answered"),
        Event(t0 + 100, "call_offered"),
        Event(t0 + 105, "call_abandoned"),
        Event(t0 + 200, "call_offered"),
        Event(t0 + 260, "call_abandoned"),
    ]
    result = evaluate(Contact("call", channel="voice"), events, p)
    statuses = [(c.status, c.elapsed_seconds) for c in result.cycles]
    assert statuses == [("met", 12), ("abandoned", 5), ("abandoned", 60)]
    assert result.cycles[2].fraction_used == 3


def test_callback_time_runs_from_request_to_callback() -> None:
    p = policy(MetricTarget("callback_time", 2 * H, W))
    events = [
        Event(at(f"{MON} 16:30"), "callback_requested"),
        Event(at(f"{TUE} 10:00"), "callback_made"),
    ]
    cycle = evaluate(Contact("c"), events, p).cycle("callback_time")
    assert (cycle.status, cycle.elapsed_seconds, cycle.due) == ("met", 90 * 60, at(f"{TUE} 10:30"))


def test_periodic_update_restarts_at_each_public_reply() -> None:
    p = policy(MetricTarget("periodic_update", H, None))
    t0 = at(f"{MON} 10:00")
    events = [Event.created(t0), Event.reply(t0 + 60), Event.reply(t0 + 4000)]
    result = evaluate(Contact("c"), events, p, as_of=t0 + 4100)
    assert [(c.status, c.start) for c in result.cycles] == [
        ("breached", t0 + 60),
        ("active", t0 + 4000),
    ]


def test_total_resolution_excludes_solved_time_and_resumes_on_reopen() -> None:
    p = policy(MetricTarget("total_resolution", 4 * H, W))
    events = [
        Event.created(at(f"{MON} 09:00")),
        Event.status_change(at(f"{MON} 10:00"), "solved"),
        Event.status_change(at(f"{TUE} 09:00"), "reopened"),
    ]
    done = evaluate(Contact("c"), events[:2], p, as_of=at(f"{TUE} 08:00"))
    assert done.cycle("total_resolution").status == "met"
    reopened = evaluate(Contact("c"), events, p).cycle("total_resolution")
    assert (reopened.status, reopened.due) == ("active", at(f"{TUE} 12:00"))


# -- escalations and who is told ----------------------------------------------------------
def test_escalation_levels_name_who_is_told() -> None:
    rota = {True: "alice", False: "bob"}
    levels = [
        EscalationLevel("team_lead", offset_seconds=-H),
        EscalationLevel("on_call", offset_seconds=H),
        EscalationLevel("leadership", immediate=True, priorities={"urgent"}),
    ]
    p = ClockPolicy(
        [MetricTarget("first_resolution", 4 * H, W, escalations=levels)],
        on_call=lambda t: rota[t < at(f"{MON} 16:00")],
    )
    events = [Event.created(at(f"{MON} 09:00")), Event.assigned(at(f"{MON} 09:00"), "eve")]
    normal = evaluate(Contact("c"), events, p, as_of=at(f"{MON} 15:00")).cycle("first_resolution")
    told = [(n.kind, n.at, n.who, n.fired) for n in normal.notifications]
    assert told == [
        ("escalation", at(f"{MON} 12:00"), "team_lead", True),
        ("breach", at(f"{MON} 13:00"), None, True),
        ("escalation", at(f"{MON} 14:00"), "alice", True),
    ]
    urgent = evaluate(Contact("c", priority="urgent"), events, p).cycle("first_resolution")
    first = urgent.notifications[0]
    assert (first.who, first.at, first.fired) == ("leadership", at(f"{MON} 09:00"), True)


def test_warnings_go_to_the_assignee_of_that_moment() -> None:
    p = policy(MetricTarget("first_response", 2 * H, None, warn_before_seconds=[H]))
    t0 = at(f"{MON} 09:00")
    events = [Event.created(t0), Event.assigned(t0, "ann"), Event.assigned(t0 + 1800, "ben")]
    note = evaluate(Contact("c"), events, p).cycle("first_response").notifications[0]
    assert (note.kind, note.at, note.who) == ("warning", t0 + H, "ben")


# -- output, incremental feeding, validation ------------------------------------------------
def test_json_has_offset_aware_iso_instants_and_exact_fractions() -> None:
    p = policy(MetricTarget("first_response", 3 * H, W))
    events = [Event.created(at(f"{MON} 09:00")), Event.reply(at(f"{MON} 10:00"))]
    data = json.loads(evaluate(Contact("c"), events, p).to_json())
    cycle = data["cycles"][0]
    assert cycle["start"] == "2025-06-02T09:00:00+02:00"
    assert cycle["due"] == "2025-06-02T12:00:00+02:00"
    assert cycle["fraction_used"] == "1/3"
    assert Fraction(cycle["fraction_used"]) == Fraction(1, 3)


def test_tracker_accepts_late_events_and_earlier_as_of() -> None:
    p = policy(MetricTarget("first_response", H, None))
    t0 = at(f"{MON} 09:00")
    tracker = Tracker(Contact("c"), p)
    tracker.apply(Event.reply(t0 + 600))
    tracker.apply(Event.created(t0))  # late: replayed in order
    assert tracker.evaluate().cycle("first_response").status == "met"
    assert tracker.evaluate(t0 + 60).cycle("first_response").status == "active"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ClockError, match="naive"):
        Event.created(datetime(2025, 6, 2, 9, 0))


def test_policy_validation_lists_every_problem() -> None:
    with pytest.raises(ClockError) as info:
        ClockPolicy(
            [
                MetricTarget("first_reply", 0, None),
                MetricTarget("first_response", 60, None, warn_fractions=[2], pause_statuses={"x"}),
                MetricTarget("next_response", 60, escalations=[EscalationLevel("boss")]),
            ]
        )
    fields = {p.field for p in info.value.problems}
    assert fields == {
        "targets[0].metric",
        "targets[0].seconds",
        "targets[1].warn_fractions",
        "targets[1].pause_statuses",
        "targets[2].escalations[0]",
    }


def test_policy_with_an_unknown_zone_is_refused_naming_tz() -> None:
    with pytest.raises(ClockError) as info:
        ClockPolicy([MetricTarget("first_response", H)], tz="Europe/Atlantis")
    assert [p.field for p in info.value.problems] == ["tz"]


def test_bad_events_name_the_field() -> None:
    with pytest.raises(ClockError, match="kind"):
        Event(0, "smoke_signal")
    with pytest.raises(ClockError, match="kind"):
        Event(0, ["created"])  # type: ignore[arg-type]
    p = policy(MetricTarget("first_response", H))
    with pytest.raises(ClockError) as info:
        evaluate(Contact("c"), [Event.created(0), (60, "agent_reply")], p)  # type: ignore[list-item]
    assert info.value.field == "events[1]"
    with pytest.raises(ClockError) as info:
        Tracker(Contact("c"), p).apply({"at": 0, "kind": "created"})  # type: ignore[arg-type]
    assert info.value.field == "event"
    with pytest.raises(ClockError, match="status"):
        Event(0, "status", status="sleeping")
