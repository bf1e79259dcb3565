"""Shift scheduling: sla's ``schedule_shifts`` (HiGHS) vs pyworkforce's ``MinRequiredResources``.

The same requirements for both: 30 days x 96 quarter hours, open 07:00-22:00,
paid heads per interval from Erlang C on a seeded day curve (shrinkage already
applied, so both solve the very same covering problem), shifts of 4 to 8 hours
in quarter-hour steps starting on any quarter hour while open, cost = hours.
Both must reach the same optimal paid hours; the time of each is recorded as
min / median / max of ``REPEAT`` runs (the machine is shared: the spread says how
much).

Run: ``python -m benchmarks shifts`` (needs the ``bench`` extra: pyworkforce).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np

from benchmarks._runner import Result
from sla.economics import ShiftRules, VoiceTarget, Workload, paid_heads, schedule_shifts

DAYS, PERIODS = 30, 96
OPEN, CLOSE = 28, 88  # 07:00 and 22:00 in quarter hours
LENGTHS = range(16, 33)  # 4 h to 8 h in quarter hours
REPEAT = 3
START = datetime(2025, 6, 1, tzinfo=UTC)
QUARTER = timedelta(minutes=15)


def requirements(seed: int = 1) -> np.ndarray:
    """Paid heads per quarter hour: Erlang C for 80 % in 20 s, AHT 240 s, 30 % shrinkage."""
    rng = np.random.default_rng(seed)
    curve = np.sin(np.linspace(0, np.pi, CLOSE - OPEN)) * 20 + 2
    counts = np.zeros(DAYS * PERIODS)
    for d in range(DAYS):
        counts[d * PERIODS + OPEN : d * PERIODS + CLOSE] = rng.poisson(curve * 6)
    work = Workload.from_counts(counts, timedelta(seconds=240), start=START, interval=QUARTER)
    return paid_heads(VoiceTarget(0.8, timedelta(seconds=20)).agents(work), "0.3")


def ours(need: np.ndarray) -> float:
    rules = ShiftRules([QUARTER * k for k in LENGTHS], starts_every=QUARTER)
    roster = schedule_shifts(need, 0, rules, start=START, interval=QUARTER)
    assert roster.proven_optimal
    return float(roster.hours)


def peer(need: np.ndarray) -> float:
    from pyworkforce.scheduling import MinRequiredResources

    # Shifts starting while open: a shift starting earlier only pays for closed time,
    # so the optimum is the same and pyworkforce's model is 40 % smaller.
    coverage, cost = {}, {}
    for start in range(OPEN, CLOSE):
        for length in LENGTHS:
            if start + length <= PERIODS:
                row = [0] * PERIODS
                row[start : start + length] = [1] * length
                name = f"s{start}_{length}"
                coverage[name] = row
                cost[name] = length  # quarter hours: hours x 4
    scheduler = MinRequiredResources(
        num_days=DAYS,
        periods=PERIODS,
        shifts_coverage=coverage,
        required_resources=need.reshape(DAYS, PERIODS).tolist(),
        max_period_concurrency=int(need.max()) * 3,
        max_shift_concurrency=int(need.max()) * 3,
        cost_dict=cost,
        max_search_time=240.0,
        num_search_workers=2,
    )
    solution = scheduler.solve()
    assert solution["status"] == "OPTIMAL", solution["status"]
    return float(solution["cost"]) / 4


def _times(fn: Callable[[], float]) -> tuple[float, list[float]]:
    value, runs = fn(), []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return value, runs


def run() -> list[Result]:
    need = requirements()
    hours, mine = _times(lambda: ours(need))
    peer_hours, theirs = _times(lambda: peer(need))
    if hours != peer_hours:
        raise AssertionError(f"paid hours differ: sla {hours}, pyworkforce {peer_hours}")
    spread = (
        f"same optimum {hours:,.2f} paid h; sla min/median/max "
        f"{min(mine):.2f}/{statistics.median(mine):.2f}/{max(mine):.2f} s, pyworkforce "
        f"{min(theirs):.2f}/{statistics.median(theirs):.2f}/{max(theirs):.2f} s"
    )
    print(spread, flush=True)
    return [
        Result(
            "shifts",
            "30 days x 96 quarter hours, shifts 4-8 h",
            statistics.median(mine),
            {"pyworkforce MinRequiredResources": statistics.median(theirs)},
            note=spread,
        )
    ]


if __name__ == "__main__":
    run()
