"""The front-desk flow of a service class, simulated: desk -> written message -> callback.

Tier A's calls are intercepted by a front desk (an Erlang A queue: callers may
hang up). The desk writes each question down; a missed call is logged as a
callback request as well, so every call becomes a message for the client's
personal manager. Messages are spread evenly over ``managers`` (each a single
server with a personal book). The manager calls back; a client is unreachable
with probability ``unreachable`` on each attempt, which costs the manager
``failed_attempt`` and is retried ``retry_after`` later (wall-clock time; on a
business-hours calendar a retry due after closing waits for the next opening).
Callbacks of several priorities are served highest first, non-preemptively.

The whole flow runs on the core engine: the desk is the FCFS recursion of
:mod:`sla.economics._simulate`; each manager is one server, so an exact
single-server event loop over a heap of ready messages suffices, and no
network simulator (and no extra dependency) is needed.

Time runs in *business seconds* of ``calendar`` (continuous time without
one): calls arrive while the desk is open and the callback target counts
business time, as the SLA clocks of :mod:`sla.clocks` do.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import Problem
from sla._explain import Explanation, explanation
from sla.calendar import Calendar, to_epoch
from sla.economics._check import fraction, positive_duration, raise_all
from sla.economics._distributions import Distribution, as_distribution
from sla.economics._queue import Queue
from sla.economics._simulate import (
    WARMUP,
    Estimate,
    Simulation,
    batch_estimate,
    run_queue,
    summarize,
)

__all__ = ["Callbacks", "TierSimulation", "simulate_tier"]

Floats = npt.NDArray[np.float64]


@attrs.frozen
class Callbacks:
    """The personal managers' callback work: how long, how soon, and who answers.

    ``handle_time`` is a mean (exponential) or a :class:`Distribution`;
    ``priorities`` maps class names to shares of the messages, listed from
    the most urgent (served first) to the least; ``calendar`` and ``start``
    (an aware datetime) put the flow on business hours.
    """

    handle_time: Distribution | timedelta
    within: timedelta = timedelta(hours=1)
    unreachable: float = 0.0
    retry_after: timedelta = timedelta(minutes=15)
    failed_attempt: timedelta = timedelta(minutes=1)
    max_attempts: int = 4
    priorities: Mapping[str, float] = attrs.field(factory=lambda: {"all": 1.0})
    calendar: Calendar | None = None
    start: datetime | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        handle = as_distribution(self.handle_time, "handle_time")
        if handle is not None and handle.mean is None and handle.kind != "empirical":
            problems.append(Problem("handle_time", "needs a mean (a timedelta or mean=)"))
        positive_duration(self.within, "within", problems)
        fraction(self.unreachable, "unreachable", problems)
        positive_duration(self.retry_after, "retry_after", problems)
        if self.failed_attempt < timedelta(0):
            problems.append(Problem("failed_attempt", f"must be >= 0, got {self.failed_attempt}"))
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            problems.append(Problem("max_attempts", "must be a whole number"))
        elif self.max_attempts < 1:
            problems.append(Problem("max_attempts", f"must be >= 1, got {self.max_attempts}"))
        shares = list(self.priorities.values())
        if not shares:
            problems.append(Problem("priorities", "needs at least one class"))
        for name, share in self.priorities.items():
            if isinstance(share, bool) or not isinstance(share, int | float) or not share >= 0:
                problems.append(
                    Problem(f"priorities.{name}", f"must be a share >= 0, got {share!r}")
                )
        numeric = shares and all(isinstance(x, int | float) for x in shares)
        if numeric and not math.isclose(sum(shares), 1.0, abs_tol=1e-9):
            problems.append(Problem("priorities", f"shares must add up to 1, got {sum(shares):g}"))
        if (self.calendar is None) != (self.start is None):
            problems.append(Problem("start", "a calendar needs a start instant, and vice versa"))
        elif self.start is not None and self.start.tzinfo is None:
            problems.append(Problem("start", "must be an aware datetime"))
        raise_all(problems, "callbacks")


@attrs.frozen
class TierSimulation:
    """What the simulated flow delivers: the desk's figures and the callbacks' share on time."""

    desk: Simulation
    managers: int
    #: Share of messages whose client was reached within the target (business time).
    on_time: Estimate
    on_time_by_priority: Mapping[str, Estimate]
    #: Share of messages never reached (every attempt failed).
    never_reached: Estimate
    attempts_per_message: float
    #: Share of the managers' time spent on callbacks and failed attempts.
    manager_occupancy: float
    inputs: tuple[tuple[str, object], ...]

    def explain(self) -> Explanation:
        """The flow's inputs and every simulated figure with its 95 % CI."""
        steps = [
            f"desk service level = {self.desk.service_level}",
            f"desk abandoned = {self.desk.abandon}",
            f"callbacks reached within target = {self.on_time}",
        ]
        steps += [f"  priority {k}: {v}" for k, v in self.on_time_by_priority.items()]
        steps += [
            f"never reached = {self.never_reached}",
            f"attempts per message = {self.attempts_per_message:.4g}",
            f"manager occupancy = {self.manager_occupancy:.4g}",
        ]
        return explanation(
            "simulated tier flow",
            f"callbacks on time {self.on_time}",
            "desk (FCFS recursion) -> message -> each manager's single-server queue with "
            "retries; 95 % CI by batch means",
            dict(self.inputs),
            steps,
        )


def _retry_clock(callbacks: Callbacks) -> Callable[[float], float]:
    """Business instant of a failed attempt -> business instant its retry is ready."""
    delay = callbacks.retry_after.total_seconds()
    cal, start = callbacks.calendar, callbacks.start
    if cal is None or start is None:
        return lambda b: b + delay
    origin = cal.next_open_at(to_epoch(start, field="callbacks.start"))
    whole = int(delay)

    def ready(b: float) -> float:
        wall = cal.add_seconds(origin, int(b))
        return float(cal.elapsed_seconds(origin, wall + whole)) + (b - int(b))

    return ready


def _manager(
    ready: list[float],
    klass: list[int],
    handle: list[float],
    luck: list[list[float]],
    callbacks: Callbacks,
    retry: Callable[[float], float],
) -> tuple[list[float], list[int], float]:
    """One manager's callbacks: reach time per message (nan if never), attempts, busy time."""
    size = len(ready)
    reached = [math.nan] * size
    attempts = [0] * size
    p = callbacks.unreachable
    fail = callbacks.failed_attempt.total_seconds()
    last = callbacks.max_attempts
    queue: list[tuple[int, float, int]] = []
    retries: list[tuple[float, int]] = []
    nxt, free, busy = 0, 0.0, 0.0
    while nxt < size or queue or retries:
        while nxt < size and ready[nxt] <= free:
            heapq.heappush(queue, (klass[nxt], ready[nxt], nxt))
            nxt += 1
        while retries and retries[0][0] <= free:
            at, i = heapq.heappop(retries)
            heapq.heappush(queue, (klass[i], at, i))
        if not queue:
            upcoming = [ready[nxt]] if nxt < size else []
            if retries:
                upcoming.append(retries[0][0])
            free = min(upcoming)
            continue
        _, _, i = heapq.heappop(queue)
        k = attempts[i]
        attempts[i] = k + 1
        if luck[i][k] < p:
            free += fail
            busy += fail
            if k + 1 < last:
                heapq.heappush(retries, (retry(free), i))
        else:
            reached[i] = free
            free += handle[i]
            busy += handle[i]
    return reached, attempts, busy


def simulate_tier(
    desk: Queue,
    callbacks: Callbacks,
    *,
    desk_agents: int,
    managers: int,
    desk_within: timedelta = timedelta(seconds=20),
    desk_service: Distribution | timedelta | None = None,
    desk_patience: Distribution | timedelta | None = None,
    customers: int = 200_000,
    seed: int = 0,
) -> TierSimulation:
    """Simulate ``customers`` calls through desk, messages and managers' callbacks.

    ``desk`` gives the calls of all the tier's clients (per ``interval`` of
    business time), the desk's handle time (taking the call and writing the
    message) and the callers' patience. Seeded: the same arguments give the
    same figures.
    """
    problems: list[Problem] = []
    if isinstance(managers, bool) or not isinstance(managers, int) or managers < 1:
        problems.append(Problem("managers", f"must be a whole number >= 1, got {managers!r}"))
    within = positive_duration(desk_within, "desk_within", problems)
    raise_all(problems, "tier simulation")
    run = run_queue(
        desk,
        desk_agents,
        service=desk_service,
        patience=desk_patience,
        customers=customers,
        seed=seed,
    )
    desk_figures = summarize(run, desk_agents, within)
    # Answered: the message exists when the desk hangs up; missed: when the caller does.
    created = run.arrivals + run.waits + np.where(run.answered, run.service, 0.0)
    rng = np.random.default_rng([seed, 1])
    names = list(callbacks.priorities)
    shares = np.asarray([callbacks.priorities[n] for n in names], dtype=np.float64)
    klass = rng.choice(len(names), size=created.size, p=shares / shares.sum())
    owner = rng.integers(0, managers, created.size)
    handle_dist = as_distribution(callbacks.handle_time, "handle_time")
    assert handle_dist is not None
    handle = handle_dist.draw(rng, created.size, 0.0)
    luck = rng.random((created.size, callbacks.max_attempts))
    retry = _retry_clock(callbacks)
    reached = np.full(created.size, np.nan)
    attempts = np.zeros(created.size, dtype=np.int64)
    busy_total = 0.0
    for m in range(managers):
        mine = np.flatnonzero(owner == m)
        mine = mine[np.argsort(created[mine], kind="stable")]
        got, tries, busy = _manager(
            created[mine].tolist(),
            klass[mine].tolist(),
            handle[mine].tolist(),
            luck[mine].tolist(),
            callbacks,
            retry,
        )
        reached[mine] = got
        attempts[mine] = tries
        busy_total += busy
    order = np.argsort(created, kind="stable")
    keep = order[int(order.size * WARMUP) :]
    delay = reached[keep] - created[keep]
    target = callbacks.within.total_seconds()
    hit = np.where(np.isnan(delay), 0.0, (delay <= target).astype(np.float64))
    bounds = np.linspace(0, keep.size, 21).astype(np.int64)
    ones = np.ones(keep.size)
    by_class = {
        name: batch_estimate(
            hit * (klass[keep] == c), (klass[keep] == c).astype(np.float64), bounds
        )
        for c, name in enumerate(names)
    }
    span = float(created.max() - created.min()) or 1.0
    occupancy = busy_total / (span * managers)
    inputs: dict[str, object] = {
        **dict(desk_figures.inputs),
        "desk agents": desk_agents,
        "managers": managers,
        "callback handle time": handle_dist.describe(0.0),
        "callback within (s)": target,
        "unreachable per attempt": callbacks.unreachable,
        "retry after (s)": callbacks.retry_after.total_seconds(),
        "failed attempt (s)": callbacks.failed_attempt.total_seconds(),
        "max attempts": callbacks.max_attempts,
        "priorities": ", ".join(f"{k} {v:g}" for k, v in callbacks.priorities.items()),
        "calendar": "none (continuous time)" if callbacks.calendar is None else "business hours",
    }
    return TierSimulation(
        desk_figures,
        managers,
        batch_estimate(hit, ones, bounds),
        by_class,
        batch_estimate(np.isnan(delay).astype(np.float64), ones, bounds),
        float(attempts[keep].mean()),
        occupancy,
        tuple(inputs.items()),
    )
