"""Issue 13 through the command line: exact attainment text, duplicate keys refused."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.cli.test_cli_price import Sla
from tests.pricing.test_hostile_money import DUPLICATE_JSON, DUPLICATE_YAML


def test_cli_attainment_is_exact(sla: Sla, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: A\ncurrency: USD\ncharges:\n"
        "  - {name: fee, model: flat, amount: '1000', recurring: true}\n"
        "credits:\n  rules:\n    - {metric: speed_of_answer, below: [['99.99%', '10%']]}\n",
        encoding="utf-8",
    )
    run = sla("price", "invoice", "--plan", str(plan), "--period", "2025-06",
              "-a", "speed_of_answer=99.99%", "--json")  # fmt: skip
    assert run.code == 0, run.err
    assert Decimal(run.json()["credits"]) == 0
    owed = sla("price", "invoice", "--plan", str(plan), "--period", "2025-06",
               "-a", "speed_of_answer=99.98%", "--json")  # fmt: skip
    assert Decimal(owed.json()["credits"]) == Decimal("-100.00")


@pytest.mark.parametrize(("name", "text"), [("p.json", DUPLICATE_JSON), ("p.yaml", DUPLICATE_YAML)])
def test_cli_refuses_duplicate_keys(sla: Sla, tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = sla("price", "quote", "--plan", str(path), "-u", "u=1")
    assert run.code != 0
    assert "duplicate key" in run.err
    assert "Traceback" not in run.err
