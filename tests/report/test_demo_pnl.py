"""`sla demo`'s profit and loss per tier, recomputed by hand from the example files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from sla import Money
from sla.report._costs import default_costs_path
from sla.report._month import MonthResult, run_month

EXAMPLES = Path(__file__).parents[2] / "examples" / "demo" / "costs.yaml"


@pytest.fixture(scope="module")
def month() -> MonthResult:
    return run_month(costs=EXAMPLES)


def test_the_bundled_costs_are_the_example_file() -> None:
    assert default_costs_path().read_text() == EXAMPLES.read_text()


def test_pnl_agrees_with_a_hand_computation(month: MonthResult) -> None:
    data = yaml.safe_load(EXAMPLES.read_text())
    for code, tier in month.tiers.items():
        pnl = tier.month
        assert pnl is not None
        raw = data["tiers"][code]
        hour = Decimal(raw["hour"])
        fixed = sum(Decimal(v) for v in raw.get("fixed", {}).values())
        bots = int(tier.month.bot_conversations)
        bot = Decimal(raw.get("bot_conversation") or 0) * bots
        # Paid hours: the sum of the roster's shift lengths times heads.
        hours = sum(
            Decimal(s.count) * Decimal(s.length.total_seconds()) / 3600 for s in pnl.paid.shifts
        )
        assert pnl.paid_hours == hours
        assert pnl.cost == Money(hours * hour + fixed + bot, "USD")
        assert pnl.revenue == tier.invoice.total - tier.invoice.tax
        assert pnl.result == pnl.revenue - pnl.cost
        assert pnl.cost_per_request == pnl.cost / pnl.requests
        # Every interval's heads cover the Erlang staffing plus 30 % shrinkage.
        assert (pnl.paid.heads >= pnl.paid.required).all()
        assert sum(pnl.interval_costs(), Money.zero("USD")) == pnl.cost


def test_tier_a_bills_requests_not_legs(month: MonthResult) -> None:
    # 1,364 voice requests (a missed call and its callback are one): under the
    # included 1,500, so the overage line is $0.
    bill = month.tiers["A"].invoice
    voice = next(line for line in bill.lines if line.description.startswith("voice contacts"))
    assert voice.amount == Money(0, "USD")
    assert "1364 of 1500 included" in voice.description


def test_tier_c_revenue_is_not_discounted_twice(month: MonthResult) -> None:
    pnl = month.tiers["C"].month
    assert pnl is not None
    # Revenue per request is the invoice over billable requests, nothing else.
    assert pnl.revenue_per_request == pnl.revenue / pnl.requests
    assert pnl.bot_conversations > 0


def test_a_bad_costs_file_names_the_field(tmp_path: Path) -> None:
    from sla import SLAError
    from sla.report._costs import load_costs

    data = yaml.safe_load(EXAMPLES.read_text())
    data["tiers"]["A"]["hour"] = "forty"
    bad = tmp_path / "costs.yaml"
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(SLAError) as caught:
        load_costs(bad)
    assert caught.value.field == "tiers.A.hour"
    data["tiers"]["A"]["hour"] = "40.00"
    data["tiers"]["A"]["shifts"]["lengths"] = []
    bad.write_text(yaml.safe_dump(data))
    with pytest.raises(SLAError) as caught:
        load_costs(bad)
    assert caught.value.field == "tiers.A.shifts.lengths"


def test_the_costs_file_changes_the_month(month: MonthResult, tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLES.read_text())
    data["tiers"]["A"]["hour"] = "20.00"  # half the example's rate
    cheaper = tmp_path / "costs.yaml"
    cheaper.write_text(yaml.safe_dump(data, sort_keys=False))  # channel order seeds traffic
    again = run_month(costs=cheaper)
    before, after = month.tiers["A"].month, again.tiers["A"].month
    assert before is not None
    assert after is not None
    assert after.paid_hours == before.paid_hours
    assert after.labour * 2 == before.labour  # cost is linear in the hour rate
