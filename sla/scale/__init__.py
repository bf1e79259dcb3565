"""At scale: partitioned event datasets, Dask and Spark runs, staffing for a whole year.

:func:`write_dataset` cuts events into Parquet part files by a stable hash
of ``contact_id``, so that each part holds whole contacts, and writes a
manifest (rows, contacts, size and SHA-256 of every part, the schema) that
every read checks: a missing, extra, truncated or replaced part, or an
instant that is null, naive or not epoch seconds, is a :class:`~sla.DatasetError`
naming the file (and row and contact). Paths may be any fsspec URL.
:func:`evaluate_dataset` and :func:`compliance_dataset` evaluate such a
dataset with Dask (the ``distributed`` extra) and give exactly the
single-process result, the partials merged in a tree on the workers;
:func:`evaluate_spark` and :func:`compliance_spark` do the same on Spark with
``mapInArrow``. :func:`repartition_dataset` cuts any dataset by contact on
Dask, :func:`seal_dataset` gives one written elsewhere a manifest, and
:func:`evaluate_incremental` runs nightly on new events and a checkpoint.
:func:`write_report` / :func:`read_report` keep exact fractions in Parquet
and CSV. :func:`staffing_by_interval` computes Erlang C agents for every
queue and every 15-minute interval of a year in one vectorized pass.

The exact compliance partials (:func:`compliance_partials`,
:func:`combine_partials`, :func:`percentile_of_counts`, :data:`GROUPS`,
:data:`PARTIAL_COLUMNS`) live in :mod:`sla.clocks`, where
:func:`sla.clocks.compliance` is built from them; they are re-exported here.
"""

from sla._public import publish
from sla.clocks import (
    COMPLIANCE_GROUPS as GROUPS,
)
from sla.clocks import (
    PARTIAL_COLUMNS,
    combine_partials,
    compliance_partials,
    percentile_of_counts,
)
from sla.scale._dask import compliance_dataset, cycles_to_pandas, evaluate_dataset
from sla.scale._dataset import EventDataset, partition_of, read_dataset, write_dataset
from sla.scale._export import (
    read_cycles,
    read_report,
    report_from_arrow,
    report_to_arrow,
    write_cycles,
    write_report,
)
from sla.scale._incremental import (
    Checkpoint,
    IncrementalRun,
    evaluate_incremental,
    read_checkpoint,
)
from sla.scale._merge import merge_partials
from sla.scale._read import check_instants
from sla.scale._repartition import repartition_dataset, seal_dataset
from sla.scale._spark import (
    arrow_evaluator,
    arrow_partials,
    compliance_spark,
    cycle_schema,
    evaluate_spark,
    spark_ddl,
)
from sla.scale._staffing import StaffingGrid, staffing_by_interval, staffing_grid

__all__ = [
    "GROUPS",
    "PARTIAL_COLUMNS",
    "Checkpoint",
    "EventDataset",
    "IncrementalRun",
    "StaffingGrid",
    "arrow_evaluator",
    "arrow_partials",
    "check_instants",
    "combine_partials",
    "compliance_dataset",
    "compliance_partials",
    "compliance_spark",
    "cycle_schema",
    "cycles_to_pandas",
    "evaluate_dataset",
    "evaluate_incremental",
    "evaluate_spark",
    "merge_partials",
    "partition_of",
    "percentile_of_counts",
    "read_checkpoint",
    "read_cycles",
    "read_dataset",
    "read_report",
    "repartition_dataset",
    "report_from_arrow",
    "report_to_arrow",
    "seal_dataset",
    "spark_ddl",
    "staffing_by_interval",
    "staffing_grid",
    "write_cycles",
    "write_dataset",
    "write_report",
]

publish(globals())
