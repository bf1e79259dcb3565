"""sla: tiered SLA billing and service levels.

Contracts for service classes A, B, C and custom tiers; SLA clocks on
business-hours calendars; call-center economics; exact pricing.
"""

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
from sla.money import Currency, Money

__version__ = "0.1.0"

__all__ = [
    "CalendarError",
    "ClockError",
    "ContractError",
    "Currency",
    "CurrencyError",
    "CurrencyMismatchError",
    "EconomicsError",
    "Money",
    "MoneyError",
    "PricingError",
    "Problem",
    "SLAError",
    "TierError",
    "__version__",
]
