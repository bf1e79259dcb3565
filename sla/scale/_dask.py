"""Evaluate a partitioned event dataset on Dask, and build its compliance report exactly.

Each part file is one task: the worker reads it straight into Arrow
(``pyarrow.parquet.read_table``, no pandas), evaluates it with
:func:`sla.clocks.evaluate_arrow` (a part holds whole contacts, so this is
the single-process evaluator on the same contacts: the same rows) and, for
the compliance report, reduces the cycles on the spot to
:func:`~sla.clocks.compliance_partials`. Only those small partials travel
to the client, where :func:`~sla.clocks.combine_partials` builds the report,
the very function :func:`sla.clocks.compliance` ends with.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sla._errors import ClockError, DatasetError
from sla._types import ArrowTable, DaskClient, DaskFrame, FileSystem, Instant, PandasFrame
from sla.clocks import (
    COMPLIANCE_GROUPS,
    ServiceLevelTarget,
    combine_partials,
    compliance_partials,
    evaluate_arrow,
    to_seconds,
)
from sla.clocks._partials import Period, check_grouping
from sla.scale._merge import merge_partials
from sla.scale._read import (
    Part,
    contacts_by_bucket,
    open_dataset,
    raise_if_split,
    read_part,
    split_contacts,
)

if TYPE_CHECKING:
    from sla.clocks._engine import Policies

__all__ = ["compliance_dataset", "cycles_to_pandas", "evaluate_dataset"]


def cycles_to_pandas(cycles: ArrowTable) -> PandasFrame:
    """An Arrow cycle table as pandas with nullable ``Int64`` integers.

    Integer columns such as ``stop`` or ``due`` are null for some cycles;
    pandas' default turns those into floats in one partition and not in the
    next, so every partition (and the single-process result to compare
    with) goes through this one conversion.
    """
    import pandas as pd
    import pyarrow as pa

    mapping = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int32Dtype()}
    return cycles.to_pandas(types_mapper=mapping.get)


def _cycle_schema(events_schema: Any, policy: Any, as_of: int) -> Any:
    # The evaluator itself says what it returns: run it on no events.
    return evaluate_arrow(events_schema.empty_table(), policy, as_of=as_of).schema


def _cycles_of(part: Part, policy: Any, as_of: int) -> tuple[Any, dict[str, int]]:
    import pyarrow.compute as pc

    events = read_part(part)
    at = events.column("at")
    if not pa_is_integer(at.type):
        at = pc.divide(at.cast("int64"), _per_second(at.type))
    later = int(pc.sum(pc.greater(at, as_of)).as_py() or 0)
    stats = {"files": 1, "events": events.num_rows, "events_after_as_of": later}
    try:
        return evaluate_arrow(events, policy, as_of=as_of), stats
    except DatasetError:
        raise
    except ClockError as error:  # name the file: "kind: unknown values" over 200 files helps no one
        raise DatasetError(
            f"{part.shown}: {error}", field=error.field, problems=error.problems
        ) from error


def pa_is_integer(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_integer(kind))


def _per_second(kind: Any) -> int:
    return {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[kind.unit]


def _evaluate_part(part: Part, policy: Any, as_of: int, schema: Any) -> Any:
    cycles, _ = _cycles_of(part, policy, as_of)
    return cycles_to_pandas(cycles.select(schema.names).cast(schema))


def _evaluate_counted(
    part: Part, policy: Any, as_of: int, schema: Any
) -> tuple[Any, dict[str, int]]:
    cycles, stats = _cycles_of(part, policy, as_of)
    return cycles_to_pandas(cycles.select(schema.names).cast(schema)), stats


def _partials_part(
    part: Part, policy: Any, as_of: int, tz: str | None, period: Period
) -> tuple[Any, dict[str, int]]:
    cycles, stats = _cycles_of(part, policy, as_of)
    return compliance_partials(cycles, tz=tz, period=period, output="arrow"), stats


def _add(counts: Sequence[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for counted in counts:
        for key, value in counted.items():
            total[key] = total.get(key, 0) + value
    return total


def _merge_counted(*items: tuple[Any, dict[str, int]]) -> tuple[Any, dict[str, int]]:
    """One tree node: partials add up (merge_partials), and so do the read counts."""
    return merge_partials([partials for partials, _ in items]), _add([s for _, s in items])


def _module(name: str) -> Any:
    # dask ships partial type hints; through Any, its untyped calls stay out of mypy's way.
    return importlib.import_module(name)


def _compute(client: Any, tasks: Sequence[Any]) -> list[Any]:
    if client is None:
        return list(_module("dask").compute(*tasks))
    return list(client.gather(client.compute(list(tasks))))


def _distributed_split_check(client: Any) -> Any:
    """The foreign-dataset check as a Dask aggregation: ids bucketed by hash per file, each
    bucket checked on a worker; only a count and one example per bucket reach the client."""
    dask = _module("dask")

    def check(parts: Sequence[Part]) -> None:
        if len(parts) < 2:
            return
        buckets = len(parts)
        mapped = [
            dask.delayed(contacts_by_bucket, nout=buckets)(part, index, buckets)
            for index, part in enumerate(parts)
        ]
        reduce = dask.delayed(split_contacts)
        found = [reduce(*[m[b] for m in mapped]) for b in range(buckets)]
        raise_if_split(parts, _compute(client, found))

    return check


def _open(path: str | os.PathLike[str], filesystem: Any, client: Any) -> list[Part]:
    parts, _ = open_dataset(
        path, filesystem=filesystem, split_check=_distributed_split_check(client)
    )
    return parts


def evaluate_dataset(
    path: str | os.PathLike[str],
    policy: Policies,
    *,
    as_of: Instant,
    client: DaskClient | None = None,
    lazy: bool = False,
    filesystem: FileSystem | None = None,
) -> PandasFrame | DaskFrame:
    """Evaluate every contact of a partitioned Parquet dataset with Dask.

    ``path`` is a directory written by :func:`write_dataset` (or any
    directory of Parquet files in which each contact's events sit in one
    file), local or an fsspec URL (``s3://bucket/events``; ``filesystem``: an
    optional ``pyarrow.fs`` or fsspec filesystem for it), resolved here on the
    client before tasks are sent; ``policy`` is a
    :class:`~sla.clocks.ClockPolicy` or a mapping of policies by tier code, as
    for :func:`~sla.clocks.evaluate_table`. Returns one row per metric cycle
    with :data:`~sla.clocks.CYCLE_TABLE_COLUMNS` (integers as nullable
    ``Int64``), one partition per part file, gathered to the client (index
    ``0..n-1``), the same rows as the single-process ``evaluate_table`` on all
    events; ``result.attrs["sla_read"]`` counts the files and events read and
    the events after ``as_of`` (which no cycle includes). With ``client`` (a
    ``distributed.Client``) the work runs on its cluster, otherwise on Dask's
    current scheduler. ``lazy=True`` returns the Dask DataFrame instead, e.g.
    to ``.to_parquet()`` the cycles without gathering them.

    Every part is checked against the dataset's manifest (see
    :func:`read_dataset`); a problem raises :class:`~sla.DatasetError` naming
    the file (and the row and contact for a bad instant).
    """
    import pyarrow.parquet as pq

    dd = _module("dask.dataframe")
    cut = to_seconds(as_of, field="as_of")
    parts = _open(path, filesystem, client)
    first = parts[0]
    events_schema = pq.read_schema(first.path, filesystem=first.location.filesystem)
    schema = _cycle_schema(events_schema, policy, cut)
    meta = cycles_to_pandas(schema.empty_table())
    if lazy:
        # Dask would re-type text columns to its own string dtype; the cycles keep
        # the types cycles_to_pandas gives, those of the single-process result.
        with _module("dask").config.set({"dataframe.convert-string": False}):
            return dd.from_map(
                _evaluate_part,
                parts,
                args=(policy, cut, schema),
                meta=meta,
                label="sla-evaluate",
                enforce_metadata=False,
            )
    # Gather the partitions and concatenate here: Dask's own compute() first
    # moves every partition onto one worker to concatenate them there, which
    # held all cycles twice on that worker (5 GiB at 10^7 events).
    import pandas as pd

    task = _module("dask").delayed(_evaluate_counted)
    results = _compute(client, [task(part, policy, cut, schema) for part in parts])
    frames = [cycles for cycles, _ in results]
    frame = pd.concat(frames, ignore_index=True) if frames else meta
    frame.attrs["sla_read"] = _add([stats for _, stats in results])
    return frame


def compliance_dataset(
    path: str | os.PathLike[str],
    policy: Policies,
    *,
    as_of: Instant,
    client: DaskClient | None = None,
    tz: str | None = None,
    period: Period = "month",
    by: Sequence[str] = COMPLIANCE_GROUPS,
    targets: Sequence[ServiceLevelTarget] = (),
    percentiles: Sequence[float] = (50, 90, 95),
    filesystem: FileSystem | None = None,
    split_every: int = 8,
) -> PandasFrame:
    """The compliance report of a partitioned dataset, equal to the single-process one.

    Equals ``sla.clocks.compliance(evaluate_table(all events, policy,
    as_of=as_of), tz=tz, period=period, by=by, targets=targets,
    percentiles=percentiles)`` exactly: counts, exact attainment fractions,
    means and percentiles. Each part file is read, checked, evaluated and
    reduced to partials (counts and response-time histograms, in Arrow) on its
    worker; partials are merged on the workers in a tree, ``split_every`` at a
    time, so the client receives one merged partials table whatever the number
    of files. ``report.attrs["sla_read"]`` counts files, events and events
    after ``as_of``. ``path`` and ``filesystem`` as for :func:`evaluate_dataset`.
    """
    dask = _module("dask")
    check_grouping(period, by)
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        raise DatasetError(f"must be a whole number >= 2, got {split_every!r}", field="split_every")
    cut = to_seconds(as_of, field="as_of")
    parts = _open(path, filesystem, client)
    task = dask.delayed(_partials_part)
    level = [task(part, policy, cut, tz, period) for part in parts]
    merge = dask.delayed(_merge_counted)
    while len(level) > 1:
        level = [merge(*level[i : i + split_every]) for i in range(0, len(level), split_every)]
    ((partials, stats),) = _compute(client, level)
    report = combine_partials([partials], by=by, targets=targets, percentiles=percentiles)
    report.attrs["sla_read"] = stats
    return report
