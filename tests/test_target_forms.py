"""One promise, three forms: ``Target`` -> ``TargetPolicy`` -> ``MetricTarget``.

``docs/contributing.md`` ("One target, three forms") says why each form exists
and which field maps to which. These tests hold the mapping lossless on every
example contract, both ways: each target the contract resolves for a (tier,
channel, priority) reaches the clock engine with every field it promises, and
each engine target comes from a contract target (nothing invented, nothing
dropped).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sla.clocks import DEFAULT_PAUSES, MetricTarget, clock_policies
from sla.contracts import CompiledContract, Policy, TargetPolicy, load
from sla.tiers import Clock, Target

EXAMPLES = Path(__file__).parent.parent / "examples" / "contracts"
CONTRACTS = sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "broken.yaml")


def _policies(compiled: CompiledContract) -> list[tuple[str, str, str, Policy]]:
    found = []
    for code, tier in compiled.tiers.items():
        for channel in tier.channels:
            for priority in compiled.priorities:
                policy = compiled.policy_in(tier=code, channel=channel.value, priority=priority)
                if isinstance(policy, Policy):
                    found.append((code, channel.value, priority, policy))
    return found


def _engine_form(target: TargetPolicy) -> tuple[object, ...]:
    """What a MetricTarget must carry for ``target`` (escalations are checked apart)."""
    source: Target = target.target
    metric = source.metric.value
    pauses = DEFAULT_PAUSES.get(metric, frozenset()) if source.pause_on is None else source.pause_on
    return (
        metric,
        source.within,
        target.calendar,
        tuple(source.warn_at),
        tuple(source.warn_before),
        pauses,
        source.bot_replies_count,
    )


def _of(target: MetricTarget) -> tuple[object, ...]:
    return (
        target.metric,
        target.seconds,
        target.calendar,
        target.warn_fractions,
        target.warn_before_seconds,
        target.pause_statuses,
        target.bot_replies_count,
    )


def test_there_are_example_contracts_to_check() -> None:
    assert len(CONTRACTS) >= 3


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_a_target_policy_keeps_its_tiers_target(path: Path) -> None:
    compiled = load(path).compile()
    checked = 0
    for code, channel, priority, policy in _policies(compiled):
        tier = compiled.tiers[code]
        for target in policy.targets:
            source = target.target
            assert source in tier.targets_for(channel, priority)
            assert (target.metric, target.within, target.clock, target.pause_on) == (
                source.metric,
                source.within,
                source.clock,
                source.pause_on,
            )
            name = None if source.clock is Clock.CALENDAR else (source.calendar or tier.coverage)
            assert target.calendar_name == name
            assert target.calendar is (None if name is None else compiled.calendars[name])
            assert target.warnings == source.warning_offsets()
            checked += 1
    assert checked


@pytest.mark.parametrize("path", CONTRACTS, ids=lambda p: p.stem)
def test_every_target_reaches_the_clock_engine_and_nothing_else_does(path: Path) -> None:
    compiled = load(path).compile()
    engine = clock_policies(compiled)
    expected: set[tuple[str, str, str, tuple[object, ...]]] = set()
    for code, channel, priority, policy in _policies(compiled):
        for target in policy.targets:
            form = _engine_form(target)
            expected.add((code, channel, priority, form))
            matches = [
                m
                for m in engine[code].targets
                if _of(m) == form and channel in m.channels and priority in m.priorities
            ]
            assert len(matches) == 1, (code, channel, priority, form)
            # Each escalation step of the contract becomes engine levels (one per person),
            # at the same offset or fraction; immediate levels come from the policy.
            steps = {(step.level.offset, step.level.fraction) for step in target.escalations}
            levels = matches[0].escalations
            assert {(lv.offset_seconds, lv.fraction) for lv in levels if not lv.immediate} == steps
    produced = {
        (code, channel, priority, _of(m))
        for code, policy in engine.items()
        for m in policy.targets
        for channel in m.channels
        for priority in m.priorities
    }
    assert produced == expected
