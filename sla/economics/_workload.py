"""A period's workload: contacts and handle time per interval.

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
from sla._types import Floats
from sla.calendar import Calendar, to_epoch
from sla.economics._check import positive_duration, raise_all

__all__ = ["Workload", "interval_seconds"]


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
