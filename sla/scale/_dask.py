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
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sla._types import Instant
from sla.clocks import (
    COMPLIANCE_GROUPS,
    ServiceLevelTarget,
    combine_partials,
    compliance_partials,
    evaluate_arrow,
    to_seconds,
)
from sla.clocks._partials import Period, check_grouping
from sla.scale._dataset import part_files

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pandas as pd
    import pyarrow as pa
    from distributed import Client

    from sla.clocks._engine import Policies

__all__ = ["compliance_dataset", "cycles_to_pandas", "evaluate_dataset"]


def cycles_to_pandas(cycles: pa.Table) -> pd.DataFrame:
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


def _cycles_of(file: str, policy: Any, as_of: int) -> Any:
    import pyarrow.parquet as pq

    return evaluate_arrow(pq.read_table(file), policy, as_of=as_of)


def _evaluate_part(file: str, policy: Any, as_of: int, schema: Any) -> Any:
    cycles = _cycles_of(file, policy, as_of)
    return cycles_to_pandas(cycles.select(schema.names).cast(schema))


def _partials_part(file: str, policy: Any, as_of: int, tz: str | None, period: Period) -> Any:
    cycles = _cycles_of(file, policy, as_of)
    return compliance_partials(cycles, tz=tz, period=period, output="arrow")


def _gather(client: Client, parts: list[Any]) -> Any:
    untyped: Any = client  # distributed ships partial type hints, as dask does
    return untyped.gather(untyped.compute(parts))


def _module(name: str) -> Any:
    # dask ships partial type hints; through Any, its untyped calls stay out of mypy's way.
    return importlib.import_module(name)


def evaluate_dataset(
    path: str | Path,
    policy: Policies,
    *,
    as_of: Instant,
    client: Client | None = None,
    lazy: bool = False,
) -> pd.DataFrame | dd.DataFrame:
    """Evaluate every contact of a partitioned Parquet dataset with Dask.

    ``path`` is a directory written by :func:`write_dataset` (or any
    directory of Parquet files in which each contact's events sit in one
    file); ``policy`` is a :class:`~sla.clocks.ClockPolicy` or a mapping of
    policies by tier code, as for :func:`~sla.clocks.evaluate_table`.
    Returns one row per metric cycle with
    :data:`~sla.clocks.CYCLE_TABLE_COLUMNS` (integers as nullable ``Int64``),
    one partition per part file, gathered to the client (index ``0..n-1``),
    the same rows as the single-process
    ``evaluate_table`` on all events. With ``client`` (a
    ``distributed.Client``) the work runs on its cluster, otherwise on
    Dask's current scheduler. ``lazy=True`` returns the Dask DataFrame
    instead, e.g. to ``.to_parquet()`` the cycles without gathering them.
    """
    import pyarrow.parquet as pq

    dd = _module("dask.dataframe")
    cut = to_seconds(as_of, field="as_of")
    files = [str(f) for f in part_files(path)]
    schema = _cycle_schema(pq.read_schema(files[0]), policy, cut)
    meta = cycles_to_pandas(schema.empty_table())
    # Dask would re-type text columns to its own string dtype; the cycles keep
    # the types cycles_to_pandas gives, those of the single-process result.
    with _module("dask").config.set({"dataframe.convert-string": False}):
        cycles = dd.from_map(
            _evaluate_part,
            files,
            args=(policy, cut, schema),
            meta=meta,
            label="sla-evaluate",
            enforce_metadata=False,
        )
    if lazy:
        return cycles
    # Gather the partitions and concatenate here: Dask's own compute() first
    # moves every partition onto one worker to concatenate them there, which
    # held all cycles twice on that worker (5 GiB at 10^7 events).
    import pandas as pd

    parts = cycles.to_delayed()
    frames = _module("dask").compute(*parts) if client is None else _gather(client, parts)
    return pd.concat(frames, ignore_index=True)


def compliance_dataset(
    path: str | Path,
    policy: Policies,
    *,
    as_of: Instant,
    client: Client | None = None,
    tz: str | None = None,
    period: Period = "month",
    by: Sequence[str] = COMPLIANCE_GROUPS,
    targets: Sequence[ServiceLevelTarget] = (),
    percentiles: Sequence[float] = (50, 90, 95),
) -> pd.DataFrame:
    """The compliance report of a partitioned dataset, equal to the single-process one.

    Equals ``sla.clocks.compliance(evaluate_table(all events, policy,
    as_of=as_of), tz=tz, period=period, by=by, targets=targets,
    percentiles=percentiles)`` exactly: counts, exact attainment fractions,
    means and percentiles. Each part file is read, evaluated and reduced to
    partials (counts and response-time histograms, in Arrow) on its worker;
    only the partials travel, and are combined on the client.
    """
    dask = _module("dask")
    check_grouping(period, by)
    cut = to_seconds(as_of, field="as_of")
    files = [str(f) for f in part_files(path)]
    task = dask.delayed(_partials_part)
    parts = [task(file, policy, cut, tz, period) for file in files]
    gathered = dask.compute(*parts) if client is None else _gather(client, parts)
    return combine_partials(gathered, by=by, targets=targets, percentiles=percentiles)
