"""Batch evaluation over tables equals the scalar engine, for every table library."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
from tests.clocks.strategies import PRIORITIES, events, policies


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


def test_schema_constant_documents_every_column() -> None:
    assert set(EVENT_TABLE_SCHEMA) == {
        "contact_id", "at", "kind", "channel", "priority", "tier", "status", "public", "by_bot",
        "value",
    }  # fmt: skip
