"""A service class (tier): channels, access mode, coverage, targets, escalation."""

from __future__ import annotations

from typing import Literal

import attrs

from sla.tiers._direct import DirectLine, LocalPart
from sla.tiers._escalation import EscalationPolicy
from sla.tiers._targets import ServiceLevel, Target
from sla.tiers._values import AccessMode, Channel

__all__ = ["Tier"]


@attrs.frozen(slots=True)
class Tier:
    """A service class such as A, B or C.

    ``coverage`` names the calendar (in the contract or catalogue) whose
    hours the tier is staffed; ``availability="24/7"`` promises round-the-clock
    service (validation checks the calendar keeps it). ``on_call`` names an
    on-call rotation. ``direct_line`` is the allow-list of numbers or contacts
    that reach a personal manager directly; every other call goes to the front
    desk, which records the question and creates a callback.
    """

    code: str
    name: str
    description: str = ""
    channels: frozenset[Channel] = frozenset()
    access: AccessMode = AccessMode.SHARED_POOL
    coverage: str = "business"
    availability: Literal["business_hours", "24/7"] = "business_hours"
    targets: tuple[Target, ...] = ()
    service_levels: tuple[ServiceLevel, ...] = ()
    escalation: EscalationPolicy = attrs.field(factory=EscalationPolicy)
    on_call: str | None = None
    direct_line: tuple[str, ...] = ()

    def offers(self, channel: str) -> bool:
        """Whether the tier offers ``channel``."""
        return channel in self.channels

    def targets_for(self, channel: str, priority: str) -> tuple[Target, ...]:
        """The per-contact targets for a contact on ``channel`` with ``priority``.

        When several targets of one metric apply, the one listed last wins
        (a specific row after a general one overrides it).
        """
        chosen: dict[str, Target] = {}
        for target in self.targets:
            if target.applies_to(channel, priority) and (
                not target.channels or channel in self.channels
            ):
                chosen[target.metric] = target
        return tuple(chosen.values())

    def service_levels_for(self, channel: str, priority: str) -> tuple[ServiceLevel, ...]:
        """The aggregate service levels a contact on ``channel`` / ``priority`` counts towards."""
        return tuple(s for s in self.service_levels if s.applies_to(channel, priority))

    def is_direct(
        self,
        caller: str,
        *,
        region: str | None = None,
        local_part: LocalPart = "case_insensitive",
    ) -> bool:
        """Whether ``caller`` is on the direct-line allow-list, however it is written.

        Phone numbers compare in E.164 (``region`` reads national forms), e-mail
        addresses case-insensitively on the domain (see :mod:`sla.tiers._direct`);
        entries that are neither are ignored here (contract validation reports them).
        """
        line = DirectLine.of(self.direct_line, region=region, local_part=local_part, problems=[])
        return line.allows(caller)
