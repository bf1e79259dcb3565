"""Shared fixtures: a small generated traffic and the clock policies it is measured with."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from sla.calendar import Calendar
from sla.clocks import ClockPolicy, MetricTarget
from sla.simulate import Traffic, generate

HOUR = 3600

# The S3 tests talk to a local endpoint only: the AWS SDK must never look for an
# instance-metadata service. Set before any Dask worker starts, so workers inherit it.
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


def office_policy(policy_id: str = "office", first_response_hours: int = 4) -> ClockPolicy:
    """First response 4 business hours, answer in 20 s (calendar time), resolve in 3 days."""
    office = Calendar.weekly({"mon-fri": "09:00-18:00"}, tz="Europe/Berlin")
    return ClockPolicy(
        [
            MetricTarget("first_response", first_response_hours * HOUR, office),
            MetricTarget("speed_of_answer", 20),
            MetricTarget("callback_time", 4 * HOUR, office),
            MetricTarget("next_response", 8 * HOUR, office),
            MetricTarget("total_resolution", 3 * 9 * HOUR, office),
        ],
        policy_id=policy_id,
        tz="Europe/Berlin",
    )


@pytest.fixture(scope="session")
def policy() -> ClockPolicy:
    return office_policy()


@pytest.fixture(scope="session")
def tier_policies() -> dict[str, ClockPolicy]:
    """Policies by tier code: A answers fastest."""
    return {
        "A": office_policy("A", 1),
        "B": office_policy("B", 4),
        "C": office_policy("C", 8),
    }


@pytest.fixture(scope="session")
def traffic() -> Traffic:
    """Four days across a month end (June into July 2025), about 16k events."""
    return generate(date(2025, 6, 28), 4, seed=11, scale=0.6)


@pytest.fixture(scope="session")
def as_of(traffic: Traffic) -> int:
    """A cut a day before the last event, so some cycles are still running."""
    at: Any = traffic.events["at"]
    return int(at.max()) - 24 * HOUR


@pytest.fixture(scope="session")
def client() -> Iterator[Any]:
    """One local Dask cluster (two worker processes) shared by every Dask test."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        timeout=60,
    )
    client = distributed.Client(cluster, timeout=60)
    try:
        client.wait_for_workers(2, timeout=60)
        yield client
    finally:
        client.close()
        cluster.close()
