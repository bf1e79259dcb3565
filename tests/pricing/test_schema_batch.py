"""Loading plans at the boundary, and batch rating against the scalar path."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import Money, PricingError
from sla.pricing import Graduated, Plan, PriceBand, Volume, catalogue_plan, load_plan, rate_table
from tests.pricing.strategies import tier_lists


def test_stripe_up_to_tiers_in_minor_units() -> None:
    plan = load_plan(
        {
            "name": "s",
            "charges": [
                {
                    "name": "fonts",
                    "model": "graduated",
                    "metric": "fonts",
                    "tiers": [
                        {"up_to": 5, "unit_amount": 700},
                        {"up_to": 10, "unit_amount": 650},
                        {"up_to": "inf", "unit_amount": 600},
                    ],
                }
            ],
        }
    )
    model = plan.charge("fonts").model
    assert isinstance(model, Graduated)
    assert [t.label() for t in model.tiers] == ["(0, 5]", "(5, 10]", "(10, ∞]"]
    assert model.charge(6) == Money("41.50", "USD")


def test_lago_inclusive_ranges_become_half_open() -> None:
    plan = load_plan(
        {
            "name": "l",
            "currency": "EUR",
            "charges": [
                {
                    "name": "api",
                    "model": "volume",
                    "metric": "calls",
                    "tiers": [
                        {"from_value": 0, "to_value": 10, "per_unit_amount": "1"},
                        {
                            "from_value": 11,
                            "to_value": 20,
                            "per_unit_amount": "0.5",
                            "flat_amount": "2",
                        },
                        {"from_value": 21, "to_value": None, "per_unit_amount": "0.1"},
                    ],
                }
            ],
        }
    )
    model = plan.charge("api").model
    assert isinstance(model, Volume)
    assert [(t.lower, t.upper) for t in model.tiers] == [(0, 10), (10, 20), (20, None)]
    assert model.charge("10.5") == Money("7.25", "EUR")


def test_yaml_and_json_text_read_decimals_exactly() -> None:
    text = "name: y\ncharges:\n  - {name: m, model: per_unit, metric: m, price: 0.1}\n"
    assert load_plan(text).charge("m").model.charge(3) == Money("0.3", "USD")  # type: ignore[attr-defined]
    js = (
        '{"name": "j", "charges": '
        '[{"name": "m", "model": "per_unit", "metric": "m", "price": 0.1}]}'
    )
    assert load_plan(js).charge("m").model.charge(3) == Money("0.3", "USD")  # type: ignore[attr-defined]


def test_bad_plan_lists_every_problem() -> None:
    with pytest.raises(PricingError) as caught:
        load_plan(
            {
                "name": "bad",
                "charges": [
                    {
                        "name": "a",
                        "model": "graduated",
                        "metric": "a",
                        "tiers": [
                            {"up_to": 10, "unit_price": "1"},
                            {"up_to": 5, "unit_price": "-2"},
                            {"up_to": 20, "unit_price": "3 EUR"},
                        ],
                    },
                    {"name": "b", "model": "per_unit", "metric": "b", "price": "-1"},
                    {"name": "c", "model": "flat", "amount": 1.5},
                ],
                "commitment": "10 GBP",
            }
        )
    fields = [p.field for p in caught.value.problems]
    assert "charges[0].tiers[2].unit_price" in fields
    assert any(f.startswith("charges[1]") for f in fields)
    assert any(f.startswith("charges[2]") for f in fields)
    assert "commitment" in fields
    assert len(fields) >= 4


def test_shape_errors_from_pydantic_are_listed() -> None:
    with pytest.raises(PricingError) as caught:
        load_plan({"name": "x", "charges": [{"name": "a", "model": "magic"}], "colour": "red"})
    fields = {p.field for p in caught.value.problems}
    assert {"charges.0.model", "colour"} <= fields


def test_catalogue_override_and_removal() -> None:
    plan = catalogue_plan("C", {"charges": {"premium hours": None, "chats": {"included": 0}}})
    assert [c.name for c in plan.charges] == ["seats", "chats"]
    assert plan.charge("chats").included == 0


def _records(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "customer": rng.integers(0, max(1, n // 100), n).astype(str),
            "period": "2024-02",
            "metric": rng.choice(["contacts.chat", "premium_hours", "seats"], n),
            "quantity": rng.integers(0, 50, n),
        }
    )


def _scalar(plan: Plan, metric: str, q: Decimal) -> Money:
    charge = next(c for c in plan.charges if c.metric == metric)
    return charge.lines(q)[0].amount.rounded(plan.rounding)


def test_batch_matches_scalar_for_catalogue_plan() -> None:
    plan = catalogue_plan("C")
    df = _records(5000)
    out = rate_table(plan, df)
    for row in out.itertuples():
        expected = _scalar(plan, row.metric, Decimal(row.quantity))
        assert row.amount_minor == expected.to_minor()


@settings(max_examples=40)
@given(
    tier_lists(),
    st.lists(st.decimals(0, 10_000, places=3), min_size=1, max_size=30),
    st.sampled_from(["graduated", "volume"]),
    st.sampled_from(["half_even", "half_up"]),
)
def test_batch_equals_scalar_exactly(
    tiers: tuple[PriceBand, ...], qs: list[Decimal], kind: str, mode: str
) -> None:
    model = Graduated(tiers) if kind == "graduated" else Volume(tiers)
    table = pa.table(
        {
            "customer": [str(i % 7) for i in range(len(qs))],
            "period": ["p"] * len(qs),
            "quantity": pa.array(qs, pa.decimal128(18, 3)),
        }
    )
    out = rate_table(model, table, rounding=mode)
    sums: dict[str, Decimal] = {}
    for i, q in enumerate(qs):
        sums[str(i % 7)] = sums.get(str(i % 7), Decimal(0)) + q
    for row in out.to_pylist():
        exact = model.charge(sums[row["customer"]])
        assert row["amount"] == exact.amount
        assert row["amount_minor"] == exact.to_minor(mode)


def test_batch_polars_and_errors() -> None:
    plan = catalogue_plan("A")
    frame = pl.DataFrame(
        {
            "customer": ["a", "a"],
            "period": ["p", "p"],
            "metric": ["contacts.voice", "contacts.voice"],
            "quantity": [300, 200],
        }
    )
    out = rate_table(plan, frame)
    assert isinstance(out, pl.DataFrame)
    assert out["amount_minor"].to_list() == [60000]
    with pytest.raises(PricingError, match="float"):
        rate_table(plan, frame.with_columns(pl.col("quantity").cast(pl.Float64)))
