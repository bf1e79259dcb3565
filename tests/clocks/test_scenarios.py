"""The four must-show scenarios of issue 5, on calendar W (Mon-Fri 09-17 Europe/Berlin)."""

from __future__ import annotations

from fractions import Fraction

from sla.clocks import ClockPolicy, Contact, Event, MetricTarget, evaluate
from tests.clocks.calendars import at, berlin_w

W = berlin_w()
HOUR = 3600


def resolution_policy(hours: int, **extra: object) -> ClockPolicy:
    return ClockPolicy([MetricTarget("first_resolution", hours * HOUR, W, **extra)])  # type: ignore[arg-type]


def test_pause_overnight_moves_due_to_tuesday_afternoon() -> None:
    # start Mon 2025-06-02 10:00, target 8 h, paused Mon 12:00 to Tue 11:00 -> due Tue 17:00
    events = [
        Event.created(at("2025-06-02 10:00")),
        Event.status_change(at("2025-06-02 12:00"), "pending"),
        Event.status_change(at("2025-06-03 11:00"), "open"),
    ]
    result = evaluate(Contact("t1"), events, resolution_policy(8), as_of=at("2025-06-03 11:00"))
    cycle = result.cycle("first_resolution")
    assert cycle.due == at("2025-06-03 17:00")
    assert cycle.status == "active"
    assert cycle.elapsed_seconds == 2 * HOUR
    assert [m.effect for m in cycle.explanation] == ["start", "pause", "resume"]


def test_pause_over_weekend_gives_monday_due() -> None:
    # start Fri 2025-06-06 15:00, target 4 h, paused Fri 16:00 to Mon 10:00 -> due Mon 13:00
    events = [
        Event.created(at("2025-06-06 15:00")),
        Event.status_change(at("2025-06-06 16:00"), "on_hold"),
        Event.status_change(at("2025-06-09 10:00"), "open"),
    ]
    result = evaluate(Contact("t2"), events, resolution_policy(4), as_of=at("2025-06-09 10:00"))
    assert result.cycle("first_resolution").due == at("2025-06-09 13:00")


def test_breach_before_pause_stays_a_breach() -> None:
    # first response 2 h from Mon 09:00, paused 11:30-14:00, reply 14:30
    # -> breached at 11:00, overdue 1 h
    policy = ClockPolicy([MetricTarget("first_response", 2 * HOUR, W, pause_statuses={"on_hold"})])
    events = [
        Event.created(at("2025-06-02 09:00")),
        Event.status_change(at("2025-06-02 11:30"), "on_hold"),
        Event.status_change(at("2025-06-02 14:00"), "open"),
        Event.reply(at("2025-06-02 14:30")),
    ]
    cycle = evaluate(Contact("t3"), events, policy).cycle("first_response")
    assert cycle.status == "breached"
    assert cycle.breach_at == at("2025-06-02 11:00")
    assert cycle.overdue_seconds == HOUR
    assert cycle.stop == at("2025-06-02 14:30")
    assert cycle.fraction_used == Fraction(3, 2)


def test_warnings_at_half_and_three_quarters_and_next_wake_up() -> None:
    # target 8 h from Mon 15:00 with warnings at 50 % and 75 %
    # -> Tue 11:00, Tue 13:00, due Tue 15:00; next_event_at(Mon 16:00) = Tue 11:00
    policy = resolution_policy(8, warn_fractions=[Fraction(1, 2), Fraction(3, 4)])
    events = [Event.created(at("2025-06-02 15:00"))]
    result = evaluate(Contact("t4"), events, policy, as_of=at("2025-06-02 16:00"))
    cycle = result.cycle("first_resolution")
    warnings = [n.at for n in cycle.notifications if n.kind == "warning"]
    assert warnings == [at("2025-06-03 11:00"), at("2025-06-03 13:00")]
    assert cycle.due == at("2025-06-03 15:00")
    assert not any(n.fired for n in cycle.notifications)
    assert result.next_event_at(at("2025-06-02 16:00")) == at("2025-06-03 11:00")
    # After both warnings the next change is the breach, one second past the due second.
    assert result.next_event_at(at("2025-06-03 13:00")) == at("2025-06-03 15:00") + 1
