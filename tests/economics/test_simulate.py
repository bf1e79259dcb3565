"""The simulation engine against the Erlang formulas, and where the formulas fail.

The cases are those of the issue "Staffing you can trust": every figure the
formulas give where their assumptions hold must lie inside the simulation's
95 % confidence interval; where they do not hold (fixed patience) the
simulation must show the collapse. Seeded, so every run gives the same numbers.

The grids below make about thirty comparisons; at 95 % one in twenty would
miss by design, so the grids compare against the 99 % interval
(``covers(..., level=0.99)``); the issue's named cases use the 95 % one.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import EconomicsError, SLAError
from sla.economics import ChatQueue, Distribution, Queue, WrittenQueue

pytestmark = pytest.mark.slow

SEC = timedelta(seconds=1)
HOUR = timedelta(hours=1)
WITHIN = 20 * SEC


def test_fcfs_by_hand() -> None:
    from sla.economics._simulate import fcfs

    # Two agents. Calls at 0, 1, 2, 3 s with handle 10, 10, 10, 1 s, patience 5 s.
    # Call 0 -> agent A (free at 10); call 1 -> agent B (free at 11);
    # call 2 waits for A at 10: 8 s > 5 s, hangs up after 5 s; call 3 waits
    # 7 s > 5 s, hangs up too. With patience 9 s call 2 is answered at 10
    # (wait 8) and call 3 at 11 (wait 8).
    arrivals = np.array([0.0, 1.0, 2.0, 3.0])
    handle = np.array([10.0, 10.0, 10.0, 1.0])
    waits, answered = fcfs(arrivals, handle, np.full(4, 5.0), 2)
    assert answered.tolist() == [True, True, False, False]
    assert waits.tolist() == [0.0, 0.0, 5.0, 5.0]
    waits, answered = fcfs(arrivals, handle, np.full(4, 9.0), 2)
    assert answered.all()
    assert waits.tolist() == [0.0, 0.0, 8.0, 8.0]


@given(
    gaps=st.lists(st.floats(0.0, 50.0), min_size=1, max_size=60),
    agents=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_fcfs_invariants(gaps: list[float], agents: int, seed: int) -> None:
    from sla.economics._simulate import fcfs

    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(gaps)
    handle = rng.exponential(30.0, arrivals.size)
    patience = rng.exponential(20.0, arrivals.size)
    waits, answered = fcfs(arrivals, handle, patience, agents)
    assert np.all(waits >= 0)
    assert np.all(waits[answered] <= patience[answered])
    assert np.array_equal(waits[~answered], patience[~answered])  # they waited till they hung up
    # Infinite patience is the same as no patience (Erlang C's callers).
    forever, all_answered = fcfs(arrivals, handle, np.full(arrivals.size, np.inf), agents)
    plain, _ = fcfs(arrivals, handle, None, agents)
    assert all_answered.all()
    assert np.array_equal(forever, plain)
    # As many agents as callers: nobody waits.
    none_wait, _ = fcfs(arrivals, handle, patience, arrivals.size)
    assert not none_wait.any()


def test_no_agents_nobody_is_answered() -> None:
    q = Queue(calls=60, interval=HOUR, aht=180 * SEC).with_patience(30 * SEC)
    sim = q.simulate(0, WITHIN, customers=10_000)
    assert sim.abandon.value == 1.0
    assert sim.service_level.value == 0.0
    assert sim.asa.value == math.inf == float(q.asa(0))


@pytest.mark.parametrize(("calls", "agents"), [(1000, 54), (1000, 56), (400, 24), (60, 5)])
def test_erlang_c_inside_the_ci(calls: int, agents: int) -> None:
    q = Queue(calls=calls, interval=HOUR, aht=180 * SEC)
    sim = q.simulate(agents, WITHIN, customers=400_000, seed=calls + agents)
    assert sim.service_level.covers(float(q.service_level(agents, WITHIN)), level=0.99)
    assert sim.asa.covers(float(q.asa(agents)), level=0.99)
    assert sim.occupancy.covers(float(q.occupancy(agents)), level=0.99)
    assert sim.abandon.value == 0.0


@pytest.mark.parametrize(
    ("calls", "agents", "patience"),
    [(40, 3, 30), (120, 1, 60), (1000, 47, 60), (4000, 182, 90), (100, 13, 300)],
)
def test_erlang_a_inside_the_ci(calls: int, agents: int, patience: int) -> None:
    q = Queue(calls=calls, interval=HOUR, aht=180 * SEC).with_patience(patience * SEC)
    sim = q.simulate(agents, WITHIN, customers=400_000, seed=agents)
    assert sim.service_level.covers(float(q.service_level(agents, WITHIN)), level=0.99)
    assert sim.asa.covers(float(q.asa(agents)), level=0.99)
    assert sim.mean_wait.covers(float(q.mean_wait(agents)), level=0.99)
    assert sim.abandon.covers(float(q.abandon_probability(agents)), level=0.99)
    assert sim.occupancy.covers(float(q.occupancy(agents)), level=0.99)


def test_written_and_chat_staffing_hold_in_simulation() -> None:
    # WrittenQueue: 30 messages/h of 10 min = 5 Erlangs; replies within 1 h for 90 %.
    written = WrittenQueue(30, HOUR, timedelta(minutes=10))
    n = int(written.agents_for(respond_within=HOUR, share=0.9))
    q = Queue(calls=30, interval=HOUR, aht=timedelta(minutes=10))
    sim = q.simulate(n, HOUR, customers=200_000, seed=1)
    assert sim.service_level.value >= 0.9
    assert sim.service_level.covers(float(q.service_level(n, HOUR)))
    assert sim.occupancy.covers(float(q.occupancy(n)))
    # ChatQueue: 120 chats/h of 6 min on 2 slots per operator = Erlang C on 15 slots.
    chat = ChatQueue(120, HOUR, timedelta(minutes=6), concurrency=2)
    operators = int(chat.agents_for(service_level=0.8, within=60 * SEC))
    slots = dict(chat.agents_for(service_level=0.8, within=60 * SEC).explain().inputs)["slots"]
    assert operators == math.ceil(int(slots) / 2)
    chats = Queue(calls=120, interval=HOUR, aht=timedelta(minutes=6))
    sim = chats.simulate(int(slots), 60 * SEC, customers=200_000, seed=2)
    assert sim.service_level.value >= 0.8
    assert sim.service_level.covers(float(chats.service_level(int(slots), 60 * SEC)))


def test_answered_asa_reproduction_against_simulation() -> None:
    q = Queue(calls=40, interval=HOUR, aht=180 * SEC).with_patience(30 * SEC)
    sim = q.simulate(3, WITHIN, customers=1_000_000, seed=7)
    assert sim.asa.value == pytest.approx(2.00, abs=0.05)
    assert sim.asa.half_width < 0.05
    assert sim.asa.covers(float(q.asa(3)))
    # The mean wait of all arrivals is a different figure, outside that interval.
    assert not sim.asa.covers(float(q.mean_wait(3)))


def test_fixed_patience_collapses_the_erlang_a_staffing() -> None:
    q = Queue(calls=1000, interval=HOUR, aht=180 * SEC).with_patience(60 * SEC)
    formula = q.agents_for(service_level=0.8, within=WITHIN)
    assert formula == 47
    assert float(q.service_level(47, WITHIN)) == pytest.approx(0.805, abs=0.001)
    sim = q.simulate(47, WITHIN, patience=Distribution.fixed(), customers=400_000, seed=3)
    assert sim.service_level.value == pytest.approx(0.345, abs=0.03)
    assert sim.service_level.high < 0.5
    # Abandonment is overstated by Erlang A, so max_abandon staffing errs safe.
    assert sim.abandon.high < float(q.abandon_probability(47))


def test_check_simulate_finds_55_for_fixed_patience() -> None:
    q = Queue(calls=1000, interval=HOUR, aht=180 * SEC).with_patience(60 * SEC)
    n = q.agents_for(
        service_level=0.8, within=WITHIN, check="simulate", patience=Distribution.fixed()
    )
    assert abs(n - 55) <= 1
    text = str(n.explain())
    assert "formula's answer: 47" in text
    assert f"smallest n the simulation confirms: {n}" in text


@pytest.mark.parametrize("patience", [None, 60])
def test_check_simulate_keeps_the_formula_where_assumptions_hold(patience: int | None) -> None:
    q = Queue(calls=1000, interval=HOUR, aht=180 * SEC)
    if patience is not None:
        q = q.with_patience(patience * SEC)
    formula = q.agents_for(service_level=0.8, within=WITHIN)
    assert q.agents_for(service_level=0.8, within=WITHIN, check="simulate") == formula


def test_lognormal_handle_times_cost_erlang_c_at_most_one_agent() -> None:
    q = Queue(calls=1000, interval=HOUR, aht=180 * SEC)
    formula = q.agents_for(service_level=0.8, within=WITHIN)
    checked = q.agents_for(
        service_level=0.8,
        within=WITHIN,
        check="simulate",
        service=Distribution.lognormal(cv=1.5),
    )
    assert formula <= checked <= formula + 1
    sim = q.simulate(
        formula, WITHIN, service=Distribution.lognormal(cv=1.5), customers=1_000_000, seed=1
    )
    # ASA runs higher than Erlang C says (about 1.25-1.35 times here).
    assert sim.asa.low > float(q.asa(formula))


def test_seeded_and_reproducible() -> None:
    q = Queue(calls=200, interval=HOUR, aht=180 * SEC).with_patience(60 * SEC)
    one = q.simulate(10, WITHIN, customers=20_000, seed=11)
    two = q.simulate(10, WITHIN, customers=20_000, seed=11)
    other = q.simulate(10, WITHIN, customers=20_000, seed=12)
    assert one == two
    assert one.service_level != other.service_level


def test_distributions_have_the_asked_mean_and_spread() -> None:
    rng = np.random.default_rng(1)
    draws = Distribution.lognormal(cv=1.5).draw(rng, 400_000, 180.0)
    assert draws.mean() == pytest.approx(180.0, rel=0.02)
    assert draws.std() / draws.mean() == pytest.approx(1.5, rel=0.05)
    assert set(Distribution.fixed(30 * SEC).draw(rng, 5, 1.0)) == {30.0}
    data = Distribution.empirical([60 * SEC, 120.0, timedelta(minutes=3)])
    assert set(data.draw(rng, 1000, 0.0)) == {60.0, 120.0, 180.0}
    assert data.mean_seconds(0.0) == 120.0


def test_empirical_service_is_simulated() -> None:
    q = Queue(calls=100, interval=HOUR, aht=180 * SEC)
    sim = q.simulate(8, WITHIN, service=Distribution.empirical([180.0] * 3), customers=50_000)
    assert "empirical (3 samples)" in str(sim.explain())


def test_bad_input_names_the_field() -> None:
    q = Queue(calls=100, interval=HOUR, aht=180 * SEC)
    with pytest.raises(EconomicsError) as caught:
        q.simulate(4, WITHIN)  # 5 Erlangs, 4 agents, nobody leaves: grows forever
    assert caught.value.field == "agents"
    with pytest.raises(EconomicsError) as caught:
        q.simulate(8, WITHIN, customers=10)
    assert caught.value.field == "customers"
    with pytest.raises(EconomicsError) as caught:
        q.simulate(8, WITHIN, patience=Distribution.fixed())
    assert caught.value.field == "patience"
    with pytest.raises(SLAError) as caught:
        Distribution.lognormal(cv=-1.0)
    assert caught.value.field == "cv"
    with pytest.raises(SLAError) as caught:
        Distribution.empirical([])
    assert caught.value.field == "samples"
    with pytest.raises(EconomicsError) as caught:
        q.agents_for(service_level=0.8, within=WITHIN, check="guess")  # type: ignore[arg-type]
    assert caught.value.field == "check"


def test_explain_lists_every_figure_with_its_interval() -> None:
    q = Queue(calls=40, interval=HOUR, aht=180 * SEC).with_patience(30 * SEC)
    sim = q.simulate(3, WITHIN, customers=20_000, seed=1)
    text = str(sim.explain())
    for name in ("service level", "ASA of answered calls", "abandoned", "occupancy"):
        assert name in text
    assert "±" in text
    assert math.isfinite(sim.asa.half_width)
