"""Turn a written contract into core objects, remembering where each piece was written.

Both validation and compilation start here, so they can never disagree about
what a contract means.
"""

from __future__ import annotations

from typing import Any

import attrs

from sla._errors import Problem, SLAError
from sla.contracts._calendars import Calendar, build_calendar, default_calendar
from sla.contracts._routing import Router, RoutingRule
from sla.contracts._spec import Contract
from sla.tiers import OnCallRotation, Tier, TierSpec, catalog

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


def _merged_paths(
    base: list[Any], base_path: str, own: list[Any], own_path: str, attr: str
) -> list[str]:
    """Where each entry of the merged list was written (same order as TierSpec.merged_over)."""
    merged: dict[Any, tuple[str, Any]] = {
        item.key(): (f"{base_path}.{attr}[{i}]", item) for i, item in enumerate(base)
    }
    for i, item in enumerate(own):
        if item.remove:
            merged.pop(item.key(), None)
        else:
            merged[item.key()] = (f"{own_path}.{attr}[{i}]", item)
    return [path for path, _ in merged.values()]


def _tier(
    code: str, spec: TierSpec, problems: list[Problem]
) -> tuple[Tier, list[str], list[str], list[str]] | None:
    path = f"tiers.{code}"
    if spec.extends is None:
        for attr in ("targets", "service_levels"):
            for i, item in enumerate(getattr(spec, attr)):
                if item.remove:
                    problems.append(
                        Problem(
                            f"{path}.{attr}[{i}].remove",
                            "remove applies only with extends",
                            "warning",
                        )
                    )
        merged = spec
        targets = [f"{path}.targets[{i}]" for i, t in enumerate(spec.targets) if not t.remove]
        levels = [
            f"{path}.service_levels[{i}]" for i, s in enumerate(spec.service_levels) if not s.remove
        ]
    else:
        specs = catalog().specs
        if spec.extends not in specs:
            known = ", ".join(specs)
            problems.append(
                Problem(f"{path}.extends", f"no tier {spec.extends!r} in the catalogue ({known})")
            )
            return None
        base = specs[spec.extends]
        base_path = f"{path}.extends({spec.extends})"
        merged = spec.merged_over(base)
        targets = _merged_paths(base.targets, base_path, spec.targets, path, "targets")
        levels = _merged_paths(
            base.service_levels, base_path, spec.service_levels, path, "service_levels"
        )
        if "escalation" not in spec.model_fields_set:
            escalation = [f"{base_path}.escalation[{i}]" for i in range(len(base.escalation))]
            return merged.build(code), targets, levels, escalation
    escalation = [f"{path}.escalation[{i}]" for i in range(len(merged.escalation))]
    return merged.build(code), targets, levels, escalation


def resolve(contract: Contract) -> Resolved:
    """Build tiers, calendars, rotations and the router; collect what cannot be built."""
    problems: list[Problem] = []
    tiers: dict[str, Tier] = {}
    target_paths: dict[str, list[str]] = {}
    sl_paths: dict[str, list[str]] = {}
    level_paths: dict[str, list[str]] = {}
    for code, spec in contract.tiers.items():
        built = _tier(code, spec, problems)
        if built is not None:
            tiers[code], target_paths[code], sl_paths[code], level_paths[code] = built

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
