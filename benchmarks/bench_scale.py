"""At scale: events per second single-process vs Dask (2 workers), memory, growth, staffing.

Each size is generated once (``sla.simulate.generate``, 7 days, volume scaled
to the wanted event count) and written as a partitioned Parquet dataset
(8 parts); then, each in a fresh child process so peak memory is its own:

* single process: read the dataset with pyarrow and ``evaluate_table`` it,
  then ``compliance`` of the cycles (timed apart);
* Dask: a ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``
  (start-up timed apart) runs ``compliance_dataset`` (only partials travel),
  then ``evaluate_dataset`` (cycles gathered to the client); worker peak RSS
  is read after each, to tell which one sets it.

Memory per million events is the child's peak RSS above an idle child that
imported the same libraries. Staffing: Erlang C agents for every 15-minute
interval of 2025 for every queue of a year of default traffic.

Run: ``python -m benchmarks scale`` (sizes from ``SLA_BENCH_SCALE_SIZES``,
default ``100000,1000000``; the recorded run added 10,000,000).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks._runner import Result, per_call

HOUR = 3600
EVENTS_PER_SCALE_WEEK = 58_000  # generate(date(2025, 6, 2), 7) gives about this many events


def policy() -> Any:
    from sla.calendar import Calendar
    from sla.clocks import ClockPolicy, MetricTarget

    office = Calendar.weekly({"mon-fri": "09:00-18:00"}, tz="Europe/Berlin")
    return ClockPolicy(
        [
            MetricTarget("first_response", 4 * HOUR, office),
            MetricTarget("speed_of_answer", 20),
            MetricTarget("callback_time", 4 * HOUR, office),
            MetricTarget("next_response", 8 * HOUR, office),
            MetricTarget("total_resolution", 3 * 9 * HOUR, office),
        ],
        tz="Europe/Berlin",
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _warm() -> None:
    import dask.dataframe  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import sla.scale  # noqa: F401


def _child(mode: str, path: str, as_of: int) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from sla.clocks import compliance, compliance_partials, evaluate_table
    from sla.scale import compliance_dataset, evaluate_dataset

    if mode == "idle":
        import dask.dataframe  # noqa: F401 - same imports as the others
        import distributed

        return {"peak_mib": _peak_mib()}
    if mode == "single":
        started = time.perf_counter()
        events = pq.read_table(path)
        cycles = evaluate_table(events, policy(), as_of=as_of, output="arrow")
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        report = compliance(cycles, tz="Europe/Berlin")
        report_seconds = time.perf_counter() - started
        partials = compliance_partials(cycles, tz="Europe/Berlin", output="arrow")
        return {
            "seconds": seconds,
            "report_seconds": report_seconds,
            "cycles": cycles.num_rows,
            "groups": len(report),
            "partial_rows": partials.num_rows,
            "partial_mib": partials.nbytes / 2**20,
            "peak_mib": _peak_mib(),
        }
    import distributed

    started = time.perf_counter()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2)
        client.run(_warm)  # imports on the workers are start-up, not evaluation
        startup = time.perf_counter() - started
        started = time.perf_counter()
        report = compliance_dataset(path, policy(), as_of=as_of, client=client, tz="Europe/Berlin")
        report_seconds = time.perf_counter() - started
        after_report = sorted(client.run(_peak_mib).values())
        client_after_report = _peak_mib()
        started = time.perf_counter()
        cycles = evaluate_dataset(path, policy(), as_of=as_of, client=client)
        seconds = time.perf_counter() - started
        workers = client.run(_peak_mib)
    return {
        "startup": startup,
        "seconds": seconds,
        "report_seconds": report_seconds,
        "cycles": len(cycles),
        "groups": len(report),
        "peak_mib": _peak_mib(),
        "client_peak_after_report_mib": client_after_report,
        "worker_peak_after_report_mib": after_report,
        "worker_peak_mib": sorted(workers.values()),
    }


def _spawn(mode: str, path: str, as_of: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_scale", mode, path, str(as_of)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _dataset(events: int, root: Path) -> tuple[str, int, int]:
    from sla.scale import write_dataset
    from sla.simulate import generate

    traffic = generate(date(2025, 6, 2), 7, seed=1, scale=events / EVENTS_PER_SCALE_WEEK)
    path = root / f"events-{events}"
    write_dataset(traffic, path, partitions=8)
    return str(path), int(traffic.events["at"].max()), len(traffic.events)


def _staffing() -> Result:
    from sla.scale import staffing_grid
    from sla.simulate import generate

    year = generate(date(2025, 1, 1), 365, seed=1)
    grid = staffing_grid(year)
    seconds = per_call(lambda: staffing_grid(year), number=1, repeat=3)
    cells = grid.calls.size
    return Result(
        "scale",
        f"staffing: {len(grid.queues)} queues x {grid.calls.shape[1]:,} quarter-hours "
        f"({cells:,} cells, {int(grid.calls.sum()):,} contacts)",
        seconds,
        note=f"{cells / seconds:,.0f} cells/s",
    )


def run() -> list[Result]:
    sizes = [int(s) for s in os.environ.get("SLA_BENCH_SCALE_SIZES", "100000,1000000").split(",")]
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        idle = _spawn("idle", tmp, 0)["peak_mib"]
        for wanted in sizes:
            path, as_of, n = _dataset(wanted, Path(tmp))
            single = _spawn("single", path, as_of)
            dask = _spawn("dask", path, as_of)
            per_million = (single["peak_mib"] - idle) / (n / 1e6)
            print(json.dumps({"events": n, "idle_mib": idle, "single": single, "dask": dask}))
            results.append(
                Result(
                    "scale",
                    f"single process: {n:,} events -> {single['cycles']:,} cycles",
                    single["seconds"],
                    note=f"{n / single['seconds']:,.0f} events/s; "
                    f"compliance {single['report_seconds']:.2f} s "
                    f"({single['partial_rows']:,} partial rows); peak RSS {single['peak_mib']:,.0f} MiB "
                    f"({per_million:,.0f} MiB per 10^6 events above idle {idle:,.0f} MiB)",
                )
            )
            results.append(
                Result(
                    "scale",
                    f"Dask 2 workers: {n:,} events (cycles gathered)",
                    dask["seconds"],
                    note=f"{n / dask['seconds']:,.0f} events/s; compliance only "
                    f"{dask['report_seconds']:.2f} s "
                    f"({n / dask['report_seconds']:,.0f} events/s); "
                    f"cluster start {dask['startup']:.1f} s; worker peak RSS "
                    f"{dask['worker_peak_after_report_mib']} MiB after compliance, "
                    f"{dask['worker_peak_mib']} MiB after gathering cycles",
                )
            )
    results.append(_staffing())
    return results


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
