"""Partitioned Parquet datasets of contact events: every contact in exactly one file.

The clock engine needs all of a contact's events together, so a dataset is
cut by a stable hash of ``contact_id`` (not by row count or date): each part
file then holds whole contacts and can be evaluated on its own, on any worker,
in any order. The hash is :func:`pandas.util.hash_array` (SipHash with a fixed
key), which gives the same partition for the same id in every process and on
every machine, unlike Python's salted ``hash``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import ClockError, Problem
from sla._frames import frame_kind, to_arrow
from sla._types import DataFrame, Series

if TYPE_CHECKING:
    from sla.simulate import ColumnTable, Traffic

__all__ = ["MARKER", "EventDataset", "partition_of", "write_dataset"]

#: Name of the small JSON file that marks a directory as written by :func:`write_dataset`.
MARKER: Final = "_sla_dataset.json"
_PART = "part-{:05d}.parquet"


@attrs.frozen(slots=True)
class EventDataset:
    """What :func:`write_dataset` wrote: the directory, its part files and their sizes."""

    path: Path
    files: tuple[Path, ...]
    rows: tuple[int, ...]
    contacts: tuple[int, ...]

    @property
    def partitions(self) -> int:
        """How many part files (some may be empty when contacts are few)."""
        return len(self.files)


def partition_of(contact_ids: npt.ArrayLike | Series, partitions: int) -> npt.NDArray[np.int64]:
    """The partition (``0 .. partitions - 1``) of each contact id; stable across processes.

    >>> import numpy as np
    >>> int(partition_of(np.array([7, 7, 8]), 4)[0]) == int(partition_of(np.array([7]), 4)[0])
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

    events = getattr(source, "events", source)  # sla.simulate.Traffic -> its events
    if frame_kind(events) is not None:
        return to_arrow(events, error=ClockError, field="events")[0]
    if hasattr(events, "to_arrow"):  # sla.simulate.ColumnTable
        return events.to_arrow()
    raise ClockError(
        "expected sla.simulate.Traffic or a pandas, polars or pyarrow table of events, "
        f"got {type(source).__name__}",
        field="events",
    )


def write_dataset(
    traffic_or_events: Traffic | ColumnTable | DataFrame,
    path: str | Path,
    *,
    partitions: int = 8,
    overwrite: bool = False,
) -> EventDataset:
    """Write events as ``partitions`` Parquet files, each contact's events in exactly one.

    ``traffic_or_events`` is a :class:`sla.simulate.Traffic` (its events are
    written) or a pandas, polars or pyarrow table shaped like
    :data:`sla.clocks.EVENT_TABLE_SCHEMA`. Files are ``part-00000.parquet``,
    ... in directory ``path`` (created), rows in their original order within
    a file; every file is written even when it holds no contact, so the part
    count is always ``partitions``. An existing non-empty directory is refused
    unless ``overwrite=True``, which replaces the part files written before.

    Raises :class:`~sla.ClockError` naming every problem with the arguments.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    found: list[Problem] = []
    if isinstance(partitions, bool) or not isinstance(partitions, int) or partitions < 1:
        found.append(Problem("partitions", f"must be a whole number >= 1, got {partitions!r}"))
    table = None
    try:
        table = _events_arrow(traffic_or_events)
    except ClockError as error:
        found.append(Problem("events", error.reason))
    if table is not None and "contact_id" not in table.column_names:
        found.append(Problem("events.contact_id", "required column missing"))
    target = Path(path)
    if target.exists() and not target.is_dir():
        found.append(Problem("path", f"{target} exists and is not a directory"))
    elif target.is_dir() and any(target.iterdir()) and not overwrite:
        found.append(Problem("path", f"{target} is not empty; pass overwrite=True to replace"))
    if found or table is None:
        raise ClockError.from_problems(found, what="event dataset")

    target.mkdir(parents=True, exist_ok=True)
    for old in [*target.glob("part-*.parquet"), target / MARKER]:
        old.unlink(missing_ok=True)
    column = table.column("contact_id")
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    ids = column.to_numpy(zero_copy_only=False)
    part = partition_of(ids, partitions)
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(partitions + 1))
    ordered = table.take(order)
    files, rows, contacts = [], [], []
    for index in range(partitions):
        lo, hi = int(bounds[index]), int(bounds[index + 1])
        file = target / _PART.format(index)
        pq.write_table(ordered.slice(lo, hi - lo), file)
        files.append(file)
        rows.append(hi - lo)
        contacts.append(len(np.unique(ids[order[lo:hi]])))
    (target / MARKER).write_text(
        json.dumps(
            {
                "format": "sla-events",
                "partitioned_by": "contact_id",
                "hash": "pandas.util.hash_array % partitions",
                "partitions": partitions,
                "rows": rows,
                "contacts": contacts,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return EventDataset(target, tuple(files), tuple(rows), tuple(contacts))


def part_files(path: str | Path) -> list[Path]:
    """The Parquet files of a dataset directory (its part files, or every ``*.parquet``)."""
    root = Path(path)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise ClockError(f"no dataset at {root}", field="path")
    files = sorted(root.glob("part-*.parquet")) if (root / MARKER).exists() else []
    if files:
        return files  # written by write_dataset: partitioned by contact_id
    files = sorted(p for p in root.rglob("*.parquet") if not p.name.startswith(("_", ".")))
    if not files:
        raise ClockError(f"no Parquet files in {root}", field="path")
    _check_whole_contacts(files)
    return files


def _check_whole_contacts(files: list[Path]) -> None:
    """Refuse a foreign dataset whose contacts are split over files (say, partitioned by day).

    Each file is evaluated on its own, so a contact cut in two would be evaluated
    twice on half its events each: wrong cycles, silently. Only the ``contact_id``
    column is read.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if len(files) < 2:
        return
    seen: dict[Any, Path] = {}
    for file in files:
        column = pq.read_table(file, columns=["contact_id"]).column("contact_id")
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        for contact in column.unique().to_pylist():
            first = seen.setdefault(contact, file)
            if first is not file:
                raise ClockError(
                    f"contact {contact!r} has events in both {first} and {file}; every "
                    "contact's events must sit in one file: repartition with write_dataset",
                    field="path",
                )
