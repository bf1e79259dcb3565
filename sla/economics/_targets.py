"""The agents each interval of a :class:`Workload` needs, by the tier's queue model.

:class:`VoiceTarget` (Erlang C, or Erlang A with a patience), :class:`ChatTarget`
(Erlang C on chat slots, operators = ``ceil(slots / concurrency)``) or
:class:`WrittenTarget` (Erlang C with a response time of hours under an
occupancy ceiling). An interval without contacts needs no agent.

Every target can also staff by simulation (``agents(workload,
check="simulate", seed=...)``) and check a staffing interval by interval
against simulation (``check(workload, agents, seed=...)``): see
:mod:`sla.economics._interval_check`.
"""

from __future__ import annotations

from datetime import timedelta

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError, Problem
from sla._types import Floats, Ints
from sla.economics._check import positive_duration, raise_all, target_share
from sla.economics._distributions import Distribution
from sla.economics._interval_check import (
    CUSTOMERS,
    IntervalQueues,
    _check_run,
    check_staffing,
    simulated_agents,
)
from sla.economics._queue import Queue, agents_for_many
from sla.economics._table import RowTable
from sla.economics._workload import Workload

__all__ = ["ChatTarget", "VoiceTarget", "WrittenTarget"]


def _staffable(workload: Workload) -> tuple[Floats, Floats]:
    """Calls and AHT per interval, with a harmless AHT of 1 s where no work came.

    Contacts with no handle time (a missed call whose callback is its own leg)
    bring no work: an interval of only such contacts needs no agent.
    """
    work = workload.handle_seconds > 0
    calls = np.where(work, workload.contacts, 0.0)
    return calls, np.where(work, workload.aht_seconds(), 1.0)


class _Checked:
    """``agents`` and ``check`` shared by the targets, from their :meth:`queues`."""

    def queues(self, workload: Workload) -> IntervalQueues:
        raise NotImplementedError

    def _formula_agents(self, workload: Workload) -> Ints:
        raise NotImplementedError

    def agents(
        self,
        workload: Workload,
        *,
        check: str = "formula",
        seed: int = 0,
        customers: int = CUSTOMERS,
        service: Distribution | timedelta | None = None,
    ) -> Ints:
        """Agents per interval (0 where no contact came).

        ``check="simulate"`` staffs each interval with
        ``Queue.agents_for(check="simulate")``: the smallest staffing whose
        simulated figures (``customers`` calls, handle times ``service``,
        exponential by default; interval ``i`` seeded ``seed + i``) meet the
        target. The formula's answer is the default.
        """
        _check_run(check, seed, customers)
        if check == "formula":
            if service is not None:
                raise EconomicsError("a handle-time shape needs check='simulate'", field="check")
            return self._formula_agents(workload)
        return simulated_agents(
            self.queues(workload), seed=seed, customers=customers, service=service
        )

    def check(
        self,
        workload: Workload,
        agents: npt.ArrayLike | None = None,
        *,
        seed: int = 0,
        customers: int = CUSTOMERS,
        service: Distribution | timedelta | None = None,
    ) -> RowTable:
        """Each interval's service level at ``agents`` (default: the formula's), by the
        formula and by simulation, and where they differ (see
        :func:`sla.economics._interval_check.check_staffing` for the columns).

        >>> from datetime import datetime, timezone
        >>> work = Workload.from_counts([0, 40, 100], timedelta(minutes=3),
        ...                             start=datetime(2025, 6, 2, 8, tzinfo=timezone.utc))
        >>> rows = VoiceTarget(0.8, timedelta(seconds=20)).check(work, seed=1, customers=5000)
        >>> [(r["agents"], round(r["service_level"], 3)) for r in rows]
        [(7, 0.903), (14, 0.888)]
        """
        staffed = self._formula_agents(workload) if agents is None else np.asarray(agents)
        return check_staffing(
            self.queues(workload), staffed, seed=seed, customers=customers, service=service
        )


@attrs.frozen
class VoiceTarget(_Checked):
    """Voice: ``service_level`` of calls answered within ``within`` (Erlang C).

    With a mean ``patience`` callers abandon and each interval is staffed by
    Erlang A (:meth:`Queue.agents_for` interval by interval).
    """

    service_level: float
    within: timedelta
    patience: timedelta | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        target_share(self.service_level, "service_level", problems)
        positive_duration(self.within, "within", problems)
        if self.patience is not None:
            positive_duration(self.patience, "patience", problems)
        raise_all(problems, "voice target")

    def queues(self, workload: Workload) -> IntervalQueues:
        """Each interval's call queue, as this target staffs it."""
        calls, aht = _staffable(workload)
        return IntervalQueues(
            workload.start, workload.interval, calls, aht, self.within, self.service_level,
            patience=self.patience,
        )  # fmt: skip

    def _formula_agents(self, workload: Workload) -> Ints:
        """Agents on the phone per interval (0 where no call came)."""
        calls, aht = _staffable(workload)
        if self.patience is None:
            return agents_for_many(
                calls, workload.interval, aht, service_level=self.service_level, within=self.within
            )
        out = np.zeros(calls.shape, dtype=np.int64)
        for i in np.flatnonzero(calls > 0):
            queue = Queue(
                float(calls[i]), workload.interval, timedelta(seconds=float(aht[i])), self.patience
            )
            out[i] = int(queue.agents_for(service_level=self.service_level, within=self.within))
        return out


@attrs.frozen
class ChatTarget(_Checked):
    """Chat: ``service_level`` of chats answered within ``within``, ``concurrency`` at once.

    Each chat slot is an Erlang C server; operators = ``ceil(slots / concurrency)``
    (as :class:`ChatQueue`). The workload's handle time is how long a chat
    holds its slot when handled concurrently.
    """

    service_level: float
    within: timedelta
    concurrency: int = 2

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        target_share(self.service_level, "service_level", problems)
        positive_duration(self.within, "within", problems)
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int):
            problems.append(Problem("concurrency", "must be a whole number of chats"))
        elif self.concurrency < 1:
            problems.append(Problem("concurrency", f"must be >= 1, got {self.concurrency}"))
        raise_all(problems, "chat target")

    def queues(self, workload: Workload) -> IntervalQueues:
        """Each interval's chat slots queue; an operator holds ``concurrency`` slots."""
        calls, aht = _staffable(workload)
        return IntervalQueues(
            workload.start, workload.interval, calls, aht, self.within, self.service_level,
            slots_per_agent=self.concurrency,
        )  # fmt: skip

    def _formula_agents(self, workload: Workload) -> Ints:
        """Operators per interval (0 where no chat came)."""
        calls, aht = _staffable(workload)
        slots = agents_for_many(
            calls, workload.interval, aht, service_level=self.service_level, within=self.within
        )
        return -(-slots // self.concurrency)


@attrs.frozen
class WrittenTarget(_Checked):
    """Messengers and e-mail: ``share`` of messages answered within ``respond_within``.

    The work of each interval is spread over the response window, then Erlang C
    with the response time as ``within`` under an occupancy ceiling staffs it
    (as :class:`WrittenQueue`). Build the workload with the tier's calendar so
    the overnight backlog lands at opening.
    """

    respond_within: timedelta
    share: float = 0.9
    max_occupancy: float = 0.85

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        positive_duration(self.respond_within, "respond_within", problems)
        target_share(self.share, "share", problems)
        target_share(self.max_occupancy, "max_occupancy", problems)
        raise_all(problems, "written target")

    def _spread(self, workload: Workload) -> Workload:
        """Each interval's work spread over its response window (see :meth:`_formula_agents`)."""
        window = max(1, int(self.respond_within // workload.interval))
        if window > 1:
            n = workload.intervals
            # Spread over the next `window` *open* intervals: the response window runs
            # on the tier's calendar, as the SLA clock does.
            where = np.arange(n) if workload.open is None else np.flatnonzero(workload.open)
            kernel = np.full(window, 1.0 / window)
            contacts = np.convolve(workload.contacts[where], kernel)
            handle = np.convolve(workload.handle_seconds[where], kernel)
            m = where.size
            if m:
                contacts[m - 1] += contacts[m:].sum()
                handle[m - 1] += handle[m:].sum()
            spread_c, spread_h = np.zeros(n), np.zeros(n)
            spread_c[where] = np.maximum(contacts[:m], 0.0)
            spread_h[where] = np.where(contacts[:m] > 0, np.maximum(handle[:m], 0.0), 0.0)
            workload = Workload(workload.start, workload.interval, spread_c, spread_h)
        return workload

    def queues(self, workload: Workload) -> IntervalQueues:
        """Each interval's queue of the spread work, answered within the response time."""
        calls, aht = _staffable(self._spread(workload))
        return IntervalQueues(
            workload.start, workload.interval, calls, aht, self.respond_within, self.share,
            max_occupancy=self.max_occupancy,
        )  # fmt: skip

    def _formula_agents(self, workload: Workload) -> Ints:
        """Agents per interval.

        A message may wait ``respond_within``, so each interval's work is spread
        evenly over the intervals of that window (from its arrival on, counting
        only open intervals when the workload knows them; work the period's end
        would cut off stays in the last one) before Erlang C staffs it. Without
        this, a Monday-morning backlog would need all its agents in the first half
        hour.
        """
        workload = self._spread(workload)
        calls, aht = _staffable(workload)
        return agents_for_many(
            calls,
            workload.interval,
            aht,
            service_level=self.share,
            within=self.respond_within,
            max_occupancy=self.max_occupancy,
        )
