"""A nightly incremental run (one day's events + the checkpoint) vs a full re-run of the month.

A generated month (``SLA_BENCH_INCREMENTAL_SCALE``, default 1.0: about 240k
events in 30 days) is delivered day by day, 5 % of events a day late. The checkpoint is
built by running every day but the last (untimed); then the last day's
incremental run and the full ``evaluate_table`` of the whole month are timed
(best of 3), and their cycles compared. Run: ``python -m benchmarks incremental``.
"""

from __future__ import annotations

import os
from datetime import date

import numpy as np
import pyarrow as pa

from benchmarks._runner import Result, per_call
from benchmarks.bench_scale import policy

DAY = 86_400


def run() -> list[Result]:
    from sla.clocks import evaluate_table
    from sla.scale import evaluate_incremental
    from sla.simulate import generate

    scale = float(os.environ.get("SLA_BENCH_INCREMENTAL_SCALE", "1.0"))
    events = generate(date(2025, 6, 1), 30, seed=2, scale=scale).events.to_arrow()
    at = events.column("at").to_numpy()
    first = int(at.min()) // DAY * DAY
    day = (at - first) // DAY
    late = np.random.default_rng(0).random(len(at)) < 0.05
    delivered = np.minimum(day + late, day.max())
    days = 30  # the generated days; later stragglers are left out of both runs
    batches = [events.filter(pa.array(delivered == d)) for d in range(days)]
    cuts = [first + (d + 1) * DAY - 1 for d in range(days)]
    rules = policy()
    checkpoint, seen = None, []
    for batch, cut in zip(batches[:-1], cuts[:-1], strict=True):
        history = pa.concat_tables(seen) if seen else None
        checkpoint = evaluate_incremental(
            batch, rules, as_of=cut, checkpoint=checkpoint, history=history
        ).checkpoint
        seen.append(batch)
    history = pa.concat_tables(seen)
    last, cut = batches[-1], cuts[-1]

    def nightly() -> object:
        return evaluate_incremental(last, rules, as_of=cut, checkpoint=checkpoint, history=history)

    month = pa.concat_tables(batches)

    def full() -> object:
        return evaluate_table(month, rules, as_of=cut, output="arrow")

    run = nightly()
    assert run.cycles.num_rows == full().num_rows  # type: ignore[attr-defined]
    inc = per_call(nightly, number=1, repeat=3)
    whole = per_call(full, number=1, repeat=3)
    assert checkpoint is not None
    return [
        Result(
            "incremental",
            f"nightly: last day ({last.num_rows:,} events) + checkpoint "
            f"({checkpoint.events.num_rows:,} open events, {checkpoint.cycles.num_rows:,} "
            "closed cycles)",
            inc,
            note=f"{whole / inc:.1f}x faster than the full month",
        ),
        Result("incremental", f"full re-run: {month.num_rows:,} events of {days} days", whole),
    ]
