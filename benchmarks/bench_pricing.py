"""Pricing: batch rating of 1,000,000 usage records, and scalar per-unit rating.

Peers: a straightforward Decimal loop (the baseline a developer writes first).
"""

from __future__ import annotations

import time
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

from benchmarks._runner import Result, compare
from sla import Money
from sla.pricing import PerUnit, catalogue_plan, rate_table


def _records(n: int) -> object:
    import pandas as pd

    rng = np.random.default_rng(7)
    return pd.DataFrame(
        {
            "customer": rng.integers(0, 10_000, n).astype(str),
            "period": "2024-02",
            "metric": rng.choice(["contacts.chat", "premium_hours", "seats"], n),
            "quantity": rng.integers(0, 50, n),
        }
    )


def run() -> list[Result]:
    price = Money("0.0125", "USD")
    model = PerUnit(price)
    quantities = [Decimal(i % 997) for i in range(1000)]

    def ours() -> list[Money]:
        return [model.charge(q).rounded() for q in quantities]

    def decimal_loop() -> list[Decimal]:
        p = Decimal("0.0125")
        cent = Decimal("0.01")
        return [(p * q).quantize(cent, rounding=ROUND_HALF_EVEN) for q in quantities]

    results = [
        compare(
            "pricing",
            "per-unit charge, 1,000 quantities",
            ours,
            {"Decimal loop": decimal_loop},
            check=lambda a, b: [m.amount for m in a] == b,  # type: ignore[attr-defined]
            repeat=3,
        )
    ]

    plan = catalogue_plan("C")
    records = _records(1_000_000)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        out = rate_table(plan, records)
        times.append(time.perf_counter() - started)
    batch = min(times)

    # Baseline: a Decimal loop over the same records (sum per group, then price).
    frame = records  # type: ignore[assignment]

    def loop() -> dict[tuple[str, str, str], Decimal]:
        sums: dict[tuple[str, str, str], int] = {}
        for c, p, m, q in zip(
            frame["customer"],
            frame["period"],
            frame["metric"],  # type: ignore[index]
            frame["quantity"],
        ):  # type: ignore[index]
            sums[(c, p, m)] = sums.get((c, p, m), 0) + int(q)
        return {
            k: plan.charge(
                {"contacts.chat": "chats", "premium_hours": "premium hours", "seats": "seats"}[k[2]]
            )
            .lines(v)[0]
            .amount.rounded()
            .amount
            for k, v in sums.items()
        }

    started = time.perf_counter()
    by_loop = loop()
    loop_time = time.perf_counter() - started
    total_batch = int(out["amount_minor"].sum())
    total_loop = sum(int(v * 100) for v in by_loop.values())
    if total_batch != total_loop:
        raise AssertionError("batch and loop disagree")
    results.append(
        Result(
            "pricing",
            f"batch rate 1,000,000 records ({len(out):,} groups)",
            batch,
            {"Python loop + Decimal": loop_time},
            note=f"goal < 2 s: {'met' if batch < 2 else 'missed'}",
        )
    )
    return results
