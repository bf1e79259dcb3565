"""Issue 17: the direct line, the front desk and the callback, with callers in any notation."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sla.clocks import clock_policies, evaluate, open_call
from sla.contracts import CompiledContract, Policy, Unmatched, load, validate
from sla.tiers import DEFAULT_ROLES, DirectLine, Tier, normalise_caller

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"
BOSS = "+49 30 1234567"  # on tier A's direct line in examples/contracts/tier_a.yaml


@pytest.fixture(scope="module")
def acme() -> CompiledContract:
    return load(EXAMPLES / "tier_a.yaml").compile()


FIVE_WAYS = [
    "+49301234567",
    "+49 (0)30 123 45 67",
    "030 1234567",  # national form, read in the contract's region DE
    "0049 30 1234567",
    "tel:+49-30-1234567",
]


@pytest.mark.parametrize("written", FIVE_WAYS)
def test_a_number_written_five_ways_matches_one_entry(written: str) -> None:
    line = DirectLine.of([BOSS, "+49 30 7654321"], region="DE")
    assert normalise_caller(written, region="DE") == "+49301234567"
    assert line.allows(written)
    assert Tier("A", "A", direct_line=(BOSS,)).is_direct(written, region="DE")


def test_email_domains_compare_case_insensitively_local_parts_as_the_contract_says() -> None:
    loose = DirectLine.of(["ceo@acme.example"])
    assert loose.allows("CEO@ACME.example")
    assert loose.allows("mailto:ceo@Acme.Example")
    strict = DirectLine.of(["ceo@acme.example"], local_part="case_sensitive")
    assert strict.allows("ceo@ACME.EXAMPLE")
    assert not strict.allows("CEO@acme.example")


def test_the_bosss_number_rings_through(acme: CompiledContract) -> None:
    policy = acme.policy_for(channel="voice", priority="normal", caller="030 123 4567")
    assert isinstance(policy, Policy)
    assert policy.route is not None
    assert policy.route.kind == "direct"
    assert policy.route.caller == "+49301234567"
    assert "rings through" in policy.route.reason
    assert policy.target("speed_of_answer") is not None  # the manager's answer target
    mail = acme.policy_for(channel="voice", priority="normal", caller="CEO@acme.EXAMPLE")
    assert mail.route is not None
    assert mail.route.kind == "direct"


def test_a_caller_off_the_list_gets_the_front_desk_and_a_callback_on_the_calendar(
    acme: CompiledContract,
) -> None:
    # Monday 2025-06-02 17:30 Berlin; tier A's coverage calendar is Mon-Fri 08:00-18:00 and
    # its callback target for a normal call is 1 business hour (catalogue ladder 15/30/60/240 m).
    call = datetime.fromisoformat("2025-06-02T17:30+02:00")
    policy = acme.policy_for(channel="voice", priority="normal", caller="+49 30 9999999")
    assert isinstance(policy, Policy)
    route = policy.route
    assert route is not None
    assert route.kind == "front_desk"
    assert policy.channel.value == "callback"
    assert route.callback is not None
    assert route.callback.within == 3600
    assert "not on tier A's direct line" in route.reason
    assert "1 h" in route.reason
    # By hand: 30 min until 18:00 close, the other 30 min from 08:00 Tuesday -> 08:30.
    due = datetime.fromisoformat("2025-06-03T08:30+02:00")
    assert route.callback_due(call) == due
    # The clocks open the callback cycle themselves from the route.
    contact, events = open_call(policy, "call-1", call)
    assert contact.channel == "callback"
    assert contact.attributes["route"] == "front_desk"
    evaluation = evaluate(contact, events, clock_policies(acme), as_of=call + timedelta(hours=1))
    (cycle,) = [c for c in evaluation.cycles if c.metric == "callback_time"]
    assert cycle.due_time == due
    assert cycle.status == "active"


def test_a_direct_call_opens_no_callback(acme: CompiledContract) -> None:
    call = datetime.fromisoformat("2025-06-02T10:00+02:00")
    policy = acme.policy_for(channel="voice", priority="normal", caller=BOSS)
    assert isinstance(policy, Policy)
    contact, events = open_call(policy, "call-2", call)
    assert [e.kind for e in events] == ["created"]
    assert contact.channel == "voice"


def test_unrecognised_and_withheld_callers_go_to_the_front_desk(acme: CompiledContract) -> None:
    policy = acme.policy_for(channel="voice", priority="urgent", caller="anonymous")
    assert isinstance(policy, Policy)
    assert policy.route is not None
    assert policy.route.kind == "front_desk"
    assert policy.route.caller is None
    assert "unrecognised caller" in policy.route.reason
    assert policy.route.callback is not None
    assert policy.route.callback.within == 600
    # Without a caller nothing changes: the voice policy, no route.
    plain = acme.policy_for(channel="voice", priority="urgent")
    assert isinstance(plain, Policy)
    assert plain.route is None
    assert plain.channel.value == "voice"


ROLES = {role: ["someone"] for role in DEFAULT_ROLES}


def _contract(direct_line: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "contract": "DL-1",
        "customer": {"name": "Acme"},
        "effective_from": "2025-01-01",
        "tiers": {"A": {"extends": "A", "direct_line": direct_line}},
        "routing": {"fallback": "A"},
        "roles": ROLES,
        **extra,
    }


def test_an_invalid_number_in_a_contract_is_a_validation_error_with_its_path() -> None:
    report = validate(_contract(["+49 30 1234567", "+49 30 1", "boss@", "030 1234567"], callers={}))
    errors = {(p.field, p.reason) for p in report.errors}
    assert ("tiers.A.direct_line[1]", "'+49 30 1' is not a valid phone number") in errors
    assert any(field == "tiers.A.direct_line[2]" for field, _ in errors)
    # A national number needs the contract's region.
    assert any(field == "tiers.A.direct_line[3]" and "region" in reason for field, reason in errors)
    assert not validate(_contract(["030 1234567"], callers={"region": "DE"})).errors
    bad_region = validate(_contract([], callers={"region": "XX"}))
    assert [p.field for p in bad_region.errors] == ["callers.region"]


def test_a_direct_line_without_a_callback_target_is_reported() -> None:
    data = _contract(["+49 30 1234567"])
    data["tiers"]["A"] = {
        "name": "Voice only",
        "channels": ["voice", "email"],
        "access": "personal_manager",
        "direct_line": ["+49 30 1234567"],
        "targets": [{"metric": "speed_of_answer", "channels": ["voice"], "within": "20s"}],
    }
    report = validate(data)
    assert not report.errors, str(report)
    assert any(
        p.field == "tiers.A.direct_line" and "front desk" in p.reason for p in report.warnings
    )
    compiled = load(data).compile()
    off = compiled.policy_for(channel="voice", priority="normal", caller="+49 30 7654321")
    assert isinstance(off, Unmatched)
    assert "callback" in off.reason
    boss = compiled.policy_for(channel="voice", priority="normal", caller="+49301234567")
    assert isinstance(boss, Policy)
    assert boss.route is not None
    assert boss.route.kind == "direct"


# -- property: every route a validated contract can produce is a Policy or was reported --

CHANNELS = ["voice", "email", "messenger", "web_chat", "callback", "bot", "web_form"]
CALLERS = ["+49 30 1234567", "030 7654321", "ceo@acme.example", "nobody", "+1 202 555 0143"]


@st.composite
def routed_contracts(draw: st.DrawFn) -> dict[str, Any]:
    codes = draw(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3, unique=True))
    tiers: dict[str, Any] = {}
    for code in codes:
        tier: dict[str, Any] = {"extends": code}
        if draw(st.booleans()):
            tier["direct_line"] = draw(st.lists(st.sampled_from(CALLERS[:3]), max_size=2))
        tiers[code] = tier
    rules = [
        {
            "tier": draw(st.sampled_from(codes)),
            "channels": draw(st.lists(st.sampled_from(CHANNELS), max_size=2, unique=True)),
            "priorities": draw(
                st.lists(st.sampled_from(["urgent", "high", "normal", "low"]), max_size=2)
            ),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    routing: dict[str, Any] = {"rules": rules}
    if draw(st.booleans()) or not rules:
        routing["fallback"] = draw(st.sampled_from(codes))
    return {
        "contract": "P-1",
        "customer": {"name": "Prop"},
        "effective_from": "2025-01-01",
        "tiers": tiers,
        "routing": routing,
        "roles": ROLES,
        "callers": {"region": "DE"},
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routed_contracts())
def test_every_route_is_a_policy_or_reported_by_validation(data: dict[str, Any]) -> None:
    contract = load(data)
    report = validate(contract)
    assume(not report.errors)  # e.g. a rule shadowed by an earlier one: no compiled contract
    warned = {(p.field, p.reason) for p in report.warnings}
    compiled = contract.compile()
    for channel in CHANNELS:
        for priority in compiled.priorities:
            for caller in (None, *CALLERS):
                got = compiled.policy_for(channel=channel, priority=priority, caller=caller)
                if isinstance(got, Policy):
                    continue
                found = compiled.router.route(channel, priority, {})
                if found is None:
                    assert any(f == "routing.fallback" for f, _ in warned), got.reason
                    continue
                tier, _rule = found
                offers = channel in {c.value for c in compiled.tiers[tier].channels}
                if not offers:
                    if not any(channel in c.value for c in _all_tier_channels(compiled)):
                        continue  # no tier offers it: not a routing question
                    assert any(
                        f.startswith("routing.") and f"sends {channel} contacts" in r
                        for f, r in warned
                    ), got.reason
                else:  # a front-desk call on a tier without a callback target
                    assert any(
                        f == f"tiers.{tier}.direct_line" and "front desk" in r for f, r in warned
                    ), got.reason


def _all_tier_channels(compiled: CompiledContract) -> set[Any]:
    return {c for t in compiled.tiers.values() for c in t.channels}
