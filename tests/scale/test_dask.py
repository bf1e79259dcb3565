"""The Dask path on a local two-worker cluster equals the single-process run, row for row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sla import ClockError
from sla.clocks import (
    CYCLE_TABLE_COLUMNS,
    ClockPolicy,
    ServiceLevelTarget,
    compliance,
    evaluate_table,
)
from sla.scale import compliance_dataset, cycles_to_pandas, evaluate_dataset, write_dataset
from sla.simulate import Traffic

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

KEY = ["contact_id", "metric", "cycle"]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        timeout=60,
    )
    client = distributed.Client(cluster, timeout=60)
    try:
        client.wait_for_workers(2, timeout=60)
        yield client
    finally:
        client.close()
        cluster.close()


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
