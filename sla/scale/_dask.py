"""Evaluate a partitioned event dataset on Dask, and build its compliance report exactly.

``dask.dataframe.read_parquet`` reads one partition per part file (row groups
are never split, so a contact never straddles two partitions), and
``map_partitions`` runs :func:`sla.clocks.evaluate_table` on each: the same
evaluator as the single-process run, on whole contacts, hence the same rows.
The compliance report is combined from exact per-partition partials (see
:mod:`sla.scale._aggregate`), so only small tables travel to the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sla.clocks import ServiceLevelTarget, evaluate_table, to_seconds
from sla.scale._aggregate import (
    GROUPS,
    Period,
    check_grouping,
    combine_partials,
    compliance_partials,
    partials_meta,
)
from sla.scale._dataset import part_files

__all__ = ["compliance_dataset", "cycles_to_pandas", "evaluate_dataset"]


def cycles_to_pandas(cycles: Any) -> Any:
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
    return evaluate_table(events_schema.empty_table(), policy, as_of=as_of, output="arrow").schema


def _evaluate_partition(frame: Any, policy: Any, as_of: int, schema: Any) -> Any:
    import pyarrow as pa

    events = pa.Table.from_pandas(frame, preserve_index=False)
    cycles = evaluate_table(events, policy, as_of=as_of, output="arrow")
    return cycles_to_pandas(cycles.select(schema.names).cast(schema))


def _partials_partition(
    frame: Any, policy: Any, as_of: int, schema: Any, tz: str, period: Any
) -> Any:
    cycles = _evaluate_partition(frame, policy, as_of, schema)
    return compliance_partials(cycles, tz=tz, period=period)


def _read(path: str | Path) -> tuple[Any, Any]:
    import dask.dataframe as dd
    import pyarrow.parquet as pq

    files = part_files(path)
    frame = dd.read_parquet([str(f) for f in files], split_row_groups=False)
    return frame, pq.read_schema(files[0])


def _compute(collection: Any, client: Any) -> Any:
    if client is None:
        return collection.compute()
    return client.compute(collection).result()


def evaluate_dataset(
    path: str | Path,
    policy: Any,
    *,
    as_of: Any,
    client: Any = None,
    lazy: bool = False,
) -> Any:
    """Evaluate every contact of a partitioned Parquet dataset with Dask.

    ``path`` is a directory written by :func:`write_dataset` (or any
    directory of Parquet files in which each contact's events sit in one
    file); ``policy`` is a :class:`~sla.clocks.ClockPolicy` or a mapping of
    policies by tier code, as for :func:`~sla.clocks.evaluate_table`.
    Returns one row per metric cycle with
    :data:`~sla.clocks.CYCLE_TABLE_COLUMNS` (integers as nullable ``Int64``),
    partition after partition: the same rows as the single-process
    ``evaluate_table`` on all events. With ``client`` (a
    ``distributed.Client``) the work runs on its cluster, otherwise on
    Dask's current scheduler. ``lazy=True`` returns the Dask DataFrame
    instead, e.g. to ``.to_parquet()`` the cycles without gathering them.
    """
    cut = to_seconds(as_of, field="as_of")
    frame, events_schema = _read(path)
    schema = _cycle_schema(events_schema, policy, cut)
    meta = cycles_to_pandas(schema.empty_table())
    cycles = frame.map_partitions(_evaluate_partition, policy, cut, schema, meta=meta)
    if lazy:
        return cycles
    return _compute(cycles, client)


def compliance_dataset(
    path: str | Path,
    policy: Any,
    *,
    as_of: Any,
    client: Any = None,
    tz: str = "UTC",
    period: Period = "month",
    by: Sequence[str] = GROUPS,
    targets: Sequence[ServiceLevelTarget] = (),
    percentiles: Sequence[float] = (50, 90, 95),
) -> Any:
    """The compliance report of a partitioned dataset, equal to the single-process one.

    Equals ``sla.clocks.compliance(evaluate_table(all events, policy,
    as_of=as_of), tz=tz, period=period, by=by, targets=targets,
    percentiles=percentiles)`` exactly: counts, exact attainment fractions,
    means and percentiles. Each partition is evaluated and reduced on its
    worker to counts and response-time histograms; only those travel.
    """
    check_grouping(period, by)
    cut = to_seconds(as_of, field="as_of")
    frame, events_schema = _read(path)
    schema = _cycle_schema(events_schema, policy, cut)
    partials = frame.map_partitions(
        _partials_partition, policy, cut, schema, tz, period, meta=partials_meta()
    )
    gathered = _compute(partials, client)
    return combine_partials(gathered, by=by, targets=targets, percentiles=percentiles)
