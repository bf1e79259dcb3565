"""Erlang B/C/A: stability, limits, monotonicity, minimal staffing, scalar = vector."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sla import EconomicsError
from sla.economics import Queue, agents_for_many, erlang_b, erlang_c
from sla.economics import _erlang as ec
from sla.economics._erlang import required_agents, required_agents_array
from sla.economics._erlang_a import erlang_a, required_agents_a
from tests.economics import strategies as S

SEC = timedelta(seconds=1)


def cold_erlang_b(n: int, a: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def test_fifty_thousand_erlangs_without_overflow() -> None:
    a = 50_000.0
    for n in (40_000, 50_000, 50_500, 51_000, 60_000):
        b = erlang_b(n, a)
        assert 0.0 <= b <= 1.0
        assert not math.isnan(b)
        assert math.isclose(b, cold_erlang_b(n, a), rel_tol=1e-9, abs_tol=1e-300)
    q = Queue(calls=50_000 * 10, interval=timedelta(hours=1), aht=timedelta(seconds=360))
    n = q.agents_for(service_level=0.8, within=20 * SEC)
    assert n > 50_000
    assert q.service_level(n, 20 * SEC) >= 0.8 > q.service_level(n - 1, 20 * SEC)
    patient = q.with_patience(timedelta(seconds=60))
    assert 0.0 <= patient.abandon_probability(49_000) <= 1.0


@pytest.mark.parametrize("agents", [0, 1, 5, 10])
def test_overload_returns_limits_not_nan(agents: int) -> None:
    q = Queue(calls=100, interval=timedelta(minutes=30), aht=timedelta(seconds=180))  # 10 E
    assert q.wait_probability(agents) == 1.0
    assert q.service_level(agents, 20 * SEC) == 0.0
    assert q.asa(agents) == math.inf
    assert q.occupancy(agents) == 1.0
    assert erlang_c(agents, 10.0) == 1.0


def test_zero_traffic() -> None:
    q = Queue(calls=0, interval=timedelta(minutes=15), aht=timedelta(seconds=180))
    assert q.agents_for(service_level=0.9, within=10 * SEC) == 0
    assert q.service_level(0, 10 * SEC) == 1.0
    assert q.with_patience(60 * SEC).abandon_probability(0) == 0.0


def test_bad_input_lists_every_problem() -> None:
    with pytest.raises(EconomicsError) as info:
        Queue(calls=-1, interval=timedelta(0), aht="3 min")  # type: ignore[arg-type]
    assert {p.field for p in info.value.problems} == {"calls", "interval", "aht"}
    q = Queue(calls=10, interval=timedelta(minutes=30), aht=timedelta(minutes=3))
    with pytest.raises(EconomicsError) as info:
        q.agents_for(service_level=1.0, max_abandon=0.1)
    assert {p.field for p in info.value.problems} == {"service_level", "within", "max_abandon"}
    with pytest.raises(EconomicsError, match="whole number"):
        q.service_level(12.5, 20 * SEC)  # type: ignore[arg-type]


@given(S.traffic, st.integers(min_value=0, max_value=3000))
def test_warm_start_equals_full_recursion(a: float, n: int) -> None:
    assert math.isclose(erlang_b(n, a), cold_erlang_b(n, a), rel_tol=1e-11, abs_tol=1e-300)


@given(S.small_traffic, S.within_over_aht, st.integers(min_value=0, max_value=120))
def test_service_level_rises_with_agents_and_falls_with_traffic(a: float, t: float, n: int) -> None:
    q = Queue(calls=a, interval=timedelta(seconds=100), aht=timedelta(seconds=100))
    within = timedelta(seconds=100 * t)
    assert q.service_level(n + 1, within) >= q.service_level(n, within)
    busier = q.with_(calls=a * 1.1)
    assert busier.service_level(n, within) <= q.service_level(n, within)


@given(S.small_traffic, S.within_over_aht, S.patience_over_aht, st.integers(0, 100))
def test_erlang_a_monotone_in_agents_and_traffic(a: float, t: float, r: float, n: int) -> None:
    lo, hi = erlang_a(n, a, r), erlang_a(n + 1, a, r)
    assert hi.answered_within(t) >= lo.answered_within(t) - 1e-12
    assert hi.abandon_probability <= lo.abandon_probability + 1e-12
    busier = erlang_a(n, a * 1.1, r)
    assert busier.answered_within(t) <= lo.answered_within(t) + 1e-12


@given(S.traffic, S.targets, S.within_over_aht)
def test_required_agents_is_the_smallest(a: float, target: float, t: float) -> None:
    n, _, _ = required_agents(a, within_over_aht=t, service_level=target)
    q = Queue(calls=a, interval=timedelta(seconds=100), aht=timedelta(seconds=100))
    within = timedelta(seconds=100 * t)
    assert q.service_level(n, within) >= target
    assert n == 0 or q.service_level(n - 1, within) < target


@settings(max_examples=40)
@given(S.small_traffic, S.targets, S.within_over_aht, S.patience_over_aht)
def test_erlang_a_required_agents_is_the_smallest(
    a: float, target: float, t: float, r: float
) -> None:
    n, _, _ = required_agents_a(a, r, within_over_aht=t, service_level=target)
    assert erlang_a(n, a, r).answered_within(t) >= target
    assert n == 0 or erlang_a(n - 1, a, r).answered_within(t) < target


def test_erlang_a_may_need_fewer_agents_than_the_load() -> None:
    q = Queue(calls=10_000, interval=timedelta(hours=1), aht=timedelta(seconds=360))  # 1000 E
    patient = q.with_patience(timedelta(seconds=30))
    n = patient.agents_for(max_abandon=0.2)
    assert n < 1000
    assert patient.abandon_probability(n) <= 0.2 < patient.abandon_probability(n - 1)


def brute_force_chain(n: int, a: float, r: float) -> tuple[float, float]:
    """Independent check: the M/M/n+M birth-death chain summed directly."""
    theta = 1.0 / r
    logs = [0.0]
    k = 1
    while k < n + 100 * a + 5000:
        rate = k if k <= n else n + (k - n) * theta
        logs.append(logs[-1] + math.log(a / rate))
        k += 1
    p = np.exp(np.array(logs) - max(logs))
    p /= p.sum()
    queue = np.clip(np.arange(len(p)) - n, 0, None)
    return float(p[n:].sum()), float(theta * (p * queue).sum() / a)


@pytest.mark.parametrize(
    ("n", "a", "r"), [(12, 10.0, 1 / 3), (8, 10.0, 2.0), (30, 25.0, 5.0), (300, 320.0, 0.5)]
)
def test_erlang_a_matches_the_birth_death_chain(n: int, a: float, r: float) -> None:
    q = erlang_a(n, a, r)
    wait, abandon = brute_force_chain(n, a, r)
    assert math.isclose(q.wait_probability, wait, rel_tol=1e-9)
    assert math.isclose(q.abandon_probability, abandon, rel_tol=1e-8)


def test_erlang_a_tends_to_erlang_c_as_patience_grows() -> None:
    q = erlang_a(14, 10.0, 1e6)
    assert math.isclose(q.wait_probability, erlang_c(14, 10.0), rel_tol=1e-4)
    c_level = 1 - erlang_c(14, 10.0) * math.exp(-4 * 20 / 180)
    assert math.isclose(q.answered_within(20 / 180), c_level, rel_tol=1e-4)


@settings(max_examples=30)
@example([5e-324, 10.0], 0.5, 5, None)  # a load below the smallest float is refused by both
@given(
    st.lists(st.floats(min_value=0.0, max_value=3000.0), min_size=1, max_size=40),
    S.targets,
    st.integers(min_value=5, max_value=60),
    st.one_of(st.none(), st.floats(min_value=0.5, max_value=0.95)),
)
def test_vectorized_agrees_exactly_with_scalar(
    calls: list[float], target: float, within_s: int, occ: float | None
) -> None:
    interval, aht = timedelta(minutes=15), timedelta(seconds=200)
    within = timedelta(seconds=within_s)
    underflow = [c for c in calls if c > 0 and c * 200 / 900 == 0]
    if underflow:  # calls whose load reads as 0 Erlangs: both paths refuse them
        with pytest.raises(EconomicsError, match="smallest float"):
            agents_for_many(
                calls, interval, aht, service_level=target, within=within, max_occupancy=occ
            )
        with pytest.raises(EconomicsError, match="calls"):
            Queue(calls=underflow[0], interval=interval, aht=aht).agents_for(
                service_level=target, within=within, max_occupancy=occ
            )
        return
    got = agents_for_many(
        calls, interval, aht, service_level=target, within=within, max_occupancy=occ
    )
    for c, n in zip(calls, got):
        q = Queue(calls=c, interval=interval, aht=aht)
        assert n == q.agents_for(service_level=target, within=within, max_occupancy=occ)


def test_max_asa_and_occupancy_targets() -> None:
    q = Queue(calls=100, interval=timedelta(minutes=30), aht=timedelta(seconds=180))
    n = q.agents_for(max_asa=timedelta(seconds=10))
    assert q.asa(n) <= 10 < q.asa(n - 1)
    assert q.agents_for(max_occupancy=0.6) == 17  # ceil(10 / 0.6)
    both = q.agents_for(service_level=0.8, within=20 * SEC, max_occupancy=0.6)
    assert both == 17


def test_explain_shows_inputs_and_steps() -> None:
    q = Queue(calls=100, interval=timedelta(minutes=30), aht=timedelta(seconds=180))
    text = str(q.agents_for(service_level=0.8, within=20 * SEC).explain())
    assert "traffic a (Erlangs) = 10" in text
    assert "n=14" in text
    assert "Erlang C" in str(q.service_level(14, 20 * SEC).explain())


def test_staffing_curve_rows_and_frames() -> None:
    from sla import Money

    q = Queue(calls=100, interval=timedelta(minutes=30), aht=timedelta(seconds=180))
    curve = q.staffing_curve(range(11, 17), 20 * SEC, agent_hour=Money("20", "USD"))
    assert [r["agents"] for r in curve] == list(range(11, 17))
    levels = curve.column("service_level")
    assert levels == sorted(levels)
    assert curve.to_pandas().shape == (6, 8)
    assert curve.to_polars().height == 6


# -- the unrolled-sum start of the Erlang B kernel (sla.economics._erlang._b_sum) --


@settings(max_examples=60)
@given(
    st.floats(min_value=1.0, max_value=50_000.0, allow_nan=False),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_unrolled_sum_equals_full_recursion_up_to_50000_erlangs(a: float, frac: float) -> None:
    s = int(a * frac)  # any count at or below the load, where the sum is used
    expected = cold_erlang_b(s, a)
    if s >= ec._SUM_FROM:
        assert math.isclose(ec._b_sum(s, a), expected, rel_tol=1e-12)
    assert math.isclose(erlang_b(s, a), expected, rel_tol=1e-12, abs_tol=1e-300)


@settings(max_examples=60)
@given(
    st.floats(min_value=1.0, max_value=50_000.0, allow_nan=False),
    st.integers(min_value=-300, max_value=300),
)
def test_kernel_near_the_load_equals_full_recursion_up_to_50000_erlangs(
    a: float, offset: int
) -> None:
    n = max(0, math.floor(a) + offset)
    assert math.isclose(erlang_b(n, a), cold_erlang_b(n, a), rel_tol=1e-12, abs_tol=1e-300)


@settings(max_examples=30)
@given(
    st.lists(st.floats(min_value=64.0, max_value=50_000.0), min_size=1, max_size=12),
    st.integers(min_value=1, max_value=5_000),
)
def test_many_sums_at_once_give_the_scalar_bits(loads: list[float], budget: int) -> None:
    a = np.array(loads)
    s = np.floor(a)
    # A small block budget also exercises the row blocks and their padding.
    got = ec._b_sum_rows(s, a, budget=budget)
    assert got.tolist() == [ec._b_sum(int(k), x) for k, x in zip(s, loads)]


@settings(max_examples=15)
@given(
    st.lists(st.floats(min_value=0.0, max_value=50_000.0), min_size=1, max_size=6),
    S.targets,
    st.floats(min_value=0.01, max_value=1.0),
)
def test_vectorized_agrees_exactly_with_scalar_up_to_50000_erlangs(
    loads: list[float], target: float, t: float
) -> None:
    got = required_agents_array(loads, t, service_level=target)
    want = [required_agents(a, within_over_aht=t, service_level=target)[0] for a in loads]
    assert got.tolist() == want
