"""Resolve ``extends`` between a contract's tiers and the catalogue, parents first.

A tier may extend the catalogue (``extends: A``) or another tier of the same
contract (``extends: A1``). A contract tier's own code, when extended by another
tier, shadows the catalogue's tier of that code; a tier extending its own code
(``A: {extends: A}``) means the catalogue's. Every resolved tier is flattened into
a spec without ``extends``, paired with the field path each target, service
level and escalation level was written at, so problems point to where to fix them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from sla._errors import Problem
from sla.tiers import TierSpec, catalog

__all__ = ["Flat", "flatten_tiers"]


@attrs.frozen(slots=True)
class Flat:
    """A tier spec with every ``extends`` applied and no ``remove`` entries left.

    ``targets`` / ``service_levels`` / ``escalation`` are the field paths of the
    spec's entries, in the same order.
    """

    spec: TierSpec
    targets: list[str]
    service_levels: list[str]
    escalation: list[str]


def _root(spec: TierSpec, path: str) -> Flat:
    """A spec without ``extends`` as a base: entries marked ``remove`` dropped."""
    paths = {
        attr: [
            f"{path}.{attr}[{i}]" for i, item in enumerate(getattr(spec, attr)) if not item.remove
        ]
        for attr in ("targets", "service_levels")
    }
    flat = spec
    if any(t.remove for t in spec.targets) or any(s.remove for s in spec.service_levels):
        flat = spec.model_copy(
            update={
                "targets": [t for t in spec.targets if not t.remove],
                "service_levels": [s for s in spec.service_levels if not s.remove],
            }
        )
    return Flat(
        flat,
        paths["targets"],
        paths["service_levels"],
        [f"{path}.escalation[{i}]" for i in range(len(spec.escalation))],
    )


def _merged_paths(
    base: list[Any], base_paths: list[str], own: list[Any], own_path: str, attr: str
) -> list[str]:
    """Where each entry of the merged list was written (same order as TierSpec.merged_over)."""
    merged: dict[Any, str] = {item.key(): path for item, path in zip(base, base_paths, strict=True)}
    for i, item in enumerate(own):
        if item.remove:
            merged.pop(item.key(), None)
        else:
            merged[item.key()] = f"{own_path}.{attr}[{i}]"
    return list(merged.values())


def _over(spec: TierSpec, path: str, base: Flat) -> Flat:
    merged = spec.merged_over(base.spec)
    targets = _merged_paths(base.spec.targets, base.targets, spec.targets, path, "targets")
    levels = _merged_paths(
        base.spec.service_levels, base.service_levels, spec.service_levels, path, "service_levels"
    )
    if "escalation" in spec.model_fields_set:
        escalation = [f"{path}.escalation[{i}]" for i in range(len(spec.escalation))]
    else:
        escalation = base.escalation
    return Flat(merged, targets, levels, escalation)


def _warn_stray_removes(code: str, spec: TierSpec, problems: list[Problem]) -> None:
    for attr in ("targets", "service_levels"):
        for i, item in enumerate(getattr(spec, attr)):
            if item.remove:
                problems.append(
                    Problem(
                        f"tiers.{code}.{attr}[{i}].remove",
                        "remove applies only with extends",
                        "warning",
                    )
                )


def flatten_tiers(tiers: Mapping[str, TierSpec], problems: list[Problem]) -> dict[str, Flat]:
    """Every tier that resolves, in the contract's order; the others add problems.

    Parents are resolved before their children whatever order they are written
    in. An unknown parent or a cycle (``A1`` extends ``A2`` extends ``A1``) is an
    error on each ``tiers.<code>.extends`` involved; a tier whose parent has such
    an error is reported too, since it cannot be built either.
    """
    catalogue = catalog().specs
    done: dict[str, Flat | None] = {}
    chain: list[str] = []

    def parent_of(code: str, name: str) -> str | None:
        """The contract tier ``name`` refers to, or None for the catalogue's."""
        return name if name != code and name in tiers else None

    def visit(code: str) -> Flat | None:
        if code in done:
            return done[code]
        spec = tiers[code]
        path = f"tiers.{code}"
        if spec.extends is None:
            _warn_stray_removes(code, spec, problems)
            done[code] = _root(spec, path)
            return done[code]
        local = parent_of(code, spec.extends)
        if local is None:
            if spec.extends not in catalogue:
                known = ", ".join(catalogue)
                problems.append(
                    Problem(
                        f"{path}.extends",
                        f"no tier {spec.extends!r} in this contract or the catalogue ({known})",
                    )
                )
                done[code] = None
                return None
            base_path = f"{path}.extends({spec.extends})"
            done[code] = _over(spec, path, _root(catalogue[spec.extends], base_path))
            return done[code]
        if local in chain:
            members = [*chain[chain.index(local) :], code]
            for i, member in enumerate(members):
                # Each member's message starts at that member, so it reads as its own chain.
                text = " -> ".join([*members[i:], *members[: i + 1]])
                problems.append(Problem(f"tiers.{member}.extends", f"extends cycle: {text}"))
                done[member] = None
            return None
        chain.append(code)
        try:
            base = visit(local)
        finally:
            chain.pop()
        if code in done:  # marked as a member of a cycle found further up
            return done[code]
        if base is None:
            problems.append(
                Problem(
                    f"{path}.extends",
                    f"cannot extend {local!r}: that tier has errors (see tiers.{local}.extends)",
                )
            )
            done[code] = None
            return None
        done[code] = _over(spec, path, base)
        return done[code]

    resolved = {code: visit(code) for code in tiers}
    return {code: flat for code, flat in resolved.items() if flat is not None}
