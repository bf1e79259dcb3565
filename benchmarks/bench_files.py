"""Client memory of the Dask compliance report: does it grow with the number of files?

One generated week of events (``SLA_BENCH_FILES_EVENTS``, default 10^6) is
written twice, as 8 and as 64 part files. For each, a fresh child process
starts a ``LocalCluster(n_workers=2, threads_per_worker=1)`` and runs

* ``tree``: :func:`sla.scale.compliance_dataset` (partials merged on the
  workers, ``split_every=8``; the client receives one merged table);
* ``gather``: the previous way, every file's partials gathered to the client
  and combined there (kept here only as the comparison).

The client's memory is sampled from ``/proc/self/statm`` every 5 ms during
the call: the figure is the peak resident set above the one just before the
call (after the cluster started and a warm-up run), so imports and start-up
are not counted. Run: ``python -m benchmarks files``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks._runner import Result
from benchmarks.bench_scale import EVENTS_PER_SCALE_WEEK, _warm, policy

PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / 2**20


def _rss_mib() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE_MIB


class _Sampler:
    """The peak resident set of this process while the block runs, above its start."""

    def __enter__(self) -> _Sampler:
        self.start = self.peak = _rss_mib()
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def _run(self) -> None:
        while self.running:
            self.peak = max(self.peak, _rss_mib())
            time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, _rss_mib())

    @property
    def above_start(self) -> float:
        return self.peak - self.start


def _gather_all(path: str, as_of: int, client: Any) -> Any:
    import dask

    from sla.clocks import combine_partials
    from sla.scale._dask import _partials_part
    from sla.scale._read import open_dataset

    parts, _ = open_dataset(path)
    task = dask.delayed(_partials_part)
    gathered = client.gather(
        client.compute([task(p, policy(), as_of, "Europe/Berlin", "month") for p in parts])
    )
    return combine_partials([partials for partials, _ in gathered])


def _child(mode: str, path: str, as_of: int) -> dict[str, Any]:
    import distributed

    from sla.scale import compliance_dataset

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2)
        client.run(_warm)

        def report() -> Any:
            if mode == "tree":
                return compliance_dataset(
                    path, policy(), as_of=as_of, client=client, tz="Europe/Berlin"
                )
            return _gather_all(path, as_of, client)

        report()  # warm-up: first-call imports and caches on the client
        started = time.perf_counter()
        with _Sampler() as sampled:
            result = report()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "client_mib": sampled.above_start, "groups": len(result)}


def _spawn(mode: str, path: str, as_of: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_files", mode, path, str(as_of)],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    found: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def run() -> list[Result]:
    from sla.scale import write_dataset
    from sla.simulate import generate

    wanted = int(os.environ.get("SLA_BENCH_FILES_EVENTS", "1000000"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        traffic = generate(date(2025, 6, 2), 7, seed=1, scale=wanted / EVENTS_PER_SCALE_WEEK)
        n, as_of = len(traffic.events), int(traffic.events["at"].max())
        for parts in (8, 64):
            path = str(Path(tmp) / f"events-{parts}")
            write_dataset(traffic, path, partitions=parts)
            for mode in ("tree", "gather"):
                got = _spawn(mode, path, as_of)
                print(json.dumps({"events": n, "parts": parts, "mode": mode, **got}), flush=True)
                results.append(
                    Result(
                        "files",
                        f"Dask report, {n:,} events in {parts} files, {mode}",
                        got["seconds"],
                        note=f"client peak +{got['client_mib']:,.1f} MiB",
                    )
                )
    return results


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
