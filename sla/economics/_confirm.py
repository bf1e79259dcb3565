"""Staffing confirmed by simulation: the formula's answer, then the smallest the engine backs.

Used by ``Queue.agents_for(..., check="simulate")``. Every candidate number of
agents is simulated with the *same* seed (common random numbers), so the
comparison between neighbours is not blurred by fresh noise. A staffing is
confirmed when the simulated point estimates meet every target; the answer's
explanation shows each candidate with its 95 % confidence interval.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from sla._errors import EconomicsError
from sla._explain import Explanation, explanation
from sla.economics._distributions import Distribution
from sla.economics._explain import Count
from sla.economics._simulate import Simulation, simulate_queue

if TYPE_CHECKING:
    from sla.economics._queue import Queue

__all__ = ["Targets", "confirm_staffing"]


@attrs.frozen
class Targets:
    """The staffing targets of one ``agents_for`` call, in seconds and shares."""

    service_level: float | None
    within: float | None
    among: str
    max_asa: float | None
    max_abandon: float | None
    max_occupancy: float | None

    def met(self, sim: Simulation) -> bool:
        """Whether the simulated point estimates meet every target."""
        if self.service_level is not None:
            level = sim.service_level.value
            if self.among == "served":
                answered = 1.0 - sim.abandon.value
                level = level / answered if answered > 0 else 0.0
            if level < self.service_level:
                return False
        if self.max_asa is not None and sim.asa.value > self.max_asa:
            return False
        if self.max_abandon is not None and sim.abandon.value > self.max_abandon:
            return False
        return not (self.max_occupancy is not None and sim.occupancy.value > self.max_occupancy)


def _line(sim: Simulation, ok: bool) -> str:
    return (
        f"n={sim.agents}: service level {sim.service_level}, ASA {sim.asa} s, "
        f"abandoned {sim.abandon}, occupancy {sim.occupancy} -> "
        f"{'met' if ok else 'not met'}"
    )


def confirm_staffing(
    queue: Queue,
    formula_agents: int,
    formula_explanation: Explanation,
    targets: Targets,
    *,
    service: Distribution | timedelta | None,
    patience: Distribution | timedelta | None,
    customers: int,
    seed: int,
) -> Count:
    """The smallest agents the simulation confirms, searched from the formula's answer."""
    within = timedelta(seconds=targets.within or 0.0)
    seen: dict[int, tuple[bool, Simulation]] = {}
    load = float(queue.traffic)
    limit = math.ceil(load + 1000.0 * math.sqrt(load) + 1000.0)

    def meets(n: int) -> bool:
        if n not in seen:
            try:
                sim = simulate_queue(
                    queue,
                    n,
                    within,
                    service=service,
                    patience=patience,
                    customers=customers,
                    seed=seed,
                )
            except EconomicsError as error:
                if error.field != "agents":
                    raise
                return False  # an unstable queue (no patience, n <= load) meets nothing
            seen[n] = (targets.met(sim), sim)
        return seen[n][0]

    n = formula_agents
    if meets(n):
        while n > 0 and meets(n - 1):
            n -= 1
    else:
        lo, step = n, 1
        hi = n + step
        while not meets(hi):
            lo, step = hi, step * 2
            hi = n + step
            if hi > limit:
                raise EconomicsError(
                    "simulation found no number of agents meeting these targets",
                    field="targets",
                )
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if meets(mid):
                hi = mid
            else:
                lo = mid
        n = hi
    answer = seen[n][1]

    def why() -> Explanation:
        steps = [f"formula's answer: {formula_agents} ({formula_explanation.formula})"]
        steps += [_line(sim, ok) for _, (ok, sim) in sorted(seen.items())]
        steps.append(f"smallest n the simulation confirms: {n}")
        inputs = dict(formula_explanation.inputs)
        inputs.update({key: str(value) for key, value in answer.inputs if key != "agents"})
        return explanation(
            "agents required (checked by simulation)",
            n,
            "smallest n whose simulated figures meet every target, searched from the "
            "formula's answer with common random numbers",
            inputs,
            steps,
        )

    return Count(n, why)
