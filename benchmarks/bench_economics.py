"""Erlang staffing: sla vs pyworkforce (ErlangC), plus Erlang A and a year of intervals.

pyworkforce 0.5.1 (the release on PyPI) has no Erlang A class, so Erlang A is
compared with an independent exact reference: the M/M/n+M birth-death chain
summed directly with numpy, searched from the load downward and upward.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

import numpy as np

from benchmarks._runner import Result, Spread, compare, interleaved, per_call
from sla.economics import Queue, agents_for_many
from sla.economics._erlang_a import required_agents_a

AHT_S = 180.0
INTERVAL = timedelta(minutes=30)


def _queue(erlangs: float) -> Queue:
    calls = erlangs * INTERVAL.total_seconds() / AHT_S
    return Queue(calls=calls, interval=INTERVAL, aht=timedelta(seconds=AHT_S))


def _chain_agents(a: float, r: float, target: float, t: float) -> int:
    """Erlang A staffing by brute force: stationary chain + quadrature, one n at a time."""

    def level(n: int) -> float:
        theta = 1.0 / r
        k = np.arange(1, int(n + 20 * a + 60 * math.sqrt(a) + 200))
        rates = np.where(k <= n, k, n + (k - n) * theta)
        logp = np.concatenate([[0.0], np.cumsum(np.log(a / rates))])
        p = np.exp(logp - logp.max())
        p /= p.sum()
        s = np.linspace(0.0, t, 4001)
        dens = n * np.exp(-n * s - theta * s + a * r * (1 - np.exp(-theta * s)))
        served = p[n] * float(np.sum((dens[1:] + dens[:-1]) / 2 * np.diff(s)))
        return 1.0 - float(p[n:].sum()) + served

    n = 0
    while level(n) < target:
        n += 1
    return n


def numpy_erlang_c_agents(a: float, within_over_aht: float, target: float) -> int:
    """Erlang C staffing as one vectorized numpy/scipy formula over candidate counts.

    Erlang B from the Poisson distribution, ``B(n) = pmf(n) / cdf(n)`` (scipy's
    ``pdtr`` and ``gammaln``), for every ``n`` from ``floor(a) + 1`` over a window
    of ``10 sqrt(a) + 30`` agents at once; then Erlang C and the service level,
    and the first ``n`` meeting the target.
    """
    from scipy.special import gammaln, pdtr

    n = np.arange(math.floor(a) + 1, math.floor(a) + 31 + 10 * math.ceil(math.sqrt(a)))
    b = np.exp(n * math.log(a) - a - gammaln(n + 1.0)) / pdtr(n, a)
    c = n * b / (n - a * (1.0 - b))
    ok = 1.0 - c * np.exp(-(n - a) * within_over_aht) >= target
    return int(n[np.argmax(ok)])


def run_spread() -> list[Spread]:
    """Erlang C staffing: sla, pyworkforce and a vectorized numpy/scipy formula, interleaved."""
    from pyworkforce.queuing import ErlangC

    spreads = []
    within = timedelta(seconds=20)
    for erlangs in (10, 100, 1_000, 10_000):
        q = _queue(erlangs)
        peer = ErlangC(
            transactions=q.calls, aht=AHT_S / 60, asa=20 / 60, interval=30, shrinkage=0.0
        )
        spreads.append(
            interleaved(
                "economics",
                f"Erlang C agents, {erlangs:,} E (80/20)",
                {
                    "sla": lambda q=q: int(q.agents_for(service_level=0.8, within=within)),
                    "pyworkforce ErlangC": lambda p=peer: p.required_positions(0.8)[
                        "raw_positions"
                    ],
                    "numpy/scipy formula": lambda e=erlangs: numpy_erlang_c_agents(
                        float(e), 20 / AHT_S, 0.8
                    ),
                },
                check=lambda ours, theirs: ours == theirs,
                rounds=9,
            )
        )
    return spreads


def run() -> list[Result]:
    results = []
    within = timedelta(seconds=20)
    # Erlang A: exact staffing, patience 60 s, 80 % of offered answered in 20 s.
    r, t = 60 / AHT_S, 20 / AHT_S
    for erlangs in (10, 100, 1_000):
        peers = {}
        note = ""
        if erlangs <= 100:
            peers["brute-force chain (numpy)"] = lambda e=erlangs: _chain_agents(e, r, 0.8, t)
        else:
            note = "brute-force chain skipped above 100 E (minutes per answer)"
        results.append(
            compare(
                "economics",
                f"Erlang A agents, {erlangs:,} E (patience 60 s)",
                lambda e=erlangs: required_agents_a(
                    float(e), r, within_over_aht=t, service_level=0.8
                )[0],
                peers,
                check=lambda ours, theirs: ours == theirs,
                repeat=3,
                note=note,
            )
        )
    # A year of 15-minute intervals for one queue, vectorized.
    rng = np.random.default_rng(7)
    hours = (np.arange(35_040) // 4) % 24
    calls = rng.poisson(np.where((hours >= 8) & (hours < 20), 120.0, 15.0)).astype(float)
    year = Result(
        "economics",
        "35,040 intervals (a year of 15 min), Erlang C",
        per_call(
            lambda: agents_for_many(
                calls,
                timedelta(minutes=15),
                timedelta(seconds=AHT_S),
                service_level=0.8,
                within=within,
            ),
            number=1,
            repeat=3,
        ),
    )
    started = time.perf_counter()
    for c in calls[:2000]:
        Queue(
            calls=float(c), interval=timedelta(minutes=15), aht=timedelta(seconds=AHT_S)
        ).agents_for(service_level=0.8, within=within)
    year.peers["sla scalar loop (extrapolated)"] = (time.perf_counter() - started) * 35_040 / 2000
    results.append(year)
    return results
