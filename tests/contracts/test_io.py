from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import ContractError
from sla.contracts import dump, json_schema, load, validate
from sla.contracts._toml import dumps as toml_dumps

MINIMAL = """
contract: T-1
customer: {name: Tiny}
effective_from: 2025-01-01
tiers:
  C: {extends: C}
routing: {fallback: C}
"""


def test_yaml_json_and_toml_text_all_load() -> None:
    contract = load(MINIMAL)
    assert contract.tiers["C"].extends == "C"
    assert load(dump(contract, "json")) == contract  # detected as JSON
    assert load(dump(contract, "toml")) == contract  # detected as TOML
    toml = dump(contract, "toml")
    assert 'contract = "T-1"' in toml
    assert "[tiers.C]" in toml


def test_files_load_by_suffix(tmp_path: Path) -> None:
    contract = load(MINIMAL)
    for suffix, fmt in ((".yaml", "yaml"), (".json", "json"), (".toml", "toml")):
        path = tmp_path / f"c{suffix}"
        dump(contract, fmt, path)  # type: ignore[arg-type]
        assert load(path) == contract
        assert load(str(path)) == contract


def test_missing_file_is_a_contract_error(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="cannot read"):
        load(tmp_path / "nope.yaml")


def test_bad_yaml_is_readable_with_line_and_column() -> None:
    with pytest.raises(ContractError) as info:
        load("contract: [unclosed\ncustomer: {name: x}\n")
    assert "not valid YAML" in info.value.reason
    assert "line" in info.value.reason
    assert "column" in info.value.reason


def test_python_tags_are_never_executed() -> None:
    evil = "contract: !!python/object/apply:os.system ['echo pwned']\n"
    with pytest.raises(ContractError, match="not valid YAML"):
        load(evil)


def test_wrong_types_list_every_problem_with_its_path() -> None:
    text = MINIMAL.replace("{extends: C}", "{extends: C, targets: [{metric: speed, within: 3x}]}")
    text = text.replace("contract: T-1", "contract: T-1\nversion: zero\ncolour: blue")
    with pytest.raises(ContractError) as info:
        load(text)
    fields = [p.field for p in info.value.problems]
    assert fields == [
        "version",
        "tiers.C.targets[0].metric",
        "tiers.C.targets[0].within",
        "colour",
    ]
    reasons = {p.field: p.reason for p in info.value.problems}
    assert reasons["colour"] == "unknown field (a typo?)"
    assert "'3x' is not a duration" in reasons["tiers.C.targets[0].within"]
    assert "4 problems in contract" in str(info.value)


def test_a_non_mapping_is_refused() -> None:
    with pytest.raises(ContractError, match="mapping"):
        load("- just\n- a list\n")


def test_validate_reports_loading_problems_instead_of_raising() -> None:
    report = validate("contract: [")
    assert not report.ok
    assert "not valid YAML" in report.errors[0].reason


def test_toml_refuses_null_instead_of_dropping_it() -> None:
    contract = load(MINIMAL.replace("{extends: C}", "{extends: C, on_call: null}"))
    with pytest.raises(ContractError) as info:
        dump(contract, "toml")
    assert info.value.field == "tiers.C.on_call"


def test_json_schema_describes_the_document() -> None:
    schema = json_schema()
    assert schema["title"] == "sla contract"
    assert {"contract", "customer", "effective_from", "tiers"} <= set(schema["required"])
    json.dumps(schema)  # serializable as is
    target = schema["$defs"]["TargetSpec"]["properties"]
    assert "anyOf" in target["within"]


def test_unquoted_yaml_dates_in_calendars_round_trip() -> None:
    text = MINIMAL.replace(
        "tiers:",
        "calendars:\n  business: {tz: UTC, hours: {mon-fri: '09:00-17:00'},"
        " holidays: [2025-12-25, {date: 2025-12-26, name: Boxing Day}]}\ntiers:",
    )
    contract = load(text)
    for fmt in ("yaml", "json", "toml"):
        assert load(dump(contract, fmt), format=fmt) == contract


# Any text a contract may hold: every code point but lone surrogates (not Unicode scalars).
_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(_texts, _texts)
def test_toml_round_trips_any_customer_text(name: str, key: str) -> None:
    # Issue 17: U+007F and every other control character are escaped (TOML 1.0).
    contract = load(MINIMAL).model_copy(
        update={"customer": load(MINIMAL).customer.model_copy(update={"name": name})}
    )
    text = dump(contract, "toml")
    assert tomllib.loads(text)["customer"]["name"] == name
    assert load(text, format="toml") == contract
    assert tomllib.loads(toml_dumps({key: name})) == {key: name}


def test_toml_escapes_delete_and_control_characters() -> None:
    text = toml_dumps({"a": "x\x7fy\x00\x1b\t"})
    assert text == 'a = "x\\u007Fy\\u0000\\u001B\\t"\n'
    with pytest.raises(ContractError, match="surrogate"):
        toml_dumps({"a": "\ud800"})
