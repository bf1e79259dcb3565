"""The compiled contract: what a CRM queries on every contact, and the clock engine reads.

Everything here is a frozen, slotted attrs object built once by
:meth:`Contract.compile`. ``policy_for`` is a few rule checks plus a dict
lookup: every (tier, channel, priority) policy is precomputed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

import attrs

from sla._errors import ContractError
from sla.contracts._calendars import Calendar
from sla.contracts._routing import Router
from sla.tiers import (
    Channel,
    Clock,
    EscalationRule,
    Metric,
    OnCallRotation,
    Recipient,
    ServiceLevel,
    Target,
    Tier,
    human_duration,
)
from sla.tiers._direct import DirectLine
from sla.tiers._oncall import to_epoch

if TYPE_CHECKING:
    from sla.contracts._spec import Contract

__all__ = [
    "CompiledContract",
    "EscalationStep",
    "Policy",
    "Route",
    "TargetPolicy",
    "Unmatched",
    "compile_contract",
]


@attrs.frozen(slots=True)
class EscalationStep:
    """An escalation level resolved for one target: fires ``after`` clock seconds from start."""

    level: EscalationRule
    after: int

    @property
    def notify(self) -> tuple[Recipient, ...]:
        """Who the level names (roles, people, ``on_call``)."""
        return self.level.notify


@attrs.frozen(slots=True)
class TargetPolicy:
    """One per-contact target, ready for a clock.

    ``within`` seconds on ``calendar`` (business clock) or of plain elapsed
    time (``calendar is None``: calendar-time clock). ``warnings`` and
    ``escalations`` are clock seconds from the start, sorted.
    """

    metric: Metric
    within: int
    clock: Clock
    calendar: Calendar | None
    calendar_name: str | None
    warnings: tuple[int, ...]
    escalations: tuple[EscalationStep, ...]
    pause_on: frozenset[str] | None
    target: Target


@attrs.frozen(slots=True)
class Route:
    """Who takes a call, and why: the manager *direct*, or the *front desk* and a callback.

    ``kind="direct"``: the call rings through (the caller is on the tier's direct
    line, or the tier has none) and the voice targets apply. ``kind="front_desk"``:
    the desk answers, writes the question down, and the manager owes a callback
    within ``callback`` (the tier's callback target). ``caller`` is the caller in
    canonical form (E.164 or a normalised e-mail address), ``None`` if unrecognised.
    """

    kind: Literal["direct", "front_desk"]
    reason: str
    caller: str | None = None
    callback: TargetPolicy | None = None

    def callback_due(self, at: datetime) -> datetime | None:
        """When the manager's callback is due for a call taken at ``at`` (``None`` when
        direct): ``within`` of business time on the target's calendar, or of wall time."""
        target = self.callback
        if target is None:
            return None
        if target.calendar is None:
            return at + timedelta(seconds=target.within)
        return target.calendar.add(at, timedelta(seconds=target.within))


@attrs.frozen(slots=True)
class Policy:
    """What a contact gets: its tier, targets, service levels, escalation and on-call.

    ``rule`` names the routing rule that chose it (``"fallback"``, or ``"direct"``
    from :meth:`CompiledContract.policy_in`). ``route`` is set when
    :meth:`CompiledContract.policy_for` was given a ``caller``: a front-desk
    route comes with the tier's *callback* policy (channel ``callback``), whose
    clock the manager's callback runs on. Truthy; :class:`Unmatched` is falsy,
    so ``if policy:`` tells them apart.
    """

    tier: Tier
    channel: Channel
    priority: str
    rule: str
    targets: tuple[TargetPolicy, ...]
    by_metric: Mapping[str, TargetPolicy]
    service_levels: tuple[ServiceLevel, ...]
    immediate: tuple[EscalationRule, ...]
    coverage: Calendar
    rotation: OnCallRotation | None
    roles: Mapping[str, tuple[str, ...]]
    contract_id: str
    contract_version: int
    route: Route | None = None

    matched = True

    def __bool__(self) -> bool:
        return True

    def target(self, metric: str) -> TargetPolicy | None:
        """The target for ``metric``, or ``None`` if this contact has none."""
        return self.by_metric.get(metric)

    def on_call_at(self, t: datetime | int) -> str | None:
        """Who is on call at ``t`` (aware datetime or epoch seconds), if there is a rotation."""
        if self.rotation is None:
            return None
        return self.rotation.on_call_epoch(t if isinstance(t, int) else to_epoch(t))

    def resolve(self, recipients: tuple[Recipient, ...], t: datetime | int) -> tuple[str, ...]:
        """People to tell at ``t``: roles through the contract's roles, ``on_call`` through
        the rotation (skipped in an on-call gap). Order kept, duplicates dropped."""
        people: list[str] = []
        for recipient in recipients:
            if recipient.kind == "role":
                people.extend(self.roles.get(recipient.name, ()))
            elif recipient.kind == "person":
                people.append(recipient.name)
            else:
                who = self.on_call_at(t)
                if who is not None:
                    people.append(who)
        return tuple(dict.fromkeys(people))


@attrs.frozen(slots=True)
class Unmatched:
    """No rule and no fallback covers the contact (or its tier lacks the channel). Falsy."""

    channel: str
    priority: str
    attributes: Mapping[str, object]
    reason: str

    matched = False

    def __bool__(self) -> bool:
        return False


@attrs.frozen(slots=True)
class CompiledContract:
    """A validated contract, compiled once; safe to share between threads.

    ``spec`` is the :class:`Contract` as written (``spec.contract`` and
    :attr:`id` are its identifier).
    """

    spec: Contract
    tiers: Mapping[str, Tier]
    calendars: Mapping[str, Calendar]
    rotations: Mapping[str, OnCallRotation]
    router: Router
    priorities: tuple[str, ...]
    #: Policies by (routing rule name or "fallback", channel, priority).
    policies: Mapping[tuple[str, str, str], Policy]
    #: Policies by (tier code, channel, priority), whatever routing says.
    by_tier: Mapping[tuple[str, str, str], Policy]
    #: Normalised direct-line allow-lists by tier code (tiers that have one).
    direct_lines: Mapping[str, DirectLine] = attrs.field(factory=dict)

    @property
    def id(self) -> str:
        """The contract's identifier."""
        return self.spec.contract

    @property
    def version(self) -> int:
        """The contract's version."""
        return self.spec.version

    def policy_for(
        self,
        *,
        channel: str,
        priority: str,
        attributes: Mapping[str, object] | None = None,
        caller: str | None = None,
    ) -> Policy | Unmatched:
        """The policy for a contact: the first routing rule that matches, else the fallback,
        else :class:`Unmatched` (also when the routed tier does not offer ``channel``).

        With a ``caller`` (a phone number or e-mail address in any notation) a
        voice call is routed: the returned policy's :attr:`Policy.route` says
        *direct* (the caller is on the tier's direct line, or the tier has none)
        or *front desk* (then the policy is the tier's callback policy, and the
        route carries the callback target). A front-desk call on a tier without
        a callback target is :class:`Unmatched` (validation warns about it).

        :raises ContractError: for a channel or priority this contract does not know.
        """
        self._check(channel, priority)
        found = self.router.route(channel, priority, attributes or {})
        if found is None:
            return Unmatched(
                channel,
                priority,
                dict(attributes or {}),
                "no routing rule matches and there is no fallback",
            )
        tier, rule = found
        policy = self.policies.get((rule, channel, priority))
        if policy is None:
            return Unmatched(
                channel,
                priority,
                dict(attributes or {}),
                f"{rule} routes to tier {tier}, which does not offer {channel}",
            )
        if caller is None or channel != Channel.VOICE.value:
            return policy
        return self._route_call(policy, rule, caller, attributes)

    def _route_call(
        self, policy: Policy, rule: str, caller: str, attributes: Mapping[str, object] | None
    ) -> Policy | Unmatched:
        code = policy.tier.code
        line = self.direct_lines.get(code)
        if line is None:
            why = f"tier {code} has no direct line: every call is answered under its voice targets"
            return attrs.evolve(policy, route=Route("direct", why, None))
        identity = line.identify(caller)
        if identity is not None and identity in line.entries:
            why = f"{identity} is on tier {code}'s direct line: the call rings through"
            return attrs.evolve(policy, route=Route("direct", why, identity))
        who = identity or f"unrecognised caller {caller!r}"
        callback = self.policies.get((rule, Channel.CALLBACK.value, policy.priority))
        target = callback.target("callback_time") if callback else None
        if callback is None or target is None:
            return Unmatched(
                Channel.VOICE.value,
                policy.priority,
                dict(attributes or {}),
                f"{who} is not on tier {code}'s direct line and the tier has no callback "
                "target for the front desk to promise",
            )
        why = (
            f"{who} is not on tier {code}'s direct line: the front desk takes the call and "
            f"the manager calls back within {human_duration(target.within)}"
            + (" of business time" if target.clock is Clock.BUSINESS else "")
        )
        return attrs.evolve(callback, route=Route("front_desk", why, identity, target))

    def policy_in(self, *, tier: str, channel: str, priority: str) -> Policy | Unmatched:
        """The policy of ``tier`` for ``channel`` / ``priority``, bypassing routing (for a
        tier change mid-contact). :class:`Unmatched` if the tier lacks the channel.

        :raises ContractError: for an unknown tier, channel or priority.
        """
        if tier not in self.tiers:
            raise ContractError(f"no tier {tier!r} in this contract", field="tier")
        self._check(channel, priority)
        policy = self.by_tier.get((tier, channel, priority))
        if policy is None:
            return Unmatched(channel, priority, {}, f"tier {tier} does not offer {channel}")
        return policy

    def _check(self, channel: str, priority: str) -> None:
        if channel not in _CHANNELS:
            raise ContractError(f"unknown channel {channel!r}", field="channel")
        if priority not in self.priorities:
            known = ", ".join(self.priorities)
            raise ContractError(f"unknown priority {priority!r} (known: {known})", field="priority")


_CHANNELS = frozenset(c.value for c in Channel)


def _target_policy(
    tier: Tier, target: Target, priority: str, calendars: Mapping[str, Calendar]
) -> TargetPolicy:
    name = None if target.clock is Clock.CALENDAR else (target.calendar or tier.coverage)
    steps = tuple(
        sorted(
            (
                EscalationStep(level, level.fires_after(target.within))
                for level in tier.escalation.levels_for(target.metric, priority)
                if not level.immediate
            ),
            key=lambda s: s.after,
        )
    )
    return TargetPolicy(
        target.metric,
        target.within,
        target.clock,
        None if name is None else calendars[name],
        name,
        target.warning_offsets(),
        steps,
        target.pause_on,
        target,
    )


def compile_contract(contract: Contract) -> CompiledContract:
    """Validate and compile ``contract``.

    :raises ContractError: listing every problem when validation finds an error.
    """
    from sla.contracts._validate import check

    report, resolved = check(contract)
    report.raise_for_errors(what=f"contract {contract.contract!r}")
    roles = {role: tuple(people) for role, people in contract.roles.items()}
    by_tier: dict[tuple[str, str, str], Policy] = {}
    for code, tier in resolved.tiers.items():
        rotation = resolved.rotations.get(tier.on_call) if tier.on_call else None
        for channel in tier.channels:
            for priority in contract.priorities:
                targets = tuple(
                    _target_policy(tier, t, priority, resolved.calendars)
                    for t in tier.targets_for(channel, priority)
                )
                immediate = tuple(
                    level
                    for level in tier.escalation.levels
                    if level.immediate and (not level.priorities or priority in level.priorities)
                )
                by_tier[(code, channel.value, priority)] = Policy(
                    tier,
                    channel,
                    priority,
                    "direct",
                    targets,
                    {t.metric.value: t for t in targets},
                    tier.service_levels_for(channel, priority),
                    immediate,
                    resolved.calendars[tier.coverage],
                    rotation,
                    roles,
                    contract.contract,
                    contract.version,
                )
    # One policy object per (rule, channel, priority): the hot path is a lookup, no copying.
    policies: dict[tuple[str, str, str], Policy] = {}
    routes = [(r.name, r.tier) for r in resolved.router.rules]
    if resolved.router.fallback is not None:
        routes.append(("fallback", resolved.router.fallback))
    for rule, code in routes:
        for (tier_code, channel_name, priority), policy in by_tier.items():
            if tier_code == code:
                policies[(rule, channel_name, priority)] = attrs.evolve(policy, rule=rule)
    callers = contract.callers
    direct_lines = {
        code: DirectLine.of(
            tier.direct_line, region=callers.region, local_part=callers.email_local_part
        )
        for code, tier in resolved.tiers.items()
        if tier.direct_line
    }
    return CompiledContract(
        contract,
        resolved.tiers,
        resolved.calendars,
        resolved.rotations,
        resolved.router,
        tuple(contract.priorities),
        policies,
        by_tier,
        direct_lines,
    )
