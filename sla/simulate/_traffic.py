"""A seeded generator of realistic contact traffic for tiers A, B and C.

Arrivals are Poisson per local hour with an intraday curve, a weekly curve
and quieter holidays; each contact then follows its channel's story:

* written (messenger, e-mail, web chat, web form): created with the customer's
  message; optionally answered by a bot (deflection, with a success rate);
  a human first reply within business hours; sometimes pending on the
  customer, who answers later and gets a next reply; solved; sometimes reopened;
* voice: offered, answered after a wait or abandoned when patience runs out;
  outside the tier's hours the call never reaches the queue; a missed or
  out-of-hours call becomes a callback contact, returned in business hours.

Everything is drawn with one ``numpy.random.Generator`` from ``seed``, fully
vectorized: the same arguments give the same events, row for row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from sla._errors import SLAError
from sla._types import Ints
from sla.calendar import Calendar, local_date, wall_to_epoch, zone
from sla.simulate._assemble import KINDS as KINDS
from sla.simulate._assemble import STATUSES as STATUSES
from sla.simulate._assemble import _contacts_table, _Emitter, _events_table
from sla.simulate._table import ColumnTable

__all__ = ["DEFAULT_INTRADAY", "TierTraffic", "Traffic", "default_tiers", "generate"]

#: Share of a day's contacts per local hour 0..23 (a two-hump office curve).
DEFAULT_INTRADAY: Final = (
    0.004, 0.003, 0.002, 0.002, 0.003, 0.006, 0.015, 0.035, 0.065, 0.090, 0.095, 0.090,
    0.070, 0.080, 0.085, 0.080, 0.070, 0.060, 0.045, 0.035, 0.025, 0.017, 0.012, 0.010,
)  # fmt: skip
#: Relative volume Monday..Sunday.
DEFAULT_WEEKLY: Final = (1.15, 1.05, 1.0, 1.0, 0.95, 0.3, 0.2)

_WRITTEN: Final = ("messenger", "email", "web_chat", "web_form")


def _shares(value: Mapping[str, float], field: str) -> dict[str, float]:
    shares = {str(k): float(v) for k, v in value.items()}
    if not shares or any(v < 0 for v in shares.values()) or sum(shares.values()) <= 0:
        raise SLAError("shares must be non-negative and not all zero", field=field)
    total = sum(shares.values())
    return {k: v / total for k, v in shares.items()}


def _channel_shares(value: Mapping[str, float]) -> dict[str, float]:
    return _shares(value, "channels")


def _priority_shares(value: Mapping[str, float]) -> dict[str, float]:
    return _shares(value, "priorities")


@attrs.frozen(slots=True)
class TierTraffic:
    """How one tier's customers make contact.

    Durations are medians of log-normal draws (``spread`` is the log-normal
    sigma). Response delays are *business* time on the tier's calendar, so
    agents reply while the tier's hours are open.
    """

    tier: str
    contacts_per_day: float
    channels: Mapping[str, float] = attrs.field(converter=_channel_shares)
    customers: int = 100
    priorities: Mapping[str, float] = attrs.field(
        default={"urgent": 0.05, "high": 0.15, "normal": 0.6, "low": 0.2},
        converter=_priority_shares,
    )
    calendar: Calendar = attrs.field(
        factory=lambda: Calendar.weekly({"mon-fri": "09:00-18:00"}, tz="Europe/Berlin")
    )
    first_response_median: timedelta = timedelta(minutes=20)
    next_response_median: timedelta = timedelta(minutes=30)
    customer_reply_median: timedelta = timedelta(hours=3)
    handle_median: timedelta = timedelta(minutes=4)
    #: Share of contacts simple enough for a bot (order status, "where is my courier").
    deflectable_share: float = 0.0
    #: Share of those the bot actually resolves.
    bot_success: float = 0.8
    pending_share: float = 0.3
    reopen_share: float = 0.05
    priority_change_share: float = 0.02
    answer_wait_mean: timedelta = timedelta(seconds=15)
    patience_mean: timedelta = timedelta(seconds=90)
    callback_median: timedelta = timedelta(minutes=30)
    spread: float = 0.6
    #: This tier's own share of contacts per local hour 0..23 (default: the global curve).
    intraday: tuple[float, ...] | None = None

    def __attrs_post_init__(self) -> None:
        if self.intraday is not None and (
            len(self.intraday) != 24 or any(v < 0 for v in self.intraday) or sum(self.intraday) <= 0
        ):
            raise SLAError("needs 24 non-negative hourly shares", field="intraday")
        for name in ("deflectable_share", "bot_success", "pending_share", "reopen_share",
                     "priority_change_share"):  # fmt: skip
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise SLAError(f"{value!r} is not a share between 0 and 1", field=name)
        if self.contacts_per_day < 0:
            raise SLAError("must be zero or more", field="contacts_per_day")
        if self.customers < 1:
            raise SLAError("need at least one customer", field="customers")


def default_tiers(tz: str = "Europe/Berlin") -> tuple[TierTraffic, ...]:
    """Traffic for the catalogue tiers: A voice-first, B written, C web chat with a bot."""
    office = Calendar.weekly({"mon-fri": "09:00-18:00"}, tz=tz)
    long_days = Calendar.weekly({"daily": "08:00-20:00"}, tz=tz)
    return (
        TierTraffic(
            "A",
            120,
            {"voice": 0.8, "email": 0.2},
            customers=60,
            calendar=office,
            handle_median=timedelta(minutes=5),
            first_response_median=timedelta(minutes=15),
        ),
        TierTraffic(
            "B",
            400,
            {"messenger": 0.7, "email": 0.3},
            customers=400,
            calendar=office,
            first_response_median=timedelta(minutes=25),
            deflectable_share=0.2,
        ),
        TierTraffic(
            "C",
            1500,
            {"web_chat": 0.9, "web_form": 0.1},
            customers=20000,
            calendar=long_days,
            first_response_median=timedelta(minutes=1),
            next_response_median=timedelta(minutes=2),
            customer_reply_median=timedelta(minutes=5),
            deflectable_share=0.45,
            handle_median=timedelta(minutes=6),
        ),
    )


@attrs.frozen(slots=True, eq=False)
class Traffic:
    """Generated traffic: ``events`` (one row per event) and ``contacts`` (one row each).

    ``events`` follows the clock engine's event table schema (``contact_id``,
    ``at`` in epoch seconds, ``kind``, ``channel``, ``priority``, ``tier``,
    ``status``, ``public``, ``by_bot``, ``value``) plus ``customer``; rows are
    sorted by contact, then time. ``contacts`` carries what economics and
    billing need: tier, channel, priority, customer, created, handle seconds,
    whether a bot resolved it and whether the call was abandoned.
    """

    events: ColumnTable
    contacts: ColumnTable
    tz: str
    start: date
    days: int
    seed: int


def _hour_starts(start: date, days: int, tz: str) -> tuple[Ints, Ints]:
    """Epoch seconds of each local wall-clock hour start, and that local hour.

    A wall hour inside a spring-forward gap maps forward onto the next hour and
    is dropped; the repeated hour of an autumn overlap belongs to the first
    occurrence, so that hour bucket is two real hours long.
    """
    info = zone(tz)
    starts: list[int] = []
    hours: list[int] = []
    for offset in range(days + 1):
        day = start + timedelta(days=offset)
        for hour in range(24):
            stamp = wall_to_epoch(info, day, hour * 3600)
            if starts and stamp <= starts[-1]:
                continue
            starts.append(stamp)
            hours.append(hour)
    return np.array(starts, dtype=np.int64), np.array(hours, dtype=np.int64)


def _lognormal(rng: np.random.Generator, median: timedelta, spread: float, n: int) -> Ints:
    seconds = median.total_seconds() * rng.lognormal(0.0, spread, n)
    return np.maximum(1, np.rint(seconds)).astype(np.int64)


def _exponential(rng: np.random.Generator, mean: timedelta, n: int) -> Ints:
    return np.rint(rng.exponential(mean.total_seconds(), n)).astype(np.int64)


def generate(
    start: date,
    days: int,
    *,
    tiers: Sequence[TierTraffic] | None = None,
    tz: str = "Europe/Berlin",
    seed: int = 0,
    scale: float = 1.0,
    holidays: Sequence[date] = (),
    holiday_factor: float = 0.15,
    intraday: Sequence[float] = DEFAULT_INTRADAY,
    weekly: Sequence[float] = DEFAULT_WEEKLY,
) -> Traffic:
    """Generate ``days`` days of traffic from local date ``start`` in zone ``tz``.

    ``scale`` multiplies every tier's volume (``scale=10`` for ten times the
    contacts). The result is reproducible: the same arguments and ``seed``
    give identical tables.

    >>> traffic = generate(date(2025, 6, 2), 1, seed=1)
    >>> len(traffic.events) > len(traffic.contacts) > 0
    True
    """
    if days < 1:
        raise SLAError("must be at least 1", field="days")
    if scale < 0:
        raise SLAError("must be zero or more", field="scale")
    if len(intraday) != 24 or any(v < 0 for v in intraday) or sum(intraday) <= 0:
        raise SLAError("needs 24 non-negative hourly shares", field="intraday")
    if len(weekly) != 7 or any(v < 0 for v in weekly):
        raise SLAError("needs 7 non-negative daily weights (Monday first)", field="weekly")
    tiers = tuple(default_tiers(tz) if tiers is None else tiers)
    if not tiers:
        raise SLAError("need at least one tier", field="tiers")
    rng = np.random.default_rng(seed)

    hour_starts, local_hours = _hour_starts(start, days, tz)
    info = zone(tz)
    local_days = np.array(
        [local_date(int(s), info).toordinal() for s in hour_starts],
        dtype=np.int64,
    )
    end_ordinal = (start + timedelta(days=days)).toordinal()
    keep = local_days < end_ordinal
    hour_starts, local_hours, local_days = hour_starts[keep], local_hours[keep], local_days[keep]
    hour_len = np.diff(np.append(hour_starts, hour_starts[-1] + 3600))
    weekday = (local_days + 6) % 7  # date.toordinal(): 1 = Monday 0001-01-01
    day_weight = np.asarray(weekly, dtype=np.float64)[weekday]
    holiday_set = np.array([d.toordinal() for d in holidays], dtype=np.int64)
    day_weight = np.where(np.isin(local_days, holiday_set), day_weight * holiday_factor, day_weight)

    def hour_weights(shares: Sequence[float]) -> npt.NDArray[np.float64]:
        curve = np.asarray(shares, dtype=np.float64) / float(sum(shares))
        return curve[local_hours] * day_weight

    parts: list[dict[str, Any]] = []
    for tier_index, tier in enumerate(tiers):
        weight = hour_weights(intraday if tier.intraday is None else tier.intraday)
        counts = rng.poisson(tier.contacts_per_day * scale * weight)
        n = int(counts.sum())
        arrival = np.repeat(hour_starts, counts) + np.floor(
            rng.random(n) * np.repeat(hour_len, counts)
        ).astype(np.int64)
        channels = list(tier.channels)
        channel = rng.choice(len(channels), n, p=list(tier.channels.values()))
        priorities = list(tier.priorities)
        priority = rng.choice(len(priorities), n, p=list(tier.priorities.values()))
        customer = rng.zipf(1.3, n) % tier.customers
        parts.append(
            {
                "tier": tier,
                "tier_index": tier_index,
                "arrival": arrival,
                "channel": np.array(channels, dtype=object)[channel],
                "priority": np.array(priorities, dtype=object)[priority],
                "customer": np.char.add(f"{tier.tier}-", customer.astype(str)).astype(object),
            }
        )
    return _build(parts, rng, tz=tz, start=start, days=days, seed=seed)


def _build(
    parts: list[dict[str, Any]], rng: np.random.Generator, *, tz: str, start: date, days: int,
    seed: int,
) -> Traffic:  # fmt: skip
    arrival = np.concatenate([p["arrival"] for p in parts])
    order = np.argsort(arrival, kind="stable")
    n = len(arrival)
    arrival = arrival[order]
    channel = np.concatenate([p["channel"] for p in parts])[order]
    priority = np.concatenate([p["priority"] for p in parts])[order]
    customer = np.concatenate([p["customer"] for p in parts])[order]
    tier_idx = np.concatenate(
        [np.full(len(p["arrival"]), p["tier_index"], dtype=np.int64) for p in parts]
    )[order]
    tiers: list[TierTraffic] = [p["tier"] for p in parts]

    out = _Emitter()
    everyone = np.arange(n, dtype=np.int64)
    out.emit(everyone, arrival, "created", order=0)
    handle = np.zeros(n, dtype=np.int64)
    bot_solved = np.zeros(n, dtype=bool)
    abandoned = np.zeros(n, dtype=bool)
    is_voice = channel == "voice"
    callbacks: list[tuple[Ints, Ints, Ints, Ints]] = []

    for t, tier in enumerate(tiers):
        mine = tier_idx == t
        cal = tier.calendar
        # --- voice -------------------------------------------------------------
        rows = everyone[mine & is_voice]
        if len(rows):
            t0 = arrival[rows]
            wait = _exponential(rng, tier.answer_wait_mean, len(rows))
            patience = _exponential(rng, tier.patience_mean, len(rows))
            talk = _lognormal(rng, tier.handle_median, tier.spread, len(rows))
            # Outside the tier's hours the call never reaches the queue: the front desk
            # (or the IVR) records the question and a callback contact takes it from there.
            open_now = cal.elapsed_many(t0, t0 + 1) == 1
            answered = (wait <= patience) & open_now
            queued = rows[open_now]
            out.emit(queued, t0[open_now], "call_offered", order=1)
            ok = rows[answered]
            t_answer = t0[answered] + wait[answered]
            out.emit(ok, t_answer, "call_answered", order=2)
            out.emit(ok, t_answer + talk[answered], "status", status="solved", order=3)
            handle[ok] = talk[answered]
            dropped = open_now & ~answered
            lost = rows[dropped]
            t_lost = t0[dropped] + patience[dropped]
            out.emit(lost, t_lost, "call_abandoned", order=2)
            abandoned[lost] = True
            # Missed or out of hours: the call is closed and its follow-up lives on a
            # callback contact of its own.
            missed = ~answered
            t_missed = np.where(open_now, t0 + patience, t0)[missed]
            out.emit(rows[missed], t_missed, "status", status="closed", order=3)
            delay = _lognormal(rng, tier.callback_median, tier.spread, int(missed.sum()))
            callbacks.append((rows[missed], t_missed, cal.add_many(t_missed, delay), talk[missed]))
        # --- written -----------------------------------------------------------
        rows = everyone[mine & ~is_voice]
        if not len(rows):
            continue
        m = len(rows)
        t0 = arrival[rows]
        out.emit(rows, t0, "customer_message", order=1)
        simple = rng.random(m) < tier.deflectable_share
        bot_ok = simple & (rng.random(m) < tier.bot_success)
        out.emit(rows[simple], t0[simple] + 3, "agent_reply", by_bot=True, order=2)
        out.emit(rows[bot_ok], t0[bot_ok] + 60, "status", status="solved", order=3)
        bot_solved[rows[bot_ok]] = True
        human = ~bot_ok
        h_rows, h_t0 = rows[human], t0[human]
        k = len(h_rows)
        first = cal.add_many(h_t0, _lognormal(rng, tier.first_response_median, tier.spread, k))
        out.emit(h_rows, first, "agent_reply", order=4)
        work = _lognormal(rng, tier.handle_median, tier.spread, k)
        handle[h_rows] = work
        # Some contacts change priority while waiting for the first reply.
        bump = rng.random(k) < tier.priority_change_share
        bump_at = h_t0[bump] + np.maximum(1, (first[bump] - h_t0[bump]) // 2)
        out.emit(h_rows[bump], bump_at, "priority_change", order=5)
        # Pending on the customer, who answers later and gets a next reply.
        pend = rng.random(k) < tier.pending_share
        p_rows, p_first = h_rows[pend], first[pend]
        out.emit(p_rows, p_first, "status", status="pending", order=6)
        back = p_first + _lognormal(rng, tier.customer_reply_median, tier.spread, len(p_rows))
        out.emit(p_rows, back, "customer_message", order=7)
        out.emit(p_rows, back, "status", status="open", order=8)
        nxt = cal.add_many(
            back, _lognormal(rng, tier.next_response_median, tier.spread, len(p_rows))
        )
        out.emit(p_rows, nxt, "agent_reply", order=9)
        handle[p_rows] += work[pend] // 2
        last = first.copy()
        last[pend] = nxt
        solved = last + 30
        out.emit(h_rows, solved, "status", status="solved", order=10)
        # A few come back.
        reopen = rng.random(k) < tier.reopen_share
        r_rows = h_rows[reopen]
        r_at = solved[reopen] + _lognormal(rng, timedelta(days=1), tier.spread, len(r_rows))
        out.emit(r_rows, r_at, "status", status="reopened", order=11)
        out.emit(r_rows, r_at, "customer_message", order=12)
        r_reply = cal.add_many(
            r_at, _lognormal(rng, tier.next_response_median, tier.spread, len(r_rows))
        )
        out.emit(r_rows, r_reply, "agent_reply", order=13)
        out.emit(r_rows, r_reply + 30, "status", status="solved", order=14)

    # Callback contacts: created when the call was missed, returned in business hours.
    request = np.arange(n, dtype=np.int64)
    if callbacks:
        parent = np.concatenate([c[0] for c in callbacks])
        t_req = np.concatenate([c[1] for c in callbacks])
        t_back = np.concatenate([c[2] for c in callbacks])
        talk = np.concatenate([c[3] for c in callbacks])
        new = np.arange(n, n + len(parent), dtype=np.int64)
        out.emit(new, t_req, "created", order=0)
        out.emit(new, t_req, "callback_requested", order=1)
        out.emit(new, t_back, "callback_made", order=2)
        out.emit(new, t_back + talk, "status", status="solved", order=3)
        request = np.concatenate([request, parent])  # a callback is a leg of its call's request
        arrival = np.concatenate([arrival, t_req])
        channel = np.concatenate([channel, np.full(len(new), "callback", dtype=object)])
        priority = np.concatenate([priority, priority[parent]])
        customer = np.concatenate([customer, customer[parent]])
        tier_idx = np.concatenate([tier_idx, tier_idx[parent]])
        handle = np.concatenate([handle, talk])
        bot_solved = np.concatenate([bot_solved, np.zeros(len(new), dtype=bool)])
        abandoned = np.concatenate([abandoned, np.zeros(len(new), dtype=bool)])

    return Traffic(
        events=_events_table(out, channel, priority, customer, tier_idx, tiers, rng),
        contacts=_contacts_table(
            arrival,
            channel,
            priority,
            customer,
            tier_idx,
            tiers,
            handle,
            bot_solved,
            abandoned,
            request,
        ),
        tz=tz,
        start=start,
        days=days,
        seed=seed,
    )
