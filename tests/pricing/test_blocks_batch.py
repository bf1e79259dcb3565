"""Kill Bill tiered blocks, and batch rating through each model's ``charge_many``."""

from __future__ import annotations

import inspect
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import Money, PricingError
from sla._explain import Explanation
from sla.pricing import (
    Blocks,
    BlockTier,
    ChargeModel,
    Flat,
    Graduated,
    GraduatedPercentage,
    GreaterOf,
    Package,
    Percentage,
    PerUnit,
    Transform,
    Volume,
    _batch,
    load_plan,
    rate_table,
)


def usd(x: str | int) -> Money:
    return Money(x, "USD")


# Kill Bill catalog, usage billing: a TieredBlock has a unit, a size, a price and a max
# (number of blocks); tierBlockPolicy ALL_TIERS bills the blocks of every tier used,
# TOP_TIER bills all usage in blocks of the tier it ends in.
KB_TIERS = [BlockTier(100, usd("1.50"), 10), BlockTier(500, usd(5), 4), BlockTier(1000, usd(8))]


@pytest.mark.parametrize(
    ("quantity", "all_tiers", "top_tier"),
    [
        (0, "0", "0"),
        (1, "1.50", "1.50"),  # 1 started block of 100
        (1000, "15.00", "15.00"),  # 10 × 1.50: tier 1 exactly full
        (1001, "20.00", "15"),  # 15 + 1 block of 500; top: ⌈1001/500⌉ = 3 × 5
        (3000, "35.00", "30"),  # 15 + 4 × 5; top tier 2 holds 1000 + 2000: ⌈3000/500⌉ × 5
        (3001, "43.00", "32"),  # 15 + 20 + 1 × 8; top tier 3: ⌈3001/1000⌉ = 4 × 8
    ],
)
def test_kill_bill_tiered_blocks(quantity: int, all_tiers: str, top_tier: str) -> None:
    assert Blocks(KB_TIERS).charge(quantity) == usd(all_tiers)
    assert Blocks(KB_TIERS, "top_tier").charge(quantity) == usd(top_tier)


def test_blocks_from_a_plan_file_and_their_checks() -> None:
    plan = load_plan(
        {
            "name": "kb",
            "charges": [
                {
                    "name": "api",
                    "model": "blocks",
                    "metric": "calls",
                    "block_policy": "top_tier",
                    "tiers": [
                        {"size": 100, "price": "1.50", "max_blocks": 10},
                        {"size": 500, "price": "5", "max_blocks": 4},
                        {"size": 1000, "price": "8"},
                    ],
                }
            ],
        }
    )
    assert plan.charge("api").model.charge(3001) == usd(32)
    with pytest.raises(PricingError) as caught:
        Blocks([BlockTier(100, usd(1)), BlockTier(100, usd(1), 2)])
    fields = {p.field for p in caught.value.problems}
    assert fields == {"tiers[0].max_blocks", "tiers[1].max_blocks"}


MODELS: list[ChargeModel] = [
    Flat(usd(25)),
    PerUnit(usd("0.0125")),
    PerUnit(usd("0.02"), Transform(60, "up")),
    Package(100, usd(5), free=50),
    Graduated.up_to([(10, "1", "3"), (None, "0.5")], "USD"),
    Volume.up_to([(100, "2", "10"), (200, "1"), (None, "0.5", "50")], "USD"),
    GraduatedPercentage.up_to([(1000, "1%", "200"), (None, "2%")], "USD"),
    GreaterOf(usd(100), PerUnit(usd("0.5"))),
    Blocks(KB_TIERS),
    Blocks(KB_TIERS, "top_tier"),
]


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(MODELS),
    st.lists(st.decimals(0, 5000, places=2), min_size=1, max_size=20),
)
def test_every_model_rates_a_column_as_its_scalar(model: ChargeModel, qs: list[Decimal]) -> None:
    table = pa.table(
        {
            "customer": [str(i % 3) for i in range(len(qs))],
            "period": ["p"] * len(qs),
            "quantity": pa.array(qs, pa.decimal128(18, 2)),
        }
    )
    sums: dict[str, Decimal] = {}
    for i, q in enumerate(qs):
        sums[str(i % 3)] = sums.get(str(i % 3), Decimal(0)) + q
    for row in rate_table(model, table).to_pylist():
        exact = model.charge(sums[row["customer"]])
        assert row["amount"] == exact.amount
        assert row["amount_minor"] == exact.to_minor()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.decimals(0, 5000, places=2), min_size=1, max_size=20))
def test_percentage_rates_each_transaction(qs: list[Decimal]) -> None:
    # One row per transaction: the fee of each is clamped on its own (Stripe's
    # "2.9 % + 30¢" per charge; Lago percentage charge with min and max per transaction).
    model = Percentage("2.9%", fixed=usd("0.30"), min_per_tx=usd("0.50"), max_per_tx=usd(50))
    table = pa.table(
        {
            "customer": ["c"] * len(qs),
            "period": ["p"] * len(qs),
            "quantity": pa.array(qs, pa.decimal128(18, 2)),
        }
    )
    (row,) = rate_table(model, table).to_pylist()
    assert row["amount"] == model.charge(qs).amount
    assert row["quantity"] == sum(qs, Decimal(0))


def test_percentage_with_free_allowances_is_refused_in_batch() -> None:
    model = Percentage("1%", free_events=3, currency_code="USD")
    table = pa.table({"customer": ["c"], "period": ["p"], "quantity": pa.array([1], pa.int64())})
    with pytest.raises(PricingError, match="transaction order"):
        rate_table(model, table)


def test_the_rater_never_switches_on_the_model_type() -> None:
    source = inspect.getsource(_batch)
    for name in ("Flat", "PerUnit", "Package", "Graduated", "Volume", "GreaterOf", "Percentage"):
        assert f"isinstance(charge.model, {name}" not in source
        assert f"import {name}" not in source


def test_explain_returns_the_package_explanation() -> None:
    for model in MODELS:
        explained = model.explain(250)
        assert isinstance(explained, Explanation)
        assert explained.value == f"{model.charge(250).amount.normalize():f}".rstrip(
            "."
        ) + " USD" or (Decimal(explained.value.split()[0]) == model.charge(250).amount)
