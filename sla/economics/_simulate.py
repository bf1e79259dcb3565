"""Event-by-event simulation of a voice queue (M/G/n+G, first come first served).

The engine is the exact FCFS recursion over a heap of agent free times: the
calls are taken in arrival order; a caller's wait is how long until the
earliest agent is free; the caller is answered by that agent if the wait does
not exceed the caller's patience, and hangs up otherwise (leaving the agents
as they were). Arrivals (Poisson), handle times and patience are drawn
vectorized with one seeded ``numpy.random.Generator``; only the recursion is a
loop (``heapq`` in C), a few million calls per second on one core.

Figures come with 95 % confidence intervals by batch means: the first
``WARMUP`` share of calls (the queue starts empty) is dropped, the rest is cut
into ``BATCHES`` consecutive batches, and the half-width is
``t(0.975, BATCHES - 1) * sd(batch values) / sqrt(BATCHES)``.
"""

from __future__ import annotations

import heapq
import math
from datetime import timedelta
from typing import TYPE_CHECKING, Final

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError, Problem
from sla._explain import Explanation, explanation
from sla.economics._check import positive_duration, raise_all
from sla.economics._distributions import Distribution, as_distribution

if TYPE_CHECKING:
    from sla.economics._queue import Queue

__all__ = ["Estimate", "Run", "Simulation", "fcfs", "run_queue", "simulate_queue", "summarize"]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

#: Share of the simulated calls dropped as warm-up (the queue starts empty).
WARMUP: Final = 0.1
#: Batches for the batch-means confidence intervals, and t(0.975, 19).
BATCHES: Final = 20
T_975: Final = 2.093024054408263
#: Two-sided Student t quantiles for 19 degrees of freedom, by confidence level.
T_QUANTILES: Final = {0.95: T_975, 0.99: 2.860934606449914}


@attrs.frozen
class Estimate:
    """A simulated figure with the half-width of its 95 % confidence interval."""

    value: float
    half_width: float

    @property
    def low(self) -> float:
        """Lower end of the 95 % confidence interval."""
        return self.value - self.half_width

    @property
    def high(self) -> float:
        """Upper end of the 95 % confidence interval."""
        return self.value + self.half_width

    def covers(self, x: float, *, level: float = 0.95) -> bool:
        """Whether ``x`` lies inside the 95 % (or, with ``level=0.99``, 99 %) interval."""
        if level not in T_QUANTILES:
            raise EconomicsError(f"must be 0.95 or 0.99, got {level!r}", field="level")
        half = self.half_width * T_QUANTILES[level] / T_975
        return self.value - half <= x <= self.value + half

    def __float__(self) -> float:
        return self.value

    def __str__(self) -> str:
        return f"{self.value:.4g} ± {self.half_width:.2g}"


def fcfs(
    arrivals: Floats, service: Floats, patience: Floats | None, agents: int
) -> tuple[Floats, Bools]:
    """Waits and answered flags of calls in arrival order, ``agents`` serving FCFS.

    An answered caller's wait is the time to the answer; a caller who hangs up
    waited their patience. Exact for any handle-time and patience distribution.
    """
    free = [float(arrivals[0])] * agents if agents else []
    replace = heapq.heapreplace
    out: list[float] = []
    keep = out.append
    nan = math.nan
    times = arrivals.tolist()
    handle = service.tolist()
    if agents == 0:
        assert patience is not None
        return patience.copy(), np.zeros(len(times), dtype=np.bool_)
    if patience is None:
        for t, s in zip(times, handle, strict=True):
            f = free[0]
            if f <= t:
                replace(free, t + s)
                keep(0.0)
            else:
                replace(free, f + s)
                keep(f - t)
        waits = np.asarray(out)
        return waits, np.ones(waits.size, dtype=np.bool_)
    for t, s, p in zip(times, handle, patience.tolist(), strict=True):
        f = free[0]
        if f <= t:
            replace(free, t + s)
            keep(0.0)
        elif f - t <= p:
            replace(free, f + s)
            keep(f - t)
        else:
            keep(nan)
    waits = np.asarray(out)
    answered = ~np.isnan(waits)
    return np.where(answered, waits, patience), answered


def batch_estimate(
    numerator: Floats, denominator: Floats, bounds: npt.NDArray[np.int64]
) -> Estimate:
    """Ratio estimate ``sum(num) / sum(den)`` with a batch-means 95 % half-width."""
    num = np.add.reduceat(numerator, bounds[:-1])
    den = np.add.reduceat(denominator, bounds[:-1])
    total = float(den.sum())
    value = float(num.sum()) / total if total > 0 else 0.0
    ok = den > 0
    per_batch = num[ok] / den[ok]
    spread = float(np.std(per_batch, ddof=1)) if per_batch.size > 1 else 0.0
    return Estimate(value, T_975 * spread / math.sqrt(max(per_batch.size, 1)))


@attrs.frozen
class Simulation:
    """Figures of one simulated queue, each an :class:`Estimate` with a 95 % CI.

    ``service_level`` counts answered-within among all offered calls (as
    :meth:`Queue.service_level` does); ``asa`` is the mean wait of *answered*
    calls; ``mean_wait`` that of all arrivals, abandoners included.
    """

    agents: int
    within: float
    calls: int
    service_level: Estimate
    asa: Estimate
    mean_wait: Estimate
    abandon: Estimate
    occupancy: Estimate
    inputs: tuple[tuple[str, object], ...]

    def explain(self) -> Explanation:
        """How the figures were simulated: inputs, engine, and every figure with its CI."""
        return explanation(
            "simulated queue",
            f"service level {self.service_level}",
            "event-by-event FCFS recursion over a heap of agent free times; "
            f"95 % CI by {BATCHES} batch means after {WARMUP:.0%} warm-up",
            dict(self.inputs),
            [
                f"calls kept = {self.calls}",
                f"service level within {self.within:g} s = {self.service_level}",
                f"ASA of answered calls (s) = {self.asa}",
                f"mean wait of all arrivals (s) = {self.mean_wait}",
                f"abandoned = {self.abandon}",
                f"occupancy = {self.occupancy}",
            ],
        )


@attrs.frozen
class Run:
    """One simulated stream of calls: arrays in arrival order, times in seconds."""

    arrivals: Floats
    waits: Floats
    answered: Bools
    service: Floats
    rate: float
    inputs: tuple[tuple[str, object], ...]


def _check_run(agents: object, customers: object, seed: object, problems: list[Problem]) -> None:
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 0:
        problems.append(Problem("agents", f"must be a whole number >= 0, got {agents!r}"))
    if isinstance(customers, bool) or not isinstance(customers, int) or customers < 2000:
        problems.append(Problem("customers", f"must be a whole number >= 2000, got {customers!r}"))
    if isinstance(seed, bool) or not isinstance(seed, int):
        problems.append(Problem("seed", f"must be a whole number, got {seed!r}"))


def run_queue(
    queue: Queue,
    agents: int,
    *,
    service: Distribution | timedelta | None,
    patience: Distribution | timedelta | None,
    customers: int,
    seed: int,
) -> Run:
    """Draw ``customers`` Poisson arrivals, handle times and patience; run :func:`fcfs`."""
    problems: list[Problem] = []
    _check_run(agents, customers, seed, problems)
    raise_all(problems, "simulation")
    handle = as_distribution(service, "service") or Distribution.exponential()
    leave = as_distribution(patience, "patience")
    mean_patience = None if queue.patience is None else queue.patience.total_seconds()
    if leave is None and mean_patience is not None:
        leave = Distribution.exponential()
    if (
        leave is not None
        and leave.mean is None
        and leave.kind != "empirical"
        and mean_patience is None
    ):
        raise EconomicsError(
            "a patience distribution without a mean needs a queue with patience",
            field="patience",
        )
    if float(queue.calls) == 0:
        raise EconomicsError("a queue with no calls has nothing to simulate", field="calls")
    aht = queue.aht.total_seconds()
    rate = float(queue.calls) / queue.interval.total_seconds()
    load = rate * handle.mean_seconds(aht)
    if leave is None and agents <= load:
        raise EconomicsError(
            f"without patience the queue grows without end unless agents exceed the load "
            f"({load:.4g} Erlangs); got {agents}",
            field="agents",
        )
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(1.0 / rate, customers))
    served_time = handle.draw(rng, customers, aht)
    limit = None if leave is None else leave.draw(rng, customers, mean_patience or 1.0)
    waits, answered = fcfs(arrivals, served_time, limit, agents)
    inputs: dict[str, object] = {
        "calls per hour": rate * 3600.0,
        "agents": agents,
        "handle time": handle.describe(aht),
        "patience": "none (callers wait)"
        if leave is None
        else leave.describe(mean_patience or 1.0),
        "customers simulated": customers,
        "seed": seed,
    }
    return Run(arrivals, waits, answered, served_time, rate, tuple(inputs.items()))


def summarize(run: Run, agents: int, within: float) -> Simulation:
    """The figures of a run with batch-means confidence intervals, warm-up dropped."""
    start = int(run.arrivals.size * WARMUP)
    arrivals, waits = run.arrivals[start:], run.waits[start:]
    answered, served_time = run.answered[start:], run.service[start:]
    size = arrivals.size
    bounds = np.linspace(0, size, BATCHES + 1).astype(np.int64)
    ones = np.ones(size)
    answered_f = answered.astype(np.float64)
    level = batch_estimate((answered & (waits <= within)).astype(np.float64), ones, bounds)
    asa = batch_estimate(np.where(answered, waits, 0.0), answered_f, bounds)
    if not answered.any():
        asa = Estimate(math.inf, 0.0)  # nobody answered: no speed of answer (as the formula)
    mean_wait = batch_estimate(waits, ones, bounds)
    abandon = batch_estimate(1.0 - answered_f, ones, bounds)
    # Busy time of the calls arriving in a batch over the agent time of its span.
    span = np.diff(np.append(arrivals, arrivals[-1] + 1.0 / run.rate))
    busy = np.where(answered, served_time, 0.0)
    occupancy = batch_estimate(busy, span * max(agents, 1), bounds)
    inputs = (*run.inputs, ("within (s)", within))
    return Simulation(agents, within, size, level, asa, mean_wait, abandon, occupancy, inputs)


def simulate_queue(
    queue: Queue,
    agents: int,
    within: timedelta,
    *,
    service: Distribution | timedelta | None = None,
    patience: Distribution | timedelta | None = None,
    customers: int = 200_000,
    seed: int = 0,
) -> Simulation:
    """Simulate ``customers`` calls of ``queue`` with ``agents`` (see :meth:`Queue.simulate`)."""
    problems: list[Problem] = []
    t = positive_duration(within, "within", problems) if within != timedelta(0) else 0.0
    raise_all(problems, "simulation")
    run = run_queue(
        queue, agents, service=service, patience=patience, customers=customers, seed=seed
    )
    return summarize(run, agents, t)
