"""Compliance: metric cycles -> counts, attainment and response times per group and period.

Periods are cut in the contract's zone (a June 30 23:30 Berlin contact
belongs to June even though it is July 1 in some other zone, and to June 30
21:30 in UTC). Attainment is exact (a :class:`~fractions.Fraction`) so that
service credits computed from it never depend on float rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, Literal

import attrs
import numpy as np

from sla._errors import ClockError, Problem
from sla.clocks._policy import METRICS, _fraction
from sla.clocks._results import CycleResult, Evaluation

__all__ = ["Attainment", "ServiceLevelTarget", "attainment", "compliance"]

Period = Literal["day", "week", "month", "quarter", "year"]
_FORMATS = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m", "year": "%Y"}
_GROUPS = ("tier", "channel", "metric", "priority", "period")
_DONE = ("met", "breached", "abandoned")


@attrs.frozen(slots=True)
class ServiceLevelTarget:
    """An aggregate promise: ``fraction`` of ``metric`` cycles within ``within_seconds``.

    "80 % of calls answered within 20 s" is
    ``ServiceLevelTarget("speed_of_answer", "4/5", within_seconds=20)``.
    Without ``within_seconds`` a cycle counts when it met its own deadline.
    Abandoned calls count in the denominator and never as attained.
    ``tier`` restricts the target to one tier (``None``: every tier).
    """

    metric: str
    fraction: Fraction = attrs.field(converter=_fraction)
    within_seconds: int | None = None
    tier: str | None = None

    def __attrs_post_init__(self) -> None:
        found = []
        if self.metric not in METRICS:
            found.append(Problem("metric", f"unknown metric; expected one of {METRICS}"))
        if not 0 < self.fraction <= 1:
            found.append(Problem("fraction", "must be above 0 and at most 1"))
        if self.within_seconds is not None and self.within_seconds <= 0:
            found.append(Problem("within_seconds", "must be above 0"))
        if found:
            raise ClockError.from_problems(found, what="service-level target")


@attrs.frozen(slots=True)
class Attainment:
    """What the pricing layer turns into service credits: one metric, tier and period.

    ``attained`` = ``met / total`` exactly, where ``total`` counts finished
    cycles (met, breached, abandoned); ``target`` is the promised fraction
    when one applies; ``breaches`` counts breached and abandoned cycles.
    """

    metric: str
    tier: str | None
    period: str
    attained: Fraction
    target: Fraction | None
    met: int
    total: int
    breaches: int

    @property
    def missed(self) -> bool:
        """Whether the promised fraction was missed (``False`` with no target)."""
        return self.target is not None and self.attained < self.target


def _frame(cycles: Any) -> Any:
    import pandas as pd

    if isinstance(cycles, pd.DataFrame):
        return cycles
    module = type(cycles).__module__.split(".")[0]
    if module == "polars":
        return cycles.to_pandas()
    if module == "pyarrow":
        return cycles.to_pandas()
    rows: list[dict[str, Any]] = []
    for item in cycles:
        found: Iterable[CycleResult] = item.cycles if isinstance(item, Evaluation) else (item,)
        for c in found:
            rows.append(
                {
                    "contact_id": c.contact_id,
                    "metric": c.metric,
                    "status": c.status,
                    "start": c.start,
                    "elapsed_seconds": c.elapsed_seconds,
                    "calendar_seconds": c.calendar_seconds,
                    "channel": c.channel,
                    "priority": c.priority,
                    "tier": c.tier,
                }
            )
    return pd.DataFrame(rows)


def _periods(start: Any, tz: str, period: Period) -> Any:
    import pandas as pd

    local = pd.to_datetime(start.astype("int64"), unit="s", utc=True).dt.tz_convert(tz)
    if period == "quarter":
        return local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)
    if period not in _FORMATS:
        raise ClockError("must be day, week, month, quarter or year", field="period")
    return local.dt.strftime(_FORMATS[period])


def compliance(
    cycles: Any,
    *,
    tz: str = "UTC",
    period: Period = "month",
    by: Sequence[str] = _GROUPS,
    targets: Sequence[ServiceLevelTarget] = (),
    percentiles: Sequence[float] = (50, 90, 95),
) -> Any:
    """A pandas DataFrame of compliance figures, one row per group.

    ``cycles`` is the table :func:`~sla.clocks.evaluate_table` returns (pandas,
    polars or Arrow) or an iterable of :class:`CycleResult` / :class:`Evaluation`.
    Groups are any of ``tier, channel, metric, priority, period`` (periods of
    the cycle start in zone ``tz``). Columns: counts ``total, met, breached,
    active`` (running or paused), ``cancelled, abandoned``; ``attained`` (exact
    met / finished) and, where a :class:`ServiceLevelTarget` applies to the
    group's metric and tier, ``sl_target``, ``sl_within_seconds``,
    ``sl_attained`` (exact) and ``sl_met``; mean and percentile response times
    (finished, not abandoned) in business (``business_*``) and calendar
    (``calendar_*``) seconds.
    """
    import pandas as pd

    unknown = [g for g in by if g not in _GROUPS]
    if unknown:
        raise ClockError(f"unknown groups {unknown}; choose from {_GROUPS}", field="by")
    frame = _frame(cycles)
    if frame.empty:
        return pd.DataFrame(columns=[*by, "total", "met", "breached", "active"])
    frame = frame.assign(period=_periods(frame["start"], tz, period))
    frame["tier"] = frame["tier"].astype(object).where(frame["tier"].notna(), None)
    rows = []
    for key, group in frame.groupby(list(by), dropna=False, sort=True):
        values = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = dict(zip(by, values, strict=True))
        status = group["status"]
        counts = {s: int((status == s).sum()) for s in (*_DONE, "cancelled", "active", "paused")}
        finished = counts["met"] + counts["breached"] + counts["abandoned"]
        row.update(
            total=len(group),
            met=counts["met"],
            breached=counts["breached"],
            active=counts["active"] + counts["paused"],
            cancelled=counts["cancelled"],
            abandoned=counts["abandoned"],
            attained=Fraction(counts["met"], finished) if finished else None,
        )
        _service_level(row, group, targets, finished)
        answered = group[status.isin(("met", "breached"))]
        for clock in ("business", "calendar"):
            column = "elapsed_seconds" if clock == "business" else "calendar_seconds"
            values_s = answered[column].to_numpy(dtype=np.float64)
            row[f"{clock}_mean"] = float(values_s.mean()) if len(values_s) else None
            for p in percentiles:
                value = float(np.percentile(values_s, p)) if len(values_s) else None
                row[f"{clock}_p{p:g}"] = value
        rows.append(row)
    return pd.DataFrame(rows)


def _service_level(
    row: dict[str, Any], group: Any, targets: Sequence[ServiceLevelTarget], finished: int
) -> None:
    metrics = set(group["metric"])
    tiers = set(group["tier"])
    for target in targets:
        if target.metric not in metrics or metrics != {target.metric}:
            continue
        if target.tier is not None and tiers != {target.tier}:
            continue
        if target.within_seconds is None:
            good = int((group["status"] == "met").sum())
        else:
            inside = group["elapsed_seconds"] <= target.within_seconds
            good = int((group["status"].isin(("met", "breached")) & inside).sum())
        row["sl_target"] = target.fraction
        row["sl_within_seconds"] = target.within_seconds
        row["sl_met"] = good
        row["sl_attained"] = Fraction(good, finished) if finished else None
        return


def attainment(
    cycles: Any,
    *,
    tz: str = "UTC",
    period: Period = "month",
    targets: Sequence[ServiceLevelTarget] = (),
) -> list[Attainment]:
    """Attainment per metric, tier and period: the input of SLA service credits.

    With a :class:`ServiceLevelTarget` for the metric (and tier), ``attained``
    and ``met`` follow its threshold; otherwise each cycle's own deadline.
    Groups with no finished cycle are left out.
    """
    table = compliance(
        cycles, tz=tz, period=period, by=("metric", "tier", "period"), targets=targets
    )
    out = []
    for row in table.to_dict("records"):
        finished = row["met"] + row["breached"] + row["abandoned"]
        if not finished:
            continue
        has_target = "sl_target" in row and isinstance(row.get("sl_target"), Fraction)
        met = int(row["sl_met"]) if has_target else row["met"]
        out.append(
            Attainment(
                metric=row["metric"],
                tier=row["tier"] if isinstance(row["tier"], str) else None,
                period=row["period"],
                attained=Fraction(met, finished),
                target=row["sl_target"] if has_target else None,
                met=met,
                total=finished,
                breaches=row["breached"] + row["abandoned"],
            )
        )
    return out
