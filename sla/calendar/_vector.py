"""Vectorized ``add`` and ``elapsed`` on numpy arrays and pandas / polars columns.

The batch functions read the same compiled timeline as the scalar ones (as
int64 arrays) and apply the same rules, so they agree exactly with them.
numpy ``datetime64`` values are read as UTC instants; pandas and polars
columns must carry a time zone (naive columns are refused like naive datetimes).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from sla._errors import CalendarError
from sla._frames import frame_kind
from sla._types import Ints
from sla.calendar._time import HORIZON, HORIZON_TEXT, to_epoch

if TYPE_CHECKING:
    from sla.calendar._calendar import Calendar

__all__ = ["add_many", "elapsed_many"]

_UNIT_SECONDS = {"s": 1, "ms": 10**3, "us": 10**6, "μs": 10**6, "ns": 10**9}


def _instants(values: Any, field: str) -> tuple[Ints, Callable[[Ints, str], Any]]:
    """Epoch seconds of ``values`` and a function turning seconds back into that kind."""
    kind = frame_kind(values)
    if kind == "pandas":
        import pandas as pd

        series = pd.Series(values) if not isinstance(values, pd.Series) else values
        if not isinstance(series.dtype, pd.DatetimeTZDtype):
            raise CalendarError(
                "a pandas column of instants must be tz-aware (e.g. .dt.tz_localize('UTC'))",
                field=field,
            )
        utc = series.dt.tz_convert("UTC").dt.tz_localize(None)
        seconds = _from_datetime64(utc.to_numpy(dtype="datetime64[ns]"))
        index = series.index

        def to_pandas(out: Ints, tz: str) -> Any:
            stamps = pd.to_datetime(out, unit="s", utc=True).tz_convert(tz)
            return pd.Series(stamps, index=index, name=series.name)

        return seconds, to_pandas
    if kind == "polars":
        import polars as pl

        if not isinstance(values.dtype, pl.Datetime) or values.dtype.time_zone is None:
            raise CalendarError(
                "a polars column of instants must be a Datetime with a time zone", field=field
            )
        seconds = values.dt.epoch("s").to_numpy().astype(np.int64)
        name = values.name

        def to_polars(out: Ints, tz: str) -> Any:
            return (
                pl.Series(name, out * 1_000_000)
                .cast(pl.Datetime("us", "UTC"))
                .dt.convert_time_zone(tz)
            )

        return seconds, to_polars
    if isinstance(values, np.ndarray):
        if np.issubdtype(values.dtype, np.datetime64):
            return _from_datetime64(values), lambda out, tz: out.astype("datetime64[s]")
        if np.issubdtype(values.dtype, np.integer):
            return values.astype(np.int64, copy=False), lambda out, tz: out
        raise CalendarError(
            f"expected int64 seconds or datetime64, got {values.dtype}", field=field
        )
    if isinstance(values, list | tuple):
        seconds = np.fromiter((to_epoch(v, field=field) for v in values), np.int64, len(values))
        from sla.calendar._time import zone

        return seconds, lambda out, tz: [datetime.fromtimestamp(int(x), zone(tz)) for x in out]
    raise CalendarError(f"cannot read instants from {type(values).__name__}", field=field)


def _from_datetime64(values: npt.NDArray[Any]) -> Ints:
    if np.isnat(values).any():
        raise CalendarError("missing instants (NaT) in the input")
    unit, count = np.datetime_data(values.dtype)
    if unit in ("D", "h", "m", "W"):
        return values.astype("datetime64[s]").view(np.int64)
    per = _UNIT_SECONDS[unit] // count if unit in _UNIT_SECONDS else None
    if per is None:
        raise CalendarError(f"unsupported datetime64 unit {unit!r}")
    return values.view(np.int64) // per  # floor, like to_epoch, also before 1970


def _durations(values: Any, size: int) -> Ints:
    kind = frame_kind(values)
    if isinstance(values, timedelta):
        return np.full(size, values // timedelta(seconds=1), dtype=np.int64)
    if isinstance(values, int | np.integer) and not isinstance(values, bool):
        return np.full(size, int(values), dtype=np.int64)
    if isinstance(values, np.timedelta64):
        return np.full(size, values.astype("timedelta64[s]").astype(np.int64), dtype=np.int64)
    if kind == "pandas":
        values = values.to_numpy(dtype="timedelta64[ns]")
    elif kind == "polars":
        values = (
            values.dt.total_seconds().to_numpy()
            if values.dtype.is_temporal()
            else values.to_numpy()
        )
    array = np.asarray(values)
    if np.issubdtype(array.dtype, np.timedelta64):
        unit, count = np.datetime_data(array.dtype)
        if unit in _UNIT_SECONDS:
            return array.view(np.int64) // (_UNIT_SECONDS[unit] // count)
        return array.astype("timedelta64[s]").view(np.int64)
    if np.issubdtype(array.dtype, np.integer):
        return array.astype(np.int64, copy=False)
    raise CalendarError(f"durations must be timedelta or integer seconds, got {array.dtype}")


def _positions(state: Any, s: Ints) -> tuple[Ints, Ints, npt.NDArray[np.bool_]]:
    """Business position, interval index (-1 before the first) and openness of each instant."""
    starts, ends, cum = state.arrays()
    i = np.searchsorted(starts, s, side="right") - 1
    if len(starts) == 0:
        return np.zeros_like(s), i, np.zeros(len(s), dtype=bool)
    ic = np.maximum(i, 0)
    within = s - starts[ic]
    length = ends[ic] - starts[ic]
    is_open = (i >= 0) & (within < length)
    pos = np.where(i >= 0, cum[ic] + np.minimum(within, length), 0)
    return pos, i, is_open


def _check_horizon(values: Ints, field: str) -> None:
    if len(values) and (values.min() < HORIZON[0] or values.max() >= HORIZON[1]):
        raise CalendarError(f"instants outside the supported horizon {HORIZON_TEXT}", field=field)


def add_ints(cal: Calendar, s: Ints, d: Ints) -> Ints:
    """Vectorized :meth:`Calendar.add_seconds` on int64 arrays."""
    if s.shape != d.shape:
        raise CalendarError(f"{len(s)} starts but {len(d)} durations", field="durations")
    _check_horizon(s, "starts")
    # Compared without computing s + d, which could overflow int64.
    if len(s) and ((d >= HORIZON[1] - s) | (d < HORIZON[0] - s)).any():
        raise CalendarError(
            f"a duration ends outside the supported horizon {HORIZON_TEXT}", field="durations"
        )
    if cal.is_always_open or len(s) == 0:
        return s + d
    engine = cal._engine
    state = engine.covering(int(s.min()), int(s.max()))
    forward, backward = d > 0, d < 0
    zero = ~(forward | backward)
    empty_f = empty_b = 0
    while True:
        pos, i, is_open = _positions(state, s)
        target = pos + d
        need = np.where(forward, target, np.where(zero & ~is_open, pos + 1, 0))
        if need.max() > state.total:
            cal._check_opens(int(s[need > state.total].max()), forward=True)
            state, empty_f = engine.grow(state, True, empty_f)
            continue
        if backward.any() and target[backward].min() <= 0:
            cal._check_opens(int(s[backward & (target <= 0)].min()), forward=False)
            state, empty_b = engine.grow(state, False, empty_b)
            continue
        break
    starts, _, cum = state.arrays()
    last = max(len(starts) - 1, 0)
    j = np.clip(np.searchsorted(cum, target, side="left") - 1, 0, last)
    moved = starts[j] + target - cum[j] if len(starts) else s
    following = starts[np.clip(i + 1, 0, last)] if len(starts) else s
    return np.where(zero, np.where(is_open, s, following), moved)


def add_many(cal: Calendar, starts: Any, durations: Any) -> Any:
    seconds, back = _instants(starts, "starts")
    return back(add_ints(cal, seconds, _durations(durations, len(seconds))), cal.tz)


def elapsed_ints(cal: Calendar, s: Ints, e: Ints) -> Ints:
    """Vectorized :meth:`Calendar.elapsed_seconds` on int64 arrays."""
    if s.shape != e.shape:
        raise CalendarError(f"{len(s)} starts but {len(e)} ends", field="ends")
    _check_horizon(s, "starts")
    _check_horizon(e, "ends")
    if cal.is_always_open or len(s) == 0:
        return e - s
    state = cal._engine.covering(int(min(s.min(), e.min())), int(max(s.max(), e.max())))
    return _positions(state, e)[0] - _positions(state, s)[0]


def elapsed_many(cal: Calendar, starts: Any, ends: Any) -> Any:
    s, _ = _instants(starts, "starts")
    e, _ = _instants(ends, "ends")
    out = elapsed_ints(cal, s, e)
    if isinstance(starts, np.ndarray) and np.issubdtype(starts.dtype, np.integer):
        return out
    if frame_kind(starts) == "pandas":
        import pandas as pd

        return pd.Series(pd.to_timedelta(out, unit="s"), index=getattr(starts, "index", None))
    if frame_kind(starts) == "polars":
        import polars as pl

        return pl.Series(getattr(starts, "name", ""), out * 1_000_000).cast(pl.Duration("us"))
    if isinstance(starts, list | tuple):
        return [timedelta(seconds=int(x)) for x in out]
    return out.astype("timedelta64[s]")
