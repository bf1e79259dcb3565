"""Erlang A against a published worked example.

Source: pyworkforce documentation, "Erlang A (abandonment)" guide,
https://pyworkforce.rodrigo-arenas.com/development/guide/erlanga — 100
transactions per 30-minute interval, AHT 3 min, patience 5 min, target 80 %
answered within 20 s (ASA parameter 20/60 min), shrinkage 30 %, max occupancy
85 %, max abandonment 5 %. Published result: raw positions 13, positions 19,
service level 0.858..., occupancy 0.750..., abandonment probability 0.025...,
waiting probability 0.226..., average speed of answer 0.125... minutes.
pyworkforce computes these exactly from the birth-death chain; we use the
closed Garnett-Mandelbaum-Reiman / Mandelbaum-Zeltyn formulas, so agreement
here checks two independent methods against the published figures.
"""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from sla.economics import Queue, scheduled_agents

QUEUE = Queue(calls=100, interval=timedelta(minutes=30), aht=timedelta(minutes=3)).with_patience(
    timedelta(minutes=5)
)


def test_required_positions_match_the_published_example() -> None:
    agents = QUEUE.agents_for(
        service_level=0.80, within=timedelta(seconds=20), max_occupancy=0.85, max_abandon=0.05
    )
    assert int(agents) == 13
    assert math.ceil(float(scheduled_agents(int(agents), 0.3))) == 19


@pytest.mark.parametrize(
    ("figure", "published"),
    [
        ("service_level", 0.858),
        ("occupancy", 0.750),
        ("abandon_probability", 0.025),
        ("wait_probability", 0.226),
        ("asa_minutes", 0.125),
    ],
)
def test_metrics_at_13_agents_match_to_the_published_digits(figure: str, published: float) -> None:
    values = {
        "service_level": float(QUEUE.service_level(13, timedelta(seconds=20))),
        "occupancy": float(QUEUE.occupancy(13)),
        "abandon_probability": float(QUEUE.abandon_probability(13)),
        "wait_probability": float(QUEUE.wait_probability(13)),
        # pyworkforce's "ASA" is the mean wait of all arrivals, abandoners included.
        "asa_minutes": float(QUEUE.mean_wait(13)) / 60,
    }
    # The page prints each figure to three decimals (followed by "...").
    assert round(values[figure], 3) == pytest.approx(published, abs=1e-12)
