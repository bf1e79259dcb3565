"""Evaluate contact events on Spark with ``mapInArrow``, and build compliance exactly.

Spark hands each partition to Python as Arrow record batches; the
evaluator needs whole contacts, so :func:`evaluate_spark` first
``repartition``\\ s by ``contact_id`` (Spark hashes the column, so every
event of a contact lands in one partition) and then gathers a partition's
batches before evaluating. The per-partition functions are plain Arrow in,
Arrow out (:func:`arrow_evaluator`, :func:`arrow_partials`), so they run the
same under any engine that maps over Arrow batches (Spark, Ray, DuckDB...).
pyspark is never imported here: the DataFrame you pass brings it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sla._types import Instant
from sla.clocks import (
    COMPLIANCE_GROUPS,
    PARTIAL_COLUMNS,
    ServiceLevelTarget,
    combine_partials,
    compliance_partials,
    evaluate_table,
    to_seconds,
)
from sla.clocks._partials import Period, check_grouping

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    from pyspark.sql import DataFrame as SparkFrame

    from sla.clocks._engine import Policies

__all__ = [
    "arrow_evaluator",
    "arrow_partials",
    "compliance_spark",
    "cycle_schema",
    "evaluate_spark",
    "spark_ddl",
]

Batches = Callable[[Iterator["pa.RecordBatch"]], Iterator["pa.RecordBatch"]]
_SPARK_TYPES = {
    "string": "string",
    "large_string": "string",
    "int64": "bigint",
    "int32": "int",
    "bool": "boolean",
    "double": "double",
}


def cycle_schema(policy: Policies, as_of: Instant) -> pa.Schema:
    """The Arrow schema of the cycle table (asked of the evaluator, on no events)."""
    import pyarrow as pa

    empty = pa.table(
        {
            "contact_id": pa.array([], pa.string()),
            "at": pa.array([], pa.int64()),
            "kind": pa.array([], pa.string()),
        }
    )
    return evaluate_table(empty, policy, as_of=to_seconds(as_of, field="as_of")).schema


def spark_ddl(schema: pa.Schema) -> str:
    """A Spark DDL schema string (``"contact_id string, cycle bigint, ..."``) for an Arrow one."""
    return ", ".join(f"{field.name} {_SPARK_TYPES[str(field.type)]}" for field in schema)


def arrow_evaluator(policy: Policies, as_of: Instant) -> Batches:
    """A function: the record batches of one partition -> its cycle record batches.

    Every event of a contact must be in the batches of the same call (one
    partition); the batches are gathered before evaluating, so a contact
    split across batches is still evaluated whole.
    """
    import pyarrow as pa

    cut = to_seconds(as_of, field="as_of")
    schema = cycle_schema(policy, cut)

    def evaluate_batches(batches: Iterator[Any]) -> Iterator[Any]:
        gathered = list(batches)
        if not gathered or not sum(b.num_rows for b in gathered):
            return
        events = pa.Table.from_batches(gathered)
        cycles = evaluate_table(events, policy, as_of=cut, output="arrow")
        yield from cycles.select(schema.names).cast(schema).to_batches()

    return evaluate_batches


def _partials_schema() -> Any:
    import pyarrow as pa

    text = [pa.field(name, pa.string()) for name in PARTIAL_COLUMNS[:-2]]
    return pa.schema([*text, pa.field("value", pa.int64()), pa.field("count", pa.int64())])


def arrow_partials(*, tz: str | None = None, period: Period = "month") -> Batches:
    """A function: cycle record batches -> compliance partials as record batches.

    Partials add up, so batches need no grouping; combine all of them with
    :func:`~sla.clocks.combine_partials`. Arrow in, Arrow out: no pandas.
    """
    check_grouping(period, ())
    schema = _partials_schema()

    def partials_of(batches: Iterable[Any]) -> Iterator[Any]:
        for batch in batches:
            if not batch.num_rows:
                continue
            partials = compliance_partials(batch, tz=tz, period=period, output="arrow")
            yield from partials.cast(schema).to_batches()

    return partials_of


def evaluate_spark(
    df: SparkFrame, policy: Policies, as_of: Instant, *, partitions: int | None = None
) -> SparkFrame:
    """A Spark DataFrame of metric cycles for a Spark DataFrame of events.

    ``df`` has the event table's columns (:data:`~sla.clocks.EVENT_TABLE_SCHEMA`;
    ``at`` as epoch seconds or a timestamp). It is repartitioned by
    ``contact_id`` into ``partitions`` (default: its current count) and each
    partition is evaluated with ``mapInArrow``. The result is lazy, like any
    Spark DataFrame; its rows equal the single-process ``evaluate_table``.
    """
    count = partitions or df.rdd.getNumPartitions()
    schema = cycle_schema(policy, as_of)
    by_contact = df.repartition(count, "contact_id")
    return by_contact.mapInArrow(arrow_evaluator(policy, as_of), spark_ddl(schema))


def compliance_spark(
    cycles: SparkFrame,
    *,
    tz: str | None = None,
    period: Period = "month",
    by: Sequence[str] = COMPLIANCE_GROUPS,
    targets: Sequence[ServiceLevelTarget] = (),
    percentiles: Sequence[float] = (50, 90, 95),
) -> pd.DataFrame:
    """The exact compliance report (pandas) of a Spark DataFrame of cycles.

    Each Spark partition reduces its cycles to partials; only those are
    collected and combined, as in :func:`~sla.scale.compliance_dataset`.
    """
    check_grouping(period, by)
    ddl = spark_ddl(_partials_schema())
    partials = cycles.mapInArrow(arrow_partials(tz=tz, period=period), ddl).toPandas()
    return combine_partials(partials, by=by, targets=targets, percentiles=percentiles)
