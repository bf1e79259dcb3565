"""Type aliases shared by the packages of ``sla``, declared once.

Import them from here instead of redeclaring them (``Ints = npt.NDArray[...]``
was once written in five modules). The aliases are names for readers and
for mypy: nothing here imports numpy, pandas, polars or pyarrow at run time
(``import sla`` stays light).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd
    import polars as pl
    import pyarrow as pa

__all__ = [
    "Bools",
    "DataFrame",
    "Durations",
    "Floats",
    "Instant",
    "Instants",
    "Ints",
    "Number",
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

DataFrame: TypeAlias = "pd.DataFrame | pl.DataFrame | pa.Table | pa.RecordBatch"
"""A table accepted by every ``*_table`` entry point (read by :mod:`sla._frames`)."""

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
