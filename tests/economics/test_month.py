"""The period model: workload -> agents per interval -> paid hours -> a month's result."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import EconomicsError, Money, SLAError
from sla.economics import (
    Billable,
    ChatTarget,
    MonthEconomics,
    PeriodCosts,
    ShiftRules,
    VoiceTarget,
    Workload,
    WrittenTarget,
    paid_heads,
    paid_hours_lower_bound,
    schedule_shifts,
)
from sla.pricing import BillingPeriod, Charge, PerUnit, Plan, invoice

T0 = datetime(2025, 6, 2, 8, tzinfo=UTC)
HALF = timedelta(minutes=30)
#: Two days, 08:00-10:00 busy; the night in between has no call.
COUNTS = [40, 100, 100, 40] + [0] * 44 + [60, 120, 80, 0]
RULES = ShiftRules([timedelta(hours=1), timedelta(hours=2)], starts_every=HALF)


def erlang_c_by_hand(n: int, a: float) -> float:
    """Erlang C from its textbook sum (no recursion): a^n/n! n/(n-a) / (sum + that)."""
    top = a**n / math.factorial(n) * n / (n - a)
    return top / (sum(a**k / math.factorial(k) for k in range(n)) + top)


def agents_by_hand(calls: int) -> int:
    """Smallest n with 1 - C(n, a) exp(-(n - a) 20 / 180) >= 0.8, AHT 180 s, 30 min."""
    if calls == 0:
        return 0
    a = calls * 180 / 1800
    n = math.floor(a) + 1
    while 1 - erlang_c_by_hand(n, a) * math.exp(-(n - a) * 20 / 180) < 0.8:
        n += 1
    return n


def small_month() -> tuple[Workload, np.ndarray]:
    work = Workload.from_counts(COUNTS, timedelta(minutes=3), start=T0, interval=HALF)
    return work, VoiceTarget(0.8, timedelta(seconds=20)).agents(work)


def test_small_month_worked_by_hand() -> None:
    _work, agents = small_month()
    assert agents.tolist() == [agents_by_hand(c) for c in COUNTS]
    assert agents[:4].tolist() == [7, 14, 14, 7]
    assert agents[48:].tolist() == [9, 16, 11, 0]
    # Paid heads: ceil(n / 0.7) -> 10, 20, 20, 10 and 13, 23, 16, 0 (112 half hours = 56 h).
    bound = paid_hours_lower_bound(agents, "0.3", start=T0, interval=HALF)
    assert bound.heads[:4].tolist() == [10, 20, 20, 10]
    assert bound.heads[48:].tolist() == [13, 23, 16, 0]
    assert bound.hours == Decimal(56)
    # Shifts of 1 or 2 hours on the half hour. Day 1: 10 x 2 h from 08:00 plus 10 x 1 h
    # from 08:30 = 30 h (its bound). Day 2 needs 13, 23, 16 and a shift ending at 09:30
    # cannot exist (1 h minimum): 6 x 2 h + 7 x 1 h at 08:00, 10 x 1 h at 08:30 = 29 h.
    roster = schedule_shifts(agents, "0.3", RULES, start=T0, interval=HALF)
    assert roster.proven_optimal
    assert roster.hours == Decimal(59)
    assert (roster.heads >= bound.heads).all()
    # Money: 59 h x $30 + $100 licences = $1,870; 540 calls at $4.00 = $2,160; result $290.
    plan = Plan("calls", "USD", [Charge("calls", PerUnit(Money("4.00", "USD")), metric="calls")])
    bill = invoice(plan, {"calls": 540}, [], BillingPeriod.month(2025, 6))
    costs = PeriodCosts(Money("30", "USD"), {"licences": Money("100", "USD")})
    month = MonthEconomics.from_invoice(roster, costs, bill, requests=540)
    assert month.cost == Money("1870", "USD")
    assert month.revenue == Money("2160", "USD")
    assert month.result == Money("290", "USD")
    assert month.as_dict() == {
        "paid_hours": "59",
        "lower_bound_hours": "56.0",  # 112 heads x 1/2 h
        "idle_hours": "3.0",  # day 2: the 6 two-hour shifts idle at 09:30 = 3 h
        "cost": "1870.00 USD",
        "revenue": "2160.00 USD",
        "result": "290.00 USD",
        "requests": 540,
        "cost_per_request": "3.46 USD",  # 1870 / 540 = 3.4629...
        "revenue_per_request": "4.00 USD",
        "margin_per_request": "0.54 USD",  # 290 / 540 = 0.537...
    }
    assert sum(month.interval_costs(), Money.zero("USD")) == month.cost
    assert sum(month.revenue_by_request(), Money.zero("USD")) == bill.total
    assert "revenue - cost" in str(month.explain("result"))
    assert "59" in str(month.explain("paid_hours"))


def test_shrinkage_is_exact_where_floats_add_a_head() -> None:
    # 21 / (1 - 0.3) is 30.000000000000004 in floats: a float ceil pays 31.
    assert math.ceil(21 / (1 - 0.3)) == 31
    assert paid_heads([21], 0.3).tolist() == [30]
    assert paid_heads([21], "0.3").tolist() == [30]


def test_zero_call_intervals_need_no_agent() -> None:
    work = Workload.from_counts([0, 0, 5, 0], timedelta(minutes=3), start=T0, interval=HALF)
    for target in (
        VoiceTarget(0.8, timedelta(seconds=20)),
        VoiceTarget(0.8, timedelta(seconds=20), patience=timedelta(minutes=1)),
        ChatTarget(0.8, timedelta(minutes=1), concurrency=2),
        WrittenTarget(timedelta(hours=2)),
    ):
        agents = target.agents(work)
        assert agents[[0, 1]].tolist() == [0, 0]
        assert agents[2] >= 1
        if not isinstance(target, WrittenTarget):  # written work may wait into interval 3
            assert agents[3] == 0


def test_from_contacts_counts_like_from_counts() -> None:
    end = T0 + 4 * HALF
    created = np.array([0, 10, 1799, 1800, 5399, 5400], dtype=np.int64) + int(T0.timestamp())
    work = Workload.from_contacts(
        created, [60, 60, 60, 120, 30, 90], start=T0, end=end, interval=HALF
    )
    assert work.contacts.tolist() == [3, 1, 1, 1]
    assert work.handle_seconds.tolist() == [180, 120, 30, 90]


def test_overnight_backlog_lands_at_opening() -> None:
    from sla.calendar import Calendar

    cal = Calendar.from_dict({"tz": "UTC", "hours": {"mon-fri": "09:00-17:00"}})
    start = datetime(2025, 6, 2, 0, tzinfo=UTC)  # a Monday
    created = np.array([int(start.timestamp()) + 3600 * h for h in (1, 3, 10)], dtype=np.int64)
    work = Workload.from_contacts(
        created, [60, 60, 60], start=start, end=start + timedelta(days=1), calendar=cal
    )
    assert work.contacts[18] == 2  # 01:00 and 03:00 wait for 09:00
    assert work.contacts[20] == 1


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Workload.from_counts([1, -1], timedelta(minutes=3), start=T0), "counts"),
        (
            lambda: Workload.from_contacts(
                np.array([0]), [1], start=T0, end=T0 + timedelta(minutes=45), interval=HALF
            ),
            "interval",
        ),
        (
            lambda: Workload.from_contacts(
                np.array([0], dtype=np.int64), [1], start=T0, end=T0 + HALF, interval=HALF
            ),
            "created",
        ),
        (
            lambda: Workload.from_counts(
                [1], timedelta(minutes=3), start=T0, interval=timedelta(minutes=20)
            ),
            "interval",
        ),
        (
            lambda: schedule_shifts(
                [0, 0, 0, 3],
                0,
                ShiftRules([timedelta(hours=3)], starts_every=HALF),
                start=T0,
                interval=HALF,
            ),
            "shifts",
        ),
        (
            lambda: MonthEconomics(
                paid_hours_lower_bound([1], 0, start=T0, interval=HALF),
                PeriodCosts(Money("30", "EUR")),
                Money("10", "USD"),
                1,
            ),
            "costs.hour",
        ),
        (
            lambda: PeriodCosts(Money("30", "USD"), {"seats": Money("1", "EUR")}),
            "costs.fixed.seats",
        ),
    ],
)
def test_bad_input_names_the_field(build: object, field: str) -> None:
    with pytest.raises(SLAError) as caught:
        build()  # type: ignore[operator]
    assert caught.value.field == field


def test_uncovered_interval_is_named() -> None:
    with pytest.raises(EconomicsError, match="09:30"):
        schedule_shifts(
            [0, 0, 0, 3],
            0,
            ShiftRules([timedelta(hours=3)], starts_every=HALF),
            start=T0,
            interval=HALF,
        )


needs = st.lists(st.integers(min_value=0, max_value=30), min_size=4, max_size=40)
lengths = st.sets(st.integers(min_value=1, max_value=6), min_size=1, max_size=3)


@settings(max_examples=40, deadline=None)
@given(needs, lengths, st.sampled_from(["0", "0.3", "0.25"]))
def test_shifts_never_pay_less_than_the_bound(
    agents: list[int], steps: set[int], shrinkage: str
) -> None:
    # A one-interval shift is always allowed, so every interval can be covered.
    rules = ShiftRules([HALF * k for k in steps | {1}], starts_every=HALF)
    bound = paid_hours_lower_bound(agents, shrinkage, start=T0, interval=HALF)
    roster = schedule_shifts(agents, shrinkage, rules, start=T0, interval=HALF)
    assert roster.hours >= bound.hours
    assert (roster.heads >= bound.heads).all()
    assert sum(s.hours for s in roster.shifts) == roster.hours


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=24))
def test_doubling_volume_never_lowers_paid_hours(counts: list[int]) -> None:
    target = VoiceTarget(0.8, timedelta(seconds=20))
    work = Workload.from_counts(counts, timedelta(minutes=4), start=T0, interval=HALF)
    once = paid_hours_lower_bound(target.agents(work), "0.3", start=T0, interval=HALF)
    twice = paid_hours_lower_bound(target.agents(work.scaled(2)), "0.3", start=T0, interval=HALF)
    assert twice.hours >= once.hours
    rules = ShiftRules([HALF * 2, HALF * 4], starts_every=HALF)
    if len(counts) >= 4:
        a = schedule_shifts(target.agents(work), "0.3", rules, start=T0, interval=HALF)
        b = schedule_shifts(target.agents(work.scaled(2)), "0.3", rules, start=T0, interval=HALF)
        assert b.hours >= a.hours


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12),
    st.decimals(min_value=0, max_value=500, places=2),
    st.integers(min_value=1, max_value=5),
    st.decimals(min_value=-5000, max_value=50000, places=2),
    st.integers(min_value=0, max_value=5000),
)
def test_money_identities(
    agents: list[int], rate: Decimal, k: int, revenue: Decimal, requests: int
) -> None:
    paid = paid_hours_lower_bound(agents, "0.3", start=T0, interval=HALF)
    costs = PeriodCosts(Money(rate, "USD"), {"seats": Money("12.34", "USD")})
    month = MonthEconomics(paid, costs, Money(revenue, "USD"), requests, 3)
    scaled = MonthEconomics(
        paid, PeriodCosts(Money(rate * k, "USD")), Money(revenue, "USD"), requests
    )
    assert month.result == month.revenue - month.cost
    assert scaled.labour == month.labour * k  # cost is linear in the hour rate
    assert sum(month.interval_costs(), Money.zero("USD")) == month.cost
    if requests:
        parts = month.revenue_by_request()
        assert len(parts) == requests
        assert sum(parts, Money.zero("USD")) == month.revenue.rounded()


def test_a_callback_leg_is_billed_once() -> None:
    # Request 7: a call the front desk took (0 s) and the manager's callback (300 s).
    request_id = [7, 7, 8, 9, 9]
    bot = [False, False, False, True, False]  # 9: the bot handed off to a person
    assert Billable().count(request_id, bot) == 3
    assert Billable(unit="contact").count(request_id, bot) == 4
    assert Billable().count([1, 1, 2], [True, True, False]) == 1  # 1 never reached a person
    assert Billable(bot_resolved=True).count([1, 1, 2], [True, True, False]) == 2


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=60))
def test_legs_of_one_request_count_once(ids: list[int]) -> None:
    assert Billable().count(ids) == len(set(ids))
    assert Billable().count(ids + ids) == len(set(ids))


def test_billable_declared_in_the_plan() -> None:
    assert Billable.from_mapping({"unit": "contact"}).unit == "contact"
    with pytest.raises(EconomicsError) as caught:
        Billable.from_mapping({"unit": "call"})
    assert caught.value.field == "billable.unit"


@pytest.mark.parametrize("calls", [1e14, 1e18, 1e300])
def test_huge_traffic_is_refused_not_computed(calls: float) -> None:
    from sla.economics import Queue

    with pytest.raises(EconomicsError) as caught:
        Queue(calls=calls, interval=HALF, aht=timedelta(minutes=3))
    assert caught.value.field == "calls"
    with pytest.raises(EconomicsError):
        VoiceTarget(0.8, timedelta(seconds=20)).agents(
            Workload.from_counts([calls], timedelta(minutes=3), start=T0, interval=HALF)
        )


def test_zero_second_legs_bring_no_work() -> None:
    end = T0 + 2 * HALF
    created = np.array([0, 1900], dtype=np.int64) + int(T0.timestamp())
    work = Workload.from_contacts(created, [0, 300], start=T0, end=end, interval=HALF)
    assert VoiceTarget(0.8, timedelta(seconds=20)).agents(work).tolist()[0] == 0


def test_billable_read_from_the_example_contract() -> None:
    from pathlib import Path

    from sla.contracts import load

    path = Path(__file__).parents[2] / "examples" / "contracts" / "tier_a.yaml"
    contract = load(path)
    assert Billable.of_contract(contract) == Billable(unit="request", bot_resolved=False)
    assert Billable.of_contract(contract.compile()) == Billable()
    with pytest.raises(EconomicsError):
        Billable.of_contract("tier_a.yaml")  # type: ignore[arg-type]


def test_written_backlog_is_spread_over_the_response_window() -> None:
    # 40 messages of 10 minutes land at opening; answering within 2 h lets them
    # spread over four half hours instead of needing every agent at once.
    counts = [40, 0, 0, 0, 0, 0]
    work = Workload.from_counts(counts, timedelta(minutes=10), start=T0, interval=HALF)
    spread = WrittenTarget(timedelta(hours=2)).agents(work)
    at_once = WrittenTarget(HALF).agents(work)
    assert spread[:4].tolist() == [spread[0]] * 4
    assert spread[0] < at_once[0]
    assert spread[4:].tolist() == [0, 0]


def test_missing_scipy_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "scipy.optimize", None)  # import fails
    with pytest.raises(EconomicsError, match=r"sla\[optimize\]"):
        schedule_shifts([1, 1], 0, RULES, start=T0, interval=HALF)


def test_a_time_limited_solve_is_marked_not_proven(monkeypatch: pytest.MonkeyPatch) -> None:
    import scipy.optimize
    from scipy.optimize import OptimizeResult

    real_milp = scipy.optimize.milp

    def no_relaxation(*args: object, **kwargs: object) -> OptimizeResult:
        return OptimizeResult(status=1, x=None, message="time limit reached")

    def stopped_milp(*args: object, **kwargs: object) -> OptimizeResult:
        found = real_milp(*args, **kwargs)
        found.status = 1  # as HiGHS reports a feasible roster at its time limit
        return found

    monkeypatch.setattr(scipy.optimize, "linprog", no_relaxation)
    monkeypatch.setattr(scipy.optimize, "milp", stopped_milp)
    roster = schedule_shifts(small_month()[1], "0.3", RULES, start=T0, interval=HALF)
    assert not roster.proven_optimal
    assert (roster.heads >= roster.required).all()
    assert "not proven optimal" in str(roster.explain())

    def nothing(*args: object, **kwargs: object) -> OptimizeResult:
        return OptimizeResult(status=1, x=None, message="time limit reached")

    monkeypatch.setattr(scipy.optimize, "milp", nothing)
    with pytest.raises(EconomicsError, match="no roster found"):
        schedule_shifts(small_month()[1], "0.3", RULES, start=T0, interval=HALF)
