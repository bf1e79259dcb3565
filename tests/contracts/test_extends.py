"""A tier extending another tier of the same contract, resolved parents first."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sla.contracts import load, validate
from sla.tiers import Metric, TierSpec, catalog


def contract(tiers: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contract": "X",
        "customer": {"name": "X"},
        "effective_from": "2025-01-01",
        "calendars": {"business": {"tz": "UTC", "hours": {"mon-fri": "09:00-17:00"}}},
        "tiers": tiers,
        "roles": {"account_manager": ["a"], "team_lead": ["t"], "head_of_support": ["h"]},
        "routing": {"fallback": next(iter(tiers))},
    }
    data.update(changes)
    return data


SPEED = {"metric": "speed_of_answer", "channels": ["voice"], "within": "15s"}


def test_a_child_written_before_its_parent_inherits_the_parents_overrides() -> None:
    tiers = {
        "A2": {"extends": "A1", "name": "A night", "targets": [SPEED]},
        "A1": {"extends": "A", "direct_line": ["+49 30 1234567"]},
    }
    compiled = load(contract(tiers)).compile()
    a1, a2 = compiled.tiers["A1"], compiled.tiers["A2"]
    assert a2.name == "A night"
    assert a2.direct_line == a1.direct_line == ("+49 30 1234567",)
    assert a2.channels == a1.channels == catalog()["A"].channels
    assert [t.within for t in a2.targets if t.metric is Metric.SPEED_OF_ANSWER] == [15]
    assert [t.within for t in a1.targets if t.metric is Metric.SPEED_OF_ANSWER] == [
        t.within for t in catalog()["A"].targets if t.metric is Metric.SPEED_OF_ANSWER
    ]


def test_a_tier_extending_its_own_code_means_the_catalogues_and_shadows_it_for_others() -> None:
    tiers = {"A": {"extends": "A", "direct_line": ["+1 202 555 0143"]}, "A_night": {"extends": "A"}}
    compiled = load(contract(tiers)).compile()
    assert compiled.tiers["A"].direct_line == ("+1 202 555 0143",)
    # The contract's own A, not the catalogue's, is what A_night extends.
    assert compiled.tiers["A_night"].direct_line == ("+1 202 555 0143",)


def test_remove_in_a_child_drops_an_entry_the_parent_added() -> None:
    tiers = {
        "P": {"extends": "C", "targets": [SPEED | {"channels": ["web_chat"]}]},
        "Q": {"extends": "P", "targets": [SPEED | {"channels": ["web_chat"], "remove": True}]},
    }
    compiled = load(contract(tiers)).compile()
    assert any(t.metric is Metric.SPEED_OF_ANSWER for t in compiled.tiers["P"].targets)
    assert compiled.tiers["Q"].targets == catalog()["C"].targets


def test_an_unknown_parent_names_the_extends_field() -> None:
    report = validate(contract({"A2": {"extends": "A1"}, "B": {"extends": "B"}}))
    (error,) = report.errors
    assert error.field == "tiers.A2.extends"
    assert "no tier 'A1' in this contract or the catalogue (A, B, C)" in error.reason


def test_a_cycle_is_an_error_on_each_member_and_on_tiers_built_over_it() -> None:
    tiers = {
        "A3": {"extends": "A1"},
        "A1": {"extends": "A2"},
        "A2": {"extends": "A1"},
        "C": {"extends": "C"},
    }
    report = validate(contract(tiers, routing={"fallback": "C"}))
    errors = {p.field: p.reason for p in report.errors}
    assert errors == {
        "tiers.A1.extends": "extends cycle: A1 -> A2 -> A1",
        "tiers.A2.extends": "extends cycle: A2 -> A1 -> A2",
        "tiers.A3.extends": "cannot extend 'A1': that tier has errors (see tiers.A1.extends)",
    }


def test_a_problem_inherited_from_a_contract_tier_points_to_where_it_was_written() -> None:
    level = {"name": "lead", "offset": "-1h", "notify": ["role:nobody"]}
    tiers = {"P": {"extends": "C", "escalation": [level]}, "Q": {"extends": "P"}}
    report = validate(contract(tiers))
    fields = [p.field for p in report.errors]
    # Listed once, at the parent, though P and Q both carry the level.
    assert fields == ["tiers.P.escalation[0].notify[0]"]


# A random forest of extends: tier i extends the catalogue or an earlier tier j < i,
# written in a random order; resolution must not depend on that order.
@st.composite
def forests(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    count = draw(st.integers(1, 5))
    specs: dict[str, Any] = {}
    for i in range(count):
        parent = draw(st.sampled_from(["A", "B", "C", *[f"T{j}" for j in range(i)]]))
        spec: dict[str, Any] = {"extends": parent}
        if draw(st.booleans()):
            spec["name"] = f"tier {i}"
        if draw(st.booleans()):
            spec["direct_line"] = [f"+49 30 123456{i}"]
        if draw(st.booleans()):
            seconds = draw(st.integers(1, 600))
            spec["targets"] = [
                {"metric": "first_response", "within": f"{seconds}s"},
            ]
        specs[f"T{i}"] = spec
    order = draw(st.permutations(list(specs)))
    return specs, order


@settings(max_examples=40, deadline=None)
@given(forests())
def test_resolution_does_not_depend_on_the_written_order(
    forest: tuple[dict[str, Any], list[str]],
) -> None:
    specs, order = forest
    compiled = load(contract({code: specs[code] for code in order})).compile()
    # Folding merged_over along each chain by hand gives the same tiers.
    for code, written in specs.items():
        chain = [TierSpec.model_validate(written)]
        while chain[-1].extends in specs:
            chain.append(TierSpec.model_validate(specs[chain[-1].extends]))
        flat = catalog().specs[str(chain[-1].extends)]
        for spec in reversed(chain):
            flat = spec.merged_over(flat)
        assert compiled.tiers[code] == flat.build(code)
