"""`sla economics month`: the small month of docs/month.md through the real entry point."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
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


PLAN = """name: small
currency: USD
charges:
  - {name: monthly fee, model: flat, amount: "1000.00", recurring: true}
  - {name: calls, model: per_unit, metric: contacts.voice, price: "2.00", included: 200}
credits:
  rules:
    - {metric: speed_of_answer, below: [["80%", "10%"]]}
"""

MONTH = ("--period", "2025-06", "--hour-rate", "30 USD", "--shifts", "1h,2h",
         "--fixed", "licences=100 USD")  # fmt: skip


def test_forecast_and_plan_reconcile_with_the_hand_computation(
    sla: Callable[..., Any], tmp_path: Path
) -> None:
    """The month's JSON is the hand computation, to the cent.

    Forecast: 40+100+100+40 + 60+120+80 = 540 requests. Paid hours 59 (the shifts of
    docs/month.md), cost 59 h x 30 + 100 licences = 1,870.00 USD.
    Invoice: fee 1,000 + (540 - 200 included) x 2.00 = 1,680.00 charges; attained
    75 % < 80 % -> credit 10 % x 1,680 = -168.00; no tax; total 1,512.00 = revenue.
    Result 1,512 - 1,870 = -358.00. Per request: 1,870 / 540 = 3.4629.. -> 3.46;
    1,512 / 540 = 2.80 exactly; -358 / 540 = -0.6629.. -> -0.66.
    """
    forecast, plan = tmp_path / "forecast.csv", tmp_path / "plan.yaml"
    forecast.write_text(FORECAST)
    plan.write_text(PLAN)
    run = sla("economics", "month", str(forecast), *MONTH, "--plan", str(plan),
              "--attainment", "speed_of_answer=75%", "--json")  # fmt: skip
    assert run.code == 0, run.err
    data = run.json()
    month, bill = data["month"], data["invoice"]
    assert bill == {"charges": "1680.00 USD", "credits": "-168.00 USD", "tax": "0.00 USD",
                    "total": "1512.00 USD"}  # fmt: skip
    assert month["requests"] == 540
    assert month["paid_hours"] == "59"
    assert month["cost"] == "1870.00 USD"
    assert month["revenue"] == "1512.00 USD"
    assert month["result"] == "-358.00 USD"
    assert month["cost_per_request"] == "3.46 USD"
    assert month["revenue_per_request"] == "2.80 USD"
    assert month["margin_per_request"] == "-0.66 USD"
    # revenue - cost = result exactly, and the per-request revenues add up to the invoice.
    amount = {k: Decimal(month[k].split()[0]) for k in ("revenue", "cost", "result")}
    assert amount["revenue"] - amount["cost"] == amount["result"]
    per_request = Decimal(month["revenue_per_request"].split()[0])
    assert per_request * month["requests"] == Decimal(bill["total"].split()[0])
    # Without the credit the invoice is the charges: the credit is in the revenue.
    run = sla("economics", "month", str(forecast), *MONTH, "--plan", str(plan), "--json")
    assert run.json()["month"]["revenue"] == "1680.00 USD"


def test_the_plans_billable_unit_counts_requests(sla: Callable[..., Any], tmp_path: Path) -> None:
    contacts, plan = tmp_path / "contacts.csv", tmp_path / "plan.yaml"
    contacts.write_text(CONTACTS)
    plan.write_text("price_plan:\n  billable: {unit: contact}\n" + "\n".join(
        "  " + line for line in PLAN.splitlines()) + "\n")  # fmt: skip
    run = sla("economics", "month", str(contacts), "--period", "2025-06", "--hour-rate",
              "30 USD", "--plan", str(plan), "--json")  # fmt: skip
    assert run.code == 0, run.err
    assert run.json()["month"]["requests"] == 3  # every leg a unit, as the plan says


def test_simulation_check_reports_every_staffed_interval(
    sla: Callable[..., Any], tmp_path: Path
) -> None:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(FORECAST)
    args = ("economics", "month", str(forecast), *MONTH, "--price-per-request", "4 USD",
            "--simulate", "--seed", "3", "--customers", "5000", "--json")  # fmt: skip
    run = sla(*args)
    assert run.code == 0, run.err
    check = run.json()["simulation"]
    assert check["intervals"] == 7
    assert all(r["differs"] for r in check["differ"])
    assert sla(*args).json()["simulation"] == check  # seeded: the same figures again


def _one_line_error(run: Any, *words: str) -> None:
    assert run.code == 2, run.out
    assert run.err.startswith("error:"), run.err
    assert run.err.strip().count("\n") == 0, run.err
    assert "Traceback" not in run.err
    for word in words:
        assert word in run.err, (word, run.err)


def test_bad_input_is_one_line_naming_the_file_and_field(
    sla: Callable[..., Any], tmp_path: Path
) -> None:
    path, plan = tmp_path / "bad.csv", tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    base = ("--period", "2025-06", "--hour-rate", "30 USD", "--revenue", "1 USD")

    def month(*extra: str) -> Any:
        return sla("economics", "month", str(path), *extra)

    path.write_text("when,count\n1,2\n")
    _one_line_error(month(*base), "bad.csv", "expected columns")
    path.write_text("start,contacts,aht_seconds\n2025-06-02T08:00:00+00:00,-5,180\n")
    _one_line_error(month(*base), "bad.csv, line 2, contacts", ">= 0")
    path.write_text("start,contacts,aht_seconds\n2025-06-02T08:00:00+00:00,nan,180\n")
    _one_line_error(month(*base), "bad.csv, line 2, contacts")
    path.write_text("start,contacts,aht_seconds\n2025-06-02T08:00:00+00:00,5,0\n")
    _one_line_error(month(*base), "bad.csv, line 2, aht_seconds", "> 0")
    path.write_text("start,contacts,aht_seconds\n2025-06-02T08:10:00+00:00,5,180\n")
    _one_line_error(month(*base), "bad.csv, line 2, start", "not the start")
    path.write_text(FORECAST + "2025-06-02T08:30:00+00:00,1,180\n")
    _one_line_error(month(*base), "bad.csv, line 9, start", "already given on line 3")
    path.write_text(FORECAST)
    _one_line_error(month(*base, "--interval", "7h"), "--interval", "do not tile")
    path.write_text("created,handle_seconds\n2025-07-02T08:00:00+00:00,100\n")
    _one_line_error(month(*base), "bad.csv", "created", "outside the period")
    path.write_text(FORECAST)
    _one_line_error(
        month("--period", "2025-06", "--hour-rate", "30 EUR", "--plan", str(plan)),
        "--hour-rate", "EUR", "plan.yaml", "USD",
    )  # fmt: skip
    _one_line_error(
        month("--period", "2025-06", "--hour-rate", "30 USD", "--fixed", "seats=5 EUR",
              "--plan", str(plan)),
        "--fixed[0]", "EUR",
    )  # fmt: skip
    _one_line_error(month("--period", "2025-06", "--hour-rate", "30 EUR", "--revenue", "1 USD"),
                    "--revenue", "USD", "EUR")  # fmt: skip
    _one_line_error(
        month("--period", "2025-06", "--hour-rate", "30 USD", "--plan", str(plan),
              "--metric", "contacts.chat"),
        "--metric", "contacts.voice",
    )  # fmt: skip
    _one_line_error(
        month("--period", "2025-06", "--hour-rate", "30 USD", "--plan", str(tmp_path / "no.yaml")),
        "no.yaml", "file not found",
    )  # fmt: skip
    _one_line_error(
        month("--period", "2025-06", "--hour-rate", "30 USD", "--plan", str(plan),
              "--revenue", "1 USD"),
        "--plan", "one way",
    )  # fmt: skip
    _one_line_error(
        sla("economics", "month", str(tmp_path / "none.csv"), *base), "none.csv", "file not found"
    )
    _one_line_error(sla("economics", "month", str(tmp_path), *base), "is a directory")
