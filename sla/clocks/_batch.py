"""Batch evaluation: a table of events for many contacts -> a table of metric cycles.

The table is read once into numpy columns through Arrow (pandas, polars and
pyarrow inputs cost one conversion), sorted by contact and the engine's
canonical event order with one ``argsort``, and evaluated by the columnar
engine of :mod:`sla.clocks._columnar` in chunks of whole contacts: no Python
loop runs per contact. Contacts whose priority or tier changes, and policies
that recompute cycles on retroactive calendar edits, go through the scalar
state machine instead (a vectorized mask picks them out); both paths give
exactly what :func:`sla.clocks.evaluate` gives.

This module routes contacts and chunks the work; reading the table lives in
:mod:`sla.clocks._table_input`, the columnar engine in
:mod:`sla.clocks._columnar`, the scalar fallback in
:mod:`sla.clocks._batch_scalar` and the output table in
:mod:`sla.clocks._table_output`.
"""

from __future__ import annotations

import itertools
from typing import Any, Final, Literal, overload

import numpy as np
import numpy.typing as npt

from sla._errors import ClockError
from sla._frames import from_arrow
from sla._types import ArrowData, ArrowTable, DataFrame, Instant, PandasFrame, PolarsFrame

# A module-level name, so the fallback can be observed (tests count who takes it).
from sla.clocks._batch_scalar import scalar_part as _scalar
from sla.clocks._columnar import evaluate_columns
from sla.clocks._engine import Policies
from sla.clocks._event_columns import (
    KIND_CODES,
    METRIC_ORDER,
    OUTCOMES,
    Ints,
    Profile,
    prepare,
)
from sla.clocks._events import CHANNELS, to_seconds
from sla.clocks._policy import ClockPolicy
from sla.clocks._rules import check_priority, marks, tz_of
from sla.clocks._table_input import EventTable, optional_column, to_arrow
from sla.clocks._table_output import (
    CYCLE_TABLE_COLUMNS,
    TEXT_COLUMNS,
    Part,
    assemble,
    join,
)

__all__ = ["CYCLE_TABLE_COLUMNS", "evaluate_arrow", "evaluate_table"]

#: Rows per columnar chunk: bounds the working memory, whole contacts per chunk.
CHUNK_ROWS: Final = 1 << 21


@overload
def evaluate_table(
    events: DataFrame, policy: Policies, *, as_of: Instant, output: None = None
) -> DataFrame: ...
@overload
def evaluate_table(
    events: DataFrame, policy: Policies, *, as_of: Instant, output: Literal["pandas"]
) -> PandasFrame: ...
@overload
def evaluate_table(
    events: DataFrame, policy: Policies, *, as_of: Instant, output: Literal["polars"]
) -> PolarsFrame: ...
@overload
def evaluate_table(
    events: DataFrame, policy: Policies, *, as_of: Instant, output: Literal["arrow"]
) -> ArrowTable: ...
def evaluate_table(
    events: DataFrame,
    policy: Policies,
    *,
    as_of: Instant,
    output: Literal["pandas", "polars", "arrow"] | None = None,
) -> DataFrame:
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
    table, kind_of_input = to_arrow(events)
    result = _evaluate(table, policy, to_seconds(as_of, field="as_of"), columnar=True)
    return from_arrow(result, output or kind_of_input)


def evaluate_arrow(events: ArrowData, policy: Policies, *, as_of: Instant) -> ArrowTable:
    """:func:`evaluate_table` on an Arrow ``RecordBatch`` or ``Table``; returns a ``pyarrow.Table``.

    Made to be mapped over partitions (``mapInArrow``, ``map_partitions``):
    pass each partition the events of whole contacts (partition by
    ``contact_id``); the result depends on nothing outside the partition.
    """
    table, _ = to_arrow(events)
    return _evaluate(table, policy, to_seconds(as_of, field="as_of"), columnar=True)


def _evaluate(table: Any, policy: Policies, cut: int, *, columnar: bool) -> Any:
    read = EventTable(table, cut)
    row_profile, profiles, fallback = _profiles(read, policy)
    if not columnar:
        fallback[:] = True
    rows_fallback = np.repeat(fallback, read.ends - read.starts)
    parts: list[Part] = []
    if not fallback.all():
        parts.append(_columnar(read, ~rows_fallback, row_profile, profiles, cut))
    if fallback.any():
        parts.append(_scalar(read, rows_fallback, policy, cut))
    return assemble(read, parts)


_NO_POLICY: Final = ClockPolicy([], policy_id="none")
_CHANNELS: Final = frozenset(CHANNELS)


def _immediate(profile: Profile) -> dict[str, frozenset[str | None]]:
    """Who each target's immediate escalation levels tell at the profile's priority."""
    return {
        metric: frozenset(m[2] for m in marks(target, profile.priority)[0] if m[0] is None)
        for metric, target in profile.targets.items()
    }


def _profiles(
    read: EventTable, policy: Policies
) -> tuple[Ints, list[Profile], npt.NDArray[np.bool_]]:
    """Per row: the profile in force (policy, targets, attributes); per contact: whether it
    goes to the scalar engine (a tier change, a priority change that changes targets, no
    policy for its tier, or retroactive calendar edits)."""
    table, rows = read.table, read.keep[read.attribute_row]
    fields = {}
    key = np.zeros(len(rows), dtype=np.int64)
    for name in ("channel", "priority", "tier"):
        codes, values = optional_column(table, name)
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
        if channel not in _CHANNELS:
            raise ClockError(
                f"unknown channel {channel!r}; expected one of {', '.join(CHANNELS)}",
                field="channel",
            )
        if chosen is not None:
            check_priority(chosen, priority)
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
    # Tier changes and escalate events (reported on the evaluation) take the scalar engine.
    unsafe = (read.kind == KIND_CODES["tier_change"]) | (read.kind == KIND_CODES["escalate"])
    # A priority change that keeps every target only changes the priority new cycles carry
    # (and which escalation levels apply to them): the columnar engine follows it.
    change = np.flatnonzero(read.kind == KIND_CODES["priority_change"])
    if len(change):
        value_codes, values = optional_column(table, "value")
        new = value_codes[read.keep[change]]
        pairs, which = np.unique(row_profile[change] * (len(values) + 1) + new, return_inverse=True)
        effective = np.empty(len(pairs), dtype=np.int64)
        for i, pair in enumerate(pairs.tolist()):
            old, code = divmod(pair, len(values) + 1)
            now = profiles[old]
            effective[i] = profile(now.channel, str(values[code]), now.tier)
            then = profiles[effective[i]]
            if then.targets != now.targets or _immediate(then) != _immediate(now):
                # New targets, or immediate levels that fire at the change: scalar engine.
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
    read: EventTable,
    rows: npt.NDArray[np.bool_],
    row_profile: Ints,
    profiles: list[Profile],
    cut: int,
) -> Part:
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
        return Part(np.zeros(0, dtype=np.int64))
    cols = {}
    for name in list(pieces[0]):  # column by column, freeing each chunk's copy at once
        cols[name] = join([p.pop(name) for p in pieces])
    del pieces
    part = Part(cols["group"])
    prof = cols["profile"]
    texts = part.texts
    texts["metric"] = (cols["metric"].astype(np.int64), list(METRIC_ORDER))
    texts["status"] = (cols["status"].astype(np.int64), list(OUTCOMES))
    for name in ("channel", "priority", "tier"):
        texts[name] = (prof, [getattr(p, name) for p in profiles])
    texts["policy_id"] = (prof, [p.policy.policy_id for p in profiles])
    texts["policy_version"] = (prof, [p.policy.version for p in profiles])
    texts["tz"] = (prof, [tz_of(p.policy) for p in profiles])
    part.ints = {name: cols[name] for name in CYCLE_TABLE_COLUMNS if name not in TEXT_COLUMNS}
    return part
