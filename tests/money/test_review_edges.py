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


def test_huge_amounts_format_and_convert_fast_or_say_why() -> None:
    # Issue 13, items 9 and 12: no minutes spent grouping a 500,000-digit amount, no raw
    # decimal exception from to_minor.
    with pytest.raises(MoneyError) as caught:
        Money("1e500000", "USD").format()
    assert "str()" in caught.value.reason
    with pytest.raises(MoneyError):
        Money("1e999998", "USD").to_minor()
    assert Money("1e20", "USD").format() == "$100,000,000,000,000,000,000.00"
