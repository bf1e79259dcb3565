"""No queue is staffed while the tier is closed; written work waits on the tier's calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from sla import EconomicsError
from sla.calendar import Calendar
from sla.economics import VoiceTarget, Workload, WrittenTarget

HALF = timedelta(minutes=30)
MONDAY = datetime(2025, 6, 2, tzinfo=UTC)
#: Open 08:00-10:00 on weekdays: intervals 16-19 on Monday, 64-67 on Tuesday.
CAL = Calendar.from_dict({"tz": "UTC", "hours": {"mon-fri": "08:00-10:00"}})


def _at(*hours: float) -> np.ndarray:
    return np.array([int(MONDAY.timestamp() + 3600 * h) for h in hours], dtype=np.int64)


def test_the_workload_knows_its_open_intervals() -> None:
    work = Workload.from_contacts(
        _at(7.5), [300], start=MONDAY, end=MONDAY + timedelta(days=2), interval=HALF, calendar=CAL
    )
    assert work.open is not None
    assert np.flatnonzero(work.open).tolist() == [16, 17, 18, 19, 64, 65, 66, 67]
    # The call left at 07:30 is answered at 08:00: interval 16, not 15.
    assert np.flatnonzero(work.contacts).tolist() == [16]


def test_written_work_is_spread_over_open_intervals_only() -> None:
    # 20 e-mails of 6 minutes arrive at 09:30 on Monday; the answer is due within
    # 2 business hours = 4 open half hours: Monday 09:30, then Tuesday 08:00, 08:30
    # and 09:00 (Monday 10:00-11:30 is closed). Each gets 5 e-mails x 360 s = 1,800 s:
    # a = 1 Erlang in a half hour. One agent would be 100 % busy (over the 85 %
    # ceiling), two are 50 % busy and Erlang C answers 90 % within 2 h easily: 2 agents.
    work = Workload.from_contacts(
        _at(*[9.5] * 20),
        [360] * 20,
        start=MONDAY,
        end=MONDAY + timedelta(days=2),
        interval=HALF,
        calendar=CAL,
    )
    agents = WrittenTarget(timedelta(hours=2)).agents(work)
    assert np.flatnonzero(agents).tolist() == [19, 64, 65, 66]
    assert agents[[19, 64, 65, 66]].tolist() == [2, 2, 2, 2]
    assert agents[20:64].sum() == 0  # Monday evening and night: closed, nobody paid


def test_no_target_staffs_a_closed_interval() -> None:
    work = Workload.from_contacts(
        _at(3, 9, 12, 20), [300] * 4, start=MONDAY, end=MONDAY + timedelta(days=1),
        interval=HALF, calendar=CAL,
    )  # fmt: skip
    assert work.open is not None
    for target in (VoiceTarget(0.8, timedelta(seconds=20)), WrittenTarget(timedelta(hours=4))):
        assert not target.agents(work)[~work.open].any()


def test_work_in_a_closed_interval_is_refused() -> None:
    with pytest.raises(EconomicsError, match="closed") as error:
        Workload.from_counts([1, 0], timedelta(minutes=3), start=MONDAY, open=[False, True])
    assert error.value.field == "open"
