"""Quotes and invoices: lines rounded once, totals that add up to the cent.

Every line is rounded **once**, to the currency's minor unit, with the plan's
rounding mode (half-even by default); the exact amount stays on the line as
``unrounded`` for audit. Subtotals and the total are sums of rounded lines,
so the lines always add up to the total exactly. Tax is one line: the rate
times the rounded taxable subtotal (never below zero), rounded once. Credit
lines are the one exception to the plan's mode: they round toward zero, so
rounding never pushes credits past their cap.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from sla._errors import PricingError, Problem
from sla._explain import Explanation, explanation
from sla._types import NumberText
from sla.clocks._compliance import Attainment
from sla.money import Currency, Money
from sla.pricing._adjust import Coupon, Wallet, coupon_lines, tax_lines, wallet_line
from sla.pricing._common import fmt, to_decimal
from sla.pricing._credits import CreditLine
from sla.pricing._lines import Line, _round, _round_pieces, _sum
from sla.pricing._periods import BillingPeriod, prorate
from sla.pricing._plans import Plan, RawLine

__all__ = ["Invoice", "Line", "Phase", "Quote", "invoice", "quote"]


class _Document:
    """Totals, JSON and rendering shared by invoices and quotes."""

    __slots__ = ()
    lines: tuple[Line, ...]
    currency: Currency

    @property
    def total(self) -> Money:
        """The sum of every line, exactly."""
        return _sum(self.lines, self.currency)

    def subtotal(self, *kinds: str) -> Money:
        """The sum of the lines of the given kinds (all lines but tax without kinds)."""
        chosen = [ln for ln in self.lines if (ln.kind in kinds if kinds else ln.kind != "tax")]
        return _sum(chosen, self.currency)

    @property
    def tax(self) -> Money:
        """The tax line(s)."""
        return self.subtotal("tax")

    def to_json(self, **kwargs: Any) -> str:
        """JSON text; amounts are strings so no cent is lost to a float."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def title(self) -> str:
        raise NotImplementedError

    def to_text(self) -> str:
        """A plain-text table of the lines and totals."""
        from sla.pricing._render import text_table

        table = text_table(self.title(), self.lines, self._totals(), self.currency)
        notes: tuple[str, ...] = getattr(self, "notes", ())
        return table + "".join(f"\nnote: {note}" for note in notes)

    def to_html(self) -> str:
        """An HTML table (every user-supplied text escaped)."""
        from html import escape

        from sla.pricing._render import html_table

        table = html_table(self.title(), self.lines, self._totals(), self.currency)
        notes: tuple[str, ...] = getattr(self, "notes", ())
        if not notes:
            return table
        items = "".join(f"<li>{escape(note)}</li>" for note in notes)
        return f'{table}\n<ul class="sla-invoice-notes">{items}</ul>'

    def _totals(self) -> list[tuple[str, Money]]:
        return [("subtotal", self.subtotal()), ("tax", self.tax), ("total", self.total)]

    def explain(self) -> Explanation:
        """Every line with the steps that produced it: the package's one explanation type."""
        steps: list[str] = []
        for line in self.lines:
            steps.append(
                f"{line.kind}: {line.description}: {line.amount} "
                f"(unrounded {fmt(line.unrounded.amount)})"
            )
            steps.extend(f"  - {step}" for step in line.steps)
        return explanation(
            self.title(),
            self.total,
            "sum of the lines, each rounded once",
            {"currency": self.currency.code, "lines": len(self.lines)},
            steps,
        )


@attrs.frozen(slots=True)
class Invoice(_Document):
    """A period's invoice: lines, subtotals and the total (lines add up to it exactly)."""

    plan: str
    service_class: str | None
    period: BillingPeriod
    currency: Currency
    rounding: str
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()

    @property
    def charges(self) -> Money:
        """Everything but credits and tax."""
        return _sum([ln for ln in self.lines if ln.kind not in ("credit", "tax")], self.currency)

    @property
    def credits(self) -> Money:
        """The credit lines (negative)."""
        return self.subtotal("credit")

    def title(self) -> str:
        tier = (
            f" (service class {self.service_class})"
            if self.service_class and (self.service_class not in self.plan.split())
            else ""
        )
        return f"Invoice {self.plan}{tier}, {self.period.label}"

    def _totals(self) -> list[tuple[str, Money]]:
        return [
            ("charges", self.charges),
            ("credits", self.credits),
            ("tax", self.tax),
            ("total", self.total),
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "service_class": self.service_class,
            "period": self.period.to_dict(),
            "currency": self.currency.code,
            "rounding": self.rounding,
            "lines": [line.to_dict() for line in self.lines],
            "charges": f"{self.charges.amount:f}",
            "credits": f"{self.credits.amount:f}",
            "tax": f"{self.tax.amount:f}",
            "total": f"{self.total.amount:f}",
            "notes": list(self.notes),
        }


@attrs.frozen(slots=True)
class Quote(_Document):
    """A period priced ahead, with cost to serve and margin when a cost is given."""

    plan: str
    currency: Currency
    rounding: str
    lines: tuple[Line, ...]
    contacts: Decimal
    cost: Money | None

    @property
    def margin(self) -> Money | None:
        """Pre-tax revenue minus the cost to serve (``None`` without a cost)."""
        return None if self.cost is None else self.subtotal() - self.cost

    @property
    def margin_share(self) -> Decimal | None:
        """Margin as a share of pre-tax revenue (``None`` without cost or revenue)."""
        revenue = self.subtotal()
        margin = self.margin
        return None if margin is None or not revenue else margin.ratio(revenue)

    def title(self) -> str:
        return f"Quote {self.plan}"

    def _totals(self) -> list[tuple[str, Money]]:
        rows = super()._totals()
        if self.cost is not None and self.margin is not None:
            rows += [("cost to serve", self.cost), ("margin", self.margin)]
        return rows

    def to_dict(self) -> dict[str, Any]:
        share = self.margin_share
        return {
            "plan": self.plan,
            "currency": self.currency.code,
            "rounding": self.rounding,
            "lines": [line.to_dict() for line in self.lines],
            "subtotal": f"{self.subtotal().amount:f}",
            "tax": f"{self.tax.amount:f}",
            "total": f"{self.total.amount:f}",
            "contacts": f"{self.contacts:f}",
            "cost": None if self.cost is None else f"{self.cost.amount:f}",
            "margin": None if self.margin is None else f"{self.margin.amount:f}",
            "margin_share": None if share is None else f"{share:f}",
        }


@attrs.frozen(slots=True)
class Phase:
    """A plan in force over ``[start, end)`` of the period with its usage (a tier change)."""

    plan: Plan
    usage: Mapping[str, NumberText] = attrs.field(factory=dict)
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def _span(phase: Phase) -> str:
    start = "open" if phase.start is None else phase.start.isoformat()
    end = "open" if phase.end is None else phase.end.isoformat()
    return f"in force from {start} to {end}"


def _credit_lines(
    credits: Sequence[CreditLine], plan: Plan, charged: Money, notes: list[str]
) -> list[Line]:
    """Credit lines rounded by the plan's rule, never above the charges unless the plan allows."""
    toward_zero = plan.credit_rounding == "toward_zero"
    mode = "ROUND_DOWN" if toward_zero else plan.rounding
    rule = "toward zero" if toward_zero else f"{_mode_words(plan.rounding)} (the plan's rounding)"
    notes.append(f"service credits rounded {rule}")
    room = None if plan.credits_may_exceed_charges else max(charged, Money.zero(plan.currency))
    out: list[Line] = []
    for credit in credits:
        text = f"service credit: {credit.reason}"
        line = _round(RawLine("credit", text, -credit.amount, None), mode)
        if room is not None and -line.amount > room:
            cut = -room
            notes.append(
                f"credits limited to the charges of {charged}: a credit never makes the total "
                "negative unless the plan allows it (credits_may_exceed_charges)"
            )
            line = attrs.evolve(line, amount=cut, unrounded=cut)
        if room is not None:
            room = room + line.amount
        if line.amount:
            out.append(line)
    return out


def _mode_words(mode: str) -> str:
    return mode.removeprefix("ROUND_").lower().replace("_", "-")


def invoice(
    plan: Plan | Sequence[Phase],
    usage: Mapping[str, NumberText] | None,
    compliance: Sequence[Attainment],
    period: BillingPeriod,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    claimed_at: dt.datetime | None = None,
    incident_at: dt.datetime | None = None,
    coupons: Sequence[Coupon] = (),
    wallet: Wallet | None = None,
) -> Invoice:
    """Invoice ``usage`` of ``period`` under ``plan`` with service credits for ``compliance``.

    ``start``/``end`` prorate a plan that starts or ends inside the period. A plan
    (or phase) not in force at all during the period, e.g. one that starts next
    month, has nothing to bill: it contributes no lines and the invoice says so in
    ``notes``. Usage for such a plan cannot have happened, so non-zero usage for it
    raises :class:`~sla.PricingError` naming ``usage`` (usually a wrong ``start`` or
    ``period``).
    For a tier change, pass a list of :class:`Phase` (each with its own usage)
    and ``usage=None``; the last phase's plan sets rounding, tax and credits.

    The lines come in one documented order, each rounded once:

    1. each charge: included units and unit discounts, the model (prorated for a
       recurring fee), amount then percent discounts, its minimum, its maximum;
    2. the plan's minimum commitment (a true-up line);
    3. service credits (before tax unless the plan says ``credits_before_tax=False``),
       never more than the charges unless the plan allows it;
    4. ``coupons``: amount coupons, then percent coupons, on the running subtotal,
       never below zero;
    5. taxes, one line per rate, rounded per invoice or per line as the plan says;
    6. service credits after tax, when the plan puts them there;
    7. the prepaid ``wallet``, drawn down after tax, never below a zero amount due.
    """
    if isinstance(plan, Plan):
        phases: Sequence[Phase] = [Phase(plan, usage or {}, start, end)]
    else:
        phases = list(plan)
        if usage:
            raise PricingError("with phases, give usage per phase", field="usage")
        if not phases:
            raise PricingError("need at least one phase", field="plan")
    last = phases[-1].plan
    if not isinstance(period, BillingPeriod):
        raise PricingError(f"expected a BillingPeriod, got {period!r}", field="period")
    # Days are counted in the plan's zone (when it names one): a calendar month is that
    # month in the plan's zone.
    period = period.in_zone(last.zone or period.zone)
    raws: list[RawLine] = []
    notes: list[str] = []
    problems: list[Problem] = []
    idle = 0  # phases not in force during the period
    for i, phase in enumerate(phases):
        where = "" if isinstance(plan, Plan) else f"plan[{i}]."
        if phase.plan.currency != last.currency:
            problems.append(
                Problem(
                    f"plan[{i}]",
                    f"phase {i} is in {phase.plan.currency.code}, the last phase in "
                    f"{last.currency.code}",
                )
            )
        fraction = prorate(
            period.in_zone(phase.plan.zone or period.zone),
            phase.start,
            phase.end,
            phase.plan.proration,
        )
        if fraction == 0:
            # Not in force during the period: nothing to bill, which is right for a plan that
            # starts later or ended earlier; but usage under it cannot have happened.
            used = sorted(
                m for m, q in phase.usage.items() if to_decimal(q, f"{where}usage[{m}]") != 0
            )
            if used:
                problems.append(
                    Problem(
                        f"{where}usage",
                        f"plan {phase.plan.name!r} is not in force during the period "
                        f"({_span(phase)}), yet usage is given for {used}",
                    )
                )
            notes.append(
                f"plan {phase.plan.name!r} is not in force during the period ({_span(phase)}): "
                "nothing billed for it"
            )
            idle += 1
            continue
        label = f"[{phase.plan.service_class or phase.plan.name}] " if len(phases) > 1 else ""
        raws.extend(phase.plan.raw_lines(phase.usage, fraction, label))
    if problems:
        raise PricingError.from_problems(problems, what="invoice")
    lines = _round_pieces(raws, last.rounding)
    credits: Sequence[CreditLine] = ()
    in_force = idle < len(phases)
    if last.credits is not None and compliance and not in_force:
        notes.append("no plan in force during the period: no service credits to compute")
    if last.credits is not None and compliance and in_force:
        fees = [ln for ln in lines if ln.kind in ("fee", "proration")]
        basis = _sum(fees if last.credits.basis == "fees" else lines, last.currency)
        result = last.credits.evaluate(
            compliance,
            basis,
            period_end=period.end,
            claimed_at=claimed_at,
            period_start=period.start,
            incident_at=incident_at,
        )
        notes.extend(result.notes)
        credits = result.lines if result.applied else ()
    if credits and last.credits_before_tax:
        lines.extend(_credit_lines(credits, last, _sum(lines, last.currency), notes))
    lines.extend(coupon_lines(coupons, last, _sum(lines, last.currency)))
    lines.extend(tax_lines(last, lines))
    if credits and not last.credits_before_tax:
        lines.extend(_credit_lines(credits, last, _sum(lines, last.currency), notes))
    if wallet is not None:
        drawn = wallet_line(wallet, last, _sum(lines, last.currency))
        lines.extend([drawn] if drawn is not None else [])
    return Invoice(
        last.name,
        last.service_class,
        period,
        last.currency,
        last.rounding,
        tuple(lines),
        tuple(notes),
    )


def quote(
    plan: Plan,
    expected_usage: Mapping[str, NumberText],
    *,
    cost_to_serve: Money | None = None,
    contacts: NumberText | None = None,
) -> Quote:
    """Price a whole period ahead; with ``cost_to_serve`` (per contact) show the margin.

    ``contacts`` defaults to the sum of the usage of metrics named ``contacts*``.
    """
    from fractions import Fraction

    lines = [_round(raw, plan.rounding) for raw in plan.raw_lines(expected_usage, Fraction(1))]
    lines.extend(tax_lines(plan, lines))
    if contacts is None:
        count = sum(
            (
                to_decimal(q, f"usage[{m}]")
                for m, q in expected_usage.items()
                if m.startswith("contacts")
            ),
            Decimal(0),
        )
    else:
        count = to_decimal(contacts, "contacts")
    cost = None
    if cost_to_serve is not None:
        if not isinstance(cost_to_serve, Money) or cost_to_serve.currency != plan.currency:
            raise PricingError(
                f"cost to serve must be Money in {plan.currency.code}", field="cost_to_serve"
            )
        cost = cost_to_serve * count
    return Quote(plan.name, plan.currency, plan.rounding, tuple(lines), count, cost)
