"""Whether a contract's ``price_plan`` prices each of its tiers: checked before billing.

A contract keeps ``price_plan`` as data for this module (contracts sit above
pricing and do not import it), so ``sla contract check`` asks here, and the
month report uses the same answer: a tier is invoiced only when it is priced.
"""

from __future__ import annotations

from typing import Any

from sla._errors import PricingError, Problem
from sla.pricing._contracts import _catalogue_code, contract_plan

__all__ = ["is_priced", "plan_problems"]


def is_priced(contract: Any, tier: str) -> bool:
    """True when ``tier`` of ``contract`` has a price: a catalogue tier it starts from
    (its own code or the end of its ``extends`` chain) or the contract's ``price_plan``.

    >>> from sla.contracts import load
    >>> is_priced(load("examples/contracts/custom_tier.yaml"), "P")  # doctest: +SKIP
    False
    """
    spec = _spec(contract)
    return spec.price_plan is not None or _catalogue_code(spec, tier) is not None


def plan_problems(contract: Any) -> tuple[Problem, ...]:
    """Every problem of the contract's price plan, per tier, with ``price_plan.…`` paths.

    A tier that is not priced (no catalogue tier, no ``price_plan``) is a warning:
    the SLA still holds, it is just not invoiced. A ``price_plan`` that does not
    build a valid plan for a tier (a ``NaN`` amount, an unknown key, a missing
    field) is an error, as it would be when the tier is billed.
    """
    spec = _spec(contract)
    found: list[Problem] = []
    for code in spec.tiers:
        if not is_priced(spec, code):
            found.append(
                Problem(
                    f"tiers.{code}",
                    "no price: the tier extends no catalogue tier (A, B, C) and the contract "
                    "has no price_plan, so it is not invoiced",
                    "warning",
                )
            )
            continue
        try:
            contract_plan(spec, code)
        except PricingError as exc:
            for problem in exc.problems or (Problem("price_plan", exc.reason),):
                found.append(Problem(problem.field, f"{problem.reason} (the plan of tier {code})"))
    return tuple(dict.fromkeys(found))


def _spec(contract: Any) -> Any:
    from sla.contracts import CompiledContract

    return contract.spec if isinstance(contract, CompiledContract) else contract
