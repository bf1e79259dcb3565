"""ISO 4217 currencies and rounding modes: :class:`Currency` and its lookup.

Minor units follow ISO 4217 List One (maintained by SIX Group on behalf of
ISO). The code list and most minor units come from the Unicode CLDR
``currencyData`` shipped with babel; where CLDR's ``digits`` differ from ISO
4217 (CLDR rounds some currencies to whole units for display), the ISO value
in ``_ISO_4217_OVERRIDES`` wins. Re-exported from :mod:`sla.money`.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from functools import cache
from typing import Final, Literal, TypeAlias

from sla._errors import CurrencyError, MoneyError

Rounding: TypeAlias = Literal[
    "ROUND_HALF_EVEN",
    "ROUND_HALF_UP",
    "ROUND_HALF_DOWN",
    "ROUND_UP",
    "ROUND_DOWN",
    "ROUND_CEILING",
    "ROUND_FLOOR",
    "ROUND_05UP",
]

#: The rounding modes :meth:`Money.rounded` accepts. ``decimal.ROUND_HALF_UP``
#: and friends are these same strings; short forms such as ``"half_up"`` work too.
ROUNDING_MODES: Final = frozenset(
    {
        decimal.ROUND_HALF_EVEN,
        decimal.ROUND_HALF_UP,
        decimal.ROUND_HALF_DOWN,
        decimal.ROUND_UP,
        decimal.ROUND_DOWN,
        decimal.ROUND_CEILING,
        decimal.ROUND_FLOOR,
        decimal.ROUND_05UP,
    }
)

# ISO 4217 List One minor units where CLDR's display digits differ.
# Source: ISO 4217 "List One: Currency, fund and precious metal codes",
# https://www.six-group.com/en/products-services/financial-information/data-standards.html
_ISO_4217_OVERRIDES: Final[dict[str, int]] = {
    "AFN": 2,
    "ALL": 2,
    "COP": 2,
    "HUF": 2,
    "IDR": 2,
    "IQD": 3,
    "IRR": 2,
    "KPW": 2,
    "LAK": 2,
    "LBP": 2,
    "MGA": 2,
    "MMK": 2,
    "RSD": 2,
    "SOS": 2,
    "SYP": 2,
    "YER": 2,
}


# ISO 4217 List One gives these codes no minor unit ("N.A."): bond-market units,
# special drawing rights, precious metals, testing and "no currency". Same source as above.
NO_MINOR_UNIT: Final = frozenset(
    {
        "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR",
        "XPD", "XPT", "XSU", "XTS", "XUA", "XXX",
    }
)  # fmt: skip


def normalize_rounding(rounding: str, *, field: str = "rounding") -> str:
    """Turn ``"half_up"``, ``"ROUND_HALF_UP"`` or ``decimal.ROUND_HALF_UP`` into a mode."""
    if not isinstance(rounding, str):
        raise MoneyError(f"expected a rounding mode name, got {rounding!r}", field=field)
    name = rounding.strip().upper()
    if not name.startswith("ROUND_"):
        name = "ROUND_" + name
    if name not in ROUNDING_MODES:
        allowed = ", ".join(sorted(m.removeprefix("ROUND_").lower() for m in ROUNDING_MODES))
        raise MoneyError(f"unknown rounding mode {rounding!r} (use one of: {allowed})", field=field)
    return name


class Currency:
    """An ISO 4217 currency: its code, minor units and English name.

    Instances are interned: ``Currency("USD") is Currency("USD")``.

    >>> Currency("JPY").minor_units, Currency("KWD").minor_units
    (0, 3)
    """

    __slots__ = ("_quantum", "code", "has_minor_unit", "minor_units", "name")

    code: str
    minor_units: int
    name: str
    has_minor_unit: bool
    _quantum: Decimal

    def __new__(cls, code: str | Currency, *, allow_no_minor_unit: bool = False) -> Currency:
        """The currency ``code``.

        ISO 4217 gives funds and metals (XAU, XAG, XPT, XPD, XDR, XXX, XTS...) no
        minor unit: they are refused unless ``allow_no_minor_unit=True``, and
        then never rounded (``Money.rounded()`` keeps every digit).
        """
        if isinstance(code, Currency):
            return code
        if isinstance(code, str) and code.strip() in NO_MINOR_UNIT:
            return _no_minor_unit(code.strip(), allow_no_minor_unit)
        return _currency(code)

    @classmethod
    def _build(
        cls, code: str, minor_units: int, name: str, has_minor_unit: bool = True
    ) -> Currency:
        self = object.__new__(cls)
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "minor_units", minor_units)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "has_minor_unit", has_minor_unit)
        object.__setattr__(self, "_quantum", Decimal(1).scaleb(-minor_units))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Currency is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Currency is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[object, ...]:
        if not self.has_minor_unit:
            return (_no_minor_unit, (self.code, True))
        return (Currency, (self.code,))

    def __copy__(self) -> Currency:
        return self

    def __deepcopy__(self, memo: object) -> Currency:
        return self

    def __repr__(self) -> str:
        return f"Currency({self.code!r})"

    def __str__(self) -> str:
        return self.code

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Currency):
            return self.code == other.code
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.code)

    @property
    def quantum(self) -> Decimal:
        """The smallest unit as a Decimal: ``0.01`` for USD, ``1`` for JPY."""
        return self._quantum

    @staticmethod
    def all_codes() -> frozenset[str]:
        """Every currency code `sla` knows (CLDR's list, including historical codes)."""
        return _known_codes()


@cache
def _known_codes() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


_REGISTRY: dict[str, Currency] = {}
# Kept apart so that the plain lookup (and Money's fast path) never finds them.
_NO_MINOR_REGISTRY: dict[str, Currency] = {}


def _no_minor_unit(code: str, allowed: bool) -> Currency:
    if not allowed:
        raise CurrencyError(
            f"{code} has no minor unit in ISO 4217 (N.A.: a fund, metal or test code); pass "
            f"Currency({code!r}, allow_no_minor_unit=True) to use it, unrounded",
            field="currency",
        )
    found = _NO_MINOR_REGISTRY.get(code)
    if found is None:
        from babel.numbers import get_currency_name

        name = str(get_currency_name(code, locale="en"))
        # minor_units 0 only sizes the quantum; has_minor_unit=False means never round.
        found = _NO_MINOR_REGISTRY[code] = Currency._build(code, 0, name, has_minor_unit=False)
    return found


def _currency(code: str) -> Currency:
    found = _REGISTRY.get(code) if isinstance(code, str) else None
    if found is None:
        found = _REGISTRY[code] = _lookup_currency(code)
    return found


def _lookup_currency(code: str) -> Currency:
    if not isinstance(code, str):
        raise CurrencyError(
            f"expected an ISO 4217 code such as 'USD', got {type(code).__name__} {code!r}",
            field="currency",
        )
    text = code.strip()
    if len(text) != 3 or not text.isascii() or not text.isalpha():
        raise CurrencyError(
            f"{code!r} is not an ISO 4217 code (three letters such as 'USD')", field="currency"
        )
    if not text.isupper():
        raise CurrencyError(
            f"{code!r} is not an ISO 4217 code; codes are upper case (did you mean "
            f"{text.upper()!r}?)",
            field="currency",
        )
    if text not in _known_codes():
        raise CurrencyError(f"unknown currency code {text!r}", field="currency")
    from babel.numbers import get_currency_name, get_currency_precision

    minor = _ISO_4217_OVERRIDES.get(text, get_currency_precision(text))
    return Currency._build(text, int(minor), str(get_currency_name(text, locale="en")))


# The public home is sla.money: keep pickles, reprs and the API docs pointing there.
Currency.__module__ = "sla.money"
