"""Pricing calculators: charge models, plans per service class, credits, quotes, invoices.

Everything is exact (:class:`~sla.Money`, Decimal) and explainable: every
model has ``charge(quantity)`` and ``explain(quantity)``, every invoice line
keeps its unrounded amount and the steps behind it. See ``docs/pricing.md``.
"""

from sla._public import publish
from sla.clocks._compliance import Attainment
from sla.pricing._adjust import Coupon, TaxRate, Wallet
from sla.pricing._batch import rate_table
from sla.pricing._blocks import Blocks, BlockTier
from sla.pricing._catalogue import CATALOGUE, catalogue_plan
from sla.pricing._common import Step
from sla.pricing._contract_check import is_priced, plan_problems
from sla.pricing._contracts import contract_plan
from sla.pricing._credits import (
    Band,
    BandCredit,
    BreachCredit,
    ClaimDeadline,
    CreditLine,
    CreditResult,
    CreditSchedule,
)
from sla.pricing._invoice import Invoice, Line, Phase, Quote, invoice, quote
from sla.pricing._models import (
    ChargeModel,
    Flat,
    Graduated,
    Package,
    PerUnit,
    PriceBand,
    Transform,
    Volume,
    tiers_up_to,
)
from sla.pricing._percent import GraduatedPercentage, GreaterOf, Percentage, PercentTier
from sla.pricing._periods import BillingPeriod, prorate
from sla.pricing._plans import Charge, Discount, Plan
from sla.pricing._schema import PlanSpec, load_plan

__all__ = [
    "CATALOGUE",
    "Attainment",
    "Band",
    "BandCredit",
    "BillingPeriod",
    "BlockTier",
    "Blocks",
    "BreachCredit",
    "Charge",
    "ChargeModel",
    "ClaimDeadline",
    "Coupon",
    "CreditLine",
    "CreditResult",
    "CreditSchedule",
    "Discount",
    "Flat",
    "Graduated",
    "GraduatedPercentage",
    "GreaterOf",
    "Invoice",
    "Line",
    "Package",
    "PerUnit",
    "PercentTier",
    "Percentage",
    "Phase",
    "Plan",
    "PlanSpec",
    "PriceBand",
    "Quote",
    "Step",
    "TaxRate",
    "Transform",
    "Volume",
    "Wallet",
    "catalogue_plan",
    "contract_plan",
    "invoice",
    "is_priced",
    "load_plan",
    "plan_problems",
    "prorate",
    "quote",
    "rate_table",
    "tiers_up_to",
]

publish(globals())
