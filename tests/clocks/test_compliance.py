"""Compliance reports and attainment records for service credits."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import ClockError
from sla.clocks import (
    PARTIAL_COLUMNS,
    ClockPolicy,
    Contact,
    Event,
    MetricTarget,
    ServiceLevelTarget,
    attainment,
    combine_partials,
    compliance,
    compliance_partials,
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
            Contact("c", channel="web_chat", tier="C"), [Event.created(t0)], policy, as_of=t0 + 10
        ),
    ]
    report = compliance(evaluations, tz="Europe/Berlin", period="week")
    rows = report.set_index(["tier", "channel"]).to_dict("index")
    assert rows[("B", "email")]["met"] == 1
    assert rows[("B", "email")]["breached"] == 1
    assert rows[("B", "email")]["attained"] == Fraction(1, 2)
    assert rows[("C", "web_chat")]["active"] == 1
    assert rows[("C", "web_chat")]["attained"] is None
    assert set(report["period"]) == {"2025-W23"}
    assert rows[("B", "email")]["business_mean"] == pytest.approx((60 + 7200) / 2)


def test_bad_report_arguments_are_named() -> None:
    with pytest.raises(ClockError) as info:
        ServiceLevelTarget("asa", 2, within_seconds=0)
    assert {p.field for p in info.value.problems} == {"metric", "fraction", "within_seconds"}
    with pytest.raises(ClockError, match="by"):
        compliance([], by=("weather",))


# -- one mechanism: compliance is combine_partials of compliance_partials --------------------

GROUPS = ("tier", "channel", "metric", "priority", "period")
STATUS_NAMES = ("met", "breached", "abandoned", "cancelled", "active", "paused")
TARGETS = [
    ServiceLevelTarget("speed_of_answer", "4/5", within_seconds=20),
    ServiceLevelTarget("first_response", "9/10", tier="B"),
    ServiceLevelTarget("first_response", "19/20"),
]


def reference_compliance(
    frame: pd.DataFrame,
    tz: str,
    period: str,
    by: tuple[str, ...],
    targets: list[ServiceLevelTarget],
    percentiles: tuple[float, ...],
) -> pd.DataFrame:
    """The report as defined, row by row: pandas group-by, numpy mean and np.percentile."""
    local = pd.to_datetime(frame["start"], unit="s", utc=True).dt.tz_convert(tz)
    if period == "quarter":
        labels = local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str)
    else:
        formats = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m", "year": "%Y"}
        labels = local.dt.strftime(formats[period])
    tier = frame["tier"].astype(object).where(frame["tier"].notna(), None)
    frame = frame.assign(period=labels, tier=tier)
    rows = []
    for key, group in frame.groupby(list(by), dropna=False, sort=True):
        row: dict[str, object] = dict(zip(by, key, strict=True))
        n = {s: int((group["status"] == s).sum()) for s in STATUS_NAMES}
        finished = n["met"] + n["breached"] + n["abandoned"]
        row.update(
            total=len(group),
            met=n["met"],
            breached=n["breached"],
            active=n["active"] + n["paused"],
            cancelled=n["cancelled"],
            abandoned=n["abandoned"],
            attained=Fraction(n["met"], finished) if finished else None,
        )
        answered = group[group["status"].isin(("met", "breached"))]
        for target in targets:
            if set(group["metric"]) != {target.metric}:
                continue
            if target.tier is not None and set(group["tier"]) != {target.tier}:
                continue
            within = target.within_seconds
            good = (
                n["met"] if within is None else int((answered["elapsed_seconds"] <= within).sum())
            )
            row.update(
                sl_target=target.fraction,
                sl_within_seconds=within,
                sl_met=good,
                sl_attained=Fraction(good, finished) if finished else None,
            )
            break
        for clock, column in (("business", "elapsed_seconds"), ("calendar", "calendar_seconds")):
            seconds = answered[column].to_numpy(dtype=np.float64)
            row[f"{clock}_mean"] = float(seconds.mean()) if len(seconds) else None
            for p in percentiles:
                row[f"{clock}_p{p:g}"] = float(np.percentile(seconds, p)) if len(seconds) else None
        rows.append(row)
    return pd.DataFrame(rows)


@st.composite
def cycle_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Cycle rows with nulls in tier and channel, starts across DST changes and year ends."""
    n = draw(st.integers(1, 60))

    def column(values: list[object]) -> list[object]:
        return draw(st.lists(st.sampled_from(values), min_size=n, max_size=n))

    return pd.DataFrame(
        {
            "contact_id": [f"c{i}" for i in range(n)],
            "tier": column(["A", "B", None]),
            "channel": pd.array(column(["voice", "email", None]), dtype="str"),
            "metric": column(["speed_of_answer", "first_response"]),
            "priority": column(["high", "normal"]),
            "status": column(list(STATUS_NAMES)),
            "start": draw(
                st.lists(st.integers(1_700_000_000, 1_800_000_000), min_size=n, max_size=n)
            ),
            "elapsed_seconds": draw(st.lists(st.integers(0, 40), min_size=n, max_size=n)),
            "calendar_seconds": draw(st.lists(st.integers(0, 10**7), min_size=n, max_size=n)),
        }
    )


@settings(max_examples=60, deadline=None)
@given(
    frame=cycle_tables(),
    by=st.lists(st.sampled_from(GROUPS), min_size=1, max_size=5, unique=True),
    period=st.sampled_from(["day", "week", "month", "quarter", "year"]),
    tz=st.sampled_from(["Europe/Berlin", "UTC", "America/Santiago", "Asia/Kathmandu"]),
    targets=st.lists(st.sampled_from(TARGETS), max_size=3, unique_by=repr),
    percentiles=st.sampled_from([(50, 90, 95), (0, 33.3, 99.9, 100)]),
)
def test_compliance_equals_the_report_as_defined(
    frame: pd.DataFrame,
    by: list[str],
    period: str,
    tz: str,
    targets: list[ServiceLevelTarget],
    percentiles: tuple[float, ...],
) -> None:
    """Counts, exact fractions, numpy's mean and "linear" percentiles, zone-cut periods."""
    expected = reference_compliance(frame, tz, period, tuple(by), targets, percentiles)
    got = compliance(frame, tz=tz, period=period, by=by, targets=targets, percentiles=percentiles)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    arrow = compliance(
        pa.Table.from_pandas(frame, preserve_index=False),
        tz=tz,
        period=period,  # type: ignore[arg-type]
        by=by,
        targets=targets,
        percentiles=percentiles,
    )
    pd.testing.assert_frame_equal(arrow, expected, check_exact=True)


@settings(max_examples=30, deadline=None)
@given(frame=cycle_tables(), pieces=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_compliance_is_the_combination_of_partials_of_any_split(
    frame: pd.DataFrame, pieces: int, seed: int
) -> None:
    piece = np.random.default_rng(seed).integers(0, pieces, len(frame))
    kinds = ["pandas", "arrow"]
    partials = [
        compliance_partials(frame[piece == i], tz="Europe/Berlin", output=kinds[i % 2])  # type: ignore[arg-type]
        for i in range(pieces)
    ]
    got = combine_partials(partials, by=("tier", "metric", "period"), targets=TARGETS)
    expected = compliance(
        frame, tz="Europe/Berlin", by=("tier", "metric", "period"), targets=TARGETS
    )
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_partials_are_counts_and_histograms_in_pandas_or_arrow() -> None:
    waits = [5, 10, 10, 21, None]
    cycles = evaluate_table(pd.DataFrame(calls(waits)), VOICE, as_of=at("2025-07-02 00:00"))
    frame = compliance_partials(cycles, tz="Europe/Berlin")
    assert list(frame.columns) == list(PARTIAL_COLUMNS)
    table = compliance_partials(cycles, tz="Europe/Berlin", output="arrow")
    assert table.column_names == list(PARTIAL_COLUMNS)
    assert pa.types.is_dictionary(table.schema.field("metric").type)
    as_rows = table.to_pandas().astype(dict.fromkeys((*GROUPS, "measure"), object))
    key = ["measure", "value"]
    pd.testing.assert_frame_equal(
        as_rows.sort_values(key).reset_index(drop=True),
        frame.sort_values(key).reset_index(drop=True),
    )
    counts = dict(zip(frame["measure"], frame["count"], strict=False))
    assert (counts["met"], counts["breached"], counts["abandoned"]) == (3, 1, 1)
    business = frame[frame["measure"] == "business"]
    assert dict(zip(business["value"], business["count"], strict=True)) == {5: 1, 10: 2, 21: 1}
    assert set(frame["period"]) == {"2025-06"}
    with pytest.raises(ClockError, match="output"):
        compliance_partials(cycles, output="csv")  # type: ignore[arg-type]


def test_compliance_refuses_an_unknown_period_even_without_cycles() -> None:
    with pytest.raises(ClockError, match="period"):
        compliance([], period="fortnight")  # type: ignore[arg-type]


def test_compliance_without_tz_cuts_periods_in_each_contracts_zone_not_utc() -> None:
    """A Berlin contract's call at 00:30 on July 1 belongs to July even when the caller
    forgets ``tz=``: 22:30 UTC on June 30 is not the contract's month. Cycles carry their
    zone, so the default reads it (tables, Arrow, scalar results and partials alike)."""
    from sla.calendar import Calendar

    office = Calendar.weekly({"daily": "00:00-24:00"}, tz="Europe/Berlin")
    berlin = ClockPolicy([MetricTarget("speed_of_answer", 20, office)])
    rows = calls([5], start="2025-07-01 00:30")
    table = evaluate_table(pd.DataFrame(rows), berlin, as_of=at("2025-07-02 00:00"))
    assert table.loc[0, "tz"] == "Europe/Berlin"
    for cycles in (table, pa.Table.from_pandas(table)):
        assert compliance(cycles, by=("period",))["period"].tolist() == ["2025-07"]
        assert compliance(cycles, tz="UTC", by=("period",))["period"].tolist() == ["2025-06"]
        assert [r.period for r in attainment(cycles)] == ["2025-07"]
        assert compliance_partials(cycles)["period"].unique().tolist() == ["2025-07"]
    contact = Contact("k0", channel="voice", tier="A")
    events = [Event(r["at"], str(r["kind"])) for r in rows]
    scalar = evaluate(contact, events, berlin, as_of=at("2025-07-02 00:00"))
    assert compliance([scalar], by=("period",))["period"].tolist() == ["2025-07"]
    # Contracts in different zones, each cut in its own: a Tokyo 08:30 call on July 1
    # is June 30 23:30 UTC and still July for its contract.
    tokyo = ClockPolicy([MetricTarget("speed_of_answer", 20)], tz="Asia/Tokyo")
    t = int(pd.Timestamp("2025-07-01 08:30", tz="Asia/Tokyo").timestamp())
    far = evaluate(Contact("t"), [Event(t, "call_offered"), Event(t + 5, "call_answered")], tokyo)
    both = compliance([scalar, far], by=("period",))
    assert both.set_index("period")["total"].to_dict() == {"2025-07": 2}


def test_compliance_with_an_unknown_zone_names_the_tz_field() -> None:
    cycles = evaluate_table(pd.DataFrame(calls([5])), VOICE, as_of=at("2025-07-02 00:00"))
    with pytest.raises(ClockError) as caught:
        compliance(cycles, tz="Mars/Olympus_Mons")
    assert caught.value.field == "tz"
