"""Regression tests from review: loading never leaks a raw traceback or drops a duplicate key."""

from __future__ import annotations

from pathlib import Path

import pytest

from sla import ContractError
from sla.contracts import load

EXAMPLE = Path(__file__).parents[2] / "examples" / "contracts" / "tier_a.yaml"


def test_duplicate_yaml_key_is_refused_not_silently_last_wins() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    duplicated = text.replace("version: 1\n", "version: 1\nversion: 2\n", 1)
    with pytest.raises(ContractError) as caught:
        load(duplicated)
    assert "duplicate key 'version'" in str(caught.value)
    assert "line" in str(caught.value)


def test_duplicate_json_key_is_refused() -> None:
    with pytest.raises(ContractError, match="duplicate key 'contract'"):
        load('{"contract": "X", "contract": "Y"}')


def test_yaml_merge_keys_still_override() -> None:
    # `<<: *base` then an explicit key is an override, not a duplicate.
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("customer:\n", "base: &base {name: Base}\ncustomer:\n  <<: *base\n", 1)
    with pytest.raises(ContractError) as caught:  # `base` is not a contract field...
        load(text)
    assert [p.field for p in caught.value.problems] == ["base"]  # ...and nothing else fails


def test_bytes_that_are_not_utf8_give_a_contract_error() -> None:
    with pytest.raises(ContractError, match="not UTF-8"):
        load(b"\xff\xfe contract")


def test_file_that_is_not_utf8_gives_a_contract_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("customer: {name: Müller}".encode("latin-1"))
    with pytest.raises(ContractError, match="not UTF-8") as caught:
        load(path)
    assert caught.value.field == str(path)


def test_wrong_source_type_gives_a_contract_error() -> None:
    with pytest.raises(ContractError, match="got int"):
        load(5)  # type: ignore[arg-type]
