"""The :class:`Queue`: a voice queue's traffic and its Erlang C / Erlang A figures."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError, Problem
from sla.economics import _erlang as ec
from sla.economics._check import fraction, number, positive_duration, raise_all, target_share
from sla.economics._confirm import Targets, confirm_staffing
from sla.economics._distributions import Distribution
from sla.economics._erlang_a import ErlangA, erlang_a, required_agents_a
from sla.economics._explain import Count, Explanation, Figure, explanation
from sla.economics._simulate import Simulation, simulate_queue
from sla.economics._table import RowTable
from sla.money import Money

__all__ = ["Queue", "agents_for_many", "scheduled_agents", "traffic"]

Among = Literal["offered", "served"]

_NO_TIME = timedelta(0)
_new_int = int.__new__
_ERLANG_C_SEARCH = "smallest n > a with SL(n) >= target, ASA(n) <= max, a/n <= max occupancy"

#: Paid hours are rounded to this many decimal places (ROUND_HALF_EVEN) where
#: float staffing meets exact money.
HOURS_PLACES = Decimal("0.000001")


def hours_decimal(hours: float) -> Decimal:
    """Float hours -> Decimal, rounded half-even to the microhour (documented rounding)."""
    return Decimal(repr(hours)).quantize(HOURS_PLACES, rounding=ROUND_HALF_EVEN)


def traffic(calls: float, interval: timedelta, aht: timedelta) -> Figure:
    """Offered load in Erlangs: ``calls * AHT / interval`` (any interval length).

    >>> traffic(100, timedelta(minutes=30), timedelta(seconds=180))
    10.0
    """
    problems: list[Problem] = []
    c = number(calls, "calls", problems)
    i = positive_duration(interval, "interval", problems)
    h = positive_duration(aht, "aht", problems)
    raise_all(problems, "traffic")
    value = c * h / i
    return Figure(
        value,
        explanation(
            "traffic (Erlangs)",
            value,
            "calls * AHT / interval",
            {"calls": c, "AHT (s)": h, "interval (s)": i},
        ),
    )


def scheduled_agents(agents: float, shrinkage: float) -> Figure:
    """Agents to schedule and pay (FTE) so that ``agents`` are on the phone.

    Shrinkage (breaks, training, absence) *divides*: ``agents / (1 - shrinkage)``.

    >>> round(scheduled_agents(14, 0.3), 3)
    20.0
    """
    problems: list[Problem] = []
    n = number(agents, "agents", problems)
    s = fraction(shrinkage, "shrinkage", problems)
    raise_all(problems, "shrinkage")
    value = n / (1.0 - s)
    return Figure(
        value,
        explanation(
            "scheduled agents (FTE)",
            value,
            "agents / (1 - shrinkage)",
            {"agents on the phone": n, "shrinkage": s},
        ),
    )


@attrs.frozen(slots=True)
class Queue:
    """A queue of contacts: ``calls`` per ``interval`` with average handle time ``aht``.

    Without ``patience`` callers wait forever (Erlang C); with a mean
    ``patience`` they abandon after an exponential patience (Erlang A).
    Every figure is a :class:`Figure` / :class:`Count` with ``.explain()``.

    Raises :class:`~sla.EconomicsError` listing every bad field.
    """

    calls: float
    interval: timedelta
    aht: timedelta
    patience: timedelta | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        number(self.calls, "calls", problems)
        positive_duration(self.interval, "interval", problems)
        positive_duration(self.aht, "aht", problems)
        if self.patience is not None:
            positive_duration(self.patience, "patience", problems)
        raise_all(problems, "queue")
        load = float(self.calls) * self.aht.total_seconds() / self.interval.total_seconds()
        if not load <= ec.MAX_TRAFFIC:
            raise EconomicsError(
                f"{self.calls!r} calls make {load:.3g} Erlangs, above the supported "
                f"{ec.MAX_TRAFFIC:.0e} Erlangs (the bound keeps memory and time small)",
                field="calls",
            )

    # -- derived -------------------------------------------------------------

    @property
    def traffic(self) -> Figure:
        """Offered load in Erlangs."""
        return traffic(self.calls, self.interval, self.aht)

    @property
    def _traffic(self) -> float:
        return float(self.calls) * self.aht.total_seconds() / self.interval.total_seconds()

    @property
    def _aht_s(self) -> float:
        return self.aht.total_seconds()

    @property
    def _r(self) -> float | None:
        return None if self.patience is None else self.patience.total_seconds() / self._aht_s

    def with_patience(self, patience: timedelta | None) -> Queue:
        """The same queue with callers abandoning after a mean ``patience`` (Erlang A)."""
        return attrs.evolve(self, patience=patience)

    def with_(self, **changes: object) -> Queue:
        """A copy with some fields changed (``calls=``, ``aht=``, ...)."""
        fields: dict[str, Any] = dict(changes)  # attrs validates each field
        return attrs.evolve(self, **fields)

    def _inputs(self, agents: int) -> dict[str, object]:
        data: dict[str, object] = {
            "calls": float(self.calls),
            "interval (s)": self.interval.total_seconds(),
            "AHT (s)": self._aht_s,
            "traffic a (Erlangs)": float(self.traffic),
            "agents n": agents,
        }
        if self.patience is not None:
            data["patience (s)"] = self.patience.total_seconds()
        return data

    def _a(self, agents: int) -> ErlangA:
        assert self._r is not None
        return erlang_a(agents, float(self.traffic), self._r)

    def _b_c(self, agents: int) -> tuple[float, float]:
        a = float(self.traffic)
        b = ec.erlang_b(agents, a)
        return b, ec.erlang_c_from_b(agents, a, b)

    # -- figures -------------------------------------------------------------

    def blocking(self, agents: int) -> Figure:
        """Erlang B: share of calls lost when there is no queue at all."""
        n = ec.check_agents(agents)
        b = ec.erlang_b(n, float(self.traffic))
        return Figure(
            b,
            explanation(
                "blocking probability (Erlang B)",
                b,
                "B(0)=1; B(k) = a B(k-1) / (k + a B(k-1))",
                self._inputs(n),
            ),
        )

    def wait_probability(self, agents: int) -> Figure:
        """Probability that a caller has to wait (1.0 at or above 100 % load without patience)."""
        n = ec.check_agents(agents)
        if self._r is not None:
            q = self._a(n)
            return Figure(
                q.wait_probability,
                explanation(
                    "wait probability (Erlang A)",
                    q.wait_probability,
                    "A B / (1 + (A - 1) B), A = x e^y y^-x gamma(x, y), x = n r, y = a r",
                    self._inputs(n),
                    [f"x = {q.x:.6g}, y = {q.y:.6g}"],
                ),
            )
        b, c = self._b_c(n)
        return Figure(
            c,
            explanation(
                "wait probability (Erlang C)",
                c,
                "n B / (n - a (1 - B)) if n > a else 1",
                self._inputs(n),
                [f"Erlang B = {b:.6g}"],
            ),
        )

    def service_level(self, agents: int, within: timedelta, among: Among = "offered") -> Figure:
        """Share of calls answered within ``within``.

        Erlang C: ``1 - C exp(-(n - a) t / AHT)`` (0.0 when ``agents <= traffic``).
        Erlang A: among all offered callers (abandoners count as not answered)
        or, with ``among="served"``, among callers who were answered.
        """
        n = ec.check_agents(agents)
        problems: list[Problem] = []
        t = positive_duration(within, "within", problems) if within != timedelta(0) else 0.0
        if among not in ("offered", "served"):
            problems.append(Problem("among", f"must be 'offered' or 'served', got {among!r}"))
        raise_all(problems, "service level")
        t_over = t / self._aht_s
        if self._r is not None:
            q = self._a(n)
            if among == "offered":
                value = q.answered_within(t_over)
            else:
                value = q.answered_within_among_served(t_over)
            return Figure(
                value,
                explanation(
                    f"service level among {among} (Erlang A)",
                    value,
                    "1 - P(wait) + pi_n (G(y) - G(y e^(-t/patience))) [/ P(served)]",
                    {**self._inputs(n), "within (s)": t},
                    [
                        f"P(wait) = {q.wait_probability:.6g}",
                        f"P(abandon) = {q.abandon_probability:.6g}",
                    ],
                ),
            )
        b, c = self._b_c(n)
        a = float(self.traffic)
        value = ec._sl(n, a, c, t_over)
        return Figure(
            value,
            explanation(
                "service level (Erlang C)",
                value,
                "1 - C exp(-(n - a) t / AHT) if n > a else 0",
                {**self._inputs(n), "within (s)": t},
                [f"Erlang B = {b:.6g}", f"Erlang C = {c:.6g}"],
            ),
        )

    def asa(self, agents: int) -> Figure:
        """Average speed of answer of *answered* calls in seconds, as reports measure it.

        Erlang C: ``C AHT / (n - a)`` (``inf`` at or above 100 % load).
        Erlang A: the mean wait of callers who were answered (abandoners left
        out), from the served-wait density; finite with at least one agent
        (``inf`` with none: nobody is answered). The mean wait of *all*
        arrivals, abandoners included, is :meth:`mean_wait`.
        """
        n = ec.check_agents(agents)
        if self._r is not None:
            q = self._a(n)
            value = q.answered_wait_over_aht * self._aht_s
            formula = "integral of s * served-wait density / P(served)"
            steps = [
                f"P(abandon) = {q.abandon_probability:.6g}",
                f"mean wait of all arrivals (s) = {q.mean_wait_over_aht * self._aht_s:.6g}",
            ]
        else:
            _b, c = self._b_c(n)
            a = float(self.traffic)
            value = c * self._aht_s / (n - a) if n > a else (0.0 if a == 0 else math.inf)
            formula = "C AHT / (n - a) if n > a else inf"
            steps = [f"Erlang C = {c:.6g}"]
        return Figure(
            value, explanation("ASA of answered calls (s)", value, formula, self._inputs(n), steps)
        )

    def mean_wait(self, agents: int) -> Figure:
        """Mean wait of *all* arrivals in seconds, abandoners included (their time to hang up).

        Erlang A: ``P(abandon) * patience`` (Little's law); this is what some
        tools print as "ASA". Erlang C: equal to :meth:`asa`, as nobody abandons.
        """
        n = ec.check_agents(agents)
        if self._r is None:
            return self.asa(n)
        q = self._a(n)
        value = q.mean_wait_over_aht * self._aht_s
        return Figure(
            value,
            explanation(
                "mean wait of all arrivals (s)",
                value,
                "P(abandon) * patience",
                self._inputs(n),
                [f"P(abandon) = {q.abandon_probability:.6g}"],
            ),
        )

    def occupancy(self, agents: int) -> Figure:
        """Share of agent time spent handling contacts (capped at 1.0)."""
        n = ec.check_agents(agents)
        a = float(self.traffic)
        if self._r is not None:
            value = self._a(n).occupancy
            formula = "a (1 - P(abandon)) / n"
        else:
            value = min(1.0, a / n) if n else (1.0 if a > 0 else 0.0)
            formula = "min(1, a / n)"
        return Figure(value, explanation("occupancy", value, formula, self._inputs(n)))

    def abandon_probability(self, agents: int) -> Figure:
        """Share of callers who hang up before an answer (0.0 without patience)."""
        n = ec.check_agents(agents)
        value = 0.0 if self._r is None else self._a(n).abandon_probability
        return Figure(
            value,
            explanation(
                "abandon probability (Erlang A)",
                value,
                "P(wait) (1 - G(y) / A)" if self._r is not None else "no patience given: 0",
                self._inputs(n),
            ),
        )

    def simulate(
        self,
        agents: int,
        within: timedelta,
        *,
        service: Distribution | timedelta | None = None,
        patience: Distribution | timedelta | None = None,
        customers: int = 200_000,
        seed: int = 0,
    ) -> Simulation:
        """Simulate ``customers`` calls event by event; figures with 95 % confidence intervals.

        ``service`` (handle times) defaults to exponential with the AHT;
        ``patience`` to the queue's (exponential), or none. A
        :class:`Distribution` without a mean takes the queue's mean. Seeded:
        the same arguments give the same figures. See :mod:`sla.economics._simulate`.
        """
        return simulate_queue(
            self,
            agents,
            within,
            service=service,
            patience=patience,
            customers=customers,
            seed=seed,
        )

    # -- staffing ------------------------------------------------------------

    def agents_for(
        self,
        *,
        service_level: float | None = None,
        within: timedelta | None = None,
        max_asa: timedelta | None = None,
        max_abandon: float | None = None,
        max_occupancy: float | None = None,
        among: Among = "offered",
        check: Literal["formula", "simulate"] = "formula",
        service: Distribution | timedelta | None = None,
        patience: Distribution | timedelta | None = None,
        customers: int = 400_000,
        seed: int = 0,
    ) -> Count:
        """The smallest number of agents on the phone meeting *all* given targets.

        ``service_level`` needs ``within``; ``max_abandon`` needs a patience.
        ``max_asa`` bounds the ASA of *answered* calls, as reports measure it.

        ``check="simulate"`` takes the formula's answer, then the smallest
        staffing whose simulated figures (:meth:`simulate` with ``service``,
        ``patience``, ``customers`` and ``seed``) meet every target; its
        ``explain()`` lists each candidate with its 95 % confidence interval.
        """
        if (
            type(service_level) is float
            and type(within) is timedelta
            and max_asa is None
            and max_abandon is None
            and max_occupancy is None
            and self.patience is None
            and check == "formula"
            and service is None
            and patience is None
            and 0.0 < service_level < 1.0
            and within > _NO_TIME
        ):
            return self._agents_for_service_level(service_level, within)
        problems: list[Problem] = []
        aht_s = self.aht.total_seconds()
        sl = (
            None
            if service_level is None
            else target_share(service_level, "service_level", problems)
        )
        t = None
        if service_level is not None:
            if within is None:
                problems.append(Problem("within", "a service level needs `within`"))
            else:
                t = positive_duration(within, "within", problems) / aht_s
        asa = None if max_asa is None else positive_duration(max_asa, "max_asa", problems)
        abandon = (
            None if max_abandon is None else target_share(max_abandon, "max_abandon", problems)
        )
        occ = (
            None
            if max_occupancy is None
            else target_share(max_occupancy, "max_occupancy", problems)
        )
        if abandon is not None and self.patience is None:
            problems.append(Problem("max_abandon", "needs a queue with patience (with_patience)"))
        if sl is None and asa is None and abandon is None and occ is None:
            problems.append(Problem("targets", "give at least one target"))
        if check not in ("formula", "simulate"):
            problems.append(Problem("check", f"must be 'formula' or 'simulate', got {check!r}"))
        elif check == "formula" and (service is not None or patience is not None):
            problems.append(Problem("check", "service= and patience= shapes need check='simulate'"))
        if problems:
            raise_all(problems, "staffing targets")
        a = self._traffic
        r = self._r
        if r is None:
            n, _c, steps = ec.required_agents(
                a,
                within_over_aht=t,
                service_level=sl,
                max_asa_over_aht=None if asa is None else asa / aht_s,
                max_occupancy=occ,
            )
            formula = _ERLANG_C_SEARCH
        else:
            n, _, steps = required_agents_a(
                a,
                r,
                within_over_aht=t,
                service_level=sl,
                among=among,
                max_abandon=abandon,
                max_answered_wait_over_aht=None if asa is None else asa / aht_s,
                max_occupancy=occ,
            )
            formula = "smallest n >= 0 meeting every target under Erlang A (search from 0)"

        def why() -> Explanation:
            inputs = {**self._inputs(n), "target service level": sl, "within / AHT": t}
            inputs.pop("agents n")
            inputs.update({"max ASA (s)": asa, "max abandon": abandon, "max occupancy": occ})
            return explanation("agents required", n, formula, inputs, steps)

        if check == "simulate":
            targets = Targets(sl, None if t is None else t * aht_s, among, asa, abandon, occ)
            return confirm_staffing(
                self,
                n,
                why(),
                targets,
                service=service,
                patience=patience,
                customers=customers,
                seed=seed,
            )
        return Count(n, why)

    def _agents_for_service_level(self, sl: float, within: timedelta) -> Count:
        """:meth:`agents_for` for a valid float service level alone, without patience.

        The hot path: no problem list, no steps until ``explain()`` is asked
        for; the same floats as the general path (a test checks they agree).
        """
        aht_s = self.aht.total_seconds()
        t = within.total_seconds() / aht_s
        a = float(self.calls) * aht_s / self.interval.total_seconds()
        n, c = ec.agents_for_service_level(a, t, sl)

        def why() -> Explanation:
            inputs = {**self._inputs(n), "target service level": sl, "within / AHT": t}
            inputs.pop("agents n")
            inputs.update({"max ASA (s)": None, "max abandon": None, "max occupancy": None})
            steps = ec.search_steps(math.floor(a) + 1, n, c)
            return explanation("agents required", n, _ERLANG_C_SEARCH, inputs, steps)

        count = _new_int(Count, n)  # Count(n, why) without its Python-level __new__
        count._explanation = why
        return count

    def staffing_curve(
        self,
        agents: Iterable[int],
        within: timedelta,
        *,
        agent_hour: Money | None = None,
        shrinkage: float = 0.0,
    ) -> RowTable:
        """Rows for charts: agents -> service level, ASA, wait/abandon, occupancy, cost per call.

        ``cost_per_contact`` (Decimal, in ``currency``) is paid agent hours
        (``agents / (1 - shrinkage)`` over the interval, rounded to the
        microhour) times ``agent_hour``, divided by calls.
        """
        rows = []
        hours = self.interval.total_seconds() / 3600.0
        for n in agents:
            row: dict[str, Any] = {
                "agents": n,
                "service_level": float(self.service_level(n, within)),
                "asa_seconds": float(self.asa(n)),
                "wait_probability": float(self.wait_probability(n)),
                "abandon_probability": float(self.abandon_probability(n)),
                "occupancy": float(self.occupancy(n)),
            }
            if agent_hour is not None:
                paid = hours_decimal(float(scheduled_agents(n, shrinkage)) * hours)
                cost = agent_hour * paid
                row["cost_per_contact"] = (
                    cost.amount / Decimal(repr(float(self.calls))) if self.calls else None
                )
                row["currency"] = agent_hour.currency.code
            rows.append(row)
        return RowTable(rows)


def agents_for_many(
    calls: npt.ArrayLike,
    interval: timedelta,
    aht: timedelta | npt.ArrayLike,
    *,
    service_level: float | None = None,
    within: timedelta | None = None,
    max_asa: timedelta | None = None,
    max_occupancy: float | None = None,
) -> npt.NDArray[np.int64]:
    """Erlang C staffing for many intervals at once (e.g. a year of 15-minute intervals).

    ``aht`` is one ``timedelta`` or an array of seconds per interval. Gives
    exactly what :meth:`Queue.agents_for` gives interval by interval.
    """
    problems: list[Problem] = []
    i = positive_duration(interval, "interval", problems)
    c = np.asarray(calls, dtype=np.float64)
    h = (
        np.full(c.shape, aht.total_seconds())
        if isinstance(aht, timedelta)
        else np.asarray(aht, dtype=np.float64)
    )
    if not (np.all(np.isfinite(c)) and np.all(c >= 0)):
        problems.append(Problem("calls", "every interval's calls must be finite and >= 0"))
    if not (np.all(np.isfinite(h)) and np.all(h > 0)):
        problems.append(Problem("aht", "every AHT must be finite and > 0 seconds"))
    sl = None if service_level is None else target_share(service_level, "service_level", problems)
    t = 0.0
    if service_level is not None:
        if within is None:
            problems.append(Problem("within", "a service level needs `within`"))
        else:
            t = positive_duration(within, "within", problems)
    asa = None if max_asa is None else positive_duration(max_asa, "max_asa", problems)
    occ = None if max_occupancy is None else target_share(max_occupancy, "max_occupancy", problems)
    if sl is None and asa is None and occ is None:
        problems.append(Problem("targets", "give at least one target"))
    raise_all(problems, "interval staffing")
    if c.shape != h.shape:
        raise EconomicsError("calls and aht must have the same length", field="aht")
    a = c * h / i
    if a.size and not float(a.max()) <= ec.MAX_TRAFFIC:
        raise EconomicsError(
            f"an interval's traffic is above the supported {ec.MAX_TRAFFIC:.0e} Erlangs",
            field="calls",
        )
    return ec.required_agents_array(
        a,
        t / h,
        service_level=sl,
        max_asa_over_aht=None if asa is None else asa / h,
        max_occupancy=occ,
    )
