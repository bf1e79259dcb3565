"""Price plans: charges with allowances, discounts, minimums and caps, per service class.

A :class:`Charge` prices one metric of usage (or a recurring fee) with a
charge model. Its adjustments apply in this documented order, each an
explained step that becomes its own invoice line:

1. usage discounts: ``included`` units, then ``Discount.units`` (the
   quantity shrinks before the model prices it);
2. the charge model on the remaining quantity (prorated for a recurring fee);
3. amount discounts (``Discount.amount``, never below zero);
4. percentage discounts (``Discount.percent``, on what is left);
5. the minimum (a true-up line for the shortfall);
6. the maximum (a negative cap line for the excess).

A :class:`Plan` bundles charges for one service class with a currency, a
money rounding mode (half-even by default), a tax rate, an optional minimum
commitment for the period and an optional credit schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Literal, TypeAlias

import attrs

from sla._errors import PricingError, Problem
from sla._types import NumberText
from sla.money import Currency, Money
from sla.pricing._adjust import TaxRate, TaxRounding
from sla.pricing._common import (
    CTX,
    ZERO,
    Step,
    converter_problems,
    currency_field,
    decimal_field,
    fmt,
    items,
    money_problems,
    pct,
    raise_problems,
    rounding_field,
    share_field,
    to_decimal,
    to_share,
)
from sla.pricing._credits import CreditSchedule
from sla.pricing._models import ChargeModel
from sla.pricing._periods import ProrationUnit, _zone

__all__ = ["Charge", "Discount", "LineKind", "Plan", "RawLine"]

LineKind: TypeAlias = Literal[
    "fee",
    "proration",
    "usage",
    "overage",
    "discount",
    "true-up",
    "cap",
    "credit",
    "coupon",
    "tax",
    "prepaid",
]


@attrs.frozen(slots=True)
class Discount:
    """A discount: ``units`` off the quantity, a fixed ``amount`` off, or a ``percent`` off."""

    kind: Literal["units", "amount", "percent"]
    value: Decimal | Money
    label: str = ""

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        value: object = self.value
        if self.kind == "amount":
            if not isinstance(value, Money):
                problems.extend(money_problems(("value", value)))
            elif value.amount < 0:
                problems.append(Problem("value", f"an amount discount of {value} is negative"))
        elif self.kind in ("units", "percent"):
            problems.extend(_number_problems(self.kind, value))
        else:
            problems.append(
                Problem("kind", f"unknown discount kind {self.kind!r} (units, amount or percent)")
            )
        label: object = self.label
        if not isinstance(label, str):
            problems.append(Problem("label", f"expected text, got {label!r}"))
        raise_problems(problems, "discount")

    @classmethod
    def units(cls, units: NumberText, label: str = "") -> Discount:
        """``units`` free units taken off the quantity."""
        return cls("units", _lenient(to_decimal, units), label)

    @classmethod
    def amount(cls, amount: Money, label: str = "") -> Discount:
        """A fixed amount off the charge."""
        return cls("amount", amount, label)

    @classmethod
    def percent(cls, share: NumberText, label: str = "") -> Discount:
        """A share off the charge: ``Discount.percent("10%")``."""
        return cls("percent", _lenient(to_share, share), label)


def _lenient(convert: Callable[[object, str], Decimal], value: object) -> Decimal:
    # A value that does not convert is kept; Discount's own check reports it with the rest.
    try:
        return convert(value, "value")
    except PricingError:
        return value  # type: ignore[return-value]


def _number_problems(kind: str, value: object) -> list[Problem]:
    """Why ``value`` is not a valid units or percent discount (no problem: ``[]``)."""
    convert = to_share if kind == "percent" else to_decimal
    try:
        number = convert(value, "value")
    except PricingError as error:
        return list(error.problems)
    if not isinstance(value, Decimal):
        helper = f"Discount.{kind}({value!r})"
        return [Problem("value", f"a {kind} discount needs a Decimal; use {helper}")]
    if kind == "percent" and number > 1:
        return [Problem("value", "a percent discount above 100 %")]
    return []


@attrs.frozen(slots=True)
class RawLine:
    """An invoice line before rounding: what, how much exactly, and why."""

    kind: LineKind
    description: str
    amount: Money
    charge: str | None = None
    quantity: Decimal | None = None
    steps: tuple[Step, ...] = ()


def _discounts(value: Iterable[Discount]) -> tuple[Discount, ...]:
    result: tuple[Discount, ...] = items(value)
    return result


@attrs.frozen(slots=True)
class Charge:
    """One priced item of a plan: a recurring fee or a usage metric.

    ``metric=None`` prices a quantity of 1 (a flat fee); ``recurring=True``
    prorates the charge (and its minimum and maximum) over a partial period.
    """

    name: str
    model: ChargeModel
    metric: str | None = None
    recurring: bool = False
    included: Decimal = attrs.field(default=ZERO, converter=decimal_field("included"))  # type: ignore[misc]
    discounts: tuple[Discount, ...] = attrs.field(default=(), converter=_discounts)
    minimum: Money | None = None
    maximum: Money | None = None
    description: str = ""
    unit: str = ""
    prorate_tier_flat: bool = False
    prorate_included: bool = True

    def __attrs_post_init__(self) -> None:
        raise_problems(self.problems(), f"charge {self.name!r}")

    @property
    def unit_words(self) -> str:
        """What the invoice calls the metric's units: ``unit``, else words from the metric.

        ``contacts.voice`` reads as "voice contacts": an invoice never shows an internal key.
        """
        if self.unit:
            return self.unit
        if self.metric is None:
            return ""
        return " ".join(reversed(self.metric.replace("_", " ").split(".")))

    def problems(self, currency: Currency | None = None) -> list[Problem]:
        """Every problem with this charge (currency mixes checked against ``currency``)."""
        found, _ = converter_problems(self)
        model: object = self.model
        cur = currency
        if not isinstance(self.name, str) or not self.name:
            found.append(Problem("name", f"a charge needs a non-empty name, got {self.name!r}"))
        if not isinstance(model, ChargeModel):
            found.append(Problem("model", f"{model!r} is not a charge model"))
        else:
            cur = cur or model.currency
            if model.currency != cur:
                found.append(
                    Problem("model", f"priced in {model.currency.code}, the plan is in {cur.code}")
                )
        if self.metric is not None and (not isinstance(self.metric, str) or not self.metric):
            found.append(Problem("metric", f"expected a metric name or None, got {self.metric!r}"))
        for name in ("recurring", "prorate_tier_flat", "prorate_included"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                found.append(Problem(name, f"expected True or False, got {value!r}"))
        unit: object = self.unit
        if not isinstance(unit, str):
            found.append(Problem("unit", f"expected text, got {unit!r}"))
        money = money_problems(("minimum", self.minimum), ("maximum", self.maximum), optional=True)
        found.extend(money)
        for name in ("minimum", "maximum"):
            value = getattr(self, name)
            if not isinstance(value, Money):
                continue
            if cur is not None and value.currency != cur:
                found.append(Problem(name, f"{value.currency.code} mixed with {cur.code}"))
            elif value.amount < 0:
                found.append(Problem(name, f"{value} is negative"))
        discounts: object = self.discounts
        if not isinstance(discounts, tuple):
            found.append(Problem("discounts", f"expected a list of Discount, got {discounts!r}"))
            discounts = ()
        for i, d in enumerate(discounts):
            if not isinstance(d, Discount):
                found.append(Problem(f"discounts[{i}]", f"expected a Discount, got {d!r}"))
            elif isinstance(d.value, Money) and cur is not None and d.value.currency != cur:
                found.append(
                    Problem(f"discounts[{i}]", f"{d.value.currency.code} mixed with {cur.code}")
                )
        if (
            isinstance(self.minimum, Money)
            and isinstance(self.maximum, Money)
            and not found
            and self.minimum > self.maximum
        ):
            found.append(Problem("minimum", "is above the maximum"))
        return found

    def lines(self, quantity: NumberText, fraction: Fraction = Fraction(1)) -> list[RawLine]:
        """The unrounded lines of this charge for ``quantity`` (``fraction`` of a period)."""
        cur = self.model.currency
        raw = to_decimal(quantity, f"usage[{self.metric}]")
        partial = fraction != 1
        included = self.included
        if partial and included and self.prorate_included:
            included = _prorated_number(included, fraction)
        billable = max(ZERO, CTX.subtract(raw, included))
        notes = []
        if self.included:
            notes.append(f"{fmt(min(raw, included))} of {fmt(included)} included")
        for d in self.discounts:
            if d.kind == "units" and isinstance(d.value, Decimal):
                taken = min(billable, d.value)
                billable = CTX.subtract(billable, taken)
                notes.append(f"{fmt(taken)} units off{' (' + d.label + ')' if d.label else ''}")
        steps = self.model.steps(billable)
        amount = sum((s.amount for s in steps), Money.zero(cur))
        scaled = False
        kind: LineKind = "overage" if self.included else "usage"
        text = self.description or self.name
        if self.recurring:
            kind = "fee"
            if partial:
                kind = "proration"
                scaled = True
                # Tier flat fees are billed whole unless the charge says otherwise (Lago).
                flats = sum((st.flat for st in steps if st.flat is not None), Money.zero(cur))
                if self.prorate_tier_flat or not flats:
                    amount = prorated(amount, fraction)
                else:
                    amount = prorated(amount - flats, fraction) + flats
                    notes.append(f"tier flat fee {flats} billed whole")
                text += f" × {fraction.numerator}/{fraction.denominator} of the period"
        if self.metric is not None:
            text += f": {fmt(billable)} {self.unit_words}"
        if notes:
            text += f" ({'; '.join(notes)})"
        out = [RawLine(kind, text, amount, self.name, billable, steps)]
        net = amount
        for d in sorted(
            self.discounts, key=lambda d: {"units": 0, "amount": 1, "percent": 2}[d.kind]
        ):
            label = f"{self.name}: {d.label or 'discount'}"
            if d.kind == "amount" and isinstance(d.value, Money):
                off = min(net, d.value)
                out.append(RawLine("discount", f"{label} ({d.value} off)", -off, self.name))
                net = net - off
            elif d.kind == "percent" and isinstance(d.value, Decimal):
                off = net * d.value
                out.append(RawLine("discount", f"{label} ({pct(d.value)} off)", -off, self.name))
                net = net - off
        minimum = self.minimum
        maximum = self.maximum
        if scaled:
            minimum = None if minimum is None else prorated(minimum, fraction)
            maximum = None if maximum is None else prorated(maximum, fraction)
        if minimum is not None and net < minimum:
            out.append(
                RawLine(
                    "true-up",
                    f"{self.name}: minimum {minimum} (shortfall)",
                    minimum - net,
                    self.name,
                )
            )
            net = minimum
        if maximum is not None and net > maximum:
            out.append(
                RawLine("cap", f"{self.name}: capped at {maximum}", maximum - net, self.name)
            )
        return out


def _taxes(value: Iterable[TaxRate]) -> tuple[TaxRate, ...]:
    result: tuple[TaxRate, ...] = items(value)
    return result


def prorated(amount: Money, fraction: Fraction) -> Money:
    """``amount × fraction``: multiplied first, divided once (exact when the share terminates)."""
    if fraction == 1:
        return amount
    return amount * fraction.numerator / fraction.denominator


def _prorated_number(value: Decimal, fraction: Fraction) -> Decimal:
    return CTX.divide(CTX.multiply(value, Decimal(fraction.numerator)), fraction.denominator)


def _charges(value: Iterable[Charge]) -> tuple[Charge, ...]:
    result: tuple[Charge, ...] = items(value)
    return result


@attrs.frozen(slots=True)
class Plan:
    """A price plan for one service class (tier code such as ``"A"``).

    ``rounding`` rounds every invoice line once (``"ROUND_HALF_EVEN"`` by
    default, ``"half_up"`` available); ``tax_rate`` is a share;
    ``commitment`` is the minimum spend per period (shortfall billed as a
    true-up line, prorated with the plan's active share); credits are
    negative lines before tax unless ``credits_before_tax=False``.
    """

    name: str
    currency: Currency = attrs.field(converter=currency_field())  # type: ignore[misc]
    charges: tuple[Charge, ...] = attrs.field(converter=_charges)
    service_class: str | None = None
    commitment: Money | None = None
    rounding: str = attrs.field(default="ROUND_HALF_EVEN", converter=rounding_field())  # type: ignore[misc]
    tax_rate: Decimal = attrs.field(default=ZERO, converter=share_field("tax_rate"))  # type: ignore[misc]
    tax_label: str = "tax"
    credits: CreditSchedule | None = None
    credits_before_tax: bool = True
    zone: str | None = None
    proration: ProrationUnit = "day"
    credit_rounding: Literal["plan", "toward_zero"] = "plan"
    credits_may_exceed_charges: bool = False
    taxes: tuple[TaxRate, ...] = attrs.field(default=(), converter=_taxes)
    tax_rounding: TaxRounding = "per_invoice"

    def __attrs_post_init__(self) -> None:
        problems, bad = converter_problems(self)
        cur = None if "currency" in bad else self.currency
        if not isinstance(self.name, str) or not self.name:
            problems.append(Problem("name", f"a plan needs a non-empty name, got {self.name!r}"))
        names = set()
        charges: object = self.charges
        if not isinstance(charges, tuple):
            problems.append(Problem("charges", f"expected a list of Charge, got {charges!r}"))
            charges = ()
        for i, charge in enumerate(charges):
            if not isinstance(charge, Charge):
                problems.append(Problem(f"charges[{i}]", f"expected a Charge, got {charge!r}"))
                continue
            if charge.name in names:
                problems.append(Problem(f"charges[{i}].name", f"duplicate name {charge.name!r}"))
            names.add(charge.name)
            problems.extend(
                Problem(f"charges[{i}].{p.field}", p.reason, p.severity)
                for p in charge.problems(cur)
            )
        problems.extend(money_problems(("commitment", self.commitment), optional=True))
        if not isinstance(self.commitment, Money):
            pass
        elif cur is not None and self.commitment.currency != cur:
            problems.append(
                Problem(
                    "commitment", f"{self.commitment.currency.code} mixed with {self.currency.code}"
                )
            )
        elif self.commitment.amount < 0:
            problems.append(Problem("commitment", "is negative"))
        if self.proration not in ("day", "second"):
            problems.append(Problem("proration", f"'day' or 'second', not {self.proration!r}"))
        problems.extend(_plan_option_problems(self))
        credits: object = self.credits
        if credits is not None and not isinstance(credits, CreditSchedule):
            problems.append(Problem("credits", f"expected a CreditSchedule, got {credits!r}"))
        elif (
            self.credits is not None
            and cur is not None
            and self.credits.minimum_credit is not None
            and (self.credits.minimum_credit.currency != self.currency)
        ):
            problems.append(Problem("credits.minimum_credit", "currency differs from the plan's"))
        rules = self.credits.rules if isinstance(self.credits, CreditSchedule) else ()
        for i, rule in enumerate(rules):
            amount = getattr(rule, "amount", None)
            if isinstance(amount, Money) and cur is not None and amount.currency != cur:
                problems.append(
                    Problem(f"credits.rules[{i}].amount", "currency differs from the plan's")
                )
        raise_problems(problems, f"plan {self.name!r}")

    def tax_rates(self) -> tuple[TaxRate, ...]:
        """Every tax of the plan: ``tax_rate`` (on every line) first, then ``taxes``."""
        if not self.tax_rate:
            return self.taxes
        return (TaxRate(self.tax_label, self.tax_rate), *self.taxes)

    def charge(self, name: str) -> Charge:
        """The charge called ``name``."""
        for charge in self.charges:
            if charge.name == name:
                return charge
        raise PricingError(f"no charge named {name!r} in plan {self.name!r}", field="name")

    def metrics(self) -> tuple[str, ...]:
        """The usage metrics the plan prices."""
        return tuple(dict.fromkeys(c.metric for c in self.charges if c.metric is not None))

    def raw_lines(
        self, usage: Mapping[str, NumberText], fraction: Fraction = Fraction(1), label: str = ""
    ) -> list[RawLine]:
        """Unrounded lines for ``usage`` over ``fraction`` of a period (commitment included)."""
        unknown = sorted(set(usage) - set(self.metrics()))
        if unknown:
            raise PricingError(
                f"usage for metrics the plan does not price: {unknown}", field="usage"
            )
        out: list[RawLine] = []
        for charge in self.charges:
            quantity = 1 if charge.metric is None else usage.get(charge.metric, 0)
            for line in charge.lines(quantity, fraction):
                out.append(
                    attrs.evolve(line, description=label + line.description) if label else line
                )
        if self.commitment is not None:
            committed = prorated(self.commitment, fraction)
            spent = sum((line.amount for line in out), Money.zero(self.currency))
            if spent < committed:
                out.append(
                    RawLine(
                        "true-up",
                        f"{label}minimum commitment {committed} (spent {spent})",
                        committed - spent,
                    )
                )
        return out


def _plan_option_problems(plan: Plan) -> list[Problem]:
    """Problems of a plan's plain options: zone, labels and switches."""
    found = []
    try:
        zone_problem = None
        if plan.zone is not None:
            _zone(plan.zone)
    except PricingError as error:
        zone_problem = error.reason
    except TypeError:
        zone_problem = f"expected an IANA zone name, got {plan.zone!r}"
    if zone_problem:
        found.append(Problem("zone", zone_problem))
    for name in ("service_class",):
        value = getattr(plan, name)
        if value is not None and not isinstance(value, str):
            found.append(Problem(name, f"expected text or None, got {value!r}"))
    if plan.credit_rounding not in ("plan", "toward_zero"):
        found.append(
            Problem("credit_rounding", f"'plan' or 'toward_zero', not {plan.credit_rounding!r}")
        )
    if plan.tax_rounding not in ("per_invoice", "per_line"):
        found.append(
            Problem("tax_rounding", f"'per_invoice' or 'per_line', not {plan.tax_rounding!r}")
        )
    taxes: object = plan.taxes
    if not isinstance(taxes, tuple) or not all(isinstance(t, TaxRate) for t in taxes):
        found.append(Problem("taxes", f"expected a list of TaxRate, got {taxes!r}"))
    exceed: object = plan.credits_may_exceed_charges
    if not isinstance(exceed, bool):
        found.append(
            Problem("credits_may_exceed_charges", f"expected True or False, got {exceed!r}")
        )
    label: object = plan.tax_label
    before_tax: object = plan.credits_before_tax
    if not isinstance(label, str):
        found.append(Problem("tax_label", f"expected text, got {label!r}"))
    if not isinstance(before_tax, bool):
        found.append(
            Problem(
                "credits_before_tax", f"expected True or False, got {plan.credits_before_tax!r}"
            )
        )
    return found
