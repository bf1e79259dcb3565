from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from sla.simulate import TierTraffic, generate
from tests.cli.conftest import Run

Sla = Callable[..., Run]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"


@pytest.fixture(scope="module")
def events_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events")
    traffic = generate(
        date(2025, 6, 2), 3, tiers=[TierTraffic("B", 60, {"messenger": 1.0})], seed=3
    )
    for suffix in (".parquet", ".csv", ".jsonl"):
        traffic.events.write(folder / f"events{suffix}")
    return folder


def test_contract_check_ok_and_broken(sla: Sla) -> None:
    ok = sla("contract", "check", str(EXAMPLES / "tier_a.yaml"), str(EXAMPLES / "tier_c.yaml"))
    assert ok.code == 0, ok.err
    assert "ok (0 errors" in ok.out
    broken = sla("contract", "check", str(EXAMPLES / "broken.yaml"), "--json")
    assert broken.code == 1
    (result,) = broken.json()
    assert result["ok"] is False
    assert len(result["errors"]) == 14
    assert all(p["field"] for p in result["errors"])


def test_contract_render_markdown_and_html(sla: Sla, tmp_path: Path) -> None:
    md = sla("contract", "render", str(EXAMPLES / "tier_b.yaml"))
    assert md.code == 0, md.err
    assert md.out.startswith("# Service level agreement")
    out = tmp_path / "b.html"
    html = sla("contract", "render", str(EXAMPLES / "tier_b.yaml"), "-f", "html", "-o", str(out))
    assert html.code == 0, html.err
    assert "<table" in out.read_text(encoding="utf-8")
    bad = sla("contract", "render", str(EXAMPLES / "tier_b.yaml"), "-f", "pdf")
    assert bad.code == 2
    assert "--format" in bad.err


def test_contract_diff(sla: Sla) -> None:
    same = sla("contract", "diff", str(EXAMPLES / "tier_a.yaml"), str(EXAMPLES / "tier_a.yaml"))
    assert same.code == 0
    changed = sla("contract", "diff", str(EXAMPLES / "tier_a.yaml"),
                  str(EXAMPLES / "tier_b.yaml"), "--json")  # fmt: skip
    assert changed.code == 1
    assert any(c["path"] == "contract" for c in changed.json())


def test_contract_schema_is_json_schema(sla: Sla) -> None:
    run = sla("contract", "schema")
    assert run.code == 0
    schema = json.loads(run.out)
    assert "properties" in schema
    assert "contract" in schema["properties"]


def test_contract_bad_files(sla: Sla, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("contract: [oops\n", encoding="utf-8")
    run = sla("contract", "check", str(bad))
    assert run.code == 2
    assert "bad.yaml" in run.err
    assert "Traceback" not in run.err
    missing = sla("contract", "check", str(tmp_path / "nope.yaml"))
    assert missing.code == 2
    assert "not found" in missing.err


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_clocks_evaluate_json_round_trip(sla: Sla, events_dir: Path, suffix: str) -> None:
    run = sla("clocks", "evaluate", "-c", str(EXAMPLES / "tier_b.yaml"),
              "-e", str(events_dir / f"events{suffix}"), "-f", "json")  # fmt: skip
    assert run.code == 0, run.err
    cycles = run.json()
    assert {c["metric"] for c in cycles} >= {"first_response", "total_resolution"}
    first = cycles[0]
    assert first["start"].endswith(("+02:00", "+01:00"))  # offset-aware, Stockholm time
    assert first["status"] in ("met", "breached", "active", "paused", "cancelled")


def test_clocks_evaluate_csv_out(sla: Sla, events_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "cycles.csv"
    run = sla("clocks", "evaluate", "-c", str(EXAMPLES / "tier_b.yaml"),
              "-e", str(events_dir / "events.parquet"), "-f", "csv", "-o", str(out),
              "--as-of", "2025-06-30T00:00+02:00")  # fmt: skip
    assert run.code == 0, run.err
    assert out.read_text(encoding="utf-8").startswith("contact_id,metric,cycle,status")


def test_clocks_bad_inputs(sla: Sla, events_dir: Path, tmp_path: Path) -> None:
    contract = str(EXAMPLES / "tier_b.yaml")
    events = str(events_dir / "events.parquet")
    naive = sla("clocks", "evaluate", "-c", contract, "-e", events, "--as-of", "2025-06-30T00:00")
    assert naive.code == 2
    assert "--as-of" in naive.err
    odd = tmp_path / "events.xlsx"
    odd.write_text("x", encoding="utf-8")
    wrong = sla("clocks", "evaluate", "-c", contract, "-e", str(odd))
    assert wrong.code == 2
    assert "events.xlsx" in wrong.err
    garbage = tmp_path / "events.parquet"
    garbage.write_text("not parquet", encoding="utf-8")
    broken = sla("clocks", "evaluate", "-c", contract, "-e", str(garbage))
    assert broken.code == 2
    assert "cannot read events" in broken.err
    assert "Traceback" not in broken.err


def test_compliance_json(sla: Sla, events_dir: Path) -> None:
    run = sla("compliance", "-c", str(EXAMPLES / "tier_b.yaml"),
              "-e", str(events_dir / "events.csv"), "--json")  # fmt: skip
    assert run.code == 0, run.err
    rows = run.json()
    first = next(r for r in rows if r["metric"] == "first_response")
    assert first["period"] == "2025-06"
    assert (
        first["total"]
        == first["met"]
        + first["breached"]
        + first["active"]
        + first["cancelled"]
        + first["abandoned"]
    )
    assert first["sl_target"] == "9/10"


def test_compliance_bad_period(sla: Sla, events_dir: Path) -> None:
    run = sla("compliance", "-c", str(EXAMPLES / "tier_b.yaml"),
              "-e", str(events_dir / "events.csv"), "--period", "fortnight")  # fmt: skip
    assert run.code == 2
    assert "--period" in run.err


def test_report_from_events_file(sla: Sla, events_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    run = sla("report", "-c", str(EXAMPLES / "tier_b.yaml"), "-e",
              str(events_dir / "events.parquet"), "-o", str(out))  # fmt: skip
    assert run.code == 0, run.err
    html = out.read_text(encoding="utf-8")
    assert "Compliance" in html
    assert "Invoices" in html


def test_calendar_commands(sla: Sla) -> None:
    add = sla("calendar", "add", "2025-03-07T16:30+01:00", "1h", "--hours",
              "mon-fri=09:00-17:00", "--tz", "Europe/Berlin", "--json")  # fmt: skip
    assert add.code == 0, add.err
    assert add.json()["due"] == "2025-03-10T09:30:00+01:00"
    elapsed = sla("calendar", "elapsed", "2025-03-29T22:00+01:00", "2025-03-30T06:00+02:00",
                  "--hours", "daily=22:00-06:00", "--tz", "Europe/Berlin", "--json")  # fmt: skip
    assert elapsed.json()["seconds"] == 7 * 3600
    sub = sla("calendar", "subtract", "2025-03-10T09:30+01:00", "1h", "--hours",
              "mon-fri=09:00-17:00", "--tz", "Europe/Berlin", "--json")  # fmt: skip
    assert sub.json()["start"] == "2025-03-07T16:30:00+01:00"
    nxt = sla("calendar", "next-open", "2025-12-25T10:00+01:00", "-c",
              str(EXAMPLES / "tier_a.yaml"), "--json")  # fmt: skip
    # A contract file lends its (only) calendar: Christmas and Boxing Day are closed.
    assert nxt.code == 0, nxt.err
    assert nxt.json()["open"] is False
    assert nxt.json()["next_open"] == "2025-12-29T08:00:00+01:00"
    named = sla("calendar", "next-open", "2025-12-25T10:00+01:00", "-c",
                str(EXAMPLES / "tier_a.yaml") + "#business", "--json")  # fmt: skip
    assert named.json() == nxt.json()
    wrong = sla("calendar", "next-open", "2025-12-25T10:00+01:00", "-c",
                str(EXAMPLES / "tier_a.yaml") + "#nights")  # fmt: skip
    assert wrong.code == 2
    assert "no calendar 'nights'" in wrong.err
    assert "business" in wrong.err
    assert "Traceback" not in wrong.err


def test_calendar_bad_inputs(sla: Sla) -> None:
    naive = sla("calendar", "add", "2025-03-07T16:30", "1h")
    assert naive.code == 2
    assert "no UTC offset" in naive.err
    hours = sla("calendar", "add", "2025-03-07T16:30Z", "1h", "--hours", "mon-fri=09:00-25:00",
                "--hours", "sun=x")  # fmt: skip
    assert hours.code == 2
    assert "25:00" in hours.err
    assert "hours.sun" in hours.err
