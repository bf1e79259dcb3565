"""The cycle table :func:`sla.clocks.evaluate_table` returns, assembled from parts.

The columnar engine and the scalar fallback each produce a :class:`Part`:
integer columns (``NULL`` for missing instants) and dictionary-coded text
columns for some contacts. :func:`assemble` puts the parts back in contact
order and builds one Arrow table.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from sla.clocks._event_columns import NULL, Ints
from sla.clocks._table_input import EventTable

__all__ = [
    "CYCLE_TABLE_COLUMNS",
    "NULLABLE_COLUMNS",
    "TEXT_COLUMNS",
    "Part",
    "assemble",
    "empty_table",
    "join",
]

#: Columns of the cycle table :func:`evaluate_table` returns (instants: int64 epoch seconds).
CYCLE_TABLE_COLUMNS = (
    "contact_id",
    "metric",
    "cycle",
    "status",
    "start",
    "due",
    "stop",
    "breach_at",
    "target_seconds",
    "elapsed_seconds",
    "remaining_seconds",
    "overdue_seconds",
    "calendar_seconds",
    "fraction_numerator",
    "fraction_denominator",
    "warnings_fired",
    "escalations_fired",
    "next_event_at",
    "channel",
    "priority",
    "tier",
    "policy_id",
    "policy_version",
    "tz",
)

TEXT_COLUMNS: Final = frozenset(
    {"contact_id", "metric", "status", "channel", "priority", "tier", "policy_id"}
    | {"policy_version", "tz"}
)

NULLABLE_COLUMNS: Final = frozenset({"due", "stop", "breach_at", "next_event_at"})


class Part:
    """Cycle rows of some contacts: int columns (``NULL`` = missing) and coded text columns."""

    def __init__(self, group: Ints) -> None:
        self.group = group
        self.ints: dict[str, Ints] = {}
        self.texts: dict[str, tuple[Ints, list[str | None]]] = {}


def assemble(read: EventTable, parts: list[Part]) -> Any:
    """One Arrow table of all parts, rows by contact (first appearance), then cycle order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [p for p in parts if len(p.group)]
    if not parts:
        return empty_table()
    group = np.concatenate([p.group for p in parts])
    order = None if len(parts) == 1 else np.argsort(group, kind="stable")
    data: dict[str, Any] = {}
    for name in CYCLE_TABLE_COLUMNS:
        if name == "contact_id":
            codes = read.contact[read.starts[group if order is None else group[order]]]
            data[name] = pc.take(read.contact_ids, pa.array(codes))
        elif name in TEXT_COLUMNS:
            values: list[str | None] = []
            chunks = []
            for part in parts:
                part_codes, part_values = part.texts[name]
                chunks.append(part_codes + len(values))
                values += part_values
            codes = join(chunks)
            if order is not None:
                codes = codes[order]
            data[name] = pc.take(pa.array(values, pa.string()), pa.array(codes))
        else:
            ints = join([p.ints.pop(name) for p in parts])
            if order is not None:
                ints = ints[order]
            mask = (ints == NULL) if name in NULLABLE_COLUMNS else None
            data[name] = pa.array(ints, pa.int64(), mask=mask)
            del ints
    return pa.table(data)


def join(arrays: list[Ints]) -> Ints:
    """``np.concatenate`` without the copy when there is only one array."""
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def empty_table() -> Any:
    import pyarrow as pa

    return pa.table(
        {
            n: pa.array([], pa.string() if n in TEXT_COLUMNS else pa.int64())
            for n in CYCLE_TABLE_COLUMNS
        }
    )
