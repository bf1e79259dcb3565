"""Issue 16: the published worked examples a billing engineer checks, each naming its source."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pendulum
import pytest

from sla import Money, PricingError, SLAError
from sla.money import Currency
from sla.pricing import (
    BillingPeriod,
    Charge,
    Flat,
    Graduated,
    GraduatedPercentage,
    Phase,
    Plan,
    Volume,
    invoice,
    load_plan,
    prorate,
)


def usd(x: str | int) -> Money:
    return Money(x, "USD")


def _graduated(rows: list[dict[str, Any]]) -> Any:
    data = {
        "name": "lago",
        "currency": "USD",
        "charges": [{"name": "calls", "model": "graduated", "metric": "calls", "tiers": rows}],
    }
    return load_plan(data).charge("calls").model


# 1. Lago graduated ranges: "from == previous to" is accepted (Lago graduated charge model,
#    https://getlago.com/docs/guide/plans/charges/charge-models/graduated).
def test_lago_adjacent_decimal_ranges_load_and_price() -> None:
    model = _graduated(
        [
            {"from_value": 0, "to_value": "0.1", "per_unit_amount": "10"},
            {"from_value": "0.1", "to_value": 1, "per_unit_amount": "5"},
            {"from_value": 1, "to_value": None, "per_unit_amount": "2"},
        ]
    )
    # By hand: 0.05 × 10 = 0.5; 0.1 × 10 + 0.4 × 5 = 3.0; 1 + 0.9 × 5 + 0.5 × 2 = 6.5.
    assert model.charge("0.05") == usd("0.5")
    assert model.charge("0.5") == usd("3.0")
    assert model.charge("1.5") == usd("6.5")


def test_lago_adjacent_integer_ranges_load_and_price() -> None:
    model = _graduated(
        [
            {"from_value": 0, "to_value": 10, "per_unit_amount": "10", "flat_amount": "2"},
            {"from_value": 10, "to_value": 20, "per_unit_amount": "5", "flat_amount": "3"},
            {"from_value": 20, "to_value": None, "per_unit_amount": "3", "flat_amount": "5"},
        ]
    )
    # 10 → 10 × 10 + 2 = 102; 21 → 102 + (10 × 5 + 3) + (1 × 3 + 5) = 163.
    assert model.charge(10) == usd(102)
    assert model.charge(21) == usd(163)


def test_lago_inclusive_integer_ranges_mean_the_same_bands() -> None:
    inclusive = _graduated(
        [
            {"from_value": 0, "to_value": 10, "per_unit_amount": "10"},
            {"from_value": 11, "to_value": None, "per_unit_amount": "5"},
        ]
    )
    assert inclusive.charge("10.5") == usd(100) + usd("2.5")


def test_lago_gap_names_the_range() -> None:
    with pytest.raises(PricingError) as caught:
        _graduated(
            [
                {"from_value": 0, "to_value": 10, "per_unit_amount": "1"},
                {"from_value": 12, "to_value": None, "per_unit_amount": "1"},
            ]
        )
    assert [p.field for p in caught.value.problems] == ["charges[0].tiers[1].from_value"]


# 2. Prorated volume charge: the tier's flat fee is not prorated (Lago, "Prorated charges":
#    https://getlago.com/docs/guide/plans/charges/prorated-vs-full).
SEATS = Volume.up_to([(100, "2", "10"), (200, "1"), (None, "0.5", "50")], "USD")


def test_prorated_volume_bills_the_tier_flat_fee_whole() -> None:
    plan = Plan("seats", "USD", [Charge("seats", SEATS, metric="seats", recurring=True)])
    # 300 seats, 66.2 % of the period: 300 × 0.5 × 0.662 = 99.3, + 50 flat = 149.3.
    line = plan.charge("seats").lines(300, fraction=Fraction(662, 1000))
    assert line[0].amount == usd("149.3")


def test_prorated_volume_through_an_invoice_from_the_16th() -> None:
    plan = Plan("seats", "USD", [Charge("seats", SEATS, metric="seats", recurring=True)])
    april = BillingPeriod.month(2026, 4)
    start = pendulum.datetime(2026, 4, 16, tz="UTC")
    bill = invoice(plan, {"seats": 300}, [], april, start=start)
    # 15 of 30 days: 300 × 0.5 × 1/2 = 75, + 50 flat billed whole = 125.
    assert bill.total == usd("125.00")


def test_prorating_the_tier_flat_fee_is_an_option() -> None:
    charge = Charge("seats", SEATS, metric="seats", recurring=True, prorate_tier_flat=True)
    plan = Plan("seats", "USD", [charge])
    bill = invoice(
        plan, {"seats": 300}, [], BillingPeriod.month(2026, 4), start=pendulum.datetime(2026, 4, 16)
    )
    assert bill.total == usd("100.00")  # (150 + 50) × 1/2


# 3. GraduatedPercentage bills its first band's flat fee at zero, as Graduated does
#    (Lago graduated percentage: https://getlago.com/docs/guide/plans/charges/charge-models/graduated-percentage).
LAGO_GP = GraduatedPercentage.up_to(
    [(1000, "1%", "200"), (10_000, "2%", "300"), (None, "3%", "400")], "USD"
)


def test_graduated_percentage_bills_the_first_flat_fee_at_zero() -> None:
    assert LAGO_GP.charge(0) == usd(200)
    assert LAGO_GP.up_to([(None, "1%", "200")], "USD", flat_at_zero=False).charge(0) == usd(0)
    graduated = Graduated.up_to([(1000, "0", "200"), (None, "0")], "USD")
    assert graduated.charge(0) == LAGO_GP.charge(0)


def test_lago_graduated_percentage_published_transactions() -> None:
    # Lago's page: $500 → 500 × 1 % + $200 = $205; $1,050 cumulative → + 50 × 2 % + $300.
    assert LAGO_GP.charge(500) == usd(205)
    assert LAGO_GP.charge(1050) - LAGO_GP.charge(500) == usd(5) + usd(1) + usd(300)


# 4. Plan.zone cuts the month: one Berlin day of 31 (Orb and Stripe prorate in the
#    subscription's time zone).
def test_plan_zone_counts_days_in_the_plan_zone() -> None:
    plan = Plan("fee", "USD", [Charge("fee", Flat(usd(31)), recurring=True)], zone="Europe/Berlin")
    start = pendulum.datetime(2024, 3, 30, 23, 30, tz="UTC")  # 00:30 on 31 March in Berlin
    bill = invoice(plan, {}, [], BillingPeriod.month(2024, 3), start=start)
    assert bill.total == usd("1.00")


# 5. Splitting a period into phases equals the whole.
def test_two_phases_split_mid_day_bill_the_whole_month() -> None:
    plan = Plan("fee", "USD", [Charge("fee", Flat(usd(300)), recurring=True)])
    split = pendulum.datetime(2026, 4, 11, 12, tz="UTC")
    april = BillingPeriod.month(2026, 4)
    bill = invoice([Phase(plan, {}, None, split), Phase(plan, {}, split, None)], None, [], april)
    # The 11th is billed once, to the phase in force when it ends: 10/30 + 20/30.
    assert [line.amount for line in bill.lines] == [usd(100), usd(200)]
    assert bill.total == usd(300)
    assert prorate(april, None, split) + prorate(april, split, None) == 1


# 6. ISO 4217 "N.A." codes (ISO 4217 List One, SIX Group).
@pytest.mark.parametrize("code", ["XAU", "XAG", "XPT", "XPD", "XDR", "XXX", "XTS"])
def test_funds_and_metals_are_refused_unless_allowed(code: str) -> None:
    with pytest.raises(SLAError):
        Money("1.234", code)
    allowed = Money("1.234", Currency(code, allow_no_minor_unit=True))
    assert allowed.rounded() == allowed  # never rounded to 2 places
    assert allowed.rounded().amount == Decimal("1.234")


# 7. graduated_percentage rows refuse unknown keys, as graduated and volume rows do.
def test_graduated_percentage_rows_refuse_unknown_keys() -> None:
    data = {
        "name": "gp",
        "currency": "USD",
        "charges": [
            {
                "name": "volume",
                "model": "graduated_percentage",
                "metric": "payments",
                "tiers": [{"up_to": None, "rate": "1%", "flat_amount": "200"}],
            }
        ],
    }
    with pytest.raises(PricingError) as caught:
        load_plan(data)
    assert "flat_amount" in str(caught.value)
    assert caught.value.problems[0].field == "charges[0].tiers[0]"


# 8. GraduatedPercentage needs a currency: never dollars by default.
def test_graduated_percentage_has_no_default_currency() -> None:
    with pytest.raises(TypeError):
        GraduatedPercentage([])  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        GraduatedPercentage.up_to([(None, "1%")])  # type: ignore[call-arg]
    assert GraduatedPercentage.up_to([(None, "1%")], "EUR").currency == Currency("EUR")
