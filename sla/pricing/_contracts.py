"""Prices from a contract, and service credits from the clock engine's figures.

A contract carries an optional ``price_plan`` (overrides of the catalogue
plan of each tier it uses) and its own service credits; the clock engine
reports attainment per metric, tier and period. These two functions turn
both into the pricing layer's own types, once, at the edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from sla._errors import PricingError, Problem
from sla.pricing._catalogue import CATALOGUE, catalogue_plan
from sla.pricing._credits import Attainment, BandCredit, CreditSchedule
from sla.pricing._plans import Plan
from sla.pricing._schema import load_plan

__all__ = ["attainments", "contract_plan"]


def contract_plan(contract: Any, tier: str) -> Plan:
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
    spec = getattr(contract, "spec", contract)  # a CompiledContract holds its Contract in `.spec`
    overrides = spec.price_plan or {}
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
    rows: dict[str, list[tuple[Any, Any]]] = {}
    for credit in spec.credits:
        if credit.tier == tier:
            rows.setdefault(credit.metric.value, []).append((credit.below, credit.credit))
    if not rows:
        return plan
    cap = plan.credits.cap if plan.credits is not None else None
    basis = plan.credits.basis if plan.credits is not None else "fees"
    rules = [BandCredit.below(metric, bands) for metric, bands in rows.items()]
    return attrs.evolve(plan, credits=CreditSchedule(rules, cap=cap, basis=basis))


def _catalogue_code(spec: Any, tier: str) -> str | None:
    """The catalogue plan a tier starts from: its own code, or the end of its ``extends`` chain."""
    tiers = getattr(spec, "tiers", {}) or {}
    seen: set[str] = set()
    current = tier
    while current not in seen:
        seen.add(current)
        if current in CATALOGUE:
            return current
        parent = getattr(tiers.get(current), "extends", None)
        if parent is None:
            return None
        current = parent
    return None  # an extends cycle: contract validation reports it


def attainments(records: Iterable[Any]) -> list[Attainment]:
    """The clock engine's attainment records (``sla.clocks.attainment``) as credit inputs."""
    return [
        Attainment(
            r.metric,
            r.attained,
            target=r.target,
            tier=r.tier,
            period=r.period,
            met=r.met,
            total=r.total,
            breaches=r.breaches,
        )
        for r in records
    ]
