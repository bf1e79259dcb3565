"""The worked demo end to end through the real entry point, and its report in Chromium."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from tests.report.browser import assert_charts_rendered, render


def test_demo_runs_and_its_report_renders(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sla", "demo", "--json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data["tiers"]) == {"A", "B", "C"}
    assert data["contacts"] > 1000
    for tier in data["tiers"].values():
        invoice = tier["invoice"]
        lines = sum(Decimal(line["amount"]) for line in invoice["lines"])
        assert lines == Decimal(invoice["total"])
        assert tier["compliance"]
        month = tier["month"]
        assert set(month) == {
            "paid_hours", "lower_bound_hours", "idle_hours", "cost", "revenue", "result",
            "requests", "cost_per_request", "revenue_per_request", "margin_per_request",
        }  # fmt: skip
        cost, revenue, result = (
            Decimal(month[k].split()[0]) for k in ("cost", "revenue", "result")
        )
        assert result == revenue - cost
        assert month["cost"].endswith(" USD")
    report = tmp_path / "sla-report.html"
    assert report.exists()
    probes, console, shot = render(report, tmp_path)
    assert_charts_rendered(probes, at_least=4)
    assert console == []
    assert shot.stat().st_size > 10_000


def test_demo_is_reproducible(tmp_path: Path) -> None:
    runs = [
        subprocess.run(
            [sys.executable, "-m", "sla", "demo", "--json", "--out", f"r{i}.html"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=600,
        )
        for i in range(2)
    ]
    first, second = (json.loads(r.stdout) for r in runs)
    first.pop("report")
    second.pop("report")
    assert first == second


def test_demo_bad_month(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sla", "demo", "--month", "June"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "--month" in proc.stderr
