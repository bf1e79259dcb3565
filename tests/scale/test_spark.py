"""The Spark path: Arrow-in/Arrow-out partition functions, and the mapInArrow glue.

pyspark needs a Java runtime, so the suite runs the partition functions
directly on Arrow batches (what Spark hands them) and the glue on a small
in-memory stand-in for a Spark DataFrame; with pyspark installed, the last
test runs the real thing on a local session.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.clocks import CYCLE_TABLE_COLUMNS, ClockPolicy, compliance, evaluate_table
from sla.scale import (
    arrow_evaluator,
    arrow_partials,
    combine_partials,
    compliance_partials,
    compliance_spark,
    cycle_schema,
    cycles_to_pandas,
    evaluate_spark,
    partition_of,
    spark_ddl,
)
from sla.simulate import Traffic

KEY = ["contact_id", "metric", "cycle"]


def _sorted(frame: Any) -> Any:
    return frame.sort_values(KEY).reset_index(drop=True)


@pytest.fixture(scope="module")
def events(traffic: Traffic) -> Any:
    return traffic.events.to_arrow()


@pytest.fixture(scope="module")
def expected(events: Any, policy: ClockPolicy, as_of: int) -> Any:
    return cycles_to_pandas(evaluate_table(events, policy, as_of=as_of, output="arrow"))


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 5000))
def test_a_partition_split_into_any_batches_is_evaluated_whole(
    events: Any, policy: ClockPolicy, as_of: int, expected: Any, batch_rows: int
) -> None:
    """Spark may cut a partition into many batches, through the middle of a contact."""
    run = arrow_evaluator(policy, as_of)
    out = pa.Table.from_batches(list(run(iter(events.to_batches(max_chunksize=batch_rows)))))
    pd.testing.assert_frame_equal(_sorted(cycles_to_pandas(out)), _sorted(expected))


def test_an_empty_partition_yields_nothing(policy: ClockPolicy) -> None:
    assert list(arrow_evaluator(policy, 0)(iter([]))) == []


def test_the_cycle_schema_as_spark_ddl(policy: ClockPolicy) -> None:
    schema = cycle_schema(policy, 0)
    assert schema.names == list(CYCLE_TABLE_COLUMNS)
    ddl = spark_ddl(schema)
    assert ddl.startswith("contact_id string, metric string, cycle bigint")
    assert ddl.count(",") == len(CYCLE_TABLE_COLUMNS) - 1


def test_partials_of_batches_combine_into_the_report(expected: Any) -> None:
    """A partition cut into many batches sends one partials table: no more rows than the
    partials of all its cycles at once, and the same report."""
    batches = pa.Table.from_pandas(expected, preserve_index=False).to_batches(max_chunksize=777)
    assert len(batches) > 5
    partials = pa.Table.from_batches(list(arrow_partials(tz="Europe/Berlin")(iter(batches))))
    whole = compliance_partials(expected, tz="Europe/Berlin", output="arrow")
    assert partials.num_rows == whole.num_rows
    got = combine_partials(partials.to_pandas(), by=("tier", "metric", "period"))
    want = compliance(expected, tz="Europe/Berlin", by=("tier", "metric", "period"))
    pd.testing.assert_frame_equal(got, want, check_exact=True)


class _Rdd:
    def __init__(self, n: int) -> None:
        self.n = n

    def getNumPartitions(self) -> int:
        return self.n


class LocalFrame:
    """Just enough of a Spark DataFrame: hash repartitioning, mapInArrow, toPandas."""

    def __init__(self, parts: list[pa.Table]) -> None:
        self.parts = parts
        self.rdd = _Rdd(len(parts))
        self.repartitioned_by: str | None = None

    def repartition(self, n: int, column: str) -> LocalFrame:
        whole = pa.concat_tables(self.parts)
        where = partition_of(whole.column(column).to_numpy(), n)
        frame = LocalFrame([whole.filter(pa.array(where == i)) for i in range(n)])
        frame.repartitioned_by = column
        return frame

    def mapInArrow(self, fn: Callable[[Iterator[Any]], Iterator[Any]], schema: str) -> LocalFrame:
        assert isinstance(schema, str)
        out = []
        for part in self.parts:
            batches = list(fn(iter(part.to_batches(max_chunksize=500))))
            out.append(pa.Table.from_batches(batches) if batches else None)
        return LocalFrame([t for t in out if t is not None])

    def toPandas(self) -> Any:
        return pa.concat_tables(self.parts).to_pandas()

    def groupBy(self, *keys: str) -> _Grouped:
        return _Grouped(self, list(keys))

    def withColumnRenamed(self, old: str, new: str) -> LocalFrame:
        return LocalFrame([t.rename_columns([new if n == old else n for n in t.column_names])
                           for t in self.parts])  # fmt: skip


class _Grouped:
    """groupBy(...).agg({"count": "sum"}) as Spark names it: a column "sum(count)"."""

    def __init__(self, frame: LocalFrame, keys: list[str]) -> None:
        self.frame, self.keys = frame, keys

    def agg(self, spec: dict[str, str]) -> LocalFrame:
        ((column, how),) = spec.items()
        whole = pa.concat_tables([t.cast(self.frame.parts[0].schema) for t in self.frame.parts])
        summed = whole.group_by(self.keys).aggregate([(column, how)])
        return LocalFrame([summed.rename_columns([*self.keys, f"{how}({column})"])])


def test_evaluate_spark_repartitions_by_contact(
    events: Any, policy: ClockPolicy, as_of: int, expected: Any
) -> None:
    # Arrival order, not by contact: a contact's events start out in several partitions.
    shuffled = events.take(np.random.default_rng(3).permutation(events.num_rows))
    frame = LocalFrame([shuffled.slice(i * 4000, 4000) for i in range(-(-events.num_rows // 4000))])
    cycles = evaluate_spark(frame, policy, as_of, partitions=3)
    got = cycles_to_pandas(pa.concat_tables(cycles.parts))
    pd.testing.assert_frame_equal(_sorted(got), _sorted(expected))
    report = compliance_spark(cycles, tz="Europe/Berlin", by=("metric",))
    pd.testing.assert_frame_equal(report, compliance(expected, tz="Europe/Berlin", by=("metric",)))


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="pyspark not installed")
def test_on_a_local_spark_session(
    events: Any, policy: ClockPolicy, as_of: int, expected: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs only where pyspark (and Java 17+) is installed: CI does not install the
    ``spark`` extra, so there this test is skipped; it was run by hand with pyspark."""
    import sys

    from pyspark.sql import SparkSession

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # workers import sla and pyarrow
    spark = SparkSession.builder.master("local[2]").getOrCreate()
    try:
        frame = spark.createDataFrame(events.to_pandas().astype({"kind": str}))
        cycles = evaluate_spark(frame, policy, as_of, partitions=4)
        got = cycles_to_pandas(pa.Table.from_pandas(cycles.toPandas(), preserve_index=False))
        assert len(got) == len(expected)
        by = ("tier", "metric", "period")
        report = compliance_spark(cycles, tz="Europe/Berlin", by=by)
        want = compliance(expected, tz="Europe/Berlin", by=by)
        pd.testing.assert_frame_equal(report, want, check_exact=True)
    finally:
        spark.stop()
