"""Type aliases shared by the packages of ``sla``, declared once.

Import them from here instead of redeclaring them (``Ints = npt.NDArray[...]``
was once written in five modules). The aliases are names for readers and
for mypy: nothing here imports numpy, pandas, polars or pyarrow at run time
(``import sla`` stays light).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Protocol, TypeAlias, TypedDict

if TYPE_CHECKING:
    import dask.dataframe as dd
    import fsspec
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import polars as pl
    import pyarrow as pa
    import pyarrow.fs as pafs

__all__ = [
    "ArrowData",
    "ArrowTable",
    "Bools",
    "DaskClient",
    "DaskFrame",
    "DataFrame",
    "Durations",
    "FileSystem",
    "Floats",
    "Instant",
    "Instants",
    "Ints",
    "JSONOptions",
    "Number",
    "NumberText",
    "PandasFrame",
    "PolarsFrame",
    "Series",
]

Ints: TypeAlias = "npt.NDArray[np.int64]"
"""int64 numpy array: epoch seconds, durations in seconds, codes, counts."""

Floats: TypeAlias = "npt.NDArray[np.float64]"
"""float64 numpy array: rates, loads, shares."""

Bools: TypeAlias = "npt.NDArray[np.bool_]"
"""Boolean numpy array: masks."""

Number: TypeAlias = Decimal | int | Fraction
"""An exact number (never float): what money and quantities are computed with."""

NumberText: TypeAlias = Decimal | int | Fraction | str
"""An exact number or its decimal text (``"1.5"``, never a float): what a user may type in.

Pricing takes quantities and rates in this form and reads text exactly."""

DataFrame: TypeAlias = "pd.DataFrame | pl.DataFrame | pa.Table | pa.RecordBatch"
"""A table accepted by every ``*_table`` entry point (read by :mod:`sla._frames`)."""

PandasFrame: TypeAlias = "pd.DataFrame"
"""A pandas DataFrame: what the compliance reports and the Dask runs hand back."""

PolarsFrame: TypeAlias = "pl.DataFrame"
"""A polars DataFrame."""

ArrowTable: TypeAlias = "pa.Table"
"""A ``pyarrow.Table``: what the Arrow-only entry points read and return."""

ArrowData: TypeAlias = "pa.Table | pa.RecordBatch"
"""An Arrow table or one record batch (a partition handed over by ``mapInArrow``)."""

DaskFrame: TypeAlias = "dd.DataFrame"
"""A lazy Dask DataFrame (``lazy=True`` of the Dask runs)."""

FileSystem: TypeAlias = "pafs.FileSystem | fsspec.AbstractFileSystem"
"""Where a dataset lives: a ``pyarrow.fs`` filesystem or an fsspec one (wrapped for Arrow)."""


class DaskClient(Protocol):
    """What the Dask runs ask of a ``distributed.Client``: run task graphs, gather results."""

    def compute(self, collections: Sequence[object], /) -> object:
        """Futures of ``collections``, computed on the cluster."""

    def gather(self, futures: object, /) -> Iterable[object]:
        """The results of ``futures``, brought to the client."""


class JSONOptions(TypedDict, total=False):
    """The keyword options of :func:`json.dumps` that ``to_json`` methods pass on."""

    skipkeys: bool
    ensure_ascii: bool
    check_circular: bool
    allow_nan: bool
    cls: type[json.JSONEncoder] | None
    indent: int | str | None
    separators: tuple[str, str] | None
    default: Callable[[object], object] | None
    sort_keys: bool


Series: TypeAlias = "pd.Series | pl.Series"
"""One pandas or polars column."""

Instant: TypeAlias = datetime | int
"""One instant: an aware datetime (naive ones are refused) or integer epoch seconds."""

Instants: TypeAlias = "Ints | npt.NDArray[np.datetime64] | Sequence[datetime] | Series"
"""Many instants: int64 epoch seconds, ``datetime64`` (UTC), aware datetimes, a tz-aware column."""

Durations: TypeAlias = (
    "Ints | npt.NDArray[np.timedelta64] | Sequence[timedelta] | Series | timedelta | int"
)
"""Many durations (or one for all): int64 seconds, ``timedelta64``, timedeltas or a column."""
