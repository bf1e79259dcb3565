"""What the client pays: small immutable price inputs for revenue per contact.

These are the economics view of a contract's price model; the full pricing
engine (plans, tiers, commitments) lives elsewhere and can produce these.
"""

from __future__ import annotations

import attrs

from sla._errors import EconomicsError
from sla.money import Money

__all__ = [
    "PerAgentHour",
    "PerContact",
    "PerMinute",
    "PerResolvedContact",
    "PerTierMonth",
    "Price",
]


def _money(instance: object, attribute: attrs.Attribute[Money], value: object) -> None:
    if not isinstance(value, Money):
        raise EconomicsError(
            f"expected sla.Money, got {type(value).__name__} {value!r}", field=attribute.name
        )
    if value.amount < 0:
        raise EconomicsError(f"a price cannot be negative, got {value}", field=attribute.name)


@attrs.frozen(slots=True)
class PerContact:
    """A fixed price for every contact an agent handles (bot-answered contacts earn nothing)."""

    price: Money = attrs.field(validator=_money)


@attrs.frozen(slots=True)
class PerMinute:
    """A price per handled minute (talk plus wrap-up: the AHT)."""

    price: Money = attrs.field(validator=_money)


@attrs.frozen(slots=True)
class PerAgentHour:
    """A price per staffed agent hour on the phone (before shrinkage)."""

    price: Money = attrs.field(validator=_money)


@attrs.frozen(slots=True)
class PerTierMonth:
    """A flat fee per month for the tier, whatever the volume."""

    price: Money = attrs.field(validator=_money)


@attrs.frozen(slots=True)
class PerResolvedContact:
    """A price per contact resolved (first-contact resolution times handled contacts)."""

    price: Money = attrs.field(validator=_money)


Price = PerContact | PerMinute | PerAgentHour | PerTierMonth | PerResolvedContact
