"""Erlang A: the ASA of answered calls, named apart from the mean wait of all arrivals."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from sla.economics import Queue
from sla.economics._erlang_a import erlang_a

SEC = timedelta(seconds=1)


def _quad_answered_wait(n: int, a: float, r: float) -> float:
    """Independent check: scipy's adaptive quadrature, in another variable.

    The served-wait density (Mandelbaum and Zeltyn 2007), in AHT units, is
    ``h(s) = pi_n n exp(-(n + 1/r) s + a r (1 - e^(-s/r)))``. With
    ``u = e^(-s/r)``, ``x = n r`` and ``y = a r``:
    ``E[W; served] = pi_n x r * integral_0^1 (-ln u) u^x e^(y (1 - u)) du``,
    a smooth integrand on [0, 1]; it is scaled by its largest factor ``e^top``.
    """
    q = erlang_a(n, a, r)
    x, y = n * r, a * r
    peak = min(1.0, x / y)
    top = x * math.log(peak) + y * (1 - peak)

    def f(u: float) -> float:
        if u <= 0.0:
            return 0.0
        return -math.log(u) * math.exp(x * math.log(u) + y * (1 - u) - top)

    value, _ = integrate.quad(f, 0.0, 1.0, points=[peak] if peak < 1 else None, limit=500)
    log_num = q.log_pi_n + math.log(x * r) + top + math.log(value)
    return math.exp(log_num) / (1 - q.abandon_probability)


def test_answered_asa_of_the_reproduction_case() -> None:
    # 40 calls/h * 180 s = 2 Erlangs, patience 30 s, 3 agents. The mean wait of
    # all arrivals is P(abandon) * 30 s = 5.23 s; answered callers wait 2.00 s.
    q = Queue(calls=40, interval=timedelta(hours=1), aht=180 * SEC).with_patience(30 * SEC)
    assert float(q.mean_wait(3)) == pytest.approx(30 * float(q.abandon_probability(3)))
    assert float(q.mean_wait(3)) == pytest.approx(5.23, abs=0.005)
    assert float(q.asa(3)) == pytest.approx(2.00, abs=0.005)
    assert float(q.asa(3)) == pytest.approx(_quad_answered_wait(3, 2.0, 30 / 180) * 180, rel=1e-6)
    assert "answered" in q.asa(3).explain().name


def test_one_agent_overloaded_answered_wait_exceeds_mean_wait() -> None:
    # 6 E on one agent, patience 60 s: mean wait of all 50.3 s, answered 56.0 s.
    q = Queue(calls=120, interval=timedelta(hours=1), aht=180 * SEC).with_patience(60 * SEC)
    assert float(q.mean_wait(1)) == pytest.approx(50.3, abs=0.05)
    assert float(q.asa(1)) == pytest.approx(56.0, abs=0.05)


@given(
    n=st.integers(1, 60),
    load=st.floats(0.2, 3.0),
    r=st.floats(0.05, 20.0),
)
def test_matches_adaptive_quadrature(n: int, load: float, r: float) -> None:
    a = n * load
    got = erlang_a(n, a, r).answered_wait_over_aht
    want = _quad_answered_wait(n, a, r)
    assert got == pytest.approx(want, rel=1e-5, abs=1e-12)


def test_deep_overload_and_many_agents_stay_finite() -> None:
    # Twice the load: answered callers wait about r ln(a / n) (fluid limit).
    wait = erlang_a(1000, 2000.0, 1.0).answered_wait_over_aht
    assert wait == pytest.approx(math.log(2.0), rel=0.01)
    assert 0 < erlang_a(5000, 4000.0, 0.1).answered_wait_over_aht < 1e-40


def test_very_patient_callers_give_erlang_c_asa() -> None:
    c = Queue(calls=100, interval=timedelta(minutes=30), aht=180 * SEC)
    a = c.with_patience(timedelta(days=300))
    assert float(a.asa(12)) == pytest.approx(float(c.asa(12)), rel=1e-3)


def test_max_asa_staffs_for_answered_calls() -> None:
    q = Queue(calls=120, interval=timedelta(hours=1), aht=180 * SEC).with_patience(60 * SEC)
    n = q.agents_for(max_asa=15 * SEC)
    assert float(q.asa(n)) <= 15 < float(q.asa(n - 1))
