"""Regression test from review: rounding a huge amount raises MoneyError, not InvalidOperation."""

from __future__ import annotations

import pytest

from sla import Money, MoneyError


def test_rounding_an_amount_beyond_50_digits_gives_a_money_error() -> None:
    huge = Money("1e60", "USD")
    with pytest.raises(MoneyError) as caught:
        huge.rounded()
    assert caught.value.field == "amount"
    with pytest.raises(MoneyError):
        huge.format()
    assert Money("1e40", "USD").rounded().to_minor() == 10**42
