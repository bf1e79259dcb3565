"""A compiled contract is shared between threads: eight threads, identical answers.

The design promises that compiled contracts (and their calendars) are
immutable and safe to share; an adversarial pass found this held, and this
test keeps it so. Every thread starts from a fresh load so that the first
compile and the calendars' lazily built timelines race as well.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sla.contracts import load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"
THREADS = 8


def _answers(contract: object, barrier: threading.Barrier) -> list[object]:
    barrier.wait()  # all threads hit the shared object at once
    compiled = contract.compile()  # type: ignore[attr-defined]
    out: list[object] = []
    for channel in ("voice", "email", "messenger", "web_chat"):
        for priority in ("urgent", "high", "normal", "low"):
            policy = compiled.policy_for(channel=channel, priority=priority)
            out.append(repr(policy))
    for name, calendar in sorted(compiled.calendars.items()):
        start = datetime(2025, 1, 3, 16, tzinfo=UTC)
        for days in (1, 40, 400):
            out.append((name, calendar.add(start, timedelta(hours=days))))
    return out


def test_eight_threads_share_one_contract() -> None:
    for name in ("tier_a", "custom_tier"):
        contract = load(EXAMPLES / f"{name}.yaml")
        expected = _answers(load(EXAMPLES / f"{name}.yaml"), threading.Barrier(1))
        barrier = threading.Barrier(THREADS)
        with ThreadPoolExecutor(THREADS) as pool:
            jobs = [pool.submit(_answers, contract, barrier) for _ in range(THREADS)]
            results = [job.result() for job in jobs]
        assert all(result == expected for result in results)
