"""`sla economics month`: the small month of docs/month.md through the real entry point."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

FORECAST = """start,contacts,aht_seconds
2025-06-02T08:00:00+00:00,40,180
2025-06-02T08:30:00+00:00,100,180
2025-06-02T09:00:00+00:00,100,180
2025-06-02T09:30:00+00:00,40,180
2025-06-03T08:00:00+00:00,60,180
2025-06-03T08:30:00+00:00,120,180
2025-06-03T09:00:00+00:00,80,180
"""

CONTACTS = """created,handle_seconds,request_id
2025-06-02T08:01:00+00:00,0,1
2025-06-02T08:40:00+00:00,300,1
2025-06-02T09:10:00+00:00,200,2
"""


def test_forecast_month_matches_the_hand_computation(
    sla: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "forecast.csv"
    path.write_text(FORECAST)
    run = sla(
        "economics", "month", str(path), "--period", "2025-06", "--hour-rate", "30 USD",
        "--shifts", "1h,2h", "--fixed", "licences=100 USD", "--price-per-request", "4 USD",
        "--json",
    )  # fmt: skip
    assert run.code == 0, run.err
    data = run.json()
    assert data["proven_optimal"] is True
    assert data["month"]["paid_hours"] == "59"  # 30 h on day 1, 29 h on day 2
    assert data["month"]["cost"] == "1870.00 USD"  # 59 x 30 + 100
    assert data["month"]["result"] == "290.00 USD"  # 540 x 4 - 1870


def test_a_callback_leg_is_one_request(sla: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS)
    run = sla(
        "economics", "month", str(path), "--period", "2025-06", "--hour-rate", "30 USD",
        "--price-per-request", "10 USD", "--json",
    )  # fmt: skip
    assert run.code == 0, run.err
    assert run.json()["month"]["requests"] == 2
    assert run.json()["month"]["revenue"] == "20.00 USD"


def test_bad_files_name_the_field(sla: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("when,count\n1,2\n")
    run = sla("economics", "month", str(path), "--period", "2025-06", "--hour-rate", "30 USD",
              "--revenue", "1 USD")  # fmt: skip
    assert run.code == 2
    assert "expected columns" in run.err
    path.write_text("start,contacts,aht_seconds\n2025-06-02T08:00:00+00:00,-5,180\n")
    run = sla("economics", "month", str(path), "--period", "2025-06", "--hour-rate", "30 USD",
              "--revenue", "1 USD")  # fmt: skip
    assert run.code == 2
    assert "counts" in run.err
    path.write_text(FORECAST)
    run = sla("economics", "month", str(path), "--period", "2025-06", "--hour-rate", "30 EUR",
              "--revenue", "1 USD")  # fmt: skip
    assert run.code == 2
    assert "costs.hour" in run.err
