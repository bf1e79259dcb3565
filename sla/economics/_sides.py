"""Both sides of a call: the vendor's margin and the client's return, and training for both.

An outsourced call center charged a fixed price per call; calls ran long and
it lost money. Cost per call is the vendor's question; the client's is what a
call *earns*: ``conversion x order value - price``. :func:`both_sides` puts
them in one table row, :func:`training` shows what shorter calls and better
conversion do to each.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs

from sla._errors import EconomicsError
from sla._explain import explanation
from sla.economics._explain import Figure
from sla.economics._table import RowTable
from sla.economics._unit import TierEconomics
from sla.money import Money

__all__ = ["ClientValue", "both_sides", "training"]


def _share(value: object, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise EconomicsError(f"expected a share between 0 and 1, got {value!r}", field=field)
    try:
        share = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except ArithmeticError:
        raise EconomicsError(f"expected a share, got {value!r}", field=field) from None
    if not (share.is_finite() and 0 <= share <= 1):
        raise EconomicsError(f"must be between 0 and 1, got {value!r}", field=field)
    return share


def _conversion(value: object) -> Decimal:
    return _share(value, "conversion")


@attrs.frozen
class ClientValue:
    """What one handled call is worth to the client: ``conversion`` x ``order_value``.

    ``order_value`` is the client's gross margin on one order (not the ticket
    price); ``conversion`` the share of calls that end in an order.
    """

    conversion: Decimal = attrs.field(converter=_conversion)
    order_value: Money

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.order_value, Money) or self.order_value.amount < 0:
            raise EconomicsError(
                f"expected a Money >= 0, got {self.order_value!r}", field="order_value"
            )

    @property
    def value_per_call(self) -> Money:
        """Conversion x order value."""
        return self.order_value * self.conversion

    def return_per_call(self, price: Money) -> Money:
        """What a call earns the client after paying ``price`` for it."""
        if price.currency != self.order_value.currency:
            raise EconomicsError(
                f"price in {price.currency.code}, order value in {self.order_value.currency.code}",
                field="price",
            )
        return self.value_per_call - price

    def max_price(self) -> Money:
        """The highest price per call at which calls still pay the client (return = 0)."""
        return self.value_per_call


def both_sides(tier: TierEconomics, client: ClientValue) -> dict[str, Any]:
    """One row: the vendor's cost, price and margin per call; the client's value and return.

    The price per call is the tier's revenue per contact. The vendor's
    break-even AHT (a maximum for a per-call price, a minimum for a per-minute
    one) and the client's maximum price per call are included.
    """
    outcome = tier.outcome()
    price = outcome.revenue_per_contact
    try:
        aht: Figure | None = tier.break_even_aht()
    except EconomicsError:
        aht = None
    value = client.return_per_call(price)
    return {
        "aht_seconds": tier.queue.aht.total_seconds(),
        "conversion": client.conversion,
        "vendor_cost_per_call": outcome.cost_per_contact,
        "price_per_call": price,
        "vendor_margin_per_call": outcome.margin_per_contact,
        "vendor_break_even_aht_seconds": None if aht is None else float(aht),
        "vendor_break_even_is_minimum": tier.break_even_is_minimum,
        "client_value_per_call": client.value_per_call,
        "client_return_per_call": value,
        "client_max_price_per_call": client.max_price(),
        "explain": explanation(
            "client return per call",
            value,
            "conversion x order value - price per call",
            {
                "conversion": client.conversion,
                "order value": client.order_value,
                "price per call": price,
            },
        ),
    }


def training(
    tier: TierEconomics,
    client: ClientValue,
    *,
    aht_cut: timedelta,
    conversion_gain: Decimal | float | str = 0,
) -> RowTable:
    """Before and after training: shorter calls (``aht_cut``) and better conversion.

    Two rows (``before``, ``after``) of :func:`both_sides` figures: the vendor
    gains from shorter calls under a per-call price, the client from the
    conversion gain; both are shown.
    """
    if not isinstance(aht_cut, timedelta) or not timedelta(0) <= aht_cut < tier.queue.aht:
        raise EconomicsError("must be a timedelta shorter than the AHT", field="aht_cut")
    gain = _share(conversion_gain, "conversion_gain")
    if client.conversion + gain > 1:
        raise EconomicsError("conversion would exceed 100 %", field="conversion_gain")
    after_client = attrs.evolve(client, conversion=client.conversion + gain)
    rows = []
    for label, t, c in (
        ("before", tier, client),
        ("after", tier.with_aht(tier.queue.aht - aht_cut), after_client),
    ):
        row = both_sides(t, c)
        row.pop("explain")
        rows.append({"case": label, **row})
    return RowTable(rows)
