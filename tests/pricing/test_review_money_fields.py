"""Regression tests from review: plain numbers where Money is expected give a PricingError."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sla import Money, PricingError
from sla.pricing import (
    BreachCredit,
    Charge,
    CreditSchedule,
    Flat,
    Graduated,
    GreaterOf,
    Package,
    Percentage,
    PerUnit,
    Plan,
    PriceBand,
)

USD = "USD"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Flat("5"), "amount"),  # used to be accepted; charge() returned the str '5'
        (lambda: PerUnit(1.5), "price"),  # type: ignore[arg-type]
        (lambda: Package(10, "5"), "price"),  # type: ignore[arg-type]
        (lambda: Percentage("2%", fixed="0.30", currency_code=USD), "fixed"),
        (lambda: GreaterOf("100", PerUnit(Money(1, USD))), "minimum"),  # type: ignore[arg-type]
        (lambda: Graduated([PriceBand(0, None, None)]), "tiers[0].unit_price"),  # type: ignore[arg-type]
        (lambda: BreachCredit("speed_of_answer", amount=Decimal(5)), "amount"),
        (lambda: CreditSchedule([], minimum_credit=5), "minimum_credit"),  # type: ignore[arg-type]
        (
            lambda: Charge("c", PerUnit(Money(1, USD)), minimum=Decimal("5")),  # type: ignore[arg-type]
            "minimum",
        ),
        (lambda: Plan("p", USD, [], commitment="100"), "commitment"),  # type: ignore[arg-type]
    ],
)
def test_plain_number_for_money_field_names_the_field(build: object, field: str) -> None:
    with pytest.raises(PricingError) as caught:
        build()  # type: ignore[operator]
    assert field in {p.field for p in caught.value.problems}
    assert "expected sla.Money" in str(caught.value)


def test_tiers_that_are_not_a_list_give_a_pricing_error() -> None:
    with pytest.raises(PricingError) as caught:
        Graduated(5)  # type: ignore[arg-type]
    assert caught.value.field == "tiers"


@pytest.mark.parametrize("rate", ["2", 2, "150%"])
def test_percentage_rate_above_100_percent_is_refused_like_graduated(rate: object) -> None:
    # "2" read as a share is 200 %: a user meaning 2 % would be billed 100x.
    with pytest.raises(PricingError) as caught:
        Percentage(rate, currency_code=USD)  # type: ignore[arg-type]
    assert caught.value.field == "rate"
    assert Percentage("2%", currency_code=USD).charge("100") == Money("2", USD)


@pytest.mark.parametrize("year", [0, 10_000])
def test_period_year_out_of_range_gives_a_pricing_error(year: int) -> None:
    from sla.pricing import BillingPeriod

    with pytest.raises(PricingError) as caught:
        BillingPeriod.year(year)
    assert caught.value.field == "period"


def test_negative_flat_fee_is_refused() -> None:
    from sla.pricing import Flat

    with pytest.raises(PricingError, match="cannot be negative") as info:
        Flat(Money("-5", "USD"))
    assert info.value.field == "amount"


def test_plan_ending_before_it_starts_is_refused() -> None:
    import pendulum

    from sla.pricing import BillingPeriod, prorate

    june = BillingPeriod.month(2025, 6, "Europe/Berlin")
    start = pendulum.datetime(2025, 6, 20, tz="Europe/Berlin")
    with pytest.raises(PricingError, match="ends") as info:
        prorate(june, start, start.subtract(days=3))
    assert info.value.field == "end"
