"""Business-time arithmetic: sla.calendar vs businesstimedelta and pandas CustomBusinessHour.

Same case for everyone: Mon-Fri 09:00-17:00 Europe/Berlin with Christmas and
New Year holidays; start Fri 2025-12-19 15:30, add 13 h (lands across the
weekend and the holidays). All answers are checked equal before timing.
"""

from __future__ import annotations

import time
import warnings
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import numpy as np

from benchmarks._runner import Result, compare
from sla.calendar import Calendar, to_epoch

TZ = "Europe/Berlin"
# businesstimedelta's HolidayRule fails when no holiday lies within 5 years
# after an instant, so every library gets the same late sentinel holiday.
HOLIDAYS = [
    date(2025, 12, 24),
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2026, 1, 1),
    date(2030, 12, 25),
]
HOURS = 13
VECTOR_SIZE = 1_000_000


def run() -> list[Result]:
    import businesstimedelta as btd
    import pandas as pd
    import pytz

    cal = Calendar.weekly({"mon-fri": "09:00-17:00"}, tz=TZ, holidays=HOLIDAYS)
    zone = ZoneInfo(TZ)
    start = datetime(2025, 12, 19, 15, 30, tzinfo=zone)
    end = datetime(2026, 1, 7, 11, 0, tzinfo=zone)
    duration = timedelta(hours=HOURS)

    ptz = pytz.timezone(TZ)
    rules = btd.Rules(
        [
            btd.WorkDayRule(
                start_time=clock(9), end_time=clock(17), working_days=[0, 1, 2, 3, 4], tz=ptz
            ),
            btd.HolidayRule(HOLIDAYS, tz=ptz),
        ]
    )
    btd_delta = btd.BusinessTimeDelta(rules, hours=HOURS)
    cbh = pd.offsets.CustomBusinessHour(n=HOURS, start="09:00", end="17:00", holidays=HOLIDAYS)
    pd_start = pd.Timestamp(start)

    def same_instant(a: object, b: object) -> bool:
        return to_epoch(a) == to_epoch(b)  # type: ignore[arg-type]

    results = [
        compare(
            "calendar",
            f"add {HOURS} h (datetime)",
            lambda: cal.add(start, duration),
            {
                "businesstimedelta": lambda: start + btd_delta,
                "pandas CustomBusinessHour": lambda: pd_start + cbh,
            },
            check=same_instant,
        ),
        compare(
            "calendar",
            "elapsed (datetime)",
            lambda: cal.elapsed(start, end),
            {"businesstimedelta": lambda: rules.difference(start, end).timedelta},
            check=lambda a, b: a == b,
            note="pandas has no business-time difference",
        ),
    ]
    s, e = to_epoch(start), to_epoch(end)
    results.append(
        compare(
            "calendar",
            "add_seconds (int fast path)",
            lambda: cal.add_seconds(s, HOURS * 3600),
            {"businesstimedelta": lambda: start + btd_delta},
            check=lambda a, b: a == to_epoch(b),  # type: ignore[arg-type]
        )
    )
    results.append(
        compare(
            "calendar",
            "elapsed_seconds (int fast path)",
            lambda: cal.elapsed_seconds(s, e),
            {"businesstimedelta": lambda: rules.difference(start, end).timedelta},
            check=lambda a, b: a == b // timedelta(seconds=1),  # type: ignore[operator]
        )
    )

    # Vectorized: 1,000,000 random starts over two years, durations 0..40 h.
    rng = np.random.default_rng(7)
    starts = rng.integers(to_epoch(start) - 365 * 86400, to_epoch(start) + 365 * 86400, VECTOR_SIZE)
    durations = rng.integers(0, 40 * 3600, VECTOR_SIZE)
    cal.add_many(starts[:10], durations[:10])  # compile the years involved once
    few = 2_000
    index = pd.DatetimeIndex(pd.to_datetime(starts[:few], unit="s", utc=True).tz_convert(TZ))
    offsets = [
        pd.offsets.CustomBusinessHour(n=int(h), start="09:00", end="17:00", holidays=HOLIDAYS)
        for h in durations[:few] // 3600
    ]

    def pandas_many() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [ts + off for ts, off in zip(index, offsets)]

    began = time.perf_counter()
    pandas_many()
    pandas_per_add = (time.perf_counter() - began) / few
    began = time.perf_counter()
    cal.add_many(starts, durations)
    ours_once = time.perf_counter() - began
    result = compare(
        "calendar",
        f"add_many {VECTOR_SIZE:,} (numpy int64)",
        lambda: cal.add_many(starts, durations),
        {},
        number=1,
        repeat=5,
        note=f"first run {ours_once:.3f} s",
    )
    result.peers["pandas CustomBusinessHour (per element, extrapolated)"] = (
        pandas_per_add * VECTOR_SIZE
    )
    results.append(result)
    return results
