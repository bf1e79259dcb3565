"""Escalation policies: who is told, and when, as a deadline approaches or passes."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Literal

import attrs

from sla._errors import TierError
from sla.tiers._values import Metric, format_duration, format_fraction

__all__ = ["EscalationPolicy", "EscalationRule", "Recipient"]

RecipientKind = Literal["role", "person", "on_call"]


@attrs.frozen(slots=True)
class Recipient:
    """Who is told: a role (``role:team_lead``), a person (``person:alice``) or ``on_call``.

    >>> Recipient.parse("role:team_lead")
    Recipient(kind='role', name='team_lead')
    """

    kind: RecipientKind
    name: str = ""

    @classmethod
    def parse(cls, text: str, *, field: str = "notify") -> Recipient:
        """Read ``"role:NAME"``, ``"person:NAME"`` or ``"on_call"``.

        :raises TierError: for any other text.
        """
        text = text.strip()
        if text in ("on_call", "on-call", "oncall"):
            return cls("on_call")
        kind, sep, name = text.partition(":")
        if sep and kind in ("role", "person") and name.strip():
            return cls(kind, name.strip())  # type: ignore[arg-type]
        raise TierError(
            f"{text!r} is not a recipient (use 'role:NAME', 'person:NAME' or 'on_call')",
            field=field,
        )

    def __str__(self) -> str:
        return "on_call" if self.kind == "on_call" else f"{self.kind}:{self.name}"


@attrs.frozen(slots=True)
class EscalationRule:
    """One step of an escalation policy.

    Exactly one trigger: ``offset`` (signed seconds of the target's clock
    relative to the deadline: ``-3600`` is one business hour before it,
    ``+1800`` half an hour after a breach), ``fraction`` of the target, or
    ``immediate`` (at the start: bad news travels instantly). Empty
    ``metrics`` / ``priorities`` mean "all".
    """

    name: str
    notify: tuple[Recipient, ...]
    offset: int | None = None
    fraction: Fraction | None = None
    immediate: bool = False
    metrics: frozenset[Metric] = frozenset()
    priorities: frozenset[str] = frozenset()

    def __attrs_post_init__(self) -> None:
        triggers = (self.offset is not None) + (self.fraction is not None) + self.immediate
        if triggers != 1:
            raise TierError(
                "an escalation level needs exactly one of offset, fraction or immediate",
                field=self.name or "escalation",
            )

    def applies_to(self, metric: str, priority: str) -> bool:
        """Whether this level watches ``metric`` for contacts of ``priority``."""
        return (not self.metrics or metric in self.metrics) and (
            not self.priorities or priority in self.priorities
        )

    def fires_after(self, within: int) -> int:
        """Seconds of the target's clock, from its start, at which this level fires.

        May exceed ``within`` (after a breach). A fraction fires at the first
        whole second at or after it; a level before the start fires at the start.
        """
        if self.immediate:
            return 0
        if self.fraction is not None:
            return math.ceil(self.fraction * within)
        assert self.offset is not None
        return max(0, within + self.offset)

    def describe(self) -> str:
        """``"1h before the deadline: role:team_lead"``."""
        return f"{self.trigger_text()}: {', '.join(str(r) for r in self.notify)}"

    def trigger_text(self) -> str:
        """When the level fires, in words."""
        if self.immediate:
            return "immediately"
        if self.fraction is not None:
            return f"at {format_fraction(self.fraction)} of the target"
        assert self.offset is not None
        if self.offset == 0:
            return "at the deadline"
        side = "before" if self.offset < 0 else "after"
        return f"{format_duration(abs(self.offset))} {side} the deadline"


@attrs.frozen(slots=True)
class EscalationPolicy:
    """The ordered levels of escalation of a tier."""

    levels: tuple[EscalationRule, ...] = ()

    def levels_for(self, metric: str, priority: str) -> tuple[EscalationRule, ...]:
        """The levels that watch ``metric`` for ``priority``, in definition order."""
        return tuple(level for level in self.levels if level.applies_to(metric, priority))

    def recipients(self) -> frozenset[Recipient]:
        """Every recipient any level names."""
        return frozenset(r for level in self.levels for r in level.notify)
