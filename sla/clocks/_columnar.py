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
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from sla.clocks._cycle_columns import mark_table, metric_cycles
from sla.clocks._event_columns import (
    ABANDONED,
    CANCELLED,
    MET,
    METRIC_ORDER,
    STATUS_CODES,
    Bools,
    EventColumns,
    Ints,
    Profile,
)
from sla.clocks._policy import MetricTarget

__all__ = ["evaluate_columns"]


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


def evaluate_columns(
    ev: EventColumns, row_profile: Ints, row_contact: Ints, profiles: Sequence[Profile], as_of: int
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
        close_outcome = np.full(ev.n, MET, dtype=np.int8)  # "done"
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
            close_outcome[abandoned] = ABANDONED
        else:  # callback_time
            opens = ev.is_kind("callback_requested")
            closes = ev.is_kind("callback_made")
        if metric in ("first_response", "next_response", "periodic_update"):
            fulfils = np.array([t.solve_fulfils for t in targets])[tsafe]
            by_status = solved_or_closed & ~qualifying
            close_outcome[by_status & ~fulfils] = CANCELLED
        opens = opens & has
        closes = closes & has
        pauses = np.zeros((len(targets), 9), dtype=bool)
        for t, target in enumerate(targets):
            for s in target.pause_statuses:
                pauses[t, STATUS_CODES[s]] = True
        run = ~pauses[tsafe, ev.status_after]
        if done_flag is not None:
            run &= ~done_flag
        thresholds, kinds = mark_table(profiles, metric)
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
        part = metric_cycles(
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
