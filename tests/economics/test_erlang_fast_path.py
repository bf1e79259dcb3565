"""The Erlang C staffing hot path gives exactly the answers of the general search.

`Queue.agents_for` with a float service level alone (no patience) skips the
problem list and the explanation's steps, and
`_erlang.agents_for_service_level` inlines the Erlang B recursion in plain
floats. Neither may change an answer: both are checked here against the
general search of `required_agents` (forced by an ASA bound of infinity, which
every finite wait meets) and against the validating path of `agents_for`
(taken for a `Decimal` target).
"""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import EconomicsError
from sla.economics import Queue
from sla.economics import _erlang as ec
from tests.economics import strategies as S


def general(a: float, t: float, sl: float) -> tuple[int, float]:
    """The general search loop (every target checked), with an ASA bound no wait exceeds."""
    n, c, _steps = ec.required_agents(
        a, within_over_aht=t, service_level=sl, max_asa_over_aht=math.inf
    )
    return n, c


@settings(max_examples=300, deadline=None)
@given(
    a=st.one_of(S.small_traffic, S.traffic, st.floats(min_value=60.0, max_value=70.0)),
    t=S.within_over_aht,
    sl=S.targets,
)
def test_fast_path_equals_general_search(a: float, t: float, sl: float) -> None:
    assert ec.agents_for_service_level(a, t, sl) == general(a, t, sl)


@settings(max_examples=150, deadline=None)
@given(
    # Subnormal calls make a load that underflows to 0: refused (test_erlang covers it).
    calls=st.floats(min_value=0.0, max_value=20_000.0, allow_nan=False, allow_subnormal=False),
    aht_s=st.integers(min_value=10, max_value=1_800),
    within_s=st.integers(min_value=1, max_value=600),
    sl=S.targets,
)
def test_agents_for_fast_path_equals_validating_path(
    calls: float, aht_s: int, within_s: int, sl: float
) -> None:
    q = Queue(calls=calls, interval=timedelta(minutes=30), aht=timedelta(seconds=aht_s))
    within = timedelta(seconds=within_s)
    fast = q.agents_for(service_level=sl, within=within)
    # A Decimal target takes the validating path; Decimal(float) is the same number.
    slow = q.agents_for(service_level=Decimal(sl), within=within)
    assert int(fast) == int(slow)
    assert fast.explain().steps == slow.explain().steps
    # The validating path turns the Decimal back into the same float.
    assert fast.explain() == slow.explain()


def test_fast_path_explains_like_before() -> None:
    # 10 Erlangs (100 calls of 180 s in 30 min), 80 % within 20 s: 14 agents, the
    # Call Centre Helper worked example quoted in test_erlang_reference.
    q = Queue(calls=100.0, interval=timedelta(minutes=30), aht=timedelta(seconds=180))
    n = q.agents_for(service_level=0.8, within=timedelta(seconds=20))
    assert n == 14
    why = n.explain()
    assert why.steps[0] == "start at n=11 (smallest stable count)"
    assert why.steps[-1].startswith("n=14: every target met")
    assert dict(why.inputs)["traffic a (Erlangs)"] == "10"


@pytest.mark.parametrize(
    ("service_level", "within", "field"),
    [
        (1.0, timedelta(seconds=20), "service_level"),
        (0.0, timedelta(seconds=20), "service_level"),
        (math.nan, timedelta(seconds=20), "service_level"),
        (0.8, timedelta(0), "within"),
        (0.8, timedelta(seconds=-1), "within"),
    ],
)
def test_bad_targets_still_refused(service_level: float, within: timedelta, field: str) -> None:
    q = Queue(calls=100.0, interval=timedelta(minutes=30), aht=timedelta(seconds=180))
    with pytest.raises(EconomicsError) as error:
        q.agents_for(service_level=service_level, within=within)
    assert error.value.field == field
