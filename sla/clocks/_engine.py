"""The scalar clock engine: a contact's events -> metric cycles.

One state machine serves both ways in: :class:`Tracker.apply` feeds events one
by one, :func:`evaluate` replays a list through a fresh tracker. Within one
second events are processed in a canonical order (a reply before a status
change, so a reply sent together with "solved" counts as the reply). An
event that arrives out of that order is inserted into the log (a binary
search) and marks the state stale; the log is replayed once, at the next
evaluation, so ``n`` events in any order cost ``O(n log n)``, and both ways
always agree.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import datetime

from sla._errors import ClockError
from sla.clocks._cycles import Cycle, finish, new, resolve_who
from sla.clocks._events import STATUSES, Contact, Event, to_seconds
from sla.clocks._policy import ClockPolicy
from sla.clocks._results import Escalation, Evaluation, Move
from sla.clocks._rules import Rule, check_priority, rules_for, tz_of

__all__ = ["Tracker", "evaluate"]

#: Order of kinds within one second: openings, then messages, then replies, then statuses.
RANK = {
    "created": 0,
    "assigned": 1,
    "priority_change": 2,
    "tier_change": 2,
    "customer_message": 3,
    "call_offered": 3,
    "callback_requested": 3,
    "agent_reply": 4,
    "call_answered": 4,
    "call_abandoned": 4,
    "callback_made": 4,
    "escalate": 4,
    "status": 5,
}
_SOLVED = ("solved", "closed")
_OPENED_AT_CREATION = ("first_response", "first_resolution", "total_resolution")
#: Metrics a qualifying public reply fulfils (and solving fulfils or cancels).
_ANSWERED_BY_REPLY = ("first_response", "next_response", "periodic_update")
_STATUS_WHY = {status: f"status:{status}" for status in STATUSES}

Policies = ClockPolicy | Mapping[str, ClockPolicy]


Key = tuple[int, int, str, str, str, bool, bool]


def sort_key(event: Event) -> Key:
    """Canonical order: by second, then kind rank, then the event's fields (a total order)."""
    return (
        event.at,
        RANK[event.kind],
        event.kind,
        event.status or "",
        event.value or "",
        event.public,
        event.by_bot,
    )


class Tracker:
    """Incremental clocks for one contact: ``apply`` events, ``evaluate`` any time.

    ``policy`` is a :class:`ClockPolicy`, or a mapping of tier code to policy
    when tier changes must switch policies (the contact's ``tier`` picks the
    first one).

    >>> from sla.clocks import ClockPolicy, MetricTarget
    >>> t = Tracker(Contact("c1"), ClockPolicy([MetricTarget("first_response", 3600)]))
    >>> t.apply(Event.created(0)); t.apply(Event.reply(1800))
    >>> t.evaluate(7200).cycle("first_response").status
    'met'
    """

    __slots__ = (
        "_counts",
        "_keys",
        "_last",
        "_log",
        "_policies",
        "_rules",
        "_stale",
        "active",
        "any_replied",
        "assignees",
        "contact",
        "created_at",
        "cycles",
        "escalated",
        "human_replied",
        "policy",
        "priority",
        "status",
        "targets",
        "tier",
    )  # fmt: skip

    def __init__(self, contact: Contact, policy: Policies) -> None:
        self.contact = contact
        self._policies = policy
        self._log: list[Event] = []
        self._keys: list[Key] = []  # sort keys of _log, kept only once an event came late
        self._stale = False  # the log holds late events the state has not seen yet
        self._reset()

    def _reset(self) -> None:
        contact = self.contact
        self.priority = contact.priority
        self.tier = contact.tier
        self.policy = self._policy_for(self.tier)
        check_priority(self.policy, self.priority)
        # Shared with the rule cache: replaced on a change, never mutated.
        self.targets, self._rules = rules_for(self.policy, contact.channel, self.priority)
        self.status = "new"
        self.created_at: int | None = None
        self.human_replied = False
        self.any_replied = False
        self.assignees: list[tuple[int, str]] = []
        self.escalated: list[tuple[int, str, str]] = []  # (at, reason, notify)
        self.cycles: list[Cycle] = []
        self.active: dict[str, Cycle] = {}
        self._counts: dict[str, int] = {}
        self._last: Key | None = None

    def _policy_for(self, tier: str | None) -> ClockPolicy:
        policies = self._policies
        if isinstance(policies, ClockPolicy):
            return policies
        if tier is None or tier not in policies:
            raise ClockError(f"no clock policy for tier {tier!r}", field="tier")
        return policies[tier]

    # -- feeding events -------------------------------------------------
    def apply(self, event: Event) -> None:
        """Apply one event; a late event is filed in order and replayed at the next evaluation."""
        if not isinstance(event, Event):
            raise ClockError(f"expected an Event, got {type(event).__name__}", field="event")
        key = sort_key(event)
        last = self._last
        if self._stale or (last is not None and key < last):
            self._file_late(event, key)
            return
        self._log.append(event)
        self._last = key
        _HANDLERS[event.kind](self, event)

    def _file_late(self, event: Event, key: Key) -> None:
        keys = self._keys
        if not self._stale:
            keys[:] = [sort_key(e) for e in self._log]
            self._stale = True
        i = bisect_right(keys, key)
        keys.insert(i, key)
        self._log.insert(i, event)
        if self._last is None or key > self._last:
            self._last = key

    def _catch_up(self) -> None:
        """Replay the log once if late events arrived since the last evaluation."""
        if not self._stale:
            return
        log = self._log
        self._reset()
        self._log, self._keys, self._stale = [], [], False
        handlers = _HANDLERS
        for event in log:
            self._log.append(event)
            handlers[event.kind](self, event)
        self._last = sort_key(log[-1]) if log else None

    def extend(self, events: Iterable[Event]) -> None:
        """Apply several events."""
        for event in events:
            self.apply(event)

    # -- cycle helpers --------------------------------------------------
    def _open(self, metric: str, at: int, why: str) -> None:
        rule = self._rules.get(metric)
        if rule is None or metric in self.active:
            return
        counts = self._counts
        index = counts[metric] = counts.get(metric, 0) + 1
        cycle = Cycle(metric, index, rule, at, self.priority, self.status not in rule.pauses, why)
        cycle.retroactive = self.policy.calendar_edits == "retroactive"
        self.cycles.append(cycle)
        self.active[metric] = cycle
        if rule.filtered:
            for notify in self._filtered_immediate(rule, self.priority):
                if cycle.raised is None:
                    cycle.raised = {}
                cycle.raised.setdefault(notify, at)

    def _filtered_immediate(self, rule: Rule, priority: str) -> set[str]:
        """Immediate levels filtered by contact attributes that apply to this contact."""
        attributes = self.contact.attributes
        return {
            level.notify
            for level in rule.target.escalations
            if level.immediate and level.attributes and level.matches(priority, attributes)
        }

    def _close(self, cycle: Cycle, at: int, outcome: str, why: str) -> None:
        run_from = cycle.run_from
        if run_from is not None:
            seconds = cycle.cal.elapsed_seconds(run_from, at)
            cycle.segs.append((run_from, at, seconds))
            cycle.used += seconds
            cycle.run_from = None
        cycle.stop = at
        cycle.outcome = outcome
        if cycle.owner is None:
            cycle.owner = self.shared()
        cycle.moves.append(new(Move, (at, why, "stop" if outcome == "done" else outcome)))
        del self.active[cycle.metric]

    # -- one handler per event kind -------------------------------------
    def _on_created(self, event: Event) -> None:
        if self.created_at is not None:
            return
        at = self.created_at = event.at
        for metric in _OPENED_AT_CREATION:
            self._open(metric, at, "created")

    def _on_customer_message(self, event: Event) -> None:
        rule = self._rules.get("next_response")
        if (
            rule is not None
            and "next_response" not in self.active
            and (self.any_replied if rule.bots else self.human_replied)
        ):
            self._open("next_response", event.at, "customer_message")

    def _on_agent_reply(self, event: Event) -> None:
        if not event.public:
            return  # an internal note answers nobody
        by_bot = event.by_bot
        self.any_replied = True
        if not by_bot:
            self.human_replied = True
        why = "bot_reply" if by_bot else "agent_reply"
        active = self.active
        if active:
            at = event.at
            for metric in _ANSWERED_BY_REPLY:
                cycle = active.get(metric)
                if cycle is not None and (not by_bot or cycle.rule.bots):
                    self._close(cycle, at, "done", why)
        rule = self._rules.get("periodic_update")
        if rule is not None and (not by_bot or rule.bots) and self.status not in _SOLVED:
            self._open("periodic_update", event.at, why)

    def _on_status(self, event: Event) -> None:
        at, status = event.at, event.status
        assert status is not None
        self.status = status
        why = _STATUS_WHY.get(status) or f"status:{status}"
        active = self.active
        if status in _SOLVED:
            for metric in _ANSWERED_BY_REPLY:
                cycle = active.get(metric)
                if cycle is not None:
                    outcome = "done" if cycle.rule.target.solve_fulfils else "cancelled"
                    self._close(cycle, at, outcome, why)
            cycle = active.get("first_resolution")
            if cycle is not None:
                self._close(cycle, at, "done", why)
            cycle = active.get("total_resolution")
            if cycle is not None:
                if status == "closed":
                    # Fulfilled at the solve that no reopen followed, not at a later close.
                    done = cycle.done
                    if done is None:
                        self._close(cycle, at, "done", why)
                    else:  # the close confirms the solve: the cycle's record stays as it was
                        cycle.stop, cycle.outcome = done, "done"
                        del active["total_resolution"]
                elif cycle.done is None:
                    cycle.done = at
                    cycle.owner = self.shared()
        elif status == "reopened":
            cycle = active.get("total_resolution")
            if cycle is not None:
                cycle.done = cycle.owner = None
            rule = self._rules.get("next_response")
            if rule is not None and rule.target.reopen_starts_cycle:
                self._open("next_response", at, why)
        # Pause or resume what the new status says (nothing here opens or closes a cycle).
        for cycle in active.values():
            if status in cycle.rule.pauses or cycle.done is not None:
                if cycle.run_from is not None:
                    cycle.halt(at)
                    cycle.moves.append(new(Move, (at, why, "pause")))
            elif cycle.run_from is None:
                cycle.run_from = at
                cycle.moves.append(new(Move, (at, why, "resume")))

    def _on_priority_change(self, event: Event) -> None:
        assert event.value is not None
        check_priority(self.policy, event.value, "value")
        self.priority = event.value
        self._retarget(event.at, f"priority_change:{event.value}")

    def _on_tier_change(self, event: Event) -> None:
        # Cycles the change cancels finish under the tier they ran in.
        before = self.shared()
        running = [c for c in self.active.values() if c.done is None]
        for cycle in running:
            cycle.owner = before
        self.tier = event.value
        self.policy = self._policy_for(self.tier)
        check_priority(self.policy, self.priority)
        self._retarget(event.at, f"tier_change:{event.value}")
        for cycle in running:
            if cycle.stop is None:
                cycle.owner = None  # still running: it belongs to the new tier now

    def _retarget(self, at: int, why: str) -> None:
        targets, rules = rules_for(self.policy, self.contact.channel, self.priority)
        mode = self.policy.on_change
        for metric, cycle in list(self.active.items()):
            if cycle.done is not None:
                continue  # solved: fulfilled at the solve unless a reopen continues it
            rule = rules.get(metric)
            changes = rule is None or (rule.target != cycle.rule.target and mode != "keep")
            before = finish(self, cycle, at) if changes else None
            if before is not None and before.status == "breached" and cycle.missed is None:
                # A deadline that passed unmet stays a breach, whatever target comes next.
                cycle.missed = before.breach_at
                if mode != "fresh" or rule is None:
                    if cycle.history is None:
                        cycle.history = []
                    cycle.history.extend(n for n in before.notifications if n.kind == "breach")
            old = cycle.rule.target.seconds
            if rule is None:
                cycle.moves.append(new(Move, (at, why, f"target {old}s -> none")))
                self._close(cycle, at, "cancelled", why)
                continue
            self._note_immediate(cycle, rule, at)
            if changes:
                running = cycle.run_from is not None
                if mode == "fresh":
                    assert before is not None
                    if cycle.history is None:
                        cycle.history = []
                    cycle.history.extend(n for n in before.notifications if n.fired)
                    cycle.segs, cycle.used, cycle.clock_from = [], 0, at
                    cycle.run_from = at if running else None
                else:
                    cycle.halt(at)
                    cycle.run_from = at if running else None
                    cycle.retro_at = at
                cycle.rule = rule
                cycle.priority = self.priority
                cycle.retroactive = self.policy.calendar_edits == "retroactive"
                cal = rule.cal
                if cal is not cycle.cal:
                    cycle.cal = cal
                    cycle.segs = [(a, b, cal.elapsed_seconds(a, b)) for a, b, _ in cycle.segs]
                    cycle.used = sum(s for _, _, s in cycle.segs)
                effect = f"{mode}: target {old}s -> {rule.target.seconds}s"
                cycle.moves.append(new(Move, (at, why, effect)))
        self.targets, self._rules = targets, rules
        if (
            self.created_at is not None
            and not self.human_replied
            and "first_response" not in self._counts
        ):
            self._open("first_response", at, why)
        if self.created_at is not None and self.status not in _SOLVED:
            for metric in ("first_resolution", "total_resolution"):
                if metric not in self._counts:
                    self._open(metric, at, why)

    def _note_immediate(self, cycle: Cycle, rule: Rule, at: int) -> None:
        """Immediate levels that a change makes apply fire at the change instant."""
        now: set[str | None] = {m[2] for m in rule.marks_for(self.priority)[0] if m[0] is None}
        if rule.filtered:
            now.update(self._filtered_immediate(rule, self.priority))
        if not now:
            return
        had = {m[2] for m in cycle.rule.marks_for(cycle.priority)[0] if m[0] is None}
        if cycle.raised is not None:
            had.update(cycle.raised)
        for notify in now - had:
            if cycle.raised is None:
                cycle.raised = {}
            cycle.raised[notify] = at

    def _on_call_offered(self, event: Event) -> None:
        self._open("speed_of_answer", event.at, "call_offered")

    def _on_call_answered(self, event: Event) -> None:
        cycle = self.active.get("speed_of_answer")
        if cycle is not None:
            self._close(cycle, event.at, "done", "call_answered")

    def _on_call_abandoned(self, event: Event) -> None:
        cycle = self.active.get("speed_of_answer")
        if cycle is not None:
            self._close(cycle, event.at, "abandoned", "call_abandoned")

    def _on_callback_requested(self, event: Event) -> None:
        self._open("callback_time", event.at, "callback_requested")

    def _on_callback_made(self, event: Event) -> None:
        cycle = self.active.get("callback_time")
        if cycle is not None:
            self._close(cycle, event.at, "done", "callback_made")

    def _on_assigned(self, event: Event) -> None:
        assert event.value is not None
        self.assignees.append((event.at, event.value))

    def _on_escalate(self, event: Event) -> None:
        # Bad news always reaches someone: the policy's escalate levels that match the
        # contact, else whoever is on call (else the assignee).
        reason = event.value or ""
        attributes, priority = self.contact.attributes, self.priority
        told: dict[str, None] = {}
        for target in self.targets.values():
            for level in target.escalations:
                if level.on_escalate and level.matches(priority, attributes):
                    told[level.notify] = None
        if not told:
            told["on_call" if self.policy.on_call is not None else "assignee"] = None
        for notify in told:
            self.escalated.append((event.at, reason, notify))

    # -- results ----------------------------------------------------------
    def evaluate(self, as_of: int | datetime | None = None) -> Evaluation:
        """Every cycle as of ``as_of`` (default: the last event's instant).

        Asking about an instant before the last event replays the events up
        to it in a fresh tracker.
        """
        self._catch_up()
        last = self._last[0] if self._last else None
        at = to_seconds(as_of, field="as_of") if as_of is not None else (last or 0)
        if last is not None and at < last:
            return evaluate(self.contact, self._log, self._policies, as_of=at)
        return self._evaluation(at)

    def _evaluation(self, at: int) -> Evaluation:
        shared = self.shared()
        cycles = tuple([finish(self, c, at, shared) for c in self.cycles])
        if not self.escalated:
            return Evaluation(shared[0], at, cycles, shared[3])
        escalations = tuple(
            Escalation(t, reason, notify, self.who(notify, t))
            for t, reason, notify in self.escalated
            if t <= at
        )
        return Evaluation(shared[0], at, cycles, shared[3], escalations)

    def shared(self) -> tuple[str, str, str, str, str, str | None]:
        """What every cycle result of this contact shares, right now.

        ``(contact id, policy id, policy version, zone, channel, tier)``.
        """
        policy, contact = self.policy, self.contact
        return (
            contact.id,
            policy.policy_id,
            policy.version,
            tz_of(policy),
            contact.channel,
            self.tier,
        )

    def who(self, notify: str | None, at: int) -> str | None:
        """Resolve ``notify`` at instant ``at`` (``on_call`` and ``assignee`` are looked up)."""
        return resolve_who(self, notify, at)


_HANDLERS = {kind: getattr(Tracker, "_on_" + kind) for kind in RANK}


def evaluate(
    contact: Contact,
    events: Iterable[Event],
    policy: Policies,
    *,
    as_of: int | datetime | None = None,
) -> Evaluation:
    """Replay ``events`` (any order; sorted canonically) and report every cycle.

    Events after ``as_of`` are ignored; ``as_of`` defaults to the last event.
    Gives exactly what feeding the same events to a :class:`Tracker` gives.
    """
    ordered = _canonical(events)
    cut = None if as_of is None else to_seconds(as_of, field="as_of")
    tracker = Tracker(contact, policy)
    log = tracker._log
    handlers = _HANDLERS
    # Already in canonical order: skip apply()'s order check, keep its log.
    for event in ordered:
        if cut is not None and event.at > cut:
            break
        log.append(event)
        handlers[event.kind](tracker, event)
    if log:
        tracker._last = sort_key(log[-1])
    if cut is None:
        cut = log[-1].at if log else 0
    return tracker._evaluation(cut)


def _canonical(events: Iterable[Event]) -> list[Event]:
    """``events`` in canonical order (checked first: a CRM usually stores them in order)."""
    listed = list(events)
    key = sort_key
    previous = None
    for i, event in enumerate(listed):
        if not isinstance(event, Event):
            raise ClockError(f"expected an Event, got {type(event).__name__}", field=f"events[{i}]")
        if previous is not None:
            at, before = event.at, previous.at
            # Equal keys mean equal events, so keeping their order is what sorting gives.
            if at < before or (at == before and key(event) < key(previous)):
                return sorted(listed, key=key)
        previous = event
    return listed
