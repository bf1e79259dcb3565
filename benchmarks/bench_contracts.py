"""Tiers and contracts: the request-path queries (routing, on call) and the author's tools.

There is no peer library for SLA contracts; the "uncompiled" peer is the same
routing done without precomputed policies (route, then filter the tier's
targets on every call), which shows what compiling buys on the hot path.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from benchmarks._runner import Result, compare
from sla.contracts import dump, load, render, validate

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "contracts"


def run() -> list[Result]:
    text = (EXAMPLES / "custom_tier.yaml").read_text(encoding="utf-8")
    contract = load(text)
    compiled = contract.compile()
    attrs = {"plan": "platinum"}
    router, tiers = compiled.router, compiled.tiers

    def uncompiled() -> object:
        code, _rule = router.route("email", "urgent", attrs)  # type: ignore[misc]
        return tiers[code].targets_for("email", "urgent")

    def ours() -> object:
        return compiled.policy_for(channel="email", priority="urgent", attributes=attrs)

    same_targets = lambda p, t: {x.target for x in p.targets} == set(t)  # type: ignore[attr-defined]  # noqa: E731
    policy = ours()
    sun = compiled.rotations["follow-the-sun"]
    weekend = load(EXAMPLES / "tier_a.yaml").compile().rotations["weekends"]
    t = int(datetime(2025, 3, 4, 10, tzinfo=UTC).timestamp())
    day = datetime(2025, 3, 4, tzinfo=UTC)
    month = datetime(2025, 4, 4, tzinfo=UTC)
    page = policy.immediate[0].notify  # type: ignore[union-attr]
    return [
        compare(
            "contracts",
            "policy_for (rule match)",
            ours,
            {"uncompiled": uncompiled},
            check=same_targets,
        ),
        compare(
            "contracts",
            "policy_for (fallback)",
            lambda: compiled.policy_for(channel="web_chat", priority="low"),
            {},
        ),
        compare(
            "contracts",
            "rotation.on_call_epoch (follow-the-sun, 3 layers)",
            lambda: sun.on_call_epoch(t),
            {},
        ),
        compare(
            "contracts",
            "rotation.on_call_epoch (weekend layer)",
            lambda: weekend.on_call_epoch(t),
            {},
        ),
        compare("contracts", "policy.resolve(on_call)", lambda: policy.resolve(page, t), {}),  # type: ignore[union-attr]
        compare(
            "contracts",
            "rotation.shifts over one month",
            lambda: sun.shifts(day, month),
            {},
            repeat=3,
        ),
        compare("contracts", "load YAML (custom tier example)", lambda: load(text), {}, repeat=3),
        compare(
            "contracts", "validate (custom tier example)", lambda: validate(contract), {}, repeat=3
        ),
        compare("contracts", "load + compile", lambda: load(text).compile(), {}, repeat=3),
        compare("contracts", "render markdown", lambda: render(contract), {}, repeat=3),
        compare("contracts", "dump YAML", lambda: dump(contract), {}, repeat=3),
    ]
