"""Reading a dataset without losing anything silently.

:func:`open_dataset` runs on the client: it resolves the path, reads and
checks the manifest against the directory listing (or, for a foreign
dataset without a manifest, checks as a distributed aggregation that no
contact is split over files) and returns one :class:`Part` per file.
:func:`read_part` runs wherever the part is evaluated: it reads the file's
bytes once, checks them against the manifest's SHA-256, row count and
schema, and validates the instants (null, naive, milliseconds instead of
seconds...) naming the file, the row and the contact.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import attrs
import numpy as np

from sla._errors import DatasetError
from sla._types import ArrowData
from sla.scale._manifest import (
    Manifest,
    PartInfo,
    check_listing,
    list_parquet,
    read_manifest,
    schema_pairs,
)
from sla.scale._storage import Location, resolve

__all__ = ["Part", "check_instants", "open_dataset", "read_part"]

#: Epoch seconds accepted in ``at``: 1970-01-01 up to (not including) 2200-01-01 UTC.
FIRST_SECOND: Final = 0
END_SECOND: Final = 7_258_118_400
_UNITS: Final = ((10**17, "nanoseconds", 10**9), (10**14, "microseconds", 10**6))
_MILLI: Final = (10**11, "milliseconds", 10**3)


@attrs.frozen
class Part:
    """One file of a dataset, as sent to the task that reads it."""

    location: Location
    name: str  # relative to the root; "" when the root is the file itself
    info: PartInfo | None = None  # from the manifest; None for a foreign dataset
    schema: tuple[tuple[str, str], ...] | None = None

    @property
    def path(self) -> str:
        return self.location.join(self.name) if self.name else self.location.root

    @property
    def shown(self) -> str:
        return self.location.show(self.name) if self.name else self.location.shown


def open_dataset(
    path: str | os.PathLike[str],
    *,
    filesystem: Any = None,
    split_check: Callable[[Sequence[Part]], None] | None = None,
) -> tuple[list[Part], Manifest | None]:
    """The parts of a dataset, checked against its manifest (on the client, no data read).

    Without a manifest (a dataset written by another tool) every ``*.parquet``
    under the path is a part, and ``split_check`` (default: in this process)
    makes sure no contact has events in two of them.
    """
    location = resolve(path, filesystem)
    listed = list_parquet(location)
    manifest = read_manifest(location) if "" not in listed else None
    if manifest is not None:
        check_listing(location, manifest, listed)
        return [Part(location, p.file, p, manifest.schema) for p in manifest.parts], manifest
    if not listed:
        raise DatasetError(f"no Parquet files in {location.shown}", field="path")
    parts = [Part(location, name) for name in sorted(listed)]
    (split_check or check_whole_contacts)(parts)
    return parts, None


def read_part(part: Part) -> Any:
    """The events of one part as an Arrow table, after every check the manifest allows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with part.location.filesystem.open_input_stream(part.path) as stream:
        data = stream.read_buffer()  # Arrow-allocated, so aligned for Arrow's kernels
    info = part.info
    if info is not None:
        import hashlib

        digest = hashlib.sha256(memoryview(data)).hexdigest()
        if data.size != info.size or digest != info.sha256:
            raise DatasetError(
                f"{part.shown} is not the file write_dataset wrote (its SHA-256 or size "
                "differs from the manifest): replaced, truncated or rewritten",
                field=part.name,
            )
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowInvalid, OSError) as error:
        raise DatasetError(
            f"{part.shown} is not a readable Parquet file: {error}", field=part.name or "path"
        ) from error
    if info is not None and table.num_rows != info.rows:
        raise DatasetError(
            f"{part.shown} has {table.num_rows} rows, the manifest says {info.rows}",
            field=part.name,
        )
    if part.schema is not None and schema_pairs(table.schema) != part.schema:
        raise DatasetError(
            f"{part.shown} has schema {list(schema_pairs(table.schema))}, the dataset "
            f"{list(part.schema)}",
            field=part.name,
        )
    check_instants(table, part.shown)
    return table


def check_instants(table: ArrowData, where: str, *, first_row: int = 0) -> None:
    """Refuse null, naive or out-of-range instants in ``at``, naming file, row and contact.

    Integers must be epoch *seconds* from 1970 up to 2200; a value of the size
    of epoch milliseconds (or micro-, nanoseconds) is named as such. Rows are
    numbered from ``first_row`` (the position of ``table`` in a larger source).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    for name in ("contact_id", "at", "kind"):
        if name not in table.column_names:
            raise DatasetError(f"{where}: required column {name!r} missing", field=name)
    column = table.column("at")
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.tz is None:
        raise DatasetError(
            f"{where}: column at holds timestamps without a time zone ({kind}); write aware "
            "timestamps or int64 epoch seconds",
            field="at",
        )
    if not (pa.types.is_timestamp(kind) or pa.types.is_integer(kind)):
        raise DatasetError(
            f"{where}: column at is {kind}; expected int64 epoch seconds or aware timestamps",
            field="at",
        )
    if column.null_count:
        row = int(pc.index(pc.is_null(column), True).as_py())
        raise DatasetError(
            f"{where}, row {first_row + row}, contact {_contact(table, row)!r}: at is null "
            f"({column.null_count} of {len(column)} rows in this file)",
            field="at",
        )
    if pa.types.is_timestamp(kind):
        per_second = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[kind.unit]
        raw = np.floor_divide(column.cast(pa.int64()).to_numpy(), per_second)
    else:
        raw = np.asarray(column.to_numpy(), dtype=np.int64)
    bad = (raw < FIRST_SECOND) | (raw >= END_SECOND)
    if not bad.any():
        return
    row = int(np.argmax(bad))
    value = int(raw[row])
    raise DatasetError(
        f"{where}, row {first_row + row}, contact {_contact(table, row)!r}: at = {value} "
        f"{_diagnose(value)}; "
        f"expected epoch seconds from 1970 to 2200 ({int(bad.sum())} of {len(raw)} rows in "
        "this file are out of range)",
        field="at",
    )


def _diagnose(value: int) -> str:
    for low, unit, per_second in (*_UNITS, _MILLI):
        if value >= low:
            when = datetime.fromtimestamp(value // per_second, UTC)
            if when.year < 2200:
                return f"looks like epoch {unit} ({when:%Y-%m-%d %H:%M:%S} UTC in {unit})"
    return "is before 1970" if value < 0 else "is after 2200"


def _contact(table: Any, row: int) -> Any:
    return table.column("contact_id")[row].as_py()


# -- a foreign dataset: is every contact in one file? ------------------------------------------


def contacts_by_bucket(part: Part, index: int, buckets: int) -> list[Any]:
    """The distinct contact ids of one file, cut into ``buckets`` by the stable hash."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from sla.scale._dataset import partition_of

    column = pq.read_table(
        part.path, columns=["contact_id"], filesystem=part.location.filesystem
    ).column("contact_id")
    ids = pc.unique(column.cast(pa.string()))
    bucket = partition_of(ids.to_numpy(zero_copy_only=False), buckets)
    files = pa.array(np.full(len(ids), index, dtype=np.int64))
    table = pa.table({"contact_id": ids, "file": files})
    return [table.filter(pa.array(bucket == b)) for b in range(buckets)]


def split_contacts(*tables: Any) -> tuple[int, tuple[Any, int, int] | None]:
    """How many contacts of one bucket sit in more than one file, and the first of them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not tables:
        return 0, None
    together = pa.concat_tables(tables)
    grouped = together.group_by("contact_id").aggregate(
        [("file", "min"), ("file", "max"), ("file", "count")]
    )
    split = grouped.filter(pc.greater(grouped.column("file_count"), 1))
    if not split.num_rows:
        return 0, None
    first = split.sort_by("contact_id").slice(0, 1).to_pylist()[0]
    return split.num_rows, (first["contact_id"], first["file_min"], first["file_max"])


def raise_if_split(parts: Sequence[Part], found: Sequence[tuple[int, Any]]) -> None:
    """Turn the buckets' findings into one error naming a contact and both of its files."""
    total = sum(count for count, _ in found)
    examples = sorted(example for _, example in found if example is not None)
    if not total:
        return
    contact, a, b = examples[0]
    raise DatasetError(
        f"contact {contact!r} has events in both {parts[a].shown} and {parts[b].shown} "
        f"({total} contacts are split over files); every contact's events must sit in one "
        "file: repartition with write_dataset",
        field="path",
    )


def check_whole_contacts(parts: Sequence[Part]) -> None:
    """The split check in this process, bucket by bucket (what Dask does distributed)."""
    if len(parts) < 2:
        return
    buckets = len(parts)
    mapped = [contacts_by_bucket(part, i, buckets) for i, part in enumerate(parts)]
    found = [split_contacts(*[m[b] for m in mapped]) for b in range(buckets)]
    raise_if_split(parts, found)
