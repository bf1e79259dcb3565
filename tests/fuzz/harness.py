"""The fuzzing suite's rules: a correct result or an ``SLAError``, within a time budget.

``attempt(fn, ...)`` runs one call under a watchdog (``signal.setitimer``): a
call still running after :data:`CALL_BUDGET` seconds is interrupted with
:class:`Hang`, which derives from ``BaseException`` so that no ``except
Exception`` in the library can swallow it. The hypothesis ``fuzz`` profile
bounds the examples per test and adds a deadline, so the whole suite stays
within its CI budget (see ``docs/limits.md``).
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import HealthCheck, settings

from sla import SLAError

#: Seconds one call may take before it counts as a hang.
CALL_BUDGET = float(os.environ.get("SLA_FUZZ_CALL_BUDGET", "2"))

settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("SLA_FUZZ_EXAMPLES", "60")),
    deadline=int(CALL_BUDGET * 1000) * 3,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    derandomize=os.environ.get("SLA_FUZZ_RANDOM") is None,
    database=None,
)
#: The settings every fuzz test uses: ``@FUZZ`` above ``@given``.
FUZZ = settings(settings.get_profile("fuzz"))


class Hang(BaseException):
    """A call ran past the fuzzing budget."""


@contextmanager
def watchdog(seconds: float = CALL_BUDGET) -> Iterator[None]:
    """Interrupt the block with :class:`Hang` after ``seconds`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Refused:
    """The call raised an ``SLAError``: the other allowed outcome."""

    def __init__(self, error: SLAError) -> None:
        self.error = error

    def __repr__(self) -> str:
        return f"Refused({self.error!r})"


def attempt(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``'s result, or :class:`Refused` for an ``SLAError``.

    Any other exception (``ValueError``, ``OverflowError``, ``RecursionError``...)
    propagates and fails the test, as does a call past the time budget.
    """
    with watchdog():
        try:
            return fn(*args, **kwargs)
        except SLAError as error:
            refused = Refused(error)
    assert str(refused.error), "an SLAError must say what is wrong"
    return refused
