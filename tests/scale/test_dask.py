"""The Dask path on a local two-worker cluster equals the single-process run, row for row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from sla import ClockError, DatasetError
from sla.clocks import (
    CYCLE_TABLE_COLUMNS,
    ClockPolicy,
    ServiceLevelTarget,
    compliance,
    evaluate_table,
)
from sla.scale import compliance_dataset, cycles_to_pandas, evaluate_dataset, write_dataset
from sla.simulate import Traffic

pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

KEY = ["contact_id", "metric", "cycle"]


@pytest.fixture(scope="module")
def dataset(traffic: Traffic, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "events"
    write_dataset(traffic, path, partitions=4)
    return path


def _sorted(frame: Any) -> Any:
    return frame.sort_values(KEY).reset_index(drop=True)


def test_cycles_equal_the_single_process_run(
    client: Any, dataset: Path, traffic: Traffic, policy: ClockPolicy, as_of: int
) -> None:
    got = evaluate_dataset(dataset, policy, as_of=as_of, client=client)
    single = evaluate_table(traffic.events.to_arrow(), policy, as_of=as_of, output="arrow")
    expected = cycles_to_pandas(single)
    assert list(got.columns) == list(CYCLE_TABLE_COLUMNS)
    assert len(got) == len(expected) > 1000
    assert set(got["status"]) >= {"met", "breached", "active"}
    pd.testing.assert_frame_equal(_sorted(got), _sorted(expected), check_exact=True)
    workers = client.run(lambda: 1)
    assert len(workers) == 2


def test_policies_by_tier_equal_the_single_process_run(
    client: Any,
    dataset: Path,
    traffic: Traffic,
    tier_policies: dict[str, ClockPolicy],
    as_of: int,
) -> None:
    got = evaluate_dataset(dataset, tier_policies, as_of=as_of, client=client)
    single = evaluate_table(traffic.events.to_arrow(), tier_policies, as_of=as_of, output="arrow")
    pd.testing.assert_frame_equal(_sorted(got), _sorted(cycles_to_pandas(single)))
    assert set(got["policy_id"]) == {"A", "B", "C"}


def test_compliance_equals_the_single_process_report(
    client: Any, dataset: Path, traffic: Traffic, policy: ClockPolicy, as_of: int
) -> None:
    targets = [
        ServiceLevelTarget("speed_of_answer", "4/5", within_seconds=20),
        ServiceLevelTarget("first_response", "9/10"),
    ]
    single = evaluate_table(traffic.events.to_arrow(), policy, as_of=as_of)
    for by in [("tier", "channel", "metric", "priority", "period"), ("metric", "period")]:
        expected = compliance(
            single, tz="Europe/Berlin", by=by, targets=targets, percentiles=(50, 90, 95, 99)
        )
        got = compliance_dataset(
            dataset,
            policy,
            as_of=as_of,
            client=client,
            tz="Europe/Berlin",
            by=by,
            targets=targets,
            percentiles=(50, 90, 95, 99),
        )
        assert set(expected["period"]) == {"2025-06", "2025-07"}
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_lazy_result_has_one_partition_per_part_file(
    dataset: Path, policy: ClockPolicy, as_of: int
) -> None:
    lazy = evaluate_dataset(dataset, policy, as_of=as_of, lazy=True)
    assert lazy.npartitions == 4
    assert list(lazy.columns) == list(CYCLE_TABLE_COLUMNS)
    # Without a client: Dask's default scheduler, same rows.
    first = lazy.get_partition(0).compute(scheduler="synchronous")
    assert set(first["contact_id"]).isdisjoint(
        set(lazy.get_partition(1).compute(scheduler="synchronous")["contact_id"])
    )


def test_bad_period_is_refused_before_any_work(dataset: Path, policy: ClockPolicy) -> None:
    with pytest.raises(ClockError, match="period"):
        compliance_dataset(dataset, policy, as_of=0, period="fortnight")  # type: ignore[arg-type]


def test_tree_reduce_counts_every_event_read(
    client: Any, dataset: Path, traffic: Traffic, policy: ClockPolicy, as_of: int
) -> None:
    """Partials merged two at a time on the workers (4 files: two levels) give the same
    report; the events after ``as_of``, which no cycle counts, are counted and reported."""
    single = evaluate_table(traffic.events.to_arrow(), policy, as_of=as_of)
    expected = compliance(single, tz="Europe/Berlin", by=("tier", "metric", "period"))
    got = compliance_dataset(
        dataset, policy, as_of=as_of, client=client, tz="Europe/Berlin",
        by=("tier", "metric", "period"), split_every=2,
    )  # fmt: skip
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    at = traffic.events.to_arrow().column("at").to_numpy()
    assert got.attrs["sla_read"] == {
        "files": 4,
        "events": len(at),
        "events_after_as_of": int((at > as_of).sum()),
    }
    assert got.attrs["sla_read"]["events_after_as_of"] > 0
    with pytest.raises(DatasetError, match="split_every"):
        compliance_dataset(dataset, policy, as_of=as_of, split_every=1)


def test_a_foreign_dataset_is_checked_on_the_cluster(
    client: Any, traffic: Traffic, policy: ClockPolicy, as_of: int, tmp_path: Path
) -> None:
    """Without a manifest: contacts split over files are found by a distributed
    aggregation, and a file in epoch milliseconds is named by the worker that reads it."""
    events = traffic.events.to_arrow()
    half = events.num_rows // 2
    split = tmp_path / "split"
    split.mkdir()
    pq.write_table(events.slice(0, half), split / "a.parquet")
    pq.write_table(events.slice(half), split / "b.parquet")
    with pytest.raises(DatasetError, match=r"has events in both .*a\.parquet and .*b\.parquet"):
        compliance_dataset(split, policy, as_of=as_of, client=client)
    millis = tmp_path / "millis"
    write_dataset(events, millis, partitions=2)
    (millis / "_sla_dataset.json").unlink()  # now a foreign dataset: no checksums to catch it
    part = pq.read_table(millis / "part-00001.parquet")
    at = pc.multiply(part.column("at"), 1000)
    pq.write_table(
        part.set_column(part.schema.get_field_index("at"), "at", at), millis / "part-00001.parquet"
    )
    with pytest.raises(DatasetError, match=r"part-00001\.parquet, row 0, contact .*milliseconds"):
        evaluate_dataset(millis, policy, as_of=as_of, client=client)


def test_an_evaluation_error_names_the_file(policy: ClockPolicy, tmp_path: Path) -> None:
    """The evaluator's own errors (here an unknown event kind) come back naming the part."""
    bad = pa.table({"contact_id": ["a", "b"], "at": [10, 20], "kind": ["created", "teleported"]})
    write_dataset(bad, tmp_path / "bad", partitions=2)
    with pytest.raises(DatasetError, match=r"bad/part-0000\d\.parquet: .*teleported") as caught:
        evaluate_dataset(tmp_path / "bad", policy, as_of=100)
    assert caught.value.field == "kind"
