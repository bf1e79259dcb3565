"""A tier's period, in money: paid hours -> cost; the invoice -> revenue; result per request.

:class:`MonthEconomics` takes the paid hours of a period (:class:`PaidHours`),
the costs (:class:`PeriodCosts`), the period's invoice total and the number of
billable requests, and gives

* ``cost``    = paid hours x loaded hour + fixed costs + bot conversations x their cost,
* ``revenue`` = the invoice before tax (credits included),
* ``result``  = revenue - cost, exactly,

and per billable request (one denominator for all three): cost, revenue, margin.
Every figure explains itself; interval costs add up to the month's cost and
per-request revenues to the invoice, to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

import attrs

from sla._errors import EconomicsError
from sla._explain import Explanation, explanation
from sla.economics._shifts import PaidHours
from sla.money import Currency, Money

__all__ = ["Billed", "MonthEconomics", "PeriodCosts"]


class Billed(Protocol):
    """What :meth:`MonthEconomics.from_invoice` reads of an invoice (``sla.pricing.Invoice``)."""

    @property
    def total(self) -> Money: ...

    @property
    def tax(self) -> Money: ...

    @property
    def credits(self) -> Money: ...


def money_text(value: Money) -> str:
    """``"12.30 USD"``: rounded half-even to the currency's minor unit."""
    return f"{value.rounded().amount} {value.currency.code}"


@attrs.frozen
class PeriodCosts:
    """What a period costs besides paid hours.

    ``hour`` is the loaded cost of one paid hour; ``fixed`` names costs of the
    whole period (seats, licences); ``bot_conversation`` is what one bot
    conversation costs. All in one currency.
    """

    hour: Money
    fixed: Mapping[str, Money] = attrs.field(factory=dict)
    bot_conversation: Money | None = None

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.hour, Money):
            raise EconomicsError(f"expected sla.Money, got {self.hour!r}", field="costs.hour")
        object.__setattr__(self, "fixed", dict(self.fixed))
        items = [("costs.hour", self.hour)]
        items += [(f"costs.fixed.{k}", v) for k, v in self.fixed.items()]
        if self.bot_conversation is not None:
            items.append(("costs.bot_conversation", self.bot_conversation))
        for field, value in items:
            if not isinstance(value, Money):
                raise EconomicsError(f"expected sla.Money, got {value!r}", field=field)
            if value.currency != self.hour.currency:
                raise EconomicsError(
                    f"is in {value.currency.code}, the hour rate in {self.hour.currency.code}",
                    field=field,
                )
            if value.amount < 0:
                raise EconomicsError(f"a cost cannot be negative, got {value}", field=field)

    @property
    def currency(self) -> Currency:
        """The currency of every cost."""
        return self.hour.currency


@attrs.frozen(eq=False)
class MonthEconomics:
    """Cost, revenue and result of one tier over one period, and per billable request."""

    paid: PaidHours
    costs: PeriodCosts
    revenue: Money
    requests: int
    bot_conversations: int = 0
    revenue_note: str = "given"

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.paid, PaidHours):
            raise EconomicsError(f"expected PaidHours, got {self.paid!r}", field="paid")
        if not isinstance(self.costs, PeriodCosts):
            raise EconomicsError(f"expected PeriodCosts, got {self.costs!r}", field="costs")
        if not isinstance(self.revenue, Money):
            raise EconomicsError(f"expected sla.Money, got {self.revenue!r}", field="revenue")
        if self.revenue.currency != self.costs.currency:
            raise EconomicsError(
                f"costs are in {self.costs.currency.code}, the invoice in "
                f"{self.revenue.currency.code}",
                field="costs.hour",
            )
        for name in ("requests", "bot_conversations"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise EconomicsError(f"must be a whole number >= 0, got {value!r}", field=name)

    @classmethod
    def from_invoice(
        cls,
        paid: PaidHours,
        costs: PeriodCosts,
        invoice: Billed,
        requests: int,
        *,
        bot_conversations: int = 0,
    ) -> MonthEconomics:
        """Revenue from the period's invoice: its total before tax, credits included."""
        revenue = invoice.total - invoice.tax
        note = f"invoice total {invoice.total} - tax {invoice.tax} (credits {invoice.credits})"
        return cls(paid, costs, revenue, requests, bot_conversations, note)

    # -- figures ---------------------------------------------------------------------------

    @property
    def paid_hours(self) -> Decimal:
        """Paid hours of the period (exact)."""
        return self.paid.hours

    @property
    def labour(self) -> Money:
        """Paid hours x loaded hour rate."""
        return self.costs.hour * self.paid_hours

    @property
    def other_costs(self) -> Money:
        """Fixed costs plus bot conversations."""
        zero = Money.zero(self.costs.currency)
        fixed = sum(self.costs.fixed.values(), zero)
        bot = (self.costs.bot_conversation or zero) * self.bot_conversations
        return fixed + bot

    @property
    def cost(self) -> Money:
        """Labour plus fixed costs plus bot conversations."""
        return self.labour + self.other_costs

    @property
    def result(self) -> Money:
        """Revenue - cost, exactly."""
        return self.revenue - self.cost

    def _per(self, value: Money) -> Money | None:
        return value / self.requests if self.requests else None

    @property
    def cost_per_request(self) -> Money | None:
        """Cost / billable requests (``None`` with no request)."""
        return self._per(self.cost)

    @property
    def revenue_per_request(self) -> Money | None:
        """Revenue / billable requests."""
        return self._per(self.revenue)

    @property
    def margin_per_request(self) -> Money | None:
        """Result / billable requests (= revenue per request - cost per request)."""
        return self._per(self.result)

    # -- reconciliation --------------------------------------------------------------------

    def interval_costs(self) -> list[Money]:
        """Cost per interval: its labour, plus other costs spread by paid hours.

        They add up to :attr:`cost` exactly: other costs are split with
        :meth:`Money.allocate` (to the cent) and any sub-cent remainder goes to
        the first interval.
        """
        hour = self.costs.hour
        labour = [hour * h for h in self.paid.interval_paid_hours()]
        other = self.other_costs
        weights = [int(h) for h in self.paid.heads]
        if not any(weights):
            weights = [1] * len(weights)
        spread = other.allocate(weights)
        spread[0] = spread[0] + (other - other.rounded())
        return [a + b for a, b in zip(labour, spread, strict=True)]

    def revenue_by_request(self) -> list[Money]:
        """The invoice split over the billable requests; the parts add up to it exactly."""
        if not self.requests:
            raise EconomicsError("no billable request to split the invoice over", field="requests")
        return self.revenue.allocate([1] * self.requests)

    # -- explanation -----------------------------------------------------------------------

    def explain(self, figure: str = "result") -> Explanation:
        """How ``figure`` (``paid_hours``, ``cost``, ``revenue``, ``result`` or a per-request one)
        was computed."""
        hour, paid = self.costs.hour, self.paid_hours
        inputs: dict[str, object] = {
            "paid hours": f"{paid} ({self.paid.method})",
            "loaded hour": hour,
            "requests": self.requests,
        }
        formulas = {
            "paid_hours": self.paid.explain().formula,
            "cost": "paid hours x loaded hour + fixed costs + bot conversations x cost each",
            "revenue": f"the period's invoice before tax: {self.revenue_note}",
            "result": "revenue - cost",
            "cost_per_request": "cost / billable requests",
            "revenue_per_request": "revenue / billable requests",
            "margin_per_request": "result / billable requests",
        }
        if figure not in formulas:
            raise EconomicsError(f"no figure named {figure!r}", field="figure")
        if figure == "paid_hours":
            return self.paid.explain()
        steps = [
            f"labour: {paid} h x {hour} = {self.labour}",
            *(f"fixed {k}: {v}" for k, v in self.costs.fixed.items()),
            f"bot: {self.bot_conversations} conversations x {self.costs.bot_conversation}",
            f"cost = {self.cost}",
            f"revenue = {self.revenue}",
            f"result = {self.revenue} - {self.cost} = {self.result}",
        ]
        return explanation(figure, getattr(self, figure), formulas[figure], inputs, steps)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready figures, money as ``"12.30 USD"`` strings (rounded half-even)."""

        def text(value: Money | None) -> str | None:
            return None if value is None else money_text(value)

        return {
            "paid_hours": str(self.paid_hours),
            "lower_bound_hours": str(self.paid.lower_bound),
            "idle_hours": str(self.paid.idle_hours),
            "cost": text(self.cost),
            "revenue": text(self.revenue),
            "result": text(self.result),
            "requests": self.requests,
            "cost_per_request": text(self.cost_per_request),
            "revenue_per_request": text(self.revenue_per_request),
            "margin_per_request": text(self.margin_per_request),
        }
