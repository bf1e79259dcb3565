"""The batch engine's scalar fallback: contacts the columnar engine does not cover.

Contacts with a tier change or a target-changing priority change, and
policies that recompute cycles on retroactive calendar edits, are replayed
through the scalar state machine of :mod:`sla.clocks._engine`, straight from
the sorted columns (no :class:`~sla.clocks.Event` validation: the reader has
checked the table), and their results coded as a :class:`Part`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sla.clocks._cycles import finish
from sla.clocks._engine import _HANDLERS as handlers
from sla.clocks._engine import Policies, Tracker
from sla.clocks._event_columns import KIND_CODES, NULL, STATUS_CODES
from sla.clocks._events import Contact
from sla.clocks._results import CycleResult, next_change
from sla.clocks._table_input import EventTable, optional_column
from sla.clocks._table_output import CYCLE_TABLE_COLUMNS, TEXT_COLUMNS, Part

__all__ = ["scalar_part"]


class _Row:
    """An event row seen by the state machine (duck-types :class:`Event`, no validation)."""

    __slots__ = ("at", "by_bot", "kind", "public", "status", "value")

    def __init__(
        self, at: int, kind: str, status: str | None, public: bool, by_bot: bool, value: str | None
    ) -> None:
        self.at = at
        self.kind = kind
        self.status = status
        self.public = public
        self.by_bot = by_bot
        self.value = value


_KIND_NAMES = sorted(KIND_CODES, key=KIND_CODES.__getitem__)
_STATUS_NAMES = [None, *sorted(STATUS_CODES, key=STATUS_CODES.__getitem__)]


def scalar_part(read: EventTable, rows: npt.NDArray[np.bool_], policy: Policies, cut: int) -> Part:
    """Cycles of the contacts whose rows are ``rows``, through the scalar state machine."""
    index = np.flatnonzero(rows)
    table = read.table
    value_codes, value_values = optional_column(table, "value")
    value = value_codes[read.keep[index]]
    # Full canonical order within a second also compares the value text.
    rank = np.argsort(np.argsort(np.array([str(v) for v in value_values] + [""], dtype=object)))
    value_rank = rank[value]
    order = np.lexsort(
        (read.by_bot[index], read.public[index], value_rank, read.status[index],
         read.kind[index], read.at[index], read.contact[index])
    )  # fmt: skip
    index = index[order]
    contact_l = read.contact[index].tolist()
    at_l = read.at[index].tolist()
    kind_l = [_KIND_NAMES[k] for k in read.kind[index].tolist()]
    status_l = [_STATUS_NAMES[s] for s in read.status[index].tolist()]
    value_l = [None if v < 0 else value_values[v] for v in value[order].tolist()]
    public_l = read.public[index].tolist()
    bot_l = read.by_bot[index].tolist()
    attrs = {name: optional_column(table, name) for name in ("channel", "priority", "tier")}
    group_of_code = {c: g for g, c in enumerate(read.contact[read.starts].tolist())}
    out = _Rows()
    groups: list[int] = []
    n = len(index)
    lo = 0
    while lo < n:
        hi = lo
        while hi < n and contact_l[hi] == contact_l[lo]:
            hi += 1
        group = group_of_code[contact_l[lo]]
        source = read.keep[read.attribute_row[group]]
        fields = {}
        for name, (codes, values) in attrs.items():
            code = int(codes[source])
            fields[name] = None if code < 0 else values[code]
        person = Contact(
            read.contact_ids[contact_l[lo]].as_py(),
            channel=fields["channel"] or "email",
            priority=fields["priority"] or "normal",
            tier=fields["tier"],
        )
        tracker = Tracker(person, policy)
        for i in range(lo, hi):
            row = _Row(at_l[i], kind_l[i], status_l[i], public_l[i], bot_l[i], value_l[i])
            handlers[row.kind](tracker, row)
        for cycle in tracker.cycles:
            out.add(finish(tracker, cycle, cut), cut)
            groups.append(group)
        lo = hi
    part = Part(np.asarray(groups, dtype=np.int64))
    for name, values in out.columns().items():
        if name == "contact_id":
            continue
        if name in TEXT_COLUMNS:
            dictionary = list(dict.fromkeys(values))
            lookup = {v: i for i, v in enumerate(dictionary)}
            part.texts[name] = (np.array([lookup[v] for v in values], dtype=np.int64), dictionary)
        else:
            filled = [NULL if v is None else v for v in values]
            part.ints[name] = np.array(filled, dtype=np.int64)
    return part


class _Rows:
    """Cycle results gathered row-wise, turned into Arrow columns at the end."""

    def __init__(self) -> None:
        self.rows: list[CycleResult] = []
        self.next: list[int | None] = []

    def add(self, c: CycleResult, as_of: int) -> None:
        self.rows.append(c)
        self.next.append(next_change(c, as_of))

    def columns(self) -> dict[str, list[Any]]:
        rows = self.rows
        fields = CycleResult._fields
        by_field = dict(zip(fields, zip(*rows, strict=True), strict=True)) if rows else {}

        def fired(kind: str) -> list[int]:
            return [sum(1 for n in c.notifications if n.kind == kind and n.fired) for c in rows]

        data: dict[str, list[Any]] = {}
        for name in CYCLE_TABLE_COLUMNS:
            if name == "fraction_numerator":
                data[name] = [c.fraction_used.numerator for c in rows]
            elif name == "fraction_denominator":
                data[name] = [c.fraction_used.denominator for c in rows]
            elif name == "warnings_fired":
                data[name] = fired("warning")
            elif name == "escalations_fired":
                data[name] = fired("escalation")
            elif name == "next_event_at":
                data[name] = self.next
            else:
                data[name] = list(by_field.get(name, ()))
        return data
