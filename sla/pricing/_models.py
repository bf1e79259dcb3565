"""Unit-based charge models: flat, per unit, package, graduated and volume tiers.

Every model is a frozen value with ``charge(quantity) -> Money`` (exact,
unrounded), ``steps(quantity) -> tuple[Step, ...]`` (one step per tier or
package count; the steps sum to the charge), ``explain(quantity)`` (the
package's :class:`~sla.Explanation`) and ``charge_many(column, scale)`` (exact
amounts for a whole numpy column, used by batch rating). Band bounds are stored as
``(lower, upper]``: a quantity ``q`` falls in the tier with ``lower < q <= upper``
(zero falls in the first tier), so fractional quantities between integer
bounds land in the right tier. Tiers and ``up_to`` rows live in ``_tiers``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs
import numpy as np

from sla._errors import PricingError, Problem
from sla._explain import Explanation
from sla._types import NumberText
from sla.money import Currency, Money
from sla.pricing._common import (
    CTX,
    ZERO,
    QuantityRounding,
    Step,
    check_quantity_rounding,
    converter_problems,
    decimal_field,
    explained,
    fmt,
    items,
    money_problems,
    raise_problems,
    round_quantity,
    to_decimal,
    total_of,
)
from sla.pricing._tiers import PriceBand as PriceBand
from sla.pricing._tiers import check_tiers as check_tiers
from sla.pricing._tiers import tiers_up_to as tiers_up_to
from sla.pricing._vector import (
    Column,
    Scaled,
    digits,
    div_round,
    graduated_sum,
    money_digits,
    scaled,
    widen,
)

__all__ = [
    "ChargeModel",
    "Flat",
    "Graduated",
    "Package",
    "PerUnit",
    "PriceBand",
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

    def charge(self, quantity: NumberText) -> Money:
        """The exact, unrounded charge for ``quantity``."""
        ...

    def steps(self, quantity: NumberText) -> tuple[Step, ...]:
        """The steps that make up :meth:`charge` (they sum to it exactly)."""
        ...

    def explain(self, quantity: NumberText) -> Explanation:
        """:meth:`charge` explained: the package's one :class:`~sla.Explanation`."""
        ...

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        """Exact amounts for a column of quantities in units of ``10**-scale``.

        Returns ``(amounts, amount_scale)``: integers in units of
        ``10**-amount_scale``. Batch rating calls this one method on every
        model; it never switches on the model's type. A model that prices
        each row on its own (a share of each transaction) says so with
        ``per_row = True``; the others price the sum of a group's rows.
        """
        ...

    @property
    def per_row(self) -> bool:
        """Whether each row is priced on its own (transactions) rather than the group's sum."""
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


def _transformed(transform: Transform | None, quantity: NumberText) -> Decimal:
    q = quantity_of(quantity)
    return q if transform is None else transform.apply(q)


def _transformed_many(
    transform: Transform | None, quantities: Column, scale: int, *bounds: Decimal
) -> tuple[Column, int]:
    """A quantity column after the transform, at a scale exact for ``bounds`` too."""
    if transform is not None:
        if transform.rounding is None:
            raise PricingError("batch rating needs a rounded transform", field="transform.rounding")
        divisor = transform.divide_by
        need = max(scale, digits(divisor))
        column = quantities * 10 ** (need - scale)
        quantities = div_round(column, scaled(divisor, need), transform.rounding)
        scale = 0
    need = max([scale, *map(digits, bounds)])
    return quantities * 10 ** (need - scale) if need > scale else quantities, need


class _ByGroup:
    """Models that price the sum of a group's rows (every model but per-transaction shares)."""

    __slots__ = ()

    @property
    def per_row(self) -> bool:
        return False

    def explain(self, quantity: NumberText) -> Explanation:
        """:meth:`charge` explained step by step (the steps sum to it exactly)."""
        model: ChargeModel = self  # type: ignore[assignment]
        return explained(
            f"{type(self).__name__.lower()} charge",
            quantity_of(quantity),
            model.steps(quantity),
            model.currency,
        )


@attrs.frozen(slots=True)
class Flat(_ByGroup):
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

    def charge(self, quantity: NumberText = 0) -> Money:
        """Always ``amount``."""
        quantity_of(quantity)
        return self.amount

    def steps(self, quantity: NumberText = 0) -> tuple[Step, ...]:
        quantity_of(quantity)
        # Not a tier's flat fee (Step.flat): a recurring flat fee is prorated like any fee.
        return (Step("flat fee", self.amount),)

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        p = money_digits(self.amount)
        price = scaled(self.amount.amount, p)
        kind = np.int64 if price < 2**62 else object
        return np.full(len(quantities), price, dtype=kind), p


@attrs.frozen(slots=True)
class PerUnit(_ByGroup):
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

    def charge(self, quantity: NumberText) -> Money:
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

    def steps(self, quantity: NumberText) -> tuple[Step, ...]:
        q = _transformed(self.transform, quantity)
        return (Step("per unit", self.price * q, quantity=q, unit_price=self.price),)

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        units, us = _transformed_many(self.transform, quantities, scale)
        p = money_digits(self.price)
        price = scaled(self.price.amount, p)
        return widen(units, price) * price, us + p


@attrs.frozen(slots=True)
class Package(_ByGroup):
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

    def packages(self, quantity: NumberText) -> Decimal:
        """How many blocks ``quantity`` is billed as."""
        q = _transformed(self.transform, quantity)
        billable = max(ZERO, CTX.subtract(q, self.free))
        return round_quantity(CTX.divide(billable, self.size), self.rounding)

    def charge(self, quantity: NumberText) -> Money:
        return self.price * self.packages(quantity)

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        units, us = _transformed_many(self.transform, quantities, scale, self.size, self.free)
        billable = np.maximum(units - scaled(self.free, us), 0)
        packs = div_round(billable, scaled(self.size, us), self.rounding)
        p = money_digits(self.price)
        price = scaled(self.price.amount, p)
        return widen(packs, price) * price, p

    def steps(self, quantity: NumberText) -> tuple[Step, ...]:
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


def transform_problems(transform: object) -> list[Problem]:
    """A problem when ``transform`` is neither a :class:`Transform` nor ``None``."""
    if transform is None or isinstance(transform, Transform):
        return []
    return [Problem("transform", f"expected a Transform or None, got {transform!r}")]


def _tiers_field(value: object) -> tuple[PriceBand, ...]:
    result: tuple[PriceBand, ...] = items(value)
    return result


class _Tiered(_ByGroup):
    """Shared validation and lookup of graduated and volume tiers."""

    __slots__ = ()
    tiers: tuple[PriceBand, ...]
    flat_at_zero: bool
    transform: Transform | None

    def _validate(self, what: str) -> tuple[Decimal, ...]:
        tiers: object = self.tiers
        if isinstance(tiers, tuple):
            problems = check_tiers(tiers)
        else:
            problems = [Problem("tiers", f"expected a list of PriceBand, got {tiers!r}")]
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

    def _columns(
        self, quantities: Column, scale: int
    ) -> tuple[Column, int, list[int], list[int], int]:
        """Units at an exact scale, scaled unit prices and flat fees, and the price scale."""
        bounds = [b for t in self.tiers for b in (t.lower, t.upper) if b is not None]
        units, us = _transformed_many(self.transform, quantities, scale, *bounds)
        p = money_digits(*(t.unit_price for t in self.tiers), *(t.flat for t in self.tiers))
        prices = [scaled(t.unit_price.amount, p) for t in self.tiers]
        flats = [0 if t.flat is None else scaled(t.flat.amount, p) * 10**us for t in self.tiers]
        units = widen(units, max(prices), sum(flats))
        return units, us, prices, flats, p


@attrs.frozen(slots=True)
class Graduated(_Tiered):
    """Each unit priced by the tier it falls in, plus each entered tier's flat fee.

    ``flat_at_zero=True`` (the default) charges the first tier's flat fee even
    at zero quantity.
    """

    tiers: tuple[PriceBand, ...] = attrs.field(converter=_tiers_field)
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

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        units, us, prices, flats, p = self._columns(quantities, scale)
        bounds = [
            (scaled(t.lower, us), None if t.upper is None else scaled(t.upper, us))
            for t in self.tiers
        ]
        return graduated_sum(units, bounds, prices, flats, self.flat_at_zero), us + p

    def steps(self, quantity: NumberText) -> tuple[Step, ...]:
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

    def charge(self, quantity: NumberText) -> Money:
        return total_of(self.steps(quantity), self.currency)


@attrs.frozen(slots=True)
class Volume(_Tiered):
    """All units priced by the tier the total falls in (plus that tier's flat fee).

    The charge can drop when the total crosses into a cheaper tier. When a
    recurring volume charge is prorated, the tier is chosen by the full
    quantity and the price applies to the prorated units.
    """

    tiers: tuple[PriceBand, ...] = attrs.field(converter=_tiers_field)
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

    def tier_index(self, quantity: NumberText) -> int:
        """The index of the tier a (transformed) quantity falls in."""
        return bisect_left(self._uppers, _transformed(self.transform, quantity))

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        units, us, prices, flats, p = self._columns(quantities, scale)
        bounds = [scaled(u, us) for u in self._uppers]
        if units.dtype == object or max(bounds, default=0) >= 2**62:
            units = units.astype(object)
        uppers = np.array(bounds, dtype=units.dtype)
        idx = np.searchsorted(uppers, units, side="left")
        unit_p = np.asarray(prices, dtype=units.dtype)[idx]
        flat = np.asarray(flats, dtype=units.dtype)[idx]
        charged = (units > 0) | self.flat_at_zero
        return units * unit_p + flat * charged, us + p

    def steps(self, quantity: NumberText) -> tuple[Step, ...]:
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

    def charge(self, quantity: NumberText) -> Money:
        return self.steps(quantity)[0].amount
