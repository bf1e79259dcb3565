"""Partitioned Parquet datasets of contact events: every contact in exactly one file.

The clock engine needs all of a contact's events together, so a dataset is
cut by a stable hash of ``contact_id`` (not by row count or date): each part
file then holds whole contacts and can be evaluated on its own, on any worker,
in any order. The hash is :func:`pandas.util.hash_array` (SipHash with a fixed
key), which gives the same partition for the same id in every process and on
every machine, unlike Python's salted ``hash``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import ClockError, DatasetError, Problem
from sla._types import ArrowTable, DataFrame, FileSystem, Series
from sla.scale._manifest import (
    MARKER,
    Manifest,
    PartInfo,
    schema_pairs,
    sha256_of,
    write_manifest,
)
from sla.scale._read import check_instants, open_dataset, read_part
from sla.scale._storage import Location, resolve

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.dataset as pads

    from sla.simulate import ColumnTable, Traffic

__all__ = ["MARKER", "EventDataset", "partition_of", "read_dataset", "write_dataset"]

_PART = "part-{:05d}.parquet"
#: Rows a part buffers before it writes a row group: bounds memory to partitions x this.
GROUP_ROWS: Final = 1 << 17
#: Rows read from the source at a time.
BATCH_ROWS: Final = 1 << 20


@attrs.frozen
class EventDataset:
    """What :func:`write_dataset` wrote: where, its part files, their rows and contacts."""

    path: str
    files: tuple[str, ...]
    rows: tuple[int, ...]
    contacts: tuple[int, ...]

    @property
    def partitions(self) -> int:
        """How many part files (some may be empty when contacts are few)."""
        return len(self.files)


def partition_of(contact_ids: npt.ArrayLike | Series, partitions: int) -> npt.NDArray[np.int64]:
    """The partition (``0 .. partitions - 1``) of each contact id; stable across processes.

    >>> import numpy as np
    >>> bool(partition_of(np.array([7, 7, 8]), 4)[0] == partition_of(np.array([7]), 4)[0])
    True
    """
    import pandas as pd

    values = np.asarray(contact_ids)
    if values.dtype.kind in "iu":
        values = values.astype(np.int64)
    elif values.dtype.kind in "OUST":
        values = values.astype(object)
        # An id is hashed by its value: 7 in an object column lands where int64 7 does.
        if pd.api.types.infer_dtype(values, skipna=False) == "integer":
            values = values.astype(np.int64)
    hashed = pd.util.hash_array(values, categorize=True)
    return np.asarray(hashed % np.uint64(partitions), dtype=np.int64)


def _events_arrow(source: Any) -> Any:
    """An Arrow table of events from a Traffic, a simulate Table or a pandas/polars/Arrow table."""
    import pyarrow as pa

    events = getattr(source, "events", source)  # sla.simulate.Traffic -> its events
    if isinstance(events, pa.Table):
        return events
    if hasattr(events, "to_arrow"):  # sla.simulate.Table, polars.DataFrame
        return events.to_arrow()
    if type(events).__module__.split(".")[0] == "pandas":
        return pa.Table.from_pandas(events, preserve_index=False)
    raise ClockError(
        "expected sla.simulate.Traffic or a pandas, polars or pyarrow table of events, "
        f"got {type(source).__name__}",
        field="events",
    )


def _event_batches(source: Any) -> tuple[Any, Iterator[Any]]:
    """The schema and record batches of the events, read a batch at a time where possible."""
    import pyarrow as pa

    events = getattr(source, "events", source)  # sla.simulate.Traffic -> its events
    if hasattr(events, "to_batches") and hasattr(events, "schema"):
        # pyarrow Table or pyarrow.dataset.Dataset: streamed, never copied whole
        if isinstance(events, pa.Table):
            return events.schema, iter(events.to_batches(max_chunksize=BATCH_ROWS))
        return events.schema, iter(events.to_batches(batch_size=BATCH_ROWS))
    if isinstance(events, pa.RecordBatchReader):
        return events.schema, iter(events)
    if hasattr(events, "to_arrow"):  # sla.simulate.Table, polars.DataFrame
        table = events.to_arrow()
        return table.schema, iter(table.to_batches(max_chunksize=BATCH_ROWS))
    if type(events).__module__.split(".")[0] == "pandas":
        table = pa.Table.from_pandas(events, preserve_index=False)
        return table.schema, iter(table.to_batches(max_chunksize=BATCH_ROWS))
    raise ClockError(
        "expected sla.simulate.Traffic, a pandas, polars or pyarrow table, a "
        f"pyarrow.dataset.Dataset or a RecordBatchReader of events, got {type(source).__name__}",
        field="events",
    )


def write_dataset(
    traffic_or_events: Traffic | ColumnTable | DataFrame | pads.Dataset | pa.RecordBatchReader,
    path: str | os.PathLike[str],
    *,
    partitions: int = 8,
    overwrite: bool = False,
    filesystem: FileSystem | None = None,
) -> EventDataset:
    """Write events as ``partitions`` Parquet files, each contact's events in exactly one.

    ``traffic_or_events`` is a :class:`sla.simulate.Traffic` (its events are
    written), a pandas, polars or pyarrow table shaped like
    :data:`sla.clocks.EVENT_TABLE_SCHEMA`, or a ``pyarrow.dataset.Dataset`` /
    ``RecordBatchReader`` (streamed a batch at a time: memory stays bounded by
    ``partitions`` x :data:`GROUP_ROWS` rows, whatever the size of the source).
    ``path`` is a local directory (created) or an fsspec URL (``s3://...``);
    ``filesystem`` an optional ``pyarrow.fs`` or fsspec filesystem for it.
    Files are ``part-00000.parquet``, ... rows in their original order within
    a file; every file is written even when it holds no contact, so the part
    count is always ``partitions``. A manifest, ``_sla_dataset.json``, records
    each part's rows, contacts (count, smallest and largest id), size and
    SHA-256, and the schema: every read checks it. An existing non-empty
    directory is refused unless ``overwrite=True``, which replaces the part
    files and manifest written before.

    Raises :class:`~sla.ClockError` naming every problem with the arguments.
    """
    import pyarrow.fs as pafs

    found: list[Problem] = []
    if isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1:
        found.append(Problem("partitions", f"must be a whole number >= 1, got {partitions!r}"))
    schema, batches = None, iter(())
    try:
        schema, batches = _event_batches(traffic_or_events)
    except ClockError as error:
        found.append(Problem("events", error.reason))
    if schema is not None and "contact_id" not in schema.names:
        found.append(Problem("events.contact_id", "required column missing"))
    location = resolve(path, filesystem)
    fs = location.filesystem
    info = fs.get_file_info(location.root)
    if info.type == pafs.FileType.File:
        found.append(Problem("path", f"{location.shown} exists and is not a directory"))
    elif (
        info.type == pafs.FileType.Directory
        and not overwrite
        and fs.get_file_info(pafs.FileSelector(location.root))
    ):
        found.append(
            Problem("path", f"{location.shown} is not empty; pass overwrite=True to replace")
        )
    if found or schema is None:
        raise ClockError.from_problems(found, what="event dataset")

    fs.create_dir(location.root, recursive=True)
    if info.type == pafs.FileType.Directory:
        for old in fs.get_file_info(pafs.FileSelector(location.root)):
            name = old.path.rsplit("/", 1)[-1]
            if name == MARKER or (name.startswith("part-") and name.endswith(".parquet")):
                fs.delete_file(old.path)
    names = [_PART.format(index) for index in range(partitions)]
    try:
        _write_parts(location, names, schema, batches)
    except BaseException:
        for name in names:  # no half-written dataset is left to be read as a foreign one
            if fs.get_file_info(location.join(name)).type == pafs.FileType.File:
                fs.delete_file(location.join(name))
        raise
    parts = tuple(_describe(location, name, index) for index, name in enumerate(names))
    write_manifest(location, Manifest(partitions, schema_pairs(schema), parts))
    return EventDataset(
        location.shown,
        tuple(location.show(name) for name in names),
        tuple(p.rows for p in parts),
        tuple(p.contacts for p in parts),
    )


def _ids(batch: Any) -> Any:
    import pyarrow as pa

    column = batch.column("contact_id")
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column.to_numpy(zero_copy_only=False)


def _write_parts(location: Location, names: list[str], schema: Any, batches: Iterator[Any]) -> None:
    """Stream batches into the part files; each part buffers at most GROUP_ROWS rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    partitions = len(names)
    # The streams are closed by hand: a ParquetWriter does not close a stream it was
    # given, and an object store's stream left to the garbage collector uploads late.
    sinks = [location.filesystem.open_output_stream(location.join(n)) for n in names]
    writers = [pq.ParquetWriter(sink, schema) for sink in sinks]
    waiting: list[list[Any]] = [[] for _ in names]
    counts = [0] * partitions

    def flush(index: int) -> None:
        if waiting[index]:
            writers[index].write_table(pa.Table.from_batches(waiting[index], schema))
            waiting[index], counts[index] = [], 0

    seen = 0
    try:
        for batch in batches:
            if not batch.num_rows:
                continue
            check_instants(batch, "events", first_row=seen)
            seen += batch.num_rows
            if batch.column(batch.schema.get_field_index("contact_id")).null_count:
                raise DatasetError("events: missing contact ids", field="contact_id")
            part = partition_of(_ids(batch), partitions)
            order = np.argsort(part, kind="stable")
            bounds = np.searchsorted(part[order], np.arange(partitions + 1))
            for index in range(partitions):
                lo, hi = int(bounds[index]), int(bounds[index + 1])
                if hi > lo:
                    waiting[index].append(batch.take(pa.array(order[lo:hi])))
                    counts[index] += hi - lo
                    if counts[index] >= GROUP_ROWS:
                        flush(index)
        for index in range(partitions):
            flush(index)
    finally:
        for writer, sink in zip(writers, sinks, strict=True):
            writer.close()
            sink.close()


def _describe(location: Location, name: str, index: int) -> PartInfo:
    """Rows, contacts and checksum of a written part (its contact ids read back alone)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    column = pq.read_table(
        location.join(name), columns=["contact_id"], filesystem=location.filesystem
    ).column("contact_id")
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    extremes = pc.min_max(column).as_py() if len(column) else {"min": None, "max": None}
    digest, size = sha256_of(location, name)
    return PartInfo(
        file=name,
        index=index,
        rows=len(column),
        contacts=len(pc.unique(column)),
        contact_min=extremes["min"],
        contact_max=extremes["max"],
        size=size,
        sha256=digest,
    )


def read_dataset(
    path: str | os.PathLike[str], *, filesystem: FileSystem | None = None
) -> ArrowTable:
    """All events of a dataset as one Arrow table, in this process, every check made.

    The manifest is compared with the directory (a missing, extra or truncated
    part is a :class:`~sla.DatasetError` naming it), every part is checked
    against its SHA-256, rows and schema, and instants are validated (see
    :func:`sla.scale.check_instants`). A dataset without a manifest is checked
    for contacts split over files. For datasets larger than memory, use
    :func:`evaluate_dataset` or :func:`compliance_dataset` instead.
    """
    import pyarrow as pa

    parts, _ = open_dataset(path, filesystem=filesystem)
    return pa.concat_tables([read_part(part) for part in parts], promote_options="default")
