"""A tiny side-by-side timer: ours and each peer on the same case, in one process.

Each case is timed with :mod:`timeit` (best of ``repeat`` runs of ``number``
calls, garbage collection on), and reported per call with the ratio
``peer time / our time`` (above 1 means we are faster).
"""

from __future__ import annotations

import gc
import platform
import sys
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    group: str
    case: str
    ours: float  # seconds per call
    peers: dict[str, float] = field(default_factory=dict)
    note: str = ""

    def ratios(self) -> dict[str, float]:
        return {name: t / self.ours for name, t in self.peers.items()}


def per_call(fn: Callable[[], object], *, number: int | None = None, repeat: int = 5) -> float:
    """Seconds per call of ``fn`` (best of ``repeat``)."""
    timer = timeit.Timer(fn, setup="gc.enable()", globals={"gc": gc})
    if number is None:
        number, _ = timer.autorange()
        number = max(1, number)
    return min(timer.repeat(repeat=repeat, number=number)) / number


def compare(
    group: str,
    case: str,
    ours: Callable[[], object],
    peers: dict[str, Callable[[], object]],
    *,
    check: Callable[[object, object], bool] | None = None,
    number: int | None = None,
    repeat: int = 5,
    note: str = "",
) -> Result:
    """Time ``ours`` and every peer on one case; ``check`` compares their answers first."""
    ours_value = ours()
    for name, peer in peers.items():
        if check is not None and not check(ours_value, peer()):
            raise AssertionError(f"{group}/{case}: {name} disagrees with sla")
    result = Result(group, case, per_call(ours, number=number, repeat=repeat), note=note)
    for name, peer in peers.items():
        result.peers[name] = per_call(peer, number=number, repeat=repeat)
    return result


def _fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def to_markdown(results: list[Result]) -> str:
    lines = [
        "| group | case | sla | peer | peer time | peer / sla |",
        "|---|---|---:|---|---:|---:|",
    ]
    for r in results:
        if not r.peers:
            lines.append(f"| {r.group} | {r.case} | {_fmt_time(r.ours)} | – | – | – |")
        for name, t in r.peers.items():
            lines.append(
                f"| {r.group} | {r.case} | {_fmt_time(r.ours)} | {name} | {_fmt_time(t)} "
                f"| {t / r.ours:.1f}x |"
            )
    return "\n".join(lines)


def machine() -> str:
    import os

    return (
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.system()}; {sys.implementation.name}"
    )
