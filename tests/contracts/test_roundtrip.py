from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from sla.contracts import Contract, dump, load

from .strategies import contracts


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(contracts())
@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_dump_then_load_is_lossless(fmt: Any, data: dict[str, Any]) -> None:
    contract = load(data)
    text = dump(contract, fmt)
    again = load(text, format=fmt)
    assert again == contract
    assert again.model_fields_set == contract.model_fields_set
    assert dump(again, fmt) == text


@settings(max_examples=20)
@given(contracts())
def test_formats_agree(data: dict[str, Any]) -> None:
    contract = load(data)
    loaded = {fmt: load(dump(contract, fmt), format=fmt) for fmt in ("yaml", "json", "toml")}
    assert loaded["yaml"] == loaded["json"] == loaded["toml"] == contract
    assert isinstance(contract, Contract)
