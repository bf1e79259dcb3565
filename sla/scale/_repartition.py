"""Repartitioning any Parquet dataset by contact on Dask, and sealing one written elsewhere.

:func:`repartition_dataset` is a shuffle through storage, as Spark's own
shuffle is: each source file is read by one task, which cuts its rows by the
stable hash of ``contact_id`` into one bucket file per target part
(``_shuffle/part-XXXXX/from-YYYYY.parquet``); then one task per target part
streams its buckets, row group by row group, into ``part-XXXXX.parquet``.
No task holds more than one source file or one bucket at a time, and the
client only sends tasks and writes the manifest: the same dataset, part for
part, that :func:`write_dataset` writes from the same events.

:func:`seal_dataset` writes a manifest for a dataset another tool wrote
(Spark's ``df.repartition(n, "contact_id").write.parquet(...)``) after
checking that no contact is split over its files, so that every later read
checks it like one :func:`write_dataset` wrote.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from sla._errors import DatasetError
from sla._types import DaskClient, FileSystem
from sla.scale._dataset import _PART, EventDataset, _describe, _ids, partition_of
from sla.scale._manifest import (
    SEALED_RULE,
    Manifest,
    PartInfo,
    list_parquet,
    schema_pairs,
    write_manifest,
)
from sla.scale._read import Part, check_whole_contacts, read_part
from sla.scale._storage import Location, resolve

__all__ = ["repartition_dataset", "seal_dataset"]

SHUFFLE: Final = "_shuffle"


def _bucket_name(target: int, source: int) -> str:
    return f"{SHUFFLE}/{_PART.format(target).removesuffix('.parquet')}/from-{source:05d}.parquet"


def _cut(part: Part, source: int, target: Location, partitions: int) -> list[int]:
    """One source file -> one bucket file per target part that gets rows; returns those parts."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = read_part(part)
    if table.column("contact_id").null_count:
        raise DatasetError(f"{part.shown}: missing contact ids", field="contact_id")
    which = partition_of(_ids(table), partitions)
    written = []
    for index in np.unique(which).tolist():
        rows = table.filter(pa.array(which == index))
        with target.filesystem.open_output_stream(target.join(_bucket_name(index, source))) as out:
            pq.write_table(rows, out)
        written.append(int(index))
    return written


def _gather(target: Location, index: int, sources: Sequence[int], schema: Any) -> None:
    """The buckets of one target part, streamed into it row group by row group."""
    import pyarrow.parquet as pq

    fs = target.filesystem
    with (
        fs.open_output_stream(target.join(_PART.format(index))) as sink,
        pq.ParquetWriter(sink, schema) as writer,
    ):
        for source in sources:
            bucket = pq.ParquetFile(fs.open_input_file(target.join(_bucket_name(index, source))))
            for group in range(bucket.num_row_groups):
                writer.write_table(bucket.read_row_group(group).cast(schema))


def _gather_part(target: Location, index: int, sources: Sequence[int], schema: Any) -> PartInfo:
    _gather(target, index, sources, schema)
    return _describe(target, _PART.format(index), index)


def repartition_dataset(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    partitions: int,
    client: DaskClient | None = None,
    filesystem: FileSystem | None = None,
    target_filesystem: FileSystem | None = None,
) -> EventDataset:
    """Repartition every Parquet file under ``source`` by contact into a new dataset, on Dask.

    ``source`` may be cut any way (by day, by arrival): each file is read by
    one task and its instants validated (see :func:`check_instants`). The
    result in ``target`` (which must not exist or be empty) has ``partitions``
    parts, a manifest, and the same parts :func:`write_dataset` writes for the
    same events. With ``client`` the tasks run on its cluster, otherwise on
    Dask's current scheduler. Paths may be URLs; both are resolved here.
    """
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    dask = importlib.import_module("dask")
    if isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1:
        raise DatasetError(f"must be a whole number >= 1, got {partitions!r}", field="partitions")
    origin = resolve(source, filesystem)
    names = sorted(list_parquet(origin))
    if not names:
        raise DatasetError(f"no Parquet files in {origin.shown}", field="source")
    parts = [Part(origin, name) for name in names]
    goal = resolve(target, target_filesystem)
    fs = goal.filesystem
    found = fs.get_file_info(goal.root)
    if found.type == pafs.FileType.File or (
        found.type == pafs.FileType.Directory and fs.get_file_info(pafs.FileSelector(goal.root))
    ):
        raise DatasetError(f"{goal.shown} exists and is not empty", field="target")
    schema = pq.read_schema(parts[0].path, filesystem=origin.filesystem)
    for index in range(partitions):
        fs.create_dir(goal.join(_bucket_name(index, 0).rsplit("/", 1)[0]), recursive=True)

    def run(tasks: list[Any]) -> list[Any]:
        if client is None:
            return list(dask.compute(*tasks))
        return list(client.gather(client.compute(tasks)))

    cut = dask.delayed(_cut)
    written = run([cut(part, i, goal, partitions) for i, part in enumerate(parts)])
    sources: list[list[int]] = [[] for _ in range(partitions)]
    for i, targets in enumerate(written):
        for index in targets:
            sources[index].append(i)
    gather = dask.delayed(_gather_part)
    described = run([gather(goal, index, sources[index], schema) for index in range(partitions)])
    fs.delete_dir(goal.join(SHUFFLE))
    write_manifest(goal, Manifest(partitions, schema_pairs(schema), tuple(described)))
    return _summary(goal, described)


def _summary(goal: Location, described: Sequence[PartInfo]) -> EventDataset:
    return EventDataset(
        goal.shown,
        tuple(goal.show(p.file) for p in described),
        tuple(p.rows for p in described),
        tuple(p.contacts for p in described),
    )


def seal_dataset(
    path: str | os.PathLike[str],
    *,
    filesystem: FileSystem | None = None,
    client: DaskClient | None = None,
) -> EventDataset:
    """Write a manifest for a dataset another tool partitioned by contact.

    Every ``*.parquet`` under ``path`` becomes a part (in name order). First
    the ``contact_id`` columns are checked (on ``client``'s cluster when
    given): a contact in two files is a :class:`~sla.DatasetError` naming both.
    Each file's instants are validated, and its rows, contacts, size and
    SHA-256 recorded: from then on every read checks the dataset like one
    :func:`write_dataset` wrote. An existing manifest is replaced.
    """
    from sla.scale._dask import _distributed_split_check

    location = resolve(path, filesystem)
    names = sorted(list_parquet(location))
    if not names or names == [""]:
        raise DatasetError(f"no Parquet files in directory {location.shown}", field="path")
    parts = [Part(location, name) for name in names]
    if client is None:
        check_whole_contacts(parts)
    else:
        _distributed_split_check(client)(parts)
    schema = None
    described = []
    for index, part in enumerate(parts):
        table = read_part(part)
        pairs = schema_pairs(table.schema)
        if schema is not None and pairs != schema:
            raise DatasetError(
                f"{part.shown} has schema {list(pairs)}, {parts[0].shown} {list(schema)}",
                field=part.name,
            )
        schema = pairs
        del table
        described.append(_describe(location, part.name, index))
    assert schema is not None
    write_manifest(location, Manifest(len(parts), schema, tuple(described), SEALED_RULE))
    return _summary(location, described)
