"""Tiers ``(lower, upper]`` and their checks, and Stripe-style ``up_to`` row parsing.

A quantity ``q`` falls in the tier with ``lower < q <= upper`` (zero falls in
the first tier). :func:`tiers_up_to` turns ``(up_to, unit_price[, flat])`` rows
into :class:`PriceBand` values; :func:`check_tiers` reports every problem of a tier
list at once. Used by the graduated and volume models in ``_models``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from sla._errors import MoneyError, PricingError, Problem
from sla.money import Currency, Money
from sla.pricing._common import (
    ZERO,
    converter_problems,
    decimal_field,
    fmt,
    money_problems,
    optional_decimal_field,
    prefixed,
    raise_problems,
    to_decimal,
    to_money,
)

__all__ = ["PriceBand", "check_tiers", "tiers_up_to"]


@attrs.frozen(slots=True)
class PriceBand:
    """One tier ``(lower, upper]`` with a unit price and an optional flat fee.

    ``upper=None`` is the open-ended last tier.
    """

    lower: Decimal = attrs.field(converter=decimal_field("lower"))  # type: ignore[misc]
    upper: Decimal | None = attrs.field(converter=optional_decimal_field("upper"))  # type: ignore[misc]
    unit_price: Money
    flat: Money | None = None

    def __attrs_post_init__(self) -> None:
        # Prices are checked by check_tiers, which names them inside the tier list.
        raise_problems(converter_problems(self)[0], "tier")

    def label(self) -> str:
        upper = "∞" if self.upper is None else fmt(self.upper)
        return f"({fmt(self.lower)}, {upper}]"


def tiers_up_to(
    rows: Iterable[Sequence[object]], currency: str | Currency | None = None
) -> tuple[PriceBand, ...]:
    """Tiers from Stripe-style rows ``(up_to, unit_price[, flat])``; ``None`` is "inf".

    >>> [t.label() for t in tiers_up_to([(5, "7"), (10, "6.50"), (None, "6")], "USD")]
    ['(0, 5]', '(5, 10]', '(10, ∞]']
    """
    problems: list[Problem] = []
    cur = None
    if currency is not None:
        try:
            cur = Currency(currency)
        except MoneyError as error:
            problems.append(Problem("currency", error.reason))
    result = []
    lower: Decimal | None = ZERO
    previous: Decimal | str | None = "start"
    for i, row in enumerate(_rows(rows, problems)):
        where = f"tiers[{i}]"
        if not isinstance(row, Sequence) or isinstance(row, str) or not 2 <= len(row) <= 3:
            problems.append(Problem(where, f"expected (up_to, unit_price[, flat]), got {row!r}"))
            lower = None
            continue
        up_to = row[0]
        found = len(problems)
        upper, unit, flat = _row_values(row, cur, where, problems)
        if len(problems) == found and lower is not None and unit is not None:
            try:
                result.append(PriceBand(lower, upper, unit, flat))
            except PricingError as error:
                problems.extend(prefixed(error.problems, where))
        problems.extend(_order_problems(where, previous, upper, up_to))
        previous = upper if isinstance(upper, Decimal) or up_to in (None, "inf") else previous
        lower = upper if isinstance(upper, Decimal) else None
    if problems and isinstance(previous, Decimal):
        # Reported with the others; without other problems the model's own check says it.
        problems.append(Problem(f"{where}.up_to", "the last tier must be open-ended ('inf')"))
    raise_problems(problems, "tiers")
    return tuple(result)


def _order_problems(
    where: str, previous: Decimal | str | None, upper: Decimal | None, up_to: object
) -> list[Problem]:
    """Problems of an ``up_to`` row against the previous row's bound ("start" for the first)."""
    if previous is None:
        return [Problem(where, "follows an open-ended tier (up_to 'inf' must come last)")]
    if isinstance(previous, Decimal) and isinstance(upper, Decimal) and upper <= previous:
        return [
            Problem(
                f"{where}.up_to",
                f"up_to {fmt(upper)} is not above the previous bound {fmt(previous)}",
            )
        ]
    return []


def _row_values(
    row: Sequence[object], cur: Currency | None, where: str, problems: list[Problem]
) -> tuple[Decimal | None, Money | None, Money | None]:
    """The bound, unit price and flat fee of one row (``None`` where a problem was recorded)."""
    values: list[object] = [None, None, None]
    for k, (name, value) in enumerate(zip(("up_to", "unit_price", "flat"), row, strict=False)):
        try:
            if k == 0:
                values[k] = None if value in (None, "inf") else to_decimal(value, f"{where}.up_to")
            elif value is not None:
                money = to_money(value, cur, f"{where}.{name}")
                if money.amount < 0:
                    problems.append(Problem(f"{where}.{name}", f"{money} is negative"))
                values[k] = money
        except PricingError as error:
            problems.extend(error.problems)
    upper, unit, flat = values
    return upper, unit, flat  # type: ignore[return-value]


def _rows(rows: object, problems: list[Problem]) -> list[object]:
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Iterable):
        problems.append(Problem("tiers", f"expected a list of (up_to, price) rows, got {rows!r}"))
        return []
    return list(rows)


def check_tiers(tiers: Sequence[object], field: str = "tiers") -> list[Problem]:
    """Every problem with a tier list: gaps, overlaps, order, open end, prices, currencies."""
    problems: list[Problem] = []
    if not tiers:
        return [Problem(field, "need at least one tier")]
    currency = None
    previous_upper: Decimal | None = ZERO
    for i, tier in enumerate(tiers):
        where = f"{field}[{i}]"
        if not isinstance(tier, PriceBand):
            problems.append(Problem(where, f"expected a PriceBand, got {tier!r}"))
            continue
        if i == 0 and tier.lower != 0:
            problems.append(
                Problem(f"{where}.lower", f"the first tier must start at 0, not {fmt(tier.lower)}")
            )
        elif i > 0 and previous_upper is not None and tier.lower != previous_upper:
            kind = "gap" if tier.lower > previous_upper else "overlap"
            problems.append(
                Problem(
                    f"{where}.lower",
                    f"{kind}: tier starts at {fmt(tier.lower)} "
                    f"but the previous one ends at {fmt(previous_upper)}",
                )
            )
        if i > 0 and previous_upper is None:
            problems.append(Problem(where, "follows an open-ended tier"))
        if tier.upper is not None and tier.upper <= tier.lower:
            problems.append(
                Problem(
                    f"{where}.upper",
                    f"upper bound {fmt(tier.upper)} is not above lower bound {fmt(tier.lower)}",
                )
            )
        if i == len(tiers) - 1 and tier.upper is not None:
            problems.append(
                Problem(
                    f"{where}.upper", "the last tier must be open-ended (upper=None / up_to='inf')"
                )
            )
        for name, price in (("unit_price", tier.unit_price), ("flat", tier.flat)):
            if price is None and name == "flat":
                continue
            if not isinstance(price, Money):
                problems.extend(money_problems((f"{where}.{name}", price)))
                continue
            if price.amount < 0:
                problems.append(Problem(f"{where}.{name}", f"{price} is negative"))
            if currency is None:
                currency = price.currency
            elif price.currency != currency:
                problems.append(
                    Problem(f"{where}.{name}", f"{price.currency.code} mixed with {currency.code}")
                )
        previous_upper = tier.upper
    return problems
