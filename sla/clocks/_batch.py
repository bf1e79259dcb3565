"""Batch evaluation: a table of events for many contacts -> a table of metric cycles.

The table is read once into numpy columns through Arrow (pandas, polars and
pyarrow inputs cost one conversion), sorted by contact and the engine's
canonical event order with one ``argsort``, and evaluated by the columnar
engine of :mod:`sla.clocks._columnar` in chunks of whole contacts: no Python
loop runs per contact. Contacts whose priority or tier changes, and policies
that recompute cycles on retroactive calendar edits, go through the scalar
state machine instead (a vectorized mask picks them out); both paths give
exactly what :func:`sla.clocks.evaluate` gives.
"""

from __future__ import annotations

import itertools
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from sla._errors import ClockError, Problem
from sla.clocks._columnar import (
    KIND_CODES,
    METRIC_ORDER,
    NULL,
    OUTCOMES,
    STATUS_CODES,
    Profile,
    evaluate_columns,
    prepare,
)
from sla.clocks._engine import _HANDLERS as handlers
from sla.clocks._engine import Policies, Tracker, _tz_of, finish
from sla.clocks._events import Contact, to_seconds
from sla.clocks._policy import ClockPolicy
from sla.clocks._results import CycleResult, next_change

__all__ = ["CYCLE_TABLE_COLUMNS", "evaluate_arrow", "evaluate_table"]

Ints = npt.NDArray[np.int64]

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
_TEXT: Final = frozenset(
    {"contact_id", "metric", "status", "channel", "priority", "tier", "policy_id"}
    | {"policy_version", "tz"}
)
_NULLABLE: Final = frozenset({"due", "stop", "breach_at", "next_event_at"})
#: Rows per columnar chunk: bounds the working memory, whole contacts per chunk.
CHUNK_ROWS: Final = 1 << 21


def _to_arrow(table: Any) -> tuple[Any, str]:
    import pyarrow as pa

    if isinstance(table, pa.Table):
        return table, "arrow"
    if isinstance(table, pa.RecordBatch):
        return pa.Table.from_batches([table]), "arrow"
    module = type(table).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(table, preserve_index=False), "pandas"
    if module == "polars":
        return table.to_arrow(), "polars"
    raise ClockError(
        f"expected a pandas, polars or pyarrow table, got {type(table).__name__}", field="events"
    )


def _seconds_column(column: Any) -> Ints:
    import pyarrow as pa

    kind = column.type
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            raise ClockError("timestamps have no time zone; use aware timestamps", field="at")
        per_second = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[kind.unit]
        raw = column.cast(pa.int64()).to_numpy()
        seconds: Ints = np.floor_divide(raw, per_second).astype(np.int64)
        return seconds
    if pa.types.is_integer(kind):
        if column.null_count:
            raise ClockError("missing instants", field="at")
        return np.asarray(column.to_numpy(), dtype=np.int64)
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


def _optional(table: Any, name: str) -> tuple[Ints, list[Any]]:
    if name in table.column_names:
        return _dictionary(table.column(name))
    return np.full(table.num_rows, -1, dtype=np.int64), []


def _flags(table: Any, name: str, default: bool) -> npt.NDArray[np.bool_]:
    if name not in table.column_names:
        return np.full(table.num_rows, default)
    column = table.column(name).fill_null(default)
    return np.asarray(column.to_numpy(), dtype=np.bool_)


def _lookup(values: list[Any], mapping: dict[str, int], field: str, null: int | None) -> Ints:
    """Codes of ``values`` in ``mapping`` (index -1, the null code, maps to ``null``)."""
    unknown = sorted(str(v) for v in values if v not in mapping)
    if unknown:
        raise ClockError(f"unknown {field} values {unknown}", field=field)
    return np.array([mapping[v] for v in values] + [-1 if null is None else null], np.int64)


class _Read:
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
        status_codes, status_values = _optional(table, "status")
        status = _lookup(status_values, STATUS_CODES, "status", 0)[status_codes]
        if np.any((kind == KIND_CODES["status"]) & (status == 0)):
            raise ClockError("a status event without a status", field="status")
        public = _flags(table, "public", True)
        by_bot = _flags(table, "by_bot", False)

        keep = np.flatnonzero(at <= cut)
        at, contact, kind, status = at[keep], contact[keep], kind[keep], status[keep]
        public, by_bot = public[keep], by_bot[keep]
        # The engine's canonical order within a contact: second, kind, status, flags.
        # Value text breaks ties too: two priority changes in one second apply in that order.
        value_codes, value_values = _optional(table, "value")
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


def evaluate_table(
    events: Any,
    policy: Policies,
    *,
    as_of: Any,
    output: str | None = None,
) -> Any:
    """Evaluate every contact in a table of events (one row per event) as of ``as_of``.

    ``events`` is a pandas or polars DataFrame, a pyarrow Table or RecordBatch
    shaped like :data:`~sla.clocks.EVENT_TABLE_SCHEMA`; rows after ``as_of``
    are ignored. Returns one row per metric cycle with
    :data:`CYCLE_TABLE_COLUMNS` (grouped by contact in order of first appearance,
    or dictionary order for a dictionary-encoded ``contact_id``; each contact's
    cycles in the order they opened), as the same kind of table as the input (or
    ``output="pandas" | "polars" | "arrow"``). Each row equals what
    :func:`~sla.clocks.evaluate` reports. Evaluation is columnar (numpy, no
    loop per contact) except for contacts with a priority or tier change and
    policies with ``calendar_edits="retroactive"``, which the scalar engine
    evaluates.
    """
    table, kind_of_input = _to_arrow(events)
    result = _evaluate(table, policy, to_seconds(as_of, field="as_of"), columnar=True)
    wanted = output or kind_of_input
    if wanted == "pandas":
        return result.to_pandas()
    if wanted == "polars":
        import polars as pl

        return pl.from_arrow(result)
    return result


def evaluate_arrow(events: Any, policy: Policies, *, as_of: Any) -> Any:
    """:func:`evaluate_table` on an Arrow ``RecordBatch`` or ``Table``; returns a ``pyarrow.Table``.

    Made to be mapped over partitions (``mapInArrow``, ``map_partitions``):
    pass each partition the events of whole contacts (partition by
    ``contact_id``); the result depends on nothing outside the partition.
    """
    table, _ = _to_arrow(events)
    return _evaluate(table, policy, to_seconds(as_of, field="as_of"), columnar=True)


def _evaluate(table: Any, policy: Policies, cut: int, *, columnar: bool) -> Any:
    read = _Read(table, cut)
    row_profile, profiles, fallback = _profiles(read, policy)
    if not columnar:
        fallback[:] = True
    rows_fallback = np.repeat(fallback, read.ends - read.starts)
    parts: list[_Part] = []
    if not fallback.all():
        parts.append(_columnar(read, ~rows_fallback, row_profile, profiles, cut))
    if fallback.any():
        parts.append(_scalar(read, rows_fallback, policy, cut))
    return _assemble(read, parts)


class _Part:
    """Cycle rows of some contacts: int columns (``NULL`` = missing) and coded text columns."""

    def __init__(self, group: Ints) -> None:
        self.group = group
        self.ints: dict[str, Ints] = {}
        self.texts: dict[str, tuple[Ints, list[str | None]]] = {}


def _assemble(read: _Read, parts: list[_Part]) -> Any:
    """One Arrow table of all parts, rows by contact (first appearance), then cycle order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [p for p in parts if len(p.group)]
    if not parts:
        return _empty()
    group = np.concatenate([p.group for p in parts])
    order = None if len(parts) == 1 else np.argsort(group, kind="stable")
    data: dict[str, Any] = {}
    for name in CYCLE_TABLE_COLUMNS:
        if name == "contact_id":
            codes = read.contact[read.starts[group if order is None else group[order]]]
            data[name] = pc.take(read.contact_ids, pa.array(codes))
        elif name in _TEXT:
            values: list[str | None] = []
            chunks = []
            for part in parts:
                part_codes, part_values = part.texts[name]
                chunks.append(part_codes + len(values))
                values += part_values
            codes = _join(chunks)
            if order is not None:
                codes = codes[order]
            data[name] = pc.take(pa.array(values, pa.string()), pa.array(codes))
        else:
            ints = _join([p.ints.pop(name) for p in parts])
            if order is not None:
                ints = ints[order]
            mask = (ints == NULL) if name in _NULLABLE else None
            data[name] = pa.array(ints, pa.int64(), mask=mask)
            del ints
    return pa.table(data)


def _join(arrays: list[Ints]) -> Ints:
    """``np.concatenate`` without the copy when there is only one array."""
    return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)


def _empty() -> Any:
    import pyarrow as pa

    return pa.table(
        {n: pa.array([], pa.string() if n in _TEXT else pa.int64()) for n in CYCLE_TABLE_COLUMNS}
    )


_NO_POLICY: Final = ClockPolicy([], policy_id="none")


def _profiles(read: _Read, policy: Policies) -> tuple[Ints, list[Profile], npt.NDArray[np.bool_]]:
    """Per row: the profile in force (policy, targets, attributes); per contact: whether it
    goes to the scalar engine (a tier change, a priority change that changes targets, no
    policy for its tier, or retroactive calendar edits)."""
    table, rows = read.table, read.keep[read.attribute_row]
    fields = {}
    key = np.zeros(len(rows), dtype=np.int64)
    for name in ("channel", "priority", "tier"):
        codes, values = _optional(table, name)
        fields[name] = [None, *values]
        key = key * (len(values) + 1) + codes[rows] + 1
    unique, profile_of_contact = np.unique(key, return_inverse=True)
    profiles: list[Profile] = []
    known: dict[tuple[str, str, str | None], int] = {}
    broken: list[bool] = []

    def profile(channel: str, priority: str, tier: str | None) -> int:
        found = known.get((channel, priority, tier))
        if found is not None:
            return found
        chosen = policy if isinstance(policy, ClockPolicy) else policy.get(tier)  # type: ignore[arg-type]
        bad = chosen is None or chosen.calendar_edits == "retroactive"
        if chosen is None or bad:
            chosen = _NO_POLICY  # the scalar engine recomputes (or names the missing policy)
        targets = chosen.targets_for(channel, priority)
        profiles.append(Profile(chosen, targets, priority, channel, tier))
        broken.append(bad)
        known[channel, priority, tier] = len(profiles) - 1
        return len(profiles) - 1

    base = np.empty(len(unique), dtype=np.int64)
    for p, k in enumerate(unique.tolist()):
        codes_of: dict[str, int] = {}
        for name in ("tier", "priority", "channel"):
            k, codes_of[name] = divmod(k, len(fields[name]))
        base[p] = profile(
            fields["channel"][codes_of["channel"]] or "email",
            fields["priority"][codes_of["priority"]] or "normal",
            fields["tier"][codes_of["tier"]],
        )
    contact_profile = base[profile_of_contact]
    sizes = read.ends - read.starts
    row_profile = np.repeat(contact_profile, sizes)
    unsafe = read.kind == KIND_CODES["tier_change"]
    # A priority change that keeps every target only changes the priority new cycles carry
    # (and which escalation levels apply to them): the columnar engine follows it.
    change = np.flatnonzero(read.kind == KIND_CODES["priority_change"])
    if len(change):
        value_codes, values = _optional(table, "value")
        new = value_codes[read.keep[change]]
        pairs, which = np.unique(row_profile[change] * (len(values) + 1) + new, return_inverse=True)
        effective = np.empty(len(pairs), dtype=np.int64)
        for i, pair in enumerate(pairs.tolist()):
            old, code = divmod(pair, len(values) + 1)
            now = profiles[old]
            effective[i] = profile(now.channel, str(values[code]), now.tier)
            if profiles[effective[i]].targets != now.targets:
                unsafe[change[which == i]] = True
        # Chained changes: a row's profile is that of its contact's latest change so far.
        row_profile[change] = effective[which]
        last = np.where(read.kind == KIND_CODES["priority_change"], np.arange(len(row_profile)), -1)
        np.maximum.accumulate(last, out=last)
        starts = np.repeat(read.starts, sizes)
        row_profile = np.where(last >= starts, row_profile[np.maximum(last, 0)], row_profile)
    bad_row = np.asarray(broken, dtype=bool)[row_profile] | unsafe
    fallback = np.add.reduceat(bad_row, read.starts) > 0 if len(bad_row) else bad_row
    return row_profile, profiles, fallback


def _columnar(
    read: _Read, rows: npt.NDArray[np.bool_], row_profile: Ints, profiles: list[Profile], cut: int
) -> _Part:
    """Cycles of the contacts whose rows are ``rows``, chunk by chunk of whole contacts."""
    index = np.flatnonzero(rows)
    contacts = np.flatnonzero(read.ends - read.starts > 0)
    contacts = contacts[rows[read.starts[contacts]]]
    sizes = read.ends[contacts] - read.starts[contacts]
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    cuts = [0]
    while cuts[-1] < len(contacts):
        target = bounds[cuts[-1]] + CHUNK_ROWS
        cuts.append(max(int(np.searchsorted(bounds, target, side="right")) - 1, cuts[-1] + 1))
    pieces = []
    for lo, hi in itertools.pairwise(cuts):
        mine = contacts[lo:hi]
        take = index[bounds[lo] : bounds[hi]]
        local = np.repeat(np.arange(len(mine)), sizes[lo:hi])
        group_start = (bounds[lo:hi] - bounds[lo])[local]
        group_end = (bounds[lo + 1 : hi + 1] - bounds[lo])[local]
        ev = prepare(
            read.at[take], read.kind[take], read.status[take], read.public[take],
            read.by_bot[take], group_start, group_end,
        )  # fmt: skip
        cols = evaluate_columns(ev, row_profile[take], local, profiles, cut)
        if not cols:
            continue
        order = np.lexsort((cols["metric"], cols["open_row"]))
        cols = {name: values[order] for name, values in cols.items()}
        cols["group"] = mine[cols.pop("contact")]
        pieces.append(cols)
    if not pieces:
        return _Part(np.zeros(0, dtype=np.int64))
    cols = {}
    for name in list(pieces[0]):  # column by column, freeing each chunk's copy at once
        cols[name] = _join([p.pop(name) for p in pieces])
    del pieces
    part = _Part(cols["group"])
    prof = cols["profile"]
    texts = part.texts
    texts["metric"] = (cols["metric"].astype(np.int64), list(METRIC_ORDER))
    texts["status"] = (cols["status"].astype(np.int64), list(OUTCOMES))
    for name in ("channel", "priority", "tier"):
        texts[name] = (prof, [getattr(p, name) for p in profiles])
    texts["policy_id"] = (prof, [p.policy.policy_id for p in profiles])
    texts["policy_version"] = (prof, [p.policy.version for p in profiles])
    texts["tz"] = (prof, [_tz_of(p.policy) for p in profiles])
    part.ints = {name: cols[name] for name in CYCLE_TABLE_COLUMNS if name not in _TEXT}
    return part


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


def _scalar(read: _Read, rows: npt.NDArray[np.bool_], policy: Policies, cut: int) -> _Part:
    """Cycles of the contacts whose rows are ``rows``, through the scalar state machine."""
    index = np.flatnonzero(rows)
    table = read.table
    value_codes, value_values = _optional(table, "value")
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
    attrs = {name: _optional(table, name) for name in ("channel", "priority", "tier")}
    group_of_code = {c: g for g, c in enumerate(read.contact[read.starts].tolist())}
    out = _Columns()
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
    part = _Part(np.asarray(groups, dtype=np.int64))
    for name, values in out.columns().items():
        if name == "contact_id":
            continue
        if name in _TEXT:
            dictionary = list(dict.fromkeys(values))
            lookup = {v: i for i, v in enumerate(dictionary)}
            part.texts[name] = (np.array([lookup[v] for v in values], dtype=np.int64), dictionary)
        else:
            filled = [NULL if v is None else v for v in values]
            part.ints[name] = np.array(filled, dtype=np.int64)
    return part


class _Columns:
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
