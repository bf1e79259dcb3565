"""Compliance periods: which day, ISO week, month, quarter or year an instant falls in.

Periods are those of the local wall time in a zone (one zone, or each row's
own); labels are those of ``strftime`` (``2025-06-30``, ``2025-W27``,
``2025-06``, ``2025-Q2``, ``2025``).
"""

from __future__ import annotations

from typing import Any, Final, Literal

import numpy as np

from sla._errors import ClockError
from sla._types import Ints
from sla.clocks._codes import _dense

Period = Literal["day", "week", "month", "quarter", "year"]
_PERIODS: Final = ("day", "week", "month", "quarter", "year")


def _local_days(start: Ints, tz: str) -> Any:
    """Local wall times (``datetime64[s]``) of epoch seconds ``start`` in zone ``tz``."""
    import pandas as pd

    try:
        instants = pd.DatetimeIndex(start.astype("datetime64[s]")).tz_localize("UTC")
        return instants.tz_convert(tz).tz_localize(None).to_numpy()
    except Exception as error:  # unknown zone names raise several exception types
        raise ClockError(f"unknown time zone {tz!r}", field="tz") from error


def _period_codes(start: Ints, tz: str | Any, period: str) -> tuple[Ints, list[Any]]:
    """Period of each instant in zone ``tz``: dense codes and their labels, formatted once each.

    ``tz`` is one zone name, or ``(codes, zones)``: each row's own zone (a
    ``None`` zone counts as UTC). Labels are those of ``strftime``
    (``2025-06-30``, ``2025-W27``, ``2025-06``, ``2025-Q2``, ``2025``); the
    local wall time comes from pandas' zone conversion, the calendar
    arithmetic from numpy.
    """
    import datetime as dt

    if isinstance(tz, str):
        local = _local_days(start, tz)
    else:
        zone_codes, zones = tz
        local = np.empty(len(start), dtype="datetime64[s]")
        for code in np.unique(zone_codes).tolist():
            rows = zone_codes == code
            local[rows] = _local_days(start[rows], zones[code] or "UTC")
    if period == "month" or period == "quarter":
        key = local.astype("datetime64[M]").astype(np.int64)
        if period == "quarter":
            key = key // 3
    elif period == "year":
        key = local.astype("datetime64[Y]").astype(np.int64)
    else:
        key = local.astype("datetime64[D]").astype(np.int64)
        if period == "week":
            key = key - (key + 3) % 7  # the Monday of the ISO week (1970-01-01 was a Thursday)
    codes, first = _dense(key)
    epoch = dt.date(1970, 1, 1).toordinal()
    labels: list[Any] = []
    for k in key[first].tolist():
        if period == "month":
            labels.append(f"{1970 + k // 12:04d}-{k % 12 + 1:02d}")
        elif period == "quarter":
            labels.append(f"{1970 + k // 4}-Q{k % 4 + 1}")
        elif period == "year":
            labels.append(f"{1970 + k:04d}")
        elif period == "week":
            year, week, _ = dt.date.fromordinal(epoch + k).isocalendar()
            labels.append(f"{year:04d}-W{week:02d}")
        else:
            labels.append(dt.date.fromordinal(epoch + k).isoformat())
    return codes, labels
