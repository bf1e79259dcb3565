"""Turn a written contract into core objects, remembering where each piece was written.

Both validation and compilation start here, so they can never disagree about
what a contract means.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from sla._errors import Problem, SLAError
from sla.contracts._calendars import Calendar, build_calendar, default_calendar
from sla.contracts._extends import flatten_tiers
from sla.contracts._routing import Router, RoutingRule
from sla.tiers import OnCallRotation, Tier

if TYPE_CHECKING:
    from sla.contracts._spec import Contract

__all__ = ["Resolved", "resolve"]


@attrs.frozen(slots=True)
class Resolved:
    """Core objects of a contract plus the field path each target and level came from."""

    tiers: dict[str, Tier]
    target_paths: dict[str, list[str]]
    level_paths: dict[str, list[str]]
    service_level_paths: dict[str, list[str]]
    calendars: dict[str, Calendar]
    defaulted_calendars: frozenset[str]
    rotations: dict[str, OnCallRotation]
    router: Router
    problems: list[Problem]


def resolve(contract: Contract) -> Resolved:
    """Build tiers, calendars, rotations and the router; collect what cannot be built."""
    problems: list[Problem] = []
    tiers: dict[str, Tier] = {}
    target_paths: dict[str, list[str]] = {}
    sl_paths: dict[str, list[str]] = {}
    level_paths: dict[str, list[str]] = {}
    for code, flat in flatten_tiers(contract.tiers, problems).items():
        tiers[code] = flat.spec.build(code)
        target_paths[code] = flat.targets
        sl_paths[code] = flat.service_levels
        level_paths[code] = flat.escalation

    zone = None
    if contract.timezone == "customer":
        zone = contract.customer.tz
        if zone is None:
            problems.append(
                Problem("customer.tz", "timezone is 'customer' but the customer has no tz")
            )
    calendars: dict[str, Calendar] = {}
    for name, data in contract.calendars.items():
        cal = build_calendar(name, data, zone, problems)
        if cal is not None:
            calendars[name] = cal
    defaulted = set()
    wanted = {t.coverage for t in tiers.values()} | {
        g.calendar for t in tiers.values() for g in t.targets if g.calendar
    }
    for name in sorted(wanted - set(contract.calendars)):
        default = default_calendar(name)
        if default is not None:
            cal = build_calendar(name, default, zone, problems)
            if cal is not None:
                calendars[name] = cal
                defaulted.add(name)

    rotations: dict[str, OnCallRotation] = {}
    for name, rotation in contract.rotations.items():
        try:
            rotations[name] = rotation.build(name)
        except SLAError as error:
            problems.append(
                Problem(f"rotations.{name}.{error.field or ''}".rstrip("."), error.reason)
            )

    rules = tuple(
        RoutingRule(
            rule.name or f"rule {i + 1}",
            rule.tier,
            frozenset(rule.channels),
            frozenset(rule.priorities),
            tuple(
                (key, frozenset([value] if isinstance(value, str) else value))
                for key, value in sorted(rule.attributes.items())
            ),
        )
        for i, rule in enumerate(contract.routing.rules)
    )
    router = Router(rules, contract.routing.fallback)
    return Resolved(
        tiers,
        target_paths,
        level_paths,
        sl_paths,
        calendars,
        frozenset(defaulted),
        rotations,
        router,
        problems,
    )
