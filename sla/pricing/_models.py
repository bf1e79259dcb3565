"""Unit-based charge models: flat, per unit, package, graduated and volume tiers.

Every model is a frozen value with ``charge(quantity) -> Money`` (exact,
unrounded) and ``explain(quantity) -> tuple[Step, ...]`` (one step per tier or
package count; the steps sum to the charge). Tier bounds are stored as
``(lower, upper]``: a quantity ``q`` falls in the tier with ``lower < q <= upper``
(zero falls in the first tier), so fractional quantities between integer
bounds land in the right tier.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from sla._errors import MoneyError, PricingError, Problem
from sla.money import Currency, Money
from sla.pricing._common import (
    CTX,
    ZERO,
    Number,
    QuantityRounding,
    Step,
    check_quantity_rounding,
    converter_problems,
    decimal_field,
    fmt,
    items,
    money_problems,
    optional_decimal_field,
    prefixed,
    raise_problems,
    round_quantity,
    to_decimal,
    to_money,
    total_of,
)

__all__ = [
    "ChargeModel",
    "Flat",
    "Graduated",
    "Package",
    "PerUnit",
    "Tier",
    "Transform",
    "Volume",
    "check_tiers",
    "tiers_up_to",
    "transform_problems",
]


@runtime_checkable
class ChargeModel(Protocol):
    """What every charge model offers."""

    @property
    def currency(self) -> Currency:
        """The currency of every amount the model produces."""
        ...

    def charge(self, quantity: Number) -> Money:
        """The exact, unrounded charge for ``quantity``."""
        ...

    def explain(self, quantity: Number) -> tuple[Step, ...]:
        """The steps that make up :meth:`charge` (they sum to it exactly)."""
        ...


def quantity_of(value: object, field: str = "quantity") -> Decimal:
    """A non-negative exact quantity."""
    return to_decimal(value, field)


@attrs.frozen(slots=True)
class Transform:
    """Turn a raw quantity into billable units: divide by ``divide_by``, then round.

    Stripe's ``transform_quantity``: seconds to started minutes is
    ``Transform(60, "up")``. ``rounding=None`` keeps the fraction.
    """

    divide_by: Decimal = attrs.field(converter=decimal_field("transform.divide_by"))  # type: ignore[misc]
    rounding: QuantityRounding | None = attrs.field(default="up")

    def __attrs_post_init__(self) -> None:
        problems, bad = converter_problems(self)
        if "divide_by" not in bad and self.divide_by <= 0:
            problems.append(Problem("transform.divide_by", "must be positive"))
        try:
            check_quantity_rounding(self.rounding, "transform.rounding")
        except PricingError as error:
            problems.extend(error.problems)
        raise_problems(problems, "quantity transform")

    def apply(self, quantity: Decimal) -> Decimal:
        """The billable units for a raw ``quantity``."""
        return round_quantity(CTX.divide(quantity, self.divide_by), self.rounding)


def _transformed(transform: Transform | None, quantity: Number) -> Decimal:
    q = quantity_of(quantity)
    return q if transform is None else transform.apply(q)


@attrs.frozen(slots=True)
class Flat:
    """A fixed amount whatever the quantity (a monthly fee, a setup fee)."""

    amount: Money

    def __attrs_post_init__(self) -> None:
        problems = money_problems(("amount", self.amount))
        if not problems and self.amount.amount < 0:
            problems.append(
                Problem(
                    "amount", "a flat fee cannot be negative; use a Discount to reduce a charge"
                )
            )
        raise_problems(problems, "flat fee")

    @property
    def currency(self) -> Currency:
        return self.amount.currency

    def charge(self, quantity: Number = 0) -> Money:
        """Always ``amount``."""
        quantity_of(quantity)
        return self.amount

    def explain(self, quantity: Number = 0) -> tuple[Step, ...]:
        quantity_of(quantity)
        return (Step("flat fee", self.amount, flat=self.amount),)


@attrs.frozen(slots=True)
class PerUnit:
    """``price`` per unit; fractional quantities allowed (minutes, agent hours)."""

    price: Money
    transform: Transform | None = None

    def __attrs_post_init__(self) -> None:
        problems = money_problems(("price", self.price))
        if not problems and self.price.amount < 0:
            problems.append(Problem("price", f"price {self.price} is negative"))
        problems.extend(transform_problems(self.transform))
        raise_problems(problems, "per-unit charge")

    @property
    def currency(self) -> Currency:
        return self.price.currency

    def charge(self, quantity: Number) -> Money:
        # Scalar rating is hot: a plain finite, non-negative Decimal skips the
        # general validation (which still rejects everything else, naming the field).
        if (
            type(quantity) is Decimal
            and self.transform is None
            and quantity.is_finite()
            and quantity >= ZERO
        ):
            return self.price * quantity
        return self.price * _transformed(self.transform, quantity)

    def explain(self, quantity: Number) -> tuple[Step, ...]:
        q = _transformed(self.transform, quantity)
        return (Step("per unit", self.price * q, quantity=q, unit_price=self.price),)


@attrs.frozen(slots=True)
class Package:
    """``price`` per started block of ``size`` units after ``free`` units.

    Blocks round up by default (a started block is a whole block); ``"down"``
    bills only full blocks and ``"half_up"`` rounds to the nearest block.
    """

    size: Decimal = attrs.field(converter=decimal_field("size"))  # type: ignore[misc]
    price: Money = attrs.field()
    free: Decimal = attrs.field(default=ZERO, converter=decimal_field("free"))  # type: ignore[misc]
    rounding: QuantityRounding = "up"
    transform: Transform | None = None

    def __attrs_post_init__(self) -> None:
        problems, bad = converter_problems(self)
        problems.extend(money_problems(("price", self.price)))
        if "size" not in bad and self.size <= 0:
            problems.append(Problem("size", "package size must be positive"))
        if isinstance(self.price, Money) and self.price.amount < 0:
            problems.append(Problem("price", f"price {self.price} is negative"))
        if self.rounding is None or self.rounding not in ("up", "down", "half_up", "half_even"):
            problems.append(
                Problem(
                    "rounding",
                    f"unknown package rounding {self.rounding!r} (use up, down, half_up or "
                    "half_even)",
                )
            )
        problems.extend(transform_problems(self.transform))
        raise_problems(problems, "package")

    @property
    def currency(self) -> Currency:
        return self.price.currency

    def packages(self, quantity: Number) -> Decimal:
        """How many blocks ``quantity`` is billed as."""
        q = _transformed(self.transform, quantity)
        billable = max(ZERO, CTX.subtract(q, self.free))
        return round_quantity(CTX.divide(billable, self.size), self.rounding)

    def charge(self, quantity: Number) -> Money:
        return self.price * self.packages(quantity)

    def explain(self, quantity: Number) -> tuple[Step, ...]:
        q = _transformed(self.transform, quantity)
        n = self.packages(q)
        steps = []
        if self.free:
            free_used = min(q, self.free)
            steps.append(
                Step(
                    f"free units (first {fmt(self.free)})",
                    Money.zero(self.currency),
                    quantity=free_used,
                )
            )
        steps.append(
            Step(
                f"packages of {fmt(self.size)} (rounded {self.rounding})",
                self.price * n,
                quantity=n,
                unit_price=self.price,
            )
        )
        return tuple(steps)


@attrs.frozen(slots=True)
class Tier:
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
) -> tuple[Tier, ...]:
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
                result.append(Tier(lower, upper, unit, flat))
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


def transform_problems(transform: object) -> list[Problem]:
    """A problem when ``transform`` is neither a :class:`Transform` nor ``None``."""
    if transform is None or isinstance(transform, Transform):
        return []
    return [Problem("transform", f"expected a Transform or None, got {transform!r}")]


def check_tiers(tiers: Sequence[object], field: str = "tiers") -> list[Problem]:
    """Every problem with a tier list: gaps, overlaps, order, open end, prices, currencies."""
    problems: list[Problem] = []
    if not tiers:
        return [Problem(field, "need at least one tier")]
    currency = None
    previous_upper: Decimal | None = ZERO
    for i, tier in enumerate(tiers):
        where = f"{field}[{i}]"
        if not isinstance(tier, Tier):
            problems.append(Problem(where, f"expected a Tier, got {tier!r}"))
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


def _tiers_field(value: object) -> tuple[Tier, ...]:
    result: tuple[Tier, ...] = items(value)
    return result


class _Tiered:
    """Shared validation and lookup of graduated and volume tiers."""

    __slots__ = ()
    tiers: tuple[Tier, ...]
    flat_at_zero: bool
    transform: Transform | None

    def _validate(self, what: str) -> tuple[Decimal, ...]:
        tiers: object = self.tiers
        if isinstance(tiers, tuple):
            problems = check_tiers(tiers)
        else:
            problems = [Problem("tiers", f"expected a list of Tier, got {tiers!r}")]
        flat_at_zero: object = self.flat_at_zero
        if not isinstance(flat_at_zero, bool):
            problems.append(
                Problem("flat_at_zero", f"expected True or False, got {flat_at_zero!r}")
            )
        problems.extend(transform_problems(self.transform))
        raise_problems(problems, what)
        return tuple(t.upper for t in self.tiers[:-1] if t.upper is not None)

    @property
    def currency(self) -> Currency:
        return self.tiers[0].unit_price.currency


@attrs.frozen(slots=True)
class Graduated(_Tiered):
    """Each unit priced by the tier it falls in, plus each entered tier's flat fee.

    ``flat_at_zero=True`` (the default) charges the first tier's flat fee even
    at zero quantity.
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_tiers_field)
    flat_at_zero: bool = True
    transform: Transform | None = None

    def __attrs_post_init__(self) -> None:
        self._validate("graduated tiers")

    @classmethod
    def up_to(
        cls, rows: Iterable[Sequence[object]], currency: str | Currency | None = None, **kw: object
    ) -> Graduated:
        """From Stripe-style ``(up_to, unit_price[, flat])`` rows."""
        return cls(tiers_up_to(rows, currency), **kw)  # type: ignore[arg-type]

    def explain(self, quantity: Number) -> tuple[Step, ...]:
        q = _transformed(self.transform, quantity)
        steps = []
        for i, tier in enumerate(self.tiers):
            if q <= tier.lower and not (i == 0 and q == 0 and self.flat_at_zero):
                break
            top = q if tier.upper is None else min(q, tier.upper)
            units = CTX.subtract(top, tier.lower)
            amount = tier.unit_price * units
            if tier.flat is not None:
                amount = amount + tier.flat
            steps.append(
                Step(
                    f"tier {i + 1} {tier.label()}",
                    amount,
                    quantity=units,
                    unit_price=tier.unit_price,
                    flat=tier.flat,
                )
            )
        if not steps:
            steps.append(Step("no usage", Money.zero(self.currency), quantity=q))
        return tuple(steps)

    def charge(self, quantity: Number) -> Money:
        return total_of(self.explain(quantity), self.currency)


@attrs.frozen(slots=True)
class Volume(_Tiered):
    """All units priced by the tier the total falls in (plus that tier's flat fee).

    The charge can drop when the total crosses into a cheaper tier. When a
    recurring volume charge is prorated, the tier is chosen by the full
    quantity and the price applies to the prorated units.
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_tiers_field)
    flat_at_zero: bool = True
    transform: Transform | None = None
    _uppers: tuple[Decimal, ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_uppers", self._validate("volume tiers"))

    @classmethod
    def up_to(
        cls, rows: Iterable[Sequence[object]], currency: str | Currency | None = None, **kw: object
    ) -> Volume:
        """From Stripe-style ``(up_to, unit_price[, flat])`` rows."""
        return cls(tiers_up_to(rows, currency), **kw)  # type: ignore[arg-type]

    def tier_index(self, quantity: Number) -> int:
        """The index of the tier a (transformed) quantity falls in."""
        return bisect_left(self._uppers, _transformed(self.transform, quantity))

    def explain(self, quantity: Number) -> tuple[Step, ...]:
        q = _transformed(self.transform, quantity)
        i = bisect_left(self._uppers, q)
        tier = self.tiers[i]
        amount = tier.unit_price * q
        flat = tier.flat if (q > 0 or self.flat_at_zero) else None
        if flat is not None:
            amount = amount + flat
        return (
            Step(
                f"all units at tier {i + 1} {tier.label()}",
                amount,
                quantity=q,
                unit_price=tier.unit_price,
                flat=flat,
            ),
        )

    def charge(self, quantity: Number) -> Money:
        return self.explain(quantity)[0].amount
