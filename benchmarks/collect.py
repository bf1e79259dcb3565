"""Assemble docs/benchmarks.md from the per-area result files.

Usage: ``python -m benchmarks.collect``. Each ``benchmarks/results_<group>.md``
is written by whoever last ran that group (with the command it used); this
script only concatenates them under one page, headings shifted one level.
"""

from __future__ import annotations

from pathlib import Path

ORDER = ("money", "calendar", "contracts", "clocks", "economics", "simulation", "pricing", "scale")
ROOT = Path(__file__).resolve().parent
HEADER = """# Benchmarks

Speed is measured here, side by side with peer libraries in one process, and
never asserted in timed tests. Each section says the command that produced it;
every number below was measured on the project's 2-core machine, often shared
with other jobs while measuring, so absolute times are noisy: each section states
the load. Where a section gives min / median / max, the cases were timed in
interleaved rounds (`interleaved` in `benchmarks/_runner.py`) so that load falls
on sla and its baselines alike; a single figure is a best of a few repeats and
is not a typical time. Run the whole suite with `python -m benchmarks`, one group with
`python -m benchmarks <group>`, and rebuild this page with
`python -m benchmarks.collect`.

Install the peers first: `pip install -e '.[bench]'`.
"""


def main() -> None:
    files = sorted(ROOT.glob("results_*.md"), key=lambda p: _rank(p.stem.removeprefix("results_")))
    parts = [HEADER]
    for path in files:
        text = path.read_text(encoding="utf-8").strip()
        shifted = "\n".join(
            "#" + line if line.startswith("#") else line for line in text.splitlines()
        )
        parts.append(shifted)
    out = ROOT.parent / "docs" / "benchmarks.md"
    out.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {out} from {len(files)} result files")


def _rank(group: str) -> tuple[int, str]:
    return (ORDER.index(group) if group in ORDER else len(ORDER), group)


if __name__ == "__main__":
    main()
