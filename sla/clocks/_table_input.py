"""Reading an event table: pandas, polars or Arrow in, sorted numpy columns out.

The table is read once into numpy columns through Arrow (pandas and polars
inputs cost one conversion), its text columns dictionary-encoded and checked
(kinds, statuses), rows after ``as_of`` dropped, and the rest sorted by
contact and the engine's canonical event order with one ``argsort``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from sla import _frames as frames
from sla._errors import ClockError, Problem
from sla.clocks._event_columns import KIND_CODES, STATUS_CODES, Ints
from sla.clocks._events import check_epoch_seconds

__all__ = ["EventTable", "optional_column", "to_arrow"]


def to_arrow(table: Any) -> tuple[Any, frames.FrameKind]:
    return frames.to_arrow(table, error=ClockError, field="events")


def _seconds_column(column: Any) -> Ints:
    import pyarrow as pa

    kind = column.type
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            raise ClockError("timestamps have no time zone; use aware timestamps", field="at")
        per_second = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[kind.unit]
        if column.null_count:
            raise ClockError("missing instants", field="at")
        raw = column.cast(pa.int64()).to_numpy()
        seconds: Ints = np.floor_divide(raw, per_second).astype(np.int64)
        return seconds
    if pa.types.is_integer(kind):
        if column.null_count:
            raise ClockError("missing instants", field="at")
        seconds = np.asarray(column.to_numpy(), dtype=np.int64)
        if len(seconds):
            # Epoch milliseconds (or finer) in an integer column: name the unit they look like.
            for extreme in (int(seconds.min()), int(seconds.max())):
                check_epoch_seconds(extreme, field="at")
        return seconds
    raise ClockError(f"expected int64 epoch seconds or aware timestamps, got {kind}", field="at")


def _dictionary(column: Any) -> tuple[Ints, list[Any]]:
    """Integer codes of a column (-1 for null) and the values they stand for."""
    codes, values = _encoded(column)
    return codes, [] if values is None else values.to_pylist()


def _encoded(column: Any) -> tuple[Ints, Any]:
    """Integer codes of a column (-1 for null) and the Arrow array of values (None: no values)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(column, pa.ChunkedArray):
        if pa.types.is_dictionary(column.type):
            column = column.unify_dictionaries()
            if column.num_chunks == 0:
                return np.zeros(0, dtype=np.int64), None
            values = column.chunk(0).dictionary
            indices = pa.chunked_array([c.indices for c in column.chunks], column.type.index_type)
            codes = pc.fill_null(indices, -1).to_numpy()
            return np.asarray(codes, dtype=np.int64), values
        column = column.combine_chunks()
    if pa.types.is_null(column.type):
        return np.full(len(column), -1, dtype=np.int64), None
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return np.asarray(codes, dtype=np.int64), encoded.dictionary


def optional_column(table: Any, name: str) -> tuple[Ints, list[Any]]:
    if name in table.column_names:
        return _dictionary(table.column(name))
    return np.full(table.num_rows, -1, dtype=np.int64), []


def _flags(table: Any, name: str, default: bool) -> npt.NDArray[np.bool_]:
    if name not in table.column_names:
        return np.full(table.num_rows, default)
    import pyarrow as pa

    column = table.column(name)
    kind = column.type
    if pa.types.is_null(kind):
        return np.full(table.num_rows, default)
    if pa.types.is_integer(kind):  # 0 / 1, as SQL databases store booleans
        numbers: Ints = np.asarray(column.fill_null(int(default)).to_numpy(), dtype=np.int64)
        flags: npt.NDArray[np.bool_] = numbers != 0
        return flags
    if not pa.types.is_boolean(kind):
        raise ClockError(f"expected booleans (or 0 / 1), got {kind}", field=name)
    return np.asarray(column.fill_null(default).to_numpy(), dtype=np.bool_)


def _lookup(values: list[Any], mapping: dict[str, int], field: str, null: int | None) -> Ints:
    """Codes of ``values`` in ``mapping`` (index -1, the null code, maps to ``null``)."""
    unknown = sorted(str(v) for v in values if v not in mapping)
    if unknown:
        raise ClockError(f"unknown {field} values {unknown}", field=field)
    return np.array([mapping[v] for v in values] + [-1 if null is None else null], np.int64)


class EventTable:
    """The event table as sorted numpy columns, grouped by contact."""

    def __init__(self, table: Any, cut: int) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        missing = [c for c in ("contact_id", "at", "kind") if c not in table.column_names]
        if missing:
            raise ClockError.from_problems(
                [Problem(c, "required column missing") for c in missing], what="event table"
            )
        at = _seconds_column(table.column("at"))
        contact, ids = _encoded(table.column("contact_id"))
        if ids is not None and not pa.types.is_string(ids.type):
            ids = pc.cast(ids, pa.string())
        self.contact_ids = ids
        if np.any(contact < 0):
            raise ClockError("missing contact ids", field="contact_id")
        kind_codes, kind_values = _dictionary(table.column("kind"))
        kind = _lookup(kind_values, KIND_CODES, "kind", None)[kind_codes]
        if np.any(kind < 0):
            raise ClockError("unknown event kinds [None]", field="kind")
        status_codes, status_values = optional_column(table, "status")
        status = _lookup(status_values, STATUS_CODES, "status", 0)[status_codes]
        if np.any((kind == KIND_CODES["status"]) & (status == 0)):
            raise ClockError("a status event without a status", field="status")
        public = _flags(table, "public", True)
        by_bot = _flags(table, "by_bot", False)
        value_codes, value_values = optional_column(table, "value")
        changes = (kind == KIND_CODES["priority_change"]) | (kind == KIND_CODES["tier_change"])
        if np.any(changes & (value_codes < 0)):
            raise ClockError(
                "a priority_change or tier_change event without the new value", field="value"
            )

        keep = np.flatnonzero(at <= cut)
        at, contact, kind, status = at[keep], contact[keep], kind[keep], status[keep]
        public, by_bot = public[keep], by_bot[keep]
        # The engine's canonical order within a contact: second, kind, status, flags.
        # Value text breaks ties too: two priority changes in one second apply in that order.
        texts = ["" if v is None else str(v) for v in value_values]
        rank = np.empty(len(texts) + 1, dtype=np.int64)
        rank[np.argsort(np.array([*texts, ""], dtype=object), kind="stable")] = np.arange(
            len(texts) + 1
        )
        value = rank[value_codes[keep]]
        tie = (((kind * 8 + status) * (len(texts) + 1) + value) * 2 + public) * 2 + by_bot
        order = _order(contact, at, tie)
        self.keep = keep[order]
        self.at = at[order]
        self.contact = contact[order]
        self.kind = kind[order].astype(np.int8)
        self.status = status[order].astype(np.int8)
        self.public = public[order]
        self.by_bot = by_bot[order]
        n = len(self.at)
        bounds = np.flatnonzero(np.diff(self.contact)) + 1
        self.starts: Ints = np.concatenate(([0], bounds)).astype(np.int64) if n else bounds
        self.ends: Ints = np.append(self.starts[1:], n).astype(np.int64)
        created = np.where(self.kind == KIND_CODES["created"], np.arange(n), n)
        firsts = np.minimum.reduceat(created, self.starts) if n else created
        # Contact attributes ride on the first `created` row (else the first row).
        self.attribute_row: Ints = np.where(firsts < self.ends, firsts, self.starts)
        self.table = table


def _order(contact: Ints, at: Ints, tie: Ints) -> Ints:
    """Row order by (contact, at, tie) with one integer key when it fits (usually sorted)."""
    n = len(at)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    low = int(at.min())
    span = int(at.max()) - low
    at_bits, contact_bits = max(span, 1).bit_length(), max(int(contact.max()), 1).bit_length()
    tie_bits = max(int(tie.max()), 1).bit_length()
    if at_bits + contact_bits + tie_bits <= 62:
        key = (contact << (at_bits + tie_bits)) | ((at - low) << tie_bits) | tie
        if bool(np.all(key[1:] >= key[:-1])):
            return np.arange(n, dtype=np.int64)
        return np.argsort(key, kind="stable").astype(np.int64)
    return np.lexsort((tie, at, contact)).astype(np.int64)
