from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cli.conftest import Run

Sla = Callable[..., Run]


def test_staffing_json_matches_the_reference_case(sla: Sla) -> None:
    # 100 calls / 30 min, AHT 180 s, 80 % in 20 s: 14 agents (the reference case).
    run = sla("staffing", "--calls", "100", "--interval", "30m", "--aht", "180s", "--json")
    assert run.code == 0, run.err
    summary = run.json()["summary"]
    assert summary["traffic_erlangs"] == 10.0
    assert summary["agents"] == 14
    assert summary["service_level"] == pytest.approx(0.888, abs=0.001)


def test_staffing_table_output(sla: Sla) -> None:
    run = sla("staffing", "--shrinkage", "30%")
    assert run.code == 0, run.err
    assert "scheduled_agents" in run.out
    assert "20.0" in run.out  # 14 / (1 - 0.3)


def test_staffing_with_patience_uses_erlang_a(sla: Sla) -> None:
    run = sla("staffing", "--patience", "60s", "--json")
    assert run.code == 0, run.err
    assert run.json()["summary"]["model"] == "Erlang A"
    assert 0 < run.json()["summary"]["abandon_probability"] < 1


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--aht", "soon"], "--aht"),
        (["--service-level", "120%"], "--service-level"),
        (["--calls", "-5"], "--calls"),
    ],
)
def test_staffing_bad_input_names_the_option(sla: Sla, args: list[str], field: str) -> None:
    run = sla("staffing", *args)
    assert run.code == 2
    assert field in run.err
    assert "Traceback" not in run.err


def test_economics_json_has_break_even_and_what_if(sla: Sla) -> None:
    run = sla("economics", "--vary-aht", "150s", "--vary-aht", "240s", "--json")
    assert run.code == 0, run.err
    data = run.json()
    assert data["outcome"]["currency"] == "EUR"
    assert data["outcome"]["break_even_aht_seconds"] > 0
    assert [row["aht"] for row in data["what_if"]] == [150, 240]
    assert data["explain"]


def test_economics_bad_price_model(sla: Sla) -> None:
    run = sla("economics", "--price-model", "per-smile")
    assert run.code == 2
    assert "--price-model" in run.err


def test_economics_currency_mix_is_reported(sla: Sla) -> None:
    run = sla("economics", "--agent-hour", "30 EUR", "--price", "4 USD")
    assert run.code == 2
    assert "price" in run.err
    assert "Traceback" not in run.err


def test_economics_what_if_on_every_axis(sla: Sla) -> None:
    run = sla("economics", "--vary-service-level", "80%", "--vary-service-level", "90%",
              "--vary-agent-hour", "30 EUR", "--vary-agent-hour", "36 EUR",
              "--vary-price", "4.50 EUR", "--vary-volume", "1.2", "--json")  # fmt: skip
    assert run.code == 0, run.err
    rows = run.json()["what_if"]
    assert len(rows) == 2 * 2 * 1 * 1
    dearer = [r for r in rows if r["service_level"] == 0.9]
    cheaper = [r for r in rows if r["service_level"] == 0.8]
    assert all(d["agents"] >= c["agents"] for d, c in zip(dearer, cheaper))


def test_economics_bad_what_if(sla: Sla) -> None:
    run = sla("economics", "--vary-price", "lots")
    assert run.code == 2
    assert "--vary-price" in run.err
    run = sla("economics", "--vary-volume", "0")
    assert run.code == 2
    assert "--vary-volume" in run.err
