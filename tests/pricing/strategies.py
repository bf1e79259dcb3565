"""Hypothesis strategies for pricing tests."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from sla import Money
from sla.pricing import PriceBand

quantities = st.decimals(
    min_value=0, max_value=100_000, places=3, allow_nan=False, allow_infinity=False
)
int_quantities = st.integers(min_value=0, max_value=10**7)
prices = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)


@st.composite
def tier_lists(draw: st.DrawFn, currency: str = "USD", flats: bool = True) -> tuple[PriceBand, ...]:
    """Valid contiguous tiers (lower, upper] with integer bounds, last open-ended."""
    n = draw(st.integers(min_value=1, max_value=5))
    bounds = sorted(
        draw(st.sets(st.integers(min_value=1, max_value=50_000), min_size=n - 1, max_size=n - 1))
    )
    tiers = []
    lower = Decimal(0)
    for i in range(n):
        upper = Decimal(bounds[i]) if i < n - 1 else None
        flat = Money(draw(prices), currency) if flats and draw(st.booleans()) else None
        tiers.append(PriceBand(lower, upper, Money(draw(prices), currency), flat))
        lower = upper if upper is not None else lower
    return tuple(tiers)


#: Zones with DST, half-hour and 45-minute offsets, and a half-hour DST shift.
zones = st.sampled_from(
    [
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "America/St_Johns",
        "Asia/Kathmandu",
        "Australia/Lord_Howe",
        "Pacific/Apia",
    ]
)
cents = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
shares = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False, allow_infinity=False)
