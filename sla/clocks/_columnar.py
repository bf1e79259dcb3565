"""The columnar clock engine: sorted event columns of many contacts -> cycle columns.

No Python loop runs per contact or per event: the scalar state machine of
:mod:`sla.clocks._engine` is restated as segmented array operations over the
events sorted by (contact, canonical order), one metric at a time.

* Per-contact state (status, "a human has replied", total resolution's
  *solved* flag) is a segmented forward fill or cumulative sum.
* A metric's cycles are the runs between an opening and the next closing
  event: an event opens, closes, or closes-and-reopens (periodic updates),
  and the state after an event is what its last such event left.
* Running segments are maximal runs of "not paused" events inside a cycle;
  their business seconds come from one ``elapsed_many`` call per calendar.
* Warnings, escalations and the deadline are found with ``searchsorted`` on
  the cumulative running seconds, and placed with one ``add_many`` call per
  calendar, using exactly the (anchor, seconds) pairs the scalar engine uses,
  so every instant agrees to the second.

Priority and tier changes and retroactive calendar edits are left to the
scalar engine (the caller routes those contacts there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sla.clocks._calendars import clock_calendar
from sla.clocks._engine import RANK, _marks
from sla.clocks._events import STATUSES
from sla.clocks._policy import ClockPolicy, MetricTarget

__all__ = [
    "KIND_CODES",
    "METRIC_ORDER",
    "NULL",
    "OUTCOMES",
    "STATUS_CODES",
    "Profile",
    "evaluate_columns",
]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Kinds numbered in the engine's canonical order within one second (rank, then name).
KIND_CODES: Final = {k: i for i, k in enumerate(sorted(RANK, key=lambda k: (RANK[k], k)))}
#: Statuses numbered in name order (the canonical tie-break); 0 is "no status".
STATUS_CODES: Final = {s: i + 1 for i, s in enumerate(sorted(STATUSES))}
#: Missing instants in the output columns.
NULL: Final = np.iinfo(np.int64).min
#: Metrics in the order the scalar engine opens them at ``created``, then the rest.
METRIC_ORDER: Final = (
    "first_response",
    "first_resolution",
    "total_resolution",
    "next_response",
    "periodic_update",
    "speed_of_answer",
    "callback_time",
)
#: Cycle status codes of the output (index into this tuple).
OUTCOMES: Final = ("active", "paused", "met", "breached", "cancelled", "abandoned")
_ACTIVE, _PAUSED, _MET, _BREACHED, _CANCELLED, _ABANDONED = range(6)
_WARNING, _ESCALATION, _BREACH = 0, 1, 2
_ABSENT, _IMMEDIATE = -2, -1


@attrs.frozen(slots=True)
class Profile:
    """What every contact with one (policy, channel, priority, tier) shares."""

    policy: ClockPolicy
    targets: dict[str, MetricTarget]
    priority: str
    channel: str
    tier: str | None


@attrs.define(slots=True)
class _Events:
    """The sorted event columns of a set of contacts plus the derived per-row state."""

    at: Ints
    kind: npt.NDArray[np.int8]
    status: npt.NDArray[np.int8]  # the status code on status rows, else 0
    public: Bools
    by_bot: Bools
    group_start: Ints  # per row: index of its contact's first row
    group_end: Ints  # per row: one past its contact's last row
    first: Bools  # per row: first row of its contact
    status_after: npt.NDArray[np.int8]  # status once the row is applied ("new" at first)
    first_created: Bools
    n: int = attrs.field(init=False)
    rows: Ints = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.n = len(self.at)
        self.rows = np.arange(self.n, dtype=np.int64)

    def subset(self, keep: Bools, index: Ints) -> _Events:
        """The rows ``index`` (= where ``keep``) of whole contacts, renumbered."""
        position = np.cumsum(keep, dtype=np.int64) - 1
        group_start = self.group_start[index]
        return _Events(
            self.at[index], self.kind[index], self.status[index], self.public[index],
            self.by_bot[index], position[group_start], position[self.group_end[index] - 1] + 1,
            self.first[index], self.status_after[index], self.first_created[index],
        )  # fmt: skip

    def is_kind(self, *kinds: str) -> Bools:
        codes = [KIND_CODES[k] for k in kinds]
        return np.isin(self.kind, codes) if len(codes) > 1 else self.kind == codes[0]

    def is_status(self, *statuses: str) -> Bools:
        return np.isin(self.status, [STATUS_CODES[s] for s in statuses])

    def last_index(self, mask: Bools) -> Ints:
        """Per row i: the last row j <= i of the same contact with ``mask``, else -1."""
        idx = np.where(mask, self.rows, -1)
        np.maximum.accumulate(idx, out=idx)
        idx[idx < self.group_start] = -1
        return idx

    def next_index(self, mask: Bools) -> Ints:
        """Per row i: the first row j > i of the same contact with ``mask``, else -1."""
        n = self.n
        idx = np.where(mask, self.rows, n)
        rev = np.minimum.accumulate(idx[::-1])[::-1]
        out = np.empty(n, dtype=np.int64)
        out[:-1] = rev[1:]
        out[-1:] = n
        out[out >= self.group_end] = -1
        return out

    def previous(self, values: Bools) -> Bools:
        """Per row: ``values`` of the previous row of the same contact (False at the first)."""
        out = np.empty_like(values)
        out[1:] = values[:-1]
        out[:1] = False
        out[self.first] = False
        return out

    def count_before(self, mask: Bools) -> Ints:
        """Per row: how many earlier rows of the same contact have ``mask``."""
        total = np.cumsum(mask, dtype=np.int64)
        before = total - mask
        return before - before[self.group_start]


def prepare(
    at: Ints,
    kind: npt.NDArray[np.int8],
    status: npt.NDArray[np.int8],
    public: Bools,
    by_bot: Bools,
    group_start: Ints,
    group_end: Ints,
) -> _Events:
    n = len(at)
    rows = np.arange(n, dtype=np.int64)
    first = rows == group_start
    is_status = kind == KIND_CODES["status"]
    last = np.where(is_status, rows, -1)
    np.maximum.accumulate(last, out=last)
    seen = last >= group_start
    status_after = np.where(seen, status[np.maximum(last, 0)], STATUS_CODES["new"]).astype(np.int8)
    created = kind == KIND_CODES["created"]
    total = np.cumsum(created, dtype=np.int64)
    before = total - created
    first_created = created & (before == before[group_start])
    return _Events(
        at, kind, status, public, by_bot, group_start, group_end, first, status_after,
        first_created,
    )  # fmt: skip


@attrs.define(slots=True)
class _Out:
    """Output columns gathered metric by metric."""

    parts: list[dict[str, Any]] = attrs.field(factory=list)

    def columns(self) -> dict[str, Any]:
        if not self.parts:
            return {}
        names = self.parts[0].keys()
        return {name: np.concatenate([p[name] for p in self.parts]) for name in names}


def _target_table(
    profiles: Sequence[Profile], metric: str
) -> tuple[list[MetricTarget], npt.NDArray[np.int64]]:
    """Distinct targets of ``metric`` and, per profile, the index of its target (-1: none)."""
    targets: list[MetricTarget] = []
    index = np.full(len(profiles), -1, dtype=np.int64)
    for p, profile in enumerate(profiles):
        target = profile.targets.get(metric)
        if target is None:
            continue
        for t, known in enumerate(targets):
            if known is target:
                index[p] = t
                break
        else:
            index[p] = len(targets)
            targets.append(target)
    return targets, index


def _by_calendar(cals: list[Any], which: Ints, a: Ints, b: Ints, *, add: bool) -> Ints:
    """``elapsed(a, b)`` or ``add(a, b)`` element-wise, one vectorized call per calendar."""
    out = np.empty(len(a), dtype=np.int64)
    for c, cal in enumerate(cals):
        mask = which == c
        if not mask.any():
            continue
        if add:
            many = getattr(cal, "add_many", None)
            scalar = cal.add_seconds
        else:
            many = getattr(cal, "elapsed_many", None)
            scalar = cal.elapsed_seconds
        if many is not None:
            out[mask] = np.asarray(many(a[mask], b[mask]), dtype=np.int64)
        else:  # a calendar without a vectorized form: answered one query at a time
            out[mask] = [
                scalar(x, y) for x, y in zip(a[mask].tolist(), b[mask].tolist(), strict=True)
            ]
        if not add:
            out[mask] = np.maximum(out[mask], 0)
    return out


def evaluate_columns(
    ev: _Events, row_profile: Ints, row_contact: Ints, profiles: Sequence[Profile], as_of: int
) -> dict[str, Any]:
    """Every cycle of every contact in ``ev``; see the module docstring."""
    out = _Out()
    reply = ev.is_kind("agent_reply") & ev.public
    human_reply = reply & ~ev.by_bot
    solved_or_closed = ev.is_status("solved", "closed")
    for code, metric in enumerate(METRIC_ORDER):
        targets, target_of_profile = _target_table(profiles, metric)
        if not targets:
            continue
        tid = target_of_profile[row_profile]
        has = tid >= 0
        tsafe = np.maximum(tid, 0)
        bots = np.array([t.bot_replies_count for t in targets])[tsafe]
        qualifying = reply & (~ev.by_bot | bots)
        close_outcome = np.full(ev.n, _MET, dtype=np.int8)  # "done"
        done_flag: Bools | None = None
        done_start: Ints | None = None
        if metric == "first_response":
            opens = ev.first_created
            closes = qualifying | solved_or_closed
        elif metric == "next_response":
            any_before = ev.count_before(reply) > 0
            human_before = ev.count_before(human_reply) > 0
            replied = np.where(bots, any_before, human_before)
            reopen = np.array([t.reopen_starts_cycle for t in targets])[tsafe]
            opens = (ev.is_kind("customer_message") & replied) | (ev.is_status("reopened") & reopen)
            closes = qualifying | solved_or_closed
        elif metric == "periodic_update":
            solved_now = np.isin(ev.status_after, [STATUS_CODES["solved"], STATUS_CODES["closed"]])
            opens = qualifying & ~solved_now
            closes = qualifying | solved_or_closed
        elif metric == "first_resolution":
            opens = ev.first_created
            closes = solved_or_closed
        elif metric == "total_resolution":
            opens = ev.first_created
            closes = ev.is_status("closed")
            # Solved (not closed) stops the clock until a reopen: a per-row flag after
            # the contact's first `created`, and where its latest run of "solved" began.
            after_created = ev.last_index(ev.first_created) >= 0
            flips = (ev.is_status("solved") | ev.is_status("reopened")) & after_created
            last = ev.last_index(flips & ~ev.first_created)
            done_flag = (last >= 0) & (ev.status[np.maximum(last, 0)] == STATUS_CODES["solved"])
            turned = done_flag & ~ev.previous(done_flag)
            done_start = ev.last_index(turned)
        elif metric == "speed_of_answer":
            opens = ev.is_kind("call_offered")
            abandoned = ev.is_kind("call_abandoned")
            closes = ev.is_kind("call_answered") | abandoned
            close_outcome[abandoned] = _ABANDONED
        else:  # callback_time
            opens = ev.is_kind("callback_requested")
            closes = ev.is_kind("callback_made")
        if metric in ("first_response", "next_response", "periodic_update"):
            fulfils = np.array([t.solve_fulfils for t in targets])[tsafe]
            by_status = solved_or_closed & ~qualifying
            close_outcome[by_status & ~fulfils] = _CANCELLED
        opens = opens & has
        closes = closes & has
        pauses = np.zeros((len(targets), 9), dtype=bool)
        for t, target in enumerate(targets):
            for s in target.pause_statuses:
                pauses[t, STATUS_CODES[s]] = True
        run = ~pauses[tsafe, ev.status_after]
        if done_flag is not None:
            run &= ~done_flag
        thresholds, kinds = _mark_table(profiles, metric)
        # Only contacts where the metric ever opens matter (calls for speed of answer...).
        opened = np.cumsum(opens, dtype=np.int64)
        keep = opened[ev.group_end - 1] > opened[ev.group_start] - opens[ev.group_start]
        index = np.flatnonzero(keep)
        if not len(index):
            continue
        sub = ev if len(index) > 0.7 * ev.n else ev.subset(keep, index)
        if sub is not ev:
            opens, closes, close_outcome, run = (
                opens[index],
                closes[index],
                close_outcome[index],
                run[index],
            )
            tid = tid[index]
            if done_flag is not None and done_start is not None:
                done_flag = done_flag[index]
                shifted = np.cumsum(keep, dtype=np.int64) - 1
                done_start = np.where(done_start[index] >= 0, shifted[done_start[index]], -1)
        part = _metric_cycles(
            sub, opens, closes, close_outcome, run, done_flag, done_start, tid, targets,
            (thresholds, kinds, row_profile if sub is ev else row_profile[index]), as_of,
        )  # fmt: skip
        if part is None:
            continue
        rows = part.pop("row")
        if sub is not ev:
            rows = index[rows]
        part["contact"] = row_contact[rows]
        part["open_row"] = rows
        part["profile"] = row_profile[rows]
        part["metric"] = np.full(len(rows), code, dtype=np.int8)
        out.parts.append(part)
    return out.columns()


def _metric_cycles(
    ev: _Events,
    opens: Bools,
    closes: Bools,
    close_outcome: npt.NDArray[np.int8],
    run: Bools,
    done_flag: Bools | None,
    done_start: Ints | None,
    tid: Ints,
    targets: list[MetricTarget],
    marks: tuple[Ints, npt.NDArray[np.int8], Ints],
    as_of: int,
) -> dict[str, Any] | None:
    mark_thresholds, mark_kinds, row_profile = marks
    acting = ev.last_index(opens | closes)
    active_after = (acting >= 0) & opens[np.maximum(acting, 0)]
    starts = opens & (closes | ~ev.previous(active_after))
    start_rows = np.flatnonzero(starts)
    count = len(start_rows)
    if count == 0:
        return None
    cycle_of_row = np.cumsum(starts, dtype=np.int64) - 1
    end_rows = ev.next_index(closes)[start_rows]
    stopped = end_rows >= 0
    at = ev.at
    stop = np.where(stopped, at[np.maximum(end_rows, 0)], NULL)
    outcome = np.where(stopped, close_outcome[np.maximum(end_rows, 0)], -1)
    finished = stop.copy()
    if done_flag is not None and done_start is not None:
        last_row = ev.group_end[start_rows] - 1
        solved = ~stopped & done_flag[last_row]
        finished[solved] = at[done_start[last_row[solved]]]
    has_finished = finished != NULL

    # Running segments: a run of unpaused rows inside a cycle, to the next pause or close.
    seg_mask = active_after & run & (starts | ~ev.previous(run))
    seg_rows = np.flatnonzero(seg_mask)
    seg_end = ev.next_index(~run | closes)[seg_rows]
    seg_cycle = cycle_of_row[seg_rows]
    closed = seg_end >= 0
    calendars = [clock_calendar(t.calendar) for t in targets]
    distinct = list({id(c): c for c in calendars}.values())
    distinct_pos = {id(c): i for i, c in enumerate(distinct)}
    cal_of_target = np.array([distinct_pos[id(c)] for c in calendars], dtype=np.int64)
    cycle_tid = tid[start_rows]
    cycle_cal = cal_of_target[cycle_tid]

    c_rows, c_cycle = seg_rows[closed], seg_cycle[closed]
    c_a, c_b = at[c_rows], at[seg_end[closed]]
    c_seconds = _by_calendar(distinct, cycle_cal[c_cycle], c_a, c_b, add=False)
    reach = np.cumsum(c_seconds, dtype=np.int64)
    before = np.concatenate(([0], reach))
    lo = np.searchsorted(c_cycle, np.arange(count), side="left")
    hi = np.searchsorted(c_cycle, np.arange(count), side="right")
    used_closed = before[hi] - before[lo]

    o_cycle = seg_cycle[~closed]
    run_from = np.full(count, NULL, dtype=np.int64)
    run_from[o_cycle] = at[seg_rows[~closed]]
    running = run_from != NULL
    open_seconds = np.zeros(count, dtype=np.int64)
    open_seconds[o_cycle] = _by_calendar(
        distinct, cycle_cal[o_cycle], run_from[o_cycle], np.full(len(o_cycle), as_of), add=False
    )
    used = used_closed + open_seconds

    # The deadline a clock heads for: from its open segment, or from the last segment
    # when that one ended at the stop ("stopped while running").
    last_seg = np.maximum(hi - 1, 0)
    ends_at_stop = (hi > lo) & has_finished
    if len(c_b):
        ends_at_stop &= c_b[np.minimum(last_seg, len(c_b) - 1)] == finished
    else:
        ends_at_stop[:] = False
    anchor = np.where(running, run_from, NULL)
    anchor_used = np.where(running, used_closed, 0)
    take = ~running & ends_at_stop
    anchor[take] = c_a[last_seg[take]]
    anchor_used[take] = before[last_seg[take]] - before[lo[take]]
    has_anchor = anchor != NULL

    profile = row_profile[start_rows]
    thresholds, kinds = mark_thresholds[profile], mark_kinds[profile]
    width = thresholds.shape[1]
    start = at[start_rows]
    crossing = np.full((count, width), NULL, dtype=np.int64)
    queries: list[tuple[Ints, int, Ints, Ints]] = []
    for k in range(width):
        m = thresholds[:, k]
        present = m >= 0
        crossing[m == _IMMEDIATE, k] = start[m == _IMMEDIATE]
        idx = np.maximum(np.searchsorted(reach, before[lo] + np.maximum(m, 0), side="left"), lo)
        crossed = present & (idx < hi)
        safe = np.minimum(idx, max(len(c_a) - 1, 0))
        base = np.where(crossed, c_a[safe] if len(c_a) else 0, anchor)
        d = np.where(crossed, m - (before[safe] - before[lo]), m - anchor_used)
        want = np.flatnonzero(present & (crossed | has_anchor))
        queries.append((want, k, base[want], d[want]))
    if queries:
        which = np.concatenate([q[0] for q in queries])
        placed = _by_calendar(
            distinct,
            cycle_cal[which],
            np.concatenate([q[2] for q in queries]),
            np.concatenate([q[3] for q in queries]),
            add=True,
        )
        pos = 0
        for want, k, _, _ in queries:
            crossing[want, k] = placed[pos : pos + len(want)]
            pos += len(want)

    breach_col = np.argmax(kinds == _BREACH, axis=1)
    due = crossing[np.arange(count), breach_col]
    has_due = due != NULL
    status = np.where(running, _ACTIVE, _PAUSED)
    status = np.where(has_due & (as_of > due), _BREACHED, status)
    late = has_due & (finished > due)
    status = np.where(has_finished, np.where(late, _BREACHED, _MET), status)
    status = np.where(outcome == _CANCELLED, _CANCELLED, status)
    status = np.where(outcome == _ABANDONED, _ABANDONED, status)
    breached = status == _BREACHED
    end = np.where(has_finished, finished, as_of)

    warnings = np.zeros(count, dtype=np.int64)
    escalations = np.zeros(count, dtype=np.int64)
    upcoming = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    for k in range(width):
        t = crossing[:, k]
        known = t != NULL
        kind = kinds[:, k]
        fired = known & (t <= as_of) & (~has_finished | (t < end))
        warnings += fired & (kind == _WARNING)
        escalations += fired & (kind == _ESCALATION)
        when = np.where(kind == _BREACH, t + 1, t)
        soon = known & (when > as_of)
        upcoming = np.where(soon & (when < upcoming), when, upcoming)
    watched = ~has_finished & ((status == _ACTIVE) | breached)
    next_at = np.where(watched & (upcoming != np.iinfo(np.int64).max), upcoming, NULL)

    total = np.array([t.seconds for t in targets], dtype=np.int64)[cycle_tid]
    divisor = np.gcd(used, total)
    # Cycle numbers count per contact: starts so far minus those before the contact.
    number = cycle_of_row[start_rows] + 1
    group_first = ev.group_start[start_rows]
    number -= cycle_of_row[group_first] + 1 - starts[group_first]
    return {
        "row": start_rows,
        "cycle": number,
        "status": status.astype(np.int8),
        "start": start,
        "due": due,
        "stop": finished,
        "breach_at": np.where(breached, due, NULL),
        "target_seconds": total,
        "elapsed_seconds": used,
        "remaining_seconds": np.maximum(total - used, 0),
        "overdue_seconds": np.maximum(used - total, 0),
        "calendar_seconds": np.maximum(end - start, 0),
        "fraction_numerator": used // divisor,
        "fraction_denominator": total // divisor,
        "warnings_fired": warnings,
        "escalations_fired": escalations,
        "next_event_at": next_at,
    }


def _mark_table(profiles: Sequence[Profile], metric: str) -> tuple[Ints, npt.NDArray[np.int8]]:
    """Per profile: mark thresholds (-1 immediate, -2 absent) and kinds, padded to one width."""
    rows: list[list[tuple[int, int]]] = []
    for profile in profiles:
        target = profile.targets.get(metric)
        if target is None:
            rows.append([])
            continue
        marks, _ = _marks(target, profile.priority)
        kinds = {"warning": _WARNING, "escalation": _ESCALATION, "breach": _BREACH}
        rows.append([(_IMMEDIATE if m is None else m, kinds[kind]) for m, kind, _ in marks])
    width = max(1, max(len(r) for r in rows))
    thresholds = np.full((len(profiles), width), _ABSENT, dtype=np.int64)
    kinds_out = np.full((len(profiles), width), -1, dtype=np.int8)
    for p, row in enumerate(rows):
        for k, (m, kind) in enumerate(row):
            thresholds[p, k] = m
            kinds_out[p, k] = kind
    return thresholds, kinds_out
