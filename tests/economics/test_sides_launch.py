"""Both sides of a call, and the before-launch range, checked against hand figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from sla import EconomicsError, Money
from sla.economics import (
    ClientValue,
    Costs,
    PerContact,
    PeriodCosts,
    PerMinute,
    Queue,
    TierEconomics,
    VoiceTarget,
    Workload,
    both_sides,
    launch_table,
    losing_aht,
    training,
)

QUEUE = Queue(calls=100, interval=timedelta(minutes=30), aht=timedelta(seconds=180))
COSTS = Costs(Money("30", "USD"), shrinkage=0.3)
TIER = TierEconomics(QUEUE, COSTS, PerContact(Money("4.00", "USD")))
CLIENT = ClientValue("0.05", Money("120", "USD"))


def test_both_sides_by_hand() -> None:
    row = both_sides(TIER, CLIENT)
    # Client: 5 % x $120 = $6.00 a call; at $4.00 it keeps $2.00 and pays up to $6.00.
    assert row["client_value_per_call"] == Money("6.00", "USD")
    assert row["client_return_per_call"] == Money("2.00", "USD")
    assert row["client_max_price_per_call"] == Money("6.00", "USD")
    # Vendor: 14 agents / 0.7 = 20 paid for half an hour at $30 = $300 for 100 calls.
    assert row["vendor_cost_per_call"] == Money("3.00", "USD")
    assert row["vendor_margin_per_call"] == Money("1.00", "USD")
    assert not row["vendor_break_even_is_minimum"]
    assert row["vendor_break_even_aht_seconds"] > 180


def test_training_helps_both_sides() -> None:
    before, after = training(TIER, CLIENT, aht_cut=timedelta(seconds=30), conversion_gain="0.01")
    assert after["vendor_margin_per_call"] > before["vendor_margin_per_call"]
    assert after["client_return_per_call"] == Money("3.20", "USD")  # 6 % x 120 - 4
    with pytest.raises(EconomicsError):
        training(TIER, CLIENT, aht_cut=timedelta(seconds=30), conversion_gain="0.96")


def test_per_minute_vendor_break_even_is_a_minimum() -> None:
    tier = TIER.with_(price=PerMinute(Money("1.50", "USD")))
    row = both_sides(tier, CLIENT)
    assert row["vendor_break_even_is_minimum"]


START = datetime(2025, 6, 2, tzinfo=UTC)


def forecast() -> Workload:
    counts = np.zeros(96 * 2)
    for d in range(2):
        counts[d * 96 + 32 : d * 96 + 72] = 40
    quarter = timedelta(minutes=15)
    return Workload.from_counts(counts, timedelta(minutes=3), start=START, interval=quarter)


def revenue(requests: int) -> Money:
    return Money("4.00", "USD") * requests


def test_launch_table_and_losing_aht() -> None:
    target, costs = VoiceTarget(0.8, timedelta(seconds=20)), PeriodCosts(Money("30", "USD"))
    table = list(
        launch_table(
            forecast(), target, costs, revenue,
            volumes={"low": 0.8, "expected": 1.0, "high": 1.2},
            aht={"p10": timedelta(seconds=150), "p90": timedelta(seconds=240)},
            shrinkage="0.3",
        )
    )  # fmt: skip
    assert len(table) == 6
    for row in table:
        cost, rev, result = (Decimal(row[k].split()[0]) for k in ("cost", "revenue", "result"))
        assert result == rev - cost
    losing = losing_aht(forecast(), target, costs, revenue, shrinkage="0.3")
    assert losing is not None
    assert timedelta(seconds=180) < losing < timedelta(seconds=300)
    # One second shorter still pays; at `losing` the month loses.
    from sla.economics import MonthEconomics, paid_hours_lower_bound

    def result(seconds: float) -> Money:
        work = forecast().with_aht(timedelta(seconds=seconds))
        agents = target.agents(work)
        paid = paid_hours_lower_bound(agents, "0.3", start=START, interval=work.interval)
        n = int(work.contacts.sum())
        return MonthEconomics(paid, costs, revenue(n), n).result

    assert result(losing.total_seconds()).amount < 0
    assert result(losing.total_seconds() - 1).amount >= 0
