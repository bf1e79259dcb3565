"""Prices from a contract, and service credits from the clock engine's figures.

A contract carries an optional ``price_plan`` (overrides of the catalogue
plan of each tier it uses) and its own service credits; the clock engine
reports :class:`sla.clocks.Attainment` per metric, tier and period, which the
credit rules read as they are. :func:`contract_plan` turns the contract's
price plan into the pricing layer's :class:`Plan`, once, at the edge.
"""

from __future__ import annotations

import attrs

from sla._errors import PricingError, Problem
from sla._types import NumberText
from sla.contracts import CompiledContract, Contract
from sla.pricing._catalogue import CATALOGUE, catalogue_plan
from sla.pricing._credits import BandCredit, CreditSchedule
from sla.pricing._plans import Plan
from sla.pricing._schema import load_plan

__all__ = ["contract_plan"]


def contract_plan(contract: Contract | CompiledContract, tier: str) -> Plan:
    """The price plan of ``tier`` under ``contract`` (a ``Contract`` or ``CompiledContract``).

    A tier with a catalogue code (A, B, C, or a custom tier that ``extends``
    one) starts from that catalogue plan with the contract's ``price_plan``
    applied as overrides; any other tier needs a complete ``price_plan``. The
    contract's service credits for the tier (``credits:`` with ``below`` /
    ``credit`` bands) replace the plan's default credit rules, keeping its cap.

    >>> from sla.contracts import load
    >>> plan = contract_plan(load("examples/contracts/tier_a.yaml"), "A")  # doctest: +SKIP
    >>> str(plan.charge("monthly fee").model.amount)  # doctest: +SKIP
    '32000.00 USD'

    :raises PricingError: naming ``price_plan`` when the plan is missing or invalid.
    """
    spec = contract.spec if isinstance(contract, CompiledContract) else contract
    if not isinstance(spec, Contract):
        raise PricingError(
            f"expected a Contract or CompiledContract, got {type(contract).__name__}",
            field="contract",
        )
    # ``billable`` declares what a bill counts (sla.economics.Billable), not a price.
    overrides = {k: v for k, v in (spec.price_plan or {}).items() if k != "billable"}
    base = _catalogue_code(spec, tier)
    try:
        plan = catalogue_plan(base, overrides) if base else load_plan(overrides)
    except PricingError as exc:
        problems = [
            Problem(f"price_plan.{p.field}", p.reason, p.severity) for p in exc.problems
        ] or [Problem("price_plan", exc.reason)]
        raise PricingError.from_problems(
            problems, what=f"the price plan of tier {tier!r}"
        ) from None
    rows: dict[str, list[tuple[NumberText, NumberText]]] = {}
    for credit in spec.credits:
        if credit.tier == tier:
            rows.setdefault(credit.metric.value, []).append((credit.below, credit.credit))
    if not rows:
        return plan
    cap = plan.credits.cap if plan.credits is not None else None
    basis = plan.credits.basis if plan.credits is not None else "fees"
    rules = [BandCredit.below(metric, bands) for metric, bands in rows.items()]
    return attrs.evolve(plan, credits=CreditSchedule(rules, cap=cap, basis=basis))


def _catalogue_code(spec: Contract, tier: str) -> str | None:
    """The catalogue plan a tier starts from: its own code, or the end of its ``extends`` chain."""
    tiers = spec.tiers
    seen: set[str] = set()
    current = tier
    while current not in seen:
        seen.add(current)
        if current in CATALOGUE:
            return current
        found = tiers.get(current)
        parent = None if found is None else found.extends
        if parent is None:
            return None
        current = parent
    return None  # an extends cycle: contract validation reports it
