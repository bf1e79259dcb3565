"""Issue 13's money and pricing items: each hostile input with its answer."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from sla import ClockError, Money, MoneyError, PricingError, SLAError
from sla.pricing import (
    Attainment,
    BandCredit,
    BillingPeriod,
    Charge,
    CreditSchedule,
    Flat,
    Package,
    PerUnit,
    Plan,
    invoice,
    load_plan,
    rate_table,
)


def usd(x: str | int) -> Money:
    return Money(x, "USD")


def _credit_plan(**options: object) -> Plan:
    return Plan(
        "A",
        "USD",
        [Charge("fee", Flat(usd(1000)), recurring=True)],
        credits=CreditSchedule(
            [
                BandCredit.below("speed_of_answer", [("99.99%", "10%"), ("90%", "80%")]),
                BandCredit.below("first_response", [("90%", "80%")]),
            ]
        ),
        **options,  # type: ignore[arg-type]
    )


# 1. 99.99 % is read exactly: no credit below 99.99 % is owed.
def test_attainment_text_is_exact() -> None:
    assert Attainment("speed_of_answer", "99.99%").attained == Decimal("0.9999")
    bill = invoice(_credit_plan(), {}, [Attainment("speed_of_answer", "99.99%")],
                   BillingPeriod.month(2025, 6))  # fmt: skip
    assert bill.credits == usd(0)


def test_attainment_refuses_floats() -> None:
    with pytest.raises(ClockError):
        Attainment("speed_of_answer", 0.9999)  # type: ignore[arg-type]


# 2. Duplicate keys in a plan are refused, in JSON and YAML, library and CLI.
DUPLICATE_JSON = (
    '{"name": "p", "currency": "USD", "charges": [{"name": "c", "model": "per_unit", '
    '"metric": "u", "price": "10.00", "price": "1.00"}]}'
)
DUPLICATE_YAML = (
    "name: p\ncurrency: USD\ncharges:\n  - name: c\n    model: per_unit\n    metric: u\n"
    "    price: '10.00'\n    price: '1.00'\n"
)


@pytest.mark.parametrize("text", [DUPLICATE_JSON, DUPLICATE_YAML])
def test_plan_refuses_duplicate_keys(text: str) -> None:
    with pytest.raises(PricingError) as caught:
        load_plan(text)
    assert "duplicate key 'price'" in str(caught.value)


# 3. Two 80 % credits and no cap: the total is never negative unless the plan allows it.
def test_credits_never_make_the_total_negative() -> None:
    figures = [Attainment("speed_of_answer", "50%"), Attainment("first_response", "50%")]
    june = BillingPeriod.month(2025, 6)
    bill = invoice(_credit_plan(), {}, figures, june)
    assert bill.total == usd(0)  # 1,000 − 800 − 200 (cut from 800)
    assert any("never makes the total negative" in note for note in bill.notes)
    allowed = invoice(_credit_plan(credits_may_exceed_charges=True), {}, figures, june)
    assert allowed.total == usd(-600)  # 1,000 − 800 − 800, as the plan says explicitly


# 4. A misspelt metric is an error, in an attainment and in a credit rule.
def test_misspelt_metric_is_an_error() -> None:
    with pytest.raises(SLAError) as caught:
        Attainment("speed_of_anwser", "90%")
    assert caught.value.problems[0].field == "metric"
    with pytest.raises(PricingError):
        BandCredit.below("speed_of_anwser", [("99%", "10%")])


# 5. Money is exact beyond 50 significant digits.
def test_money_is_exact_beyond_50_digits() -> None:
    big = usd("1e60")
    assert big + usd("0.01") - big == usd("0.01")
    assert (usd("1e60") + usd("0.01")).to_minor() == 10**62 + 1


# 9. Allocation by weights 10^999999 apart answers at once.
def test_allocate_with_absurd_weights_is_fast_and_clear() -> None:
    started = time.perf_counter()
    with pytest.raises(MoneyError) as caught:
        usd(10).allocate(["1e999999", 1])
    assert time.perf_counter() - started < 1
    assert caught.value.field == "weights"
    assert usd(10).allocate(["1e500", "1e500"]) == [usd(5), usd(5)]


# 12. Year 9999 and huge amounts: SLAError subclasses, never raw exceptions.
def test_huge_inputs_raise_sla_errors() -> None:
    with pytest.raises(PricingError):
        BillingPeriod.month(9999, 12)
    with pytest.raises(PricingError):
        Package("1e-999999", usd(1))
    with pytest.raises(MoneyError):
        usd("9e999999") * 10
    per_unit = PerUnit(usd("1.5"))
    with pytest.raises(PricingError) as caught:
        rate_table(per_unit, {"customer": ["a"], "period": ["p"], "quantity": ["5"]})
    assert caught.value.field == "quantity"
    with pytest.raises(PricingError):
        rate_table(
            per_unit, {"customer": ["a", "a"], "period": ["p", "p"], "quantity": [10**18, 10**18]}
        )


# 19. Rounding never shows "-0.00"; "NaN USD" blames the amount.
def test_negative_zero_and_nan_messages() -> None:
    assert Money("-0.001", "USD").rounded().format() == "$0.00"
    with pytest.raises(MoneyError) as caught:
        Money.parse("NaN USD")
    assert caught.value.field == "amount"
    assert "NaN" in caught.value.reason


# 13. Deeply nested plan text is a PricingError, not a RecursionError.
def test_deeply_nested_plan_text_is_a_pricing_error() -> None:
    with pytest.raises(PricingError, match="nested too deeply"):
        load_plan("[" * 100_000 + "]" * 100_000)
