"""One metric cycle: its running state, and its result as of an instant.

:class:`Cycle` is what the state machine of :mod:`sla.clocks._engine` moves;
:func:`finish` turns it into a :class:`CycleResult` (shared by the scalar
engine and the batch engine's scalar fallback). Both sit on the request
path, so records are built with ``tuple.__new__`` (skipping the named tuple's
Python-level ``__new__``) and everything derivable from the policy comes
precomputed from :mod:`sla.clocks._rules`.
"""

from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction
from math import gcd
from typing import TYPE_CHECKING, Any

from sla.clocks._calendars import clock_calendar
from sla.clocks._policy import MetricTarget
from sla.clocks._results import CycleResult, Move, Notification
from sla.clocks._rules import Rule, version_labels

if TYPE_CHECKING:
    from sla.clocks._engine import Tracker

__all__ = ["Cycle", "finish", "fraction", "new", "resolve_who"]

#: ``tuple.__new__``: builds a named tuple without its Python-level ``__new__``.
new = tuple.__new__


class Cycle:
    """Mutable state of one metric cycle while events are applied."""

    __slots__ = (
        "cal",
        "clock_from",
        "done",
        "history",
        "index",
        "metric",
        "missed",
        "moves",
        "outcome",
        "owner",
        "priority",
        "raised",
        "retro_at",
        "retroactive",
        "rule",
        "run_from",
        "segs",
        "start",
        "stop",
        "used",
    )  # fmt: skip

    def __init__(
        self, metric: str, index: int, rule: Rule, at: int, priority: str, running: bool, why: str
    ) -> None:
        self.metric = metric
        self.index = index
        self.rule = rule
        self.cal: Any = rule.cal
        self.start = at
        self.clock_from = at
        self.segs: list[tuple[int, int, int]] = []  # closed running segments (a, b, seconds)
        self.used = 0
        self.run_from: int | None = at if running else None
        self.stop: int | None = None
        self.outcome: str | None = None  # done | cancelled | abandoned
        self.done: int | None = None  # total resolution: solved, may reopen
        self.retro_at: int | None = None
        #: The policy it runs under counts finished cycles on the version in force at
        #: their end (``calendar_edits="retroactive"``); kept across a later tier change.
        self.retroactive = False
        self.history: list[Notification] | None = None  # fired before a fresh restart
        self.missed: int | None = None  # deadline already breached before a target change
        #: Immediate levels a priority or tier change made apply: who -> the change instant.
        self.raised: dict[str | None, int] | None = None
        #: What the cycle shares with its contact (tier, policy) when it finished.
        self.owner: tuple[str, str, str, str, str, str | None] | None = None
        self.moves: list[Move] = [new(Move, (at, why, "start"))]
        self.priority = priority

    @property
    def target(self) -> MetricTarget:
        """The :class:`MetricTarget` the cycle currently runs against."""
        return self.rule.target

    def halt(self, at: int) -> None:
        """Stop the running clock at ``at``, banking the business seconds it ran."""
        run_from = self.run_from
        if run_from is not None:
            seconds = self.cal.elapsed_seconds(run_from, at)
            self.segs.append((run_from, at, seconds))
            self.used += seconds
            self.run_from = None


_LOOKUPS = frozenset({"on_call", "assignee"})


def resolve_who(tracker: Tracker, notify: str | None, at: int) -> str | None:
    """Resolve ``notify`` at ``at`` (``on_call`` and ``assignee`` are looked up)."""
    if notify == "on_call":
        on_call = tracker.policy.on_call
        return on_call(at) if on_call is not None else None
    if notify == "assignee":
        assignees = tracker.assignees
        i = bisect_right(assignees, (at, "\U0010ffff"))
        return assignees[i - 1][1] if i else None
    return notify


def finish(
    tracker: Tracker, c: Cycle, as_of: int, shared: tuple[Any, ...] | None = None
) -> CycleResult:
    """The result of cycle ``c`` as of ``as_of``.

    ``shared`` is :meth:`Tracker.shared`, passed in when finishing several
    cycles of one tracker at once.
    """
    rule = c.rule
    total = rule.seconds
    cal = c.cal
    segs = c.segs
    if c.retroactive:
        # Retroactive edits change running cycles only: a finished cycle is counted on
        # the version in force when it finished, whenever it is evaluated.
        ended = c.stop if c.stop is not None else c.done
        cal = clock_calendar(rule.target.calendar, retroactive_at=as_of if ended is None else ended)
        if cal is not c.cal:
            segs = [(a, b, cal.elapsed_seconds(a, b)) for a, b, _ in segs]
    stop = c.stop
    if stop is not None:
        finished: int | None = stop
        run_from = None
    else:
        finished = c.done
        run_from = c.run_from
    found = rule.marks.get(c.priority)
    marks, breach = found if found is not None else rule.marks_for(c.priority)
    n = len(marks)
    crossings: list[int | None] = [None] * n
    k = used = 0
    raised = c.raised
    while k < n and marks[k][0] is None:
        crossings[k] = c.clock_from if raised is None else raised.get(marks[k][2], c.clock_from)
        k += 1
    anchor, anchor_used = None, 0
    add_seconds = cal.add_seconds
    for a, b, seconds in segs:
        reach = used + seconds
        while k < n and marks[k][0] <= reach:  # type: ignore[operator]
            crossings[k] = add_seconds(a, marks[k][0] - used)  # type: ignore[operator]
            k += 1
        if b == finished:
            # Stopped while running: keep the deadline it was heading for.
            anchor, anchor_used = a, used
        used = reach
    if run_from is not None:
        anchor, anchor_used = run_from, used
        if as_of > run_from:
            used += cal.elapsed_seconds(run_from, as_of)
    if anchor is not None:
        # A stopped clock never reaches a warning beyond the time it used: skip placing it.
        beyond = used if finished is not None else None
        while k < n:
            threshold, kind, _ = marks[k]
            if beyond is None or kind == "breach" or threshold <= beyond:  # type: ignore[operator]
                crossings[k] = add_seconds(anchor, threshold - anchor_used)  # type: ignore[operator]
            k += 1
    due = crossings[breach]
    outcome = c.outcome
    if finished is not None:
        end = finished
        if outcome is not None and outcome != "done":
            status = outcome  # cancelled | abandoned
            if outcome == "cancelled" and due is not None and finished > due:
                status = "breached"  # the deadline passed unmet before the cancellation
        else:
            status = "met" if due is None or finished <= due else "breached"
    else:
        end = as_of
        if due is not None and as_of > due:
            status = "breached"
        elif run_from is None:
            status = "paused"
        else:
            status = "active"
    own = status
    missed = c.missed
    if missed is not None and status in ("met", "active", "paused", "cancelled"):
        # A deadline missed before a target change stays missed: the breach happened.
        status = "breached"
    history = c.history
    notes: list[Notification] = [] if history is None else list(history)
    retro_at = c.retro_at
    k = 0
    for threshold, kind, notify in marks:
        at = crossings[k]
        k += 1
        if at is None:
            continue
        if kind == "breach":
            fired = own == "breached"
        elif finished is None:
            fired = at <= as_of
        else:
            fired = at <= as_of and at < end
        if finished is not None and not fired and at >= end:
            continue  # never happened and never will
        # Immediate levels fired at their instant; only threshold marks a retroactive
        # change moved into the past are suppressed.
        suppressed = (
            retro_at is not None and threshold is not None and kind != "breach" and at < retro_at
        )
        notes.append(
            new(
                Notification,
                (
                    kind,
                    at,
                    0 if threshold is None else threshold,
                    notify,
                    resolve_who(tracker, notify, at) if notify in _LOOKUPS else notify,
                    fired and not suppressed,
                    suppressed,
                ),
            )
        )
    if raised:
        placed = {m[2] for m in marks if m[0] is None}
        for notify, at in raised.items():
            if notify in placed:
                continue
            fired = at <= as_of and (finished is None or at <= end)
            who = resolve_who(tracker, notify, at) if notify in _LOOKUPS else notify
            notes.append(new(Notification, ("escalation", at, 0, notify, who, fired, False)))
    if history or raised:
        if history:  # a breach kept from before a change may be placed again: once is enough
            unique: dict[tuple[str, int, str | None], Notification] = {}
            for note in notes:
                unique.setdefault((note.kind, note.at, note.notify), note)
            notes = list(unique.values())
        notes.sort(key=lambda note: note.at)
    label = rule.label if cal is rule.cal else None
    if c.owner is not None:
        shared = c.owner  # a finished cycle keeps the tier and policy it finished under
    elif shared is None:
        shared = tracker.shared()
    start = c.start
    result: CycleResult = new(
        CycleResult,
        (
            shared[0],
            c.metric,
            c.index,
            status,
            start,
            due,
            finished,
            (due if missed is None else missed) if status == "breached" else None,
            total,
            used,
            total - used if used < total else 0,
            used - total if used > total else 0,
            end - start if end > start else 0,
            fraction(used, total),
            tuple(notes),
            tuple(c.moves),
            shared[1],
            shared[2],
            label if label is not None else version_labels(cal, c.clock_from, end),
            shared[3],
            shared[4],
            c.priority,
            shared[5],
        ),
    )
    return result


def _fast_fraction(numerator: int, denominator: int) -> Fraction:
    g = gcd(numerator, denominator)
    made: Fraction = _object_new(Fraction)
    made._numerator = numerator // g  # type: ignore[attr-defined]
    made._denominator = denominator // g  # type: ignore[attr-defined]
    return made


def _works(make: Any) -> bool:
    try:
        samples = [(6, 4), (0, 5), (-3, 9), (7, 1)]
        return all(
            make(a, b) == Fraction(a, b) and str(make(a, b)) == str(Fraction(a, b))
            for a, b in samples
        )
    except Exception:  # any failure means: use the public constructor
        return False


_object_new = object.__new__
#: ``Fraction(numerator, denominator)`` for ints with ``denominator > 0``. The public
#: constructor's type dispatch is a measurable share of the request path, so the
#: normalised value is built directly where CPython's private layout allows (checked
#: once at import; otherwise the public constructor is used).
fraction: Any = _fast_fraction if _works(_fast_fraction) else Fraction
