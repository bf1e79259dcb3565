"""From a compiled contract to the clock engine's policies, once, at the edge.

A contract resolves targets per (tier, channel, priority); the engine wants
one :class:`ClockPolicy` per tier whose targets carry their own channel and
priority filters, so that a priority change mid-contact finds the new
priority's targets in the same policy, and a tier change switches policies.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from sla._errors import ClockError
from sla.clocks._compliance import ServiceLevelTarget
from sla.clocks._policy import (
    DEFAULT_PAUSES,
    ClockCalendar,
    ClockPolicy,
    EscalationLevel,
    MetricTarget,
)
from sla.contracts import CompiledContract, Contract, Policy, TargetPolicy
from sla.tiers import EscalationRule as ContractLevel

__all__ = ["clock_policies", "service_level_targets"]


def _recipients(level: ContractLevel, roles: Mapping[str, tuple[str, ...]]) -> list[str]:
    """People (or ``on_call``) a contract escalation level names, roles expanded."""
    names: list[str] = []
    for recipient in level.notify:
        if recipient.kind == "role":
            names.extend(roles.get(recipient.name, ()) or (f"role:{recipient.name}",))
        elif recipient.kind == "person":
            names.append(recipient.name)
        else:
            names.append("on_call")
    return list(dict.fromkeys(names))


def _levels(policy: Policy, target: TargetPolicy) -> list[EscalationLevel]:
    levels: list[EscalationLevel] = []
    for step in target.escalations:
        level = step.level
        for who in _recipients(level, policy.roles):
            if level.offset is not None:
                levels.append(EscalationLevel(who, offset_seconds=level.offset))
            else:
                levels.append(EscalationLevel(who, fraction=level.fraction))
    for level in policy.immediate:
        if level.metrics and target.metric not in level.metrics:
            continue
        for who in _recipients(level, policy.roles):
            levels.append(EscalationLevel(who, immediate=True))
    return levels


def _compiled(contract: Contract | CompiledContract) -> CompiledContract:
    if isinstance(contract, Contract):
        return contract.compile()
    if isinstance(contract, CompiledContract):
        return contract
    found = type(contract).__name__  # type: ignore[unreachable]  # callers without mypy
    raise ClockError(f"expected a Contract or CompiledContract, got {found}", field="contract")


#: The grouping key of one compiled target: metric, within, calendar, warnings, pauses,
#: priority, escalation levels and whether bot replies count; channels sharing a key
#: share one MetricTarget.
_Key = tuple[
    str,
    int,
    ClockCalendar | None,
    tuple[Fraction, ...],
    tuple[int, ...],
    frozenset[str],
    str,
    tuple[EscalationLevel, ...],
    bool,
]


def clock_policies(contract: Contract | CompiledContract) -> dict[str, ClockPolicy]:
    """One :class:`ClockPolicy` per tier of ``contract`` (a ``Contract`` or ``CompiledContract``).

    Pass the result to :func:`~sla.clocks.evaluate` or
    :func:`~sla.clocks.evaluate_table` as the policy mapping: contacts pick
    their tier's policy, and a ``tier_change`` event switches to another.

    >>> from sla.contracts import load
    >>> policies = clock_policies(load("examples/contracts/tier_b.yaml"))  # doctest: +SKIP
    >>> sorted(policies)  # doctest: +SKIP
    ['B']

    :raises ClockError: when ``contract`` is neither.
    """
    compiled = _compiled(contract)
    result: dict[str, ClockPolicy] = {}
    for code, tier in compiled.tiers.items():
        grouped: dict[_Key, set[str]] = {}
        rotation = None
        tz: str | None = None
        for channel in tier.channels:
            for priority in compiled.priorities:
                policy = compiled.policy_in(tier=code, channel=channel.value, priority=priority)
                if not isinstance(policy, Policy):
                    continue  # the tier does not offer this channel
                rotation = policy.rotation
                tz = policy.coverage.tz
                for target in policy.targets:
                    metric = target.metric.value
                    pauses = target.pause_on
                    key: _Key = (
                        metric,
                        target.within,
                        target.calendar,
                        tuple(target.target.warn_at),
                        tuple(target.target.warn_before),
                        DEFAULT_PAUSES.get(metric, frozenset()) if pauses is None else pauses,
                        priority,
                        tuple(_levels(policy, target)),
                        target.target.bot_replies_count,
                    )
                    grouped.setdefault(key, set()).add(channel.value)
        targets = [
            MetricTarget(
                metric,
                within,
                calendar,
                warn_fractions=warn_at,
                warn_before_seconds=warn_before,
                pause_statuses=pauses,
                channels=frozenset(channels),
                priorities=frozenset({priority}),
                escalations=levels,
                bot_replies_count=bots,
            )
            for (
                metric,
                within,
                calendar,
                warn_at,
                warn_before,
                pauses,
                priority,
                levels,
                bots,
            ), channels in grouped.items()
        ]
        result[code] = ClockPolicy(
            targets,
            on_call=None if rotation is None else rotation.on_call_epoch,
            policy_id=f"{compiled.id}/{code}",
            version=str(compiled.version),
            tz=tz,
            priorities=compiled.priorities,
        )
    return result


def service_level_targets(contract: Contract | CompiledContract) -> list[ServiceLevelTarget]:
    """The contract's aggregate "X % within T" promises, per tier, for compliance reports.

    Average-type service levels ("ASA under 30 s") have no share to attain and
    are reported by :func:`~sla.clocks.compliance` as averages instead.
    """
    compiled = _compiled(contract)
    found: list[ServiceLevelTarget] = []
    for code, tier in compiled.tiers.items():
        for level in tier.service_levels:
            if level.kind == "within" and level.share is not None:
                found.append(
                    ServiceLevelTarget(
                        level.metric.value, level.share, within_seconds=level.threshold, tier=code
                    )
                )
    return found
