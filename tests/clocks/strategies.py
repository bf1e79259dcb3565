"""Hypothesis strategies for contacts, their events and clock policies."""

from __future__ import annotations

from fractions import Fraction

import attrs
from hypothesis import strategies as st

from sla.clocks import ClockPolicy, Contact, EscalationLevel, Event, MetricTarget
from tests.clocks.calendars import at, berlin_w

W = berlin_w()
T0 = at("2025-06-02 08:00")
PRIORITIES = ("urgent", "high", "normal", "low")

#: Kinds with the fields they need; statuses drawn separately.
_SIMPLE = (
    "customer_message",
    "call_offered",
    "call_answered",
    "call_abandoned",
    "callback_requested",
    "callback_made",
)


@st.composite
def events(draw: st.DrawFn, *, statuses: bool = True, changes: bool = True) -> list[Event]:
    """A contact's events in time order, starting with ``created``."""
    t = T0 + draw(st.integers(0, 7 * 86400))
    out = [Event.created(t)]
    kinds = ["reply", "simple"] + (["status"] if statuses else []) + (["change"] if changes else [])
    for _ in range(draw(st.integers(0, 12))):
        t += draw(st.sampled_from([0, 0, 1, 60, 900, 3600, 5 * 3600, 86400, 3 * 86400]))
        kind = draw(st.sampled_from(kinds))
        if kind == "reply":
            out.append(Event.reply(t, public=draw(st.booleans()), by_bot=draw(st.booleans())))
        elif kind == "simple":
            out.append(Event(t, draw(st.sampled_from(_SIMPLE))))
        elif kind == "status":
            status = draw(st.sampled_from(["open", "pending", "on_hold", "solved", "reopened"]))
            out.append(Event.status_change(t, status))
        else:
            out.append(Event.priority_change(t, draw(st.sampled_from(PRIORITIES))))
    return out


def contacts() -> st.SearchStrategy[Contact]:
    return st.builds(
        Contact,
        id=st.text("abc", min_size=1, max_size=3),
        channel=st.sampled_from(["email", "voice", "web_chat"]),
        priority=st.sampled_from(PRIORITIES),
    )


@st.composite
def policies(draw: st.DrawFn) -> ClockPolicy:
    """A policy over all metrics, business or calendar time, with warnings and escalations."""
    targets = []
    for metric in (
        "first_response",
        "next_response",
        "periodic_update",
        "first_resolution",
        "total_resolution",
        "speed_of_answer",
        "callback_time",
    ):
        for priorities in ({"urgent"}, set()):
            if not draw(st.booleans()):
                continue
            seconds = draw(st.sampled_from([20, 600, 3600, 4 * 3600, 8 * 3600]))
            targets.append(
                MetricTarget(
                    metric,
                    seconds,
                    draw(st.sampled_from([None, W])),
                    warn_fractions=draw(st.sampled_from([(), (Fraction(1, 2),), ("3/4", "1/3")])),
                    priorities=priorities,
                    escalations=draw(
                        st.sampled_from(
                            [
                                (),
                                (EscalationLevel("lead", offset_seconds=-10),),
                                (EscalationLevel("boss", immediate=True, priorities={"urgent"}),),
                            ]
                        )
                    ),
                    bot_replies_count=draw(st.booleans()),
                    solve_fulfils=draw(st.booleans()),
                )
            )
    mode = draw(st.sampled_from(["retroactive", "fresh", "keep"]))
    return ClockPolicy(targets, on_change=mode, on_call=lambda t: f"agent{t % 3}")


#: Every status, including the ones a help desk rarely sends twice in a row.
_ALL_STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed", "reopened")


@st.composite
def busy_events(draw: st.DrawFn, *, changes: bool = True) -> list[Event]:
    """A contact's events as help desks really send them: bursts within one second,
    events before ``created`` or without one, repeated ``created``, every status,
    internal notes, bot and human replies, calls and callbacks, assignments and
    (optionally) priority changes."""
    t = T0 + draw(st.integers(0, 7 * 86400))
    out: list[Event] = []
    if draw(st.integers(0, 9)) > 0:
        out.append(Event.created(t + draw(st.sampled_from([0, 0, 0, 30, 3600]))))
    choices = ["reply", "reply", "message", "message", "status", "status", "call", "assign"]
    choices += ["created"] + (["change"] if changes else [])
    for _ in range(draw(st.integers(0, 16))):
        t += draw(st.sampled_from([0, 0, 0, 1, 20, 60, 900, 3600, 4 * 3600, 86400, 2 * 86400]))
        kind = draw(st.sampled_from(choices))
        if kind == "reply":
            out.append(
                Event.reply(t, public=draw(st.integers(0, 4)) > 0, by_bot=draw(st.booleans()))
            )
        elif kind == "message":
            out.append(Event.customer_message(t))
        elif kind == "status":
            out.append(Event.status_change(t, draw(st.sampled_from(_ALL_STATUSES))))
        elif kind == "call":
            out.append(Event(t, draw(st.sampled_from(_SIMPLE[1:]))))
        elif kind == "assign":
            out.append(Event.assigned(t, draw(st.sampled_from(["ann", "bob"]))))
        elif kind == "created":
            out.append(Event.created(t))
        else:
            out.append(Event.priority_change(t, draw(st.sampled_from(PRIORITIES))))
    return out or [Event.created(t)]


@st.composite
def busy_policies(draw: st.DrawFn) -> ClockPolicy:
    """:func:`policies` plus custom pause statuses, warn-before marks, escalations at the
    start of the clock, cycles that do not restart on reopen, and an edited calendar."""
    from tests.clocks.calendars import berlin_edited

    base = draw(policies())
    calendars = [None, W, berlin_edited()]
    targets = []
    for target in base.targets:
        pauses = draw(
            st.sampled_from([None, frozenset(), {"pending"}, {"on_hold", "new"}, {"solved"}])
        )
        changes: dict[str, object] = {
            "calendar": draw(st.sampled_from(calendars)),
            "reopen_starts_cycle": draw(st.booleans()),
        }
        if pauses is not None:
            changes["pause_statuses"] = pauses
        if target.seconds > 60 and draw(st.booleans()):
            changes["warn_before_seconds"] = (target.seconds // 4,)
        if draw(st.integers(0, 3)) == 0:
            changes["escalations"] = (
                EscalationLevel("lead", offset_seconds=-target.seconds),
                EscalationLevel("vp", offset_seconds=1800),
                EscalationLevel("desk", fraction="1/3", priorities={"high", "normal"}),
            )
        targets.append(attrs.evolve(target, **changes))
    edits = draw(st.sampled_from(["versioned", "versioned", "retroactive"]))
    return attrs.evolve(base, targets=targets, calendar_edits=edits)
