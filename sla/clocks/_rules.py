"""Policies compiled once for the hot path: per-target rules, marks, zones and labels.

A :class:`ClockPolicy` and its :class:`MetricTarget` values are frozen, so
everything the engine derives from them (the targets for a channel and
priority, a target's calendar, its warning / escalation / breach thresholds,
the zone results are shown in, a calendar's version label) is computed once
and looked up afterwards. The caches are keyed by ``id`` and hold the key
object itself, so an id reused after garbage collection never hits a stale
entry; they are cleared when they grow past a bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sla.clocks._calendars import CalendarTime, calendar_version, clock_calendar
from sla.clocks._policy import ClockPolicy, MetricTarget

__all__ = ["Mark", "Rule", "check_priority", "marks", "rules_for", "single_label", "tz_of"]

#: (threshold in clock seconds, or ``None`` for "at the start"; kind; notify).
Mark = tuple[int | None, str, str | None]


class Rule:
    """One target as the state machine uses it (a compiled :class:`MetricTarget`)."""

    __slots__ = ("bots", "cal", "filtered", "label", "marks", "pauses", "seconds", "target")

    def __init__(self, target: MetricTarget) -> None:
        self.target = target
        self.seconds = target.seconds
        self.cal: Any = clock_calendar(target.calendar)
        self.pauses = target.pause_statuses
        self.bots = target.bot_replies_count
        #: Whether some immediate level is filtered by contact attributes (placed per contact).
        self.filtered = any(lv.immediate and lv.attributes for lv in target.escalations)
        #: ``(label,)`` when the calendar has one version for all time, else ``None``.
        self.label = single_label(self.cal)
        self.marks: dict[str, tuple[list[Mark], int]] = {}

    def marks_for(self, priority: str) -> tuple[list[Mark], int]:
        """The sorted marks at ``priority`` and the index of the breach among them."""
        found = self.marks.get(priority)
        if found is None:
            found = self.marks[priority] = marks(self.target, priority)
        return found


_RULES: dict[int, tuple[MetricTarget, Rule]] = {}
Targets = Mapping[str, MetricTarget]
_TARGETS: dict[tuple[int, str, str], tuple[ClockPolicy, Targets, dict[str, Rule]]] = {}


def rule(target: MetricTarget) -> Rule:
    """The compiled rule of ``target`` (cached)."""
    cached = _RULES.get(id(target))
    if cached is not None and cached[0] is target:
        return cached[1]
    if len(_RULES) > 4096:
        _RULES.clear()
    made = Rule(target)
    _RULES[id(target)] = (target, made)
    return made


def rules_for(policy: ClockPolicy, channel: str, priority: str) -> tuple[Targets, dict[str, Rule]]:
    """``policy.targets_for(channel, priority)`` (read-only) and the same targets compiled.

    Both are cached and shared between trackers: the rules dict must not be mutated.
    """
    key = (id(policy), channel, priority)
    cached = _TARGETS.get(key)
    if cached is not None and cached[0] is policy:
        return cached[1], cached[2]
    targets = MappingProxyType(policy.targets_for(channel, priority))
    rules = {metric: rule(target) for metric, target in targets.items()}
    if len(_TARGETS) > 4096:
        _TARGETS.clear()
    _TARGETS[key] = (policy, targets, rules)
    return targets, rules


_MARKS: dict[tuple[int, str], tuple[MetricTarget, tuple[list[Mark], int]]] = {}


def marks(target: MetricTarget, priority: str) -> tuple[list[Mark], int]:
    """(threshold, kind, notify) of every warning, escalation and the breach, by threshold.

    Also returns the index of the breach. Cached per target and priority.
    """
    key = (id(target), priority)
    cached = _MARKS.get(key)
    if cached is not None and cached[0] is target:
        return cached[1]
    found = _compute_marks(target, priority)
    breach = next(i for i, mark in enumerate(found) if mark[1] == "breach")
    if len(_MARKS) > 4096:
        _MARKS.clear()
    _MARKS[key] = (target, (found, breach))
    return found, breach


def _compute_marks(target: MetricTarget, priority: str) -> list[Mark]:
    total = target.seconds
    found: list[Mark] = []
    for f in target.warn_fractions:
        found.append((-(-f.numerator * total // f.denominator), "warning", target.warn_notify))
    for before in target.warn_before_seconds:
        found.append((total - before, "warning", target.warn_notify))
    for level in target.escalations:
        if level.priorities and priority not in level.priorities:
            continue
        if level.on_escalate or level.attributes:
            continue  # told at an escalate event, or per contact (see the engine)
        if level.immediate:
            found.append((None, "escalation", level.notify))
        elif level.offset_seconds is not None:
            found.append((max(0, total + level.offset_seconds), "escalation", level.notify))
        elif level.fraction is not None:
            f = level.fraction
            found.append((-(-f.numerator * total // f.denominator), "escalation", level.notify))
    found.append((total, "breach", None))
    # Stable: at equal thresholds warnings come before escalations before the breach.
    found.sort(key=lambda m: -1 if m[0] is None else m[0])
    return found


_PRIORITIES: dict[int, tuple[ClockPolicy, frozenset[str]]] = {}


def check_priority(policy: ClockPolicy, priority: str, field: str = "priority") -> None:
    """Refuse a priority ``policy`` does not know (cached per policy); see
    :meth:`ClockPolicy.check_priority`."""
    cached = _PRIORITIES.get(id(policy))
    if cached is None or cached[0] is not policy:
        if len(_PRIORITIES) > 1024:
            _PRIORITIES.clear()
        cached = _PRIORITIES[id(policy)] = (policy, frozenset(policy.known_priorities()))
    if priority not in cached[1]:
        policy.check_priority(priority, field=field)


_TZ: dict[int, tuple[ClockPolicy, str]] = {}


def tz_of(policy: ClockPolicy) -> str:
    """The zone results of ``policy`` are shown in (cached)."""
    cached = _TZ.get(id(policy))
    if cached is not None and cached[0] is policy:
        return cached[1]
    tz = _find_tz(policy)
    if len(_TZ) > 1024:
        _TZ.clear()
    _TZ[id(policy)] = (policy, tz)
    return tz


def _find_tz(policy: ClockPolicy) -> str:
    if policy.tz is not None:
        return policy.tz
    for target in policy.targets:
        if target.calendar is not None:
            return str(clock_calendar(target.calendar).tz)
    return "UTC"


_LABELS: dict[int, tuple[object, tuple[str, ...] | None]] = {}


def single_label(cal: object) -> tuple[str, ...] | None:
    """``(label,)`` of a calendar with one version for all time (cached), else ``None``."""
    cached = _LABELS.get(id(cal))
    if cached is not None and cached[0] is cal:
        return cached[1]
    versions = getattr(cal, "versions", None)
    if isinstance(cal, CalendarTime):
        label: tuple[str, ...] | None = (cal.version_at(0),)
    elif versions is not None and len(versions) == 1:
        label = (str(versions[0].label),)
    elif getattr(cal, "version_at", None) is None:
        label = ("1",)
    else:
        label = None
    if len(_LABELS) > 1024:
        _LABELS.clear()
    _LABELS[id(cal)] = (cal, label)
    return label


def version_labels(cal: object, first: int, last: int) -> tuple[str, ...]:
    """The labels of the calendar versions in force at ``first`` and ``last`` (sorted)."""
    label = single_label(cal)
    if label is not None:
        return label
    a, b = calendar_version(cal, first), calendar_version(cal, last)
    return (a,) if a == b else tuple(sorted((a, b)))
