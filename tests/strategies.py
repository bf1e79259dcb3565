"""Shared hypothesis strategies for the `sla` test suite."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from sla import Money

#: Currencies with 0, 2, 3 and 4 minor units.
CURRENCIES = ("USD", "EUR", "JPY", "KWD", "CLF", "GBP")

currency_codes = st.sampled_from(CURRENCIES)


def decimals(max_abs: int = 10**12, places: int = 6) -> st.SearchStrategy[Decimal]:
    """Finite decimals with up to ``places`` fractional digits."""
    return st.decimals(
        min_value=-max_abs, max_value=max_abs, places=places, allow_nan=False, allow_infinity=False
    )


@st.composite
def money(draw: st.DrawFn, currency: str | None = None, places: int = 6) -> Money:
    """Money with sub-minor precision in one of :data:`CURRENCIES`."""
    code = currency if currency is not None else draw(currency_codes)
    return Money(draw(decimals(places=places)), code)


weights = st.lists(
    st.one_of(st.integers(min_value=0, max_value=1000), decimals(max_abs=1000, places=3).map(abs)),
    min_size=1,
    max_size=12,
).filter(lambda ws: sum(ws) > 0)
