"""Compliance: metric cycles -> counts, attainment and response times per group and period.

Periods are cut in the contract's zone (a June 30 23:30 Berlin contact
belongs to June even though it is July 1 in some other zone, and to June 30
21:30 in UTC). Attainment is exact (a :class:`~fractions.Fraction`) so that
service credits computed from it never depend on float rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs

from sla._errors import ClockError, Problem
from sla.clocks._partials import (
    COMPLIANCE_GROUPS,
    Period,
    check_grouping,
    combine_partials,
    compliance_partials,
)
from sla.clocks._policy import _fraction, check_metric

__all__ = ["Attainment", "ServiceLevelTarget", "attainment", "compliance"]


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
        found.extend(check_metric(self.metric, "metric"))
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


def compliance(
    cycles: Any,
    *,
    tz: str | None = None,
    period: Period = "month",
    by: Sequence[str] = COMPLIANCE_GROUPS,
    targets: Sequence[ServiceLevelTarget] = (),
    percentiles: Sequence[float] = (50, 90, 95),
) -> Any:
    """A pandas DataFrame of compliance figures, one row per group.

    ``cycles`` is the table :func:`~sla.clocks.evaluate_table` returns (pandas,
    polars or Arrow) or an iterable of :class:`CycleResult` / :class:`Evaluation`.
    Groups are any of ``tier, channel, metric, priority, period`` (periods of
    the cycle start in zone ``tz``; by default each cycle's own ``tz``, the
    zone of its contract, so that periods are never cut in UTC by accident),
    rows sorted by group. Columns: counts
    ``total, met, breached, active`` (running or paused), ``cancelled,
    abandoned``; ``attained`` (exact met / finished) and, where a
    :class:`ServiceLevelTarget` applies to the group's metric and tier,
    ``sl_target``, ``sl_within_seconds``, ``sl_attained`` (exact) and
    ``sl_met``; mean and percentile response times (finished, not abandoned;
    numpy's "linear" percentile) in business (``business_*``) and calendar
    (``calendar_*``) seconds.

    This is ``combine_partials([compliance_partials(cycles, tz=tz,
    period=period)], ...)``: the very computation a Dask or Spark run does
    on per-partition partials, so the two reports are equal by construction.
    """
    check_grouping(period, by)
    partials = compliance_partials(cycles, tz=tz, period=period, output="arrow")
    return combine_partials([partials], by=by, targets=targets, percentiles=percentiles)


def attainment(
    cycles: Any,
    *,
    tz: str | None = None,
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
