"""A tiny side-by-side timer: ours and each peer on the same case, in one process.

Each case is timed with :mod:`timeit` (best of ``repeat`` runs of ``number``
calls, garbage collection on), and reported per call with the ratio
``peer time / our time`` (above 1 means we are faster).
"""

from __future__ import annotations

import gc
import platform
import sys
import time
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


@dataclass
class Spread:
    """Interleaved timings of one case: seconds per call for sla and each baseline, per round."""

    group: str
    case: str
    times: dict[str, list[float]]  # name -> per-call seconds, one per round; "sla" first
    load: tuple[float, float]  # 1-minute load average before and after
    note: str = ""


def interleaved(
    group: str,
    case: str,
    fns: dict[str, Callable[[], object]],
    *,
    check: Callable[[object, object], bool] | None = None,
    rounds: int = 11,
    batch_seconds: float = 0.02,
    note: str = "",
) -> Spread:
    """Time ``fns`` (``"sla"`` first, then its baselines) in alternating rounds.

    Each round times one batch of each function (about ``batch_seconds`` each,
    the order rotated every round), so a burst of load from other jobs falls on
    all of them alike. ``check`` compares every baseline's answer with sla's
    before timing. The result keeps every round: report min / median / max,
    never the best run alone.
    """
    import os

    names = list(fns)
    reference = fns[names[0]]()
    for name in names[1:]:
        if check is not None and not check(reference, fns[name]()):
            raise AssertionError(f"{group}/{case}: {name} disagrees with sla")
    numbers = {}
    for name, fn in fns.items():
        timer = timeit.Timer(fn, setup="gc.enable()", globals={"gc": gc})
        number, took = timer.autorange()
        numbers[name] = max(1, int(number * batch_seconds / max(took, 1e-9)))
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            timer = timeit.Timer(
                fns[name], setup="gc.enable()", timer=time.thread_time, globals={"gc": gc}
            )
            times[name].append(timer.timeit(numbers[name]) / numbers[name])
    return Spread(group, case, times, (load_before, os.getloadavg()[0]), note)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def spread_markdown(spreads: list[Spread]) -> str:
    """One row per baseline: sla and baseline min / median / max, and the ratio of medians.

    "peer / sla" is baseline median / sla median (above 1: sla faster); the
    range in brackets is the lowest and highest ratio within one round.
    """
    lines = [
        "| case | sla min / median / max | baseline | baseline min / median / max "
        "| peer / sla (median; per-round range) | load |",
        "|---|---:|---|---:|---:|---:|",
    ]

    def three(values: list[float]) -> str:
        return " / ".join(_fmt_time(v) for v in (min(values), _median(values), max(values)))

    for s in spreads:
        names = list(s.times)
        ours = s.times[names[0]]
        for name in names[1:]:
            theirs = s.times[name]
            per_round = [t / o for t, o in zip(theirs, ours, strict=True)]
            lines.append(
                f"| {s.case} | {three(ours)} | {name} | {three(theirs)} "
                f"| {_median(theirs) / _median(ours):.2f}x "
                f"({min(per_round):.2f}-{max(per_round):.2f}) "
                f"| {s.load[0]:.1f}-{s.load[1]:.1f} |"
            )
    return "\n".join(lines)
