"""Before launch: the range of a month's result, and the AHT at which a contract loses money.

Analyse the work up front: take the forecast month (a :class:`Workload`),
volumes low / expected / high and AHT as a distribution (named quantiles),
staff every interval with the tier's queue model, pay the hours and price the
requests. :func:`launch_table` gives the result for every pair;
:func:`losing_aht` the shortest AHT at which the month's result turns negative.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError
from sla.economics._period import MonthEconomics, PeriodCosts
from sla.economics._shifts import PaidHours, ShiftRules, paid_hours_lower_bound, schedule_shifts
from sla.economics._table import RowTable
from sla.economics._workload import Workload
from sla.money import Money

__all__ = ["launch_table", "losing_aht"]


class _Staffs(Protocol):
    def agents(self, workload: Workload) -> npt.NDArray[np.int64]: ...


Revenue = Callable[[int], Money]


def _month(
    work: Workload,
    target: _Staffs,
    costs: PeriodCosts,
    revenue: Revenue,
    shrinkage: object,
    shifts: ShiftRules | None,
) -> MonthEconomics:
    agents = target.agents(work)
    paid: PaidHours
    if shifts is None:
        paid = paid_hours_lower_bound(agents, shrinkage, start=work.start, interval=work.interval)
    else:
        paid = schedule_shifts(agents, shrinkage, shifts, start=work.start, interval=work.interval)
    requests = round(float(work.contacts.sum()))
    return MonthEconomics(paid, costs, revenue(requests), requests)


def launch_table(
    forecast: Workload,
    target: _Staffs,
    costs: PeriodCosts,
    revenue: Revenue,
    *,
    volumes: Mapping[str, float],
    aht: Mapping[str, timedelta],
    shrinkage: object = 0,
    shifts: ShiftRules | None = None,
) -> RowTable:
    """The month's result for every volume (factor on the forecast) and AHT (a quantile).

    ``revenue(requests)`` prices the month's requests, e.g. with
    ``sla.pricing.invoice``. Paid hours are the lower bound unless ``shifts``
    are given. One row per pair: paid hours, cost, revenue, result, per request.
    """
    if not volumes or not aht:
        raise EconomicsError("give at least one volume and one AHT", field="volumes")
    rows: list[dict[str, Any]] = []
    for v_label, factor in volumes.items():
        for a_label, handle in aht.items():
            work = forecast.scaled(factor).with_aht(handle)
            month = _month(work, target, costs, revenue, shrinkage, shifts)
            rows.append(
                {
                    "volume": v_label,
                    "aht": a_label,
                    "aht_seconds": handle.total_seconds(),
                    **month.as_dict(),
                }
            )
    return RowTable(rows)


def losing_aht(
    forecast: Workload,
    target: _Staffs,
    costs: PeriodCosts,
    revenue: Revenue,
    *,
    shrinkage: object = 0,
    shifts: ShiftRules | None = None,
    longest: timedelta = timedelta(hours=2),
) -> timedelta | None:
    """The shortest AHT (to the second) at which the forecast month's result is negative.

    ``None`` when the result is still >= 0 at ``longest``; ``timedelta(0)`` when
    even one-second contacts lose money. Bisection assumes the result falls as
    AHT grows (a price per request or per month).
    """

    def loses(seconds: int) -> bool:
        work = forecast.with_aht(timedelta(seconds=seconds))
        month = _month(work, target, costs, revenue, shrinkage, shifts)
        return month.result.amount < 0

    lo, hi = 1, int(longest.total_seconds())
    if loses(lo):
        return timedelta(0)
    if not loses(hi):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if loses(mid):
            hi = mid
        else:
            lo = mid
    return timedelta(seconds=hi)
