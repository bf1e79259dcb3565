"""Columnar tables of generated traffic: events (one row per event) and contacts.

Columns are numpy arrays; string columns are stored as small integer codes
plus a tuple of categories, so ten million events stay compact. Conversion to
Arrow, pandas and polars happens only when asked for (optional imports).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import SLAError

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

__all__ = ["Column", "ColumnTable"]


@attrs.frozen(slots=True, eq=False)
class Column:
    """One column: plain values, or integer ``codes`` into ``categories`` (-1 = null)."""

    values: npt.NDArray[np.generic]
    categories: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return len(self.values)

    def decoded(self) -> npt.NDArray[np.generic]:
        """Plain values; categorical columns become an object array with None for nulls."""
        if self.categories is None:
            return self.values
        lookup = np.array([*self.categories, None], dtype=object)
        decoded: npt.NDArray[Any] = lookup[self.values]
        return decoded

    def take(self, index: npt.NDArray[np.intp]) -> Column:
        return Column(self.values[index], self.categories)


@attrs.frozen(slots=True, eq=False)
class ColumnTable:
    """An immutable set of equally long named columns."""

    columns: Mapping[str, Column]

    def __attrs_post_init__(self) -> None:
        lengths = {name: len(col) for name, col in self.columns.items()}
        if len(set(lengths.values())) > 1:
            raise SLAError(f"columns differ in length: {lengths}", field="columns")

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()))) if self.columns else 0

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        """The decoded values of column ``name``."""
        return self.columns[name].decoded()

    def take(self, index: npt.NDArray[np.intp]) -> ColumnTable:
        """The rows at ``index``, in that order."""
        return ColumnTable({name: col.take(index) for name, col in self.columns.items()})

    def head(self, n: int = 5) -> ColumnTable:
        return self.take(np.arange(min(n, len(self)), dtype=np.intp))

    def to_rows(self) -> list[dict[str, Any]]:
        """A list of dicts (for small tables, tests and JSON)."""
        decoded = {name: self[name] for name in self.columns}
        return [
            {name: _py(values[i]) for name, values in decoded.items()} for i in range(len(self))
        ]

    def to_arrow(self) -> pa.Table:
        """A ``pyarrow.ColumnTable``; categorical columns become dictionary arrays."""
        import pyarrow as pa

        arrays = {}
        for name, col in self.columns.items():
            if col.categories is None:
                arrays[name] = pa.array(col.values)
            else:
                ints = col.values.astype(np.int32)
                codes = pa.array(ints, mask=ints < 0)
                arrays[name] = pa.DictionaryArray.from_arrays(codes, pa.array(col.categories))
        return pa.table(arrays)

    def to_pandas(self) -> pd.DataFrame:
        """A ``pandas.DataFrame`` (categoricals for string columns)."""
        import pandas as pd

        data: dict[str, Any] = {}
        for name, col in self.columns.items():
            if col.categories is None:
                data[name] = col.values
            else:
                data[name] = pd.Categorical.from_codes(col.values, categories=list(col.categories))
        return pd.DataFrame(data)

    def to_polars(self) -> pl.DataFrame:
        """A ``polars.DataFrame``."""
        import polars as pl

        frame = pl.from_arrow(self.to_arrow())
        assert isinstance(frame, pl.DataFrame)  # a table converts to a frame
        return frame

    def write(self, path: str | Path) -> Path:
        """Write to ``.parquet``, ``.csv``, ``.arrow``/``.feather`` or ``.jsonl`` by suffix.

        The file is written next to its final name and renamed into place, so a
        failed write never leaves half a file.
        """
        target = Path(path)
        suffix = target.suffix.lower()
        tmp = target.with_name(target.name + ".partial")
        try:
            if suffix == ".parquet":
                import pyarrow.parquet as pq

                pq.write_table(self.to_arrow(), tmp)
            elif suffix in (".arrow", ".feather"):
                import pyarrow.feather as feather

                feather.write_feather(self.to_arrow(), tmp)
            elif suffix == ".csv":
                _write_csv(self, tmp)
            elif suffix == ".jsonl":
                _write_jsonl(self, tmp)
            else:
                raise SLAError(
                    f"cannot write {suffix or 'files without a suffix'}; use .parquet, .csv, "
                    ".arrow or .jsonl",
                    field="path",
                )
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return target


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_csv(table: ColumnTable, path: Path) -> None:
    import csv

    decoded = [table[name] for name in table.columns]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(table.names)
        for i in range(len(table)):
            writer.writerow(["" if col[i] is None else _py(col[i]) for col in decoded])


def _write_jsonl(table: ColumnTable, path: Path) -> None:
    import json

    with path.open("w", encoding="utf-8") as out:
        for row in table.to_rows():
            out.write(json.dumps(row) + "\n")


def categorical(values: Sequence[str | None]) -> Column:
    """Encode a short sequence of strings as a categorical column."""
    categories = tuple(sorted({v for v in values if v is not None}))
    index = {c: i for i, c in enumerate(categories)}
    codes = np.array([-1 if v is None else index[v] for v in values], dtype=np.int16)
    return Column(codes, categories)
