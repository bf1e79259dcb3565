"""Numbers, quantities and explanation steps shared by the pricing modules."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Literal, TypeAlias

import attrs

from sla._errors import MoneyError, PricingError, Problem, SLAError
from sla._explain import Explanation, explanation
from sla.money import Currency, Money, normalize_rounding

#: How a quantity is rounded to whole units: ``None`` keeps it as it is.
QuantityRounding: TypeAlias = Literal["up", "down", "half_up", "half_even"]

CTX: Final = decimal.Context(
    prec=60,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
#: Quantities, rates and sizes have magnitudes within 1e-24 .. 1e24 (or are 0): a quotient
#: of two of them then stays within the 60 digits of ``CTX``. See docs/pricing.md.
EXPONENT_LIMIT: Final = 24
_LARGEST_INT: Final = 10**EXPONENT_LIMIT
ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
_QUANTITY_MODES: Final = {
    "up": decimal.ROUND_CEILING,
    "down": decimal.ROUND_FLOOR,
    "half_up": decimal.ROUND_HALF_UP,
    "half_even": decimal.ROUND_HALF_EVEN,
}


def to_decimal(value: object, field: str, *, allow_negative: bool = False) -> Decimal:
    """An exact Decimal from an int, Decimal, str, Fraction or ``"12.5%"`` text.

    Raises :class:`~sla.PricingError` naming ``field`` for floats, booleans,
    malformed text, non-finite and (unless allowed) negative numbers.
    """
    # Fast paths for the common exact types (not subclasses: bool is an int);
    # anything unusual, including every error, takes the general path below.
    if type(value) is Decimal:
        if value.is_finite() and (allow_negative or value >= ZERO) and _in_range(value):
            return value
    elif type(value) is int and (allow_negative or 0 <= value < _LARGEST_INT):
        return Decimal(value)
    percent = False
    given = value
    if isinstance(value, str) and value.strip().endswith("%"):
        value, percent = value.strip()[:-1], True
    if isinstance(value, Fraction):
        result = fraction_to_decimal(value, field)
    else:
        try:
            result = _decimal(value, field)
        except MoneyError as error:
            raise PricingError(error.reason, field=field) from None
    if percent:
        result = CTX.divide(result, Decimal(100))
    if not allow_negative and result < 0:
        raise PricingError(f"{given!r} is negative", field=field)
    if not _in_range(result):
        raise PricingError(
            f"{given!r} is outside the range pricing accepts "
            f"(magnitudes from 1e{-EXPONENT_LIMIT} to 1e{EXPONENT_LIMIT}, or 0)",
            field=field,
        )
    return result


def _in_range(value: Decimal) -> bool:
    return not value or -EXPONENT_LIMIT <= value.adjusted() <= EXPONENT_LIMIT


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, (bool, float)):
        kind = "boolean" if isinstance(value, bool) else "float"
        raise MoneyError(
            f"{kind} {value!r} is not accepted (floats are inexact); pass an int, str or Decimal",
            field=field,
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace("_", ""))
        except decimal.InvalidOperation:
            raise MoneyError(f"{value!r} is not a decimal number", field=field) from None
    else:
        raise MoneyError(
            f"expected a number (int, str or Decimal), got {type(value).__name__} {value!r}",
            field=field,
        )
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite number", field=field)
    return result


def fraction_to_decimal(value: Fraction, field: str) -> Decimal:
    """The exact Decimal of a Fraction whose decimal expansion terminates."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        raise PricingError(
            f"{value} has no finite decimal expansion; pass a Decimal with the precision you mean",
            field=field,
        )
    digits = max(twos, fives)
    scaled = value * 10**digits
    return Decimal(scaled.numerator).scaleb(-digits)


def to_share(value: object, field: str) -> Decimal:
    """A share between 0 and 1 given as ``Decimal("0.1")``, ``"10%"`` or a Fraction."""
    share = to_decimal(value, field)
    if share > 1:
        raise PricingError(f"{value!r} is above 100 %", field=field)
    return share


def to_money(value: object, currency: Currency | None, field: str) -> Money:
    """Money from Money or ``"12.30 USD"``; checks the currency when one is expected."""
    if isinstance(value, Money):
        money = value
    elif isinstance(value, dict) or (
        isinstance(value, str) and (currency is None or " " in value.strip())
    ):
        try:
            money = Money.from_dict(value) if isinstance(value, dict) else Money.parse(value)
        except MoneyError as error:
            raise PricingError(error.reason, field=field) from None
    elif isinstance(value, str) and currency is None:
        try:
            money = Money.parse(value)
        except MoneyError as error:
            raise PricingError(error.reason, field=field) from None
    elif currency is not None and not isinstance(value, float):
        money = Money(to_decimal(value, field, allow_negative=True), currency)
    else:
        raise PricingError(f"expected Money, got {value!r}", field=field)
    if currency is not None and money.currency != currency:
        raise PricingError(
            f"{money} is in {money.currency.code}, the plan is in {currency.code}", field=field
        )
    return money


class Lenient:
    """An attrs converter that defers its errors to the owner's validation.

    attrs runs converters one by one and the first that raises would hide every
    other problem of the call. A lenient converter keeps a value it cannot
    convert as it is; the owner's ``__attrs_post_init__`` calls
    :func:`converter_problems`, which runs the strict conversion again and
    reports every field that failed, together with the owner's other checks.
    """

    __slots__ = ("strict",)

    def __init__(self, strict: Callable[[object], object]) -> None:
        self.strict = strict

    def __call__(self, value: object) -> Any:
        try:
            return self.strict(value)
        except SLAError:
            return value


def converter_problems(instance: object) -> tuple[list[Problem], set[str]]:
    """The problems of every lenient-converted field of an attrs ``instance``.

    Returns the problems and the names of the fields that failed (their values
    are still raw, so the owner skips checks that read them).
    """
    problems: list[Problem] = []
    bad: set[str] = set()
    for attribute in attrs.fields(type(instance)):  # type: ignore[arg-type]
        converter = attribute.converter
        if not isinstance(converter, Lenient):
            continue
        try:
            converter.strict(getattr(instance, attribute.name))
        except SLAError as error:
            bad.add(attribute.name)
            problems.extend(error.problems or (Problem(attribute.name, error.reason),))
    return problems, bad


def prefixed(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    """``problems`` with their fields moved under ``prefix`` (``tiers[2]`` + ``.upper``)."""
    return [
        Problem(f"{prefix}.{p.field}" if p.field else prefix, p.reason, p.severity)
        for p in problems
    ]


def items(value: object) -> Any:
    """A tuple of the items of a list-like ``value``; anything else is kept for the owner to report.

    A converter for list fields: ``tuple(5)`` would be a raw ``TypeError``.
    """
    if isinstance(value, (str, bytes, dict)) or not isinstance(value, Iterable):
        return value
    return tuple(value)


def decimal_field(field: str) -> Lenient:
    """A lenient attrs converter to a non-negative Decimal that names ``field`` in errors."""
    return Lenient(lambda value: to_decimal(value, field))


def optional_decimal_field(field: str) -> Lenient:
    """Like :func:`decimal_field`, keeping ``None``."""
    return Lenient(lambda value: None if value is None else to_decimal(value, field))


def share_field(field: str) -> Lenient:
    """A lenient attrs converter to a share between 0 and 1."""
    return Lenient(lambda value: to_share(value, field))


def optional_share_field(field: str) -> Lenient:
    """Like :func:`share_field`, keeping ``None``."""
    return Lenient(lambda value: None if value is None else to_share(value, field))


def currency_field(field: str = "currency") -> Lenient:
    """A lenient attrs converter to :class:`~sla.Currency` (errors as PricingError)."""

    def convert(value: object) -> Currency:
        try:
            return Currency(value)  # type: ignore[arg-type]
        except MoneyError as error:
            raise PricingError(error.reason, field=field) from None

    return Lenient(convert)


def rounding_field(field: str = "rounding") -> Lenient:
    """A lenient attrs converter normalizing a money rounding mode."""
    return Lenient(lambda value: money_rounding(value, field))  # type: ignore[arg-type]


def round_quantity(quantity: Decimal, mode: QuantityRounding | None) -> Decimal:
    """Round a quantity to whole units (``None`` leaves it untouched)."""
    if mode is None:
        return quantity
    return quantity.quantize(ONE, rounding=_QUANTITY_MODES[mode], context=CTX)


def check_quantity_rounding(mode: object, field: str) -> QuantityRounding | None:
    if mode is None or mode in _QUANTITY_MODES:
        return mode  # type: ignore[return-value]
    raise PricingError(
        f"unknown quantity rounding {mode!r} (use up, down, half_up or half_even)", field=field
    )


def money_rounding(mode: str, field: str = "rounding") -> str:
    """Normalize a money rounding mode (``"half_even"``, ``"ROUND_HALF_UP"``...)."""
    try:
        return normalize_rounding(mode, field=field)
    except MoneyError as error:
        raise PricingError(error.reason, field=field) from None


def fmt(value: Decimal) -> str:
    """A Decimal without exponent notation and without trailing zeros after the point."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def pct(share: Decimal) -> str:
    """``Decimal("0.075")`` as ``"7.5%"``."""
    return fmt(CTX.multiply(share, Decimal(100))) + "%"


def money_problems(*fields: tuple[str, object], optional: bool = False) -> list[Problem]:
    """A problem for each ``(field, value)`` that is not :class:`~sla.Money` (``None`` if optional).

    Money fields are typed but users pass plain numbers and strings; without this check
    they fail later with a raw ``AttributeError`` (or a ``str`` is silently returned).
    """
    return [
        Problem(
            field,
            f"expected sla.Money such as Money('12.30', 'USD'), got {type(value).__name__} "
            f"{value!r}",
        )
        for field, value in fields
        if not (isinstance(value, Money) or (optional and value is None))
    ]


def raise_problems(problems: Iterable[Problem], what: str) -> None:
    """Raise one PricingError listing every problem, if there is any."""
    found = list(problems)
    if found:
        raise PricingError.from_problems(found, what=what)


@attrs.frozen(slots=True)
class Step:
    """One explained step of a charge: a tier, a package count, a top-up, a fee.

    ``amount`` is exact and unrounded; the steps of a charge sum to it.
    """

    label: str
    amount: Money
    quantity: Decimal | None = None
    unit_price: Money | None = None
    rate: Decimal | None = None
    flat: Money | None = None

    def __str__(self) -> str:
        parts = [self.label]
        if self.quantity is not None and self.unit_price is not None:
            parts.append(f"{fmt(self.quantity)} × {fmt(self.unit_price.amount)}")
        if self.quantity is not None and self.rate is not None:
            parts.append(f"{pct(self.rate)} of {fmt(self.quantity)}")
        if self.flat is not None and self.flat:
            parts.append(f"+ flat {fmt(self.flat.amount)}")
        return f"{': '.join(parts[:1])}{' ' if len(parts) > 1 else ''}{' '.join(parts[1:])}" + (
            f" = {fmt(self.amount.amount)} {self.amount.currency.code}"
        )

    def to_dict(self) -> dict[str, str | None]:
        """Plain data, every number as a string."""
        return {
            "label": self.label,
            "amount": f"{self.amount.amount:f}",
            "quantity": None if self.quantity is None else f"{self.quantity:f}",
            "unit_price": None if self.unit_price is None else f"{self.unit_price.amount:f}",
            "rate": None if self.rate is None else f"{self.rate:f}",
            "flat": None if self.flat is None else f"{self.flat.amount:f}",
        }


def explained(
    what: str, quantity: object, steps: Iterable[Step], currency: Currency
) -> Explanation:
    """The package's one :class:`~sla.Explanation` of a charge from its steps.

    The value is the exact (unrounded) sum of the steps; each step is one line.
    """
    listed = tuple(steps)
    total = total_of(listed, currency)
    shown = quantity if isinstance(quantity, (str, Money)) else _quantity_text(quantity)
    return explanation(
        what,
        f"{fmt(total.amount)} {currency.code}",
        "sum of the steps",
        {"quantity": shown},
        [str(step) for step in listed],
    )


def _quantity_text(quantity: object) -> str:
    if isinstance(quantity, Decimal):
        return fmt(quantity)
    if isinstance(quantity, (list, tuple)):
        return f"{len(quantity)} transaction(s)"
    return str(quantity)


def total_of(steps: Iterable[Step], currency: Currency) -> Money:
    """The exact sum of the steps' amounts."""
    total = Money.zero(currency)
    for step in steps:
        total = total + step.amount
    return total
