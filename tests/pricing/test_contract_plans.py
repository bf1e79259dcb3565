from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from sla import Money, PricingError
from sla.clocks import Attainment as ClockAttainment
from sla.contracts import load
from sla.pricing import Attainment, BillingPeriod, contract_plan, invoice

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"


def test_contract_overrides_the_catalogue_plan() -> None:
    plan = contract_plan(load(EXAMPLES / "tier_a.yaml"), "A")
    assert plan.charge("monthly fee").model.charge(1) == Money("32000.00", "USD")
    voice = plan.charge("voice contacts")
    assert voice.included == 1500


def test_contract_credits_replace_the_default_rules() -> None:
    compiled = load(EXAMPLES / "tier_a.yaml").compile()
    plan = contract_plan(compiled, "A")  # a compiled contract works too
    assert plan.credits is not None
    metrics = sorted(rule.metric for rule in plan.credits.rules)
    assert metrics == ["callback_time", "speed_of_answer"]
    bill = invoice(
        plan,
        {"contacts.voice": 1500},
        [ClockAttainment(metric="speed_of_answer", tier="A", period="2025-06",
                         attained=Fraction(3, 4), target=Fraction(4, 5), met=75, total=100,
                         breaches=25)],
        BillingPeriod.month(2025, 6, "Europe/Berlin"),
    )  # fmt: skip
    credit = [line for line in bill.lines if line.kind == "credit"]
    assert len(credit) == 1
    assert credit[0].amount == Money("-1600.00", "USD")  # 5 % of the 32,000 fee
    assert sum((line.amount for line in bill.lines), Money.zero("USD")) == bill.total


def test_a_tier_without_catalogue_code_needs_a_full_plan() -> None:
    contract = load(
        {
            "contract": "X-1",
            "customer": {"name": "X", "tz": "UTC"},
            "effective_from": "2025-01-01",
            "calendars": {"all": {"tz": "UTC", "hours": {"daily": "00:00-24:00"}}},
            "tiers": {"Z": {"name": "Zed", "channels": ["email"], "coverage": "all",
                            "access": "shared_pool",
                            "targets": [{"metric": "first_response", "within": "1h"}]}},
            "routing": {"rules": [], "fallback": "Z"},
        }
    )  # fmt: skip
    with pytest.raises(PricingError) as info:
        contract_plan(contract, "Z")
    assert all(p.field.startswith("price_plan") for p in info.value.problems)


def test_bad_override_is_reported_under_price_plan() -> None:
    data = load(EXAMPLES / "tier_b.yaml").model_dump(mode="json")
    data["price_plan"] = {"charges": {"written contacts": {"price": "-4.00"}}}
    with pytest.raises(PricingError) as info:
        contract_plan(load(data), "B")
    assert any(p.field.startswith("price_plan.") for p in info.value.problems)


def test_pricing_reads_the_clocks_attainment_itself() -> None:
    # One Attainment in the package (issue 12): pricing re-exports the clocks' type.
    assert Attainment is ClockAttainment
    record = ClockAttainment("first_response", Fraction(9, 10), Fraction(19, 20), "B", "2025-06",
                             90, 100, 10)  # fmt: skip
    assert (record.met, record.total, record.breaches) == (90, 100, 10)
    assert Decimal(str(float(record.attained))) == Decimal("0.9")


def test_a_tier_two_levels_below_a_catalogue_tier_prices_from_that_catalogue_plan() -> None:
    data = load(EXAMPLES / "tier_a.yaml").model_dump(mode="json", exclude_unset=True)
    data["tiers"]["A1"] = {"extends": "A"}
    data["tiers"]["A2"] = {"extends": "A1"}
    plan = contract_plan(load(data), "A2")
    assert plan.charge("monthly fee").model.charge(1) == Money("32000.00", "USD")
