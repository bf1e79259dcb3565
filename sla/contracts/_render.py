"""A readable SLA document for people: Markdown or HTML."""

from __future__ import annotations

from datetime import date
from typing import Literal

from sla._errors import ContractError
from sla.calendar import from_epoch
from sla.contracts._document import (
    Block,
    Bullets,
    Heading,
    Paragraph,
    TableBlock,
    to_html,
    to_markdown,
)
from sla.contracts._resolve import Resolved, resolve
from sla.contracts._spec import Contract
from sla.tiers import (
    Channel,
    Clock,
    Metric,
    OnCallRotation,
    ServiceLevel,
    Target,
    Tier,
    format_fraction,
    human_duration,
)

__all__ = ["render"]


def render(
    contract: Contract, format: Literal["markdown", "html"] = "markdown", *, year: int | None = None
) -> str:
    """The contract as a document: tier summary, targets by priority and channel, hours and
    holidays, escalation, on-call, routing and service credits.

    Holidays are listed for ``year`` (default: the year the contract takes effect).
    Renders drafts too: parts that cannot be resolved are left out (validate first).
    """
    blocks = _blocks(contract, resolve(contract), year or contract.effective_from.year)
    if format == "markdown":
        return to_markdown(blocks)
    if format == "html":
        return to_html(blocks, f"Service level agreement: {contract.customer.name}")
    raise ContractError(f"unknown format {format!r} (markdown or html)", field="format")


def _blocks(contract: Contract, resolved: Resolved, year: int) -> list[Block]:
    until = contract.effective_until.isoformat() if contract.effective_until else "open-ended"
    zone = (
        f"the customer's zone ({contract.customer.tz})"
        if contract.timezone == "customer"
        else "each calendar's own zone"
    )
    blocks: list[Block] = [
        Heading(1, f"Service level agreement: {contract.customer.name}"),
        Paragraph(
            f"Contract {contract.contract}, version {contract.version}, effective "
            f"{contract.effective_from.isoformat()} to {until}. Times are in {zone}. "
            f"Priorities, most urgent first: {', '.join(contract.priorities)}."
        ),
    ]
    for code, tier in resolved.tiers.items():
        blocks.extend(_tier_blocks(contract, code, tier, resolved))
    blocks.extend(_hours_blocks(resolved, year))
    blocks.extend(_routing_blocks(contract))
    if contract.roles:
        blocks.append(Heading(2, "Roles"))
        blocks.append(
            TableBlock(
                ("Role", "Filled by"),
                tuple(
                    (role.replace("_", " "), ", ".join(p) or "nobody")
                    for role, p in contract.roles.items()
                ),
            )
        )
    if contract.credits:
        blocks.append(Heading(2, "Service credits"))
        blocks.append(
            TableBlock(
                ("Tier", "Metric", "When attainment per period is below", "Credit of the fee"),
                tuple(
                    (
                        c.tier,
                        f"{c.metric.label} (per {c.period})",
                        format_fraction(c.below),
                        format_fraction(c.credit),
                    )
                    for c in contract.credits
                ),
            )
        )
    return blocks


def _tier_blocks(contract: Contract, code: str, tier: Tier, resolved: Resolved) -> list[Block]:
    channels = ", ".join(
        f"{c.label} ({'synchronous' if c.synchronous else 'asynchronous'})"
        for c in Channel
        if c in tier.channels
    )
    blocks: list[Block] = [Heading(2, f"Tier {code}: {tier.name}")]
    if tier.description:
        blocks.append(Paragraph(tier.description))
    facts = [
        f"Access: {tier.access.label}.",
        f"Channels: {channels or 'none'}.",
        f"Coverage: calendar {tier.coverage!r}"
        + (", promised 24/7." if tier.availability == "24/7" else ", business hours."),
    ]
    if tier.direct_line:
        facts.append(
            f"Direct line to the personal manager for {len(tier.direct_line)} allow-listed "
            "contact(s); other calls go to the front desk, which records the question and "
            "creates a callback."
        )
    blocks.append(Bullets(tuple(facts)))
    if tier.targets:
        blocks.append(Heading(3, "Targets per contact"))
        header = ("Metric", "Channel", *contract.priorities)
        rows = []
        for metric in Metric:
            for channel in Channel:
                if channel not in tier.channels:
                    continue
                cells = []
                for priority in contract.priorities:
                    found = [t for t in tier.targets_for(channel, priority) if t.metric is metric]
                    cells.append(_target_cell(found[0]) if found else "–")
                if any(c != "–" for c in cells):
                    rows.append((metric.label, channel.label, *cells))
        blocks.append(TableBlock(header, tuple(rows)))
        blocks.append(
            Paragraph(
                "Times count business hours of the tier's coverage calendar unless marked "
                "'calendar time'. Warnings are shown in brackets."
            )
        )
    if tier.service_levels:
        blocks.append(Heading(3, "Service levels"))
        blocks.append(Bullets(tuple(_level_text(s) for s in tier.service_levels)))
    if tier.escalation.levels:
        blocks.append(Heading(3, "Escalation"))
        items = []
        for level in tier.escalation.levels:
            scope = []
            if level.metrics:
                scope.append(", ".join(sorted(Metric(m).label for m in level.metrics)))
            if level.priorities:
                scope.append("priority " + ", ".join(sorted(level.priorities)))
            where = f" ({'; '.join(scope)})" if scope else ""
            who = ", ".join(
                "whoever is on call" if r.kind == "on_call" else r.name.replace("_", " ")
                for r in level.notify
            )
            items.append(f"{level.name}{where}: {level.trigger_text()}, tell {who}")
        blocks.append(Bullets(tuple(items)))
    rotation = resolved.rotations.get(tier.on_call or "")
    if rotation is not None:
        blocks.extend(_rotation_blocks(rotation, contract.effective_from))
    return blocks


def _target_cell(target: Target) -> str:
    text = human_duration(target.within)
    if target.clock is Clock.CALENDAR:
        text += " calendar time"
    elif target.calendar:
        text += f" ({target.calendar} hours)"
    warnings = [format_fraction(f) for f in target.warn_at] + [
        f"{human_duration(b)} before" for b in target.warn_before
    ]
    if warnings:
        text += f" [warn {', '.join(warnings)}]"
    return text


def _level_text(level: ServiceLevel) -> str:
    where = ", ".join(sorted(c.label for c in level.channels)) or "all channels"
    if level.kind == "average":
        return (
            f"Average {level.metric.label} under {human_duration(level.threshold)} "
            f"({where}), measured per {level.period}."
        )
    share = format_fraction(level.share) if level.share is not None else "?"
    return (
        f"{share} of contacts: {level.metric.label} within {human_duration(level.threshold)} "
        f"({where}), measured per {level.period}."
    )


def _rotation_blocks(rotation: OnCallRotation, start: date) -> list[Block]:
    blocks: list[Block] = [Heading(3, f"On call: {rotation.name}")]
    items = []
    for layer in rotation.layers:
        when = (
            f"every {layer.length} {layer.every}(s)" if layer.length > 1 else f"every {layer.every}"
        )
        hand = f"{layer.handoff // 60:02d}:{layer.handoff % 60:02d} {layer.tz}"
        windows = f", only {', '.join(str(w) for w in layer.windows)}" if layer.windows else ""
        items.append(
            f"{layer.name}: {', '.join(layer.participants)} take turns {when}, handing off at "
            f"{hand}{windows}."
        )
    items.extend(
        (
            f"Override: {o.who} covers {o.day.isoformat()} (the whole day, {rotation.tz})"
            if o.day is not None
            else f"Override: {o.who} covers {_instant(o.start, rotation)} to "
            f"{_instant(o.end, rotation)}"
        )
        + (f" ({o.reason})" if o.reason else "")
        for o in rotation.overrides
    )
    blocks.append(Bullets(tuple(items)))
    return blocks


def _instant(ts: int, rotation: OnCallRotation) -> str:
    return from_epoch(ts, rotation.tz).strftime("%Y-%m-%d %H:%M %Z")


def _hours_blocks(resolved: Resolved, year: int) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Hours and holidays")]
    for name, cal in resolved.calendars.items():
        blocks.append(Heading(3, f"Calendar {name}"))
        blocks.append(Paragraph(cal.describe()))
        closures = cal.closures(date(year, 1, 1), date(year, 12, 31))
        if closures:
            blocks.append(
                TableBlock(
                    ("Date", "Closed for"), tuple((d.isoformat(), why) for d, why in closures)
                )
            )
    return blocks


def _routing_blocks(contract: Contract) -> list[Block]:
    rows = []
    for i, rule in enumerate(contract.routing.rules):
        when = []
        if rule.channels:
            when.append("channel " + ", ".join(Channel(c).label for c in rule.channels))
        if rule.priorities:
            when.append("priority " + ", ".join(rule.priorities))
        for key, value in rule.attributes.items():
            values = [value] if isinstance(value, str) else value
            when.append(f"{key} is {' or '.join(values)}")
        rows.append(
            (str(i + 1), rule.name or f"rule {i + 1}", "; ".join(when) or "always", rule.tier)
        )
    fallback = contract.routing.fallback
    rows.append(("–", "fallback", "no rule matched", fallback or "none: the contact is unmatched"))
    return [
        Heading(2, "Which tier a contact gets"),
        Paragraph("Rules are tried in order; the first that matches decides."),
        TableBlock(("#", "Rule", "When", "Tier"), tuple(rows)),
    ]
