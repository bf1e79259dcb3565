"""What the engine reports: cycles, notifications, and one contact's evaluation."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal, NamedTuple, Unpack

import attrs

from sla._errors import ClockError
from sla._types import JSONOptions
from sla.calendar import zone

__all__ = ["CycleResult", "Escalation", "Evaluation", "Move", "Notification", "Status"]

Status = Literal["active", "paused", "met", "breached", "cancelled", "abandoned"]


@lru_cache(maxsize=256)
def _zone(name: str) -> tzinfo:
    return zone(name, error=ClockError)


def iso(seconds: int | None, tz: str) -> str | None:
    """Offset-aware ISO 8601 text of epoch ``seconds`` in zone ``tz``."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, _zone(tz)).isoformat()


class Move(NamedTuple):
    """One event that moved a clock: when, which event, and what it did.

    (A named tuple rather than an attrs class: a contact makes one per event,
    on the request path, and tuples are the cheapest immutable record.)
    """

    at: int
    event: str
    effect: str


class Notification(NamedTuple):
    """A warning, an escalation or the breach of one cycle, and who is told.

    ``fired`` is true once it happened by the evaluation instant; a future
    one is *scheduled* (its ``at`` is a projection that assumes no further
    events). ``suppressed`` marks past warnings that a retroactive target
    change would have fired: they are reported, never fired after the fact.
    """

    kind: Literal["warning", "escalation", "breach"]
    at: int
    threshold_seconds: int
    notify: str | None
    who: str | None
    fired: bool
    suppressed: bool = False


class Escalation(NamedTuple):
    """An ``escalate`` event of a contact and who was told at that instant.

    ``notify`` is what the level names (``"on_call"``, ``"assignee"``, a role
    or person); ``who`` is it resolved at ``at`` (``None`` in an on-call gap
    or with no assignee).
    """

    at: int
    reason: str
    notify: str
    who: str | None


class CycleResult(NamedTuple):
    """One cycle of one metric of one contact, as of an instant (an immutable record).

    Instants are epoch seconds (``*_time`` properties give aware datetimes in
    ``tz``); durations are whole seconds of the target's clock (business time
    on its calendar, or calendar time). ``fraction_used`` is exact.
    ``due`` is ``None`` while a paused clock has not reached its target.
    A named tuple, not an attrs class, because the request path builds one
    per metric per evaluation and a tuple is several times cheaper to make.
    """

    contact_id: str
    metric: str
    cycle: int
    status: Status
    start: int
    due: int | None
    stop: int | None
    breach_at: int | None
    target_seconds: int
    elapsed_seconds: int
    remaining_seconds: int
    overdue_seconds: int
    calendar_seconds: int
    fraction_used: Fraction
    notifications: tuple[Notification, ...]
    explanation: tuple[Move, ...]
    policy_id: str
    policy_version: str
    calendar_versions: tuple[str, ...]
    tz: str
    channel: str
    priority: str
    tier: str | None

    @property
    def start_time(self) -> datetime:
        """``start`` as an aware datetime in ``tz``."""
        return datetime.fromtimestamp(self.start, _zone(self.tz))

    @property
    def due_time(self) -> datetime | None:
        """``due`` as an aware datetime in ``tz`` (``None`` while paused short of it)."""
        return None if self.due is None else datetime.fromtimestamp(self.due, _zone(self.tz))

    @property
    def stop_time(self) -> datetime | None:
        """``stop`` as an aware datetime in ``tz``."""
        return None if self.stop is None else datetime.fromtimestamp(self.stop, _zone(self.tz))

    @property
    def breach_time(self) -> datetime | None:
        """``breach_at`` as an aware datetime in ``tz``."""
        if self.breach_at is None:
            return None
        return datetime.fromtimestamp(self.breach_at, _zone(self.tz))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ISO 8601 instants with offsets, the fraction as ``"n/d"``."""
        tz = self.tz
        return {
            "contact_id": self.contact_id,
            "metric": self.metric,
            "cycle": self.cycle,
            "status": self.status,
            "start": iso(self.start, tz),
            "due": iso(self.due, tz),
            "stop": iso(self.stop, tz),
            "breach_at": iso(self.breach_at, tz),
            "target_seconds": self.target_seconds,
            "elapsed_seconds": self.elapsed_seconds,
            "remaining_seconds": self.remaining_seconds,
            "overdue_seconds": self.overdue_seconds,
            "calendar_seconds": self.calendar_seconds,
            "fraction_used": str(self.fraction_used),
            "notifications": [
                {
                    "kind": n.kind,
                    "at": iso(n.at, tz),
                    "threshold_seconds": n.threshold_seconds,
                    "notify": n.notify,
                    "who": n.who,
                    "fired": n.fired,
                    "suppressed": n.suppressed,
                }
                for n in self.notifications
            ],
            "explanation": [
                {"at": iso(m.at, tz), "event": m.event, "effect": m.effect}
                for m in self.explanation
            ],
            "policy_id": self.policy_id,
            "policy_version": self.policy_version,
            "calendar_versions": list(self.calendar_versions),
            "channel": self.channel,
            "priority": self.priority,
            "tier": self.tier,
        }


def next_change(cycle: CycleResult, after: int) -> int | None:
    """The first instant after ``after`` at which ``cycle``'s result changes, if any."""
    if cycle.status not in ("active", "breached") or cycle.stop is not None:
        return None
    best: int | None = None
    for n in cycle.notifications:
        at = n.at + 1 if n.kind == "breach" else n.at
        if at > after and not n.suppressed and (best is None or at < best):
            best = at
    return best


@attrs.frozen(slots=True)
class Evaluation:
    """Every metric cycle of one contact as of ``as_of`` (epoch seconds)."""

    contact_id: str
    as_of: int
    cycles: tuple[CycleResult, ...]
    tz: str
    #: Who was told at each ``escalate`` event (bad news), in time order.
    escalations: tuple[Escalation, ...] = ()

    def cycle(self, metric: str, index: int = -1) -> CycleResult:
        """The ``index``-th cycle of ``metric`` (default: the latest); KeyError if none."""
        found = [c for c in self.cycles if c.metric == metric]
        if not found:
            raise KeyError(metric)
        return found[index]

    def next_event_at(self, now: int | datetime | None = None) -> int | None:
        """The next instant after ``now`` (default ``as_of``) at which a result changes.

        Warnings and escalations change things at their instant, a breach one
        second after the deadline (a reply in the due second is in time).
        ``None`` when nothing is scheduled (every clock stopped or paused).
        """
        from sla.clocks._events import to_seconds

        after = self.as_of if now is None else to_seconds(now, field="now")
        best: int | None = None
        for c in self.cycles:
            at = next_change(c, after)
            if at is not None and (best is None or at < best):
                best = at
        return best

    def next_event_time(self, now: int | datetime | None = None) -> datetime | None:
        """:meth:`next_event_at` as an aware datetime in ``tz``."""
        at = self.next_event_at(now)
        return None if at is None else datetime.fromtimestamp(at, _zone(self.tz))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the whole evaluation."""
        return {
            "contact_id": self.contact_id,
            "as_of": iso(self.as_of, self.tz),
            "next_event_at": iso(self.next_event_at(), self.tz),
            "cycles": [c.to_dict() for c in self.cycles],
            "escalations": [
                {"at": iso(e.at, self.tz), "reason": e.reason, "notify": e.notify, "who": e.who}
                for e in self.escalations
            ],
        }

    def to_json(self, **kwargs: Unpack[JSONOptions]) -> str:
        """JSON text with offset-aware ISO 8601 instants."""
        return json.dumps(self.to_dict(), **kwargs)
