"""Charge models: worked examples from public pricing docs and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import Money, PricingError
from sla.pricing import (
    Flat,
    Graduated,
    GraduatedPercentage,
    GreaterOf,
    Package,
    Percentage,
    PerUnit,
    PriceBand,
    Transform,
    Volume,
)
from tests.pricing.strategies import int_quantities, quantities, tier_lists

USD = "USD"
# Stripe, "Set up tiered pricing" (Typographic fonts):
# https://docs.stripe.com/subscriptions/pricing-models/tiered-pricing
STRIPE_TIERS = [(5, "7"), (10, "6.50"), (None, "6")]


def usd(x: str | int) -> Money:
    return Money(x, USD)


@pytest.mark.parametrize("fonts", [1, 5, 6, 20, 25])
def test_stripe_volume_example(fonts: int) -> None:
    # Volume: the whole quantity at the unit price of the tier the total reaches.
    unit = {1: "7", 5: "7", 6: "6.50", 20: "6", 25: "6"}[fonts]
    assert Volume.up_to(STRIPE_TIERS, USD).charge(fonts) == usd(unit) * fonts


@pytest.mark.parametrize("fonts", [1, 5, 6, 20, 25])
def test_stripe_graduated_example(fonts: int) -> None:
    # Graduated: each font at the price of its own tier, computed by hand.
    first = min(fonts, 5)
    second = max(0, min(fonts, 10) - 5)
    third = max(0, fonts - 10)
    expected = usd(7) * first + usd("6.50") * second + usd(6) * third
    assert Graduated.up_to(STRIPE_TIERS, USD).charge(fonts) == expected


def test_graduated_vs_volume_differ_above_first_tier() -> None:
    assert Graduated.up_to(STRIPE_TIERS, USD).charge(6) == usd("41.50")
    assert Volume.up_to(STRIPE_TIERS, USD).charge(6) == usd("39.00")


@pytest.mark.parametrize(("users", "bill"), [(1, 10), (3, 10), (5, 10), (6, 20), (7, 20)])
def test_stripe_package_by_quantity_transform(users: int, bill: int) -> None:
    # Stripe, "Setting subscription quantities" (quantity transformation): $10 for every
    # 5 users or portion thereof. https://docs.stripe.com/billing/subscriptions/quantities
    assert PerUnit(usd(10), Transform(5, "up")).charge(users) == usd(bill)
    assert Package(5, usd(10)).charge(users) == usd(bill)


def test_lago_package_with_free_units() -> None:
    # Lago, "Package" charge model: $5 per 100 units, first 100 free; 201 units cost
    # $0 + $5 + $5 = $10. https://getlago.com/docs/guide/plans/charges/charge-models/package
    model = Package(100, usd(5), free=100)
    assert model.charge(201) == usd(10)
    assert model.packages(201) == 2


def test_package_rounding_options() -> None:
    assert Package(100, usd(5), rounding="down").charge(250) == usd(10)
    assert Package(100, usd(5), rounding="half_up").charge(250) == usd(15)
    assert Package(100, usd(5)).charge(201) == usd(15)


AWS_BUSINESS = GreaterOf(
    usd(100),
    GraduatedPercentage.up_to(
        [(10_000, "10%"), (80_000, "7%"), (250_000, "5%"), (None, "3%")], "USD"
    ),
)


@pytest.mark.parametrize("spend", ["85000", "500", "0", "300000", "10000"])
def test_aws_business_support_formula(spend: str) -> None:
    # AWS Support plan pricing, Business: greater of $100 or 10 % of the first $10K,
    # 7 % of $10K-$80K, 5 % of $80K-$250K, 3 % above $250K. The published example:
    # $85,000 of usage -> $1,000 + $4,900 + $250 + $0 = $6,150.
    # https://aws.amazon.com/premiumsupport/pricing/
    s = Decimal(spend)
    bands = [
        (Decimal(0), Decimal(10_000), "0.10"),
        (Decimal(10_000), Decimal(80_000), "0.07"),
        (Decimal(80_000), Decimal(250_000), "0.05"),
        (Decimal(250_000), s, "0.03"),
    ]
    by_hand = sum(
        (max(Decimal(0), min(s, hi) - lo) * Decimal(rate) for lo, hi, rate in bands), Decimal(0)
    )
    assert AWS_BUSINESS.charge(usd(spend)) == usd(max(by_hand, Decimal(100)))


def test_aws_published_example() -> None:
    assert AWS_BUSINESS.charge(usd(85_000)) == usd("6150")
    steps = AWS_BUSINESS.steps(usd(85_000))
    assert [s.amount for s in steps] == [usd(1000), usd(4900), usd(250)]


def test_flat_at_zero_default_and_off() -> None:
    tiers = [PriceBand(0, 10, usd(1), usd(5)), PriceBand(10, None, usd(1))]
    assert Graduated(tiers).charge(0) == usd(5)
    assert Graduated(tiers, flat_at_zero=False).charge(0) == usd(0)
    assert Volume(tiers, flat_at_zero=False).charge(0) == usd(0)


def test_fractional_quantity_falls_in_the_right_tier() -> None:
    model = Volume.up_to([(10, "1"), (20, "2"), (None, "3")], USD)
    assert model.tier_index(Decimal("10")) == 0
    assert model.tier_index(Decimal("10.5")) == 1
    assert model.charge("10.5") == usd(21)


def test_percentage_per_transaction_min_max_and_free() -> None:
    model = Percentage(
        "2.5%", fixed=usd("0.30"), free_events=1, min_per_tx=usd("0.50"), max_per_tx=usd(5)
    )
    # first transaction free; 100 -> 2.80; 1000 -> 25.30 cut to 5; 4 -> 0.40 raised to 0.50
    assert model.charge(["10", "100", "1000", "4"]) == usd("8.30")
    assert sum((s.amount for s in model.steps(["10", "100", "1000", "4"])), usd(0)) == usd("8.30")


def test_percentage_free_amount_covers_part_of_a_transaction() -> None:
    model = Percentage("10%", free_amount=usd(150), currency_code=USD)
    assert model.charge(["100", "100"]) == usd(5)


def test_bad_tiers_list_every_problem() -> None:
    with pytest.raises(PricingError) as caught:
        Graduated(
            [PriceBand(1, 5, usd(1)), PriceBand(6, 10, usd(-1)), PriceBand(8, 20, Money(1, "EUR"))]
        )
    fields = {p.field for p in caught.value.problems}
    assert {
        "tiers[0].lower",
        "tiers[1].lower",
        "tiers[1].unit_price",
        "tiers[2].lower",
        "tiers[2].unit_price",
        "tiers[2].upper",
    } <= fields
    reasons = " ".join(p.reason for p in caught.value.problems)
    assert "gap" in reasons
    assert "overlap" in reasons
    assert "negative" in reasons


def test_float_quantity_is_refused() -> None:
    with pytest.raises(PricingError, match="float"):
        PerUnit(usd(1)).charge(1.5)  # type: ignore[arg-type]


@given(tier_lists(flats=False), quantities, quantities)
def test_graduated_is_monotonic(tiers: tuple[PriceBand, ...], a: Decimal, b: Decimal) -> None:
    model = Graduated(tiers)
    lo, hi = sorted((a, b))
    assert model.charge(lo) <= model.charge(hi)


@given(tier_lists(flats=False), st.data())
def test_graduated_is_continuous_at_edges(
    tiers: tuple[PriceBand, ...], data: st.DataObject
) -> None:
    model = Graduated(tiers)
    eps = Decimal("1e-9")
    for tier in tiers[:-1]:
        edge = tier.upper
        assert edge is not None
        jump = model.charge(edge + eps) - model.charge(edge)
        assert abs(jump.amount) <= eps * max(t.unit_price.amount for t in tiers)


@given(tier_lists(), quantities, quantities)
def test_volume_jumps_only_at_edges(tiers: tuple[PriceBand, ...], a: Decimal, b: Decimal) -> None:
    model = Volume(tiers)
    lo, hi = sorted((a, b))
    if lo > 0 and model.tier_index(lo) == model.tier_index(hi):
        # Inside one tier the charge is linear in the quantity: no jump.
        tier = tiers[model.tier_index(lo)]
        assert model.charge(hi) - model.charge(lo) == tier.unit_price * (hi - lo)


@given(tier_lists(), quantities)
def test_explain_sums_to_charge(tiers: tuple[PriceBand, ...], q: Decimal) -> None:
    for model in (Graduated(tiers), Volume(tiers)):
        assert sum((s.amount for s in model.steps(q)), usd(0)) == model.charge(q)


@given(int_quantities)
def test_flat_ignores_quantity(q: int) -> None:
    assert Flat(usd(99)).charge(q) == usd(99)


@given(
    st.one_of(quantities, int_quantities, quantities.map(str)),
    st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False),
)
def test_per_unit_fast_path_equals_the_general_path(q: Decimal | int | str, price: Decimal) -> None:
    # A Transform that divides by 1 and keeps the quantity forces the general path.
    model = PerUnit(Money(price, USD))
    general = PerUnit(Money(price, USD), Transform(Decimal(1), None))
    assert model.charge(q) == general.charge(q) == Money(price, USD) * Decimal(q)
    assert model.charge(q).rounded() == general.charge(q).rounded()


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (1.5, "float"),
        (True, "boolean"),
        (Decimal("-0.01"), "negative"),
        (-3, "negative"),
        (Decimal("NaN"), "finite"),
        (Decimal("sNaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (Decimal("-Infinity"), "finite"),
        ("ten", "not a decimal"),
    ],
)
def test_per_unit_rejects_bad_quantities_naming_the_field(bad: object, reason: str) -> None:
    with pytest.raises(PricingError, match=reason) as caught:
        PerUnit(Money("0.0125", USD)).charge(bad)  # type: ignore[arg-type]
    assert caught.value.field == "quantity"
