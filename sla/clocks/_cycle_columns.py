"""The cycles of one metric, as columns: segments, deadlines, marks and statuses.

Given which rows open and close a metric's cycles and which rows leave its
clock running, :func:`metric_cycles` finds every cycle, its running segments
(business seconds from one ``elapsed_many`` call per calendar), where its
warnings, escalations and deadline fall (``searchsorted`` on the cumulative
running seconds, placed with one ``add_many`` call per calendar, from exactly
the (anchor, seconds) pairs the scalar engine uses), and its status.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sla.clocks._calendars import clock_calendar
from sla.clocks._event_columns import (
    ABANDONED,
    ABSENT,
    ACTIVE,
    BREACH,
    BREACHED,
    CANCELLED,
    ESCALATION,
    IMMEDIATE,
    MET,
    NULL,
    PAUSED,
    WARNING,
    Bools,
    EventColumns,
    Ints,
    Profile,
)
from sla.clocks._policy import MetricTarget
from sla.clocks._rules import marks as target_marks

__all__ = ["by_calendar", "mark_table", "metric_cycles"]


def by_calendar(cals: list[Any], which: Ints, a: Ints, b: Ints, *, add: bool) -> Ints:
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


def metric_cycles(
    ev: EventColumns,
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
    if done_flag is not None and done_start is not None:
        # Closed while solved: resolution was fulfilled at the solve, not at the close.
        end_safe = np.maximum(end_rows, 0)
        after_solve = stopped & done_flag[end_safe]
        stop[after_solve] = at[done_start[end_safe[after_solve]]]
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
    c_seconds = by_calendar(distinct, cycle_cal[c_cycle], c_a, c_b, add=False)
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
    open_seconds[o_cycle] = by_calendar(
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
        crossing[m == IMMEDIATE, k] = start[m == IMMEDIATE]
        idx = np.maximum(np.searchsorted(reach, before[lo] + np.maximum(m, 0), side="left"), lo)
        crossed = present & (idx < hi)
        safe = np.minimum(idx, max(len(c_a) - 1, 0))
        base = np.where(crossed, c_a[safe] if len(c_a) else 0, anchor)
        d = np.where(crossed, m - (before[safe] - before[lo]), m - anchor_used)
        want = np.flatnonzero(present & (crossed | has_anchor))
        queries.append((want, k, base[want], d[want]))
    if queries:
        which = np.concatenate([q[0] for q in queries])
        placed = by_calendar(
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

    breach_col = np.argmax(kinds == BREACH, axis=1)
    due = crossing[np.arange(count), breach_col]
    has_due = due != NULL
    status = np.where(running, ACTIVE, PAUSED)
    status = np.where(has_due & (as_of > due), BREACHED, status)
    late = has_due & (finished > due)
    status = np.where(has_finished, np.where(late, BREACHED, MET), status)
    # Cancelled (solved unanswered, or a change dropped the target) after the deadline
    # passed: the breach happened and stays.
    status = np.where(outcome == CANCELLED, np.where(late, BREACHED, CANCELLED), status)
    status = np.where(outcome == ABANDONED, ABANDONED, status)
    breached = status == BREACHED
    end = np.where(has_finished, finished, as_of)

    warnings = np.zeros(count, dtype=np.int64)
    escalations = np.zeros(count, dtype=np.int64)
    upcoming = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    for k in range(width):
        t = crossing[:, k]
        known = t != NULL
        kind = kinds[:, k]
        fired = known & (t <= as_of) & (~has_finished | (t < end))
        warnings += fired & (kind == WARNING)
        escalations += fired & (kind == ESCALATION)
        when = np.where(kind == BREACH, t + 1, t)
        soon = known & (when > as_of)
        upcoming = np.where(soon & (when < upcoming), when, upcoming)
    watched = ~has_finished & ((status == ACTIVE) | breached)
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


def mark_table(profiles: Sequence[Profile], metric: str) -> tuple[Ints, npt.NDArray[np.int8]]:
    """Per profile: mark thresholds (-1 immediate, -2 absent) and kinds, padded to one width."""
    rows: list[list[tuple[int, int]]] = []
    for profile in profiles:
        target = profile.targets.get(metric)
        if target is None:
            rows.append([])
            continue
        marks, _ = target_marks(target, profile.priority)
        kinds = {"warning": WARNING, "escalation": ESCALATION, "breach": BREACH}
        rows.append([(IMMEDIATE if m is None else m, kinds[kind]) for m, kind, _ in marks])
    width = max(1, max(len(r) for r in rows))
    thresholds = np.full((len(profiles), width), ABSENT, dtype=np.int64)
    kinds_out = np.full((len(profiles), width), -1, dtype=np.int8)
    for p, row in enumerate(rows):
        for k, (m, kind) in enumerate(row):
            thresholds[p, k] = m
            kinds_out[p, k] = kind
    return thresholds, kinds_out
