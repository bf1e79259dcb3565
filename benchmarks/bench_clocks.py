"""SLA clocks: one contact on the request path, and batch evaluation of many contacts.

No peer library evaluates SLA clocks with pauses, cycles and escalations, so
the cases report sla's own times. The batch cases run in a child process each
so that peak memory (max RSS) is measured per size.

Run: ``python -m benchmarks clocks`` (batch sizes from ``SLA_BENCH_CLOCKS_SIZES``,
default ``10000,100000`` contacts of 10 events each).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from benchmarks._runner import Result, per_call
from sla.calendar import Calendar
from sla.clocks import ClockPolicy, Contact, Event, MetricTarget, Tracker, evaluate, evaluate_table

HOUR = 3600
MONDAY = 1748847600  # 2025-06-02 09:00 Europe/Berlin


def _policy() -> ClockPolicy:
    w = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")
    return ClockPolicy(
        [
            MetricTarget("first_response", HOUR, w, warn_fractions=["1/2"]),
            MetricTarget("next_response", 2 * HOUR, w),
            MetricTarget("first_resolution", 8 * HOUR, w, warn_fractions=["3/4"]),
        ]
    )


#: One ticket's life: 10 events touching all three metrics (offsets in seconds).
PATTERN: list[tuple[int, str, str | None, str | None]] = [
    (0, "created", None, None),
    (10, "assigned", None, "ann"),
    (600, "agent_reply", None, None),
    (3000, "customer_message", None, None),
    (3100, "status", "pending", None),
    (9000, "customer_message", None, None),
    (9000, "status", "open", None),
    (12000, "agent_reply", None, None),
    (20000, "customer_message", None, None),
    (40000, "agent_reply", None, None),
]


def _events(t0: int) -> list[Event]:
    return [Event(t0 + dt, kind, status=s, value=v) for dt, kind, s, v in PATTERN]


def event_table(contacts: int, seed: int = 5) -> Any:
    """A pyarrow table of ``contacts`` tickets, 10 events each, spread over four weeks."""
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    starts = MONDAY + rng.integers(0, 28 * 86400, contacts)
    stretch = rng.integers(1, 4, contacts)  # some tickets move three times slower
    offsets = np.array([dt for dt, *_ in PATTERN], dtype=np.int64)
    at = (starts[:, None] + offsets[None, :] * stretch[:, None]).ravel()
    ids = np.repeat(np.arange(contacts), len(PATTERN))

    def column(index: int) -> Any:
        values = [p[index] for p in PATTERN] * contacts
        return pa.array(values, pa.string()).dictionary_encode()

    return pa.table(
        {
            "contact_id": pa.array(ids.astype(np.int64)).cast(pa.string()),
            "at": pa.array(at, pa.int64()),
            "kind": column(1),
            "status": column(2),
            "value": column(3),
        }
    )


def _batch_child(contacts: int) -> None:
    table = event_table(contacts)
    policy = _policy()
    started = time.perf_counter()
    cycles = evaluate_table(table, policy, as_of=MONDAY + 60 * 86400)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(json.dumps({"seconds": seconds, "peak_rss": peak, "cycles": cycles.num_rows}))


def _batch(contacts: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_clocks", "--batch", str(contacts)],
        check=True,
        capture_output=True,
        text=True,
    )
    data: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def run() -> list[Result]:
    policy = _policy()
    events = _events(MONDAY)
    contact = Contact("T-1")
    as_of = MONDAY + 50000
    assert len(evaluate(contact, events, policy, as_of=as_of).cycles) == 4

    def incremental() -> object:
        tracker = Tracker(contact, policy)
        for event in events:
            tracker.apply(event)
        return tracker.evaluate(as_of)

    results = [
        Result(
            "clocks",
            "1 contact, 10 events, 3 metrics: evaluate (replay)",
            per_call(lambda: evaluate(contact, events, policy, as_of=as_of)),
            note="goal < 50 µs",
        ),
        Result("clocks", "same, fed one by one (Tracker.apply)", per_call(incremental)),
    ]
    sizes = os.environ.get("SLA_BENCH_CLOCKS_SIZES", "10000,100000")
    for contacts in (int(s) for s in sizes.split(",") if s):
        data = _batch(contacts)
        gib = data["peak_rss"] / 2**30
        results.append(
            Result(
                "clocks",
                f"batch {contacts:,} contacts / {10 * contacts:,} events (peak RSS {gib:.2f} GiB)",
                data["seconds"],
                note="goal: 10^6 contacts < 30 s, < 4 GiB",
            )
        )
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--batch":
        _batch_child(int(sys.argv[2]))
    else:
        from benchmarks._runner import to_markdown

        print(to_markdown(run()))
