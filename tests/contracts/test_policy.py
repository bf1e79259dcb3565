"""The compiled-policy API the SLA clock engine calls."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from sla import ContractError
from sla.contracts import CompiledContract, Policy, Unmatched, load
from sla.tiers import Clock, Metric

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"


@pytest.fixture(scope="module")
def custom() -> CompiledContract:
    return load(EXAMPLES / "custom_tier.yaml").compile()


@pytest.fixture(scope="module")
def acme() -> CompiledContract:
    return load(EXAMPLES / "tier_a.yaml").compile()


def test_policy_for_a_vip_urgent_call(custom: CompiledContract) -> None:
    policy = custom.policy_for(channel="voice", priority="urgent", attributes={"plan": "gold"})
    assert isinstance(policy, Policy)
    assert policy
    assert (policy.tier.code, policy.rule) == ("P", "calls and messengers")
    mail = custom.policy_for(channel="email", priority="urgent", attributes={"plan": "gold"})
    assert (mail.tier.code, mail.rule) == ("P", "platinum incidents")  # type: ignore[union-attr]
    answer = policy.target("speed_of_answer")
    assert answer is not None
    assert answer.within == 10
    assert answer.calendar_name == "always"
    resolution = policy.by_metric["total_resolution"]
    assert resolution.clock is Clock.CALENDAR
    assert resolution.calendar is None
    assert resolution.warnings == (7_200, 10_800)  # 50 % and 75 % of 4 h
    assert [(s.level.name, s.after) for s in resolution.escalations] == [
        ("incident lead", 7_200),
        ("breach", 14_400),
    ]
    update = policy.by_metric["periodic_update"]
    assert update.warnings == (1_500,)  # warn_before 5m of a 30m target
    assert [lvl.name for lvl in policy.immediate] == ["page on call"]
    assert policy.contract_version == 3


def test_escalation_to_whoever_is_on_call_resolves_through_the_rotation(
    custom: CompiledContract,
) -> None:
    policy = custom.policy_for(channel="voice", priority="urgent", attributes={"plan": "gold"})
    assert isinstance(policy, Policy)
    notify = policy.immediate[0].notify
    # Tue 2025-03-04 12:00 in Tokyo: APAC layer, turn 9 since 2024-12-30 -> second participant.
    tokyo_noon = datetime.fromisoformat("2025-03-04T12:00:00+09:00")
    assert policy.resolve(notify, tokyo_noon) == ("kenji.sato",)
    london = datetime.fromisoformat("2025-03-04T10:00:00+00:00")
    assert policy.resolve(notify, london) == ("ines.garcia",)
    # The holiday override wins over every layer.
    christmas = datetime.fromisoformat("2025-12-25T12:00:00+09:00")
    assert policy.resolve(notify, christmas) == ("sam.carter",)
    breach = policy.by_metric["total_resolution"].escalations[-1]
    assert policy.resolve(breach.notify, london) == ("mei.tanaka", "tom.odell", "cto")


def test_other_customers_fall_back_and_their_calls_go_to_p(custom: CompiledContract) -> None:
    chat = custom.policy_for(channel="web_chat", priority="urgent", attributes={"plan": "basic"})
    assert isinstance(chat, Policy)
    assert (chat.tier.code, chat.rule) == ("C", "fallback")
    call = custom.policy_for(channel="voice", priority="low")
    assert isinstance(call, Policy)
    assert (call.tier.code, call.rule) == ("P", "calls and messengers")


def test_unknown_channel_or_priority_is_an_error(custom: CompiledContract) -> None:
    with pytest.raises(ContractError) as info:
        custom.policy_for(channel="fax", priority="urgent")
    assert info.value.field == "channel"
    with pytest.raises(ContractError) as info:
        custom.policy_for(channel="voice", priority="p1")
    assert info.value.field == "priority"


def test_business_targets_carry_the_compiled_calendar(acme: CompiledContract) -> None:
    policy = acme.policy_for(channel="callback", priority="urgent")
    assert isinstance(policy, Policy)
    callback = policy.by_metric[Metric.CALLBACK_TIME.value]
    assert callback.calendar is not None
    assert callback.within == 600
    assert callback.warnings == (300,)
    assert callback.calendar is acme.calendars["business"]
    # Fri 17:55 Berlin + 10 business minutes = Mon 08:05 (hours are 08:00-18:00).
    start = datetime.fromisoformat("2025-03-07T17:55:00+01:00")
    due = callback.calendar.add_seconds(int(start.timestamp()), callback.within)
    assert datetime.fromtimestamp(due, start.tzinfo).isoformat() == ("2025-03-10T08:05:00+01:00")
    assert acme.policy_for(channel="callback", priority="urgent") is policy


def test_policies_are_frozen(acme: CompiledContract) -> None:
    policy = acme.policy_for(channel="voice", priority="normal")
    with pytest.raises(AttributeError):
        policy.priority = "low"  # type: ignore[misc]
    assert load(EXAMPLES / "tier_a.yaml").compile() is not acme


def test_customer_time_zone_source_moves_the_hours() -> None:
    contract = load(EXAMPLES / "tier_b.yaml")
    data = contract.model_dump(mode="json", exclude_unset=True)
    data["customer"]["tz"] = "Asia/Tokyo"
    compiled = load(data).compile()
    assert compiled.calendars["business"].tz == "Asia/Tokyo"
    assert contract.compile().calendars["business"].tz == "Europe/Stockholm"


def test_policy_in_bypasses_routing_for_a_tier_change(custom: CompiledContract) -> None:
    policy = custom.policy_in(tier="C", channel="email", priority="urgent")
    assert isinstance(policy, Policy)
    assert (policy.tier.code, policy.rule) == ("C", "direct")
    assert isinstance(custom.policy_in(tier="C", channel="voice", priority="low"), Unmatched)
    with pytest.raises(ContractError):
        custom.policy_in(tier="Q", channel="email", priority="low")
