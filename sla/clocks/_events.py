"""What happened to a contact: the event model and the canonical event table.

Instants are integer seconds since the Unix epoch inside the engine. Every
constructor also accepts an aware :class:`~datetime.datetime` (stdlib,
pendulum, pandas ``Timestamp``) and refuses naive ones, because a wall time
without a zone is not an instant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from sla._errors import ClockError
from sla.calendar import to_epoch
from sla.tiers import Channel

__all__ = [
    "EVENT_KINDS",
    "EVENT_TABLE_SCHEMA",
    "STATUSES",
    "Contact",
    "Event",
    "to_seconds",
]

#: Every kind of contact event the engine understands.
EVENT_KINDS: Final = (
    "created",
    "customer_message",
    "agent_reply",
    "status",
    "priority_change",
    "tier_change",
    "call_offered",
    "call_answered",
    "call_abandoned",
    "callback_requested",
    "callback_made",
    "assigned",
    "escalate",
)

#: Every ticket status a ``status`` event may carry.
STATUSES: Final = ("new", "open", "pending", "on_hold", "solved", "closed", "reopened")

#: The canonical one-row-per-event table read by :func:`sla.clocks.evaluate_table`.
#: Column name -> (type, meaning). ``at`` is int64 epoch seconds or an aware
#: timestamp column; the nullable columns are only read for the kinds named.
EVENT_TABLE_SCHEMA: Final[Mapping[str, tuple[str, str]]] = {
    "contact_id": ("str | int64", "the contact (call, chat, ticket) the event belongs to"),
    "at": ("int64 epoch seconds | timestamp[tz]", "when it happened; naive timestamps refused"),
    "kind": ("str", f"one of {', '.join(EVENT_KINDS)}"),
    "channel": ("str | null", "the contact's channel (read from its `created` row)"),
    "priority": ("str | null", "the contact's priority (read from its `created` row)"),
    "tier": ("str | null", "the contact's tier code (read from its `created` row)"),
    "status": ("str | null", f"for kind=status: one of {', '.join(STATUSES)}"),
    "public": ("bool | null", "for agent_reply: public (default) or internal note"),
    "by_bot": ("bool | null", "for agent_reply: written by a bot (default false)"),
    "value": ("str | null", "new priority, new tier code, assignee, or escalation reason"),
}

_KIND_SET = frozenset(EVENT_KINDS)
#: Kinds that carry a ``value``, and what it is.
_NEEDS_VALUE: Final = {
    "priority_change": "the new priority",
    "tier_change": "the new tier code",
    "assigned": "the assignee",
    "escalate": "the reason",
}
_STATUS_SET = frozenset(STATUSES)


#: The largest epoch second an instant may have (9999-12-31T23:59:59Z); the smallest is
#: ``-MAX_EPOCH_SECONDS``. Integers beyond it are not seconds: see :func:`check_epoch_seconds`.
MAX_EPOCH_SECONDS: Final = 253_402_300_799

_UNITS: Final = (
    (1_000, "milliseconds"),
    (1_000_000, "microseconds"),
    (1_000_000_000, "nanoseconds"),
)


def check_epoch_seconds(value: int, *, field: str = "at") -> int:
    """``value`` if it can be epoch seconds, else a :class:`~sla.ClockError` naming its unit.

    Epoch *milliseconds* (``1748847600000``) are a common mix-up: an integer
    beyond year 9999 as seconds is refused with the unit it most likely is.

    >>> check_epoch_seconds(1748847600)
    1748847600
    """
    if -MAX_EPOCH_SECONDS <= value <= MAX_EPOCH_SECONDS:
        return value
    for per_second, unit in _UNITS:
        if abs(value) <= MAX_EPOCH_SECONDS * per_second:
            raise ClockError(
                f"{value} is beyond year 9999 as epoch seconds; it looks like epoch {unit} "
                f"(divide by {per_second:_}) — instants are whole epoch seconds",
                field=field,
            )
    raise ClockError(
        f"{value} is not an instant: epoch seconds must lie within ±{MAX_EPOCH_SECONDS}",
        field=field,
    )


def to_seconds(at: object, *, field: str = "at") -> int:
    """Integer epoch seconds of ``at`` (an int passes through; naive datetimes are refused).

    Integers too large to be epoch seconds (epoch milliseconds, say) are a
    :class:`~sla.ClockError` naming the unit they look like.

    >>> from datetime import datetime, timezone
    >>> to_seconds(datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc))
    1748851200
    """
    if isinstance(at, bool):
        raise ClockError(f"expected epoch seconds or an aware datetime, got {at!r}", field=field)
    if isinstance(at, int):
        return check_epoch_seconds(at, field=field)
    if isinstance(at, datetime):
        # Floor to the whole second: a reply inside the due second is in time.
        return to_epoch(at, field=field, error=ClockError)
    try:
        import numpy as np

        if isinstance(at, np.integer):
            return check_epoch_seconds(int(at), field=field)
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    raise ClockError(f"expected epoch seconds or an aware datetime, got {at!r}", field=field)


def _seconds(value: int | datetime) -> int:
    return to_seconds(value)


def _strict_bool(name: str) -> Callable[[object, attrs.Attribute[bool], bool], None]:
    def check(instance: object, attribute: attrs.Attribute[bool], value: bool) -> None:
        # "false" is truthy: a string here would silently flip the meaning of the event.
        if not isinstance(value, bool):
            raise ClockError(f"{name} must be True or False, got {value!r}", field=name)

    return check


def _check_kind(instance: Event, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or value not in _KIND_SET:
        raise ClockError(
            f"unknown event kind {value!r}; expected one of {EVENT_KINDS}", field="kind"
        )


@attrs.frozen(slots=True)
class Event:
    """One thing that happened to a contact.

    ``kind`` is one of :data:`EVENT_KINDS`. ``status`` is read for
    ``kind="status"``; ``public`` and ``by_bot`` for ``agent_reply``; ``value``
    for ``priority_change`` (the new priority), ``tier_change`` (the new tier
    code), ``assigned`` (the assignee) and ``escalate`` (the reason).

    >>> Event(1748851200, "agent_reply", by_bot=True).public
    True
    """

    at: int = attrs.field(converter=_seconds)
    kind: str = attrs.field(validator=_check_kind)
    status: str | None = None
    public: bool = attrs.field(default=True, validator=_strict_bool("public"))
    by_bot: bool = attrs.field(default=False, validator=_strict_bool("by_bot"))
    value: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind == "status" and self.status not in _STATUS_SET:
            raise ClockError(
                f"status event needs a status in {STATUSES}, got {self.status!r}", field="status"
            )
        if self.kind in _NEEDS_VALUE and (not isinstance(self.value, str) or not self.value):
            raise ClockError(
                f"{self.kind} event needs {_NEEDS_VALUE[self.kind]} as text, got {self.value!r}",
                field="value",
            )

    @classmethod
    def created(cls, at: int | datetime) -> Event:
        """The contact was opened (starts first response and resolution)."""
        return cls(at, "created")

    @classmethod
    def customer_message(cls, at: int | datetime) -> Event:
        """The customer wrote (may start a next-response cycle)."""
        return cls(at, "customer_message")

    @classmethod
    def reply(cls, at: int | datetime, *, public: bool = True, by_bot: bool = False) -> Event:
        """An agent (or bot) replied publicly or wrote an internal note."""
        return cls(at, "agent_reply", public=public, by_bot=by_bot)

    @classmethod
    def status_change(cls, at: int | datetime, status: str) -> Event:
        """The ticket status became ``status`` (one of :data:`STATUSES`)."""
        return cls(at, "status", status=status)

    @classmethod
    def priority_change(cls, at: int | datetime, priority: str) -> Event:
        """The contact's priority changed to ``priority``."""
        return cls(at, "priority_change", value=priority)

    @classmethod
    def tier_change(cls, at: int | datetime, tier: str) -> Event:
        """The contact moved to tier ``tier``."""
        return cls(at, "tier_change", value=tier)

    @classmethod
    def assigned(cls, at: int | datetime, assignee: str) -> Event:
        """The contact was assigned to ``assignee``."""
        return cls(at, "assigned", value=assignee)

    @classmethod
    def escalate(cls, at: int | datetime, reason: str) -> Event:
        """Bad news: someone raised the contact for ``reason``; the policy's escalate
        levels are told at once, whatever the calendar says."""
        return cls(at, "escalate", value=reason)


def _attributes(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value or {})


#: Channel names a contact may have (:class:`sla.tiers.Channel`).
CHANNELS: Final = tuple(c.value for c in Channel)
_CHANNEL_SET = frozenset(CHANNELS)


def _check_channel(instance: object, attribute: object, value: object) -> None:
    if value not in _CHANNEL_SET:
        raise ClockError(
            f"unknown channel {value!r}; expected one of {', '.join(CHANNELS)}", field="channel"
        )


@attrs.frozen(slots=True)
class Contact:
    """A call, chat or ticket: who it is for and how it arrived.

    ``channel`` is one of :class:`sla.tiers.Channel` (a typo is a
    :class:`~sla.ClockError` naming the allowed values; the policy checks the
    priority). ``tier`` picks the policy when :func:`sla.clocks.evaluate` gets
    a mapping of policies by tier; ``attributes`` carries anything else the CRM knows.
    """

    id: str
    channel: str = attrs.field(default="email", validator=_check_channel)
    priority: str = "normal"
    customer: str | None = None
    tier: str | None = None
    attributes: Mapping[str, Any] = attrs.field(factory=dict, converter=_attributes)
