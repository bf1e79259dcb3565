from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sla.contracts import Policy, Unmatched, load
from sla.contracts._routing import OTHER, Router, RoutingRule

from .strategies import CHANNELS, PRIORITIES

VALUES = ["gold", "silver"]


@st.composite
def rule_sets(draw: st.DrawFn) -> tuple[list[dict[str, Any]], str | None]:
    rules = []
    for i in range(draw(st.integers(0, 5))):
        rule: dict[str, Any] = {"name": f"r{i}", "tier": draw(st.sampled_from(["A", "C"]))}
        if draw(st.booleans()):
            rule["channels"] = draw(
                st.lists(st.sampled_from(CHANNELS), unique=True, min_size=1, max_size=3)
            )
        if draw(st.booleans()):
            rule["priorities"] = draw(
                st.lists(st.sampled_from(PRIORITIES), unique=True, min_size=1, max_size=2)
            )
        if draw(st.booleans()):
            rule["attributes"] = {
                "plan": draw(st.lists(st.sampled_from(VALUES), unique=True, min_size=1))
            }
        rules.append(rule)
    fallback = draw(st.sampled_from([None, "A", "C"]))
    # No rule and no fallback is a validation error of its own (tested elsewhere).
    return rules, fallback if rules else "C"


def _router(rules: list[dict[str, Any]], fallback: str | None) -> Router:
    return Router(
        tuple(
            RoutingRule(
                r["name"],
                r["tier"],
                frozenset(r.get("channels", ())),
                frozenset(r.get("priorities", ())),
                tuple((k, frozenset(v)) for k, v in r.get("attributes", {}).items()),
            )
            for r in rules
        ),
        fallback,
    )


def _contract(rules: list[dict[str, Any]], fallback: str | None) -> Any:
    every = CHANNELS
    analysis = _router(rules, fallback).analyse(every, PRIORITIES)
    dead = {j for j, _ in analysis.unreachable}
    kept = [r for j, r in enumerate(rules) if j not in dead]
    tier = {
        "channels": every,
        "access": "shared_pool",
        "targets": [{"metric": "first_response", "within": "1h"}],
    }
    data = {
        "contract": "R",
        "customer": {"name": "R"},
        "effective_from": "2025-01-01",
        "calendars": {"business": {"tz": "UTC", "hours": {"mon-fri": "09:00-17:00"}}},
        "tiers": {"A": tier, "C": tier},
        "routing": {"rules": kept, "fallback": fallback},
    }
    return load(data).compile(), kept


contacts = st.tuples(
    st.sampled_from(CHANNELS),
    st.sampled_from(PRIORITIES),
    st.dictionaries(st.just("plan"), st.sampled_from([*VALUES, "bronze"])),
)


@settings(max_examples=60, deadline=None)
@given(rule_sets(), st.lists(contacts, min_size=1, max_size=10))
def test_routing_yields_exactly_one_policy_or_unmatched(
    rules_and_fallback: tuple[list[dict[str, Any]], str | None],
    batch: list[tuple[str, str, dict[str, str]]],
) -> None:
    compiled, kept = _contract(*rules_and_fallback)
    fallback = rules_and_fallback[1]
    analysis = compiled.router.analyse(CHANNELS, PRIORITIES)
    for channel, priority, attributes in batch:
        result = compiled.policy_for(channel=channel, priority=priority, attributes=attributes)
        assert isinstance(result, Policy) != isinstance(result, Unmatched)
        first = next(
            (
                r
                for r in kept
                if channel in r.get("channels", [channel])
                and priority in r.get("priorities", [priority])
                and attributes.get("plan")
                in r.get("attributes", {}).get("plan", [attributes.get("plan")])
            ),
            None,
        )
        if first is not None:
            assert isinstance(result, Policy)
            assert (result.rule, result.tier.code) == (first["name"], first["tier"])
        elif fallback is not None:
            assert isinstance(result, Policy)
            assert (result.rule, result.tier.code) == ("fallback", fallback)
        else:
            assert isinstance(result, Unmatched)
            assert not result
            assert "no routing rule matches" in result.reason
            # The exhaustive analysis saw this contact coming.
            assert analysis.unmatched_count > 0
        if isinstance(result, Policy):
            assert result
            assert result.channel == channel
            assert result.priority == priority


@settings(max_examples=60, deadline=None)
@given(rule_sets())
def test_analysis_matches_brute_force(
    rules_and_fallback: tuple[list[dict[str, Any]], str | None],
) -> None:
    rules, fallback = rules_and_fallback
    router = _router(rules, fallback)
    analysis = router.analyse(CHANNELS, PRIORITIES)
    # One representative per class: each value a rule mentions, plus "anything else".
    mentioned = sorted({v for r in rules for v in r.get("attributes", {}).get("plan", [])})
    attribute_sets: list[dict[str, str]] = [{"plan": v} for v in mentioned] + [{}]
    unmatched = 0
    first_hits = [0] * len(rules)
    for c in CHANNELS:
        for p in PRIORITIES:
            for attrs_ in attribute_sets:
                hits = [j for j, r in enumerate(router.rules) if r.matches(c, p, attrs_)]
                if hits:
                    first_hits[hits[0]] += 1
                elif fallback is None:
                    unmatched += 1
    assert analysis.unmatched_count == unmatched
    assert {j for j, _ in analysis.unreachable} == {j for j, n in enumerate(first_hits) if n == 0}
    assert analysis.cells == len(CHANNELS) * len(PRIORITIES) * len(attribute_sets)
    for _, _, example in analysis.unmatched:
        assert set(example.values()) <= {*mentioned, OTHER}


def test_unmatched_when_the_tier_lacks_the_channel() -> None:
    contract = load(
        {
            "contract": "U",
            "customer": {"name": "U"},
            "effective_from": "2025-01-01",
            "calendars": {"business": {"tz": "UTC", "hours": {"mon-fri": "09:00-17:00"}}},
            "tiers": {"C": {"extends": "C"}},
            "roles": {"team_lead": ["t"], "head_of_support": ["h"]},
            "routing": {"fallback": "C"},
        }
    )
    result = contract.policy_for(channel="voice", priority="normal")
    assert isinstance(result, Unmatched)
    assert result.reason == "fallback routes to tier C, which does not offer voice"
