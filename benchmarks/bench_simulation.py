"""Queue simulation: simulated calls per second, sla's engine vs ciw on the same case.

Case: Erlang A queue, 1000 calls/h, AHT 180 s (exponential), patience 60 s
(exponential), 47 agents (50 Erlangs; Erlang A's staffing for 80 % in 20 s).
sla: ``Queue.simulate`` (draws, FCFS recursion, figures with batch-means CIs)
for 1,000,000 calls. ciw: the same M/M/47+M network, ``simulate_until_max_time``
for about 20,000 arrivals, then ``get_all_records``. Both answers are checked
against the Erlang A service level first. Rates are calls per second of wall
time; each side is run several times and reported as min / median / max.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from benchmarks._runner import Result
from sla.economics import Queue

CALLS_PER_HOUR = 1000.0
AHT_S = 180.0
PATIENCE_S = 60.0
AGENTS = 47
WITHIN = timedelta(seconds=20)
OURS_CALLS = 1_000_000
CIW_CALLS = 20_000


def _queue() -> Queue:
    return Queue(
        calls=CALLS_PER_HOUR, interval=timedelta(hours=1), aht=timedelta(seconds=AHT_S)
    ).with_patience(timedelta(seconds=PATIENCE_S))


def ours_rate(seed: int) -> tuple[float, float]:
    """Calls per second of ``Queue.simulate``, and its service level."""
    q = _queue()
    started = time.perf_counter()
    sim = q.simulate(AGENTS, WITHIN, customers=OURS_CALLS, seed=seed)
    return OURS_CALLS / (time.perf_counter() - started), sim.service_level.value


def ciw_rate(seed: int) -> tuple[float, float]:
    """Calls per second of ciw on the same queue, and its service level."""
    import ciw

    rate = CALLS_PER_HOUR / 3600.0
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=rate)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / AHT_S)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / PATIENCE_S)],
    )
    ciw.seed(seed)
    started = time.perf_counter()
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(CIW_CALLS / rate)
    records = sim.get_all_records()
    elapsed = time.perf_counter() - started
    on_time = sum(
        1
        for r in records
        if r.record_type == "service" and r.waiting_time <= WITHIN.total_seconds()
    )
    return len(records) / elapsed, on_time / len(records)


def _spread(rates: list[float]) -> str:
    return f"{min(rates):,.0f} / {statistics.median(rates):,.0f} / {max(rates):,.0f} calls/s"


def run(repeat: int = 5) -> list[Result]:
    import ciw

    formula = float(_queue().service_level(AGENTS, WITHIN))
    ours = [ours_rate(seed) for seed in range(repeat)]
    theirs = [ciw_rate(seed) for seed in range(3)]
    for name, runs in (("sla", ours), ("ciw", theirs)):
        for _, level in runs:
            if abs(level - formula) > 0.05:
                raise AssertionError(f"{name} service level {level:.3f} vs Erlang A {formula:.3f}")
    our_rates = [r for r, _ in ours]
    ciw_rates = [r for r, _ in theirs]
    note = (
        f"sla min/median/max {_spread(our_rates)} ({OURS_CALLS:,} calls per run, "
        f"{repeat} runs); ciw {ciw.__version__} {_spread(ciw_rates)} "
        f"(about {CIW_CALLS:,} calls per run, 3 runs); median ratio "
        f"{statistics.median(our_rates) / statistics.median(ciw_rates):.0f}x"
    )
    print(note)
    return [
        Result(
            "simulation",
            f"M/M/{AGENTS}+M, 50 E, time per simulated call (median)",
            1.0 / statistics.median(our_rates),
            {f"ciw {ciw.__version__}": 1.0 / statistics.median(ciw_rates)},
            note=note,
        )
    ]
