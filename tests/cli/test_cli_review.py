"""Regression tests from a review that used the command line as a new user would."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sla.simulate import TierTraffic, generate
from tests.cli.conftest import Run

Sla = Callable[..., Run]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"
CONTRACT_B = str(EXAMPLES / "tier_b.yaml")


def strict(text: str) -> Any:
    """JSON as a strict parser reads it: NaN and Infinity are not JSON."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same events as epoch seconds, ISO text with offsets, and naive text."""
    folder = tmp_path_factory.mktemp("review-events")
    traffic = generate(
        date(2025, 6, 2), 2, tiers=[TierTraffic("B", 30, {"messenger": 1.0})], seed=5
    )
    traffic.events.write(folder / "epoch.csv")
    traffic.events.write(folder / "epoch.jsonl")
    with (folder / "epoch.csv").open() as f:
        rows = list(csv.DictReader(f))
    berlin = ZoneInfo("Europe/Berlin")
    forms = {
        "offset.csv": lambda t: datetime.fromtimestamp(t, berlin).isoformat(),
        "zulu.csv": lambda t: datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "naive.csv": lambda t: datetime.fromtimestamp(t, UTC).replace(tzinfo=None).isoformat(),
    }
    for name, form in forms.items():
        with (folder / name).open("w", newline="") as f:
            writer = csv.DictWriter(f, list(rows[0]))
            writer.writeheader()
            writer.writerows({**r, "at": form(int(r["at"]))} for r in rows)
    with (folder / "epoch.jsonl").open() as f, (folder / "offset.jsonl").open("w") as g:
        for line in f:
            record = json.loads(line)
            record["at"] = datetime.fromtimestamp(record["at"], berlin).isoformat()
            g.write(json.dumps(record) + "\n")
    return folder


@pytest.mark.parametrize("name", ["offset.csv", "zulu.csv", "offset.jsonl"])
def test_iso_instants_with_offsets_evaluate_like_epoch_seconds(
    sla: Sla, events: Path, name: str
) -> None:
    # Before: ISO text in JSON lines was refused ("must be epoch seconds") because
    # Arrow's reader drops the offset, and unparseable text crashed with a traceback.
    epoch = sla("clocks", "evaluate", "-c", CONTRACT_B, "-e", str(events / "epoch.csv"), "--json")
    other = sla("clocks", "evaluate", "-c", CONTRACT_B, "-e", str(events / name), "--json")
    assert other.code == 0, other.err
    assert strict(other.out) == strict(epoch.out)
    assert len(strict(epoch.out)) > 0


def test_naive_instants_name_the_file_and_line(sla: Sla, events: Path) -> None:
    run = sla("clocks", "evaluate", "-c", CONTRACT_B, "-e", str(events / "naive.csv"))
    assert run.code == 2
    assert "naive.csv" in run.err
    assert "line 2" in run.err
    assert "no UTC offset" in run.err
    assert "Traceback" not in run.err


def test_bad_events_files_are_one_readable_message(sla: Sla, tmp_path: Path) -> None:
    (tmp_path / "cols.csv").write_text("id,when,what\n1,2,3\n")
    (tmp_path / "header.csv").write_text("contact_id,at,kind\n")
    (tmp_path / "text.csv").write_text("contact_id,at,kind\n1,soon,created\n")
    (tmp_path / "events").mkdir()
    cases = {
        "cols.csv": "missing column(s) contact_id, at, kind",
        "header.csv": "has no events",
        "text.csv": "line 2: `at` 'soon' is not epoch seconds",
        "events": "is a directory",
        str(EXAMPLES / "tier_a.yaml"): "not events",
    }
    for name, message in cases.items():
        run = sla("clocks", "evaluate", "-c", CONTRACT_B, "-e", str(tmp_path / name))
        assert run.code == 2, name
        assert message in run.err, run.err
        assert Path(name).name in run.err
        assert "Traceback" not in run.err


def test_events_file_given_as_contract(sla: Sla, events: Path) -> None:
    run = sla("contract", "check", str(events / "epoch.csv"))
    assert run.code == 2
    assert "epoch.csv" in run.err
    assert "YAML, JSON or TOML" in run.err
    assert "Traceback" not in run.err


def test_unknown_event_kind_names_the_file(sla: Sla, events: Path, tmp_path: Path) -> None:
    text = (events / "epoch.csv").read_text().replace("customer_message", "chitchat")
    (tmp_path / "odd.csv").write_text(text)
    run = sla("clocks", "evaluate", "-c", CONTRACT_B, "-e", str(tmp_path / "odd.csv"))
    assert run.code == 2
    assert "odd.csv" in run.err
    assert "chitchat" in run.err


def test_json_on_every_command_parses_strictly(sla: Sla, events: Path, tmp_path: Path) -> None:
    ev = str(events / "epoch.csv")
    commands = [
        ["contract", "check", CONTRACT_B],
        ["contract", "render", CONTRACT_B],
        ["contract", "schema"],
        ["calendar", "add", "2025-03-07T16:30Z", "1h"],
        ["clocks", "evaluate", "-c", CONTRACT_B, "-e", ev],
        ["compliance", "-c", CONTRACT_B, "-e", ev],
        ["report", "-c", CONTRACT_B, "-e", ev, "-o", str(tmp_path / "r.html")],
        ["staffing"],
        ["economics", "--price-model", "per-minute", "--price", "5 EUR"],
        ["price", "quote", "--tier", "A"],
    ]
    for command in commands:
        run = sla(*command, "--json")
        assert run.code == 0, (command, run.err)
        strict(run.out)


def test_staffing_max_asa(sla: Sla) -> None:
    # Before: "max_asa: expected a datetime.timedelta, got float" for any value.
    plain = sla("staffing", "--json").json()["summary"]
    capped = sla("staffing", "--max-asa", "5s", "--json")
    assert capped.code == 0, capped.err
    summary = capped.json()["summary"]
    assert summary["asa_seconds"] <= 5
    assert summary["agents"] > plain["agents"]


def test_library_errors_name_the_option(sla: Sla) -> None:
    for args, option in [
        (["staffing", "--aht", "0s"], "--aht"),
        (["staffing", "--calls", "inf"], "--calls"),
        (["economics", "--price", "4.50 USD"], "--price"),
        (["economics", "--deflection", "100%"], "--deflection"),
    ]:
        run = sla(*args)
        assert run.code == 2, args
        assert f"error: {option}:" in run.err, run.err


@pytest.mark.parametrize(
    ("args", "seconds", "words"),
    [
        # 5 EUR a minute pays from a few seconds of handling on: a minimum, not "any".
        (["--price-model", "per-minute", "--price", "5 EUR"], 2.7, "at least"),
        (["--price-model", "per-tier-month", "--price", "4.50 EUR"], None, "never"),
    ],
)
def test_economics_without_a_break_even_still_answers(
    sla: Sla, args: list[str], seconds: Any, words: str
) -> None:
    # Before: per-minute printed `Infinity` (not JSON); per-tier-month exited 2.
    run = sla("economics", *args, "--json")
    assert run.code == 0, run.err
    outcome = strict(run.out)["outcome"]
    assert outcome["break_even_aht_seconds"] == seconds
    assert outcome["break_even_aht"].startswith(words)
    table = sla("economics", *args)
    assert words in table.out


def test_economics_table_shows_money_and_shares(sla: Sla) -> None:
    run = sla("economics")
    assert run.code == 0
    assert "€3.20" in run.out  # not "3.20000"
    assert "28.9%" in run.out  # not 0.28888888888888888888...
    assert "4m 33s" in run.out  # break-even handle time


def test_price_plan_from_a_contract_file(sla: Sla, tmp_path: Path) -> None:
    # Before: a contract's price_plan overrides were loaded as a whole plan and failed.
    run = sla("price", "quote", "--plan", str(EXAMPLES / "tier_a.yaml"), "--json")
    assert run.code == 0, run.err
    fee = next(line for line in run.json()["lines"] if line["charge"] == "monthly fee")
    assert fee["amount"] == "32000.00"  # the contract's fee, not the catalogue's
    wrong = sla("price", "quote", "--plan", str(EXAMPLES / "tier_a.yaml"), "--tier", "C")
    assert wrong.code == 2
    assert "no tier 'C'" in wrong.err
    (tmp_path / "empty.yaml").write_text("")
    empty = sla("price", "quote", "--plan", str(tmp_path / "empty.yaml"))
    assert empty.code == 2
    assert "empty.yaml: the file is empty" in empty.err


def test_compliance_counts_add_up_and_bad_groups(sla: Sla, events: Path) -> None:
    table = sla("compliance", "-c", CONTRACT_B, "-e", str(events / "epoch.csv"))
    assert table.code == 0
    assert "abandoned" in table.out
    for row in sla(
        "compliance", "-c", CONTRACT_B, "-e", str(events / "epoch.csv"), "--json"
    ).json():
        parts = ("met", "breached", "active", "abandoned", "cancelled")
        assert sum(row[k] for k in parts) == row["total"]
    bad = sla("compliance", "-c", CONTRACT_B, "-e", str(events / "epoch.csv"), "--by", "colour")
    assert bad.code == 2
    assert "error: --by:" in bad.err


def test_report_counts_every_breach(sla: Sla, events: Path, tmp_path: Path) -> None:
    # Before: the message said len(first 200 breaches), not the number of breaches.
    run = sla("report", "-c", CONTRACT_B, "-e", str(events / "epoch.csv"),
              "-o", str(tmp_path / "r.html"), "--json")  # fmt: skip
    assert run.code == 0, run.err
    cycles = sla("clocks", "evaluate", "-c", CONTRACT_B, "-e", str(events / "epoch.csv"),
                 "--json").json()  # fmt: skip
    assert run.json()["breaches"] == sum(c["status"] == "breached" for c in cycles)


def test_demo_leap_month_notes_contracts_out_of_effect(sla: Sla) -> None:
    run = sla("demo", "--month", "2024-02", "--json")
    assert run.code == 0, run.err
    result = strict(run.out)
    assert result["period"] == "2024-02"
    assert any("ACME-A-2025" in note for note in result["notes"])
    for tier in result["tiers"].values():
        for row in tier["compliance"]:
            parts = ("met", "breached", "active", "abandoned", "cancelled")
            assert sum(row[k] for k in parts) == row["total"]
    inside = strict(sla("demo", "--month", "2025-10", "--json").out)
    assert inside["notes"] == [] or all("NORDWIND" not in n for n in inside["notes"])


def test_report_month_defaults_to_the_events_month(sla: Sla, tmp_path: Path) -> None:
    # Before: --month defaulted to 2025-06 whatever the events, so November's events
    # were reported (and invoiced) as June 2025.
    traffic = generate(
        date(2024, 11, 4), 2, tiers=[TierTraffic("B", 20, {"messenger": 1.0})], seed=2
    )
    traffic.events.write(tmp_path / "nov.parquet")
    run = sla("report", "-c", CONTRACT_B, "-e", str(tmp_path / "nov.parquet"),
              "-o", str(tmp_path / "nov.html"), "--json")  # fmt: skip
    assert run.code == 0, run.err
    assert run.json()["period"] == "2024-11"
    assert "2024-11" in (tmp_path / "nov.html").read_text()


def test_unknown_channel_in_events_names_the_line(sla: Sla, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    events.write_text(
        "contact_id,at,kind,channel,priority\n"
        "1,1748851200,created,email,normal\n"
        "2,1748851300,created,pigeon,normal\n",
        encoding="utf-8",
    )
    run = sla("clocks", "evaluate", "-c", str(EXAMPLES / "tier_b.yaml"), "-e", str(events))
    assert run.code == 2
    assert "line 3" in run.err
    assert "pigeon" in run.err
