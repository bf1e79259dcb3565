"""Reports and cycles to Parquet and CSV, and back, without losing a digit.

A compliance report holds exact fractions (``attained``, ``sl_target``,
``sl_attained`` are :class:`fractions.Fraction`), which neither Parquet nor
CSV can store. Each fraction column ``x`` is written as two integer columns,
``x_numerator`` and ``x_denominator`` (both null where ``x`` is ``None``),
and :func:`read_report` rebuilds the fractions from every such pair. Counts
stay integers (nullable ``Int64`` where some rows have none), means and
percentiles float64 (Arrow writes the shortest text that reads back to the
same double), group columns text. Cycle tables are integers and text only
and go through Arrow unchanged; their CSV quotes every text value, so an
empty text and a missing one stay distinct.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Final

from sla._errors import DatasetError
from sla._types import ArrowTable, DataFrame, FileSystem, PandasFrame
from sla.clocks import COMPLIANCE_GROUPS, CYCLE_TABLE_COLUMNS
from sla.scale._storage import resolve

__all__ = [
    "read_cycles",
    "read_report",
    "report_from_arrow",
    "report_to_arrow",
    "write_cycles",
    "write_report",
]

NUMERATOR: Final = "_numerator"
DENOMINATOR: Final = "_denominator"
#: Report columns that count (pandas may hold them as float beside missing rows).
_WHOLE: Final = ("sl_within_seconds", "sl_met")
_FLOAT: Final = re.compile(r"(business|calendar)_(mean|p[0-9.]+)")
_CYCLE_TEXT: Final = (
    "contact_id", "metric", "status", "channel", "priority", "tier", "policy_id",
    "policy_version", "tz",
)  # fmt: skip


def report_to_arrow(report: PandasFrame) -> ArrowTable:
    """The report as an Arrow table: each fraction column as numerator and denominator."""
    import pyarrow as pa

    columns: dict[str, Any] = {}
    for name in report.columns:
        values = report[name].tolist()
        present = [v for v in values if v is not None and v == v]  # v != v: NaN
        if present and all(isinstance(v, Fraction) for v in present):
            fractions = [v if isinstance(v, Fraction) else None for v in values]
            columns[name + NUMERATOR] = pa.array(
                [None if f is None else f.numerator for f in fractions], pa.int64()
            )
            columns[name + DENOMINATOR] = pa.array(
                [None if f is None else f.denominator for f in fractions], pa.int64()
            )
        elif name in COMPLIANCE_GROUPS:
            columns[name] = pa.array([None if v != v else v for v in values], pa.string())
        elif name in _WHOLE and all(float(v).is_integer() for v in present):
            # pandas holds a count with missing rows as float; it is written as a count
            columns[name] = pa.array([int(v) if v == v else None for v in values], pa.int64())
        else:
            columns[name] = pa.array(report[name], from_pandas=True)
    return pa.table(columns)


def report_from_arrow(table: ArrowTable) -> PandasFrame:
    """The report a :func:`report_to_arrow` table stands for, fractions rebuilt."""
    import pandas as pd
    import pyarrow as pa

    data: dict[str, Any] = {}
    names = table.column_names
    for name in names:
        if name.endswith(DENOMINATOR) and name[: -len(DENOMINATOR)] + NUMERATOR in names:
            continue
        column = table.column(name)
        if name.endswith(NUMERATOR) and name[: -len(NUMERATOR)] + DENOMINATOR in names:
            base = name[: -len(NUMERATOR)]
            tops = column.to_pylist()
            bottoms = table.column(base + DENOMINATOR).to_pylist()
            data[base] = pd.Series(
                [None if t is None else Fraction(t, b) for t, b in zip(tops, bottoms, strict=True)],
                dtype=object,
            )
        elif pa.types.is_integer(column.type) and column.null_count:
            data[name] = pd.array(column.to_pylist(), dtype="Int64")
        elif pa.types.is_null(column.type):
            data[name] = pd.Series([None] * len(column), dtype=object)
        else:
            data[name] = column.to_pandas()
    return pd.DataFrame(data)


def _format(path: str) -> str:
    lowered = path.lower().split("?")[0]
    for suffix, kind in ((".parquet", "parquet"), (".csv", "csv")):
        if lowered.endswith(suffix):
            return kind
    raise DatasetError(f"{path}: name a .parquet or a .csv file", field="path")


def _write(table: Any, path: str | os.PathLike[str], filesystem: Any) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    text = os.fspath(path)
    kind = _format(text)
    where = resolve(text, filesystem)
    with where.filesystem.open_output_stream(where.root) as sink:
        if kind == "parquet":
            pq.write_table(table, sink)
        else:
            options = pacsv.WriteOptions(quoting_style="all_valid")
            pacsv.write_csv(table, sink, write_options=options)


def _read(path: str | os.PathLike[str], filesystem: Any, types: Callable[[str], Any]) -> Any:
    import csv

    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    text = os.fspath(path)
    kind = _format(text)
    where = resolve(text, filesystem)
    with where.filesystem.open_input_file(where.root) as source:
        if kind == "parquet":
            return pq.read_table(source)
        start = source.read(1 << 16).decode("utf-8", errors="replace")
        header = next(csv.reader([start.split("\n", 1)[0]]), [])
        source.seek(0)
        wanted = {name: types(name) for name in header}
        convert = pacsv.ConvertOptions(
            column_types={name: kind for name, kind in wanted.items() if kind is not None},
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        return pacsv.read_csv(source, convert_options=convert)


def _report_type(name: str) -> Any:
    import pyarrow as pa

    if name in COMPLIANCE_GROUPS:
        return pa.string()
    if _FLOAT.fullmatch(name):
        return pa.float64()
    return None  # counts, numerators, denominators: Arrow reads int64 (null where empty)


def _cycle_type(name: str) -> Any:
    import pyarrow as pa

    return pa.string() if name in _CYCLE_TEXT else pa.int64()


def write_report(
    report: PandasFrame, path: str | os.PathLike[str], *, filesystem: FileSystem | None = None
) -> None:
    """Write a compliance report to ``path`` (``.parquet`` or ``.csv``; local or a URL).

    Fractions become ``<column>_numerator`` / ``<column>_denominator``
    integer pairs; :func:`read_report` gives back the same report.
    """
    _write(report_to_arrow(report), path, filesystem)


def read_report(
    path: str | os.PathLike[str], *, filesystem: FileSystem | None = None
) -> PandasFrame:
    """A report written by :func:`write_report`, as a pandas DataFrame with its fractions."""
    return report_from_arrow(_read(path, filesystem, _report_type))


def write_cycles(
    cycles: DataFrame, path: str | os.PathLike[str], *, filesystem: FileSystem | None = None
) -> None:
    """Write a cycle table (pandas, polars or Arrow) to ``.parquet`` or ``.csv``, losslessly."""
    import pyarrow as pa

    if isinstance(cycles, pa.Table):
        table = cycles
    elif type(cycles).__module__.split(".")[0] == "pandas":
        table = pa.Table.from_pandas(cycles, preserve_index=False)
    else:
        table = cycles.to_arrow()
    _write(table, path, filesystem)


def read_cycles(
    path: str | os.PathLike[str], *, filesystem: FileSystem | None = None
) -> ArrowTable:
    """A cycle table written by :func:`write_cycles`, as a ``pyarrow.Table``.

    Integer columns are int64, text columns string (an empty text stays
    empty, a missing one null), in the order of :data:`~sla.clocks.CYCLE_TABLE_COLUMNS`.
    """
    import pyarrow as pa

    table = _read(path, filesystem, _cycle_type)
    names = [n for n in CYCLE_TABLE_COLUMNS if n in table.column_names] + [
        n for n in table.column_names if n not in CYCLE_TABLE_COLUMNS
    ]
    return pa.table({name: table.column(name).cast(_cycle_type(name)) for name in names})
