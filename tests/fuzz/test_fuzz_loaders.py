"""Fuzzing the loaders: contracts and price plans from hostile documents and texts.

Only two outcomes are allowed, each within the time budget: a correct result
(a contract that validates, dumps and loads back equal) or an ``SLAError``.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from sla import ContractError, PricingError
from sla._documents import MAX_DEPTH
from sla.contracts import Contract, dump, load, validate
from sla.pricing import load_plan, plan_problems
from tests.fuzz.harness import FUZZ, Refused, attempt
from tests.fuzz.strategies import (
    alias_bombs,
    documents,
    duplicate_key_texts,
    hostile_text,
    mutated_contracts,
    nested_texts,
)


def _text(data: Any, fmt: str) -> str:
    """``data`` as JSON or YAML text (Decimals and dates written as strings)."""
    plain = json.dumps(data, default=str)
    return plain if fmt == "json" else yaml.safe_dump(json.loads(plain), allow_unicode=True)


@FUZZ
@given(mutated_contracts(), st.sampled_from(["dict", "json", "yaml"]))
def test_mutated_contract_loads_or_is_refused(data: dict[str, Any], form: str) -> None:
    source: Any = data if form == "dict" else _text(data, form)
    contract = attempt(load, source)
    report = attempt(validate, source)
    assert not isinstance(report, Refused), "validate() reports, it never raises"
    if isinstance(contract, Refused):
        assert isinstance(contract.error, ContractError)
        assert not report.ok
        return
    assert isinstance(contract, Contract)
    for fmt in ("yaml", "json"):
        text = attempt(dump, contract, fmt)
        if not isinstance(text, Refused):
            assert attempt(load, text, format=fmt) == contract
    attempt(plan_problems, contract)
    if report.ok:
        attempt(contract.compile)


@FUZZ
@given(documents)
def test_any_document_is_a_contract_or_a_contract_error(data: Any) -> None:
    for source in (data, _text(data, "json"), _text(data, "yaml")):
        result = attempt(load, source)
        assert isinstance(result, Contract) or isinstance(result.error, ContractError)


@FUZZ
@given(alias_bombs())
def test_alias_bombs_in_a_contract_or_plan_are_refused_or_small(bomb: str) -> None:
    contract = attempt(load, "contract: x\nprice_plan:\n" + bomb)
    plan = attempt(load_plan, "name: x\ncurrency: USD\n" + bomb.replace("\n  ", "\n").lstrip())
    for result in (contract, plan):
        assert isinstance(result, Refused)  # a bomb is never a valid contract or plan
        if "alias" in result.error.reason:
            assert result.error.field  # the place is named


@FUZZ
@given(nested_texts())
def test_deep_nesting_is_refused_with_the_limit(nested: tuple[str, int]) -> None:
    text, depth = nested
    for fn, error in ((load, ContractError), (load_plan, PricingError)):
        for wrapped in ('{"contract": ' + text + "}", "contract: " + text):
            result = attempt(fn, wrapped)
            assert isinstance(result, Refused)
            assert isinstance(result.error, error)
            if depth > MAX_DEPTH + 1:
                assert "nest" in str(result.error) or "expected" in str(result.error).lower()


@FUZZ
@given(duplicate_key_texts())
def test_duplicate_keys_in_a_contract_are_refused(text: str) -> None:
    result = attempt(load, text)
    assert isinstance(result, Refused)
    assert isinstance(result.error, ContractError)


@FUZZ
@given(documents, hostile_text)
def test_any_document_is_a_plan_or_a_pricing_error(data: Any, name: str) -> None:
    plan = {"name": name, "currency": "USD", "charges": data}
    for source in (plan, _text(plan, "json"), _text(plan, "yaml")):
        result = attempt(load_plan, source)
        assert not isinstance(result, Refused) or isinstance(result.error, PricingError)


@FUZZ
@given(hostile_text, st.sampled_from(["yaml", "json", "toml", None, "xml", "YAML", ""]))
def test_any_text_in_any_format(text: str, fmt: Any) -> None:
    result = attempt(load, text, format=fmt)
    assert isinstance(result, Refused)
