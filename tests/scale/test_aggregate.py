"""Compliance partials combine into exactly what sla.clocks.compliance reports."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla import ClockError
from sla.clocks import ClockPolicy, ServiceLevelTarget, compliance, evaluate_table
from sla.scale import GROUPS, combine_partials, compliance_partials, percentile_of_counts
from sla.simulate import Traffic


@settings(max_examples=200)
@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=200),
    st.one_of(st.sampled_from([0, 50, 90, 95, 99, 99.9, 100]), st.floats(0, 100)),
)
def test_percentile_of_counts_is_numpys_percentile(values: list[int], p: float) -> None:
    distinct, counts = np.unique(np.array(values, dtype=np.int64), return_counts=True)
    expected = float(np.percentile(np.array(values, dtype=np.float64), p))
    assert percentile_of_counts(distinct, counts.astype(np.int64), p) == expected


@pytest.fixture(scope="module")
def cycles(traffic: Traffic, policy: ClockPolicy, as_of: int) -> Any:
    return evaluate_table(traffic.events.to_arrow(), policy, as_of=as_of, output="pandas")


TARGETS = [
    ServiceLevelTarget("speed_of_answer", "4/5", within_seconds=20),
    ServiceLevelTarget("first_response", "9/10", tier="B"),
    ServiceLevelTarget("first_response", "19/20"),
    ServiceLevelTarget("total_resolution", "3/4", within_seconds=86400),
]


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    pieces=st.integers(1, 6),
    by=st.lists(st.sampled_from(GROUPS), min_size=1, max_size=5, unique=True),
    period=st.sampled_from(["day", "week", "month", "quarter", "year"]),
    tz=st.sampled_from(["Europe/Berlin", "UTC", "America/New_York"]),
    targets=st.lists(st.sampled_from(TARGETS), max_size=3, unique_by=lambda t: repr(t)),
)
def test_any_split_combines_to_the_single_report(
    cycles: Any,
    seed: int,
    pieces: int,
    by: list[str],
    period: Any,
    tz: str,
    targets: list[ServiceLevelTarget],
) -> None:
    """Rows split at random (not even by contact): the report is the same, cell for cell."""
    expected = compliance(
        cycles, tz=tz, period=period, by=by, targets=targets, percentiles=(50, 90, 95, 99)
    )
    piece = np.random.default_rng(seed).integers(0, pieces, len(cycles))
    partials = pd.concat(
        [compliance_partials(cycles[piece == i], tz=tz, period=period) for i in range(pieces)],
        ignore_index=True,
    )
    got = combine_partials(partials, by=by, targets=targets, percentiles=(50, 90, 95, 99))
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_no_cycles_gives_compliances_empty_report(cycles: Any) -> None:
    empty = cycles.iloc[:0]
    partials = compliance_partials(empty)
    got = combine_partials(partials, by=("metric",))
    pd.testing.assert_frame_equal(got, compliance(empty, by=("metric",)))


def test_unknown_grouping_and_period_are_refused(cycles: Any) -> None:
    with pytest.raises(ClockError, match="unknown groups"):
        combine_partials(compliance_partials(cycles), by=("customer",))
    with pytest.raises(ClockError, match="period"):
        compliance_partials(cycles, period="fortnight")  # type: ignore[arg-type]
