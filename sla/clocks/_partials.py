"""Compliance as a merge of partials: the one mechanism for one process and for a cluster.

A compliance report needs, per group, counts by status, which metrics and
tiers the group holds, and the response times of answered cycles (for the
mean, the percentiles and "within N seconds" targets). Partials keep exactly
that at the finest grain (tier, channel, metric, priority, period): counts
per status, and a histogram (seconds -> count) of business and calendar
response times, which are whole seconds. Counts and histograms add up, so
the partials of any split of a cycle table combine into the report of the
whole table. :func:`~sla.clocks.compliance` is itself
``combine_partials([compliance_partials(cycles)])``: a Dask or Spark run that
combines per-partition partials gives the same report by construction.

Partials are computed with numpy on dictionary codes (no pandas group-by);
percentiles follow numpy's default "linear" rule evaluated at the two order
statistics it needs: no sketch, no approximation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np

from sla._errors import ClockError
from sla._frames import frame_kind, to_arrow
from sla._types import ArrowTable, DataFrame, Ints, PandasFrame
from sla.clocks._codes import _codes, _combine, _ints
from sla.clocks._periods import _PERIODS, _period_codes
from sla.clocks._periods import Period as Period

if TYPE_CHECKING:
    from sla.clocks._compliance import ServiceLevelTarget
    from sla.clocks._results import CycleResult, Evaluation

__all__ = [
    "COMPLIANCE_GROUPS",
    "PARTIAL_COLUMNS",
    "Period",
    "check_grouping",
    "combine_partials",
    "compliance_partials",
    "percentile_of_counts",
]

#: Every grouping :func:`~sla.clocks.compliance` knows; partials are kept at this grain.
COMPLIANCE_GROUPS: Final = ("tier", "channel", "metric", "priority", "period")
#: Columns of a partials table: the fine group, what is counted, its value and how often.
PARTIAL_COLUMNS: Final = (*COMPLIANCE_GROUPS, "measure", "value", "count")
_TEXT: Final = ("tier", "channel", "metric", "priority")
_CLOCKS: Final = (("business", "elapsed_seconds"), ("calendar", "calendar_seconds"))
_ANSWERED: Final = ("met", "breached")
_NEEDED: Final = (*_TEXT, "status", "start", "elapsed_seconds", "calendar_seconds")


def check_grouping(period: str, by: Sequence[str]) -> None:
    """Refuse an unknown period or grouping before any work is done."""
    if period not in _PERIODS:
        raise ClockError("must be day, week, month, quarter or year", field="period")
    unknown = [g for g in by if g not in COMPLIANCE_GROUPS]
    if unknown:
        raise ClockError(f"unknown groups {unknown}; choose from {COMPLIANCE_GROUPS}", field="by")


# -- input ------------------------------------------------------------------------------------


def _cycles_arrow(cycles: Any) -> Any:
    """The columns compliance reads, as an Arrow table, from any accepted cycle input."""
    import pyarrow as pa

    from sla.clocks._results import Evaluation

    if frame_kind(cycles) is not None:
        names = getattr(cycles, "column_names", None) or list(cycles.columns)
        return to_arrow(cycles, error=ClockError, field="cycles", columns=_wanted(names))[0]
    columns: dict[str, list[Any]] = {name: [] for name in (*_NEEDED, "tz", "stop")}
    for item in cycles:
        found: Iterable[CycleResult] = item.cycles if isinstance(item, Evaluation) else (item,)
        for c in found:
            for name in columns:
                columns[name].append(getattr(c, name))
    types = {"start": pa.int64(), "elapsed_seconds": pa.int64(), "calendar_seconds": pa.int64()}
    types["stop"] = pa.int64()
    return pa.table({n: pa.array(v, types.get(n, pa.string())) for n, v in columns.items()})


def _wanted(names: Iterable[str]) -> list[str]:
    """The columns compliance reads, plus the cycles' own zone (``tz``) and ``stop`` when the
    table has them."""
    present = set(names)
    return [*_NEEDED, *(name for name in ("tz", "stop") if name in present)]


# -- partials ---------------------------------------------------------------------------------


def _empty_partials(output: str) -> Any:
    import pandas as pd
    import pyarrow as pa

    if output == "arrow":
        text = pa.dictionary(pa.int32(), pa.string())
        fields = [pa.field(name, text) for name in (*COMPLIANCE_GROUPS, "measure")]
        return pa.schema([*fields, ("value", pa.int64()), ("count", pa.int64())]).empty_table()
    data: dict[str, Any] = {
        name: pd.Series([], dtype=object) for name in (*COMPLIANCE_GROUPS, "measure")
    }
    data["value"] = pd.Series([], dtype="int64")
    data["count"] = pd.Series([], dtype="int64")
    return pd.DataFrame(data)


def compliance_partials(
    cycles: DataFrame | Iterable[CycleResult | Evaluation],
    *,
    tz: str | None = None,
    period: Period = "month",
    output: Literal["pandas", "arrow"] = "pandas",
) -> PandasFrame | ArrowTable:
    """The partials of a cycle table, ready for :func:`combine_partials`.

    ``cycles`` is what :func:`~sla.clocks.compliance` accepts (a pandas, polars
    or Arrow cycle table, a record batch, or :class:`CycleResult` /
    :class:`Evaluation` objects). One row per fine group (tier, channel,
    metric, priority, period in zone ``tz``; by default each cycle's own ``tz``
    column, the zone of its contract, UTC where a cycle has none) and measure: a status (``value``
    0, ``count`` cycles), or ``business`` / ``calendar`` response time
    ``value`` seconds of answered (met or breached, and stopped) cycles, seen ``count``
    times. Columns :data:`PARTIAL_COLUMNS`; a pandas DataFrame (text as
    ``object``) or, with ``output="arrow"``, a ``pyarrow.Table`` with
    dictionary-encoded text. Partials of any split of a cycle table, even
    one that cuts contacts apart, combine into the report of the whole table.
    """
    check_grouping(period, ())
    if output not in ("pandas", "arrow"):
        raise ClockError("must be 'pandas' or 'arrow'", field="output")
    table = _cycles_arrow(cycles)
    if not table.num_rows:
        return _empty_partials(output)
    texts = [_codes(table.column(name)) for name in _TEXT]
    zone: Any = tz
    if zone is None:
        zone = _codes(table.column("tz")) if "tz" in table.column_names else "UTC"
    period_codes, period_labels = _period_codes(_ints(table.column("start")), zone, period)
    groups = [*texts, (period_codes, period_labels)]
    fine, first = _combine([c for c, _ in groups], [len(v) for _, v in groups])
    member = [codes[first] for codes, _ in groups]
    n_fine = len(first)
    status, statuses = _codes(table.column("status"))
    n_status = len(statuses)
    by_status = np.bincount(fine * n_status + status, minlength=n_fine * n_status)
    nonzero = np.flatnonzero(by_status)
    rows_group = [nonzero // n_status]
    rows_measure = [nonzero % n_status]
    rows_value = [np.zeros(len(nonzero), dtype=np.int64)]
    rows_count = [by_status[nonzero].astype(np.int64)]
    answered = np.isin(status, [i for i, s in enumerate(statuses) if s in _ANSWERED])
    if "stop" in table.column_names:
        # A clock still running has no response time yet: an open breached cycle's
        # elapsed time is a lower bound, not a measurement.
        stopped = table.column("stop").is_valid().to_numpy(zero_copy_only=False)
        answered &= np.asarray(stopped, dtype=bool)
    for index, (_, column) in enumerate(_CLOCKS):
        values = _ints(table.column(column))[answered]
        group, value, count = _histogram(fine[answered], values)
        rows_group.append(group)
        rows_measure.append(np.full(len(group), n_status + index, dtype=np.int64))
        rows_value.append(value)
        rows_count.append(count)
    group = np.concatenate(rows_group)
    measures = [*statuses, *(clock for clock, _ in _CLOCKS)]
    columns = {
        name: (member[i][group], values)
        for i, (name, (_, values)) in enumerate(zip(COMPLIANCE_GROUPS, groups, strict=True))
    }
    columns["measure"] = (np.concatenate(rows_measure), measures)
    return _partials_table(columns, np.concatenate(rows_value), np.concatenate(rows_count), output)


def _histogram(group: Ints, values: Ints) -> tuple[Ints, Ints, Ints]:
    """Distinct (group, value) pairs and how often each occurs."""
    if not len(values):
        return values, values, values
    low = int(values.min())
    span = int(values.max()) - low + 1
    size = (int(group.max()) + 1) * span
    if size >= 2**62:
        keys, first = _combine([group, values - low], [int(group.max()) + 1, span])
        counts = np.bincount(keys).astype(np.int64)
        return group[first], values[first], counts
    key = group * span + (values - low)
    if size <= 4 * len(key) + 1024:
        counts = np.bincount(key, minlength=size).astype(np.int64)
        found = np.flatnonzero(counts)
        return found // span, found % span + low, counts[found]
    found, counts = np.unique(key, return_counts=True)
    return found // span, found % span + low, counts.astype(np.int64)


def _partials_table(
    columns: dict[str, tuple[Ints, list[Any]]], value: Ints, count: Ints, output: str
) -> Any:
    import pandas as pd
    import pyarrow as pa

    if output == "pandas":
        data: dict[str, Any] = {
            name: pd.Series(np.array(values, dtype=object)[codes], dtype=object)
            for name, (codes, values) in columns.items()
        }
        data["value"] = value
        data["count"] = count
        return pd.DataFrame(data)
    arrays: dict[str, Any] = {}
    for name, (codes, values) in columns.items():
        # Null is a missing index, never a dictionary entry (Arrow readers refuse those).
        kept = [v for v in values if v is not None]
        new_code = np.cumsum([v is not None for v in values], dtype=np.int64) - 1
        mask = np.array([v is None for v in values])[codes]
        indices = pa.array(new_code[codes].astype(np.int32), mask=mask if mask.any() else None)
        dictionary = pa.array(kept, None if kept else pa.string())
        arrays[name] = pa.DictionaryArray.from_arrays(indices, dictionary)
    arrays["value"] = pa.array(value, pa.int64())
    arrays["count"] = pa.array(count, pa.int64())
    return pa.table(arrays)


# -- combining --------------------------------------------------------------------------------


def _partials_tables(partials: Any) -> list[Any]:
    import pyarrow as pa

    if isinstance(partials, pa.RecordBatch):
        return [pa.Table.from_batches([partials])]
    if frame_kind(partials) is not None:
        columns = list(PARTIAL_COLUMNS)
        return [to_arrow(partials, error=ClockError, field="partials", columns=columns)[0]]
    return [table for item in partials for table in _partials_tables(item)]


def _global_codes(tables: Sequence[Any], name: str) -> tuple[Ints, list[Any]]:
    """Codes of one column across tables, on one shared list of values (``None``: null)."""
    index: dict[Any, int] = {}
    pieces = []
    for table in tables:
        codes, values = _codes(table.column(name))
        lookup = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)
        pieces.append(lookup[codes])
    return np.concatenate(pieces), list(index)


def _sum_by(codes: Ints, size: int, weights: Ints) -> Ints:
    if int(weights.sum()) < 2**53:  # float64 sums of integers stay exact below 2**53
        return np.bincount(codes, weights=weights, minlength=size).astype(np.int64)
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, codes, weights)
    return out


def _percentile(values: Ints, cumulative: Ints, p: float) -> float:
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


def percentile_of_counts(values: Ints, counts: Ints, p: float) -> float:
    """``np.percentile(np.repeat(values, counts), p)`` without materializing the repeat.

    ``values`` ascending and distinct. Same arithmetic as numpy's default
    "linear" method: virtual index ``(n - 1) * (p / 100)``, the two order
    statistics around it, and numpy's two-sided lerp.
    """
    return _percentile(values, np.cumsum(counts), p)


def _exact_sum(values: Ints, counts: Ints) -> int:
    n = int(counts.sum())
    if int(np.abs(values).max()) * n < 2**63:  # no partial sum can overflow int64
        return int(np.dot(values, counts))
    return sum(int(v) * int(c) for v, c in zip(values.tolist(), counts.tolist(), strict=True))


class _Histograms:
    """Merged response-time histograms of every coarse group, sorted by group then seconds."""

    def __init__(self, coarse: Ints, n_coarse: int, value: Ints, count: Ints) -> None:
        if len(value):
            low = int(value.min())
            merged, first = _combine([coarse, value - low], [n_coarse, int(value.max()) - low + 1])
            self.count = _sum_by(merged, len(first), count)
            self.value = value[first]
            group = coarse[first]
        else:
            self.count = self.value = group = value
        self.bounds = np.searchsorted(group, np.arange(n_coarse + 1))

    def of(self, c: int) -> tuple[Ints, Ints]:
        lo, hi = int(self.bounds[c]), int(self.bounds[c + 1])
        return self.value[lo:hi], self.count[lo:hi]


def combine_partials(
    partials: DataFrame | Iterable[DataFrame],
    *,
    by: Sequence[str] = COMPLIANCE_GROUPS,
    targets: Sequence[ServiceLevelTarget] = (),
    percentiles: Sequence[float] = (50, 90, 95),
) -> PandasFrame:
    """The compliance report (a pandas DataFrame, one row per group) from partials.

    ``partials`` is one table of :func:`compliance_partials` (pandas, polars or
    Arrow), or any iterable of them, e.g. one per partition; rows of the same
    fine group and measure add up. The result equals
    :func:`~sla.clocks.compliance` of all the cycles with the same ``tz``,
    ``period``, ``by``, ``targets`` and ``percentiles``, cell for cell.
    """
    import pandas as pd

    check_grouping("month", by)
    tables = [t for t in _partials_tables(partials) if t.num_rows]
    if not tables:
        return pd.DataFrame(columns=[*by, "total", "met", "breached", "active"])
    group_codes = [_global_codes(tables, name) for name in COMPLIANCE_GROUPS]
    measure, measures = _global_codes(tables, "measure")
    value = np.concatenate([_ints(t.column("value")) for t in tables])
    count = np.concatenate([_ints(t.column("count")) for t in tables])
    fine, first = _combine([c for c, _ in group_codes], [len(v) for _, v in group_codes])
    fine_groups = pd.DataFrame(
        {
            name: np.array(values, dtype=object)[codes[first]]
            for name, (codes, values) in zip(COMPLIANCE_GROUPS, group_codes, strict=True)
        }
    )
    grouped = fine_groups.groupby(list(by), dropna=False, sort=True)
    coarse_of = grouped.ngroup().to_numpy(dtype=np.int64)
    keys = [k if isinstance(k, tuple) else (k,) for k in grouped.size().index]
    coarse = coarse_of[fine]
    n_coarse, n_measure = len(keys), len(measures)
    clocks = {clock: measures.index(clock) if clock in measures else -1 for clock, _ in _CLOCKS}
    is_status = ~np.isin(measure, list(clocks.values()))
    by_status = _sum_by(
        coarse[is_status] * n_measure + measure[is_status],
        n_coarse * n_measure,
        count[is_status],
    ).reshape(n_coarse, n_measure)
    histograms = {}
    for clock, code in clocks.items():
        rows = measure == code
        histograms[clock] = _Histograms(coarse[rows], n_coarse, value[rows], count[rows])
    metric_sets: list[set[Any]] = [set() for _ in keys]
    tier_sets: list[set[Any]] = [set() for _ in keys]
    for c, metric, tier in zip(
        coarse_of.tolist(), fine_groups["metric"], fine_groups["tier"], strict=True
    ):
        metric_sets[c].add(metric)
        tier_sets[c].add(tier)
    status_of = {s: i for i, s in enumerate(measures) if i not in clocks.values()}
    rows_out = []
    for c, key in enumerate(keys):
        counted = by_status[c]
        counts = {
            s: int(counted[status_of[s]]) if s in status_of else 0
            for s in ("met", "breached", "abandoned", "cancelled", "active", "paused")
        }
        finished = counts["met"] + counts["breached"] + counts["abandoned"]
        row: dict[str, Any] = dict(zip(by, key, strict=True))
        row.update(
            total=int(counted.sum()),
            met=counts["met"],
            breached=counts["breached"],
            active=counts["active"] + counts["paused"],
            cancelled=counts["cancelled"],
            abandoned=counts["abandoned"],
            attained=Fraction(counts["met"], finished) if finished else None,
        )
        business = histograms["business"].of(c)
        _service_level(row, metric_sets[c], tier_sets[c], business, targets, counts, finished)
        for clock, _ in _CLOCKS:
            seconds, seen = histograms[clock].of(c)
            n = int(seen.sum())
            row[f"{clock}_mean"] = _exact_sum(seconds, seen) / n if n else None
            cumulative = np.cumsum(seen)
            for p in percentiles:
                row[f"{clock}_p{p:g}"] = _percentile(seconds, cumulative, p) if n else None
        rows_out.append(row)
    return pd.DataFrame(rows_out)


def _service_level(
    row: dict[str, Any],
    metrics: set[Any],
    tiers: set[Any],
    business: tuple[Ints, Ints],
    targets: Sequence[ServiceLevelTarget],
    counts: dict[str, int],
    finished: int,
) -> None:
    # A target applies when the group holds exactly its metric (and exactly
    # its tier, when it names one); the first that applies wins.
    for target in targets:
        if metrics != {target.metric}:
            continue
        if target.tier is not None and tiers != {target.tier}:
            continue
        if target.within_seconds is None:
            good = counts["met"]
        else:
            seconds, seen = business
            good = int(seen[seconds <= target.within_seconds].sum())
        row["sl_target"] = target.fraction
        row["sl_within_seconds"] = target.within_seconds
        row["sl_met"] = good
        row["sl_attained"] = Fraction(good, finished) if finished else None
        return
