"""Batch evaluation: a table of events for many contacts -> a table of metric cycles.

The table is read once into numpy columns (through Arrow, so pandas, polars
and pyarrow inputs cost one conversion), sorted and grouped by contact with
numpy, and each contact runs through the same state machine and the same
finishing step as :func:`sla.clocks.evaluate`, so batch and scalar results
agree exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sla._errors import ClockError, Problem
from sla.clocks._engine import _HANDLERS as handlers
from sla.clocks._engine import RANK, Policies, Tracker, finish
from sla.clocks._events import STATUSES, Contact, to_seconds
from sla.clocks._results import CycleResult, next_change

__all__ = ["CYCLE_TABLE_COLUMNS", "evaluate_table"]

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


def _to_arrow(table: Any) -> tuple[Any, str]:
    import pyarrow as pa

    if isinstance(table, pa.Table):
        return table, "arrow"
    module = type(table).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(table, preserve_index=False), "pandas"
    if module == "polars":
        return table.to_arrow(), "polars"
    raise ClockError(
        f"expected a pandas, polars or pyarrow table, got {type(table).__name__}", field="events"
    )


def _seconds_column(column: Any) -> npt.NDArray[np.int64]:
    import pyarrow as pa

    kind = column.type
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            raise ClockError("timestamps have no time zone; use aware timestamps", field="at")
        per_second = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[kind.unit]
        raw = column.cast(pa.int64()).to_numpy(zero_copy_only=False)
        seconds: npt.NDArray[np.int64] = np.floor_divide(raw, per_second).astype(np.int64)
        return seconds
    if pa.types.is_integer(kind):
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.int64)
    raise ClockError(f"expected int64 epoch seconds or aware timestamps, got {kind}", field="at")


def _codes(column: Any) -> tuple[npt.NDArray[np.int64], list[Any]]:
    """Dictionary codes in sorted order of the values (nulls first, code 0)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_null(column.type):
        return np.zeros(len(column), dtype=np.int64), [None]
    encoded = pc.dictionary_encode(column)
    values = encoded.dictionary.to_pylist()
    order = sorted(range(len(values)), key=lambda i: str(values[i]))
    rank = np.empty(len(values) + 1, dtype=np.int64)
    rank[0] = 0
    rank[np.asarray(order, dtype=np.int64) + 1] = np.arange(1, len(values) + 1)
    indices = encoded.indices.fill_null(-1) if encoded.null_count else encoded.indices
    raw = np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64) + 1
    return rank[raw], [None] + [values[i] for i in order]


def _optional(table: Any, name: str, size: int) -> Any:
    import pyarrow as pa

    if name in table.column_names:
        return table.column(name)
    return pa.nulls(size, pa.string())


def _flags(table: Any, name: str, default: bool) -> npt.NDArray[np.bool_]:
    if name not in table.column_names:
        return np.full(table.num_rows, default)
    column = table.column(name).fill_null(default)
    return np.asarray(column.to_numpy(zero_copy_only=False), dtype=np.bool_)


def evaluate_table(
    events: Any,
    policy: Policies,
    *,
    as_of: Any,
    output: str | None = None,
) -> Any:
    """Evaluate every contact in a table of events (one row per event) as of ``as_of``.

    ``events`` is a pandas or polars DataFrame or a pyarrow Table shaped like
    :data:`~sla.clocks.EVENT_TABLE_SCHEMA`; rows after ``as_of`` are ignored.
    Returns one row per metric cycle with :data:`CYCLE_TABLE_COLUMNS`, as the
    same kind of table as the input (or ``output="pandas" | "polars" |
    "arrow"``). Each row equals what :func:`~sla.clocks.evaluate` reports.
    """
    import pyarrow as pa

    table, kind_of_input = _to_arrow(events)
    missing = [c for c in ("contact_id", "at", "kind") if c not in table.column_names]
    if missing:
        raise ClockError.from_problems(
            [Problem(c, "required column missing") for c in missing], what="event table"
        )
    cut = to_seconds(as_of, field="as_of")
    n = table.num_rows
    at = _seconds_column(table.column("at"))
    contact, contact_values = _codes(table.column("contact_id"))
    kind, kind_values = _codes(table.column("kind"))
    unknown = sorted(str(k) for k in kind_values[1:] if k not in RANK)
    if unknown or np.any(kind == 0):
        raise ClockError(f"unknown event kinds {unknown or [None]}", field="kind")
    status, status_values = _codes(_optional(table, "status", n))
    bad = sorted(str(s) for s in status_values[1:] if s not in STATUSES)
    if bad:
        raise ClockError(f"unknown statuses {bad}", field="status")
    value, value_values = _codes(_optional(table, "value", n))
    public = _flags(table, "public", True)
    by_bot = _flags(table, "by_bot", False)
    rank_of_kind = np.asarray([0] + [RANK[str(k)] for k in kind_values[1:]], dtype=np.int64)
    rank = rank_of_kind[kind]

    keep = at <= cut
    # The scalar engine's canonical order: second, kind rank, then the event's fields.
    order = np.lexsort((by_bot, ~public, value, status, kind, rank, at, contact))
    order = order[keep[order]]
    attrs_columns = {
        name: _codes(_optional(table, name, n)) for name in ("channel", "priority", "tier")
    }
    rows = _Columns()
    sorted_contact = contact[order]
    bounds = np.flatnonzero(np.diff(sorted_contact)) + 1
    starts = np.concatenate(([0], bounds)) if len(order) else np.zeros(0, dtype=np.int64)
    ends = np.concatenate((bounds, [len(order)])) if len(order) else starts
    at_l = at[order].tolist()
    kind_l = [kind_values[k] for k in kind[order].tolist()]
    status_l = [status_values[s] for s in status[order].tolist()]
    value_l = [value_values[v] for v in value[order].tolist()]
    public_l = public[order].tolist()
    bot_l = by_bot[order].tolist()
    info = {name: (codes[order], values) for name, (codes, values) in attrs_columns.items()}
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        first = lo
        for i in range(lo, hi):
            if kind_l[i] == "created":
                first = i
                break
        fields = {name: values[codes[first]] for name, (codes, values) in info.items()}
        person = Contact(
            str(contact_values[sorted_contact[lo]]),
            channel=fields["channel"] or "email",
            priority=fields["priority"] or "normal",
            tier=fields["tier"],
        )
        tracker = Tracker(person, policy)
        for i in range(lo, hi):
            row = _Row(at_l[i], kind_l[i], status_l[i], public_l[i], bot_l[i], value_l[i])
            handlers[row.kind](tracker, row)
        for cycle in tracker.cycles:
            rows.add(finish(tracker, cycle, cut), cut)
    result = pa.table(rows.columns())
    wanted = output or kind_of_input
    if wanted == "pandas":
        return result.to_pandas()
    if wanted == "polars":
        import polars as pl

        return pl.from_arrow(result)
    return result


class _Columns:
    """Cycle results gathered row-wise, turned into Arrow columns at the end."""

    def __init__(self) -> None:
        self.rows: list[CycleResult] = []
        self.next: list[int | None] = []

    def add(self, c: CycleResult, as_of: int) -> None:
        self.rows.append(c)
        self.next.append(next_change(c, as_of))

    def columns(self) -> dict[str, Any]:
        import pyarrow as pa

        rows = self.rows
        fields = CycleResult._fields
        by_field = dict(zip(fields, zip(*rows, strict=True), strict=True)) if rows else {}

        def take(name: str) -> list[Any]:
            return list(by_field.get(name, ()))

        def fired(kind: str) -> list[int]:
            return [sum(1 for n in c.notifications if n.kind == kind and n.fired) for c in rows]

        text = {"contact_id", "metric", "status", "channel", "priority", "tier"}
        text |= {"policy_id", "policy_version", "tz"}
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
                data[name] = take(name)
        return {
            name: pa.array(values, pa.string() if name in text else pa.int64())
            for name, values in data.items()
        }
