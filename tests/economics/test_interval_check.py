"""Per-interval staffing checked by simulation, on a small month with a fixed seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from sla import EconomicsError
from sla.economics import ChatTarget, Distribution, Queue, VoiceTarget, Workload, WrittenTarget

HALF = timedelta(minutes=30)
START = datetime(2025, 6, 2, 8, tzinfo=UTC)
# Two mornings of four half hours (docs/month.md's small month), AHT 3 min.
COUNTS = [40, 100, 100, 40, 0, 60, 120, 80]
WORK = Workload.from_counts(COUNTS, timedelta(minutes=3), start=START, interval=HALF)
VOICE = VoiceTarget(0.8, timedelta(seconds=20))


def test_check_puts_the_formula_beside_the_simulation_per_interval() -> None:
    rows = VOICE.check(WORK, seed=11, customers=5000)
    agents = VOICE.agents(WORK)
    assert [r["interval"] for r in rows] == [0, 1, 2, 3, 5, 6, 7]  # interval 4 has no call
    for row in rows:
        i = row["interval"]
        queue = Queue(COUNTS[i], HALF, timedelta(minutes=3))
        assert row["agents"] == agents[i]
        assert row["service_level"] == float(queue.service_level(int(agents[i]), VOICE.within))
        assert row["target"] == 0.8
        sim = queue.simulate(int(agents[i]), VOICE.within, customers=5000, seed=11 + i)
        assert row["simulated_service_level"] == sim.service_level.value
        assert row["differs"] == (
            abs(row["service_level"] - sim.service_level.value)
            > sim.service_level.half_width + 1 / 5000
        )
    assert VOICE.check(WORK, seed=11, customers=5000)[3] == rows[3]  # seeded


def test_handle_times_unlike_the_formula_show_where_it_is_wrong() -> None:
    # Fixed handle times (CV 0) wait less than Erlang C's exponential ones: the formula
    # understates the service level, and the check says where.
    exponential = VOICE.check(WORK, seed=5, customers=20_000)
    fixed = VOICE.check(WORK, seed=5, customers=20_000, service=Distribution.fixed())
    assert sum(r["differs"] for r in exponential) <= 2
    assert sum(r["differs"] for r in fixed) >= 5
    assert all(r["simulated_service_level"] > r["service_level"] for r in fixed if r["differs"])


def test_agents_by_simulation_per_interval() -> None:
    formula = VOICE.agents(WORK)
    simulated = VOICE.agents(WORK, check="simulate", seed=2, customers=20_000)
    assert simulated[4] == 0
    assert np.all(np.abs(simulated - formula) <= 1)
    for i in np.flatnonzero(formula):
        expected = Queue(COUNTS[i], HALF, timedelta(minutes=3)).agents_for(
            service_level=0.8, within=VOICE.within, check="simulate", customers=20_000,
            seed=2 + int(i),
        )  # fmt: skip
        assert simulated[i] == expected
    # Fixed handle times need no more agents than the exponential ones.
    fixed = VOICE.agents(
        WORK, check="simulate", seed=2, customers=20_000, service=Distribution.fixed()
    )
    assert np.all(fixed <= simulated)


def test_chat_and_written_targets_check_their_own_queues() -> None:
    chat = ChatTarget(0.8, timedelta(seconds=60), concurrency=2)
    rows = chat.check(WORK, seed=1, customers=5000)
    agents = chat.agents(WORK)
    for row in rows:
        i = row["interval"]
        slots = Queue(COUNTS[i], HALF, timedelta(minutes=3))
        assert row["service_level"] == float(slots.service_level(2 * int(agents[i]), chat.within))
    written = WrittenTarget(timedelta(hours=1), 0.9)
    rows = written.check(WORK, seed=1, customers=5000)
    assert [r["agents"] for r in rows] == [int(written.agents(WORK)[r["interval"]]) for r in rows]
    assert all(r["simulated_meets_target"] for r in rows)


def test_an_unstable_staffing_is_reported_not_simulated() -> None:
    rows = VOICE.check(WORK, np.array([1] * 8), seed=0, customers=2000)
    assert all(r["simulated_service_level"] is None and not r["differs"] for r in rows)
    assert not any(r["simulated_meets_target"] for r in rows)


def test_bad_options_name_the_field() -> None:
    with pytest.raises(EconomicsError) as found:
        VOICE.agents(WORK, check="guess")
    assert found.value.field == "check"
    with pytest.raises(EconomicsError) as found:
        VOICE.check(WORK, seed=-1)
    assert found.value.field == "seed"
    with pytest.raises(EconomicsError) as found:
        VOICE.check(WORK, np.array([1, 2]))
    assert found.value.field == "agents"
    with pytest.raises(EconomicsError) as found:
        VOICE.agents(WORK, service=Distribution.fixed())
    assert found.value.field == "check"
