"""Incremental evaluation: a nightly run reads the day's new events and a checkpoint.

A contact is *closed* at a cut when every one of its cycles has finished
(met, breached, cancelled or abandoned) and it has no event after the cut;
otherwise it is *open*. The checkpoint keeps, as Parquet with a schema
version:

* ``events.parquet``: every event of the open contacts (and events that are
  later than the cut, held until a run reaches them);
* ``cycles.parquet``: the final cycles of the closed contacts;
* ``checkpoint.json``: the version, the cut and the row counts.

A run evaluates the open contacts' events plus the new ones, and keeps the
closed contacts' cycles as they are: the cycles of every contact equal those
of a full re-run over all events (a property test says so). A new event for a
closed contact (a late reply, a reopened ticket) needs that contact's earlier
events: they are read from ``history`` (the events of earlier runs, a table or
a dataset) for those contacts only, and the contact is evaluated again. Without
``history`` such a run is refused, naming the contacts, instead of evaluating
them on part of their events.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, Final

import attrs

from sla._errors import DatasetError
from sla._types import ArrowTable, DataFrame, FileSystem, Instant
from sla.clocks import evaluate_table, to_seconds
from sla.scale._read import check_instants
from sla.scale._storage import resolve

if TYPE_CHECKING:
    from sla.clocks._engine import Policies
    from sla.simulate import ColumnTable, Traffic

__all__ = ["Checkpoint", "IncrementalRun", "evaluate_incremental", "read_checkpoint"]

#: Schema version of the checkpoint files; a checkpoint of another version is refused.
CHECKPOINT_VERSION: Final = 1
_FINISHED: Final = ("met", "breached", "cancelled", "abandoned")


@attrs.frozen
class Checkpoint:
    """The state a run leaves for the next: open contacts' events, closed contacts' cycles."""

    as_of: int
    events: ArrowTable  # events of the contacts still open
    cycles: ArrowTable  # the closed contacts' cycles

    def write(self, path: str | os.PathLike[str], *, filesystem: FileSystem | None = None) -> None:
        """Write ``events.parquet``, ``cycles.parquet`` and ``checkpoint.json`` under ``path``."""
        import pyarrow.parquet as pq

        where = resolve(path, filesystem)
        where.filesystem.create_dir(where.root, recursive=True)
        for name, table in (("events", self.events), ("cycles", self.cycles)):
            with where.filesystem.open_output_stream(where.join(f"{name}.parquet")) as out:
                pq.write_table(table, out)
        body = {
            "format": "sla-checkpoint",
            "version": CHECKPOINT_VERSION,
            "as_of": self.as_of,
            "events": self.events.num_rows,
            "cycles": self.cycles.num_rows,
        }
        with where.filesystem.open_output_stream(where.join("checkpoint.json")) as out:
            out.write(json.dumps(body, indent=1).encode("utf-8"))


def read_checkpoint(
    path: str | os.PathLike[str], *, filesystem: FileSystem | None = None
) -> Checkpoint:
    """A checkpoint written by :meth:`Checkpoint.write`, its version and row counts checked."""
    import pyarrow.parquet as pq

    where = resolve(path, filesystem)
    try:
        with where.filesystem.open_input_stream(where.join("checkpoint.json")) as stream:
            body = json.loads(stream.read().decode("utf-8"))
    except (FileNotFoundError, OSError) as error:
        raise DatasetError(
            f"no checkpoint at {where.shown}: {error}", field="checkpoint"
        ) from error
    if body.get("format") != "sla-checkpoint" or body.get("version") != CHECKPOINT_VERSION:
        raise DatasetError(
            f"{where.show('checkpoint.json')}: version {body.get('version')!r} is not "
            f"{CHECKPOINT_VERSION}; run a full evaluation to start a new checkpoint",
            field="checkpoint",
        )
    tables = {}
    for name in ("events", "cycles"):
        table = pq.read_table(where.join(f"{name}.parquet"), filesystem=where.filesystem)
        if table.num_rows != body[name]:
            raise DatasetError(
                f"{where.show(name + '.parquet')} has {table.num_rows} rows, the checkpoint "
                f"says {body[name]}",
                field="checkpoint",
            )
        tables[name] = table
    return Checkpoint(int(body["as_of"]), tables["events"], tables["cycles"])


@attrs.frozen
class IncrementalRun:
    """What a run gives: every contact's cycles, the next checkpoint, and what it noticed."""

    cycles: ArrowTable  # closed contacts' kept cycles, then the evaluated ones
    checkpoint: Checkpoint
    late_events: int  # new events at or before the previous cut
    reevaluated: tuple[object, ...]  # ids of closed contacts a new event opened again
    pending_events: int  # events after as_of, held in the checkpoint


def _table(events: Any) -> Any:
    import pyarrow as pa

    events = getattr(events, "events", events)
    if isinstance(events, pa.Table):
        return events
    if hasattr(events, "to_arrow"):
        return events.to_arrow()
    return pa.Table.from_pandas(events, preserve_index=False)


def _history_of(history: Any, contacts: Any) -> Any:
    """The earlier events of ``contacts``: from a table, or a dataset read with a filter."""
    if isinstance(history, str | os.PathLike):
        from sla.scale._read import open_dataset, read_part

        parts, _ = open_dataset(history)
        tables = [read_part(part) for part in parts]
        return _concat([_of(t, contacts) for t in tables])
    return _of(_table(history), contacts)


def _of(table: Any, contacts: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = table.column("contact_id")
    if pa.types.is_dictionary(ids.type):
        ids = ids.cast(ids.type.value_type)
    return table.filter(pc.is_in(ids.cast(contacts.type), value_set=contacts))


def _concat(tables: list[Any]) -> Any:
    import pyarrow as pa

    kept = [t for t in tables if t is not None]
    return pa.concat_tables(kept, promote_options="permissive")


def evaluate_incremental(
    new_events: Traffic | ColumnTable | DataFrame,
    policy: Policies,
    *,
    as_of: Instant,
    checkpoint: Checkpoint | None = None,
    history: ArrowTable | str | os.PathLike[str] | None = None,
) -> IncrementalRun:
    """Evaluate the new events of a period on top of the previous run's checkpoint.

    ``new_events`` are the events not given to any earlier run (any ``at``: late
    ones included); ``checkpoint`` is the previous :class:`IncrementalRun`'s (or
    :func:`read_checkpoint`'s), ``None`` for the first run. ``history`` holds the
    events of earlier runs (a table, or a dataset path such as the one the daily
    files are appended to); it is read only when a new event belongs to a closed
    contact, for those contacts. The cycles equal ``evaluate_table(all events so
    far, policy, as_of=as_of)`` row for row (in another order).

    Raises :class:`~sla.DatasetError` for bad instants in the new events (file,
    row, contact), for an ``as_of`` before the checkpoint's, and for new events
    of closed contacts when no ``history`` is given.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cut = to_seconds(as_of, field="as_of")
    new = _table(new_events)
    check_instants(new, "new events")
    previous = checkpoint
    if previous is not None and cut < previous.as_of:
        raise DatasetError(
            f"as_of {cut} is before the checkpoint's {previous.as_of}", field="as_of"
        )
    late = int(pc.sum(pc.less_equal(new.column("at"), previous.as_of)).as_py() or 0) if (
        previous is not None and new.num_rows
    ) else 0  # fmt: skip
    kept_cycles = previous.cycles if previous is not None else None
    reopened: list[Any] = []
    extra = None
    if kept_cycles is not None and kept_cycles.num_rows and new.num_rows:
        closed = pc.unique(kept_cycles.column("contact_id"))
        touched = pc.unique(new.column("contact_id").cast(closed.type))
        again = pc.filter(touched, pc.is_in(touched, value_set=closed))
        if len(again):
            reopened = sorted(again.to_pylist())
            if history is None:
                raise DatasetError(
                    f"{len(reopened)} new events' contacts were closed in the checkpoint "
                    f"(first: {reopened[:3]}); pass history= (the earlier events) so they are "
                    "evaluated again on all their events",
                    field="history",
                )
            extra = _history_of(history, again)
            keep = pc.invert(pc.is_in(kept_cycles.column("contact_id"), value_set=again))
            kept_cycles = kept_cycles.filter(keep)
    pieces = [previous.events if previous is not None else None, extra, new]
    events = _concat([p for p in pieces if p is not None and p.num_rows] or [new])
    cycles = evaluate_table(events, policy, as_of=cut, output="arrow")
    # Which contacts close at this cut: every cycle finished, no event after the cut.
    ids = cycles.column("contact_id")
    unfinished = pc.invert(pc.is_in(cycles.column("status"), value_set=pa.array(_FINISHED)))
    still_open = pc.unique(pc.filter(ids, unfinished))
    later = pc.greater(events.column("at"), cut)
    pending = int(pc.sum(later).as_py() or 0)
    waiting = pc.unique(pc.filter(events.column("contact_id"), later).cast(ids.type))
    with_cycles = pc.unique(ids)
    open_ids = pa.concat_arrays([still_open, waiting]) if len(waiting) else still_open
    closing = pc.filter(with_cycles, pc.invert(pc.is_in(with_cycles, value_set=open_ids)))
    closes = pc.is_in(ids, value_set=closing)
    closed_now = cycles.filter(closes)
    stays = pc.invert(pc.is_in(events.column("contact_id").cast(ids.type), value_set=closing))
    next_events = events.filter(stays)
    all_kept = [kept_cycles, closed_now] if kept_cycles is not None else [closed_now]
    next_cycles = _concat([c.cast(cycles.schema) for c in all_kept])
    result = _concat(
        [kept_cycles.cast(cycles.schema), cycles] if kept_cycles is not None else [cycles]
    )
    return IncrementalRun(
        cycles=result,
        checkpoint=Checkpoint(cut, next_events, next_cycles),
        late_events=late,
        reevaluated=tuple(reopened),
        pending_events=pending,
    )
