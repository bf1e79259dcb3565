"""Reports and cycles survive Parquet and CSV exactly: fractions, nulls, floats, text."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from sla import DatasetError
from sla.clocks import ClockPolicy, ServiceLevelTarget, compliance, evaluate_table
from sla.scale import read_cycles, read_report, report_to_arrow, write_cycles, write_report
from sla.simulate import Traffic


def _cells(column: pd.Series) -> list[tuple[str, object]]:
    """Each cell as (kind, value): a Fraction must come back a Fraction, 3 must stay 3."""
    out = []
    for value in column.tolist():
        if not isinstance(value, Fraction) and pd.isna(value):
            out.append(("missing", None))
        elif isinstance(value, Fraction):
            out.append(("fraction", value))
        elif isinstance(value, float) and column.name in ("sl_met", "sl_within_seconds"):
            out.append(("int", int(value)))  # a count pandas holds as float beside NaN
        elif isinstance(value, float):
            out.append(("float", value))
        elif isinstance(value, int):
            out.append(("int", value))
        else:
            out.append((type(value).__name__, value))
    return out


@pytest.fixture(scope="module")
def cycles(traffic: Traffic, policy: ClockPolicy, as_of: int) -> pa.Table:
    return evaluate_table(traffic.events.to_arrow(), policy, as_of=as_of, output="arrow")


@pytest.fixture(scope="module")
def report(cycles: pa.Table) -> pd.DataFrame:
    targets = [ServiceLevelTarget("speed_of_answer", "4/5", within_seconds=20)]
    return compliance(cycles, tz="Europe/Berlin", by=("tier", "metric", "period"), targets=targets)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_report_round_trips_exactly(report: pd.DataFrame, tmp_path: Path, suffix: str) -> None:
    assert any(isinstance(v, Fraction) for v in report["sl_attained"])
    assert report["sl_attained"].isna().any()  # rows without a target: nothing to lose there
    path = tmp_path / f"report{suffix}"
    write_report(report, path)
    back = read_report(path)
    assert list(back.columns) == list(report.columns)
    for name in report.columns:
        assert _cells(back[name]) == _cells(report[name]), name


def test_fractions_are_numerator_and_denominator_columns(report: pd.DataFrame) -> None:
    table = report_to_arrow(report)
    assert "attained" not in table.column_names
    row = next(i for i, v in enumerate(report["attained"]) if isinstance(v, Fraction))
    exact = report["attained"][row]
    assert table.column("attained_numerator")[row].as_py() == exact.numerator
    assert table.column("attained_denominator")[row].as_py() == exact.denominator


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_cycles_round_trip_exactly(cycles: pa.Table, tmp_path: Path, suffix: str) -> None:
    assert cycles.column("stop").null_count  # running cycles have no stop: nulls survive
    path = tmp_path / f"cycles{suffix}"
    write_cycles(cycles, path)
    assert read_cycles(path).equals(cycles)


def test_empty_and_missing_text_stay_apart_in_csv(tmp_path: Path) -> None:
    table = pa.table({"contact_id": ["", None, "x"], "cycle": [1, 2, None]})
    write_cycles(table, tmp_path / "t.csv")
    assert read_cycles(tmp_path / "t.csv").to_pydict() == table.to_pydict()


def test_an_unknown_suffix_is_refused(report: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"\.parquet or a \.csv"):
        write_report(report, tmp_path / "report.xlsx")
