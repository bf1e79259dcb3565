"""Every way a dataset used to lose contacts silently now fails loudly, naming the file.

Each case is one the issue reproduced on a ``write_dataset`` directory: a
deleted part, a part in epoch milliseconds, a stray file, a part copied under
a new name (which split contacts in two), and a truncated or rewritten part.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from sla import ClockError, DatasetError, SLAError
from sla.scale import check_instants, read_dataset, write_dataset
from sla.scale._manifest import MARKER
from sla.simulate import Traffic

PARTS = 8


@pytest.fixture
def dataset(traffic: Traffic, tmp_path: Path) -> Path:
    path = tmp_path / "events"
    write_dataset(traffic, path, partitions=PARTS)
    return path


def test_an_intact_dataset_reads_back_every_event(dataset: Path, traffic: Traffic) -> None:
    events = read_dataset(dataset)
    assert events.num_rows == len(traffic.events)
    assert sorted(events.column("contact_id").to_pylist()) == sorted(
        traffic.events.to_arrow().column("contact_id").to_pylist()
    )


def test_a_deleted_part_is_named(dataset: Path) -> None:
    (dataset / "part-00005.parquet").unlink()
    with pytest.raises(DatasetError) as caught:
        read_dataset(dataset)
    assert caught.value.field == "part-00005.parquet"
    assert "part-00005.parquet is missing" in str(caught.value)
    assert isinstance(caught.value, ClockError)
    assert isinstance(caught.value, SLAError)


def test_a_stray_file_is_named_not_ignored(dataset: Path) -> None:
    late = pq.read_table(dataset / "part-00002.parquet").slice(0, 10)
    pq.write_table(late, dataset / "late-2025-07-01.parquet")
    with pytest.raises(DatasetError, match=r"late-2025-07-01\.parquet is not part of the dataset"):
        read_dataset(dataset)


def test_a_part_copied_under_a_new_name_is_refused(dataset: Path) -> None:
    """The same file as part-00008 put each of its contacts in two parts: 462 vs 125
    breaches in the issue. Now it is not part of the manifest, so the read stops."""
    shutil.copy(dataset / "part-00003.parquet", dataset / "part-00008.parquet")
    with pytest.raises(DatasetError) as caught:
        read_dataset(dataset)
    assert caught.value.field == "part-00008.parquet"


def test_missing_and_extra_parts_are_all_reported(dataset: Path) -> None:
    (dataset / "part-00001.parquet").unlink()
    (dataset / "part-00006.parquet").unlink()
    shutil.copy(dataset / "part-00000.parquet", dataset / "extra.parquet")
    with pytest.raises(DatasetError) as caught:
        read_dataset(dataset)
    fields = [problem.field for problem in caught.value.problems]
    assert fields == ["part-00001.parquet", "part-00006.parquet", "extra.parquet"]


def test_a_truncated_part_is_named(dataset: Path) -> None:
    file = dataset / "part-00004.parquet"
    file.write_bytes(file.read_bytes()[:-100])
    with pytest.raises(DatasetError, match=r"part-00004\.parquet has \d+ bytes.*truncated"):
        read_dataset(dataset)


def test_a_part_rewritten_in_milliseconds_is_named(dataset: Path) -> None:
    """A part whose ``at`` is epoch milliseconds dropped 12.9 % of cycles as "after as_of";
    its bytes no longer match the manifest, so it is refused before any evaluation."""
    file = dataset / "part-00003.parquet"
    table = pq.read_table(file)
    millis = table.set_column(
        table.schema.get_field_index("at"), "at", pc.multiply(table.column("at"), 1000)
    )
    pq.write_table(millis, file)
    with pytest.raises(DatasetError, match=r"part-00003\.parquet"):
        read_dataset(dataset)


def test_a_part_changed_in_place_with_the_same_size_is_caught_by_its_checksum(
    dataset: Path,
) -> None:
    file = dataset / "part-00007.parquet"
    data = bytearray(file.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    file.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match=r"part-00007\.parquet is not the file write_dataset"):
        read_dataset(dataset)


def test_an_edited_manifest_is_refused(dataset: Path) -> None:
    marker = dataset / MARKER
    marker.write_text(marker.read_text().replace('"rows": ', '"rows": 1'), encoding="utf-8")
    with pytest.raises(DatasetError, match="checksum"):
        read_dataset(dataset)


def _foreign(tmp_path: Path, tables: dict[str, pa.Table]) -> Path:
    root = tmp_path / "foreign"
    root.mkdir()
    for name, table in tables.items():
        pq.write_table(table, root / name)
    return root


def test_a_foreign_part_in_milliseconds_names_file_row_and_contact(tmp_path: Path) -> None:
    seconds = pa.table(
        {
            "contact_id": ["a", "a"],
            "at": [1_751_328_000, 1_751_328_600],
            "kind": ["created", "agent_reply"],
        }
    )
    millis = pa.table(
        {
            "contact_id": ["b", "c"],
            "at": [1_751_328_000, 1_751_328_000_000],
            "kind": ["created"] * 2,
        }
    )
    root = _foreign(tmp_path, {"one.parquet": seconds, "two.parquet": millis})
    with pytest.raises(DatasetError) as caught:
        read_dataset(root)
    message = str(caught.value)
    assert "two.parquet, row 1, contact 'c'" in message
    assert "epoch milliseconds (2025-07-01 00:00:00 UTC" in message
    assert "1 of 2 rows" in message


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (pa.array([5, None], pa.int64()), r"row 1, contact 'y': at is null"),
        (pa.array([0, 0], pa.timestamp("s")), "without a time zone"),
        (pa.array([1.5, 2.0]), "expected int64 epoch seconds"),
        (pa.array([5, -1]), "before 1970"),
        (pa.array([5, 1_751_328_000_000_000]), "epoch microseconds"),
    ],
)
def test_bad_instants_are_refused_with_their_place(at: pa.Array, expected: str) -> None:
    table = pa.table({"contact_id": ["x", "y"], "at": at, "kind": ["created"] * 2})
    with pytest.raises(DatasetError, match=expected):
        check_instants(table, "f.parquet")


def test_write_dataset_refuses_milliseconds_and_leaves_no_half_dataset(tmp_path: Path) -> None:
    events = pa.table(
        {
            "contact_id": [1, 2, 3],
            "at": [1_751_328_000, 1_751_328_000_000, 5],
            "kind": ["created"] * 3,
        }
    )
    with pytest.raises(DatasetError, match=r"events, row 1, contact 2: at = 1751328000000"):
        write_dataset(events, tmp_path / "out", partitions=2)
    assert not list((tmp_path / "out").glob("*.parquet"))
