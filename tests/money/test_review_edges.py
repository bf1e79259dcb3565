"""Regression tests from review: huge amounts are exact or a MoneyError, never a raw exception."""

from __future__ import annotations

import pytest

from sla import Money, MoneyError


def test_rounding_an_amount_beyond_50_digits_is_exact() -> None:
    # Sums and rounding keep every digit (issue 13, item 5): 1e60 + 0.01 - 1e60 is 0.01.
    huge = Money("1e60", "USD")
    assert huge.rounded().to_minor() == 10**62
    assert (huge + Money("0.01", "USD") - huge) == Money("0.01", "USD")
    assert Money("1e40", "USD").rounded().to_minor() == 10**42


def test_an_amount_beyond_the_exponent_range_is_a_money_error() -> None:
    # Issue 13, item 12: decimal.Overflow from Money becomes a MoneyError naming the amount.
    with pytest.raises(MoneyError) as caught:
        Money("9e999999", "USD") * 10
    assert caught.value.field == "amount"
    with pytest.raises(MoneyError):
        Money("9e999999", "USD") + Money("9e999999", "USD")
