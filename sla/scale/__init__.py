"""At scale: partitioned event datasets, Dask and Spark runs, staffing for a whole year.

:func:`write_dataset` cuts events into Parquet part files by a stable hash
of ``contact_id``, so that each part holds whole contacts. :func:`evaluate_dataset`
and :func:`compliance_dataset` evaluate such a dataset with Dask (the
``distributed`` extra) and give exactly the single-process result;
:func:`evaluate_spark` and :func:`compliance_spark` do the same on Spark with
``mapInArrow``. :func:`staffing_by_interval` computes Erlang C agents for
every queue and every 15-minute interval of a year in one vectorized pass.

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
from sla.scale._dataset import EventDataset, partition_of, write_dataset
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
    "EventDataset",
    "StaffingGrid",
    "arrow_evaluator",
    "arrow_partials",
    "combine_partials",
    "compliance_dataset",
    "compliance_partials",
    "compliance_spark",
    "cycle_schema",
    "cycles_to_pandas",
    "evaluate_dataset",
    "evaluate_spark",
    "partition_of",
    "percentile_of_counts",
    "spark_ddl",
    "staffing_by_interval",
    "staffing_grid",
    "write_dataset",
]

publish(globals())
