"""Exact integer arithmetic on numpy columns, shared by every model's ``charge_many``.

A column of quantities is a numpy array of **scaled integers** (units of
``10**-scale``); a charge model returns its amounts the same way. Prices are
scaled to integers too, so no step is ever a float. When a product could
exceed int64, the column is widened to Python ints (``dtype=object``):
slower, still exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeAlias

import numpy as np

from sla._errors import PricingError
from sla.money import Money

__all__ = [
    "Column",
    "Scaled",
    "digits",
    "div_round",
    "graduated_sum",
    "money_digits",
    "scaled",
    "widen",
]

#: A numpy array of int64 (or Python ints, ``dtype=object``).
Column: TypeAlias = Any
#: Amounts and the power of ten they are scaled by: ``(column, scale)``.
Scaled: TypeAlias = tuple[Column, int]

_LIMIT = 2**62


def digits(value: Decimal) -> int:
    """The decimals ``value`` needs to be exact."""
    return max(0, -int(value.as_tuple().exponent))


def money_digits(*amounts: Money | None) -> int:
    """The decimals the given prices need (``None`` is skipped)."""
    return max([0, *(digits(m.amount) for m in amounts if m is not None)])


def scaled(value: Decimal, scale: int, field: str = "quantity") -> int:
    """``value`` as an integer in units of ``10**-scale`` (refused if that loses digits)."""
    out = value.scaleb(scale)
    if out != out.to_integral_value():
        raise PricingError(f"{value} has more than {scale} decimals", field=field)
    return int(out)


def widen(column: Column, per_unit: int, constant: int = 0) -> Column:
    """``column`` as Python ints when ``max * per_unit + constant`` could overflow int64."""
    if column.dtype == object or not len(column):
        return column
    top = int(column.max())
    if top * max(per_unit, 1) + abs(constant) >= _LIMIT:
        return column.astype(object)
    return column


def div_round(num: Column, den: int, mode: str | None) -> Column:
    """Round ``num / den`` (both non-negative) to an integer with a rounding mode."""
    q, r = np.divmod(num, den)
    if mode in ("up", "ROUND_UP", "ROUND_CEILING"):
        return q + (r > 0)
    if mode in ("down", "ROUND_DOWN", "ROUND_FLOOR"):
        return q
    if mode in ("half_up", "ROUND_HALF_UP"):
        return q + (2 * r >= den)
    if mode == "ROUND_HALF_DOWN":
        return q + (2 * r > den)
    if mode in ("half_even", "ROUND_HALF_EVEN"):
        return q + ((2 * r > den) | ((2 * r == den) & (q % 2 == 1)))
    if mode == "ROUND_05UP":
        return q + ((r > 0) & (q % 5 == 0))
    raise PricingError(f"batch rating cannot round {mode!r}", field="rounding")


def rescale(amounts: Scaled, scale: int) -> Column:
    """Amounts raised to a larger ``scale`` (exact)."""
    column, have = amounts
    if have > scale:
        raise PricingError(f"cannot lower scale {have} to {scale} exactly", field="scale")
    return column * 10 ** (scale - have) if scale > have else column


def graduated_sum(
    values: Column,
    bounds: Sequence[tuple[int, int | None]],
    rates: Sequence[int],
    flats: Sequence[int],
    flat_at_zero: bool,
) -> Column:
    """Graduated bands over a column: each band's width times its rate, plus its flat fee
    where the value enters the band (the first band's also at zero with ``flat_at_zero``).

    ``bounds`` are the bands' ``(lower, upper)`` on the same integer scale as ``values``.
    """
    total = np.zeros_like(values)
    for i, (lo, hi) in enumerate(bounds):
        width = values - lo
        if hi is not None:
            width = np.minimum(width, hi - lo)
        width = np.maximum(width, 0)
        total = total + width * rates[i]
        if flats[i]:
            entered = width > 0
            if i == 0 and flat_at_zero:
                entered = entered | (values == 0)
            total = total + entered * flats[i]
    return total
