"""What-if tables and a sensitivity table for a tier's economics."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs

from sla._errors import EconomicsError
from sla.economics._table import RowTable
from sla.economics._unit import Deflection, TierEconomics
from sla.money import Money

__all__ = ["sensitivity", "what_if"]


def _volume(t: TierEconomics, factor: float) -> TierEconomics:
    return t.with_(queue=t.queue.with_(calls=float(t.queue.calls) * float(factor)))


def _aht(t: TierEconomics, aht: timedelta) -> TierEconomics:
    return t.with_aht(aht)


def _sl(t: TierEconomics, level: float) -> TierEconomics:
    return t.with_(service_level=level)


def _within(t: TierEconomics, within: timedelta) -> TierEconomics:
    return t.with_(within=within)


def _wage(t: TierEconomics, agent_hour: Money) -> TierEconomics:
    return t.with_(costs=attrs.evolve(t.costs, agent_hour=agent_hour))


def _price(t: TierEconomics, price: Money) -> TierEconomics:
    return t.with_(price=attrs.evolve(t.price, price=price))


def _deflection(t: TierEconomics, share: float | Deflection) -> TierEconomics:
    if isinstance(share, Deflection):
        return t.with_(deflection=share)
    if t.deflection is None:
        raise EconomicsError(
            "vary deflection with Deflection objects, or give the tier a Deflection "
            "whose short-contact AHT is used",
            field="deflection",
        )
    return t.with_(deflection=attrs.evolve(t.deflection, share=share))


_AXES: dict[str, Callable[[TierEconomics, Any], TierEconomics]] = {
    "volume": _volume,
    "aht": _aht,
    "service_level": _sl,
    "within": _within,
    "agent_hour": _wage,
    "price": _price,
    "deflection": _deflection,
}


def _show(value: Any) -> Any:
    if isinstance(value, Money):
        return value.amount
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Deflection):
        return value.share
    return value


def what_if(tier: TierEconomics, **variations: Sequence[object]) -> RowTable:
    """Every combination of the given variations, one row each.

    Axes: ``volume`` (factors on calls), ``aht`` (timedelta), ``service_level``,
    ``within`` (timedelta), ``agent_hour`` and ``price`` (Money), ``deflection``
    (shares, or :class:`Deflection`). Input columns come first (seconds for
    durations, Decimal for money), then the :meth:`Outcome.as_row` columns.
    """
    unknown = sorted(set(variations) - set(_AXES))
    if unknown:
        raise EconomicsError(
            f"unknown what-if axes {unknown}; use {sorted(_AXES)}", field="variations"
        )
    names = list(variations)
    rows = []
    for combo in itertools.product(*(variations[n] for n in names)):
        t = tier
        for name, value in zip(names, combo):
            t = _AXES[name](t, value)
        row = {name: _show(value) for name, value in zip(names, combo)}
        row.update(t.outcome().as_row())
        rows.append(row)
    return RowTable(rows)


def sensitivity(tier: TierEconomics, change: float = 0.10) -> RowTable:
    """Which input moves the margin per contact most: each input -change and +change.

    Inputs: volume, AHT, agent hour, price and (if the tier has one) the
    deflection share. ``margin_low`` / ``margin_base`` / ``margin_high`` are
    the interval's margin per contact (Decimal) at -change, as given and at
    +change; ``swing`` is ``|high - low|``, the whole range. Rows are sorted by
    swing, largest first. What the same changes do to a month's result is
    :func:`launch_table` (every interval staffed on its own).
    """
    if not 0 < change < 1:
        raise EconomicsError(f"change must be in (0, 1), got {change}", field="change")
    base = tier.outcome().margin_per_contact
    d = Decimal(repr(change))
    cases: list[tuple[str, Callable[[int], TierEconomics]]] = [
        ("volume", lambda s: _volume(tier, 1 + s * change)),
        ("aht", lambda s: _aht(tier, tier.queue.aht * (1 + s * change))),
        ("agent_hour", lambda s: _wage(tier, tier.costs.agent_hour * (1 + s * d))),
        ("price", lambda s: _price(tier, tier.price.price * (1 + s * d))),
    ]
    if tier.deflection is not None:
        share = tier.deflection.share
        cases.append(
            ("deflection", lambda s: _deflection(tier, min(1.0, share * (1 + s * change))))
        )
    rows: list[dict[str, Any]] = []
    for name, build in cases:
        low = build(-1).outcome().margin_per_contact
        high = build(+1).outcome().margin_per_contact
        rows.append(
            {
                "input": name,
                "change": change,
                "margin_low": low.amount,
                "margin_base": base.amount,
                "margin_high": high.amount,
                "swing": abs(high - low).amount,
                "currency": base.currency.code,
            }
        )
    rows.sort(key=lambda r: r["swing"], reverse=True)
    return RowTable(rows)
