"""Percentage charge models and the greater-of wrapper.

``Percentage`` takes a share of each transaction (with a fixed fee, free
events or a free amount, and a minimum and maximum per transaction);
``GraduatedPercentage`` applies a rate per band of an amount;
``GreaterOf(minimum, model)`` bills at least ``minimum``. AWS's Business
support plan ("the greater of $100 or 10 % of the first $10K, 7 % of the next
$70K, 5 % of the next $170K, 3 % above $250K") is
``GreaterOf(Money("100", "USD"), GraduatedPercentage(...))``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs
import numpy as np

from sla._errors import MoneyError, PricingError, Problem
from sla._explain import Explanation
from sla._types import NumberText
from sla.money import Currency, Money
from sla.pricing._common import (
    CTX,
    ZERO,
    Step,
    converter_problems,
    decimal_field,
    explained,
    fmt,
    money_problems,
    optional_decimal_field,
    pct,
    raise_problems,
    to_decimal,
    to_money,
    total_of,
)
from sla.pricing._models import ChargeModel
from sla.pricing._vector import (
    Column,
    Scaled,
    digits,
    graduated_sum,
    money_digits,
    rescale,
    scaled,
    widen,
)

__all__ = ["GraduatedPercentage", "GreaterOf", "PercentTier", "Percentage"]

Amounts = NumberText | Money | Sequence[NumberText | Money]


def _amount(value: object, currency: Currency, field: str) -> Decimal:
    if isinstance(value, Money):
        if value.currency != currency:
            raise PricingError(
                f"{value} is in {value.currency.code}, the charge is in {currency.code}",
                field=field,
            )
        if value.amount < 0:
            raise PricingError(f"{value} is negative", field=field)
        return value.amount
    return to_decimal(value, field)


def _amounts(value: Amounts, currency: Currency) -> list[Decimal]:
    if isinstance(value, (Money, Decimal, int, str)) or not isinstance(value, Iterable):
        return [_amount(value, currency, "quantity")]
    return [_amount(v, currency, f"quantity[{i}]") for i, v in enumerate(value)]


def _optional_amount(value: object, field: str) -> Decimal | None:
    return None if value is None else to_decimal(value, field)


@attrs.frozen(slots=True)
class Percentage:
    """``rate`` of each transaction plus a ``fixed`` fee, clamped per transaction.

    ``charge`` takes one amount or a sequence of transaction amounts. While
    the free allowances last (the first ``free_events`` transactions and the
    first ``free_amount`` of value; when both are set a transaction is free
    only while both last), nothing is charged; a transaction that uses up
    the rest of ``free_amount`` pays the rate on its excess and the fixed fee.
    The fee of each charged transaction (rate part + fixed) is then raised to
    ``min_per_tx`` and cut to ``max_per_tx``.
    """

    rate: Decimal = attrs.field(converter=decimal_field("rate"))  # type: ignore[misc]
    fixed: Money | None = None
    free_events: int | None = None
    free_amount: Money | None = None
    min_per_tx: Money | None = None
    max_per_tx: Money | None = None
    currency_code: str | Currency | None = attrs.field(default=None, repr=False)
    _currency: Currency = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        monies = [
            ("fixed", self.fixed),
            ("free_amount", self.free_amount),
            ("min_per_tx", self.min_per_tx),
            ("max_per_tx", self.max_per_tx),
        ]
        problems, bad = converter_problems(self)
        wrong = money_problems(*monies, optional=True)
        problems.extend(wrong)
        monies = [(name, m) for name, m in monies if name not in {p.field for p in wrong}]
        found = {m.currency for _, m in monies if m is not None}
        if self.currency_code is not None:
            try:
                found.add(Currency(self.currency_code))
            except MoneyError as error:
                problems.append(Problem("currency_code", error.reason))
        if len(found) > 1:
            codes = ", ".join(sorted(c.code for c in found))
            problems.append(Problem("currency", f"mixed currencies: {codes}"))
        if not found and not problems:
            problems.append(Problem("currency", "give currency_code or a money amount"))
        if "rate" not in bad and self.rate > 1:
            # As in GraduatedPercentage: "2" is 200 %, almost always meant as "2%".
            problems.append(
                Problem("rate", f"{pct(self.rate)} is above 100 % (write '2%' for 2 %)")
            )
        for name, money in monies:
            if money is not None and money.amount < 0:
                problems.append(Problem(name, f"{money} is negative"))
        if (
            self.min_per_tx is not None
            and self.max_per_tx is not None
            and len(found) == 1
            and not wrong
            and self.min_per_tx > self.max_per_tx
        ):
            problems.append(Problem("min_per_tx", "minimum per transaction is above the maximum"))
        if self.free_events is not None and (
            isinstance(self.free_events, bool)
            or not isinstance(self.free_events, int)
            or self.free_events < 0
        ):
            problems.append(Problem("free_events", "must be a non-negative int"))
        raise_problems(problems, "percentage charge")
        object.__setattr__(self, "_currency", found.pop())

    @property
    def currency(self) -> Currency:
        return self._currency

    @property
    def per_row(self) -> bool:
        """Each row of a batch is one transaction, priced on its own."""
        return True

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        """The fee of each transaction (one row each), exact.

        Free allowances depend on the order of a customer's transactions, which a
        column does not carry: a plan with ``free_events`` or ``free_amount`` is
        invoiced with :func:`~sla.pricing.invoice`, not rated in batch.
        """
        if self.free_events is not None or self.free_amount is not None:
            raise PricingError(
                "free allowances depend on transaction order; batch rating refuses them "
                "(invoice the transactions instead)",
                field="free_events" if self.free_events is not None else "free_amount",
            )
        r = digits(self.rate)
        rate = scaled(self.rate, r)
        out = max(scale + r, money_digits(self.fixed, self.min_per_tx, self.max_per_tx))
        fees = rescale((widen(quantities, rate * 10 ** (out - scale - r)) * rate, scale + r), out)
        if self.fixed is not None:
            fees = fees + scaled(self.fixed.amount, out)
        if self.min_per_tx is not None:
            fees = np.maximum(fees, scaled(self.min_per_tx.amount, out))
        if self.max_per_tx is not None:
            fees = np.minimum(fees, scaled(self.max_per_tx.amount, out))
        return fees, out

    def explain(self, quantity: Amounts) -> Explanation:
        """:meth:`charge` explained step by step."""
        return explained("percentage charge", quantity, self.steps(quantity), self._currency)

    def steps(self, quantity: Amounts) -> tuple[Step, ...]:
        cur = self._currency
        zero = Money.zero(cur)
        events_left = self.free_events
        amount_left = None if self.free_amount is None else self.free_amount.amount
        limited = events_left is not None or amount_left is not None
        charged_value = ZERO
        free_value = ZERO
        n_charged = n_free = n_min = n_max = 0
        top_ups = cuts = zero
        for value in _amounts(quantity, cur):
            chargeable = value
            free_now = (
                limited
                and (events_left is None or events_left > 0)
                and (amount_left is None or amount_left > 0)
            )
            if free_now:
                if events_left is not None:
                    events_left -= 1
                if amount_left is not None:
                    covered = min(value, amount_left)
                    amount_left = CTX.subtract(amount_left, covered)
                    chargeable = CTX.subtract(value, covered)
                else:
                    chargeable = ZERO
                free_value = CTX.add(free_value, CTX.subtract(value, chargeable))
                if chargeable == 0:
                    n_free += 1
                    continue
            n_charged += 1
            charged_value = CTX.add(charged_value, chargeable)
            fee = Money(CTX.multiply(self.rate, chargeable), cur)
            if self.fixed is not None:
                fee = fee + self.fixed
            if self.min_per_tx is not None and fee < self.min_per_tx:
                top_ups, n_min = top_ups + (self.min_per_tx - fee), n_min + 1
            elif self.max_per_tx is not None and fee > self.max_per_tx:
                cuts, n_max = cuts + (fee - self.max_per_tx), n_max + 1
        steps = []
        if limited:
            steps.append(
                Step(
                    f"free: {n_free} transaction(s), {fmt(free_value)} of value",
                    zero,
                    quantity=free_value,
                )
            )
        steps.append(
            Step(
                f"{pct(self.rate)} of {n_charged} transaction(s)",
                Money(CTX.multiply(self.rate, charged_value), cur),
                quantity=charged_value,
                rate=self.rate,
            )
        )
        if self.fixed is not None and self.fixed:
            steps.append(
                Step(
                    f"fixed fee × {n_charged}",
                    self.fixed * n_charged,
                    quantity=Decimal(n_charged),
                    unit_price=self.fixed,
                )
            )
        if n_min:
            steps.append(Step(f"raised to the minimum per transaction on {n_min}", top_ups))
        if n_max:
            steps.append(Step(f"cut to the maximum per transaction on {n_max}", -cuts))
        return tuple(steps)

    def charge(self, quantity: Amounts) -> Money:
        return total_of(self.steps(quantity), self._currency)


@attrs.frozen(slots=True)
class PercentTier:
    """One band ``(lower, upper]`` of an amount with a rate and an optional flat fee."""

    lower: Decimal = attrs.field(converter=decimal_field("lower"))  # type: ignore[misc]
    upper: Decimal | None = attrs.field(converter=optional_decimal_field("upper"))  # type: ignore[misc]
    rate: Decimal = attrs.field(converter=decimal_field("rate"))  # type: ignore[misc]
    flat: Money | None = None

    def __attrs_post_init__(self) -> None:
        # The flat fee is checked by GraduatedPercentage, which knows the currency.
        raise_problems(converter_problems(self)[0], "percentage tier")


def _percent_tiers(value: Iterable[PercentTier]) -> tuple[PercentTier, ...]:
    return tuple(value)


@attrs.frozen(slots=True)
class GraduatedPercentage:
    """A rate per band of an amount: each part of the amount pays its band's rate.

    >>> aws = GraduatedPercentage.up_to(
    ...     [(10_000, "10%"), (80_000, "7%"), (250_000, "5%"), (None, "3%")], "USD")
    >>> aws.charge(Money("85000", "USD"))
    Money('6150.00', 'USD')
    """

    tiers: tuple[PercentTier, ...] = attrs.field(converter=_percent_tiers)
    currency_code: str | Currency
    flat_at_zero: bool = True

    def __attrs_post_init__(self) -> None:
        problems = []
        flat_at_zero: object = self.flat_at_zero
        if not isinstance(flat_at_zero, bool):
            problems.append(
                Problem("flat_at_zero", f"expected True or False, got {flat_at_zero!r}")
            )
        currency: Currency | None = None
        try:
            currency = Currency(self.currency_code)
        except MoneyError as error:
            problems.append(Problem("currency_code", error.reason))
        if not self.tiers:
            problems.append(Problem("tiers", "need at least one tier"))
        previous: Decimal | None = ZERO
        items: tuple[object, ...] = self.tiers
        for i, item in enumerate(items):
            where = f"tiers[{i}]"
            if not isinstance(item, PercentTier):
                problems.append(Problem(where, f"expected a PercentTier, got {item!r}"))
                continue
            tier = item
            if previous is None:
                problems.append(Problem(where, "follows an open-ended tier"))
            elif tier.lower != previous:
                kind = "gap" if tier.lower > previous else "overlap"
                problems.append(
                    Problem(
                        f"{where}.lower",
                        f"{kind}: starts at {fmt(tier.lower)}, previous ends at {fmt(previous)}",
                    )
                )
            if tier.upper is not None and tier.upper <= tier.lower:
                problems.append(Problem(f"{where}.upper", "not above the lower bound"))
            if tier.rate > 1:
                problems.append(Problem(f"{where}.rate", f"{pct(tier.rate)} is above 100 %"))
            flat: object = tier.flat
            if not isinstance(flat, Money | None):
                problems.extend(money_problems((f"{where}.flat", flat)))
            elif tier.flat is not None and currency is not None and tier.flat.currency != currency:
                problems.append(Problem(f"{where}.flat", "currency differs from the charge's"))
            previous = tier.upper
        if self.tiers and getattr(self.tiers[-1], "upper", None) is not None:
            problems.append(
                Problem(f"tiers[{len(self.tiers) - 1}].upper", "the last tier must be open-ended")
            )
        raise_problems(problems, "graduated percentage tiers")

    @classmethod
    def up_to(
        cls,
        rows: Iterable[Sequence[object]],
        currency: str | Currency,
        *,
        flat_at_zero: bool = True,
    ) -> GraduatedPercentage:
        """From ``(up_to, rate[, flat])`` rows; rates as ``"10%"`` or ``Decimal("0.1")``.

        The currency is required: a plan never falls back to dollars silently.
        """
        problems: list[Problem] = []
        cur: Currency | None = None
        try:
            cur = Currency(currency)
        except MoneyError as error:
            problems.append(Problem("currency", error.reason))
        tiers: list[PercentTier] = []
        lower: Decimal | None = ZERO
        for i, row in enumerate(rows):
            where = f"tiers[{i}]"
            if isinstance(row, str) or not isinstance(row, Sequence) or not 2 <= len(row) <= 3:
                problems.append(Problem(where, f"expected (up_to, rate[, flat]), got {row!r}"))
                lower = None
                continue
            found = len(problems)
            up_to, rate, flat = _percent_row(row, cur, where, problems)
            if len(problems) == found and lower is not None:
                tiers.append(PercentTier(lower, up_to, rate, flat))
            if isinstance(up_to, Decimal):
                lower = up_to
            elif len(problems) > found:
                lower = None  # unknown: the next band cannot be placed
        if problems:
            raise PricingError.from_problems(problems, what="graduated percentage tiers")
        assert cur is not None
        return cls(tiers, cur, flat_at_zero)

    @property
    def currency(self) -> Currency:
        return Currency(self.currency_code)

    @property
    def per_row(self) -> bool:
        """A batch prices the sum of a group's amounts (as :meth:`charge` prices one amount)."""
        return False

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        bounds = [b for t in self.tiers for b in (t.lower, t.upper) if b is not None]
        qs = max([scale, *map(digits, bounds)])
        amounts = quantities * 10 ** (qs - scale) if qs > scale else quantities
        r = max([0, *(digits(t.rate) for t in self.tiers)])
        out = max(qs + r, money_digits(*(t.flat for t in self.tiers)))
        rates = [scaled(t.rate, r) * 10 ** (out - qs - r) for t in self.tiers]
        flats = [0 if t.flat is None else scaled(t.flat.amount, out) for t in self.tiers]
        amounts = widen(amounts, max(rates), sum(flats))
        bands = [
            (scaled(t.lower, qs), None if t.upper is None else scaled(t.upper, qs))
            for t in self.tiers
        ]
        return graduated_sum(amounts, bands, rates, flats, self.flat_at_zero), out

    def explain(self, quantity: NumberText | Money) -> Explanation:
        """:meth:`charge` explained band by band."""
        shown = quantity if isinstance(quantity, Money) else _amount(quantity, self.currency, "q")
        return explained("graduated percentage", shown, self.steps(quantity), self.currency)

    def steps(self, quantity: NumberText | Money) -> tuple[Step, ...]:
        cur = self.currency
        q = _amount(quantity, cur, "quantity")
        steps = []
        for i, tier in enumerate(self.tiers):
            if q <= tier.lower and i > 0:
                break
            top = q if tier.upper is None else min(q, tier.upper)
            part = CTX.subtract(top, tier.lower)
            amount = Money(CTX.multiply(part, tier.rate), cur)
            entered = part > 0 or (i == 0 and self.flat_at_zero)
            if tier.flat is not None and entered:
                amount = amount + tier.flat
            upper = "∞" if tier.upper is None else fmt(tier.upper)
            steps.append(
                Step(
                    f"band {i + 1} ({fmt(tier.lower)}, {upper}]",
                    amount,
                    quantity=part,
                    rate=tier.rate,
                    flat=tier.flat if entered else None,
                )
            )
        return tuple(steps)

    def charge(self, quantity: NumberText | Money) -> Money:
        return total_of(self.steps(quantity), self.currency)


def _percent_row(
    row: Sequence[object], cur: Currency | None, where: str, problems: list[Problem]
) -> tuple[Decimal | None, Decimal, Money | None]:
    """The bound, rate and flat fee of one ``(up_to, rate[, flat])`` row, problems recorded."""
    up_to: Decimal | None = None
    rate = ZERO
    flat: Money | None = None
    try:
        if row[0] not in (None, "inf"):
            up_to = to_decimal(row[0], f"{where}.up_to")
    except PricingError as error:
        problems.extend(error.problems)
    try:
        rate = to_decimal(row[1], f"{where}.rate")
    except PricingError as error:
        problems.extend(error.problems)
    try:
        if len(row) > 2 and row[2] is not None:
            flat = to_money(row[2], cur, f"{where}.flat")
    except PricingError as error:
        problems.extend(error.problems)
    return up_to, rate, flat


@attrs.frozen(slots=True)
class GreaterOf:
    """The greater of ``minimum`` and what ``model`` charges."""

    minimum: Money
    model: ChargeModel

    def __attrs_post_init__(self) -> None:
        problems = money_problems(("minimum", self.minimum))
        model: object = self.model
        minimum: object = self.minimum
        if not isinstance(model, ChargeModel):
            problems.append(Problem("model", f"{model!r} is not a charge model"))
        if isinstance(minimum, Money):
            if isinstance(model, ChargeModel) and minimum.currency != model.currency:
                problems.append(
                    Problem(
                        "minimum",
                        f"{minimum.currency.code} differs from the model's {model.currency.code}",
                    )
                )
            if minimum.amount < 0:
                problems.append(Problem("minimum", f"{minimum} is negative"))
        raise_problems(problems, "greater-of charge")

    @property
    def currency(self) -> Currency:
        return self.minimum.currency

    @property
    def per_row(self) -> bool:
        return False

    def steps(self, quantity: object) -> tuple[Step, ...]:
        steps = self.model.steps(quantity)  # type: ignore[arg-type]
        subtotal = total_of(steps, self.currency)
        if subtotal < self.minimum:
            top_up = self.minimum - subtotal
            return (*steps, Step(f"raised to the minimum {fmt(self.minimum.amount)}", top_up))
        return steps

    def explain(self, quantity: object) -> Explanation:
        """:meth:`charge` explained: the model's steps and any top-up to the minimum."""
        return explained("greater-of charge", quantity, self.steps(quantity), self.currency)

    def charge_many(self, quantities: Column, scale: int) -> Scaled:
        if self.model.per_row:
            raise PricingError(
                "batch rating of a minimum over per-transaction shares is not supported "
                "(the minimum applies to a group's sum); invoice it instead",
                field="model",
            )
        amounts = self.model.charge_many(quantities, scale)
        out = max(amounts[1], money_digits(self.minimum))
        return np.maximum(rescale(amounts, out), scaled(self.minimum.amount, out)), out

    def charge(self, quantity: object) -> Money:
        return total_of(self.steps(quantity), self.currency)
