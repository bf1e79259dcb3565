"""The clock engine's own input types: metric targets, escalation levels, policies.

These are deliberately small and independent of :mod:`sla.contracts`: a
compiled contract is adapted into a :class:`ClockPolicy` once, at the edge,
and the engine only ever sees these frozen values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Final, Literal, Protocol, runtime_checkable

import attrs

from sla._errors import ClockError, Problem, SLAError
from sla.calendar import zone
from sla.clocks._events import STATUSES
from sla.tiers import DEFAULT_PRIORITIES, Metric

__all__ = [
    "DEFAULT_PAUSES",
    "ClockCalendar",
    "ClockPolicy",
    "EscalationLevel",
    "MetricTarget",
]

#: How each :class:`sla.tiers.Metric` starts and stops on the clock (the names are the
#: tiers' vocabulary, imported, never copied):
#: speed_of_answer: call_offered -> call_answered (abandoned: never met);
#: callback_time: callback_requested -> callback_made; first_response: created -> first
#: qualifying public reply; next_response: oldest unanswered customer message -> reply;
#: periodic_update: each qualifying public reply -> the next one; first_resolution:
#: created -> first solved; total_resolution: created -> the solve no reopen followed.
METRIC_NAMES: Final = frozenset(m.value for m in Metric)


def check_metric(metric: object, where: str) -> list[Problem]:
    """A problem if ``metric`` is not a :class:`sla.tiers.Metric` value (none otherwise)."""
    if metric in METRIC_NAMES:
        return []
    allowed = ", ".join(m.value for m in Metric)
    return [Problem(where, f"unknown metric {metric!r}; expected one of {allowed}")]


#: Statuses that pause each metric unless the target says otherwise:
#: waiting for the customer pauses resolution, never a response.
DEFAULT_PAUSES: Final[dict[str, frozenset[str]]] = {
    "speed_of_answer": frozenset(),
    "callback_time": frozenset(),
    "first_response": frozenset(),
    "next_response": frozenset(),
    "periodic_update": frozenset({"pending", "on_hold"}),
    "first_resolution": frozenset({"pending", "on_hold"}),
    "total_resolution": frozenset({"pending", "on_hold"}),
}

ChangeMode = Literal["retroactive", "fresh", "keep"]
CalendarEdits = Literal["versioned", "retroactive"]


@runtime_checkable
class ClockCalendar(Protocol):
    """What the engine needs from a business-hours calendar (``sla.calendar.Calendar``).

    All instants are integer epoch seconds; ``add_seconds`` returns the first
    instant at which ``seconds`` of open time have elapsed since ``start``.
    """

    @property
    def tz(self) -> object: ...

    def add_seconds(self, start: int, seconds: int) -> int: ...

    def elapsed_seconds(self, start: int, end: int) -> int: ...


def _fraction(value: object) -> Fraction:
    try:
        if isinstance(value, float):
            return Fraction(repr(value))
        if isinstance(value, Fraction | int | Decimal | str) and not isinstance(value, bool):
            return Fraction(value)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise ClockError(f"not a fraction: {value!r} ({error})", field="fraction") from error
    raise ClockError(f"not a fraction: {value!r}", field="fraction")


def _fractions(values: Iterable[object]) -> tuple[Fraction, ...]:
    return tuple(sorted(_fraction(v) for v in values))


def _names(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


def _name_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _seconds_tuple(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(values)


def _attribute_filter(
    value: Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str]],
) -> frozenset[tuple[str, str]]:
    """``{"category": ["outage", "security"]}`` as hashable (key, value) pairs."""
    if isinstance(value, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, values in value.items():
            listed = [values] if isinstance(values, str) else list(values)
            pairs.extend((str(key), str(v)) for v in listed)
        return frozenset(pairs)
    return frozenset((str(k), str(v)) for k, v in value)


def _optional_fraction(value: object) -> Fraction | None:
    return None if value is None else _fraction(value)


def _known_zone(name: object) -> bool:
    """Whether ``name`` is an IANA zone name (results are shown and periods cut in it)."""
    if not isinstance(name, str) or not name:
        return False
    try:
        zone(name)
    except SLAError:
        return False
    return True


@attrs.frozen(slots=True)
class EscalationLevel:
    """Who is told when a clock reaches a point.

    Exactly one of: ``offset_seconds`` (signed business seconds from the
    deadline: ``-3600`` is one business hour before it, ``+1800`` half an hour
    after a breach), ``fraction`` of the target used, ``immediate`` (at the
    start of the cycle, or at the change that makes the level apply, whatever
    the calendar says: bad news travels at once), or ``on_escalate`` (at each
    ``escalate`` event of the contact, see :meth:`Event.escalate`).
    ``attributes`` restricts immediate and escalate levels to contacts whose
    attributes have one of the listed values (``{"category": ["outage"]}``).
    ``notify`` is a role or person; ``"on_call"`` asks the policy's on-call
    rotation at that instant and ``"assignee"`` names the contact's assignee.
    ``priorities`` restricts the level to those priorities (empty: all).
    """

    notify: str
    offset_seconds: int | None = None
    fraction: Fraction | None = attrs.field(default=None, converter=_optional_fraction)
    immediate: bool = False
    priorities: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    on_escalate: bool = False
    attributes: frozenset[tuple[str, str]] = attrs.field(
        default=frozenset(), converter=_attribute_filter
    )

    def matches(self, priority: str, attributes: Mapping[str, object]) -> bool:
        """Whether the level applies to a contact at ``priority`` with ``attributes``.

        Every attribute the level names must have one of its listed values.
        """
        if self.priorities and priority not in self.priorities:
            return False
        wanted: dict[str, set[str]] = {}
        for key, value in self.attributes:
            wanted.setdefault(key, set()).add(value)
        return all(str(attributes.get(key)) in values for key, values in wanted.items())

    def problems(self, where: str) -> list[Problem]:
        """Every problem with this level, each naming its field under ``where``."""
        found = []
        chosen = sum(
            (
                self.offset_seconds is not None,
                self.fraction is not None,
                self.immediate,
                self.on_escalate,
            )
        )
        if chosen != 1:
            found.append(
                Problem(
                    where, "give exactly one of offset_seconds, fraction, immediate or on_escalate"
                )
            )
        if self.attributes and not (self.immediate or self.on_escalate):
            found.append(
                Problem(f"{where}.attributes", "filter immediate or on_escalate levels only")
            )
        if self.fraction is not None and self.fraction <= 0:
            found.append(Problem(f"{where}.fraction", "must be above 0"))
        if not self.notify:
            found.append(Problem(f"{where}.notify", "must name who is told"))
        return found


def _levels(values: Iterable[EscalationLevel]) -> tuple[EscalationLevel, ...]:
    return tuple(values)


def _default_pauses(self: MetricTarget) -> frozenset[str]:
    return DEFAULT_PAUSES.get(self.metric, frozenset())


@attrs.frozen(slots=True)
class MetricTarget:
    """One per-contact deadline: ``metric`` within ``seconds`` on ``calendar``.

    ``calendar=None`` counts calendar time (24/7). Warnings fire at each
    ``warn_fractions`` share of the target and ``warn_before_seconds`` business
    seconds before the deadline, and go to ``warn_notify``. ``pause_statuses``
    defaults to :data:`DEFAULT_PAUSES` for the metric. ``channels`` and
    ``priorities`` restrict where the target applies (empty: everywhere).
    ``bot_replies_count``: whether a bot's reply satisfies a response metric.
    ``solve_fulfils``: whether solving with a message unanswered fulfils the
    response cycle (``False``: it cancels it). ``reopen_starts_cycle``: whether
    reopening starts a new next-response cycle at the reopen instant.
    """

    metric: str
    seconds: int
    calendar: ClockCalendar | None = None
    warn_fractions: tuple[Fraction, ...] = attrs.field(default=(), converter=_fractions)
    warn_before_seconds: tuple[int, ...] = attrs.field(default=(), converter=_seconds_tuple)
    warn_notify: str = "assignee"
    pause_statuses: frozenset[str] = attrs.field(
        default=attrs.Factory(_default_pauses, takes_self=True), converter=_names
    )
    channels: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    priorities: frozenset[str] = attrs.field(default=frozenset(), converter=_names)
    escalations: tuple[EscalationLevel, ...] = attrs.field(default=(), converter=_levels)
    bot_replies_count: bool = False
    solve_fulfils: bool = True
    reopen_starts_cycle: bool = True

    def problems(self, where: str = "target") -> list[Problem]:
        """Every problem with this target, each naming its field under ``where``."""
        found: list[Problem] = []
        found.extend(check_metric(self.metric, f"{where}.metric"))
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, int):
            found.append(Problem(f"{where}.seconds", "must be whole seconds (int)"))
        elif self.seconds <= 0:
            found.append(Problem(f"{where}.seconds", "must be above 0"))
        elif any(w <= 0 or w >= self.seconds for w in self.warn_before_seconds):
            found.append(
                Problem(f"{where}.warn_before_seconds", "each must be between 0 and the target")
            )
        if any(f <= 0 or f >= 1 for f in self.warn_fractions):
            found.append(Problem(f"{where}.warn_fractions", "each must be between 0 and 1"))
        unknown = sorted(self.pause_statuses - set(STATUSES))
        if unknown:
            found.append(Problem(f"{where}.pause_statuses", f"unknown statuses {unknown}"))
        calendar: object = self.calendar
        if calendar is not None and not isinstance(calendar, ClockCalendar):
            found.append(Problem(f"{where}.calendar", "needs add_seconds and elapsed_seconds"))
        for i, level in enumerate(self.escalations):
            found.extend(level.problems(f"{where}.escalations[{i}]"))
        return found

    def applies_to(self, channel: str, priority: str) -> bool:
        """Whether this target covers a contact on ``channel`` at ``priority``."""
        return (not self.channels or channel in self.channels) and (
            not self.priorities or priority in self.priorities
        )


def _targets(values: Iterable[MetricTarget]) -> tuple[MetricTarget, ...]:
    return tuple(values)


@attrs.frozen(slots=True)
class ClockPolicy:
    """The targets a contact is measured against, plus policy-wide options.

    ``on_call(t)`` names who is on call at epoch second ``t`` (for escalations
    to ``"on_call"``). ``tz`` is the zone results are shown in and compliance
    periods are cut in (default: the first target calendar's zone, else UTC).
    ``on_change`` says what a priority or tier change does to running cycles:
    ``"retroactive"`` (default; the new target counts from the cycle start),
    ``"fresh"`` (from the change) or ``"keep"`` (running cycles keep theirs).
    ``calendar_edits``: ``"versioned"`` (default; time used stays, the rest
    counts on the new hours) or ``"retroactive"`` (recompute the whole cycle
    on the calendar version in force at evaluation time).

    Raises :class:`~sla.ClockError` listing every problem in the targets.
    """

    targets: tuple[MetricTarget, ...] = attrs.field(converter=_targets)
    on_call: Callable[[int], str | None] | None = None
    policy_id: str = "policy"
    version: str = "1"
    tz: str | None = None
    on_change: ChangeMode = "retroactive"
    calendar_edits: CalendarEdits = "versioned"
    priorities: tuple[str, ...] = attrs.field(default=DEFAULT_PRIORITIES, converter=_name_tuple)

    def __attrs_post_init__(self) -> None:
        found: list[Problem] = []
        items: tuple[object, ...] = self.targets
        for i, target in enumerate(items):
            if not isinstance(target, MetricTarget):
                found.append(Problem(f"targets[{i}]", "must be a MetricTarget"))
                continue
            found.extend(target.problems(f"targets[{i}]"))
        if self.on_change not in ("retroactive", "fresh", "keep"):
            found.append(Problem("on_change", "must be retroactive, fresh or keep"))
        if self.calendar_edits not in ("versioned", "retroactive"):
            found.append(Problem("calendar_edits", "must be versioned or retroactive"))
        if self.tz is not None and not _known_zone(self.tz):
            found.append(Problem("tz", f"unknown time zone {self.tz!r}"))
        if found:
            raise ClockError.from_problems(found, what=f"clock policy {self.policy_id!r}")

    def known_priorities(self) -> tuple[str, ...]:
        """Every priority a contact under this policy may have, in declaration order."""
        named = [*self.priorities]
        for target in self.targets:
            named.extend(sorted(target.priorities))
            for level in target.escalations:
                named.extend(sorted(level.priorities))
        return tuple(dict.fromkeys(named))

    def check_priority(self, priority: object, *, field: str = "priority") -> None:
        """Refuse a priority this policy does not know (a typo would silently drop targets).

        :raises ClockError: naming the allowed values.
        """
        known = self.known_priorities()
        if priority not in known:
            raise ClockError(
                f"unknown priority {priority!r}; expected one of {', '.join(known)}", field=field
            )

    def targets_for(self, channel: str, priority: str) -> dict[str, MetricTarget]:
        """The target per metric for a contact (the first matching target wins)."""
        chosen: dict[str, MetricTarget] = {}
        for target in self.targets:
            if target.metric not in chosen and target.applies_to(channel, priority):
                chosen[target.metric] = target
        return chosen
