"""The scalar clock engine: a contact's events -> metric cycles.

One state machine serves both ways in: :class:`Tracker.apply` feeds events one
by one, :func:`evaluate` replays a list through a fresh tracker. Within one
second events are processed in a canonical order (a reply before a status
change, so a reply sent together with "solved" counts as the reply), and an
event that arrives out of that order makes the tracker replay its log, so
both ways always agree.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import datetime
from fractions import Fraction

from sla._errors import ClockError
from sla.clocks._calendars import calendar_version, clock_calendar
from sla.clocks._events import Contact, Event, to_seconds
from sla.clocks._policy import ClockCalendar, ClockPolicy, MetricTarget
from sla.clocks._results import CycleResult, Evaluation, Move, Notification

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
    "status": 5,
}
_RESPONSES = ("first_response", "next_response")
_SOLVED = ("solved", "closed")

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


def _move(fields: tuple[int, str, str]) -> Move:
    """A :class:`Move` without the named tuple's Python-level ``__new__`` (hot path)."""
    move: Move = tuple.__new__(Move, fields)
    return move


class _Cycle:
    """Mutable state of one metric cycle while events are applied."""

    __slots__ = (
        "cal",
        "clock_from",
        "done",
        "history",
        "index",
        "metric",
        "moves",
        "outcome",
        "priority",
        "retro_at",
        "run_from",
        "segs",
        "start",
        "stop",
        "target",
        "used",
    )  # fmt: skip

    def __init__(self, metric: str, index: int, target: MetricTarget, at: int, prio: str) -> None:
        self.metric = metric
        self.index = index
        self.target = target
        self.cal: ClockCalendar = clock_calendar(target.calendar)
        self.start = at
        self.clock_from = at
        self.segs: list[tuple[int, int, int]] = []  # closed running segments (a, b, seconds)
        self.used = 0
        self.run_from: int | None = at
        self.stop: int | None = None
        self.outcome: str | None = None  # done | cancelled | abandoned
        self.done: int | None = None  # total resolution: solved, may reopen
        self.retro_at: int | None = None
        self.history: list[Notification] = []  # fired before a fresh restart
        self.moves: list[Move] = []
        self.priority = prio

    def halt(self, at: int) -> None:
        if self.run_from is not None:
            seconds = self.cal.elapsed_seconds(self.run_from, at)
            self.segs.append((self.run_from, at, seconds))
            self.used += seconds
            self.run_from = None


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

    def __init__(self, contact: Contact, policy: Policies) -> None:
        self.contact = contact
        self._policies = policy
        self._log: list[Event] = []
        self._reset()

    def _reset(self) -> None:
        contact = self.contact
        self.priority = contact.priority
        self.tier = contact.tier
        self.policy = self._policy_for(self.tier)
        self.targets = self.policy.targets_for(contact.channel, self.priority)
        self.status = "new"
        self.created_at: int | None = None
        self.human_replied = False
        self.any_replied = False
        self.assignees: list[tuple[int, str]] = []
        self.cycles: list[_Cycle] = []
        self.active: dict[str, _Cycle] = {}
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
        """Apply one event; a late event makes the tracker replay its log in order."""
        key = sort_key(event)
        if self._last is not None and key < self._last:
            self._log.append(event)
            self._log.sort(key=sort_key)
            log, self._log = self._log, []
            self._reset()
            for old in log:
                self.apply(old)
            return
        self._log.append(event)
        self._last = key
        _HANDLERS[event.kind](self, event)

    def extend(self, events: Iterable[Event]) -> None:
        """Apply several events."""
        for event in events:
            self.apply(event)

    # -- cycle helpers --------------------------------------------------
    def _open(self, metric: str, at: int, why: str) -> None:
        target = self.targets.get(metric)
        if target is None or metric in self.active:
            return
        index = self._counts.get(metric, 0) + 1
        self._counts[metric] = index
        cycle = _Cycle(metric, index, target, at, self.priority)
        if self.status in target.pause_statuses:
            cycle.run_from = None
        cycle.moves.append(_move((at, why, "start")))
        self.cycles.append(cycle)
        self.active[metric] = cycle

    def _close(self, cycle: _Cycle, at: int, outcome: str, why: str) -> None:
        cycle.halt(at)
        cycle.stop = at
        cycle.outcome = outcome
        cycle.moves.append(_move((at, why, "stop" if outcome == "done" else outcome)))
        del self.active[cycle.metric]

    def _sync(self, cycle: _Cycle, at: int, why: str) -> None:
        paused = self.status in cycle.target.pause_statuses or cycle.done is not None
        if paused and cycle.run_from is not None:
            cycle.halt(at)
            cycle.moves.append(_move((at, why, "pause")))
        elif not paused and cycle.run_from is None:
            cycle.run_from = at
            cycle.moves.append(_move((at, why, "resume")))

    # -- one handler per event kind -------------------------------------
    def _on_created(self, event: Event) -> None:
        if self.created_at is not None:
            return
        self.created_at = event.at
        for metric in ("first_response", "first_resolution", "total_resolution"):
            self._open(metric, event.at, "created")

    def _on_customer_message(self, event: Event) -> None:
        target = self.targets.get("next_response")
        if target is not None and (
            self.any_replied if target.bot_replies_count else self.human_replied
        ):
            self._open("next_response", event.at, "customer_message")

    def _on_agent_reply(self, event: Event) -> None:
        if not event.public:
            return  # an internal note answers nobody
        human = not event.by_bot
        self.any_replied = True
        self.human_replied = self.human_replied or human
        why = "bot_reply" if event.by_bot else "agent_reply"
        for metric in ("first_response", "next_response", "periodic_update"):
            cycle = self.active.get(metric)
            if cycle is not None and (human or cycle.target.bot_replies_count):
                self._close(cycle, event.at, "done", why)
        target = self.targets.get("periodic_update")
        if target and (human or target.bot_replies_count) and self.status not in _SOLVED:
            self._open("periodic_update", event.at, why)

    def _on_status(self, event: Event) -> None:
        at, status = event.at, event.status
        assert status is not None
        self.status = status
        why = f"status:{status}"
        if status in _SOLVED:
            for metric in (*_RESPONSES, "periodic_update"):
                cycle = self.active.get(metric)
                if cycle is not None:
                    outcome = "done" if cycle.target.solve_fulfils else "cancelled"
                    self._close(cycle, at, outcome, why)
            cycle = self.active.get("first_resolution")
            if cycle is not None:
                self._close(cycle, at, "done", why)
            cycle = self.active.get("total_resolution")
            if cycle is not None:
                if status == "closed":
                    self._close(cycle, at, "done", why)
                elif cycle.done is None:
                    cycle.done = at
        elif status == "reopened":
            cycle = self.active.get("total_resolution")
            if cycle is not None:
                cycle.done = None
            target = self.targets.get("next_response")
            if target is not None and target.reopen_starts_cycle:
                self._open("next_response", at, why)
        for cycle in list(self.active.values()):
            self._sync(cycle, at, why)

    def _on_priority_change(self, event: Event) -> None:
        assert event.value is not None
        self.priority = event.value
        self._retarget(event.at, f"priority_change:{event.value}")

    def _on_tier_change(self, event: Event) -> None:
        self.tier = event.value
        self.policy = self._policy_for(self.tier)
        self._retarget(event.at, f"tier_change:{event.value}")

    def _retarget(self, at: int, why: str) -> None:
        targets = self.policy.targets_for(self.contact.channel, self.priority)
        mode = self.policy.on_change
        for metric, cycle in list(self.active.items()):
            new = targets.get(metric)
            if new is None:
                self._close(cycle, at, "cancelled", why)
            elif new != cycle.target and mode != "keep":
                old = cycle.target.seconds
                running = cycle.run_from is not None
                if mode == "fresh":
                    fired = finish(self, cycle, at).notifications
                    cycle.history.extend(n for n in fired if n.fired)
                    cycle.segs, cycle.used, cycle.clock_from = [], 0, at
                    cycle.run_from = at if running else None
                else:
                    cycle.halt(at)
                    cycle.run_from = at if running else None
                    cycle.retro_at = at
                cycle.target = new
                cycle.priority = self.priority
                cal = clock_calendar(new.calendar)
                if cal is not cycle.cal:
                    cycle.cal = cal
                    cycle.segs = [(a, b, cal.elapsed_seconds(a, b)) for a, b, _ in cycle.segs]
                    cycle.used = sum(s for _, _, s in cycle.segs)
                cycle.moves.append(_move((at, why, f"{mode}: target {old}s -> {new.seconds}s")))
        self.targets = targets
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

    # -- results ----------------------------------------------------------
    def evaluate(self, as_of: int | datetime | None = None) -> Evaluation:
        """Every cycle as of ``as_of`` (default: the last event's instant).

        Asking about an instant before the last event replays the events up
        to it in a fresh tracker.
        """
        last = self._last[0] if self._last else None
        at = to_seconds(as_of, field="as_of") if as_of is not None else (last or 0)
        if last is not None and at < last:
            return evaluate(self.contact, self._log, self._policies, as_of=at)
        cycles = tuple(finish(self, c, at) for c in self.cycles)
        return Evaluation(self.contact.id, at, cycles, _tz_of(self.policy))

    def who(self, notify: str | None, at: int) -> str | None:
        """Resolve ``notify`` at instant ``at`` (``on_call`` and ``assignee`` are looked up)."""
        if notify == "on_call":
            return self.policy.on_call(at) if self.policy.on_call is not None else None
        if notify == "assignee":
            i = bisect_right(self.assignees, (at, "\U0010ffff"))
            return self.assignees[i - 1][1] if i else None
        return notify


_TZ: dict[int, tuple[ClockPolicy, str]] = {}


_HANDLERS = {kind: getattr(Tracker, "_on_" + kind) for kind in RANK}


def _tz_of(policy: ClockPolicy) -> str:
    cached = _TZ.get(id(policy))
    if cached is not None and cached[0] is policy:
        return cached[1]
    tz = _find_tz(policy)
    if len(_TZ) > 1024:
        _TZ.clear()
    _TZ[id(policy)] = (policy, tz)
    return tz


def _find_tz(policy: ClockPolicy) -> str:
    if policy.tz is not None:
        return policy.tz
    for target in policy.targets:
        if target.calendar is not None:
            return str(clock_calendar(target.calendar).tz)
    return "UTC"


Mark = tuple[int | None, str, str | None]
_MARKS: dict[tuple[int, str], tuple[MetricTarget, tuple[list[Mark], int]]] = {}


def _marks(target: MetricTarget, priority: str) -> tuple[list[Mark], int]:
    """(threshold in clock seconds or None for immediate, kind, notify), by threshold."""
    key = (id(target), priority)
    cached = _MARKS.get(key)
    if cached is not None and cached[0] is target:
        return cached[1]
    marks = _compute_marks(target, priority)
    breach = next(i for i, mark in enumerate(marks) if mark[1] == "breach")
    if len(_MARKS) > 4096:
        _MARKS.clear()
    _MARKS[key] = (target, (marks, breach))
    return marks, breach


def _compute_marks(target: MetricTarget, priority: str) -> list[Mark]:
    total = target.seconds
    marks: list[Mark] = []
    for f in target.warn_fractions:
        marks.append((-(-f.numerator * total // f.denominator), "warning", target.warn_notify))
    for before in target.warn_before_seconds:
        marks.append((total - before, "warning", target.warn_notify))
    for level in target.escalations:
        if level.priorities and priority not in level.priorities:
            continue
        if level.immediate:
            marks.append((None, "escalation", level.notify))
        elif level.offset_seconds is not None:
            marks.append((max(0, total + level.offset_seconds), "escalation", level.notify))
        elif level.fraction is not None:
            f = level.fraction
            marks.append((-(-f.numerator * total // f.denominator), "escalation", level.notify))
    marks.append((total, "breach", None))
    # Stable: at equal thresholds warnings come before escalations before the breach.
    marks.sort(key=lambda m: -1 if m[0] is None else m[0])
    return marks


def finish(tracker: Tracker, c: _Cycle, as_of: int) -> CycleResult:
    """The result of cycle ``c`` as of ``as_of`` (shared by scalar and batch evaluation)."""
    target = c.target
    total = target.seconds
    cal = c.cal
    policy = tracker.policy
    segs = c.segs
    if policy.calendar_edits == "retroactive":
        cal = clock_calendar(target.calendar, retroactive_at=as_of)
        if cal is not c.cal:
            segs = [(a, b, cal.elapsed_seconds(a, b)) for a, b, _ in segs]
    stop = c.stop
    finished = stop if stop is not None else c.done
    end = stop if stop is not None else as_of
    run_from = c.run_from if stop is None else None
    marks, breach = _marks(target, c.priority)
    n = len(marks)
    crossings: list[int | None] = [None] * n
    k = used = 0
    while k < n and marks[k][0] is None:
        crossings[k] = c.clock_from
        k += 1
    anchor, anchor_used = None, 0
    for a, b, seconds in segs:
        reach = used + seconds
        while k < n and marks[k][0] <= reach:  # type: ignore[operator]
            crossings[k] = cal.add_seconds(a, marks[k][0] - used)  # type: ignore[operator]
            k += 1
        if b == finished:
            # Stopped while running: keep the deadline it was heading for.
            anchor, anchor_used = a, used
        used = reach
    if run_from is not None:
        anchor, anchor_used = run_from, used
        if end > run_from:
            used += cal.elapsed_seconds(run_from, end)
    if anchor is not None:
        while k < n:
            crossings[k] = cal.add_seconds(anchor, marks[k][0] - anchor_used)  # type: ignore[operator]
            k += 1
    due = crossings[breach]
    outcome = c.outcome
    if outcome is not None and outcome != "done":
        status = outcome  # cancelled | abandoned
    elif finished is not None:
        status = "met" if due is None or finished <= due else "breached"
        end = finished
    elif due is not None and as_of > due:
        status = "breached"
    elif run_from is None:
        status = "paused"
    else:
        status = "active"
    closed = finished is not None
    retro_at = c.retro_at
    notes: list[Notification] = list(c.history)
    for (threshold, kind, notify), at in zip(marks, crossings, strict=True):
        if at is None:
            continue
        if kind == "breach":
            fired = status == "breached"
        else:
            fired = at <= as_of and (not closed or at < end)
        if closed and not fired and at >= end:
            continue  # never happened and never will
        suppressed = retro_at is not None and kind != "breach" and at < retro_at
        who = tracker.who(notify, at) if notify in _LOOKUPS else notify
        # tuple.__new__ skips the named tuple's Python-level __new__ (request-path hot spot).
        notes.append(
            _new(
                Notification,
                (
                    kind,
                    at,
                    0 if threshold is None else threshold,
                    notify,
                    who,
                    fired and not suppressed,
                    suppressed,
                ),
            )
        )
    if c.history:
        notes.sort(key=lambda note: note.at)
    versions = _single_label(cal)
    if versions is None:
        first, last = calendar_version(cal, c.clock_from), calendar_version(cal, end)
        versions = (first,) if first == last else tuple(sorted((first, last)))
    fields = (
        tracker.contact.id,
        c.metric,
        c.index,
        status,
        c.start,
        due,
        finished,
        due if status == "breached" else None,
        total,
        used,
        total - used if used < total else 0,
        used - total if used > total else 0,
        end - c.start if end > c.start else 0,
        Fraction(used, total),
        tuple(notes),
        tuple(c.moves),
        policy.policy_id,
        policy.version,
        versions,
        _tz_of(policy),
        tracker.contact.channel,
        c.priority,
        tracker.tier,
    )
    result: CycleResult = _new(CycleResult, fields)
    return result


_new = tuple.__new__
_LABELS: dict[int, tuple[object, tuple[str, ...] | None]] = {}


def _single_label(cal: object) -> tuple[str, ...] | None:
    """``(label,)`` of a calendar with one version for all time (cached), else ``None``."""
    cached = _LABELS.get(id(cal))
    if cached is not None and cached[0] is cal:
        return cached[1]
    versions = getattr(cal, "versions", None)
    if versions is not None and len(versions) == 1:
        label: tuple[str, ...] | None = (str(versions[0].label),)
    elif getattr(cal, "version_at", None) is None:
        label = ("1",)
    else:
        label = None
    if len(_LABELS) > 1024:
        _LABELS.clear()
    _LABELS[id(cal)] = (cal, label)
    return label


_LOOKUPS = frozenset({"on_call", "assignee"})


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
    ordered = sorted(events, key=sort_key)
    cut = None if as_of is None else to_seconds(as_of, field="as_of")
    tracker = Tracker(contact, policy)
    handlers = _HANDLERS
    # Already in canonical order: skip apply()'s order check, keep its log.
    for event in ordered:
        if cut is not None and event.at > cut:
            break
        tracker._log.append(event)
        handlers[event.kind](tracker, event)
    if tracker._log:
        tracker._last = sort_key(tracker._log[-1])
    return tracker.evaluate(cut)
