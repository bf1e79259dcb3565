"""sla: tiered SLA billing and service levels.

Contracts for service classes A, B, C and custom tiers; SLA clocks on
business-hours calendars; call-center economics; exact pricing.

The areas live in subpackages (``sla.calendar``, ``sla.tiers``,
``sla.contracts``, ``sla.clocks``, ``sla.economics``, ``sla.pricing``,
``sla.simulate``, ``sla.report``, ``sla.scale``); the most used names are re-exported here.
Everything except :class:`Money`, :class:`Currency` and the errors is imported
on first use, so ``import sla`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sla._errors import (
    CalendarError,
    ClockError,
    ContractError,
    CurrencyError,
    CurrencyMismatchError,
    EconomicsError,
    MoneyError,
    PricingError,
    Problem,
    SLAError,
    TierError,
)
from sla._public import publish
from sla.money import Currency, Money

if TYPE_CHECKING:
    from sla import (
        calendar,
        clocks,
        contracts,
        economics,
        pricing,
        report,
        scale,
        simulate,
        tiers,
    )
    from sla._explain import Explanation
    from sla.calendar import Calendar
    from sla.clocks import (
        ClockPolicy,
        Contact,
        Event,
        MetricTarget,
        evaluate,
        evaluate_arrow,
        evaluate_table,
    )
    from sla.contracts import load as load_contract
    from sla.economics import Queue, TierEconomics
    from sla.pricing import Plan, invoice, quote
    from sla.tiers import catalog

__version__ = "0.1.0"

_SUBPACKAGES = frozenset(
    {
        "calendar",
        "clocks",
        "contracts",
        "economics",
        "pricing",
        "report",
        "scale",
        "simulate",
        "tiers",
    }
)
_LAZY: dict[str, tuple[str, str]] = {
    "Calendar": ("sla.calendar", "Calendar"),
    "ClockPolicy": ("sla.clocks", "ClockPolicy"),
    "Contact": ("sla.clocks", "Contact"),
    "Event": ("sla.clocks", "Event"),
    "Explanation": ("sla._explain", "Explanation"),
    "MetricTarget": ("sla.clocks", "MetricTarget"),
    "evaluate": ("sla.clocks", "evaluate"),
    "evaluate_arrow": ("sla.clocks", "evaluate_arrow"),
    "evaluate_table": ("sla.clocks", "evaluate_table"),
    "load_contract": ("sla.contracts", "load"),
    "Queue": ("sla.economics", "Queue"),
    "TierEconomics": ("sla.economics", "TierEconomics"),
    "Plan": ("sla.pricing", "Plan"),
    "invoice": ("sla.pricing", "invoice"),
    "quote": ("sla.pricing", "quote"),
    "catalog": ("sla.tiers", "catalog"),
}


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"sla.{name}")
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sla' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBPACKAGES | set(_LAZY))


__all__ = [
    "Calendar",
    "CalendarError",
    "ClockError",
    "ClockPolicy",
    "Contact",
    "ContractError",
    "Currency",
    "CurrencyError",
    "CurrencyMismatchError",
    "EconomicsError",
    "Event",
    "Explanation",
    "MetricTarget",
    "Money",
    "MoneyError",
    "Plan",
    "PricingError",
    "Problem",
    "Queue",
    "SLAError",
    "TierEconomics",
    "TierError",
    "__version__",
    "calendar",
    "catalog",
    "clocks",
    "contracts",
    "economics",
    "evaluate",
    "evaluate_arrow",
    "evaluate_table",
    "invoice",
    "load_contract",
    "pricing",
    "quote",
    "report",
    "scale",
    "simulate",
    "tiers",
]

publish(globals())
