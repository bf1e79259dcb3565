"""Exact money: :class:`Money` and :class:`Currency`.

Amounts are :class:`~decimal.Decimal` and keep sub-minor precision (a rate of
0.0125 USD per minute is a real price). Nothing is rounded behind your back:
rounding to the currency's minor unit happens only in :meth:`Money.rounded`,
:meth:`Money.allocate`, :meth:`Money.split`, :meth:`Money.to_minor` and
:meth:`Money.format`, each with an explicit rounding mode (banker's rounding,
``ROUND_HALF_EVEN``, by default).

Arithmetic runs in a private decimal context of 50 significant digits with
the invalid-operation and division-by-zero traps on, so a result is exact
unless a division does not terminate (then it carries 50 significant digits).

Minor units follow ISO 4217 List One; the currency table, its lookup and the
rounding modes live in :mod:`sla._currency` and are re-exported here.
"""

from __future__ import annotations

import copy
import decimal
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final, SupportsIndex, TypeAlias

# Re-exported with ``as`` so ``from sla.money import Currency, normalize_rounding`` keeps working.
from sla._currency import _ISO_4217_OVERRIDES as _ISO_4217_OVERRIDES
from sla._currency import _REGISTRY as _CURRENCY_REGISTRY
from sla._currency import ROUNDING_MODES as ROUNDING_MODES
from sla._currency import Currency as Currency
from sla._currency import Rounding as Rounding
from sla._currency import _currency as _currency
from sla._currency import _known_codes as _known_codes
from sla._currency import _lookup_currency as _lookup_currency
from sla._currency import normalize_rounding as normalize_rounding
from sla._errors import CurrencyMismatchError, MoneyError
from sla._types import Number  # multipliers and divisors of ``*`` and ``/``: never float

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

__all__ = ["ROUNDING_MODES", "Currency", "Money", "Rounding"]

#: Amount-like inputs accepted by :class:`Money`: never ``float``.
AmountLike: TypeAlias = Decimal | int | str

#: Sums, differences, products and rounding are exact: the precision is libmpdec's
#: maximum, so no digit is ever cut (an amount beyond the exponent range is a MoneyError).
_CTX: Final = decimal.Context(
    prec=decimal.MAX_PREC,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
#: Division alone may not terminate (1/3): it keeps 50 significant digits.
_DIV: Final = decimal.Context(
    prec=50,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
#: The widest span, in digits, between the largest and the smallest allocation weight.
_WEIGHT_SPAN: Final = 1000
#: The most integer digits :meth:`Money.format` renders with locale grouping.
_FORMAT_DIGITS: Final = 1000


def _overflow(error: ArithmeticError, what: str) -> MoneyError:
    return MoneyError(
        f"{what} is outside the range Money can hold (exponents -999999 to 999999): "
        f"{type(error).__name__}",
        field="amount",
    )


# Bound by assignment, not import: CPython compiles ``imported_name.get(...)`` as an attribute
# load plus call rather than a method call, which costs Money() about 5 %.
_REGISTRY: Final = _CURRENCY_REGISTRY


def _to_decimal(value: object, *, field: str = "amount") -> Decimal:
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise MoneyError(f"expected a number, got the boolean {value!r}", field=field)
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        try:
            result = Decimal(text)
        except decimal.InvalidOperation:
            raise MoneyError(f"{value!r} is not a decimal number", field=field) from None
    elif isinstance(value, float):
        raise MoneyError(
            f"float {value!r} is not accepted: binary floats lose cents; pass a str, "
            f"int or Decimal (e.g. Decimal({str(value)!r}))",
            field=field,
        )
    elif isinstance(value, Fraction):
        try:
            result = _DIV.divide(Decimal(value.numerator), Decimal(value.denominator))
        except ArithmeticError as error:
            raise _overflow(error, f"{value!r}") from None
    else:
        raise MoneyError(
            f"expected a Decimal, int or str, got {type(value).__name__} {value!r}", field=field
        )
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite number", field=field)
    return result


def _mismatch(op: str, a: Money, b: Money) -> CurrencyMismatchError:
    return CurrencyMismatchError(
        f"cannot {op} {a.currency.code} and {b.currency.code}; convert explicitly first",
        field="currency",
    )


@lru_cache(maxsize=256)
def _currency_pattern(locale: str, digits: int) -> tuple[Any, Any]:
    from babel import Locale, UnknownLocaleError

    try:
        loc = Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise MoneyError(f"unknown locale {locale!r}: {exc}", field="locale") from None
    pattern = copy.copy(loc.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return loc, pattern


class Money:
    """An exact amount of one currency.

    >>> price = Money("0.0125", "USD") * 1000
    >>> price
    Money('12.5000', 'USD')
    >>> price.rounded()
    Money('12.50', 'USD')
    >>> Money("10.00", "USD").allocate([1, 1, 1])
    [Money('3.34', 'USD'), Money('3.33', 'USD'), Money('3.33', 'USD')]

    Raises :class:`~sla.MoneyError` for floats, NaN, infinity and malformed
    strings, :class:`~sla.CurrencyError` for unknown codes, and
    :class:`~sla.CurrencyMismatchError` when currencies are mixed.
    """

    __slots__ = ("_amount", "_currency")

    _amount: Decimal
    _currency: Currency

    def __init__(self, amount: AmountLike, currency: str | Currency) -> None:
        cur = _REGISTRY.get(currency) if currency.__class__ is str else None
        _set_amount(self, _to_decimal(amount))
        _set_currency(self, cur if cur is not None else Currency(currency))

    @classmethod
    def _of(cls, amount: Decimal, currency: Currency) -> Money:
        # Trusted fast path: amount is a finite Decimal, currency a Currency.
        self = _new(cls)
        _set_amount(self, amount)
        _set_currency(self, currency)
        return self

    # -- construction helpers -------------------------------------------------

    @classmethod
    def zero(cls, currency: str | Currency) -> Money:
        """Zero in ``currency``."""
        return cls._of(Decimal(0), Currency(currency))

    @classmethod
    def from_minor(cls, units: int, currency: str | Currency) -> Money:
        """From integer minor units: ``Money.from_minor(1230, "USD") == Money("12.30", "USD")``."""
        if isinstance(units, bool) or not isinstance(units, int):
            raise MoneyError(f"minor units must be an int, got {units!r}", field="units")
        cur = Currency(currency)
        return cls._of(Decimal(units).scaleb(-cur.minor_units), cur)

    @classmethod
    def parse(cls, text: str) -> Money:
        """Parse ``"12.30 USD"`` (or ``"USD 12.30"``) into Money."""
        if not isinstance(text, str):
            raise MoneyError(f"expected text such as '12.30 USD', got {text!r}", field="money")
        parts = text.split()
        if len(parts) != 2:
            raise MoneyError(
                f"{text!r} is not money; write an amount and a code, e.g. '12.30 USD'",
                field="money",
            )
        first, second = parts
        # "USD 12.30": swap only when the second part cannot itself be a code, so that
        # "NaN USD" is blamed on its amount, not on 'USD'.
        if _code_like(first) and not _code_like(second):
            first, second = second, first
        return cls(first, second)

    # -- accessors ------------------------------------------------------------

    @property
    def amount(self) -> Decimal:
        """The exact amount, with whatever sub-minor precision it carries."""
        return self._amount

    @property
    def currency(self) -> Currency:
        """The :class:`Currency`."""
        return self._currency

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Money is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Money is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[object, ...]:
        return (Money, (self._amount, self._currency))

    def __repr__(self) -> str:
        return f"Money('{self._amount:f}', {self._currency.code!r})"

    def __str__(self) -> str:
        return f"{self._amount:f} {self._currency.code}"

    def __hash__(self) -> int:
        return hash((self._amount, self._currency.code))

    def __bool__(self) -> bool:
        return bool(self._amount)

    # -- comparison -----------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Money):
            return self._currency is other._currency and self._amount == other._amount
        return NotImplemented

    def _check(self, other: object, op: str) -> Money:
        if not isinstance(other, Money):
            raise MoneyError(
                f"cannot {op} Money and {type(other).__name__}; both sides must be Money",
                field="other",
            )
        if other._currency is not self._currency:
            raise _mismatch(op, self, other)
        return other

    def __lt__(self, other: Money) -> bool:
        return self._amount < self._check(other, "compare")._amount

    def __le__(self, other: Money) -> bool:
        return self._amount <= self._check(other, "compare")._amount

    def __gt__(self, other: Money) -> bool:
        return self._amount > self._check(other, "compare")._amount

    def __ge__(self, other: Money) -> bool:
        return self._amount >= self._check(other, "compare")._amount

    # -- arithmetic -----------------------------------------------------------

    def __add__(self, other: Money) -> Money:
        if other.__class__ is Money and other._currency is self._currency:
            result = _new(Money)
            try:
                _set_amount(result, _add(self._amount, other._amount))
            except ArithmeticError as error:
                raise _overflow(error, "the sum") from None
            _set_currency(result, self._currency)
            return result
        other = self._check(other, "add")
        return self + other

    def __radd__(self, other: object) -> Money:
        # `sum()` starts from the int 0; accept exactly that and nothing else.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return self._check(other, "add").__add__(self)

    def __sub__(self, other: Money) -> Money:
        other = self._check(other, "subtract")
        try:
            return Money._of(_CTX.subtract(self._amount, other._amount), self._currency)
        except ArithmeticError as error:
            raise _overflow(error, "the difference") from None

    def __neg__(self) -> Money:
        return Money._of(_CTX.minus(self._amount), self._currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money._of(_CTX.abs(self._amount), self._currency)

    def __mul__(self, factor: Number) -> Money:
        if isinstance(factor, Money):  # type: ignore[unreachable]
            raise MoneyError("cannot multiply Money by Money", field="factor")
        if factor.__class__ is Decimal and factor.is_finite():  # the common case, no checks left
            value = factor
        else:
            value = _to_decimal(factor, field="factor")
        result = _new(Money)
        try:
            _set_amount(result, _CTX.multiply(self._amount, value))
        except ArithmeticError as error:
            raise _overflow(error, "the product") from None
        _set_currency(result, self._currency)
        return result

    __rmul__ = __mul__

    def __truediv__(self, divisor: Number) -> Money:
        value = _to_decimal(divisor, field="divisor")
        if not value:
            raise MoneyError("cannot divide money by zero", field="divisor")
        try:
            return Money._of(_DIV.divide(self._amount, value), self._currency)
        except ArithmeticError as error:
            raise _overflow(error, "the quotient") from None

    def ratio(self, other: Money) -> Decimal:
        """``self / other`` as a Decimal, for two amounts in one currency."""
        other = self._check(other, "divide")
        if not other._amount:
            raise MoneyError("cannot divide by a zero amount", field="other")
        try:
            return _DIV.divide(self._amount, other._amount)
        except ArithmeticError as error:
            raise _overflow(error, "the ratio") from None

    # -- rounding and splitting -------------------------------------------------

    def rounded(self, rounding: str = decimal.ROUND_HALF_EVEN) -> Money:
        """Round to the currency's minor unit (banker's rounding by default).

        >>> Money("2.675", "USD").rounded(), Money("2.675", "USD").rounded("half_up")
        (Money('2.68', 'USD'), Money('2.68', 'USD'))
        >>> Money("2.665", "USD").rounded(), Money("2.665", "USD").rounded("half_up")
        (Money('2.66', 'USD'), Money('2.67', 'USD'))
        """
        mode = rounding if rounding == decimal.ROUND_HALF_EVEN else normalize_rounding(rounding)
        if not self._currency.has_minor_unit:
            return self  # ISO 4217 "N.A.": no minor unit to round to
        quantum = self._currency._quantum
        try:
            value = self._amount.quantize(quantum, rounding=mode, context=_CTX)
        except ArithmeticError as error:
            raise _overflow(error, f"{self._amount:E}") from None
        if not value:
            value = value.copy_abs()  # -0.001 rounds to 0.00, never to "-0.00"
        return Money._of(value, self._currency)

    def is_rounded(self) -> bool:
        """Whether the amount has no precision below the minor unit."""
        return self.rounded("ROUND_DOWN")._amount == self._amount

    def to_minor(self, rounding: str = decimal.ROUND_HALF_EVEN) -> int:
        """The rounded amount in integer minor units (cents): ``Money("12.30", "USD") -> 1230``."""
        if not self._currency.has_minor_unit:
            raise MoneyError(
                f"{self._currency.code} has no minor unit (ISO 4217 N.A.)", field="currency"
            )
        try:
            return int(
                self.rounded(rounding)._amount.scaleb(self._currency.minor_units, context=_CTX)
            )
        except ArithmeticError as error:
            raise _overflow(error, f"{self._amount:E} in minor units") from None

    def allocate(
        self, weights: Sequence[Number | str], rounding: str = decimal.ROUND_HALF_EVEN
    ) -> list[Money]:
        """Split the rounded amount by ``weights`` into parts that sum to it exactly.

        Each part gets its share rounded toward zero; the remaining minor units
        go one each to the parts with the largest remainders, ties to the
        earlier part. A zero weight always gets zero. A negative amount splits
        like its absolute value, negated.

        >>> Money("100", "USD").allocate([70, 20, 10])
        [Money('70.00', 'USD'), Money('20.00', 'USD'), Money('10.00', 'USD')]
        >>> Money("-0.05", "EUR").allocate([1, 1])
        [Money('-0.03', 'EUR'), Money('-0.02', 'EUR')]
        """
        ints = weights if type(weights) is list or type(weights) is tuple else None
        if ints:  # plain ints >= 0 below 10**1001 need no scaling (the usual case)
            for w in ints:
                if type(w) is not int or w < 0 or w >= _INT_WEIGHT_BOUND:
                    ints = None
                    break
        if not ints:
            ints = _scaled_weights(weights)
        total_weight = sum(ints)
        if total_weight == 0:
            raise MoneyError("at least one weight must be positive", field="weights")
        cur = self._currency
        if rounding == decimal.ROUND_HALF_EVEN and cur.has_minor_unit:
            # to_minor() without the intermediate rounded Money (same quantize, same traps).
            try:
                total = int(
                    self._amount.quantize(cur._quantum, rounding, _CTX).scaleb(
                        cur.minor_units, _CTX
                    )
                )
            except ArithmeticError as error:
                raise _overflow(error, f"{self._amount:E} in minor units") from None
        else:
            total = self.to_minor(rounding)
        units = -total if total < 0 else total
        # Every share rounded toward zero, in exact integers of minor units.
        parts = [units * w // total_weight for w in ints]
        left = units - sum(parts)
        if left:
            # Largest remainder first; ties go to the earlier part.
            remainders = [units * w % total_weight for w in ints]
            if left == 1:
                parts[remainders.index(max(remainders))] += 1  # index() finds the earliest
            else:
                # The sort is stable and ``reverse=True`` keeps equal keys in order.
                for i in sorted(range(len(parts)), key=remainders.__getitem__, reverse=True)[:left]:
                    parts[i] += 1
        if total < 0:
            parts = [-p for p in parts]
        # p minor units = p * quantum, exact at the context's full precision.
        to_amount, quantum = _CTX.multiply, cur._quantum
        result: list[Money] = []
        for p in parts:
            part = _new(Money)
            _set_amount(part, to_amount(p, quantum))
            _set_currency(part, cur)
            result.append(part)
        return result

    def split(self, n: SupportsIndex, rounding: str = decimal.ROUND_HALF_EVEN) -> list[Money]:
        """Split into ``n`` equal parts (differing by at most one minor unit)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise MoneyError(f"number of parts must be a positive int, got {n!r}", field="n")
        return self.allocate([1] * n, rounding)

    # -- presentation ----------------------------------------------------------

    def format(
        self,
        locale: str = "en_US",
        *,
        rounding: str = decimal.ROUND_HALF_EVEN,
        precise: bool = False,
    ) -> str:
        """Format for people with babel (CLDR patterns).

        The amount is rounded to the currency's minor unit first (explicitly,
        with ``rounding``); ``precise=True`` shows every digit instead.

        >>> Money("1234.5", "EUR").format(locale="de_DE") == "1.234,50\\xa0€"
        True
        >>> Money("1234.5", "USD").format()
        '$1,234.50'
        """
        minor = self._currency.minor_units
        if precise:
            value = self._amount
            digits = max(minor, -min(0, int(value.as_tuple().exponent)))
        else:
            value = self.rounded(rounding)._amount
            digits = minor
        if value and value.adjusted() > _FORMAT_DIGITS:
            raise MoneyError(
                f"{self._amount:E} has more than {_FORMAT_DIGITS} digits to format for people "
                "(locale grouping would take minutes); use str() or to_dict()",
                field="amount",
            )
        loc, pattern = _currency_pattern(locale, digits)
        try:
            with decimal.localcontext(_CTX):
                text = pattern.apply(
                    value, loc, currency=self._currency.code, currency_digits=False
                )
        except ArithmeticError as error:
            raise _overflow(error, f"{self._amount:E}") from None
        return str(text)

    def to_dict(self) -> dict[str, str]:
        """``{"amount": "12.30", "currency": "USD"}``: the amount as a string, never a float."""
        return {"amount": f"{self._amount:f}", "currency": self._currency.code}

    @classmethod
    def from_dict(cls, data: object) -> Money:
        """Inverse of :meth:`to_dict`."""
        if not isinstance(data, dict):
            raise MoneyError(
                f"expected a mapping with amount and currency, got {data!r}", field="money"
            )
        missing = [k for k in ("amount", "currency") if k not in data]
        if missing:
            raise MoneyError(f"missing {', '.join(missing)}", field="money")
        extra = sorted(set(data) - {"amount", "currency"})
        if extra:
            raise MoneyError(f"unexpected keys {extra}", field="money")
        return cls(data["amount"], data["currency"])

    # -- pydantic integration -------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        def validate(value: Any) -> Money:
            if isinstance(value, Money):
                return value
            if isinstance(value, str):
                return cls.parse(value)
            if isinstance(value, dict):
                return cls.from_dict(value)
            raise MoneyError(
                f"expected money as {{'amount': '12.30', 'currency': 'USD'}} or '12.30 USD', "
                f"got {value!r}",
                field="money",
            )

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda m: m.to_dict(), when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        amount = {
            "type": "string",
            "pattern": r"^-?\d+(\.\d+)?$",
            "description": "Exact decimal amount as a string",
            "examples": ["12.30"],
        }
        code = {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"}
        return {
            "title": "Money",
            "anyOf": [
                {
                    "type": "object",
                    "properties": {"amount": amount, "currency": code},
                    "required": ["amount", "currency"],
                    "additionalProperties": False,
                },
                {
                    "type": "string",
                    "pattern": r"^-?\d+(\.\d+)? [A-Z]{3}$",
                    "examples": ["12.30 USD"],
                },
            ],
        }


def _code_like(text: str) -> bool:
    return len(text) == 3 and text.isascii() and text.isalpha() and text.isupper()


#: Plain int weights below this are within the digit span (``_WEIGHT_SPAN``) by construction.
_INT_WEIGHT_BOUND: Final = 10 ** (_WEIGHT_SPAN + 1)


def _scaled_weights(weights: object) -> list[int]:
    """Validate allocation weights and scale them to integers on a common exponent."""
    if isinstance(weights, (str, bytes)) or not isinstance(weights, Iterable):
        raise MoneyError("weights must be a sequence of numbers", field="weights")
    values: list[Decimal] = []
    for i, weight in enumerate(weights):
        value = _to_decimal(weight, field=f"weights[{i}]")
        if value < 0:
            raise MoneyError(f"weight {weight!r} is negative", field=f"weights[{i}]")
        values.append(value)
    if not values:
        raise MoneyError("need at least one weight", field="weights")
    positive = [v for v in values if v]
    if positive:
        span = max(v.adjusted() for v in positive) - min(
            int(v.as_tuple().exponent) for v in positive
        )
        if span > _WEIGHT_SPAN:
            raise MoneyError(
                f"weights span {span} digits (more than {_WEIGHT_SPAN}); the smallest "
                "could never receive a minor unit: scale or drop them",
                field="weights",
            )
    values = [v if v else Decimal(0) for v in values]
    # Scale the weights to integers on a common exponent: all math is then exact ints.
    exponent = min(int(v.as_tuple().exponent) for v in values if v) if positive else 0
    return [int(v.scaleb(-exponent, context=_CTX)) for v in values]


_new = object.__new__
_set_amount = Money.__dict__["_amount"].__set__
_set_currency = Money.__dict__["_currency"].__set__
_add = _CTX.add
