"""Staffing a tier's front-desk flow: desk agents and managers, checked by simulation."""

from __future__ import annotations

import math
from datetime import timedelta

import attrs

from sla._errors import EconomicsError, Problem
from sla._explain import Explanation, explanation
from sla.economics._check import raise_all, target_share
from sla.economics._distributions import Distribution, as_distribution
from sla.economics._queue import Queue
from sla.economics._tier import Callbacks, TierSimulation, simulate_tier

__all__ = ["TierStaffing", "tier_staffing"]


@attrs.frozen
class TierStaffing:
    """Desk agents and managers that meet both targets, and the flow simulated at that staffing."""

    desk_agents: int
    managers: int
    simulation: TierSimulation
    steps: tuple[str, ...]

    def explain(self) -> Explanation:
        """Each staffing tried with its simulated figures, then the flow at the answer."""
        base = self.simulation.explain()
        return explanation(
            "tier staffing (checked by simulation)",
            f"{self.desk_agents} desk agents, {self.managers} managers",
            "desk: agents_for(check='simulate'); managers: from the single-server formula "
            "upward until the simulated share on time meets the target",
            dict(base.inputs),
            [*self.steps, *base.steps],
        )


def tier_staffing(
    desk: Queue,
    callbacks: Callbacks,
    *,
    desk_service_level: float,
    share: float,
    desk_within: timedelta = timedelta(seconds=20),
    desk_service: Distribution | timedelta | None = None,
    desk_patience: Distribution | timedelta | None = None,
    customers: int = 200_000,
    seed: int = 0,
) -> TierStaffing:
    """Desk agents and managers meeting the desk's level and ``share`` of callbacks on time.

    Desk agents come from ``desk.agents_for(check="simulate")``; managers start
    at the single-server formula's answer (which ignores retries) and grow
    until the simulated share on time reaches ``share``.
    """
    problems: list[Problem] = []
    level = target_share(desk_service_level, "desk_service_level", problems)
    goal = target_share(share, "share", problems)
    raise_all(problems, "tier staffing")
    agents = int(
        desk.agents_for(
            service_level=level,
            within=desk_within,
            check="simulate",
            service=desk_service,
            patience=desk_patience,
            customers=customers,
            seed=seed,
        )
    )
    handle_dist = as_distribution(callbacks.handle_time, "handle_time")
    assert handle_dist is not None
    rate = float(desk.calls) / desk.interval.total_seconds()
    h = handle_dist.mean_seconds(0.0)
    t = callbacks.within.total_seconds()
    managers = max(1, math.ceil(rate * h))
    # Start from the single-server formula (PersonalManager's), which ignores retries.
    while (rho := rate * h / managers) >= 1.0 or 1.0 - rho * math.exp(-(1.0 - rho) * t / h) < goal:
        managers += 1

    def run(m: int) -> TierSimulation:
        return simulate_tier(
            desk,
            callbacks,
            desk_agents=agents,
            managers=m,
            desk_within=desk_within,
            desk_service=desk_service,
            desk_patience=desk_patience,
            customers=customers,
            seed=seed,
        )

    steps = [f"desk agents (simulated check) = {agents}", f"managers by the formula = {managers}"]
    result = run(managers)
    steps.append(f"{managers} managers: on time {result.on_time}")
    while result.on_time.value < goal:
        managers += 1
        if managers > 100 * (1 + rate * h):
            raise EconomicsError("no number of managers meets the callback target", field="share")
        result = run(managers)
        steps.append(f"{managers} managers: on time {result.on_time}")
    return TierStaffing(agents, managers, result, tuple(steps))
