from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import SLAError
from sla.calendar import Calendar
from sla.simulate import TierTraffic, generate

SCHEMA = ["contact_id", "at", "kind", "channel", "priority", "tier", "customer", "status",
          "public", "by_bot", "value"]  # fmt: skip


def _small(seed: int = 3, days: int = 2, start: date = date(2025, 6, 2)) -> object:
    return generate(start, days, seed=seed, scale=0.05)


def test_same_seed_gives_identical_tables() -> None:
    a, b = (
        generate(date(2025, 6, 2), 3, seed=7, scale=0.1),
        generate(date(2025, 6, 2), 3, seed=7, scale=0.1),
    )
    for name in a.events.names:
        assert np.array_equal(a.events.columns[name].values, b.events.columns[name].values)


def test_other_seed_gives_other_traffic() -> None:
    a = generate(date(2025, 6, 2), 3, seed=7, scale=0.1)
    b = generate(date(2025, 6, 2), 3, seed=8, scale=0.1)
    assert not np.array_equal(a.events.columns["at"].values, b.events.columns["at"].values)


def test_event_table_follows_the_clock_schema() -> None:
    traffic = generate(date(2025, 6, 2), 1, seed=1, scale=0.1)
    assert traffic.events.names == SCHEMA
    kinds = set(traffic.events["kind"])
    assert {"created", "customer_message", "agent_reply", "status", "call_offered"} <= kinds


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), days=st.integers(1, 4),
       start=st.dates(date(2024, 1, 1), date(2026, 12, 31)))  # fmt: skip
def test_every_contact_is_a_consistent_story(seed: int, days: int, start: date) -> None:
    traffic = generate(start, days, seed=seed, scale=0.05)
    ev = traffic.events
    ids, at, kind = ev["contact_id"], ev["at"], ev["kind"]
    # rows sorted by contact then time
    assert np.all(np.diff(ids) >= 0)
    same = ids[1:] == ids[:-1]
    assert np.all(at[1:][same] >= at[:-1][same])
    # exactly one `created` per contact, and it is the contact's first row
    first = np.r_[True, ~same]
    assert np.all(kind[first] == "created")
    assert np.count_nonzero(kind == "created") == len(traffic.contacts)
    # contact attributes ride on the created row only
    assert all(v is not None for v in ev["channel"][first])
    assert all(v is None for v in ev["channel"][~first])
    # arrivals fall inside the requested local days
    created = traffic.contacts["created"]
    zone = ZoneInfo("Europe/Berlin")
    first_day = int(datetime.combine(start, time(0), zone).timestamp())
    after = int(datetime.combine(start + timedelta(days=days), time(0), zone).timestamp())
    assert np.all((created >= first_day) & (created < after))


def test_human_replies_happen_in_business_hours() -> None:
    office = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")
    tier = TierTraffic("B", 300, {"email": 1.0}, calendar=office, deflectable_share=0.0)
    traffic = generate(date(2025, 6, 2), 7, tiers=[tier], seed=5)
    ev = traffic.events
    human = (ev["kind"] == "agent_reply") & ~ev["by_bot"]
    replies = ev["at"][human]
    assert len(replies) > 100
    # a reply lands at an open instant or exactly at a close (the end of the business span)
    assert all(office.is_open_at(int(t)) or office.is_open_at(int(t) - 1) for t in replies)


def test_spring_forward_day_is_generated() -> None:
    traffic = generate(date(2025, 3, 30), 1, seed=2, tz="Europe/Berlin")
    assert len(traffic.contacts) > 0


def test_deflection_share_moves_bot_resolutions() -> None:
    none = TierTraffic("C", 2000, {"web_chat": 1.0}, deflectable_share=0.0)
    most = TierTraffic("C", 2000, {"web_chat": 1.0}, deflectable_share=0.7, bot_success=1.0)
    a = generate(date(2025, 6, 2), 1, tiers=[none], seed=1).contacts["bot_resolved"].mean()
    b = generate(date(2025, 6, 2), 1, tiers=[most], seed=1).contacts["bot_resolved"].mean()
    assert a == 0
    assert 0.6 < b < 0.8


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl", ".arrow"])
def test_write_formats(tmp_path: Path, suffix: str) -> None:
    traffic = generate(date(2025, 6, 2), 1, seed=1, scale=0.02)
    path = traffic.events.write(tmp_path / f"events{suffix}")
    assert path.stat().st_size > 0
    assert not list(tmp_path.glob("*.partial"))
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        back = pq.read_table(path)
        assert back.num_rows == len(traffic.events)
        assert back.column("kind").to_pylist() == list(traffic.events["kind"])


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    traffic = generate(date(2025, 6, 2), 1, seed=1, scale=0.02)
    with pytest.raises(SLAError, match="cannot write") as info:
        traffic.events.write(tmp_path / "events.xlsx")
    assert info.value.field == "path"
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"days": 0}, "days"), ({"scale": -1}, "scale"), ({"intraday": [1] * 23}, "intraday"),
     ({"weekly": [1] * 6}, "weekly"), ({"tiers": []}, "tiers")],
)  # fmt: skip
def test_bad_arguments_name_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"days": 1, **kwargs}
    with pytest.raises(SLAError) as info:
        generate(date(2025, 6, 2), **args)  # type: ignore[arg-type]
    assert info.value.field == field


def test_bad_tier_traffic() -> None:
    with pytest.raises(SLAError) as info:
        TierTraffic("A", 10, {"voice": 1.0}, pending_share=1.5)
    assert info.value.field == "pending_share"
    with pytest.raises(SLAError) as info:
        TierTraffic("A", 10, {"voice": 0.0})
    assert info.value.field == "channels"


def test_out_of_hours_calls_go_to_a_callback_not_the_queue() -> None:
    office = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")
    tier = TierTraffic("A", 400, {"voice": 1.0}, calendar=office)
    traffic = generate(date(2025, 6, 7), 2, tiers=[tier], seed=4)  # a Saturday and a Sunday
    kinds = set(traffic.events["kind"])
    assert "call_offered" not in kinds  # nobody is there to pick up
    channels = traffic.contacts["channel"]
    voice = int((channels == "voice").sum())
    callbacks = int((channels == "callback").sum())
    assert voice > 0
    assert callbacks == voice  # every weekend call became a callback contact
    made = traffic.events["at"][traffic.events["kind"] == "callback_made"]
    assert all(office.is_open_at(int(t)) for t in made)
