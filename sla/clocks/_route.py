"""A routed call becomes a contact: a front-desk call opens the manager's callback cycle.

:meth:`sla.contracts.CompiledContract.policy_for` with a ``caller`` says who
takes a voice call (:class:`sla.contracts.Route`). :func:`open_call` turns that
answer into what the clocks replay: the contact (on the policy's channel and
tier) and its opening events, so the CRM never creates the callback by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sla._errors import ClockError
from sla.clocks._events import Contact, Event
from sla.contracts import Policy

__all__ = ["open_call"]


def open_call(
    policy: Policy,
    contact_id: str,
    at: int | datetime,
    *,
    customer: str | None = None,
    attributes: Mapping[str, object] | None = None,
) -> tuple[Contact, tuple[Event, ...]]:
    """The contact and opening events of a call routed by ``policy``.

    A *direct* call (or a policy without a route) opens on its own channel with
    a ``created`` event. A *front-desk* call opens on the callback channel with
    ``created`` and ``callback_requested`` at ``at``: the callback cycle runs
    from the moment the desk took the call, on the tier's callback target.
    ``attributes`` gain ``route`` (``"direct"`` / ``"front_desk"``) and ``caller``.

    :raises ClockError: for a policy that is not a matched :class:`~sla.contracts.Policy`.
    """
    if not isinstance(policy, Policy):
        raise ClockError(
            f"expected a matched contract Policy, got {type(policy).__name__}", field="policy"
        )
    route = policy.route
    extra = dict(attributes or {})
    if route is not None:
        extra["route"] = route.kind
        if route.caller is not None:
            extra["caller"] = route.caller
    contact = Contact(
        contact_id,
        channel=policy.channel.value,
        priority=policy.priority,
        customer=customer,
        tier=policy.tier.code,
        attributes=extra,
    )
    events = [Event.created(at)]
    if route is not None and route.kind == "front_desk":
        events.append(Event(at, "callback_requested"))
    return contact, tuple(events)
