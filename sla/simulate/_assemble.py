"""Assembling generated traffic into tables: the event blocks and the events/contacts tables.

:func:`~sla.simulate.generate` draws each contact's story as blocks of events
(one kind, many contacts) on an :class:`_Emitter`; the functions here sort
them into one events table in the schema of :mod:`sla.clocks` and build the
contacts table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from sla._types import Ints
from sla.simulate._table import Column, ColumnTable

if TYPE_CHECKING:
    from sla.simulate._traffic import TierTraffic


KINDS: Final = (
    "created", "customer_message", "agent_reply", "status", "priority_change", "tier_change",
    "call_offered", "call_answered", "call_abandoned", "callback_requested", "callback_made",
    "assigned",
)  # fmt: skip
STATUSES: Final = ("new", "open", "pending", "on_hold", "solved", "closed", "reopened")
_K = {k: i for i, k in enumerate(KINDS)}
_S = {s: i for i, s in enumerate(STATUSES)}


class _Emitter:
    """Collects event blocks: (contact rows, times, kind, status, by_bot, public, order)."""

    def __init__(self) -> None:
        self.blocks: list[tuple[Ints, Ints, int, int, bool, bool, int]] = []

    def emit(
        self, rows: Ints, at: Ints, kind: str, *, status: str | None = None,
        by_bot: bool = False, public: bool = True, order: int,
    ) -> None:  # fmt: skip
        if len(rows):
            code = -1 if status is None else _S[status]
            self.blocks.append((rows, at, _K[kind], code, by_bot, public, order))


def _categorical(values: npt.NDArray[Any]) -> Column:
    categories, codes = np.unique(values.astype(str), return_inverse=True)
    return Column(codes.astype(np.int16), tuple(str(c) for c in categories))


def _events_table(
    out: _Emitter, channel: Any, priority: Any, customer: Any, tier_idx: Ints,
    tiers: list[TierTraffic], rng: np.random.Generator,
) -> ColumnTable:  # fmt: skip
    rows = np.concatenate([b[0] for b in out.blocks])
    at = np.concatenate([b[1] for b in out.blocks]).astype(np.int64)
    kind = np.concatenate([np.full(len(b[0]), b[2], dtype=np.int16) for b in out.blocks])
    status = np.concatenate([np.full(len(b[0]), b[3], dtype=np.int16) for b in out.blocks])
    by_bot = np.concatenate([np.full(len(b[0]), b[4]) for b in out.blocks])
    public = np.concatenate([np.full(len(b[0]), b[5]) for b in out.blocks])
    seq = np.concatenate([np.full(len(b[0]), b[6], dtype=np.int16) for b in out.blocks])
    # Events of one contact in time order; equal instants keep their story order.
    order = np.lexsort((seq, at, rows))
    rows, at, kind, status = rows[order], at[order], kind[order], status[order]
    by_bot, public = by_bot[order], public[order]
    created = kind == _K["created"]
    channel_col, priority_col = _categorical(channel), _categorical(priority)
    tier_col = Column(tier_idx.astype(np.int16), tuple(t.tier for t in tiers))

    # Contact attributes ride on the `created` row only, as the schema says.
    def on_created(col: Column) -> Column:
        return Column(np.where(created, col.values[rows], -1).astype(np.int16), col.categories)

    # A priority change escalates to the next more urgent priority.
    value = np.full(len(rows), -1, dtype=np.int16)
    changed = kind == _K["priority_change"]
    ladder = ("urgent", "urgent", "high", "normal")
    current = priority[rows[changed]]
    priorities = tuple(sorted(set(ladder)))
    lookup = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
    value[changed] = [priorities.index(ladder[lookup.get(p, 2)]) for p in current]
    del rng
    return ColumnTable(
        {
            "contact_id": Column(rows.astype(np.int64)),
            "at": Column(at),
            "kind": Column(kind, KINDS),
            "channel": on_created(channel_col),
            "priority": on_created(priority_col),
            "tier": on_created(tier_col),
            "customer": on_created(_categorical(customer)),
            "status": Column(status, STATUSES),
            "public": Column(public.astype(bool)),
            "by_bot": Column(by_bot.astype(bool)),
            "value": Column(value, priorities),
        }
    )


def _contacts_table(
    arrival: Ints, channel: Any, priority: Any, customer: Any, tier_idx: Ints,
    tiers: list[TierTraffic], handle: Ints, bot_solved: Any, abandoned: Any, request: Ints,
) -> ColumnTable:  # fmt: skip
    return ColumnTable(
        {
            "contact_id": Column(np.arange(len(arrival), dtype=np.int64)),
            "created": Column(arrival),
            "tier": Column(tier_idx.astype(np.int16), tuple(t.tier for t in tiers)),
            "channel": _categorical(channel),
            "priority": _categorical(priority),
            "customer": _categorical(customer),
            "handle_seconds": Column(handle),
            "bot_resolved": Column(np.asarray(bot_solved, dtype=bool)),
            "abandoned": Column(np.asarray(abandoned, dtype=bool)),
            # The request a contact is a leg of: a callback shares its call's request_id.
            "request_id": Column(np.asarray(request, dtype=np.int64)),
        }
    )
