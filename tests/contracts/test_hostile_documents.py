"""Issue 13, items 6, 13 (loader part) and 19: documents past the limits are refused.

The limits are those of ``docs/limits.md`` (``sla._documents``); each test feeds
the hostile input the issue names and checks the error names the place.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest

from sla import ContractError, PricingError
from sla._documents import ALIAS_BUDGET, MAX_DEPTH, MAX_DOCUMENT_CHARS, check_document
from sla.contracts import dump, load, validate
from sla.pricing import load_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"


def alias_bomb(indent: str = "") -> str:
    """The "billion laughs" in YAML: nine levels of ten aliases each (10^9 strings)."""
    lines = [
        f'{indent}a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'
    ]
    letters = "abcdefghi"
    for previous, current in itertools.pairwise(letters):
        lines.append(f"{indent}{current}: &{current} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_in_price_plan_is_refused_at_load_naming_the_place() -> None:
    text = (EXAMPLES / "custom_tier.yaml").read_text(encoding="utf-8")
    text += "price_plan:\n" + alias_bomb("  ")
    assert len(text.encode()) < len((EXAMPLES / "custom_tier.yaml").read_bytes()) + 2048
    started = time.perf_counter()
    with pytest.raises(ContractError) as caught:
        load(text)
    assert time.perf_counter() - started < 1
    assert caught.value.field is not None
    assert caught.value.field.startswith("price_plan.i")
    assert f"budget of {ALIAS_BUDGET:,}" in caught.value.reason
    # validate() reports the same problem instead of raising
    report = validate(text)
    assert not report.ok
    assert report.errors[0].field.startswith("price_plan.i")


def test_alias_bomb_as_a_plan_is_refused() -> None:
    with pytest.raises(PricingError) as caught:
        load_plan("name: bomb\ncurrency: USD\n" + alias_bomb())
    assert caught.value.field is not None
    assert caught.value.field.startswith("i")
    assert "alias" in caught.value.reason


def test_a_few_aliases_are_fine() -> None:
    # Anchors and merges a contract author writes by hand stay well inside the budget.
    text = (EXAMPLES / "tier_a.yaml").read_text(encoding="utf-8")
    contract = load(text)
    assert load(dump(contract)) == contract
    small = "name: p\ncurrency: USD\ncharges:\n  - &fee {name: fee, model: flat, amount: '10'}\n"
    assert load_plan(small).name == "p"


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(ContractError, match="refers to itself"):
        load("contract: &x [*x]\n")


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_contract_nested_1000_deep_is_a_contract_error(fmt: str) -> None:
    text = f'{{"contract": {nested(1000)}}}' if fmt == "json" else f"contract: {nested(1000)}\n"
    with pytest.raises(ContractError) as caught:
        load(text, format=fmt)  # type: ignore[arg-type]
    assert "nest" in caught.value.reason  # "nested too deeply" / "maximum nesting depth"


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_plan_nested_1000_deep_is_a_pricing_error(fmt: str) -> None:
    text = f'{{"name": {nested(1000)}}}' if fmt == "json" else f"name: {nested(1000)}\n"
    with pytest.raises(PricingError, match="nest"):
        load_plan(text)


def test_deep_dict_names_the_limit_and_the_place() -> None:
    deep: dict[str, object] = {}
    node = deep
    for _ in range(1000):
        node["a"] = {}
        node = node["a"]  # type: ignore[assignment]
    with pytest.raises(ContractError) as caught:
        load({"contract": "x", "price_plan": deep})
    assert f"limit of {MAX_DEPTH}" in caught.value.reason
    assert caught.value.field is not None
    assert caught.value.field.startswith("price_plan.a.a")
    with pytest.raises(PricingError, match=f"limit of {MAX_DEPTH}"):
        load_plan(deep)


def test_toml_nested_deep_is_a_contract_error() -> None:
    with pytest.raises(ContractError):
        load(f"contract = {nested(1000)}\n", format="toml")


def test_depth_at_the_limit_is_accepted_and_one_more_is_refused() -> None:
    at_limit: object = []
    for _ in range(MAX_DEPTH - 1):
        at_limit = [at_limit]
    check_document(at_limit, error=ContractError)
    with pytest.raises(ContractError):
        check_document([at_limit], error=ContractError)


def test_oversized_text_is_refused_before_parsing() -> None:
    text = "contract: x\n" + "#" * MAX_DOCUMENT_CHARS
    with pytest.raises(ContractError, match="more than the limit"):
        load(text)


def test_unknown_format_names_the_allowed_ones() -> None:
    with pytest.raises(ContractError) as caught:
        load("contract: x", format="xml")  # type: ignore[arg-type]
    assert caught.value.field == "format"
    assert all(name in caught.value.reason for name in ("yaml", "json", "toml"))


def test_one_type_error_does_not_hide_the_other_problems() -> None:
    data = json.loads(json.dumps(load(EXAMPLES / "tier_a.yaml").model_dump(mode="json")))
    data["version"] = "two"
    data["effective_until"] = "2000-01-01"
    data["priorities"] = ["urgent", "urgent"]
    fields = {p.field for p in validate(data).errors}
    assert {"version", "effective_until", "priorities[1]"} <= fields
