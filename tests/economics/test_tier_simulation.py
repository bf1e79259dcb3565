"""The front-desk flow of tier A simulated: desk -> message -> manager's callback.

The example: a personal manager's clients make 1 contact a week each, the
manager works 40 h a week and a callback takes 10 minutes; the target is a
callback within 1 h for 90 % of messages. ``PersonalManager.clients`` gives
163 clients, and at 163 clients the M/M/1 formula gives 0.9009 (hand
computation below). Ten managers' books (1630 clients) call a front desk
(AHT 3 min, patience 60 s, 4 agents), which writes every call down (missed
calls are logged as callback requests too).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from sla import EconomicsError
from sla.calendar import Calendar
from sla.economics import Callbacks, PersonalManager, Queue, simulate_tier, tier_staffing
from sla.economics._tier import _retry_clock

pytestmark = pytest.mark.slow

MIN = timedelta(minutes=1)
DESK = Queue(calls=1630, interval=timedelta(hours=40), aht=3 * MIN).with_patience(
    timedelta(seconds=60)
)


def test_the_example_manager_carries_163_clients_at_0_9009() -> None:
    manager = PersonalManager(1, timedelta(days=7), 40, 10 * MIN)
    assert manager.clients(respond_within=timedelta(hours=1), share=0.9) == 163
    # rho = 163 * 1 * 600 s / (40 * 3600 s) = 0.679167;
    # P(callback within 1 h) = 1 - rho e^(-(1 - rho) * 3600 / 600) = 1 - 0.679167 * 0.145817
    rho = 163 * 600 / (40 * 3600)
    assert rho == pytest.approx(0.679167, abs=1e-6)
    assert 1 - rho * math.exp(-(1 - rho) * 6) == pytest.approx(0.9009, abs=5e-5)


def test_each_piece_matches_its_formula() -> None:
    sim = simulate_tier(DESK, Callbacks(10 * MIN), desk_agents=4, managers=10, seed=1)
    assert sim.on_time.covers(0.9009)
    assert sim.never_reached.value == 0.0
    within = timedelta(seconds=20)
    assert sim.desk.service_level.covers(float(DESK.service_level(4, within)))
    assert sim.desk.abandon.covers(float(DESK.abandon_probability(4)))
    assert sim.manager_occupancy == pytest.approx(0.679, abs=0.01)


def test_unreachable_clients_break_the_90_percent_promise() -> None:
    callbacks = Callbacks(10 * MIN, unreachable=0.3, retry_after=15 * MIN)
    sim = simulate_tier(DESK, callbacks, desk_agents=4, managers=10, seed=1)
    assert sim.on_time.value == pytest.approx(0.82, abs=0.01)
    assert sim.on_time.high < 0.9
    # Failed attempts cost the manager time: about 1 / 0.7 attempts per message.
    assert sim.attempts_per_message == pytest.approx(1 / 0.7, abs=0.02)
    assert "unreachable per attempt = 0.3" in str(sim.explain())


def test_staffing_that_restores_90_percent() -> None:
    callbacks = Callbacks(10 * MIN, unreachable=0.3)
    staffing = tier_staffing(DESK, callbacks, desk_service_level=0.8, share=0.9, seed=1)
    assert staffing.desk_agents == DESK.agents_for(service_level=0.8, within=timedelta(seconds=20))
    assert staffing.simulation.on_time.value >= 0.9
    fewer = simulate_tier(
        DESK, callbacks, desk_agents=staffing.desk_agents, managers=staffing.managers - 1, seed=1
    )
    assert fewer.on_time.value < 0.9
    assert staffing.managers > 10
    assert f"{staffing.managers} managers" in str(staffing.explain())


def test_priority_mix_serves_the_urgent_first() -> None:
    callbacks = Callbacks(10 * MIN, unreachable=0.3, priorities={"top": 0.2, "rest": 0.8})
    sim = simulate_tier(DESK, callbacks, desk_agents=4, managers=10, seed=2)
    top, rest = sim.on_time_by_priority["top"], sim.on_time_by_priority["rest"]
    assert top.low > rest.high
    assert sim.on_time.value == pytest.approx(0.2 * top.value + 0.8 * rest.value, abs=0.01)


def test_retry_due_after_closing_waits_for_the_next_opening() -> None:
    office = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="UTC")
    monday = datetime(2026, 1, 5, 9, tzinfo=UTC)
    ready = _retry_clock(Callbacks(10 * MIN, calendar=office, start=monday))
    # A failed attempt at Monday 10:00 (3600 business s): retry at 10:15.
    assert ready(3600.0) == 3600.0 + 900.0
    # At Monday 16:55 (7 h 55 min open): 17:10 is closed, so the retry is ready
    # at Tuesday 09:00, which is business second 8 h = 28800.
    assert ready(7 * 3600.0 + 55 * 60.0) == 8 * 3600.0


def test_flow_on_business_hours_still_misses() -> None:
    office = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="Europe/Berlin")
    callbacks = Callbacks(
        10 * MIN,
        unreachable=0.3,
        calendar=office,
        start=datetime(2026, 1, 5, 8, tzinfo=UTC),
    )
    sim = simulate_tier(DESK, callbacks, desk_agents=4, managers=10, seed=1)
    assert 0.80 < sim.on_time.value < 0.9
    assert "business hours" in str(sim.explain())


def test_bad_flow_input_names_the_field() -> None:
    with pytest.raises(EconomicsError) as caught:
        Callbacks(10 * MIN, priorities={"top": 0.5, "rest": 0.4})
    assert caught.value.field == "priorities"
    with pytest.raises(EconomicsError) as caught:
        Callbacks(10 * MIN, calendar=Calendar.weekly({"mon-fri": "09:00-17:00"}, tz="UTC"))
    assert caught.value.field == "start"
    with pytest.raises(EconomicsError) as caught:
        Callbacks(10 * MIN, unreachable=1.0)
    assert caught.value.field == "unreachable"
    with pytest.raises(EconomicsError) as caught:
        simulate_tier(DESK, Callbacks(10 * MIN), desk_agents=4, managers=0)
    assert caught.value.field == "managers"
