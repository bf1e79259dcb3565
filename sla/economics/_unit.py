"""Unit economics of a tier in one interval: staffing -> cost per contact; price -> revenue
per contact; margin, break-even handle time, price and volume; deflection, FCR.

This is the model of *one* interval (a busy half hour, say). A month is not that
interval repeated: staff every interval on its own with :class:`Workload` and
price the period with :class:`MonthEconomics` (``sla.economics._period``)."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs

from sla._errors import EconomicsError, Problem
from sla.economics._check import (
    MONTH_HOURS_MAX,
    fraction,
    positive_duration,
    raise_all,
    target_share,
)
from sla.economics._explain import Count, Explanation, Figure, explanation
from sla.economics._prices import (
    PerAgentHour,
    PerContact,
    PerMinute,
    PerResolvedContact,
    PerTierMonth,
    Price,
)
from sla.economics._queue import Queue, hours_decimal, scheduled_agents
from sla.money import Money

__all__ = ["Costs", "Deflection", "Outcome", "TierEconomics"]

# The longest handle time break_even_aht searches before it answers "never" (inf).
_BREAK_EVEN_AHT_LIMIT = timedelta(days=3650)


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _seconds(value: timedelta) -> Decimal:
    return Decimal(value // timedelta(microseconds=1)) / Decimal(1_000_000)


def _month_hours(value: object, field: str) -> list[Problem]:
    """Hours in a month: positive, and no more than a month holds (744 h)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return [Problem(field, f"expected a positive Decimal of hours, got {value!r}")]
    if isinstance(value, Decimal) and not value.is_finite():
        return [Problem(field, f"must be a finite number of hours, got {value}")]
    if not value > 0:
        return [Problem(field, f"must be positive, got {value}")]
    if value > MONTH_HOURS_MAX:
        return [
            Problem(field, f"{value} h is more than a month holds ({MONTH_HOURS_MAX} h = 31 × 24)")
        ]
    return []


@attrs.frozen(slots=True)
class Costs:
    """What a contact costs to serve.

    ``agent_hour`` is the fully loaded cost of one *paid* agent (or manager)
    hour; ``seat_month`` the overhead of one seat per month, spread over
    ``seat_hours_month`` paid hours; telephony per handled minute; bot cost
    per deflected contact; ``shrinkage`` turns agents on the phone into paid
    agents (``/ (1 - shrinkage)``). ``occupancy`` set = plan at that
    occupancy (cost linear in handle time); ``None`` = staff each interval
    with Erlang to the tier's target.
    """

    agent_hour: Money
    seat_month: Money | None = None
    seat_hours_month: Decimal = Decimal(160)
    telephony_minute: Money | None = None
    bot_contact: Money | None = None
    shrinkage: float = 0.0
    occupancy: float | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        fraction(self.shrinkage, "shrinkage", problems)
        if self.occupancy is not None:
            target_share(self.occupancy, "occupancy", problems)
        problems.extend(_month_hours(self.seat_hours_month, "seat_hours_month"))
        agent_hour: object = self.agent_hour
        cur = agent_hour.currency if isinstance(agent_hour, Money) else None
        for name in ("agent_hour", "seat_month", "telephony_minute", "bot_contact"):
            value = getattr(self, name)
            if value is None and name != "agent_hour":
                continue
            if not isinstance(value, Money):
                problems.append(
                    Problem(name, f"expected sla.Money, got {type(value).__name__} {value!r}")
                )
                continue
            if cur is not None and value.currency != cur:
                problems.append(Problem(name, f"must be in {cur.code} like agent_hour"))
            if value.amount < 0:
                problems.append(Problem(name, f"a cost cannot be negative, got {value}"))
        raise_all(problems, "costs")

    def loaded_hour(self) -> Money:
        """Agent hour plus the seat overhead per paid hour."""
        seat = self.seat_month / Decimal(self.seat_hours_month) if self.seat_month else None
        return self.agent_hour + seat if seat is not None else self.agent_hour


@attrs.frozen(slots=True)
class Deflection:
    """A bot answers ``share`` of contacts (the short, simple ones such as order status).

    ``aht`` is what those contacts took when agents handled them. Published
    deflectable shares run from under 20 % to about 70 % (order-status heavy
    operations); it is an input, never a built-in constant.
    """

    share: float
    aht: timedelta

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        fraction(self.share, "deflection.share", problems)
        positive_duration(self.aht, "deflection.aht", problems)
        raise_all(problems, "deflection")


@attrs.frozen(slots=True)
class Outcome:
    """The economics of one tier in one interval, per contact (a month is
    :class:`MonthEconomics`, never this interval repeated)."""

    agents: Count
    scheduled_agents: Figure
    service_level: Figure
    occupancy: Figure
    contacts: float
    handled: float
    cost_per_contact: Money
    cost_per_minute: Money
    revenue_per_contact: Money
    margin_per_contact: Money
    margin_share: Decimal
    steps: tuple[str, ...]
    inputs: tuple[tuple[str, str], ...]

    def explain(self, figure: str | None = None) -> Explanation:
        """Every step (or just the one for ``figure``) with the inputs used."""
        steps = self.steps
        if figure is not None:
            steps = tuple(s for s in steps if s.startswith(figure))
            if not steps:
                raise EconomicsError(f"no figure named {figure!r}", field="figure")
        value = getattr(self, figure) if figure else self.margin_per_contact
        return Explanation(
            figure or "margin_per_contact", str(value), "see steps", self.inputs, steps
        )

    def as_row(self) -> dict[str, Any]:
        """A flat dict (Decimal amounts, floats for rates) for tables."""
        return {
            "agents": int(self.agents),
            "scheduled_agents": float(self.scheduled_agents),
            "achieved_service_level": float(self.service_level),
            "occupancy": float(self.occupancy),
            "cost_per_contact": self.cost_per_contact.amount,
            "revenue_per_contact": self.revenue_per_contact.amount,
            "margin_per_contact": self.margin_per_contact.amount,
            "margin_share": self.margin_share,
            "currency": self.cost_per_contact.currency.code,
        }


@attrs.frozen(slots=True)
class TierEconomics:
    """A tier's queue, costs, price and target: ask for its :meth:`outcome`.

    ``fcr`` is the first-contact resolution of the contacts in ``queue``
    (repeat contacts are already in ``queue.calls``); ``open_hours_month``
    spreads a :class:`PerTierMonth` fee over the month's open hours (730 h =
    24/7) to price one interval.
    """

    queue: Queue
    costs: Costs
    price: Price
    service_level: float = 0.8
    within: timedelta = timedelta(seconds=20)
    deflection: Deflection | None = None
    fcr: float = 1.0
    open_hours_month: Decimal = Decimal(730)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        queue: object = self.queue
        costs: object = self.costs
        if not isinstance(queue, Queue):
            problems.append(Problem("queue", f"expected a Queue, got {queue!r}"))
        if not isinstance(costs, Costs):
            problems.append(Problem("costs", f"expected Costs, got {costs!r}"))
        deflection: object = self.deflection
        if deflection is not None and not isinstance(deflection, Deflection):
            problems.append(Problem("deflection", f"expected a Deflection, got {deflection!r}"))
        problems.extend(_month_hours(self.open_hours_month, "open_hours_month"))
        target_share(self.service_level, "service_level", problems)
        positive_duration(self.within, "within", problems)
        fraction(self.fcr, "fcr", problems, upper_open=False)
        if isinstance(self.fcr, float | int) and self.fcr == 0:
            problems.append(Problem("fcr", "must be > 0"))
        price: object = self.price
        if not isinstance(
            price, PerContact | PerMinute | PerAgentHour | PerTierMonth | PerResolvedContact
        ):
            problems.append(Problem("price", f"unknown price model {price!r}"))
        elif isinstance(costs, Costs) and price.price.currency != costs.agent_hour.currency:
            problems.append(Problem("price", "must be in the currency of the costs"))
        if (
            isinstance(deflection, Deflection)
            and isinstance(queue, Queue)
            and deflection.aht > queue.aht
        ):
            problems.append(
                Problem("deflection.aht", "deflected contacts are the short ones: <= queue AHT")
            )
        raise_all(problems, "tier economics")

    # -- variations ----------------------------------------------------------

    def with_(self, **changes: object) -> TierEconomics:
        """A copy with fields changed (``queue=``, ``costs=``, ``price=``, ...)."""
        fields: dict[str, Any] = dict(changes)  # attrs validates each field
        return attrs.evolve(self, **fields)

    def with_aht(self, aht: timedelta) -> TierEconomics:
        """The same tier at another average handle time."""
        return self.with_(queue=self.queue.with_(aht=aht))

    def with_fcr(self, fcr: float) -> TierEconomics:
        """Better (or worse) first-contact resolution: repeat contacts shrink by fcr_now / fcr."""
        problems: list[Problem] = []
        fraction(fcr, "fcr", problems, upper_open=False)
        if not problems and fcr == 0:
            problems.append(Problem("fcr", "must be > 0"))
        raise_all(problems, "fcr")
        calls = float(self.queue.calls) * self.fcr / fcr
        return self.with_(queue=self.queue.with_(calls=calls), fcr=fcr)

    # -- the model -----------------------------------------------------------

    def outcome(self) -> Outcome:
        """Staff the interval and price it: cost, revenue and margin per contact."""
        q, costs = self.queue, self.costs
        cur = costs.agent_hour.currency
        zero = Money.zero(cur)
        calls = _dec(q.calls)
        aht_s = _seconds(q.aht)
        steps: list[str] = []
        share = _dec(self.deflection.share) if self.deflection else Decimal(0)
        bot_calls = calls * share
        handled = calls - bot_calls
        handled_seconds = calls * aht_s - (
            bot_calls * _seconds(self.deflection.aht) if self.deflection else Decimal(0)
        )
        steps.append(f"handled: {calls} contacts - {bot_calls} by bot = {handled}")
        if handled > 0:
            rem_aht = timedelta(microseconds=int(handled_seconds / handled * 1_000_000))
            agent_queue = q.with_(calls=float(handled), aht=rem_aht)
            steps.append(f"handled AHT: {handled_seconds} s / {handled} = {rem_aht}")
        else:
            agent_queue = q.with_(calls=0.0)
        if costs.occupancy is not None:
            load = float(agent_queue.traffic)
            agents_f = load / costs.occupancy
            agents = Count(
                math.ceil(agents_f),
                explanation(
                    "agents (planning)",
                    agents_f,
                    "traffic / occupancy",
                    {"traffic": load, "occupancy": costs.occupancy},
                ),
            )
            staffed = agents_f
            sl = (
                agent_queue.service_level(agents, self.within)
                if agents
                else Figure(1.0, explanation("service level", 1.0, "no traffic"))
            )
            occ = Figure(costs.occupancy, explanation("occupancy", costs.occupancy, "given"))
        else:
            agents = (
                agent_queue.agents_for(service_level=self.service_level, within=self.within)
                if handled > 0
                else Count(0, explanation("agents", 0, "no handled contacts"))
            )
            staffed = float(agents)
            sl = agent_queue.service_level(int(agents), self.within)
            occ = agent_queue.occupancy(int(agents))
        steps.append(f"agents: {staffed:.6g} on the phone ({agents.explain().formula})")
        paid = scheduled_agents(staffed, costs.shrinkage)
        interval_h = _seconds(q.interval) / 3600
        paid_hours = hours_decimal(float(paid) * float(interval_h))
        staffed_hours = hours_decimal(staffed * float(interval_h))
        steps.append(
            f"scheduled_agents: {staffed:.6g} / (1 - {costs.shrinkage}) = {float(paid):.6g}; "
            f"paid hours per interval {paid_hours} (rounded half-even to 1e-6 h)"
        )
        labour = costs.loaded_hour() * paid_hours
        telephony = (costs.telephony_minute or zero) * (handled_seconds / 60)
        bot = (costs.bot_contact or zero) * bot_calls
        cost = labour + telephony + bot
        steps.append(f"cost: labour {labour} + telephony {telephony} + bot {bot} = {cost}")
        price = self.price.price
        if isinstance(self.price, PerContact):
            revenue = price * handled
            rule = "price * handled contacts"
        elif isinstance(self.price, PerMinute):
            revenue = price * (handled_seconds / 60)
            rule = "price * handled minutes"
        elif isinstance(self.price, PerAgentHour):
            revenue = price * staffed_hours
            rule = "price * staffed agent hours"
        elif isinstance(self.price, PerTierMonth):
            revenue = price * interval_h / Decimal(self.open_hours_month)
            rule = "monthly fee * interval hours / open hours per month"
        else:
            revenue = price * handled * _dec(self.fcr)
            rule = "price * handled contacts * fcr"
        steps.append(f"revenue: {rule} = {revenue}")
        per = calls if calls > 0 else Decimal(1)
        cost_pc, revenue_pc = cost / per, revenue / per
        margin_pc = revenue_pc - cost_pc
        minutes = handled_seconds / 60
        cost_pm = (labour + telephony) / minutes if minutes > 0 else zero
        steps.append(f"cost_per_contact: {cost} / {calls} = {cost_pc}")
        steps.append(f"cost_per_minute: (labour + telephony) / {minutes} min = {cost_pm}")
        steps.append(f"revenue_per_contact: {revenue} / {calls} = {revenue_pc}")
        steps.append(f"margin_per_contact: {revenue_pc} - {cost_pc} = {margin_pc}")
        margin_share = margin_pc.ratio(revenue_pc) if revenue_pc else Decimal(0)
        inputs = (
            ("calls per interval", str(calls)),
            ("interval", str(q.interval)),
            ("AHT", str(q.aht)),
            ("price", f"{type(self.price).__name__} {price}"),
            ("agent hour (loaded)", str(costs.loaded_hour())),
            ("shrinkage", str(costs.shrinkage)),
            ("target", f"{self.service_level} within {self.within}"),
            ("deflection", str(self.deflection)),
            ("fcr", str(self.fcr)),
        )
        return Outcome(
            agents=agents,
            scheduled_agents=paid,
            service_level=sl,
            occupancy=occ,
            contacts=float(calls),
            handled=float(handled),
            cost_per_contact=cost_pc,
            cost_per_minute=cost_pm,
            revenue_per_contact=revenue_pc,
            margin_per_contact=margin_pc,
            margin_share=margin_share,
            steps=tuple(steps),
            inputs=inputs,
        )

    # -- break-even ----------------------------------------------------------

    def margin_at_aht(self, aht: timedelta) -> Money:
        """Margin per contact if handle time were ``aht``."""
        return self.with_aht(aht).outcome().margin_per_contact

    def _aht_limit(self) -> timedelta:
        """The longest AHT searched: ten years, or where traffic reaches the supported bound."""
        from sla.economics._erlang import MAX_TRAFFIC

        calls = float(self.queue.calls)
        if calls <= 0:
            return _BREAK_EVEN_AHT_LIMIT
        bound = MAX_TRAFFIC * self.queue.interval.total_seconds() / calls
        return min(_BREAK_EVEN_AHT_LIMIT, timedelta(seconds=math.floor(bound)))

    @property
    def break_even_is_minimum(self) -> bool:
        """``True`` for time-based prices (per minute, per agent hour).

        Their revenue grows with handle time while staffing comes in whole
        agents, so margin *rises* with AHT: the break-even is the *shortest*
        handle time that pays. For every other price it is the longest.
        """
        return isinstance(self.price, PerMinute | PerAgentHour)

    def _minimum_break_even(self, lo: timedelta) -> Figure:
        """The shortest AHT from which a time-based price covers the cost (0: always)."""
        name = "break-even AHT (s), a minimum"
        if self.margin_at_aht(lo).amount >= 0:
            return Figure(
                0.0, explanation(name, 0.0, "always: margin >= 0 at the shortest handle time")
            )
        hi = self._aht_limit()
        if self.margin_at_aht(hi).amount < 0:
            raise EconomicsError(
                "the price does not cover the cost at any handle time", field="price"
            )
        while hi - lo > timedelta(microseconds=1):
            mid = lo + (hi - lo) // 2
            if self.margin_at_aht(mid).amount >= 0:
                hi = mid
            else:
                lo = mid
        value = hi.total_seconds()
        return Figure(
            value,
            explanation(
                name,
                value,
                "shortest AHT with margin_per_contact(AHT) >= 0 (time-based price: longer "
                "contacts earn more; bisection to 1 microsecond)",
                {"price": str(self.price.price), "margin there": str(self.margin_at_aht(hi))},
            ),
        )

    def break_even_aht(self) -> Figure:
        """The AHT (seconds, to the microsecond) at which the price stops covering cost.

        Per-contact, per-resolved and monthly prices: margin falls as handle
        time grows, and this is the *longest* AHT that still pays (``inf`` when
        margin is still >= 0 at ten years). Per-minute and per-agent-hour
        prices (:attr:`break_even_is_minimum`): margin rises with handle time,
        and this is the *shortest* AHT that pays (``0.0``: every handle time
        pays). Raises :class:`~sla.EconomicsError` when no handle time pays.
        """
        deflected = self.deflection.aht if self.deflection else timedelta(0)
        lo = max(deflected, timedelta(microseconds=1))
        if self.break_even_is_minimum:
            return self._minimum_break_even(lo)
        if self.margin_at_aht(lo).amount < 0:
            raise EconomicsError(
                "the price does not cover the cost at any handle time", field="price"
            )
        hi = max(self.queue.aht, lo * 2)
        while self.margin_at_aht(hi).amount >= 0:
            lo, hi = hi, hi * 2
            # A high per-contact price can break even only after a day or more of
            # handling; stopping at one day reported such prices as "never" (inf).
            if hi > self._aht_limit():
                return Figure(
                    math.inf,
                    explanation(
                        "break-even AHT (s)", math.inf, "margin stays >= 0 at any handle time"
                    ),
                )
        step = timedelta(microseconds=1)
        while hi - lo > step:
            mid = lo + (hi - lo) // 2
            if self.margin_at_aht(mid).amount >= 0:
                lo = mid
            else:
                hi = mid
        value = lo.total_seconds()
        return Figure(
            value,
            explanation(
                "break-even AHT (s)",
                value,
                "largest AHT with margin_per_contact(AHT) >= 0 (bisection to 1 microsecond)",
                {
                    "price": str(self.price.price),
                    "current AHT (s)": self.queue.aht.total_seconds(),
                    "margin at break-even": str(self.margin_at_aht(lo)),
                },
            ),
        )

    def break_even_price(self) -> Money:
        """The price (same model) at which margin per contact is exactly zero."""
        unit = attrs.evolve(self.price, price=Money(1, self.price.price.currency))
        revenue_per_unit = self.with_(price=unit).outcome().revenue_per_contact
        cost = self.outcome().cost_per_contact
        if not revenue_per_unit:
            raise EconomicsError("this price model earns nothing here", field="price")
        return Money(cost.ratio(revenue_per_unit), cost.currency)

    def break_even_volume(self, *, limit: int = 1_000_000) -> Count:
        """The smallest whole number of contacts per interval from which the tier pays.

        Doubles the volume until the margin is >= 0, then scans the last
        doubling contact by contact (integer staffing makes margin saw-toothed).
        """

        def pays(calls: int) -> bool:
            tier = self.with_(queue=self.queue.with_(calls=float(calls)))
            return tier.outcome().margin_per_contact.amount >= 0

        hi = 1
        while not pays(hi):
            hi *= 2
            if hi > limit:
                raise EconomicsError(f"does not pay below {limit} contacts", field="price")
        n = max(1, hi // 2)
        while n < hi and not pays(n):
            n += 1
        return Count(
            n,
            explanation(
                "break-even volume (contacts per interval)",
                n,
                "first volume with margin >= 0 after doubling, scanned one by one",
                {"interval": str(self.queue.interval)},
            ),
        )
