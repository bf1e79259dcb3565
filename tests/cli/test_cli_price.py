from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from tests.cli.conftest import Run

Sla = Callable[..., Run]


def test_quote_with_margin(sla: Sla) -> None:
    run = sla("price", "quote", "--tier", "A", "-u", "contacts.voice=520",
              "--cost-per-contact", "5.10 USD", "--json")  # fmt: skip
    assert run.code == 0, run.err
    data = run.json()
    lines = data["lines"]
    assert sum(Decimal(line["amount"]) for line in lines) == Decimal(data["total"])


def test_invoice_with_service_credit_and_html(sla: Sla, tmp_path: Path) -> None:
    html = tmp_path / "invoice.html"
    run = sla("price", "invoice", "--tier", "A", "--period", "2025-06",
              "-u", "contacts.voice=520", "-a", "speed_of_answer=73%",
              "--json", "--html", str(html))  # fmt: skip
    assert run.code == 0, run.err
    data = run.json()
    credits = [line for line in data["lines"] if line["kind"] == "credit"]
    assert credits
    assert Decimal(credits[0]["amount"]) < 0
    assert sum(Decimal(line["amount"]) for line in data["lines"]) == Decimal(data["total"])
    assert "<table" in html.read_text(encoding="utf-8")


def test_invoice_text_output(sla: Sla) -> None:
    run = sla("price", "invoice", "--tier", "B", "--period", "2025-06",
              "-u", "contacts.written=700")  # fmt: skip
    assert run.code == 0, run.err
    assert "total" in run.out


def test_plan_file(sla: Sla, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "name: tiny\ncurrency: EUR\ncharges:\n"
        "  - {name: calls, model: per_unit, metric: calls, price: '0.50'}\n",
        encoding="utf-8",
    )
    run = sla("price", "quote", "--plan", str(plan), "-u", "calls=10", "--json")
    assert run.code == 0, run.err
    assert run.json()["total"] == "5.00"


def test_bad_inputs_are_one_readable_line(sla: Sla, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    cases = [
        (["price", "quote", "--plan", str(broken)], "broken.yaml"),
        (["price", "quote", "--plan", str(tmp_path / "missing.yaml")], "file not found"),
        (["price", "quote", "--tier", "Q"], "unknown catalogue tier"),
        (["price", "quote"], "--plan"),
        (["price", "invoice", "--tier", "A", "--period", "June"], "--period"),
        (["price", "quote", "--tier", "A", "-u", "novalue"], "--usage"),
    ]
    for args, message in cases:
        run = sla(*args)
        assert run.code == 2, args
        assert message in run.err, (args, run.err)
        assert "Traceback" not in run.err


def test_attainment_for_a_metric_no_credit_uses_is_refused(sla: Sla) -> None:
    run = sla("price", "invoice", "--tier", "A", "--period", "2025-06", "-a", "pigeon=73%")
    assert run.code == 2
    assert "--attainment[0]" in run.err
    assert "speed_of_answer" in run.err
