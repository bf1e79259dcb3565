"""The staffing chart's data: service level by agents in a queue's busiest interval.

The chart answers "why this many agents?": the curve of the formula's service
level against agents, the contract's target as a horizontal line and the
agents the model chose as a vertical one. The data is kept (not only the
picture) so a test can check that the marked agents are the staffing answer
and the line the contract's target.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs
import numpy as np

__all__ = ["StaffingCurve", "staffing_curve"]

#: Agents drawn on either side of the chosen staffing.
BELOW, ABOVE = 5, 3


@attrs.frozen
class StaffingCurve:
    """One queue's busiest interval: service level by agents, the target and the choice."""

    channels: tuple[str, ...]
    #: Start of the busiest interval (the most handling work) of the month.
    start: datetime
    #: The queue's contacts in that interval (written queues: the work spread over the
    #: response window) and their average handle time.
    contacts: float
    aht: timedelta
    #: The share promised (the target line) and its answer time.
    target: float
    within: timedelta
    #: Agents the queue model staffed that interval with (the marked point).
    chosen: int
    #: ``(agents, service level by the formula)`` around the choice.
    points: tuple[tuple[int, float], ...]

    def title(self, code: str) -> str:
        """The chart title."""
        return (
            f"Tier {code} {' + '.join(self.channels)}: service level by agents, busiest "
            f"interval ({self.start:%a %d %H:%M}, {self.contacts:.4g} contacts)"
        )


def staffing_curve(
    target: Any, workload: Any, agents: Any, channels: tuple[str, ...]
) -> StaffingCurve | None:
    """The curve of ``target``'s queue in the busiest interval of ``workload``.

    ``agents`` are the target's answer per interval (``target.agents(workload)``);
    ``None`` when no interval has work.
    """
    queues = target.queues(workload)
    work = queues.calls * queues.aht
    if not (work > 0).any():
        return None
    i = int(np.argmax(work))
    chosen = int(agents[i])
    queue = queues.queue(i)
    per = queues.slots_per_agent
    points = tuple(
        (n, float(queue.service_level(n * per, queues.within)))
        for n in range(max(1, chosen - BELOW), chosen + ABOVE + 1)
    )
    return StaffingCurve(
        channels,
        queues.start + queues.interval * i,
        float(queues.calls[i]),
        timedelta(seconds=float(queues.aht[i])),
        queues.share,
        queues.within,
        chosen,
        points,
    )
