"""A period's workload: contacts and handle time per interval, and the agents each needs.

A :class:`Workload` tiles a period ``[start, end)`` with intervals of one length
(15 or 30 minutes usually) and holds, per interval, the contacts that arrived
and the handle seconds they brought. It is built from a contact table
(:meth:`Workload.from_contacts`, vectorized: one ``bincount``, no loop per
contact) or from a forecast (:meth:`Workload.from_counts`).

Each interval is then staffed by the tier's queue model: :class:`VoiceTarget`
(Erlang C, or Erlang A with a patience), :class:`ChatTarget` (Erlang C on chat
slots, operators = ``ceil(slots / concurrency)``) or :class:`WrittenTarget`
(Erlang C with a response time of hours under an occupancy ceiling). An
interval without contacts needs no agent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import EconomicsError, Problem
from sla.calendar import Calendar, to_epoch
from sla.economics._check import positive_duration, raise_all, target_share
from sla.economics._queue import Queue, agents_for_many

__all__ = ["ChatTarget", "VoiceTarget", "Workload", "WrittenTarget"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def _epoch(value: object, field: str) -> int:
    if not isinstance(value, datetime):
        raise EconomicsError(f"expected an aware datetime, got {value!r}", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise EconomicsError("must be timezone-aware (a naive datetime is refused)", field=field)
    if value.microsecond:
        raise EconomicsError("must fall on a whole second", field=field)
    return to_epoch(value, field=field, error=EconomicsError)


def interval_seconds(interval: object) -> int:
    """An interval length in whole seconds whose share of an hour is a finite decimal.

    ``0.25 h`` and ``0.5 h`` are exact decimals, so paid hours stay exact money
    factors; a 20-minute interval (``1/3 h``) is refused.
    """
    problems: list[Problem] = []
    seconds = positive_duration(interval, "interval", problems)
    raise_all(problems, "interval")
    if seconds != int(seconds):
        raise EconomicsError("must be a whole number of seconds", field="interval")
    den = Fraction(int(seconds), 3600).denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den != 1:
        raise EconomicsError(
            f"{interval} is not a finite decimal share of an hour (use 15 or 30 minutes)",
            field="interval",
        )
    return int(seconds)


def _volumes(values: npt.ArrayLike, field: str) -> Floats:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise EconomicsError("expected one value per interval (a 1-d array)", field=field)
    bad = ~np.isfinite(array) | (array < 0)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise EconomicsError(
            f"must be finite and >= 0; interval {first} has {array[first]!r}", field=field
        )
    return array


@attrs.frozen(eq=False)
class Workload:
    """Contacts and handle seconds per interval of ``[start, start + n * interval)``.

    ``contacts[i]`` arrived in interval ``i`` and bring ``handle_seconds[i]`` of
    work; the interval's AHT is their ratio. Build it with :meth:`from_contacts`
    or :meth:`from_counts`.
    """

    start: datetime
    interval: timedelta
    contacts: Floats
    handle_seconds: Floats
    #: Which intervals the tier is open in (``None``: always). Work never sits in a
    #: closed interval and no target staffs one.
    open: npt.NDArray[np.bool_] | None = None

    def __attrs_post_init__(self) -> None:
        _epoch(self.start, "start")
        interval_seconds(self.interval)
        contacts = _volumes(self.contacts, "contacts")
        handle = _volumes(self.handle_seconds, "handle_seconds")
        if contacts.shape != handle.shape:
            raise EconomicsError(
                f"{handle.shape[0]} values for {contacts.shape[0]} intervals",
                field="handle_seconds",
            )
        if ((contacts == 0) & (handle > 0)).any():
            raise EconomicsError(
                "an interval with no contacts cannot bring handle time", field="handle_seconds"
            )
        object.__setattr__(self, "contacts", contacts)
        object.__setattr__(self, "handle_seconds", handle)
        if self.open is not None:
            mask = np.asarray(self.open)
            if mask.dtype != np.bool_ or mask.shape != contacts.shape:
                raise EconomicsError("expected one bool per interval", field="open")
            if (contacts[~mask] > 0).any():
                first = int(np.flatnonzero(~mask & (contacts > 0))[0])
                raise EconomicsError(
                    f"interval {first} is closed but has contacts (land them at the next "
                    "opening: build with a calendar)",
                    field="open",
                )
            object.__setattr__(self, "open", mask)

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def from_counts(
        cls,
        counts: npt.ArrayLike,
        aht: timedelta | npt.ArrayLike,
        *,
        start: datetime,
        interval: timedelta = timedelta(minutes=30),
        open: npt.ArrayLike | None = None,
    ) -> Workload:
        """A forecast: ``counts[i]`` contacts in interval ``i`` at ``aht`` (one or per interval).

        >>> from datetime import datetime, timezone
        >>> w = Workload.from_counts([0, 10, 20], timedelta(minutes=3),
        ...                          start=datetime(2025, 6, 2, 8, tzinfo=timezone.utc))
        >>> w.intervals, float(w.handle_seconds.sum())
        (3, 5400.0)
        """
        c = _volumes(counts, "counts")
        if isinstance(aht, timedelta):
            problems: list[Problem] = []
            h = np.full(c.shape, positive_duration(aht, "aht", problems))
            raise_all(problems, "workload")
        else:
            h = _volumes(aht, "aht")
            if h.shape != c.shape:
                raise EconomicsError(f"{h.size} AHTs for {c.size} intervals", field="aht")
            if ((h == 0) & (c > 0)).any():
                raise EconomicsError("an interval with contacts needs an AHT > 0", field="aht")
        mask = None if open is None else np.asarray(open, dtype=np.bool_)
        return cls(start, interval, c, np.where(c > 0, c * h, 0.0), mask)

    @classmethod
    def from_contacts(
        cls,
        created: npt.ArrayLike,
        handle_seconds: npt.ArrayLike,
        *,
        start: datetime,
        end: datetime,
        interval: timedelta = timedelta(minutes=30),
        calendar: Calendar | None = None,
    ) -> Workload:
        """Count a contact table into intervals (vectorized, one pass).

        ``created`` are epoch seconds (int) of each contact's arrival,
        ``handle_seconds`` its handling work. The intervals must tile
        ``[start, end)``; a contact outside it is an error, never dropped.
        With a ``calendar`` (an :class:`sla.calendar.Calendar`, the tier's
        coverage), work that arrived while it was closed lands at its next
        opening (the overnight backlog, as the SLA clocks count it), the
        workload records which intervals are open and no target staffs a
        closed one. Work no opening before the period's end can take stays
        in the period's last open interval.
        """
        first, last = _epoch(start, "start"), _epoch(end, "end")
        step = interval_seconds(interval)
        if last <= first:
            raise EconomicsError("must be after start", field="end")
        if (last - first) % step:
            raise EconomicsError(
                f"intervals of {interval} do not tile {start} to {end}", field="interval"
            )
        t = np.asarray(created)
        if t.dtype.kind == "M":
            t = t.astype("datetime64[s]").astype(np.int64)
        if t.ndim != 1 or t.dtype.kind not in "iu":
            raise EconomicsError("expected epoch seconds (int) per contact", field="created")
        t = t.astype(np.int64)
        work = _volumes(handle_seconds, "handle_seconds")
        if work.shape != t.shape:
            raise EconomicsError(
                f"{work.shape[0]} handle times for {t.shape[0]} contacts", field="handle_seconds"
            )
        outside = (t < first) | (t >= last)
        if outside.any():
            raise EconomicsError(
                f"{int(outside.sum())} contacts arrived outside the period "
                f"(first at epoch {int(t[outside][0])})",
                field="created",
            )
        if calendar is not None and not isinstance(calendar, Calendar):
            raise EconomicsError(f"expected an sla Calendar, got {calendar!r}", field="calendar")
        n = (last - first) // step
        mask = None
        if calendar is not None:
            begins = first + step * np.arange(n, dtype=np.int64)
            opens = np.asarray(calendar.add_many(begins, 0), dtype=np.int64)
            mask = opens < begins + step  # open at some instant of the interval
            if t.size:
                if not mask.any():
                    raise EconomicsError(
                        f"the calendar is never open from {start} to {end}", field="calendar"
                    )
                t = np.asarray(calendar.add_many(t, 0), dtype=np.int64)
                # Work no opening before the end can take stays in the last open interval.
                t = np.where(t >= last, begins[np.flatnonzero(mask)[-1]], t)
        slot = (t - first) // step
        contacts = np.bincount(slot, minlength=n).astype(np.float64)
        handle = np.bincount(slot, weights=work, minlength=n).astype(np.float64)
        return cls(start, interval, contacts, handle, mask)

    # -- views ---------------------------------------------------------------------------------

    @property
    def intervals(self) -> int:
        """How many intervals tile the period."""
        return int(self.contacts.shape[0])

    @property
    def end(self) -> datetime:
        """The end of the last interval."""
        return self.start + self.interval * self.intervals

    def interval_start(self, i: int) -> datetime:
        """When interval ``i`` starts (in the zone of ``start``)."""
        return self.start + self.interval * i

    def aht_seconds(self) -> Floats:
        """Average handle time per interval (0 where no contact arrived)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.contacts > 0, self.handle_seconds / self.contacts, 0.0)

    def scaled(self, factor: float) -> Workload:
        """Every interval's volume times ``factor`` (same AHT)."""
        if not (isinstance(factor, int | float) and factor >= 0 and np.isfinite(factor)):
            raise EconomicsError(f"must be a finite number >= 0, got {factor!r}", field="factor")
        return Workload(
            self.start,
            self.interval,
            self.contacts * factor,
            self.handle_seconds * factor,
            self.open,
        )

    def with_aht(self, aht: timedelta) -> Workload:
        """The same volumes at one AHT in every interval."""
        return Workload.from_counts(
            self.contacts, aht, start=self.start, interval=self.interval, open=self.open
        )


def _staffable(workload: Workload) -> tuple[Floats, Floats]:
    """Calls and AHT per interval, with a harmless AHT of 1 s where no work came.

    Contacts with no handle time (a missed call whose callback is its own leg)
    bring no work: an interval of only such contacts needs no agent.
    """
    work = workload.handle_seconds > 0
    calls = np.where(work, workload.contacts, 0.0)
    return calls, np.where(work, workload.aht_seconds(), 1.0)


@attrs.frozen
class VoiceTarget:
    """Voice: ``service_level`` of calls answered within ``within`` (Erlang C).

    With a mean ``patience`` callers abandon and each interval is staffed by
    Erlang A (:meth:`Queue.agents_for` interval by interval).
    """

    service_level: float
    within: timedelta
    patience: timedelta | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        target_share(self.service_level, "service_level", problems)
        positive_duration(self.within, "within", problems)
        if self.patience is not None:
            positive_duration(self.patience, "patience", problems)
        raise_all(problems, "voice target")

    def agents(self, workload: Workload) -> Ints:
        """Agents on the phone per interval (0 where no call came)."""
        calls, aht = _staffable(workload)
        if self.patience is None:
            return agents_for_many(
                calls, workload.interval, aht, service_level=self.service_level, within=self.within
            )
        out = np.zeros(calls.shape, dtype=np.int64)
        for i in np.flatnonzero(calls > 0):
            queue = Queue(
                float(calls[i]), workload.interval, timedelta(seconds=float(aht[i])), self.patience
            )
            out[i] = int(queue.agents_for(service_level=self.service_level, within=self.within))
        return out


@attrs.frozen
class ChatTarget:
    """Chat: ``service_level`` of chats answered within ``within``, ``concurrency`` at once.

    Each chat slot is an Erlang C server; operators = ``ceil(slots / concurrency)``
    (as :class:`ChatQueue`). The workload's handle time is how long a chat
    holds its slot when handled concurrently.
    """

    service_level: float
    within: timedelta
    concurrency: int = 2

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        target_share(self.service_level, "service_level", problems)
        positive_duration(self.within, "within", problems)
        if isinstance(self.concurrency, bool) or not isinstance(self.concurrency, int):
            problems.append(Problem("concurrency", "must be a whole number of chats"))
        elif self.concurrency < 1:
            problems.append(Problem("concurrency", f"must be >= 1, got {self.concurrency}"))
        raise_all(problems, "chat target")

    def agents(self, workload: Workload) -> Ints:
        """Operators per interval (0 where no chat came)."""
        calls, aht = _staffable(workload)
        slots = agents_for_many(
            calls, workload.interval, aht, service_level=self.service_level, within=self.within
        )
        return -(-slots // self.concurrency)


@attrs.frozen
class WrittenTarget:
    """Messengers and e-mail: ``share`` of messages answered within ``respond_within``.

    The work of each interval is spread over the response window, then Erlang C
    with the response time as ``within`` under an occupancy ceiling staffs it
    (as :class:`WrittenQueue`). Build the workload with the tier's calendar so
    the overnight backlog lands at opening.
    """

    respond_within: timedelta
    share: float = 0.9
    max_occupancy: float = 0.85

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        positive_duration(self.respond_within, "respond_within", problems)
        target_share(self.share, "share", problems)
        target_share(self.max_occupancy, "max_occupancy", problems)
        raise_all(problems, "written target")

    def agents(self, workload: Workload) -> Ints:
        """Agents per interval.

        A message may wait ``respond_within``, so each interval's work is spread
        evenly over the intervals of that window (from its arrival on, counting
        only open intervals when the workload knows them; work the period's end
        would cut off stays in the last one) before Erlang C staffs it. Without
        this, a Monday-morning backlog would need all its agents in the first half
        hour.
        """
        window = max(1, int(self.respond_within // workload.interval))
        if window > 1:
            n = workload.intervals
            # Spread over the next `window` *open* intervals: the response window runs
            # on the tier's calendar, as the SLA clock does.
            where = np.arange(n) if workload.open is None else np.flatnonzero(workload.open)
            kernel = np.full(window, 1.0 / window)
            contacts = np.convolve(workload.contacts[where], kernel)
            handle = np.convolve(workload.handle_seconds[where], kernel)
            m = where.size
            if m:
                contacts[m - 1] += contacts[m:].sum()
                handle[m - 1] += handle[m:].sum()
            spread_c, spread_h = np.zeros(n), np.zeros(n)
            spread_c[where] = np.maximum(contacts[:m], 0.0)
            spread_h[where] = np.where(contacts[:m] > 0, np.maximum(handle[:m], 0.0), 0.0)
            workload = Workload(workload.start, workload.interval, spread_c, spread_h)
        calls, aht = _staffable(workload)
        return agents_for_many(
            calls,
            workload.interval,
            aht,
            service_level=self.share,
            within=self.respond_within,
            max_occupancy=self.max_occupancy,
        )
