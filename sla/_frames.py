"""One adapter for tabular input: pandas, polars, Arrow or a mapping of columns -> Arrow.

Every ``*_table`` entry point reads its input here, so that each accepts the
same shapes, refuses the same ones with the same kind of error, and hands the
result back in the caller's own kind (:func:`from_arrow`). The kind of a frame
is told by the top-level module of its type (:func:`frame_kind`), so pandas
and polars are never imported just to ask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from sla._errors import SLAError
from sla._types import DataFrame

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["FrameKind", "frame_kind", "from_arrow", "to_arrow"]

FrameKind = Literal["arrow", "pandas", "polars"]


def frame_kind(value: object) -> FrameKind | None:
    """``"pandas"``, ``"polars"`` or ``"arrow"`` for a frame or column of that library, else None.

    >>> frame_kind([1, 2]) is None
    True
    """
    top = type(value).__module__.split(".")[0]
    if top in ("pandas", "polars"):
        return top  # type: ignore[return-value]
    if top == "pyarrow":
        return "arrow"
    return None


def to_arrow(
    table: object,
    *,
    error: type[SLAError] = SLAError,
    field: str = "table",
    columns: list[str] | None = None,
) -> tuple[pa.Table, FrameKind]:
    """``table`` as a ``pyarrow.Table`` and the kind it came as (to answer in kind).

    Accepts a pandas or polars ``DataFrame``, a ``pyarrow.Table`` or
    ``RecordBatch``, or a mapping of column name to values (read as Arrow).
    The index of a pandas frame is not a column. ``columns`` keeps only those
    columns, in that order (a missing one is an error naming it). Anything
    else, and any column Arrow cannot read, raises ``error`` naming ``field``.

    >>> table, kind = to_arrow({"a": [1, 2]})
    >>> table.num_rows, kind
    (2, 'arrow')
    """
    import pyarrow as pa

    raw: Any = table
    kind = frame_kind(table)
    try:
        if isinstance(raw, pa.Table):
            out = raw
        elif isinstance(raw, pa.RecordBatch):
            out = pa.Table.from_batches([raw])
        elif kind == "pandas" and hasattr(raw, "columns") and hasattr(raw, "index"):
            if columns is not None:
                _require(list(raw.columns), columns, error, field)
                raw = raw[columns]
            out = pa.Table.from_pandas(raw, preserve_index=False)
        elif kind == "polars" and hasattr(raw, "to_arrow") and hasattr(raw, "columns"):
            if columns is not None:
                _require(list(raw.columns), columns, error, field)
                raw = raw.select(columns)
            out = raw.to_arrow()
        elif isinstance(raw, Mapping):
            out = pa.table({str(name): values for name, values in raw.items()})
            kind = "arrow"
        else:
            raise error(
                "expected a pandas or polars DataFrame, an Arrow table or a mapping of "
                f"columns, got {type(table).__name__}",
                field=field,
            )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as arrow_error:
        # Arrow names the column in its message ("Conversion failed for column x").
        raise error(f"cannot read the table: {arrow_error}", field=field) from arrow_error
    if columns is not None:
        _require(out.column_names, columns, error, field)
        out = out.select(columns)
    return out, kind or "arrow"


def _require(present: list[str], wanted: list[str], error: type[SLAError], field: str) -> None:
    missing = [name for name in wanted if name not in present]
    if missing:
        raise error(f"missing column(s) {', '.join(missing)}", field=field)


def from_arrow(table: pa.Table, kind: FrameKind) -> DataFrame:
    """``table`` converted to ``kind`` (the kind :func:`to_arrow` reported, or a chosen one).

    Every ``*_table`` entry point answers through here, so that a pandas caller gets
    pandas back, a polars caller polars, and an Arrow caller the table itself.

    >>> import pyarrow as pa
    >>> type(from_arrow(pa.table({"a": [1]}), "polars")).__name__
    'DataFrame'
    """
    if kind == "pandas":
        return table.to_pandas()
    if kind == "polars":
        import polars as pl

        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)  # a Table gives a DataFrame, never a Series
        return frame
    return table
