"""Invoice-level adjustments: tax rates per line kind or charge, coupons, a prepaid wallet.

An invoice applies them in one documented order (see :func:`~sla.pricing.invoice`):
charges, commitment, service credits (before tax by default), **coupons**,
**taxes**, credits after tax (when the plan says so), then the **wallet**.

Taxes are rounded per invoice (one rounding of each rate's base, the default)
or per line (each taxed line's tax rounded, then summed), as the plan says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from sla._errors import PricingError, Problem
from sla.money import Money
from sla.pricing._common import (
    converter_problems,
    items,
    money_problems,
    optional_share_field,
    pct,
    raise_problems,
    share_field,
)

if TYPE_CHECKING:
    from sla.pricing._lines import Line
    from sla.pricing._plans import Plan

__all__ = [
    "Coupon",
    "TaxRate",
    "TaxRounding",
    "Wallet",
    "coupon_lines",
    "tax_lines",
    "wallet_line",
]

#: How taxes are rounded: once per rate on the invoice, or on every taxed line.
TaxRounding: TypeAlias = Literal["per_invoice", "per_line"]


def _names(value: Iterable[str]) -> tuple[str, ...]:
    result: tuple[str, ...] = items(value)
    return result


@attrs.frozen
class TaxRate:
    """A tax ``rate`` on the lines of some ``kinds`` (``"usage"``, ``"fee"``...) or ``charges``.

    Empty ``kinds`` and ``charges`` tax every line before tax. With ``charges``,
    only those charges' lines are taxed (their discounts, true-ups and caps too).

    >>> TaxRate("VAT", "19%", charges=("monthly fee",)).rate
    Decimal('0.19')
    """

    label: str
    rate: Decimal = attrs.field(converter=share_field("rate"))  # type: ignore[misc]
    kinds: tuple[str, ...] = attrs.field(default=(), converter=_names)
    charges: tuple[str, ...] = attrs.field(default=(), converter=_names)

    def __attrs_post_init__(self) -> None:
        problems, _ = converter_problems(self)
        label: object = self.label
        if not isinstance(label, str) or not label:
            problems.append(Problem("label", f"a tax needs a name, got {label!r}"))
        for name in ("kinds", "charges"):
            value: object = getattr(self, name)
            if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
                problems.append(Problem(name, f"expected a list of names, got {value!r}"))
        raise_problems(problems, "tax rate")

    def applies_to(self, kind: str, charge: str | None) -> bool:
        """Whether a line of ``kind`` from ``charge`` is taxed at this rate."""
        if self.kinds and kind not in self.kinds:
            return False
        return not self.charges or charge in self.charges


@attrs.frozen
class Coupon:
    """An invoice-level discount: a fixed ``amount`` off or a ``percent`` off the subtotal.

    Applied after service credits and before tax; never below zero.
    """

    label: str
    amount: Money | None = None
    percent: Decimal | None = attrs.field(
        default=None,
        converter=optional_share_field("percent"),  # type: ignore[misc]
    )

    def __attrs_post_init__(self) -> None:
        problems, bad = converter_problems(self)
        problems.extend(money_problems(("amount", self.amount), optional=True))
        if (self.amount is None) == (self.percent is None) and "percent" not in bad:
            problems.append(Problem("amount", "give exactly one of amount and percent"))
        if isinstance(self.amount, Money) and self.amount.amount < 0:
            problems.append(Problem("amount", f"{self.amount} is negative"))
        label: object = self.label
        if not isinstance(label, str) or not label:
            problems.append(Problem("label", f"a coupon needs a name, got {label!r}"))
        raise_problems(problems, "coupon")


@attrs.frozen
class Wallet:
    """Prepaid credits drawn down after tax, never below a zero amount due."""

    balance: Money
    label: str = "prepaid credits"

    def __attrs_post_init__(self) -> None:
        problems = money_problems(("balance", self.balance))
        if not problems and self.balance.amount < 0:
            problems.append(Problem("balance", f"{self.balance} is negative"))
        raise_problems(problems, "wallet")


def coupon_lines(coupons: Sequence[Coupon], plan: Plan, subtotal: Money) -> list[Line]:
    """Coupon lines: amounts first, then percentages of what is left; never below zero."""
    from sla.pricing._lines import _round
    from sla.pricing._plans import RawLine

    out: list[Line] = []
    left = max(subtotal, Money.zero(plan.currency))
    ordered = sorted(coupons, key=lambda c: c.percent is not None)
    for i, given in enumerate(ordered):
        coupon: object = given
        if not isinstance(coupon, Coupon):
            raise PricingError(f"expected a Coupon, got {coupon!r}", field=f"coupons[{i}]")
        if coupon.amount is not None:
            if coupon.amount.currency != plan.currency:
                raise PricingError(f"not in {plan.currency.code}", field=f"coupons[{i}].amount")
            off = min(coupon.amount, left)
            text = f"coupon {coupon.label}: {coupon.amount} off"
        else:
            off = left * (coupon.percent or Decimal(0))
            text = f"coupon {coupon.label}: {pct(coupon.percent or Decimal(0))} off {left}"
        line = _round(RawLine("coupon", text, -off), plan.rounding)
        out.append(line)
        left = left + line.amount
    return out


def tax_lines(plan: Plan, lines: Sequence[Line]) -> list[Line]:
    """One line per tax rate of the plan, rounded per invoice or per line."""
    from sla.pricing._lines import Line
    from sla.pricing._plans import RawLine

    out: list[Line] = []
    zero = Money.zero(plan.currency)
    for rate in plan.tax_rates():
        taxed = [ln for ln in lines if ln.kind != "tax" and rate.applies_to(ln.kind, ln.charge)]
        base = max(sum((ln.amount for ln in taxed), zero), zero)
        exact = base * rate.rate
        if plan.tax_rounding == "per_line":
            parts = [(ln.amount * rate.rate).rounded(plan.rounding) for ln in taxed]
            amount = max(sum(parts, zero), zero)
            how = f"rounded on each of {len(taxed)} line(s)"
        else:
            amount = exact.rounded(plan.rounding)
            how = "rounded once"
        if not rate.rate:
            continue
        raw = RawLine("tax", f"{rate.label} {pct(rate.rate)} of {base} ({how})", exact)
        out.append(Line(raw.kind, raw.description, amount, exact))
    return out


def wallet_line(wallet: Wallet, plan: Plan, due: Money) -> Line | None:
    """The prepaid credits drawn: the wallet's balance, at most the amount due."""
    from sla.pricing._lines import _round
    from sla.pricing._plans import RawLine

    given: object = wallet
    if not isinstance(given, Wallet):
        raise PricingError(f"expected a Wallet, got {given!r}", field="wallet")
    if wallet.balance.currency != plan.currency:
        raise PricingError(f"not in {plan.currency.code}", field="wallet.balance")
    drawn = min(wallet.balance, max(due, Money.zero(plan.currency)))
    if not drawn:
        return None
    left = wallet.balance - drawn
    text = f"{wallet.label}: {drawn} drawn from {wallet.balance} ({left} left)"
    return _round(RawLine("prepaid", text, -drawn), plan.rounding)
