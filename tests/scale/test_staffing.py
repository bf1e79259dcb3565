"""Staffing at scale: every 15-minute interval of a year, every queue, one vectorized pass."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from sla import EconomicsError
from sla.economics import Queue
from sla.scale import staffing_by_interval, staffing_grid
from sla.simulate import Traffic, generate

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def year() -> Traffic:
    return generate(date(2025, 1, 1), 365, seed=2, scale=0.05)


def test_a_year_has_35040_quarter_hours_per_queue(year: Traffic) -> None:
    grid = staffing_grid(year)
    n_queues = len(grid.queues)
    assert grid.calls.shape == grid.agents.shape == (n_queues, 35_040)
    assert n_queues >= 5
    contacts = year.contacts.to_pandas()
    assert grid.calls.sum() == int((~contacts["bot_resolved"]).sum())
    assert np.all(grid.agents[grid.calls == 0] == 0)
    assert np.all(grid.agents[grid.calls > 0] >= 1)


def test_tidy_table_in_local_time_across_dst(year: Traffic) -> None:
    table = staffing_by_interval(year)
    assert list(table.columns) == [
        "interval_start", "queue", "tier", "channel", "calls", "aht_seconds", "traffic", "agents",
    ]  # fmt: skip
    first_queue = table[table["queue"] == table["queue"].iloc[0]]
    starts = first_queue["interval_start"]
    assert str(starts.dt.tz) == "Europe/Berlin"
    assert starts.iloc[0] == pd.Timestamp("2025-01-01 00:00", tz="Europe/Berlin")
    assert (starts.dt.minute % 15 == 0).all()
    per_day = starts.dt.date.value_counts()
    assert per_day[date(2025, 3, 30)] == 92  # spring forward: 23 hours
    assert per_day[date(2025, 10, 26)] == 100  # fall back: 25 hours
    assert per_day[date(2025, 6, 2)] == 96


def _contacts() -> pd.DataFrame:
    """Known arrivals: A/voice 12 calls at 09:00-09:15 and 3 at 10:30, B/email 40 at 09:05."""
    t9 = int(datetime(2025, 6, 2, 9, 0, tzinfo=BERLIN).timestamp())
    rows = [(t9 + 60 * i, "A", "voice", 180, False) for i in range(12)]
    rows += [(t9 + 5400 + i, "A", "voice", 180, False) for i in range(3)]
    rows += [(t9 + 300, "B", "email", 600, False) for _ in range(40)]
    rows += [(t9 + 301, "B", "email", 0, True) for _ in range(7)]  # a bot solved these
    return pd.DataFrame(
        rows, columns=["created", "tier", "channel", "handle_seconds", "bot_resolved"]
    )


def test_every_cell_equals_the_scalar_queue() -> None:
    day = datetime(2025, 6, 2, tzinfo=BERLIN)
    grid = staffing_grid(_contacts(), start=day, end=day + timedelta(days=1), tz="Europe/Berlin")
    assert grid.queues == (("A", "voice"), ("B", "email"))
    assert grid.calls[0, 36] == 12
    assert grid.calls[0, 42] == 3
    assert grid.calls[1, 36] == 40
    assert grid.calls.sum() == 55  # the bot's seven need no agent
    for q in range(2):
        for t in np.flatnonzero(grid.calls[q]):
            queue = Queue(
                float(grid.calls[q, t]), timedelta(minutes=15), timedelta(seconds=grid.aht[q, t])
            )
            scalar = queue.agents_for(service_level=0.8, within=timedelta(seconds=20))
            assert grid.agents[q, t] == int(scalar)


def test_interval_aht_uses_each_intervals_mean() -> None:
    frame = _contacts()
    frame.loc[12:14, "handle_seconds"] = 300
    day = datetime(2025, 6, 2, tzinfo=BERLIN)
    by_queue = staffing_grid(frame, start=day, end=day + timedelta(days=1), tz="Europe/Berlin")
    by_interval = staffing_grid(
        frame, start=day, end=day + timedelta(days=1), tz="Europe/Berlin", aht="interval"
    )
    assert by_queue.aht[0, 42] == by_queue.aht[0, 36] == (12 * 180 + 3 * 300) / 15
    assert by_interval.aht[0, 36] == 180
    assert by_interval.aht[0, 42] == 300


def test_aware_timestamps_are_accepted() -> None:
    frame = _contacts()
    frame["created"] = pd.to_datetime(frame["created"], unit="s", utc=True)
    day = datetime(2025, 6, 2, tzinfo=BERLIN)
    grid = staffing_grid(frame, start=day, end=day + timedelta(days=1), tz="Europe/Berlin")
    assert grid.calls[0, 36] == 12


def test_bad_inputs_are_all_reported() -> None:
    frame = _contacts().drop(columns=["handle_seconds"])
    with pytest.raises(EconomicsError) as caught:
        staffing_grid(frame, aht="median")  # type: ignore[arg-type]
    message = str(caught.value)
    assert "start" in message
    assert "handle_seconds" in message
    assert "aht" in message
    with pytest.raises(EconomicsError, match="contacts"):
        staffing_grid([1, 2])
