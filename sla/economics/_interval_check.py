"""Per-interval staffing checked by simulation: the period model's ``check="simulate"``.

A target (:class:`VoiceTarget`, :class:`ChatTarget`, :class:`WrittenTarget`)
turns a workload into one queue per interval (:class:`IntervalQueues`). The
formula staffs each; simulation can then

* staff each interval itself (``target.agents(workload, check="simulate")``:
  :meth:`Queue.agents_for` with ``check="simulate"`` interval by interval), or
* check a staffing (``target.check(workload, agents)``): per interval, the
  formula's service level beside the simulated one with its 95 % confidence
  interval, and whether the formula lies outside it.

Interval ``i`` is simulated with seed ``seed + i``: the same arguments give the
same figures, and intervals do not share random numbers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import attrs
import numpy as np

from sla._errors import EconomicsError
from sla._types import Floats, Ints
from sla.economics._distributions import Distribution
from sla.economics._queue import Queue
from sla.economics._table import RowTable

__all__ = ["IntervalQueues", "check_staffing", "simulated_agents"]

#: Calls simulated per interval unless told otherwise: a service level to about
#: +/- 1 point (95 %), a few tens of milliseconds per interval.
CUSTOMERS = 20_000


@attrs.frozen(eq=False)
class IntervalQueues:
    """The queue of every interval as the target staffs it.

    ``calls[i]`` at ``aht[i]`` seconds per ``interval``; a staffing of ``n``
    agents serves with ``n * slots_per_agent`` servers (chat concurrency), to
    ``share`` within ``within``, under ``max_occupancy`` if given.
    """

    start: Any  # datetime of interval 0
    interval: timedelta
    calls: Floats
    aht: Floats
    within: timedelta
    share: float
    slots_per_agent: int = 1
    patience: timedelta | None = None
    max_occupancy: float | None = None

    def queue(self, i: int) -> Queue:
        """Interval ``i``'s queue."""
        return Queue(
            float(self.calls[i]),
            self.interval,
            timedelta(seconds=float(self.aht[i])),
            self.patience,
        )


def _check_run(check: object, seed: object, customers: object) -> None:
    if check not in ("formula", "simulate"):
        raise EconomicsError(f"must be 'formula' or 'simulate', got {check!r}", field="check")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise EconomicsError(f"must be a whole number >= 0, got {seed!r}", field="seed")
    if isinstance(customers, bool) or not isinstance(customers, int) or customers < 1000:
        raise EconomicsError(
            f"must be a whole number >= 1000, got {customers!r}", field="customers"
        )


def simulated_agents(
    queues: IntervalQueues,
    *,
    seed: int,
    customers: int,
    service: Distribution | timedelta | None,
) -> Ints:
    """Agents per interval, each the smallest staffing the simulation confirms."""
    _check_run("simulate", seed, customers)
    out = np.zeros(queues.calls.shape, dtype=np.int64)
    for i in np.flatnonzero(queues.calls > 0):
        slots = queues.queue(int(i)).agents_for(
            service_level=queues.share,
            within=queues.within,
            max_occupancy=queues.max_occupancy,
            check="simulate",
            service=service,
            customers=customers,
            seed=seed + int(i),
        )
        out[i] = -(-int(slots) // queues.slots_per_agent)
    return out


def check_staffing(
    queues: IntervalQueues,
    agents: Ints,
    *,
    seed: int,
    customers: int,
    service: Distribution | timedelta | None,
) -> RowTable:
    """One row per interval with work: the formula's and the simulated service level.

    Columns: ``interval`` (index), ``start`` (ISO 8601), ``contacts``, ``agents``,
    ``target`` (share), ``service_level`` (the formula's at these agents),
    ``simulated_service_level`` and ``half_width`` (95 %; ``None`` when the
    staffing cannot keep up with the calls and the queue grows without end),
    ``simulated_meets_target`` and ``differs``: the formula's value lies
    outside the simulated 95 % interval (by more than ``1 / customers``). With
    the formula's own assumptions (exponential handle times) about one interval
    in twenty differs by chance;
    many more say the assumptions do not hold for these calls.
    """
    _check_run("simulate", seed, customers)
    staffed = np.asarray(agents)
    if staffed.shape != queues.calls.shape or staffed.dtype.kind not in "iu":
        raise EconomicsError(
            f"expected {queues.calls.size} whole numbers of agents, one per interval",
            field="agents",
        )
    if (staffed < 0).any():
        raise EconomicsError("agents cannot be negative", field="agents")
    rows = []
    for i in np.flatnonzero(queues.calls > 0):
        k = int(i)
        queue = queues.queue(k)
        servers = int(staffed[k]) * queues.slots_per_agent
        formula = float(queue.service_level(servers, queues.within)) if servers else 0.0
        simulated: float | None
        half: float | None
        try:
            sim = queue.simulate(
                servers, queues.within, service=service, customers=customers, seed=seed + k
            )
        except EconomicsError as error:
            if error.field != "agents":
                raise
            simulated = half = None  # no patience and no more servers than load: unstable
            differs = False
        else:
            simulated, half = sim.service_level.value, sim.service_level.half_width
            # Outside the 95 % interval, by more than one call's share (a run where
            # every call was answered in time has a half-width of 0).
            differs = abs(formula - simulated) > half + 1.0 / customers
        rows.append(
            {
                "interval": k,
                "start": (queues.start + queues.interval * k).isoformat(),
                "contacts": float(queues.calls[k]),
                "agents": int(staffed[k]),
                "target": queues.share,
                "service_level": formula,
                "simulated_service_level": simulated,
                "half_width": half,
                "simulated_meets_target": simulated is not None
                and simulated >= queues.share - 1e-12,
                "differs": differs,
            }
        )
    columns = ["interval", "start", "contacts", "agents", "target", "service_level",
               "simulated_service_level", "half_width", "simulated_meets_target",
               "differs"]  # fmt: skip
    return RowTable(rows, columns)
