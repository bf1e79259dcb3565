"""Compliance reports and attainment records for service credits."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

from sla import ClockError
from sla.clocks import (
    ClockPolicy,
    Contact,
    Event,
    MetricTarget,
    ServiceLevelTarget,
    attainment,
    compliance,
    evaluate,
    evaluate_table,
)
from tests.clocks.calendars import at

VOICE = ClockPolicy([MetricTarget("speed_of_answer", 20)])


def calls(waits: list[int | None], start: str = "2025-06-30 23:30") -> list[dict[str, object]]:
    """One call per wait (None: abandoned after 40 s), a minute apart, Berlin time."""
    rows: list[dict[str, object]] = []
    t0 = at(start)
    for i, wait in enumerate(waits):
        offered = t0 + 60 * i
        rows.append({"contact_id": f"k{i}", "at": offered, "kind": "call_offered", "tier": "A"})
        end = "call_abandoned" if wait is None else "call_answered"
        rows.append({"contact_id": f"k{i}", "at": offered + (wait or 40), "kind": end, "tier": "A"})
    return rows


def test_eighty_percent_in_twenty_seconds_with_abandons_counted_never_met() -> None:
    waits = [5, 10, 15, 20, 21, 30, 8, 12, None, 19]
    cycles = evaluate_table(pd.DataFrame(calls(waits)), VOICE, as_of=at("2025-07-02 00:00"))
    sl = ServiceLevelTarget("speed_of_answer", "4/5", within_seconds=20)
    report = compliance(cycles, tz="Europe/Berlin", by=("metric", "period"), targets=[sl])
    row = report.iloc[0]
    assert (row["total"], row["met"], row["breached"], row["abandoned"]) == (10, 7, 2, 1)
    assert row["sl_attained"] == Fraction(7, 10)
    assert row["attained"] == Fraction(7, 10)
    answered = [w for w in waits if w is not None]
    assert row["calendar_mean"] == pytest.approx(sum(answered) / len(answered))
    assert row["business_p50"] == pytest.approx(sorted(answered)[4])
    records = attainment(cycles, tz="Europe/Berlin", targets=[sl])
    assert len(records) == 1
    record = records[0]
    assert (record.metric, record.tier, record.met, record.total, record.breaches) == (
        "speed_of_answer", "A", 7, 10, 3,
    )  # fmt: skip
    assert record.attained == Fraction(7, 10)
    assert record.missed


def test_periods_are_cut_in_the_contract_zone() -> None:
    # Calls at 23:30 and 23:31 Berlin on June 30: June in Berlin, still June in UTC too,
    # but calls after 00:00 Berlin on July 1 are July in Berlin and June in UTC.
    cycles = evaluate_table(pd.DataFrame(calls([5] * 40)), VOICE, as_of=at("2025-07-02 00:00"))
    berlin = compliance(cycles, tz="Europe/Berlin", by=("period",))
    utc = compliance(cycles, tz="UTC", by=("period",))
    assert dict(zip(berlin["period"], berlin["total"], strict=True)) == {
        "2025-06": 30,
        "2025-07": 10,
    }
    assert dict(zip(utc["period"], utc["total"], strict=True)) == {"2025-06": 40}


def test_compliance_groups_scalar_results_by_tier_channel_metric_and_priority() -> None:
    policy = ClockPolicy([MetricTarget("first_response", 3600)])
    t0 = at("2025-06-02 09:00")
    evaluations = [
        evaluate(
            Contact("a", channel="email", tier="B"),
            [Event.created(t0), Event.reply(t0 + 60)],
            policy,
        ),
        evaluate(
            Contact("b", channel="email", tier="B"),
            [Event.created(t0), Event.reply(t0 + 7200)],
            policy,
        ),
        evaluate(
            Contact("c", channel="chat", tier="C"), [Event.created(t0)], policy, as_of=t0 + 10
        ),
    ]
    report = compliance(evaluations, tz="Europe/Berlin", period="week")
    rows = report.set_index(["tier", "channel"]).to_dict("index")
    assert rows[("B", "email")]["met"] == 1
    assert rows[("B", "email")]["breached"] == 1
    assert rows[("B", "email")]["attained"] == Fraction(1, 2)
    assert rows[("C", "chat")]["active"] == 1
    assert rows[("C", "chat")]["attained"] is None
    assert set(report["period"]) == {"2025-W23"}
    assert rows[("B", "email")]["business_mean"] == pytest.approx((60 + 7200) / 2)


def test_bad_report_arguments_are_named() -> None:
    with pytest.raises(ClockError) as info:
        ServiceLevelTarget("asa", 2, within_seconds=0)
    assert {p.field for p in info.value.problems} == {"metric", "fraction", "within_seconds"}
    with pytest.raises(ClockError, match="by"):
        compliance([], by=("weather",))
