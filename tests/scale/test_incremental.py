"""Incremental runs over N days equal a full re-run, with late events and reopened contacts.

Each generated day's events are delivered in that day's batch, except a
random share delivered a day late (their ``at`` lies before the previous
run's cut). After every run, the incremental cycles must equal
``evaluate_table`` of every event delivered so far, row for row.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla import DatasetError
from sla.clocks import ClockPolicy, evaluate_table
from sla.scale import evaluate_incremental, read_checkpoint, write_dataset
from sla.simulate import generate

DAY = 86_400
KEY = ["contact_id", "metric", "cycle"]


def _sorted(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    return frame.sort_values(KEY).reset_index(drop=True)


def _deliveries(events: pa.Table, late_share: float, seed: int) -> tuple[list[pa.Table], list[int]]:
    """Batches by day of ``at``; ``late_share`` of the events arrive with the next batch."""
    at = events.column("at").to_numpy()
    first = int(at.min()) // DAY * DAY
    day = (at - first) // DAY
    late = np.random.default_rng(seed).random(len(at)) < late_share
    delivered = np.minimum(day + late, day.max())
    batches = [events.filter(pa.array(delivered == d)) for d in range(int(day.max()) + 1)]
    cuts = [first + (d + 1) * DAY - 1 for d in range(len(batches))]
    return batches, cuts


def _run_days(events: pa.Table, policy: ClockPolicy, late_share: float, seed: int) -> list[Any]:
    batches, cuts = _deliveries(events, late_share, seed)
    runs = []
    checkpoint = None
    seen: list[pa.Table] = []
    for batch, cut in zip(batches, cuts, strict=True):
        history = pa.concat_tables(seen) if seen else None
        run = evaluate_incremental(batch, policy, as_of=cut, checkpoint=checkpoint, history=history)
        seen.append(batch)
        full = evaluate_table(pa.concat_tables(seen), policy, as_of=cut, output="arrow")
        pd.testing.assert_frame_equal(_sorted(run.cycles), _sorted(full), check_exact=True)
        checkpoint = run.checkpoint
        runs.append(run)
    return runs


def test_four_days_with_late_events_equal_a_full_run(policy: ClockPolicy) -> None:
    """A hand-checked case: 4 days, 10 % of events a day late. Late events reach
    contacts that were closed, which are evaluated again from the history."""
    events = generate(date(2025, 6, 2), 4, seed=5, scale=0.1).events.to_arrow()
    runs = _run_days(events, policy, late_share=0.1, seed=1)
    assert sum(r.late_events for r in runs) > 0
    assert any(r.reevaluated for r in runs)  # some closed contacts were reopened
    last = runs[-1].checkpoint
    # The checkpoint carries the open contacts' events only: far fewer than all events.
    assert last.events.num_rows < events.num_rows / 2
    assert last.cycles.num_rows > 0


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.integers(2, 5),
    late_share=st.sampled_from([0.0, 0.05, 0.3]),
    seed=st.integers(0, 1000),
)
def test_incremental_over_n_days_equals_the_full_run(
    policy: ClockPolicy, days: int, late_share: float, seed: int
) -> None:
    events = generate(date(2025, 6, 5), days, seed=seed, scale=0.04).events.to_arrow()
    _run_days(events, policy, late_share, seed)


def test_closed_contacts_without_history_are_refused(policy: ClockPolicy) -> None:
    """The run that reopened closed contacts, repeated without history, refuses to
    evaluate them on their new events alone."""
    events = generate(date(2025, 6, 2), 4, seed=5, scale=0.1).events.to_arrow()
    batches, cuts = _deliveries(events, 0.1, 1)
    checkpoint, seen = None, []
    for batch, cut in zip(batches, cuts, strict=True):
        history = pa.concat_tables(seen) if seen else None
        run = evaluate_incremental(batch, policy, as_of=cut, checkpoint=checkpoint, history=history)
        if run.reevaluated:
            with pytest.raises(DatasetError, match="history") as caught:
                evaluate_incremental(batch, policy, as_of=cut, checkpoint=checkpoint)
            assert repr(run.reevaluated[0]) in str(caught.value)
            break
        checkpoint = run.checkpoint
        seen.append(batch)
    else:
        pytest.fail("no run reopened a closed contact: the data no longer tests this")
    with pytest.raises(DatasetError, match="before the checkpoint"):
        evaluate_incremental(batch, policy, as_of=checkpoint.as_of - 1, checkpoint=checkpoint)


def test_checkpoint_round_trip_and_history_dataset(policy: ClockPolicy, tmp_path: Path) -> None:
    events = generate(date(2025, 6, 2), 2, seed=9, scale=0.1).events.to_arrow()
    batches, cuts = _deliveries(events, 0.2, 4)
    first = evaluate_incremental(batches[0], policy, as_of=cuts[0])
    first.checkpoint.write(tmp_path / "ckpt")
    back = read_checkpoint(tmp_path / "ckpt")
    assert back.as_of == cuts[0]
    assert back.events.equals(first.checkpoint.events)
    write_dataset(batches[0], tmp_path / "day-1", partitions=2)
    second = evaluate_incremental(
        batches[1], policy, as_of=cuts[1], checkpoint=back, history=tmp_path / "day-1"
    )
    delivered = pa.concat_tables(batches[:2])
    full = evaluate_table(delivered, policy, as_of=cuts[1], output="arrow")
    pd.testing.assert_frame_equal(_sorted(second.cycles), _sorted(full), check_exact=True)
    (tmp_path / "ckpt" / "checkpoint.json").write_text('{"format": "sla-checkpoint", "version": 0}')
    with pytest.raises(DatasetError, match="version 0"):
        read_checkpoint(tmp_path / "ckpt")
