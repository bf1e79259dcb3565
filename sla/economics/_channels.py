"""Written channels and personal managers: chat concurrency, asynchronous queues,
and how many clients one manager can carry."""

from __future__ import annotations

import math
from datetime import timedelta

import attrs

from sla._errors import Problem
from sla.economics import _erlang as ec
from sla.economics._check import (
    cap_share,
    number,
    positive_duration,
    raise_all,
    target_share,
)
from sla.economics._explain import Count, explanation

__all__ = ["ChatQueue", "PersonalManager", "WrittenQueue"]


@attrs.frozen(slots=True)
class ChatQueue:
    """Website chat answered by the first free operator, each handling ``concurrency`` chats.

    Each chat slot is a server (Erlang C on ``slots``); ``handle_time`` is how
    long one chat occupies its slot *when handled concurrently* (longer than a
    lone chat). Operators = ``ceil(slots / concurrency)``.
    """

    chats: float
    interval: timedelta
    handle_time: timedelta
    concurrency: int = 2

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        number(self.chats, "chats", problems)
        positive_duration(self.interval, "interval", problems)
        positive_duration(self.handle_time, "handle_time", problems)
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int):
            problems.append(Problem("concurrency", "must be a whole number of chats"))
        elif self.concurrency < 1:
            problems.append(Problem("concurrency", f"must be >= 1, got {self.concurrency}"))
        raise_all(problems, "chat queue")

    def agents_for(self, *, service_level: float, within: timedelta) -> Count:
        """Operators needed so ``service_level`` of chats get a first answer within ``within``."""
        problems: list[Problem] = []
        sl = target_share(service_level, "service_level", problems)
        t = positive_duration(within, "within", problems)
        raise_all(problems, "chat target")
        h = self.handle_time.total_seconds()
        a = float(self.chats) * h / self.interval.total_seconds()
        slots, _c, steps = ec.required_agents(a, within_over_aht=t / h, service_level=sl)
        operators = math.ceil(slots / self.concurrency)
        return Count(
            operators,
            explanation(
                "chat operators required",
                operators,
                "ceil(slots / concurrency), slots = Erlang C agents for the chat load",
                {
                    "chat load (Erlangs)": a,
                    "slots": slots,
                    "concurrency": self.concurrency,
                    "target": sl,
                    "within (s)": t,
                },
                steps,
            ),
        )


@attrs.frozen(slots=True)
class WrittenQueue:
    """Messengers and e-mail: work that can wait its turn for minutes or hours.

    Staffed from workload and a response-time target: Erlang C with the
    target as ``within`` (hours, not seconds), under a ceiling on occupancy
    (people cannot write at 100 % for a whole shift). With a long target the
    occupancy ceiling usually decides, i.e. ``workload / max_occupancy``.
    """

    messages: float
    interval: timedelta
    handle_time: timedelta

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        number(self.messages, "messages", problems)
        positive_duration(self.interval, "interval", problems)
        positive_duration(self.handle_time, "handle_time", problems)
        raise_all(problems, "written queue")

    def agents_for(
        self, *, respond_within: timedelta, share: float = 0.9, max_occupancy: float = 0.85
    ) -> Count:
        """Agents so that ``share`` of messages get a reply within ``respond_within``."""
        problems: list[Problem] = []
        t = positive_duration(respond_within, "respond_within", problems)
        sl = target_share(share, "share", problems)
        occ = target_share(max_occupancy, "max_occupancy", problems)
        raise_all(problems, "written target")
        h = self.handle_time.total_seconds()
        a = float(self.messages) * h / self.interval.total_seconds()
        n, _, steps = ec.required_agents(
            a, within_over_aht=t / h, service_level=sl, max_occupancy=occ
        )
        return Count(
            n,
            explanation(
                "written-channel agents required",
                n,
                "smallest n with P(reply <= T) >= share and workload / n <= max occupancy",
                {"workload (Erlangs)": a, "respond within (s)": t, "share": sl, "max occ": occ},
                steps,
            ),
        )


@attrs.frozen(slots=True)
class PersonalManager:
    """A personal manager (tiers A/B) serving a book of clients.

    Each client makes ``contacts_per_client`` contacts per ``period``; the
    manager works ``working_hours`` in that period. The manager is a
    single-server queue (M/M/1): ``P(answer within T) = 1 - rho e^(-(1 - rho) T / h)``.
    Voice (tier A) has a target of seconds; written (tier B) of hours.
    """

    contacts_per_client: float
    period: timedelta
    working_hours: float
    handle_time: timedelta

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        number(self.contacts_per_client, "contacts_per_client", problems, positive=True)
        found = len(problems)
        period_s = positive_duration(self.period, "period", problems)
        hours = number(self.working_hours, "working_hours", problems, positive=True)
        if len(problems) == found and hours * 3600.0 > period_s:
            problems.append(
                Problem(
                    "working_hours",
                    f"{self.working_hours} h is more than the period of {self.period} "
                    f"({period_s / 3600.0:g} h) holds",
                )
            )
        handle_s = positive_duration(self.handle_time, "handle_time", problems)
        if len(problems) == found and handle_s > hours * 3600.0:
            problems.append(
                Problem(
                    "handle_time",
                    f"{self.handle_time} is longer than the {self.working_hours} working hours",
                )
            )
        raise_all(problems, "personal manager")

    def clients(
        self, *, respond_within: timedelta, share: float = 0.8, max_occupancy: float = 0.85
    ) -> Count:
        """The most clients one manager can carry while meeting the response target."""
        problems: list[Problem] = []
        t = positive_duration(respond_within, "respond_within", problems)
        sl = target_share(share, "share", problems)
        occ = cap_share(max_occupancy, "max_occupancy", problems)
        raise_all(problems, "manager target")
        h = self.handle_time.total_seconds()
        per_client = float(self.contacts_per_client) / (float(self.working_hours) * 3600.0) * h

        def meets(clients: int) -> bool:
            rho = clients * per_client
            if rho >= 1.0 or rho > occ:
                return False
            return 1.0 - rho * math.exp(-(1.0 - rho) * t / h) >= sl

        hi = math.floor(min(occ, 1.0) / per_client) + 1
        lo = 0
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if meets(mid):
                lo = mid
            else:
                hi = mid
        return Count(
            lo,
            explanation(
                "clients per manager",
                lo,
                "largest c with rho = c * contacts * h / hours <= max occupancy and "
                "1 - rho e^(-(1 - rho) T / h) >= share",
                {
                    "load per client (Erlangs)": per_client,
                    "respond within (s)": t,
                    "share": sl,
                    "max occupancy": occ,
                },
                [f"occupancy at {lo} clients = {lo * per_client:.4g}"],
            ),
        )
