"""Pricing: batch rating of 1,000,000 usage records, and scalar per-unit rating.

Peers: a straightforward Decimal loop (the baseline a developer writes first), and
a plain pandas + numpy computation of the same charges of catalogue plan C, written
by hand in integer cents (what a data engineer writes without `sla`).
"""

from __future__ import annotations

import statistics
import time
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

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
    for _ in range(5):
        started = time.perf_counter()
        out = rate_table(plan, records)
        times.append(time.perf_counter() - started)
    batch = min(times)
    plain_times = []
    for _ in range(5):
        started = time.perf_counter()
        plain = _plain_pandas(records)
        plain_times.append(time.perf_counter() - started)
    if int(plain["cents"].sum()) != int(out["amount_minor"].sum()):
        raise AssertionError("batch and plain pandas/numpy disagree")
    spread = (
        f"sla min/median/max {_spread(times)}; pandas+numpy {_spread(plain_times)}; "
        f"goal within 1.5x of pandas+numpy: "
        f"{'met' if min(times) <= 1.5 * min(plain_times) else 'missed'}"
    )
    print(f"# pricing batch (5 runs each): {spread}", flush=True)

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
            {"Python loop + Decimal": loop_time, "pandas + numpy by hand": min(plain_times)},
            note=spread,
        )
    )
    return results


def _spread(times: list[float]) -> str:
    return " / ".join(
        f"{t * 1000:.0f} ms" for t in (min(times), statistics.median(times), max(times))
    )


def _plain_pandas(records: Any) -> Any:
    """Plan C's usage charges by hand: group sums, then numpy on integer cents, half-even.

    seats: volume tiers 90 (≤ 10), 80 (≤ 50), 70 above; chats: 1,000 included, then
    graduated 0.90 (≤ 5,000) and 0.70 above; premium hours: 30 each.
    """
    import numpy as np

    sums = records.groupby(["customer", "period", "metric"], sort=False)["quantity"].sum()
    frame = sums.reset_index()
    q = frame["quantity"].to_numpy(dtype=np.int64)
    metric = frame["metric"].to_numpy()
    seats = np.where(q <= 10, 9000, np.where(q <= 50, 8000, 7000)) * q
    chats = np.maximum(q - 1000, 0)
    chats = np.minimum(chats, 5000) * 90 + np.maximum(chats - 5000, 0) * 70
    hours = q * 3000
    frame["cents"] = np.select(
        [metric == "seats", metric == "contacts.chat", metric == "premium_hours"],
        [seats, chats, hours],
    )
    return frame
