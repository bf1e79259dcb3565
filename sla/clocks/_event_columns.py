"""Sorted event columns of many contacts, and the codes the columnar engine shares.

Kinds, statuses, metrics and outcomes are small integers here so that the
columnar engine (:mod:`sla.clocks._columnar`) and the batch reader
(:mod:`sla.clocks._table_input`) agree on one numbering; :class:`EventColumns`
holds the events of whole contacts sorted by (contact, canonical order) with
the per-row state every metric needs (status after the row, first ``created``).
"""

from __future__ import annotations

from typing import Final

import attrs
import numpy as np
import numpy.typing as npt

from sla._types import Bools, Ints
from sla.clocks._engine import RANK
from sla.clocks._events import STATUSES
from sla.clocks._policy import ClockPolicy, MetricTarget

__all__ = [
    "ABANDONED",
    "ABSENT",
    "ACTIVE",
    "BREACH",
    "BREACHED",
    "CANCELLED",
    "ESCALATION",
    "IMMEDIATE",
    "KIND_CODES",
    "MET",
    "METRIC_ORDER",
    "NULL",
    "OUTCOMES",
    "PAUSED",
    "STATUS_CODES",
    "WARNING",
    "Bools",
    "EventColumns",
    "Ints",
    "Profile",
    "prepare",
]


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
ACTIVE, PAUSED, MET, BREACHED, CANCELLED, ABANDONED = range(6)
#: Mark kinds; a mark threshold of ABSENT pads a row, IMMEDIATE fires at the start.
WARNING, ESCALATION, BREACH = 0, 1, 2
ABSENT, IMMEDIATE = -2, -1


@attrs.frozen(slots=True)
class Profile:
    """What every contact with one (policy, channel, priority, tier) shares."""

    policy: ClockPolicy
    targets: dict[str, MetricTarget]
    priority: str
    channel: str
    tier: str | None


@attrs.define(slots=True)
class EventColumns:
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

    def subset(self, keep: Bools, index: Ints) -> EventColumns:
        """The rows ``index`` (= where ``keep``) of whole contacts, renumbered."""
        position = np.cumsum(keep, dtype=np.int64) - 1
        group_start = self.group_start[index]
        return EventColumns(
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
) -> EventColumns:
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
    return EventColumns(
        at, kind, status, public, by_bot, group_start, group_end, first, status_after,
        first_created,
    )  # fmt: skip
