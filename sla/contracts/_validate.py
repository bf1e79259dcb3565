"""Validation: every problem of a contract at once, each with its field path.

:func:`check` reads a loaded :class:`~sla.contracts.Contract`; :func:`sla.contracts.validate`
(in :mod:`sla.contracts._io`, where documents are read) also takes what :func:`load` reads.
This module needs the contract class only for annotations, so compiling a contract
(:func:`~sla.contracts._compiled.compile_contract`) never imports the spec back.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

import attrs

from sla._errors import ContractError, Problem, Severity
from sla.calendar import localize
from sla.contracts._resolve import Resolved, resolve
from sla.contracts._routing import OTHER
from sla.tiers import AccessMode, Channel, Clock, Metric, Target, Tier, human_duration
from sla.tiers._direct import DirectLine

if TYPE_CHECKING:
    from sla.contracts._spec import Contract

__all__ = ["GAP_HORIZON_DAYS", "ValidationReport", "check"]

#: How far from the start of the contract on-call gaps are searched.
GAP_HORIZON_DAYS = 28


@attrs.frozen(slots=True)
class ValidationReport:
    """The problems :func:`validate` found: errors make a contract unusable, warnings do not."""

    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems of severity ``"error"``."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems of severity ``"warning"``."""
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def raise_for_errors(self, what: str = "contract") -> None:
        """Raise one :class:`~sla.ContractError` listing every problem, if any is an error."""
        if self.errors:
            raise ContractError.from_problems(self.problems, what=what)

    def __str__(self) -> str:
        if not self.problems:
            return "no problems"
        return "\n".join(str(p) for p in self.problems)


class _Collector:
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def error(self, field: str, reason: str) -> None:
        self.problems.append(Problem(field, reason))

    def warn(self, field: str, reason: str) -> None:
        self.problems.append(Problem(field, reason, "warning"))

    def add(self, field: str, reason: str, severity: Severity) -> None:
        self.problems.append(Problem(field, reason, severity))


def check(contract: Contract) -> tuple[ValidationReport, Resolved]:
    """Validate ``contract``; returns the report and what was resolved on the way."""
    resolved = resolve(contract)
    out = _Collector(list(resolved.problems))
    _check_contract(contract, out)
    priorities = set(contract.priorities)
    for code, tier in resolved.tiers.items():
        _check_tier(contract, resolved, code, tier, priorities, out)
    _check_calendars(contract, resolved, out)
    _check_routing(contract, resolved, out)
    _check_credits(contract, resolved, out)
    # A tier extending another contract tier inherits its entries' field paths, so a
    # problem written once in the parent would otherwise be listed once per child.
    return ValidationReport(tuple(dict.fromkeys(out.problems))), resolved


def _check_contract(contract: Contract, out: _Collector) -> None:
    if contract.effective_until is not None and contract.effective_until < contract.effective_from:
        out.error("effective_until", "the contract ends before it starts")
    seen: set[str] = set()
    for i, priority in enumerate(contract.priorities):
        if priority in seen:
            out.error(f"priorities[{i}]", f"priority {priority!r} is listed twice")
        seen.add(priority)
    for role, people in contract.roles.items():
        if not people:
            out.warn(f"roles.{role}", "nobody fills this role")


def _unknown_priorities(values: frozenset[str], known: set[str]) -> list[str]:
    return sorted(values - known)


def _check_tier(
    contract: Contract,
    resolved: Resolved,
    code: str,
    tier: Tier,
    priorities: set[str],
    out: _Collector,
) -> None:
    path = f"tiers.{code}"
    if tier.coverage not in resolved.calendars and tier.coverage not in contract.calendars:
        out.error(f"{path}.coverage", f"no calendar named {tier.coverage!r}")
    elif tier.coverage in resolved.defaulted_calendars:
        out.warn(
            f"{path}.coverage",
            f"uses the catalogue's default calendar {tier.coverage!r}; define it in calendars",
        )
    if not tier.channels:
        out.error(f"{path}.channels", "the tier offers no channel")
    for where, target in zip(resolved.target_paths[code], tier.targets):
        _check_target(contract, resolved, tier, where, target, priorities, out)
    _check_next_vs_resolution(resolved, code, tier, contract.priorities, out)
    for where, level in zip(resolved.service_level_paths[code], tier.service_levels):
        missing = sorted(level.channels - tier.channels)
        if missing:
            out.error(f"{where}.channels", f"tier {code} does not offer {', '.join(missing)}")
        for p in _unknown_priorities(level.priorities, priorities):
            out.error(f"{where}.priorities", f"unknown priority {p!r}")
        if level.share is not None and not 0 < level.share <= 1:
            out.error(f"{where}.share", "a share must be above 0% and at most 100%")
    fills = {r for r, people in contract.roles.items() if people}
    for where, step in zip(resolved.level_paths[code], tier.escalation.levels):
        for j, recipient in enumerate(step.notify):
            if recipient.kind == "role" and recipient.name not in fills:
                out.error(f"{where}.notify[{j}]", f"nobody fills role {recipient.name!r}")
            if recipient.kind == "on_call" and tier.on_call is None:
                out.error(f"{where}.notify[{j}]", f"tier {code} has no on-call rotation")
        for p in _unknown_priorities(step.priorities, priorities):
            out.error(f"{where}.priorities", f"unknown priority {p!r}")
        if step.fraction is not None and step.fraction <= 0:
            out.error(f"{where}.fraction", "a fraction must be above 0%")
        watched = {t.metric for t in tier.targets}
        for metric in sorted(step.metrics - watched):
            out.warn(f"{where}.metrics", f"tier {code} has no {Metric(metric).label} target")
    if tier.on_call is not None and tier.on_call not in contract.rotations:
        out.error(f"{path}.on_call", f"no rotation named {tier.on_call!r}")
    if tier.direct_line and tier.access is not AccessMode.PERSONAL_MANAGER:
        out.warn(f"{path}.direct_line", "a direct line only makes sense with a personal manager")
    if tier.direct_line and Channel.VOICE not in tier.channels:
        out.warn(f"{path}.direct_line", f"tier {code} does not offer voice")
    if tier.direct_line:
        _check_direct_line(contract, code, tier, path, out)
    _check_availability(contract, resolved, code, tier, out)


def _check_direct_line(
    contract: Contract, code: str, tier: Tier, path: str, out: _Collector
) -> None:
    """Every allow-list entry is a phone number or an e-mail address; off-list calls
    have a callback target to go to."""
    found: list[Problem] = []
    callers = contract.callers
    DirectLine.of(
        tier.direct_line,
        region=callers.region,
        local_part=callers.email_local_part,
        field=f"{path}.direct_line",
        problems=found,
    )
    for problem in found:
        out.error(problem.field, problem.reason)
    if Channel.VOICE not in tier.channels:
        return
    missing = [
        p
        for p in contract.priorities
        if not any(t.metric is Metric.CALLBACK_TIME for t in tier.targets_for(Channel.CALLBACK, p))
        or Channel.CALLBACK not in tier.channels
    ]
    if missing:
        out.warn(
            f"{path}.direct_line",
            f"callers off the direct line go to the front desk, but tier {code} has no "
            f"callback_time target on the callback channel for {', '.join(missing)}: "
            "such calls end Unmatched",
        )


def _check_target(
    contract: Contract,
    resolved: Resolved,
    tier: Tier,
    where: str,
    target: Target,
    priorities: set[str],
    out: _Collector,
) -> None:
    missing = sorted(target.channels - tier.channels)
    if missing:
        out.error(f"{where}.channels", f"tier {tier.code} does not offer {', '.join(missing)}")
    for p in _unknown_priorities(target.priorities, priorities):
        out.error(f"{where}.priorities", f"unknown priority {p!r}")
    if target.within <= 0:
        out.error(f"{where}.within", "a target must be longer than zero")
    if target.calendar is not None:
        if target.clock is Clock.CALENDAR:
            out.warn(f"{where}.calendar", "a calendar-time target ignores its calendar")
        elif (
            target.calendar not in resolved.calendars and target.calendar not in contract.calendars
        ):
            out.error(f"{where}.calendar", f"no calendar named {target.calendar!r}")
    for j, fraction in enumerate(target.warn_at):
        if not 0 < fraction < 1:
            out.error(
                f"{where}.warn_at[{j}]",
                "a warning must fall after the start and before the deadline (between 0% and 100%)",
            )
    for j, before in enumerate(target.warn_before):
        if before <= 0 or before >= target.within:
            out.error(
                f"{where}.warn_before[{j}]",
                f"a warning {human_duration(before)} before a {human_duration(target.within)} "
                "deadline is not between the start and the deadline",
            )
    sync_only = {Metric.SPEED_OF_ANSWER}
    if target.metric in sync_only and any(not c.synchronous for c in target.channels):
        out.warn(f"{where}.metric", "speed of answer applies to synchronous channels")
    if target.metric is Metric.CALLBACK_TIME and Channel.CALLBACK not in tier.channels:
        out.error(f"{where}.metric", f"tier {tier.code} does not offer callbacks")


def _check_next_vs_resolution(
    resolved: Resolved, code: str, tier: Tier, priorities: list[str], out: _Collector
) -> None:
    paths = dict(zip(tier.targets, resolved.target_paths[code]))
    for channel in (c for c in Channel if c in tier.channels):
        for priority in priorities:
            chosen = {t.metric: t for t in tier.targets_for(channel, priority)}
            nxt = chosen.get(Metric.NEXT_RESPONSE)
            res = chosen.get(Metric.TOTAL_RESOLUTION)
            if nxt and res and nxt.clock is res.clock and nxt.within > res.within:
                out.error(
                    f"{paths[nxt]}.within",
                    f"next response ({human_duration(nxt.within)}) is longer than total "
                    f"resolution ({human_duration(res.within)}) for {channel} / {priority}",
                )
                return


def _check_availability(
    contract: Contract, resolved: Resolved, code: str, tier: Tier, out: _Collector
) -> None:
    cal = resolved.calendars.get(tier.coverage)
    if cal is None:
        return
    needs_cover = tier.availability == "24/7" or any(
        t.clock is Clock.CALENDAR for t in tier.targets
    )
    if tier.availability == "24/7" and not cal.is_always_open:
        out.error(
            f"tiers.{code}.availability",
            f"promises 24/7 but coverage calendar {tier.coverage!r} is {cal.describe()}",
        )
    elif needs_cover and not cal.is_always_open and tier.on_call is None:
        out.warn(
            f"tiers.{code}.targets",
            "calendar-time targets run while coverage calendar "
            f"{tier.coverage!r} is closed and no on-call rotation covers those hours",
        )
    rotation = resolved.rotations.get(tier.on_call or "")
    if rotation is None or not needs_cover:
        return
    start = localize(datetime.combine(contract.effective_from, time()), rotation.tz)
    end = start + timedelta(days=GAP_HORIZON_DAYS)
    holes = [g for g in rotation.gaps(start, end) if cal.elapsed(g.start, g.end) < g.end - g.start]
    if holes:
        first = holes[0]
        out.warn(
            f"rotations.{rotation.name}",
            f"{len(holes)} on-call gap(s) outside {tier.coverage!r} hours in the first "
            f"{GAP_HORIZON_DAYS} days, first {first.start.isoformat()} to {first.end.isoformat()}",
        )


def _check_calendars(contract: Contract, resolved: Resolved, out: _Collector) -> None:
    for name, cal in resolved.calendars.items():
        if cal.open_seconds_per_week() == 0:
            out.error(f"calendars.{name}", "the calendar is never open")


def _check_routing(contract: Contract, resolved: Resolved, out: _Collector) -> None:
    router, tiers = resolved.router, resolved.tiers
    known = set(contract.priorities)
    for i, rule in enumerate(router.rules):
        where = f"routing.rules[{i}]"
        if rule.tier not in contract.tiers:
            out.error(f"{where}.tier", f"no tier named {rule.tier!r}")
        for p in _unknown_priorities(rule.priorities, known):
            out.error(f"{where}.priorities", f"unknown priority {p!r}")
    if router.fallback is not None and router.fallback not in contract.tiers:
        out.error("routing.fallback", f"no tier named {router.fallback!r}")
    if not router.rules and router.fallback is None:
        out.error("routing", "no rule and no fallback: every contact is unmatched")
        return
    # Contacts on a channel no tier offers cannot be served anyway; they are not "unmatched".
    offered = [c.value for c in Channel if any(c in t.channels for t in tiers.values())]
    analysis = router.analyse(offered, contract.priorities)
    if not analysis.exhaustive:
        out.warn("routing", f"{analysis.cells} combinations are too many to check exhaustively")
        return
    names = [r.name for r in router.rules]
    _check_dead_ends(contract, resolved, offered, out)
    for j, by in analysis.unreachable:
        shadow = ", ".join(names[i] for i in by) or "no contact"
        out.error(f"routing.rules[{j}]", f"never matches: every contact it covers goes to {shadow}")
    for i, j, (channel, priority, attrs_) in analysis.overlaps:
        example = _example(channel, priority, attrs_)
        out.warn(
            f"routing.rules[{j}]", f"overlaps {names[i]!r} (e.g. {example}); the earlier rule wins"
        )
    if analysis.unmatched_count:
        examples = "; ".join(_example(*cell) for cell in analysis.unmatched)
        out.warn(
            "routing.fallback",
            f"no fallback and {analysis.unmatched_count} kinds of contact "
            f"match no rule, e.g. {examples}",
        )
    used = {r.tier for r in router.rules} | {router.fallback}
    for code in contract.tiers:
        if code not in used:
            out.warn(f"tiers.{code}", "no routing rule or fallback sends contacts to this tier")


def _check_dead_ends(
    contract: Contract, resolved: Resolved, offered: list[str], out: _Collector
) -> None:
    """Warn at the rule for every (rule, channel, priority) that ends Unmatched because
    the tier it routes to does not offer the channel."""
    router, tiers = resolved.router, resolved.tiers
    offers = {code: frozenset(c.value for c in tier.channels) for code, tier in tiers.items()}
    found = router.dead_ends(offered, contract.priorities, offers)
    if found is None:
        return  # too many classes: analyse() already warned
    for (index, channel), priorities in sorted(found.items(), key=lambda kv: kv[0]):
        rule = router.rules[index] if index >= 0 else None
        where = f"routing.rules[{index}]" if rule else "routing.fallback"
        tier = rule.tier if rule else router.fallback
        which = (
            "every priority"
            if len(priorities) == len(contract.priorities)
            else "priority " + ", ".join(priorities)
        )
        out.warn(
            where,
            f"sends {channel} contacts ({which}) to tier {tier}, which does not offer "
            f"{channel}: they end Unmatched",
        )


def _example(channel: str, priority: str, attrs_: dict[str, str]) -> str:
    parts = [channel, priority]
    parts.extend(f"{k}={'(other)' if v == OTHER else v}" for k, v in attrs_.items())
    return "/".join(parts)


def _check_credits(contract: Contract, resolved: Resolved, out: _Collector) -> None:
    for i, credit in enumerate(contract.credits):
        where = f"credits[{i}]"
        tier = resolved.tiers.get(credit.tier)
        if credit.tier not in contract.tiers:
            out.error(f"{where}.tier", f"no tier named {credit.tier!r}")
        elif tier is not None:
            metrics = {t.metric for t in tier.targets} | {s.metric for s in tier.service_levels}
            if credit.metric not in metrics:
                out.error(
                    f"{where}.metric", f"tier {credit.tier} has no {credit.metric.label} target"
                )
        if not 0 < credit.below <= 1:
            out.error(f"{where}.below", "attainment threshold must be above 0% and at most 100%")
        if not 0 < credit.credit <= 1:
            out.error(f"{where}.credit", "a credit must be above 0% and at most 100% of the fee")
