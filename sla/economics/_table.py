"""Plain tables of row dicts, convertible to pandas or polars when installed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

__all__ = ["RowTable"]


class RowTable(Sequence[dict[str, Any]]):
    """Rows of plain dicts (one per scenario, agent count, ...) in a fixed column order.

    A ``Sequence``: index it, iterate it, ``len()`` it. ``to_pandas()`` and
    ``to_polars()`` build a DataFrame when those libraries are installed
    (money columns hold exact ``Decimal`` amounts).
    """

    __slots__ = ("_columns", "_rows")

    def __init__(
        self, rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None
    ) -> None:
        self._rows = tuple(dict(row) for row in rows)
        if columns is None:
            seen: dict[str, None] = {}
            for row in self._rows:
                seen.update(dict.fromkeys(row))
            columns = list(seen)
        self._columns = tuple(columns)

    @property
    def columns(self) -> tuple[str, ...]:
        """Column names, in order."""
        return self._columns

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | Sequence[dict[str, Any]]:
        if isinstance(index, slice):
            return RowTable(self._rows[index], self._columns)
        return self._rows[index]

    def __len__(self) -> int:
        return len(self._rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows)

    def __repr__(self) -> str:
        return f"RowTable({len(self._rows)} rows: {', '.join(self._columns)})"

    def column(self, name: str) -> list[object]:
        """One column as a list."""
        return [row.get(name) for row in self._rows]

    def to_pandas(self) -> pd.DataFrame:
        """A ``pandas.DataFrame`` (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(list(self._rows), columns=list(self._columns))

    def to_polars(self) -> pl.DataFrame:
        """A ``polars.DataFrame`` (needs polars)."""
        import polars as pl

        return pl.DataFrame(
            {c: [row.get(c) for row in self._rows] for c in self._columns}, strict=False
        )
