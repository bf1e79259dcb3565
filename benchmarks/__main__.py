"""Run the benchmark suite: ``python -m benchmarks [group ...] [--markdown FILE]``.

Each group compares sla with its peers side by side in this one process and
prints per-call times and ratios (peer time / sla time; above 1 = sla faster).
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

from benchmarks._runner import Result, Spread, machine, spread_markdown, to_markdown

# Every benchmarks/bench_<group>.py with a `run() -> list[Result]` is a group.
GROUPS = {
    path.stem.removeprefix("bench_"): f"benchmarks.{path.stem}"
    for path in sorted(Path(__file__).parent.glob("bench_*.py"))
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "groups", nargs="*", help=f"groups to run (default all: {', '.join(GROUPS)})"
    )
    parser.add_argument("--markdown", help="also write the table to this file")
    args = parser.parse_args()
    chosen = args.groups or list(GROUPS)
    results: list[Result] = []
    spreads: list[Spread] = []
    for group in chosen:
        if group not in GROUPS:
            parser.error(f"unknown group {group!r}; choose from {', '.join(GROUPS)}")
        started = time.perf_counter()
        module = importlib.import_module(GROUPS[group])
        results.extend(module.run())
        if hasattr(module, "run_spread"):  # interleaved rounds against the strongest baselines
            spreads.extend(module.run_spread())
        print(f"# {group}: done in {time.perf_counter() - started:.1f} s", flush=True)
    table = to_markdown(results)
    if spreads:
        table += "\n\nInterleaved rounds (min / median / max per call):\n\n" + spread_markdown(
            spreads
        )
    print(machine())
    print(table)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as out:
            out.write(table + "\n")


if __name__ == "__main__":
    main()
