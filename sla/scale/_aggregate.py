"""Compliance that merges exactly: per-partition partials, combined into the same report.

:func:`sla.clocks.compliance` needs, per group, counts by status, which
metrics and tiers the group holds, and the response times of answered cycles
(for the mean, the percentiles and "within N seconds" targets). Counts add up
across partitions; response times are integer seconds, so each partition
sends a histogram (value -> count) per fine group, and histograms add up too.
The combining step then computes exactly what ``compliance`` computes on the
whole table: the mean from the exact integer sum, and each percentile with
numpy's "linear" rule evaluated at the two order statistics it needs. No
sketch, no approximation: the reports are equal, cell for cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from sla._errors import ClockError
from sla.clocks import ServiceLevelTarget

__all__ = ["GROUPS", "PARTIAL_COLUMNS", "combine_partials", "compliance_partials"]

Period = Literal["day", "week", "month", "quarter", "year"]
#: Every grouping :func:`sla.clocks.compliance` knows; partials are kept at this grain.
GROUPS: Final = ("tier", "channel", "metric", "priority", "period")
#: Columns of a partials table: the fine group, what is counted, its value and how often.
PARTIAL_COLUMNS: Final = (*GROUPS, "measure", "value", "count")
_FORMATS: Final = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m", "year": "%Y"}
_STATUSES: Final = ("met", "breached", "abandoned", "cancelled", "active", "paused")
_CLOCKS: Final = (("business", "elapsed_seconds"), ("calendar", "calendar_seconds"))


def check_grouping(period: str, by: Sequence[str]) -> None:
    """Refuse an unknown period or grouping before any work is scheduled."""
    if period not in (*_FORMATS, "quarter"):
        raise ClockError("must be day, week, month, quarter or year", field="period")
    unknown = [g for g in by if g not in GROUPS]
    if unknown:
        raise ClockError(f"unknown groups {unknown}; choose from {GROUPS}", field="by")


def _periods(start: Any, tz: str, period: str) -> Any:
    """Period labels as ``compliance`` writes them, formatted once per distinct period.

    ``strftime`` on millions of timestamps costs seconds; the labels are the
    same strings built from integer year / month / week keys.
    """
    import pandas as pd

    local = pd.to_datetime(start.astype("int64"), unit="s", utc=True).dt.tz_convert(tz)
    year = local.dt.year.to_numpy(dtype=np.int64)
    if period == "week":
        iso = local.dt.isocalendar()
        key = iso["year"].to_numpy(dtype=np.int64) * 100 + iso["week"].to_numpy(dtype=np.int64)
        labels = [f"{k // 100:04d}-W{k % 100:02d}" for k in np.unique(key).tolist()]
    elif period == "year":
        key = year
        labels = [f"{k:04d}" for k in np.unique(key).tolist()]
    elif period == "quarter":
        key = year * 10 + local.dt.quarter.to_numpy(dtype=np.int64)
        labels = [f"{k // 10}-Q{k % 10}" for k in np.unique(key).tolist()]
    elif period == "month":
        key = year * 100 + local.dt.month.to_numpy(dtype=np.int64)
        labels = [f"{k // 100:04d}-{k % 100:02d}" for k in np.unique(key).tolist()]
    else:
        month = year * 100 + local.dt.month.to_numpy(dtype=np.int64)
        key = month * 100 + local.dt.day.to_numpy(dtype=np.int64)
        labels = [
            f"{k // 10000:04d}-{k // 100 % 100:02d}-{k % 100:02d}" for k in np.unique(key).tolist()
        ]
    inverse = np.searchsorted(np.unique(key), key)
    return pd.Series(np.array(labels, dtype=object)[inverse], index=start.index)


def partials_meta() -> Any:
    """An empty partials table with the right column types (for Dask's ``meta``)."""
    import pandas as pd

    data: dict[str, Any] = {name: pd.Series([], dtype=object) for name in (*GROUPS, "measure")}
    data["value"] = pd.Series([], dtype="int64")
    data["count"] = pd.Series([], dtype="int64")
    return pd.DataFrame(data)


def compliance_partials(cycles: Any, *, tz: str = "UTC", period: Period = "month") -> Any:
    """A partials table of one partition's cycles (pandas), ready for :func:`combine_partials`.

    One row per fine group (tier, channel, metric, priority, period) and
    measure: a status (``value`` 0, ``count`` cycles), or ``business`` /
    ``calendar`` response time ``value`` seconds of answered (met or
    breached) cycles, seen ``count`` times. Partials of any split of a cycle
    table combine into the report of the whole table.
    """
    import pandas as pd

    check_grouping(period, ())
    if cycles.empty:
        return partials_meta()
    frame = pd.DataFrame(
        {
            "tier": cycles["tier"].astype(object).where(cycles["tier"].notna(), None),
            "channel": cycles["channel"].astype(object),
            "metric": cycles["metric"].astype(object),
            "priority": cycles["priority"].astype(object),
            "period": _periods(cycles["start"], tz, period).astype(object),
            "status": cycles["status"].astype(object),
        }
    )
    keys = list(GROUPS)
    pieces = []
    counts = frame.groupby([*keys, "status"], dropna=False, sort=False).size()
    counts = counts.rename("count").reset_index().rename(columns={"status": "measure"})
    counts["value"] = 0
    pieces.append(counts)
    answered = cycles["status"].isin(("met", "breached")).to_numpy(dtype=bool)
    for clock, column in _CLOCKS:
        values = frame[answered].assign(
            value=cycles[column][answered].to_numpy(dtype=np.int64, na_value=0)
        )
        hist = values.groupby([*keys, "value"], dropna=False, sort=False).size()
        hist = hist.rename("count").reset_index()
        hist["measure"] = clock
        pieces.append(hist)
    out = pd.concat(pieces, ignore_index=True)[list(PARTIAL_COLUMNS)]
    return out.astype({"value": "int64", "count": "int64"})


def percentile_of_counts(
    values: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], p: float
) -> float:
    """``np.percentile(np.repeat(values, counts), p)`` without materializing the repeat.

    ``values`` ascending and distinct. Same arithmetic as numpy's default
    "linear" method: virtual index ``(n - 1) * (p / 100)``, the two order
    statistics around it, and numpy's two-sided lerp.
    """
    cumulative = np.cumsum(counts)
    n = int(cumulative[-1])

    def order_statistic(k: int) -> float:
        return float(values[int(np.searchsorted(cumulative, k, side="right"))])

    virtual = (n - 1) * np.true_divide(p, 100)
    if virtual >= n - 1:
        return float(values[-1])
    below = math.floor(virtual)
    gamma = float(virtual - below)
    a, b = order_statistic(below), order_statistic(below + 1)
    diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma


def combine_partials(
    partials: Any,
    *,
    by: Sequence[str] = GROUPS,
    targets: Sequence[ServiceLevelTarget] = (),
    percentiles: Sequence[float] = (50, 90, 95),
) -> Any:
    """The compliance report (as :func:`sla.clocks.compliance` builds it) from partials.

    ``partials`` is one pandas table concatenating :func:`compliance_partials`
    of every partition; the result equals ``compliance(all cycles, ...)``
    with the same ``tz``, ``period``, ``by``, ``targets`` and ``percentiles``.
    """
    import pandas as pd

    check_grouping("month", by)
    if partials.empty:
        return pd.DataFrame(columns=[*by, "total", "met", "breached", "active"])
    merged = (
        partials.groupby([*GROUPS, "measure", "value"], dropna=False, sort=False)["count"]
        .sum()
        .reset_index()
    )
    merged["tier"] = merged["tier"].astype(object).where(merged["tier"].notna(), None)
    rows = []
    for key, group in merged.groupby(list(by), dropna=False, sort=True):
        values = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = dict(zip(by, values, strict=True))
        status_rows = group[~group["measure"].isin(("business", "calendar"))]
        by_status = status_rows.groupby("measure")["count"].sum()
        counts = {s: int(by_status.get(s, 0)) for s in _STATUSES}
        finished = counts["met"] + counts["breached"] + counts["abandoned"]
        row.update(
            total=int(status_rows["count"].sum()),
            met=counts["met"],
            breached=counts["breached"],
            active=counts["active"] + counts["paused"],
            cancelled=counts["cancelled"],
            abandoned=counts["abandoned"],
            attained=Fraction(counts["met"], finished) if finished else None,
        )
        histograms = {}
        for clock, _ in _CLOCKS:
            hist = group[group["measure"] == clock].groupby("value")["count"].sum().sort_index()
            histograms[clock] = (
                hist.index.to_numpy(dtype=np.int64),
                hist.to_numpy(dtype=np.int64),
            )
        _service_level(row, status_rows, histograms["business"], targets, counts, finished)
        for clock, _ in _CLOCKS:
            value_s, count_s = histograms[clock]
            n = int(count_s.sum())
            total = sum(int(v) * int(c) for v, c in zip(value_s, count_s, strict=True))
            row[f"{clock}_mean"] = float(total) / n if n else None
            for p in percentiles:
                exact = percentile_of_counts(value_s, count_s, p) if n else None
                row[f"{clock}_p{p:g}"] = exact
        rows.append(row)
    return pd.DataFrame(rows)


def _service_level(
    row: dict[str, Any],
    status_rows: Any,
    business: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    targets: Sequence[ServiceLevelTarget],
    counts: dict[str, int],
    finished: int,
) -> None:
    # Mirrors sla.clocks.compliance: a target applies when the group holds
    # exactly its metric (and exactly its tier, when it names one).
    metrics = set(status_rows["metric"])
    tiers = set(status_rows["tier"])
    for target in targets:
        if target.metric not in metrics or metrics != {target.metric}:
            continue
        if target.tier is not None and tiers != {target.tier}:
            continue
        if target.within_seconds is None:
            good = counts["met"]
        else:
            value_s, count_s = business
            good = int(count_s[value_s <= target.within_seconds].sum())
        row["sl_target"] = target.fraction
        row["sl_within_seconds"] = target.within_seconds
        row["sl_met"] = good
        row["sl_attained"] = Fraction(good, finished) if finished else None
        return
