"""The target each demo queue is staffed to, read from the contract, not the costs file.

What was promised lives in one place, the compiled contract's tier. For each
channel of a queue the promise is the contract's *first answer* (speed of
answer, callback time or first response) at :data:`PRIORITY`: the per-contact
target's ``within`` and, when the contract also promises an aggregate service
level of kind ``within`` for that metric and channel, its share and threshold
(the shorter of the two times wins). A queue is staffed to the shortest
promise of its channels. Only the share may come from the costs file, and only
where the contract promises none: it is a staffing assumption.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import attrs

from sla._errors import SLAError

__all__ = ["PRIORITY", "ChannelPromise", "channel_promise", "queue_target"]

#: The priority whose target the demo staffs to: the contracts' ``normal``, the
#: bulk of the generated traffic (60 %); urgent and high contacts are assumed to
#: jump the queue within the same staffing.
PRIORITY = "normal"

_FIRST_ANSWER = ("speed_of_answer", "callback_time", "first_response")
_SHARE_KEY = {"voice": "service_level", "chat": "service_level", "written": "share"}
_WITHIN_KEY = {"voice": "within", "chat": "within", "written": "respond_within"}


@attrs.frozen
class ChannelPromise:
    """What the contract promises for a channel's first answer at one priority."""

    channel: str
    metric: str
    within: timedelta
    #: The share of an aggregate service level, ``None`` if the contract promises none.
    share: float | None


def channel_promise(tier: Any, channel: str, priority: str = PRIORITY) -> ChannelPromise | None:
    """The contract tier's first-answer promise for ``channel`` at ``priority``, if any."""
    targets = {str(t.metric): t for t in tier.targets_for(channel, priority)}
    for metric in _FIRST_ANSWER:
        if metric not in targets:
            continue
        within = int(targets[metric].within)
        share = None
        for level in tier.service_levels_for(channel, priority):
            if str(level.metric) == metric and level.kind == "within" and level.share is not None:
                within = min(within, int(level.threshold))
                share = float(level.share)
        return ChannelPromise(channel, metric, timedelta(seconds=within), share)
    return None


def queue_target(tier: Any, queue: Mapping[str, Any], field: str) -> Any:
    """The staffing target of one costs-file queue, its time (and share) from the contract.

    :raises SLAError: naming ``field`` when the queue's model is unknown, a channel
        has no first-answer target in the contract, or the costs file declares a
        time or share that conflicts with the contract's.
    """
    from sla.economics import ChatTarget, VoiceTarget, WrittenTarget

    model = queue.get("model")
    kinds = {"voice": VoiceTarget, "chat": ChatTarget, "written": WrittenTarget}
    if model not in kinds:
        raise SLAError(f"model must be voice, chat or written, got {model!r}", field=field)
    promises = []
    for channel in queue.get("channels", ()):
        promise = channel_promise(tier, str(channel))
        if promise is None:
            raise SLAError(
                f"the contract's tier {tier.code} promises no first answer on {channel!r} "
                f"at priority {PRIORITY!r}",
                field=f"{field}.channels",
            )
        promises.append(promise)
    if not promises:
        raise SLAError("give the queue's channels", field=f"{field}.channels")
    binding = min(promises, key=lambda p: p.within)
    within_key, share_key = _WITHIN_KEY[model], _SHARE_KEY[model]
    declared = queue.get(within_key)
    if declared is not None and declared != binding.within:
        raise SLAError(
            f"the contract promises {binding.metric} on {binding.channel} within "
            f"{_human(binding.within)}, not {_human(declared)}: targets come from the "
            f"contract, remove this key",
            field=f"{field}.{within_key}",
        )
    share = queue.get(share_key)
    if binding.share is not None:
        if share is not None and float(share) != binding.share:
            raise SLAError(
                f"the contract promises {binding.share:.0%} of {binding.metric} on "
                f"{binding.channel} within {_human(binding.within)}, not {float(share):.0%}: "
                f"remove this key",
                field=f"{field}.{share_key}",
            )
        share = binding.share
    elif share is None:
        raise SLAError(
            f"the contract promises no share for {binding.metric} on {binding.channel}: "
            f"give the share to staff to",
            field=f"{field}.{share_key}",
        )
    args: dict[str, Any] = {within_key: binding.within, share_key: float(share)}
    for extra in {"voice": ("patience",), "chat": ("concurrency",),
                  "written": ("max_occupancy",)}[model]:  # fmt: skip
        if extra in queue:
            args[extra] = queue[extra]
    return kinds[model](**args)


def _human(value: object) -> str:
    from sla.tiers._values import format_duration

    if isinstance(value, timedelta):
        return format_duration(int(value.total_seconds()))
    return repr(value)
