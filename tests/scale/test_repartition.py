"""Repartitioning a dataset cut by day into one cut by contact, on the local Dask cluster,
and sealing a dataset another tool partitioned by contact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sla import DatasetError
from sla.clocks import ClockPolicy, compliance, evaluate_table
from sla.scale import (
    compliance_dataset,
    read_dataset,
    repartition_dataset,
    seal_dataset,
    write_dataset,
)
from sla.scale._manifest import MARKER
from sla.simulate import Traffic

DAY = 86_400


def _by_day(events: pa.Table, root: Path) -> Path:
    """A Hive-style dataset, one directory per day: contacts cut apart at midnight."""
    day = events.column("at").to_numpy() // DAY
    for value in np.unique(day).tolist():
        folder = root / f"day={value}"
        folder.mkdir(parents=True)
        pq.write_table(events.filter(pa.array(day == value)), folder / "events.parquet")
    return root


def test_a_dataset_by_day_repartitioned_on_dask_equals_write_dataset(
    client: Any, traffic: Traffic, policy: ClockPolicy, as_of: int, tmp_path: Path
) -> None:
    events = traffic.events.to_arrow()
    by_day = _by_day(events, tmp_path / "by-day")
    with pytest.raises(DatasetError, match="has events in both"):
        read_dataset(by_day)
    info = repartition_dataset(by_day, tmp_path / "by-contact", partitions=3, client=client)
    assert sum(info.rows) == events.num_rows
    assert not (tmp_path / "by-contact" / "_shuffle").exists()
    # Part for part the contacts write_dataset puts there.
    direct = write_dataset(events, tmp_path / "direct", partitions=3)
    for mine, theirs in zip(info.files, direct.files, strict=True):
        a = set(pq.read_table(mine).column("contact_id").to_pylist())
        assert a == set(pq.read_table(theirs).column("contact_id").to_pylist())
    report = compliance_dataset(
        tmp_path / "by-contact", policy, as_of=as_of, client=client, by=("metric",)
    )
    single = evaluate_table(events, policy, as_of=as_of)
    assert report.equals(compliance(single, by=("metric",)))


def test_seal_a_dataset_written_by_another_tool(traffic: Traffic, tmp_path: Path) -> None:
    events = traffic.events.to_arrow()
    root = tmp_path / "spark-like"
    root.mkdir()
    ids = np.asarray(events.column("contact_id").to_numpy())
    for bucket in range(3):  # whole contacts per file, another hash than ours
        rows = pa.array(ids % 3 == bucket)
        pq.write_table(events.filter(rows), root / f"part-{bucket}-c000.snappy.parquet")
    sealed = seal_dataset(root)
    assert sum(sealed.rows) == events.num_rows
    assert (root / MARKER).exists()
    assert read_dataset(root).num_rows == events.num_rows
    (root / "part-1-c000.snappy.parquet").unlink()
    with pytest.raises(DatasetError, match=r"part-1-c000\.snappy\.parquet is missing"):
        read_dataset(root)


def test_seal_refuses_a_split_contact(tmp_path: Path) -> None:
    root = tmp_path / "split"
    root.mkdir()
    pq.write_table(
        pa.table({"contact_id": ["a"], "at": [0], "kind": ["created"]}), root / "1.parquet"
    )
    pq.write_table(
        pa.table({"contact_id": ["a"], "at": [9], "kind": ["agent_reply"]}), root / "2.parquet"
    )
    with pytest.raises(DatasetError, match="'a' has events in both"):
        seal_dataset(root)
    assert not (root / MARKER).exists()
