"""`Money.allocate` with plain int weights (the fast path) keeps every rule of the general one.

Plain non-negative ints skip the Decimal scaling of the weights; the answer
must be the same as for the same weights given as Decimals (the validating
path), sum exactly to the rounded total, stay within one minor unit of each
exact share, and hand remainders out largest first, ties to the earlier part.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import Money, MoneyError
from tests.strategies import money

int_weights = st.lists(st.integers(min_value=0, max_value=10**30), min_size=1, max_size=12).filter(
    any
)


@given(money(), int_weights)
def test_int_weights_allocate_like_decimal_weights(m: Money, ws: list[int]) -> None:
    assert m.allocate(ws) == m.allocate([Decimal(w) for w in ws])
    assert m.allocate(tuple(ws)) == m.allocate(ws)


@given(money(), int_weights)
def test_int_weights_sum_to_total_within_one_unit_of_exact_shares(m: Money, ws: list[int]) -> None:
    parts = m.allocate(ws)
    assert sum(parts, Money.zero(m.currency)) == m.rounded()
    total = Fraction(m.rounded().amount)
    for w, p in zip(ws, parts, strict=True):
        exact = total * w / sum(ws)
        assert abs(Fraction(p.amount) - exact) < Fraction(m.currency.quantum)
        if w == 0:
            assert p.amount == 0


def test_remainders_largest_first_ties_earlier() -> None:
    # 0.10 USD = 10 cents by 1:1:1: shares 3 1/3 each, floors 3+3+3 = 9, one cent
    # left; the remainders tie (1/3 each), so the first part gets it.
    assert Money("0.10", "USD").allocate([1, 1, 1]) == [
        Money("0.04", "USD"),
        Money("0.03", "USD"),
        Money("0.03", "USD"),
    ]
    # 0.10 USD by 1:2:2 (weight 5): shares 2, 4, 4 exactly: nothing left over.
    # 0.11 USD by 1:2:2: shares 2.2, 4.4, 4.4 -> floors 2, 4, 4 (10), one cent left,
    # largest remainders 0.4 and 0.4 tie: the earlier (second part) gets it.
    assert Money("0.11", "USD").allocate([1, 2, 2]) == [
        Money("0.02", "USD"),
        Money("0.05", "USD"),
        Money("0.04", "USD"),
    ]


@pytest.mark.parametrize(
    ("ws", "field"),
    [([1, -1], "weights[1]"), ([True, 1], "weights[0]"), ([0, 0], "weights"), ([], "weights")],
)
def test_bad_int_weights_still_named(ws: list[int], field: str) -> None:
    with pytest.raises(MoneyError) as error:
        Money("1", "USD").allocate(ws)
    assert error.value.field == field


def test_weights_beyond_the_span_still_refused() -> None:
    with pytest.raises(MoneyError, match="span"):
        Money("1", "USD").allocate([1, 10**1001])
    # Just inside the span: 1001 digits, the small weight gets nothing but is allowed.
    parts = Money("1", "USD").allocate([1, 10**1000])
    assert parts == [Money("0", "USD"), Money("1.00", "USD")]
