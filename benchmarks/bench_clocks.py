"""SLA clocks: one contact on the request path, and batch evaluation of many contacts.

No peer library evaluates SLA clocks with pauses, cycles and escalations, so
the cases report sla's own times. The batch cases evaluate realistic traffic
from :func:`sla.simulate.generate` (tiers A/B/C: voice with abandons and
callbacks, written contacts with bots, pending, reopens and priority changes)
against per-tier policies; each size runs in a child process of its own so
that peak memory (max RSS) is measured per size. The event table is generated
once per size and cached as an Arrow IPC file, so the child's peak RSS is the
table plus the evaluation (not the generator).

Run: ``python -m benchmarks clocks`` (batch sizes in events from
``SLA_BENCH_CLOCKS_EVENTS``, default ``100000,1000000,10000000``; set it empty,
``SLA_BENCH_CLOCKS_EVENTS=``, to time only the single contact).

The single-contact cases are timed twice: wall-clock time per call (best of
five runs, as every group reports it) and the CPU time of the timing thread
per call, which other jobs on a shared machine do not inflate.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import timeit
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks._runner import Result, per_call
from sla.calendar import Calendar
from sla.clocks import (
    ClockPolicy,
    Contact,
    EscalationLevel,
    Event,
    MetricTarget,
    Tracker,
    evaluate,
    evaluate_table,
)

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


def tier_policies() -> dict[str, ClockPolicy]:
    """Per-tier policies for the generated A/B/C traffic (office and long-day calendars)."""
    office = Calendar.weekly({"mon-fri": "09:00-18:00"}, tz="Europe/Berlin")
    long_days = Calendar.weekly({"daily": "08:00-20:00"}, tz="Europe/Berlin")
    lead = (EscalationLevel("lead", offset_seconds=-600),)
    return {
        "A": ClockPolicy(
            [
                MetricTarget("speed_of_answer", 20),
                MetricTarget("callback_time", 2 * HOUR, office, warn_fractions=["1/2"]),
                MetricTarget("first_response", HOUR, office, warn_fractions=["3/4"]),
                MetricTarget("first_resolution", 8 * HOUR, office, escalations=lead),
            ],
            policy_id="A",
        ),
        "B": ClockPolicy(
            [
                MetricTarget("first_response", 4 * HOUR, office, warn_fractions=["1/2"]),
                MetricTarget("next_response", 4 * HOUR, office),
                MetricTarget("first_resolution", 16 * HOUR, office, warn_before_seconds=[HOUR]),
            ],
            policy_id="B",
        ),
        "C": ClockPolicy(
            [
                MetricTarget("first_response", 600, long_days, escalations=lead),
                MetricTarget("next_response", 600, long_days),
                MetricTarget("first_resolution", HOUR, long_days, warn_fractions=["3/4"]),
                MetricTarget("total_resolution", 2 * HOUR),
            ],
            policy_id="C",
        ),
    }


#: Generator arguments per batch size: (days, scale); about 5.4 events per contact.
SIZES = {100_000: (10, 1.1), 1_000_000: (30, 3.9), 10_000_000: (30, 39.0)}


def traffic_file(events: int) -> Path:
    """The cached Arrow IPC file of about ``events`` generated events (made on first use)."""
    import pyarrow as pa

    from sla.simulate import generate

    if events not in SIZES:
        known = ", ".join(str(size) for size in SIZES)
        raise SystemExit(f"SLA_BENCH_CLOCKS_EVENTS: {events} is not one of {known}")
    days, scale = SIZES[events]
    path = Path(tempfile.gettempdir()) / f"sla-bench-clocks-{days}d-x{scale}.arrow"
    if not path.exists():
        table = generate(date(2025, 6, 2), days, seed=5, scale=scale).events.to_arrow()
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
            out.write_table(table)
    return path


def _batch_child(path: str) -> None:
    import pyarrow as pa

    table = pa.ipc.open_file(pa.memory_map(path)).read_all()
    as_of = int(table.column("at").to_numpy().max())
    policy = tier_policies()
    started = time.perf_counter()
    cycles = evaluate_table(table, policy, as_of=as_of)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    contacts = len(set(table.column("contact_id").unique().to_pylist()))
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss": peak,
                "events": table.num_rows,
                "contacts": contacts,
                "cycles": cycles.num_rows,
            }
        )
    )


def _batch(events: int) -> dict[str, Any]:
    path = traffic_file(events)
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_clocks", "--batch", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return data


def cpu_per_call(fn: Any, *, repeat: int = 7) -> float:
    """Seconds of this thread's CPU time per call of ``fn`` (best of ``repeat``)."""
    number, _ = timeit.Timer(fn).autorange()
    timer = timeit.Timer(fn, setup="gc.enable()", timer=time.thread_time, globals={"gc": gc})
    return min(timer.repeat(repeat=repeat, number=number)) / number


def _long_contact(n: int) -> list[Event]:
    """``n`` events of one contact: a ticket and an alternating conversation, 60 s apart."""
    replies = [
        Event.customer_message(MONDAY + 60 * i) if i % 2 else Event.reply(MONDAY + 60 * i)
        for i in range(1, n)
    ]
    return [Event.created(MONDAY), *replies]


def _late_events() -> list[Result]:
    """Events out of order: 2,000 newest-first through a Tracker, and 50 late events on a
    100,000-event contact (each used to replay the whole log: 19 s and 65 s)."""
    policy = ClockPolicy(
        [
            MetricTarget("first_response", HOUR, None),
            MetricTarget("next_response", 2 * HOUR, None),
            MetricTarget("periodic_update", 4 * HOUR, None),
        ]
    )
    contact = Contact("T-2")
    newest_first = _long_contact(2000)[::-1]

    def reversed_feed() -> object:
        tracker = Tracker(contact, policy)
        for event in newest_first:
            tracker.apply(event)
        return tracker.evaluate()

    long = _long_contact(100_000)
    late = [Event.customer_message(MONDAY + 60 * i + 30) for i in range(0, 100_000, 2000)]
    started = time.thread_time()
    tracker = Tracker(contact, policy)
    tracker.extend(long)
    tracker.evaluate()
    in_order_seconds = time.thread_time() - started
    started = time.thread_time()
    for event in late:
        tracker.apply(event)
    tracker.evaluate()  # the one replay the late events cost
    late_seconds = time.thread_time() - started
    return [
        Result(
            "clocks",
            "2,000 events newest first: Tracker.apply each, then evaluate",
            per_call(reversed_feed, number=3),
            note="goal < 20 ms (was 1.7-19 s)",
        ),
        Result(
            "clocks",
            "same, CPU time of the timing thread",
            cpu_per_call(reversed_feed, repeat=5),
            note="goal < 20 ms",
        ),
        Result(
            "clocks",
            "100,000-event contact fed in order, then evaluate (one run, CPU time)",
            in_order_seconds,
        ),
        Result(
            "clocks",
            "then 50 late events and evaluate (one run, CPU time)",
            late_seconds,
            note="was 65 s",
        ),
    ]


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
        Result(
            "clocks",
            "evaluate (replay), CPU time of the timing thread",
            cpu_per_call(lambda: evaluate(contact, events, policy, as_of=as_of)),
            note="goal < 50 µs",
        ),
        Result("clocks", "Tracker.apply, CPU time of the timing thread", cpu_per_call(incremental)),
    ]
    results.extend(_late_events())
    sizes = os.environ.get("SLA_BENCH_CLOCKS_EVENTS", "100000,1000000,10000000")
    for size in (int(s) for s in sizes.split(",") if s):
        data = _batch(size)
        gib = data["peak_rss"] / 2**30
        per_million = data["seconds"] / data["events"] * 1e6
        results.append(
            Result(
                "clocks",
                f"batch {data['contacts']:,} contacts / {data['events']:,} events -> "
                f"{data['cycles']:,} cycles (peak RSS {gib:.2f} GiB, "
                f"{per_million:.2f} s per 10^6 events)",
                data["seconds"],
                note="goal: 10^7 events < 30 s, < 4 GiB",
            )
        )
    return results


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--batch":
        _batch_child(sys.argv[2])
    else:
        from benchmarks._runner import to_markdown

        print(to_markdown(run()))
