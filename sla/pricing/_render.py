"""Text and HTML tables for invoices and quotes."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape
from typing import Protocol

from sla.money import Currency, Money
from sla.pricing._common import fmt


class _LineLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def amount(self) -> Money: ...
    @property
    def quantity(self) -> Decimal | None: ...


def _amount(money: Money) -> str:
    # Lines and totals are already rounded; a quote's cost to serve is shown rounded.
    return f"{money.rounded().amount:,f}"


def text_table(
    title: str, lines: Sequence[_LineLike], totals: Sequence[tuple[str, Money]], currency: Currency
) -> str:
    """A fixed-width table: kind, description, amount; then the totals."""
    rows = [(ln.kind, ln.description, _amount(ln.amount)) for ln in lines]
    width_kind = max([4, *(len(r[0]) for r in rows)])
    width_desc = max([11, *(len(r[1]) for r in rows), *(len(t[0]) for t in totals)])
    width_amt = max(
        [len(currency.code), *(len(r[2]) for r in rows), *(len(_amount(t[1])) for t in totals)]
    )
    rule = "-" * (width_kind + width_desc + width_amt + 4)
    out = [
        title,
        rule,
        f"{'kind':<{width_kind}}  {'description':<{width_desc}}  {currency.code:>{width_amt}}",
        rule,
    ]
    out += [f"{k:<{width_kind}}  {d:<{width_desc}}  {a:>{width_amt}}" for k, d, a in rows]
    out.append(rule)
    out += [
        f"{'':<{width_kind}}  {name:<{width_desc}}  {_amount(m):>{width_amt}}" for name, m in totals
    ]
    return "\n".join(out)


def html_table(
    title: str, lines: Sequence[_LineLike], totals: Sequence[tuple[str, Money]], currency: Currency
) -> str:
    """An HTML ``<table>``; descriptions come from users, so everything is escaped."""
    out = [
        '<table class="sla-invoice">',
        f"<caption>{escape(title)}</caption>",
        "<thead><tr><th>kind</th><th>description</th><th>quantity</th>"
        f'<th class="amount">{escape(currency.code)}</th></tr></thead>',
        "<tbody>",
    ]
    for ln in lines:
        qty = "" if ln.quantity is None else fmt(ln.quantity)
        out.append(
            f'<tr class="{escape(ln.kind)}"><td>{escape(ln.kind)}</td>'
            f"<td>{escape(ln.description)}</td><td>{escape(qty)}</td>"
            f'<td class="amount">{escape(_amount(ln.amount))}</td></tr>'
        )
    out.append("</tbody><tfoot>")
    out += [
        f'<tr><th colspan="3">{escape(name)}</th><td class="amount">{escape(_amount(m))}</td></tr>'
        for name, m in totals
    ]
    out.append("</tfoot></table>")
    return "\n".join(out)
