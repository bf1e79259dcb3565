"""Staffing at scale: Erlang C agents for every interval of a year, for every queue at once.

Arrivals are binned per queue (tier x channel) and interval into one 2-D
array (queues x intervals: 35,040 columns for a year of 15-minute
intervals) and handed to :func:`sla.economics.agents_for_many`, which
walks every cell of the array in lockstep with numpy: no Python loop per
interval or per queue.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError, Problem
from sla._frames import frame_kind
from sla._types import Ints

if TYPE_CHECKING:
    import pandas as pd

    from sla.simulate import Traffic
from sla.economics import agents_for_many

__all__ = ["StaffingGrid", "staffing_by_interval", "staffing_grid"]


@attrs.frozen(slots=True, eq=False)
class StaffingGrid:
    """Agents needed per queue and interval, as 2-D arrays (queues x intervals).

    ``starts`` are the interval starts in epoch seconds; ``aht`` is in seconds;
    ``tz`` is the zone the tidy table shows the starts in.
    """

    queues: tuple[tuple[str, str], ...]
    starts: Ints
    interval_seconds: int
    calls: Ints
    aht: npt.NDArray[np.float64]
    agents: Ints
    tz: str

    def to_pandas(self) -> pd.DataFrame:
        """One row per queue and interval: ``interval_start`` (aware, in ``tz``), ``queue``
        (``"tier/channel"``), ``tier``, ``channel``, ``calls``, ``aht_seconds``,
        ``traffic`` (Erlangs) and ``agents``; queue by queue, intervals in order."""
        import pandas as pd

        n_queues, n_intervals = self.calls.shape
        starts = pd.to_datetime(np.tile(self.starts, n_queues), unit="s", utc=True)
        names = np.array([f"{t}/{c}" for t, c in self.queues], dtype=object)
        tiers = np.array([t for t, _ in self.queues], dtype=object)
        channels = np.array([c for _, c in self.queues], dtype=object)
        return pd.DataFrame(
            {
                "interval_start": starts.tz_convert(self.tz),
                "queue": np.repeat(names, n_intervals),
                "tier": np.repeat(tiers, n_intervals),
                "channel": np.repeat(channels, n_intervals),
                "calls": self.calls.ravel(),
                "aht_seconds": self.aht.ravel(),
                "traffic": (self.calls * self.aht / self.interval_seconds).ravel(),
                "agents": self.agents.ravel(),
            }
        )


def _contacts(source: Any) -> tuple[Any, str | None, int | None, int | None]:
    """Contacts as pandas, with the traffic's zone and window when it is a Traffic."""
    contacts = getattr(source, "contacts", None)
    if contacts is not None and hasattr(source, "start"):
        from sla.calendar import wall_to_epoch

        first = wall_to_epoch(source.tz, source.start, 0)
        last = wall_to_epoch(source.tz, source.start + timedelta(days=source.days), 0)
        return contacts.to_pandas(), source.tz, first, last
    if frame_kind(source) == "pandas":
        return source, None, None, None
    raise EconomicsError(
        f"expected sla.simulate.Traffic or a pandas table of contacts, got {type(source).__name__}",
        field="contacts",
    )


def _epoch(value: datetime | None, field: str, problems: list[Problem]) -> int | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.utcoffset() is None:
        problems.append(Problem(field, "must be an aware datetime"))
        return None
    from sla.calendar import to_epoch

    return to_epoch(value, field=field)


def staffing_grid(
    contacts: Traffic | pd.DataFrame,
    *,
    service_level: float = 0.8,
    within: timedelta = timedelta(seconds=20),
    max_occupancy: float | None = None,
    interval: timedelta = timedelta(minutes=15),
    aht: Literal["queue", "interval"] = "queue",
    start: datetime | None = None,
    end: datetime | None = None,
    tz: str | None = None,
) -> StaffingGrid:
    """Erlang C agents per queue and interval, as arrays (see :func:`staffing_by_interval`)."""
    problems: list[Problem] = []
    frame, traffic_tz, traffic_start, traffic_end = _contacts(contacts)
    lo = _epoch(start, "start", problems)
    hi = _epoch(end, "end", problems)
    lo = traffic_start if lo is None else lo
    hi = traffic_end if hi is None else hi
    zone = tz or traffic_tz or (getattr(start.tzinfo, "key", None) if start else None)
    if lo is None or hi is None:
        problems.append(Problem("start", "give start and end (aware) for a table of contacts"))
    elif hi <= lo:
        problems.append(Problem("end", "must be after start"))
    if zone is None:
        problems.append(Problem("tz", "give the zone to show interval starts in"))
    if aht not in ("queue", "interval"):
        problems.append(Problem("aht", "must be 'queue' or 'interval'"))
    if not isinstance(interval, timedelta) or interval.total_seconds() < 1:
        problems.append(Problem("interval", "must be a timedelta of at least one second"))
    needed = {"created", "handle_seconds", "tier", "channel"}
    missing = sorted(needed - set(frame.columns))
    if missing:
        problems.append(Problem("contacts", f"columns missing: {missing}"))
    if problems or lo is None or hi is None or zone is None:
        raise EconomicsError.from_problems(problems, what="staffing at scale")

    step = int(interval.total_seconds())
    n_intervals = -(-(hi - lo) // step)
    created = _created_seconds(frame["created"])
    keep = (created >= lo) & (created < hi)
    if "bot_resolved" in frame.columns:  # a bot's success needs no agent
        keep &= ~frame["bot_resolved"].to_numpy(dtype=bool)
    chosen = frame[keep]
    bins = (created[keep] - lo) // step
    pairs = list(zip(chosen["tier"].astype(str), chosen["channel"].astype(str), strict=True))
    names = sorted(set(pairs))
    index = {pair: i for i, pair in enumerate(names)}
    queue = np.fromiter((index[p] for p in pairs), dtype=np.int64, count=len(pairs))
    n_queues = len(names)
    cell = queue * n_intervals + bins
    size = n_queues * n_intervals
    handle = chosen["handle_seconds"].to_numpy(dtype=np.float64)
    calls = np.bincount(cell, minlength=size).reshape(n_queues, n_intervals).astype(np.int64)
    handled = np.bincount(cell, weights=handle, minlength=size).reshape(n_queues, n_intervals)
    per_queue = handled.sum(axis=1) / np.maximum(calls.sum(axis=1), 1)
    queue_aht = np.maximum(per_queue, 1.0)[:, None] * np.ones((1, n_intervals))
    seconds = (
        np.where(calls > 0, np.maximum(handled / np.maximum(calls, 1), 1.0), queue_aht)
        if aht == "interval"
        else queue_aht
    )
    agents = agents_for_many(
        calls,
        interval,
        seconds,
        service_level=service_level,
        within=within,
        max_occupancy=max_occupancy,
    )
    return StaffingGrid(
        queues=tuple(names),
        starts=lo + step * np.arange(n_intervals, dtype=np.int64),
        interval_seconds=step,
        calls=calls,
        aht=seconds,
        agents=np.asarray(agents, dtype=np.int64).reshape(n_queues, n_intervals),
        tz=zone,
    )


def _created_seconds(column: Any) -> Ints:
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column):
        if getattr(column.dt, "tz", None) is None:
            raise EconomicsError("created timestamps need a time zone", field="created")
        # Whatever the unit (ns in pandas 2, often us in pandas 3): whole seconds.
        seconds = (column - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
        return np.asarray(seconds, dtype=np.int64)
    return np.asarray(column.to_numpy(dtype=np.int64), dtype=np.int64)


def staffing_by_interval(
    contacts: Traffic | pd.DataFrame,
    *,
    service_level: float = 0.8,
    within: timedelta = timedelta(seconds=20),
    max_occupancy: float | None = None,
    interval: timedelta = timedelta(minutes=15),
    aht: Literal["queue", "interval"] = "queue",
    start: datetime | None = None,
    end: datetime | None = None,
    tz: str | None = None,
) -> pd.DataFrame:
    """A tidy pandas table of Erlang C agents for every queue and interval.

    ``contacts`` is a :class:`sla.simulate.Traffic` (its contacts, zone and
    days are used) or a pandas table with ``created`` (epoch seconds or aware
    timestamps), ``handle_seconds``, ``tier`` and ``channel`` (optionally
    ``bot_resolved``: those need no agent); then give ``start``, ``end`` and
    ``tz``. A queue is one tier x channel pair found in the window.
    ``aht="queue"`` staffs every interval with the queue's mean handle time
    over the window (a planning AHT); ``"interval"`` uses each interval's
    own mean where it has contacts. Agents meet ``service_level`` within
    ``within`` (and ``max_occupancy`` if given), exactly as
    :meth:`sla.economics.Queue.agents_for` does per interval.
    Columns as in :meth:`StaffingGrid.to_pandas`.

    Raises :class:`~sla.EconomicsError` listing every problem with the inputs.
    """
    return staffing_grid(
        contacts,
        service_level=service_level,
        within=within,
        max_occupancy=max_occupancy,
        interval=interval,
        aht=aht,
        start=start,
        end=end,
        tz=tz,
    ).to_pandas()
