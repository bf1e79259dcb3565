"""Datasets on object storage and under relative paths, in one process and on Dask.

The S3 tests talk to a real S3 endpoint: moto's server, started by the test
on 127.0.0.1 (a free port) and stopped when the module ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.fs as pafs
import pytest

from sla import DatasetError
from sla.clocks import ClockPolicy, compliance, evaluate_table
from sla.scale import compliance_dataset, evaluate_dataset, read_dataset, write_dataset
from sla.simulate import Traffic

KEY = "testing"


@pytest.fixture(scope="module")
def s3_port() -> Iterator[int]:
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        yield int(server._server.server_port)
    finally:
        server.stop()


def _s3(port: int) -> Any:
    return pafs.S3FileSystem(
        access_key=KEY,
        secret_key=KEY,
        endpoint_override=f"127.0.0.1:{port}",
        scheme="http",
        region="us-east-1",
        allow_bucket_creation=True,
        request_timeout=10,
        connect_timeout=5,
    )


def _url(port: int, path: str) -> str:
    options = f"endpoint_override=127.0.0.1:{port}&scheme=http&region=us-east-1"
    return f"s3://{KEY}:{KEY}@{path}?{options}&allow_bucket_creation=true"


def _sorted_cycles(events: Any, policy: ClockPolicy, as_of: int) -> Any:
    cycles = evaluate_table(events, policy, as_of=as_of, output="pandas")
    return cycles.sort_values(["contact_id", "metric", "cycle"]).reset_index(drop=True)


def test_s3_round_trip_in_one_process(
    s3_port: int, traffic: Traffic, policy: ClockPolicy, as_of: int
) -> None:
    url = _url(s3_port, "single/events")
    info = write_dataset(traffic, url, partitions=4)
    assert info.path == "s3://single/events"  # no credentials, no options
    events = read_dataset(url)
    assert events.num_rows == len(traffic.events)
    pd.testing.assert_frame_equal(
        _sorted_cycles(events, policy, as_of),
        _sorted_cycles(traffic.events.to_arrow(), policy, as_of),
    )
    _s3(s3_port).delete_file("single/events/part-00002.parquet")
    with pytest.raises(DatasetError) as caught:
        read_dataset(url)
    assert caught.value.field == "part-00002.parquet"
    assert KEY not in str(caught.value)  # credentials never reach a message


def test_s3_on_dask_equals_the_single_process_report(
    s3_port: int, client: Any, traffic: Traffic, policy: ClockPolicy, as_of: int
) -> None:
    filesystem = _s3(s3_port)  # sent to the workers with the tasks
    write_dataset(traffic, "cluster/events", partitions=4, filesystem=filesystem)
    report = compliance_dataset(
        "cluster/events",
        policy,
        as_of=as_of,
        client=client,
        filesystem=filesystem,
        tz="Europe/Berlin",
        by=("tier", "metric"),
    )
    single = evaluate_table(traffic.events.to_arrow(), policy, as_of=as_of)
    expected = compliance(single, tz="Europe/Berlin", by=("tier", "metric"))
    pd.testing.assert_frame_equal(report, expected, check_exact=True)
    assert report.attrs["sla_read"]["events"] == len(traffic.events)


def test_a_relative_path_is_resolved_on_the_client(
    client: Any,
    traffic: Traffic,
    policy: ClockPolicy,
    as_of: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The workers run in another directory: "events" there is not the client's."""
    monkeypatch.chdir(tmp_path)
    write_dataset(traffic, "events", partitions=2)
    worker_dirs = set(client.run(lambda: str(Path.cwd())).values())
    assert str(tmp_path) not in worker_dirs
    cycles = evaluate_dataset("events", policy, as_of=as_of, client=client)
    assert len(cycles) == len(evaluate_table(traffic.events.to_arrow(), policy, as_of=as_of))


def test_file_and_fsspec_urls(traffic: Traffic, tmp_path: Path) -> None:
    pytest.importorskip("fsspec")
    local = write_dataset(traffic, (tmp_path / "a").as_uri(), partitions=2)
    assert local.path.startswith("file://")
    assert read_dataset((tmp_path / "a").as_uri()).num_rows == len(traffic.events)
    write_dataset(traffic, "memory://sla-test/events", partitions=3)
    assert read_dataset("memory://sla-test/events").num_rows == len(traffic.events)
