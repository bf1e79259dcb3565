"""Unit economics: cost, revenue, margin, break-evens, deflection, FCR, scenarios."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import EconomicsError, Money
from sla.economics import (
    ChatQueue,
    Costs,
    Deflection,
    PerAgentHour,
    PerContact,
    PerMinute,
    PerResolvedContact,
    PersonalManager,
    PerTierMonth,
    Queue,
    TierEconomics,
    WrittenQueue,
    scheduled_agents,
    sensitivity,
    what_if,
)

MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)


def tier(**changes: object) -> TierEconomics:
    base = TierEconomics(
        Queue(calls=100, interval=timedelta(minutes=30), aht=timedelta(seconds=180)),
        Costs(Money("18", "EUR"), telephony_minute=Money("0.01", "EUR"), shrinkage=0.3),
        PerContact(Money("4.50", "EUR")),
    )
    return base.with_(**changes)


def test_cost_per_contact_by_hand() -> None:
    out = tier().outcome()
    # 14 agents / 0.7 = 20 paid for 0.5 h at 18 EUR = 180 EUR, + 300 min * 0.01 = 3 EUR.
    assert out.agents == 14
    assert out.cost_per_contact == Money("1.83", "EUR")
    assert out.cost_per_minute == Money("0.61", "EUR")
    assert out.margin_per_contact == Money("2.67", "EUR")
    # One interval, one model: no month made by repeating this half hour.
    assert not hasattr(out, "contribution_month")
    assert "contribution_month" not in out.as_row()
    assert "scheduled_agents" in str(out.explain("scheduled_agents"))


def test_shrinkage_divides() -> None:
    assert float(scheduled_agents(14, 0.3)) == pytest.approx(20.0)
    assert float(scheduled_agents(14, 0.3)) != pytest.approx(14 * 1.3)


@settings(max_examples=25)
@given(
    st.decimals(min_value=Decimal("1.00"), max_value=Decimal("20.00"), places=2),
    st.sampled_from([None, 0.7, 0.85]),
)
def test_break_even_aht_makes_margin_zero(price: Decimal, occupancy: float | None) -> None:
    t = tier(
        price=PerContact(Money(price, "EUR")),
        costs=Costs(Money("18", "EUR"), shrinkage=0.3, occupancy=occupancy),
    )
    try:
        seconds = float(t.break_even_aht())
    except EconomicsError:
        assert t.margin_at_aht(timedelta(microseconds=1)).amount < 0
        return
    at = timedelta(microseconds=round(seconds * 1e6))
    margin = t.margin_at_aht(at)
    assert margin.amount >= 0
    assert t.margin_at_aht(at + timedelta(microseconds=1)).amount < 0
    if occupancy is not None:
        # Linear cost: the margin at break-even is zero up to one microsecond of cost.
        assert margin.amount < Decimal("0.0001")


def test_break_even_price_zeroes_margin() -> None:
    for price in (
        PerContact(Money("1", "EUR")),
        PerMinute(Money("1", "EUR")),
        PerAgentHour(Money("1", "EUR")),
        PerTierMonth(Money("1", "EUR")),
        PerResolvedContact(Money("1", "EUR")),
    ):
        t = tier(price=price, fcr=0.8)
        even = t.break_even_price()
        margin = t.with_(price=type(price)(even)).outcome().margin_per_contact
        assert abs(margin.amount) < Decimal("1e-40")


def test_break_even_volume_pays_and_one_less_does_not() -> None:
    t = tier(price=PerContact(Money("2.20", "EUR")))
    n = t.break_even_volume()
    at = t.with_(queue=t.queue.with_(calls=float(n))).outcome()
    below = t.with_(queue=t.queue.with_(calls=float(n - 1))).outcome()
    assert at.margin_per_contact.amount >= 0 > below.margin_per_contact.amount


def test_deflection_saves_fewer_agents_than_contacts() -> None:
    base = tier().outcome()
    bot = tier(deflection=Deflection(0.4, timedelta(seconds=60))).outcome()
    saved = (base.agents - bot.agents) / base.agents
    assert 0 < saved < 0.4
    with pytest.raises(EconomicsError, match="short ones"):
        tier(deflection=Deflection(0.4, timedelta(seconds=600)))


def test_better_fcr_cuts_repeat_contacts() -> None:
    t = tier(fcr=0.7)
    better = t.with_fcr(0.8)
    assert better.queue.calls == pytest.approx(100 * 0.7 / 0.8)
    # Fewer repeat contacts need fewer agents: the interval costs less in total.
    cost = {f: o.cost_per_contact * Decimal(repr(o.contacts)) for f, o in
            ((0.7, t.outcome()), (0.8, better.outcome()))}  # fmt: skip
    assert cost[0.8] < cost[0.7]


def test_what_if_and_sensitivity_tables() -> None:
    table = what_if(tier(), service_level=[0.8, 0.9], within=[20 * SEC, 10 * SEC])
    assert len(table) == 4
    rows = {(r["service_level"], r["within"]): r["agents"] for r in table}
    assert rows[(0.9, 10.0)] > rows[(0.8, 20.0)]
    assert table.to_pandas().shape[0] == 4
    assert table.to_polars().height == 4
    sens = sensitivity(tier(deflection=Deflection(0.2, MIN)))
    swings = sens.column("swing")
    assert swings == sorted(swings, reverse=True)
    # The swing is the margin per contact's whole range, -10 % to +10 % of the input.
    price = next(r for r in sens if r["input"] == "price")
    base = tier(deflection=Deflection(0.2, MIN))
    low = base.with_(price=PerContact(Money("4.05", "EUR"))).outcome().margin_per_contact
    high = base.with_(price=PerContact(Money("4.95", "EUR"))).outcome().margin_per_contact
    assert price["swing"] == (high - low).amount
    assert price["margin_base"] == base.outcome().margin_per_contact.amount
    assert {r["input"] for r in sens} == {"volume", "aht", "agent_hour", "price", "deflection"}
    with pytest.raises(EconomicsError, match="unknown what-if"):
        what_if(tier(), wages=[1])


def test_costs_collect_every_problem() -> None:
    with pytest.raises(EconomicsError) as info:
        Costs(Money("18", "EUR"), telephony_minute=Money("1", "USD"), shrinkage=1.0, occupancy=0)
    assert {p.field for p in info.value.problems} == {"telephony_minute", "shrinkage", "occupancy"}


def test_written_channels_and_managers() -> None:
    chat = ChatQueue(120, timedelta(hours=1), timedelta(minutes=8), concurrency=3)
    solo = ChatQueue(120, timedelta(hours=1), timedelta(minutes=8), concurrency=1)
    assert chat.agents_for(service_level=0.8, within=MIN) < solo.agents_for(
        service_level=0.8, within=MIN
    )
    mail = WrittenQueue(200, timedelta(hours=8), timedelta(minutes=6))
    # 200 * 6 min over 8 h = 2.5 Erlangs of work; at most 85 % occupancy -> 3.
    assert mail.agents_for(respond_within=timedelta(hours=2)) == 3
    manager = PersonalManager(4, timedelta(days=30), 160, timedelta(minutes=10))
    voice = manager.clients(respond_within=30 * SEC)
    written = manager.clients(respond_within=timedelta(hours=4))
    assert voice < written
    assert "clients per manager" in str(voice.explain())
