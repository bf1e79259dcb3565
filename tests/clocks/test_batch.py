"""Batch evaluation over tables equals the scalar engine, for every table library."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import ClockError
from sla.clocks import (
    CYCLE_TABLE_COLUMNS,
    EVENT_TABLE_SCHEMA,
    ClockPolicy,
    Contact,
    Event,
    MetricTarget,
    evaluate,
    evaluate_table,
)
from tests.clocks.calendars import at, berlin_w
from tests.clocks.strategies import PRIORITIES, busy_events, busy_policies, events, policies


def to_rows(contact: Contact, log: list[Event]) -> list[dict[str, Any]]:
    return [
        {
            "contact_id": contact.id,
            "at": e.at,
            "kind": e.kind,
            "channel": contact.channel,
            "priority": contact.priority,
            "tier": contact.tier,
            "status": e.status,
            "public": e.public,
            "by_bot": e.by_bot,
            "value": e.value,
        }
        for e in log
    ]


def scalar_rows(
    contacts: list[tuple[Contact, list[Event]]], policy: ClockPolicy, as_of: int
) -> list[dict[str, Any]]:
    rows = []
    for contact, log in contacts:
        result = evaluate(contact, log, policy, as_of=as_of)
        for c in result.cycles:
            rows.append(
                {
                    "contact_id": c.contact_id,
                    "metric": c.metric,
                    "cycle": c.cycle,
                    "status": c.status,
                    "start": c.start,
                    "due": c.due,
                    "stop": c.stop,
                    "breach_at": c.breach_at,
                    "elapsed_seconds": c.elapsed_seconds,
                    "fraction_numerator": c.fraction_used.numerator,
                    "fraction_denominator": c.fraction_used.denominator,
                    "next_event_at": result.next_event_at(as_of) and _next(c, as_of),
                    "priority": c.priority,
                }
            )
    return sorted(rows, key=lambda r: (r["contact_id"], r["metric"], r["cycle"]))


def _next(cycle: Any, as_of: int) -> int | None:
    from sla.clocks._results import next_change

    return next_change(cycle, as_of)


@st.composite
def many_contacts(draw: st.DrawFn) -> list[tuple[Contact, list[Event]]]:
    count = draw(st.integers(1, 6))
    out = []
    for i in range(count):
        contact = Contact(
            f"c{i}",
            channel=draw(st.sampled_from(["email", "voice"])),
            priority=draw(st.sampled_from(PRIORITIES)),
        )
        out.append((contact, draw(events())))
    return out


@settings(max_examples=60)
@given(many_contacts(), policies(), st.integers(-86400, 86400), st.sampled_from(["pd", "pl", "pa"]))
def test_batch_equals_scalar_on_generated_contacts(
    contacts: list[tuple[Contact, list[Event]]], policy: ClockPolicy, shift: int, lib: str
) -> None:
    as_of = max(e.at for _, log in contacts for e in log) + shift
    rows = [row for contact, log in contacts for row in to_rows(contact, log)]
    frame = pd.DataFrame(rows).sample(frac=1, random_state=len(rows))  # any row order
    table: Any = {"pd": frame, "pl": pl.from_pandas(frame), "pa": pa.Table.from_pandas(frame)}[lib]
    result = evaluate_table(table, policy, as_of=as_of, output="pandas")
    assert list(result.columns) == list(CYCLE_TABLE_COLUMNS)
    expected = scalar_rows(contacts, policy, as_of)
    got = result[list(expected[0]) if expected else ["contact_id"]].to_dict("records")
    got = [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in got]
    got.sort(key=lambda r: (r["contact_id"], r.get("metric"), r.get("cycle")))
    assert got == expected


def test_aware_timestamps_and_output_kinds() -> None:
    policy = ClockPolicy([MetricTarget("first_response", 2 * 3600, berlin_w())])
    start = datetime.fromtimestamp(at("2025-06-02 16:00"), UTC)
    frame = pd.DataFrame(
        {
            "contact_id": ["t1", "t1"],
            "at": pd.to_datetime([start, start + pd.Timedelta(hours=17, minutes=30)]),
            "kind": ["created", "agent_reply"],
        }
    )
    out = evaluate_table(frame, policy, as_of=at("2025-06-04 00:00"))
    assert isinstance(out, pd.DataFrame)
    row = out.iloc[0]
    assert (row["status"], row["due"]) == ("met", at("2025-06-03 10:00"))
    assert isinstance(evaluate_table(pl.from_pandas(frame), policy, as_of=0), pl.DataFrame)
    with pytest.raises(ClockError, match="time zone"):
        evaluate_table(frame.assign(at=frame["at"].dt.tz_localize(None)), policy, as_of=0)


def test_bad_tables_name_every_problem() -> None:
    policy = ClockPolicy([MetricTarget("first_response", 60)])
    with pytest.raises(ClockError) as info:
        evaluate_table(pd.DataFrame({"when": [1]}), policy, as_of=0)
    assert {p.field for p in info.value.problems} == {"contact_id", "at", "kind"}
    with pytest.raises(ClockError, match="kind"):
        evaluate_table(
            pd.DataFrame({"contact_id": ["a"], "at": [1], "kind": ["x"]}), policy, as_of=2
        )


def test_bad_event_rows_raise_clock_errors_naming_the_field_not_tracebacks() -> None:
    """What a CRM export really contains: a priority change whose new value was lost, a
    null timestamp, ``public`` stored as text. Each is refused naming the column, as the
    scalar ``Event`` does, instead of an IndexError, a garbage instant or an Arrow error;
    0 / 1 integers (SQLite booleans) are read as booleans."""
    policy = ClockPolicy([MetricTarget("first_response", 3600)])
    t0 = at("2025-06-02 10:00")
    base = {"contact_id": ["a", "a"], "at": [t0, t0 + 60], "kind": ["created", "agent_reply"]}
    lost = {**base, "kind": ["created", "priority_change"]}
    cases: list[tuple[dict[str, Any], str]] = [
        (lost, "value"),
        ({**lost, "kind": ["created", "tier_change"], "value": [None, None]}, "value"),
        ({**base, "public": ["no", "no"]}, "public"),
        ({**base, "by_bot": [0.0, 1.0]}, "by_bot"),
    ]
    for columns, field in cases:
        for table in (pd.DataFrame(columns), pa.table(columns)):
            with pytest.raises(ClockError) as info:
                evaluate_table(table, policy, as_of=t0 + 120)
            assert info.value.field == field
    missing_instant = pa.array([t0 * 1000, None], pa.timestamp("ms", "UTC"))
    with pytest.raises(ClockError) as info:
        evaluate_table(pa.table({**base, "at": missing_instant}), policy, as_of=t0 + 120)
    assert info.value.field == "at"
    internal = pa.table({**base, "public": pa.array([1, 0], pa.int8())})
    [row] = table_rows(evaluate_table(internal, policy, as_of=t0 + 120))
    assert row["status"] == "active"  # the internal note (public = 0) answered nobody


def test_schema_constant_documents_every_column() -> None:
    assert set(EVENT_TABLE_SCHEMA) == {
        "contact_id", "at", "kind", "channel", "priority", "tier", "status", "public", "by_bot",
        "value",
    }  # fmt: skip


def expected_table(
    contacts: list[tuple[Contact, list[Event]]], policy: Any, as_of: int
) -> list[dict[str, Any]]:
    """Every column of the cycle table, built from what the scalar engine reports."""
    from sla.clocks._results import next_change

    rows = []
    for contact, log in contacts:
        if not any(e.at <= as_of for e in log):
            continue  # a contact with no event yet is not in the table
        for c in evaluate(contact, log, policy, as_of=as_of).cycles:
            row = {name: getattr(c, name, None) for name in CYCLE_TABLE_COLUMNS}
            row["fraction_numerator"] = c.fraction_used.numerator
            row["fraction_denominator"] = c.fraction_used.denominator
            row["warnings_fired"] = sum(n.kind == "warning" and n.fired for n in c.notifications)
            row["escalations_fired"] = sum(
                n.kind == "escalation" and n.fired for n in c.notifications
            )
            row["next_event_at"] = next_change(c, as_of)
            rows.append(row)
    return rows


def table_rows(table: Any) -> list[dict[str, Any]]:
    return [dict(zip(CYCLE_TABLE_COLUMNS, r, strict=True)) for r in zip(
        *(table.column(n).to_pylist() for n in CYCLE_TABLE_COLUMNS), strict=True
    )]  # fmt: skip


@st.composite
def busy_contacts(draw: st.DrawFn) -> list[tuple[Contact, list[Event]]]:
    out = []
    for i in range(draw(st.integers(1, 8))):
        contact = Contact(
            f"c{i}",
            channel=draw(st.sampled_from(["email", "voice", "web_chat"])),
            priority=draw(st.sampled_from(PRIORITIES)),
        )
        out.append((contact, draw(busy_events(changes=draw(st.integers(0, 3)) == 0))))
    return out


@settings(max_examples=150)
@given(busy_contacts(), busy_policies(), st.integers(-2 * 86400, 86400))
def test_columnar_batch_equals_scalar_in_every_column(
    contacts: list[tuple[Contact, list[Event]]], policy: ClockPolicy, shift: int
) -> None:
    """Bursts in one second, statuses before `created`, edited calendars, custom pauses,
    escalations at zero seconds: every column of every cycle, in the same order."""
    as_of = max(e.at for _, log in contacts for e in log) + shift
    rows = [row for contact, log in contacts for row in to_rows(contact, log)]
    frame = pd.DataFrame(rows).sample(frac=1, random_state=len(rows))
    got = table_rows(evaluate_table(pa.Table.from_pandas(frame), policy, as_of=as_of))
    # Contacts come out in order of first appearance in the (shuffled) table.
    seen = list(dict.fromkeys(frame["contact_id"]))
    ordered = sorted(contacts, key=lambda c: seen.index(c[0].id))
    assert got == expected_table(ordered, policy, as_of)


def _traffic_contacts(events: Any) -> list[tuple[Contact, list[Event]]]:
    by_contact: dict[str, tuple[Contact, list[Event]]] = {}
    for row in events.to_pylist():
        key = str(row["contact_id"])
        if key not in by_contact:
            contact = Contact(
                key, channel=row["channel"], priority=row["priority"], tier=row["tier"]
            )
            by_contact[key] = (contact, [])
        by_contact[key][1].append(
            Event(
                row["at"],
                row["kind"],
                status=row["status"],
                public=row["public"],
                by_bot=row["by_bot"],
                value=row["value"],
            )
        )
    return list(by_contact.values())


def _tier_policies() -> dict[str, ClockPolicy]:
    from sla.calendar import Calendar

    office = Calendar.weekly({"mon-fri": "09:00-18:00"}, tz="Europe/Berlin")
    long_days = Calendar.weekly({"daily": "08:00-20:00"}, tz="Europe/Berlin")
    hour = 3600
    voice = [MetricTarget("speed_of_answer", 20), MetricTarget("callback_time", 2 * hour, office)]
    return {
        "A": ClockPolicy(
            [*voice, MetricTarget("first_response", hour, office, warn_fractions=["1/2"]),
             MetricTarget("total_resolution", 16 * hour, office)],
            policy_id="A",
        ),
        "B": ClockPolicy(
            [MetricTarget("first_response", 4 * hour, office, warn_fractions=["1/2"]),
             MetricTarget("next_response", 4 * hour, office),
             MetricTarget("periodic_update", 8 * hour, office),
             MetricTarget("first_resolution", 16 * hour, office, warn_before_seconds=[hour])],
            policy_id="B",
        ),
        "C": ClockPolicy(
            [MetricTarget("first_response", 600, long_days),
             MetricTarget("next_response", 600, long_days, bot_replies_count=True),
             MetricTarget("first_resolution", hour, long_days, solve_fulfils=False),
             MetricTarget("total_resolution", 2 * hour)],
            policy_id="C", on_change="fresh",
        ),
    }  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_traffic_batch_equals_scalar_and_mostly_skips_the_scalar_engine(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two days of simulated tiers A/B/C traffic: voice, bots, pending, reopens, priority
    changes. Only contacts whose priority change changes their targets (tier B has an
    urgent-only first response target) take the scalar path."""
    from datetime import date

    import sla.clocks._batch as batch
    from sla.simulate import generate

    events = generate(date(2025, 6, 2), 2, seed=seed).events.to_arrow()
    as_of = int(events.column("at").to_numpy().min()) + 36 * 3600
    scalar_rows: list[int] = []
    original = batch._scalar

    def spy(read: Any, rows: Any, policy: Any, cut: int) -> Any:
        scalar_rows.append(int(rows.sum()))
        return original(read, rows, policy, cut)

    monkeypatch.setattr(batch, "_scalar", spy)
    policy = _tier_policies()
    urgent = MetricTarget("first_response", 1800, priorities={"urgent"})
    policy["B"] = attrs.evolve(policy["B"], targets=(urgent, *policy["B"].targets))
    got = table_rows(evaluate_table(events, policy, as_of=as_of))
    contacts = _traffic_contacts(events)
    assert got == expected_table(contacts, policy, as_of)
    assert len(got) > 1000

    def retargets(contact: Contact, log: list[Event]) -> bool:
        chosen = policy[str(contact.tier)]
        before = chosen.targets_for(contact.channel, contact.priority)
        for e in log:
            if e.kind == "priority_change" and e.at <= as_of:
                now = chosen.targets_for(contact.channel, str(e.value))
                if now != before:
                    return True
        return False

    scalar = [log for c, log in contacts if retargets(c, log)]
    changes = sum(e.kind == "priority_change" and e.at <= as_of for _, log in contacts for e in log)
    assert 0 < len(scalar) < changes  # some changes stay columnar, some go scalar
    assert sum(scalar_rows) == sum(sum(e.at <= as_of for e in log) for log in scalar)


def test_evaluate_arrow_maps_over_partitions_of_whole_contacts() -> None:
    from datetime import date

    from sla.clocks import evaluate_arrow
    from sla.simulate import generate

    events = generate(date(2025, 6, 2), 1, seed=3).events.to_arrow()
    as_of = int(events.column("at").to_numpy().max())
    policy = _tier_policies()
    whole = evaluate_arrow(events, policy, as_of=as_of)
    assert isinstance(whole, pa.Table)
    assert whole.column_names == list(CYCLE_TABLE_COLUMNS)
    ids = events.column("contact_id").to_numpy()
    parts = [
        evaluate_arrow(batch, policy, as_of=as_of)
        for part in range(3)
        for batch in events.filter(pa.array(ids % 3 == part)).to_batches(max_chunksize=10**9)
    ]
    merged = pa.concat_tables(parts).sort_by([("contact_id", "ascending")])
    assert merged.sort_by([("contact_id", "ascending")]).equals(
        whole.sort_by([("contact_id", "ascending")])
    )
