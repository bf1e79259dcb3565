"""The manager's book: one personal manager, a book of clients, served two ways.

*A, direct by voice*: every call that a bot does not answer rings the manager,
who must pick it up within seconds. *B, behind a front desk*: the desk answers
within seconds, writes the question down, and the manager answers in writing
or calls back within the callback target. :func:`compare_book` says, for each,
how many clients one manager can carry at the tier's target, what the front
desk needs (its own Erlang C queue) and costs, and the cost per client.

The manager is a single-server queue (M/M/1, as in :class:`PersonalManager`):
``P(wait <= T) = 1 - rho e^(-(1 - rho) T / h)`` with ``rho`` the manager's
occupancy and ``h`` the handle time. Bots take their share of calls off the
top before anyone is counted. All loads are at the *peak* hour: a book that
works at peak works the rest of the day. Money is exact (:class:`~sla.money.Money`,
rounded to the currency's minor unit, half-even, only in the final per-client
figures).
"""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs

from sla._errors import Problem
from sla.economics._channels import PersonalManager
from sla.economics._check import (
    cap_share,
    fraction,
    number,
    positive_duration,
    raise_all,
    target_share,
)
from sla.economics._explain import Count, Figure, explanation
from sla.economics._queue import Queue
from sla.economics._table import RowTable
from sla.money import Money

__all__ = ["BookComparison", "BookOption", "ManagerBook", "compare_book"]

_HOUR = timedelta(hours=1)


@attrs.frozen
class ManagerBook:
    """A personal manager's book of clients and what its calls cost to take.

    ``calls_per_client_hour``: calls one client makes in the peak hour (250
    clients calling every 2.5 minutes is ``24 / 250 = 0.096``). ``bot_share``:
    the share of calls bots answer (order status, "where is my courier").
    ``voice_handle_time``: the manager's time per call taken live;
    ``written_handle_time``: per question answered in writing or by callback
    (the desk wrote it down, so it is usually shorter). ``desk_handle_time``: the
    front desk's time to take a call and write the question down.
    ``manager_month`` and ``desk_agent_month``: fully loaded monthly costs.
    ``managers_per_desk``: how many managers' books one front desk serves (a
    shared desk pools its calls). ``desk_shrinkage``: the share of paid time a
    desk seat is not answering (breaks, training).

    :raises EconomicsError: listing every bad field.
    """

    clients: int
    calls_per_client_hour: float
    voice_handle_time: timedelta
    written_handle_time: timedelta
    desk_handle_time: timedelta
    manager_month: Money
    desk_agent_month: Money
    bot_share: float = 0.0
    managers_per_desk: int = 1
    desk_shrinkage: float = 0.3

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if isinstance(self.clients, bool) or not isinstance(self.clients, int) or self.clients < 1:
            problems.append(
                Problem("clients", f"expected a whole number >= 1, got {self.clients!r}")
            )
        number(self.calls_per_client_hour, "calls_per_client_hour", problems, positive=True)
        for name in ("voice_handle_time", "written_handle_time", "desk_handle_time"):
            positive_duration(getattr(self, name), name, problems)
        fraction(self.bot_share, "bot_share", problems)
        fraction(self.desk_shrinkage, "desk_shrinkage", problems)
        if (
            isinstance(self.managers_per_desk, bool)
            or not isinstance(self.managers_per_desk, int)
            or self.managers_per_desk < 1
        ):
            problems.append(Problem("managers_per_desk", "expected a whole number >= 1"))
        for name in ("manager_month", "desk_agent_month"):
            if not isinstance(getattr(self, name), Money):
                problems.append(Problem(name, "expected Money, e.g. Money('6000', 'EUR')"))
        if not problems and self.manager_month.currency != self.desk_agent_month.currency:
            problems.append(Problem("desk_agent_month", "must be in the manager's currency"))
        raise_all(problems, "manager's book")

    @property
    def peak_calls(self) -> Figure:
        """Calls per peak hour the whole book makes, bots included."""
        value = self.clients * float(self.calls_per_client_hour)
        return Figure(
            value,
            explanation(
                "calls per peak hour",
                value,
                "clients * calls per client per peak hour",
                {"clients": self.clients, "calls per client hour": self.calls_per_client_hour},
            ),
        )

    @property
    def human_calls(self) -> Figure:
        """Calls per peak hour left for people once bots took their share."""
        value = float(self.peak_calls) * (1.0 - float(self.bot_share))
        return Figure(
            value,
            explanation(
                "calls for people per peak hour",
                value,
                "calls per peak hour * (1 - bot share)",
                {"calls per peak hour": float(self.peak_calls), "bot share": self.bot_share},
            ),
        )

    def _manager(self, handle: timedelta) -> PersonalManager:
        per_client = float(self.calls_per_client_hour) * (1.0 - float(self.bot_share))
        return PersonalManager(per_client, _HOUR, 1.0, handle)


@attrs.frozen
class BookOption:
    """One way of serving the book: its capacity, load, desk and cost per client."""

    mode: str
    target: str
    clients_capacity: Count
    manager_occupancy: Figure
    meets_target_share: Figure
    desk_agents: Count | None
    desk_seats: int
    cost_per_client_month: Money

    def as_row(self) -> dict[str, Any]:
        """A plain row for a table."""
        return {
            "mode": self.mode,
            "target": self.target,
            "clients per manager": int(self.clients_capacity),
            "manager occupancy at the book": round(float(self.manager_occupancy), 3),
            "share within target at the book": round(float(self.meets_target_share), 3),
            "desk agents at peak": None if self.desk_agents is None else int(self.desk_agents),
            "desk seats": self.desk_seats,
            "cost per client month": self.cost_per_client_month,
        }


@attrs.frozen
class BookComparison:
    """A (direct) and B (front desk) side by side for one book."""

    book: ManagerBook
    direct: BookOption
    front_desk: BookOption

    def table(self) -> RowTable:
        """Both options as rows."""
        return RowTable([self.direct.as_row(), self.front_desk.as_row()])


def _share_within(rho: float, within_s: float, handle_s: float) -> Figure:
    value = 0.0 if rho >= 1.0 else 1.0 - rho * math.exp(-(1.0 - rho) * within_s / handle_s)
    return Figure(
        value,
        explanation(
            "share answered within the target",
            value,
            "M/M/1: 1 - rho e^(-(1 - rho) T / h), 0 when rho >= 1 (the queue grows without end)",
            {"rho": rho, "T (s)": within_s, "h (s)": handle_s},
        ),
    )


def _occupancy(book: ManagerBook, handle: timedelta) -> Figure:
    value = float(book.human_calls) * handle.total_seconds() / 3600.0
    return Figure(
        value,
        explanation(
            "manager occupancy at peak",
            value,
            "calls for people per hour * handle time / 3600 s",
            {"calls for people per hour": float(book.human_calls), "handle time (s)": handle},
        ),
    )


def compare_book(
    book: ManagerBook,
    *,
    answer_within: timedelta = timedelta(seconds=20),
    answer_share: float = 0.8,
    callback_within: timedelta = timedelta(hours=1),
    callback_share: float = 0.9,
    max_occupancy: float = 0.85,
) -> BookComparison:
    """How many clients one manager carries, and at what cost per client, A vs B.

    *A, direct*: the manager answers ``answer_share`` of calls within
    ``answer_within`` (tier A's voice target, 80 % in 20 s by default).
    *B, front desk*: the desk answers ``answer_share`` within ``answer_within``
    (an Erlang C queue), the manager answers ``callback_share`` within
    ``callback_within`` (tier A's callback target for a normal call). Nobody
    works above ``max_occupancy``. The cost per client is the manager's month
    over the clients the manager can carry (in B plus the desk's seats, shared
    by ``managers_per_desk`` books of that size).

    >>> from sla.money import Money
    >>> book = ManagerBook(250, 24 / 250, timedelta(minutes=4), timedelta(minutes=3),
    ...                    timedelta(minutes=1), Money("6000", "EUR"), Money("3500", "EUR"),
    ...                    bot_share=0.7)
    >>> result = compare_book(book)
    >>> int(result.direct.clients_capacity), int(result.front_desk.clients_capacity)
    (111, 590)

    :raises EconomicsError: for targets outside their ranges.
    """
    problems: list[Problem] = []
    answer_s = positive_duration(answer_within, "answer_within", problems)
    callback_s = positive_duration(callback_within, "callback_within", problems)
    target_share(answer_share, "answer_share", problems)
    target_share(callback_share, "callback_share", problems)
    cap_share(max_occupancy, "max_occupancy", problems)
    raise_all(problems, "book targets")

    voice, written = book.voice_handle_time, book.written_handle_time
    direct_clients = book._manager(voice).clients(
        respond_within=answer_within, share=answer_share, max_occupancy=max_occupancy
    )
    desk_clients = book._manager(written).clients(
        respond_within=callback_within, share=callback_share, max_occupancy=max_occupancy
    )
    currency = book.manager_month.currency
    direct_rho = _occupancy(book, voice)
    direct = BookOption(
        "A: direct by voice",
        f"{answer_share:.0%} answered by the manager within {answer_s:g} s",
        direct_clients,
        direct_rho,
        _share_within(float(direct_rho), answer_s, voice.total_seconds()),
        None,
        0,
        _per_client(book.manager_month, int(direct_clients), currency),
    )
    # The front desk takes every call of the desk's books that reaches a person.
    desk_calls = float(book.human_calls) * book.managers_per_desk
    desk_queue = Queue(desk_calls, _HOUR, book.desk_handle_time)
    desk_agents = desk_queue.agents_for(
        service_level=answer_share, within=answer_within, max_occupancy=max_occupancy
    )
    seats = math.ceil(int(desk_agents) / (1.0 - float(book.desk_shrinkage)))
    desk_share = book.desk_agent_month * Decimal(seats) / Decimal(book.managers_per_desk)
    written_rho = _occupancy(book, written)
    front = BookOption(
        "B: front desk, written answers and callbacks",
        f"desk: {answer_share:.0%} within {answer_s:g} s; manager: {callback_share:.0%} "
        f"within {callback_s / 60:g} min",
        desk_clients,
        written_rho,
        _share_within(float(written_rho), callback_s, written.total_seconds()),
        desk_agents,
        seats,
        _per_client(book.manager_month + desk_share, int(desk_clients), currency),
    )
    return BookComparison(book, direct, front)


def _per_client(month: Money, clients: int, currency: Any) -> Money:
    if clients <= 0:
        # Not even one client meets the target: report the whole month, not a division by 0.
        return month.rounded()
    return (month / clients).rounded()
