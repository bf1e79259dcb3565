"""The default service classes A, B and C, and side-by-side comparison of tiers.

The numbers are defaults, chosen from common practice (80 % of calls answered
within 20 s is the classic call-centre service level); every contract can
override them. ``docs/tiers.md`` lists them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from sla._errors import TierError
from sla.tiers._spec import TierSpec
from sla.tiers._targets import ServiceLevel, Target
from sla.tiers._tier import Tier
from sla.tiers._values import (
    DEFAULT_PRIORITIES,
    Channel,
    Clock,
    Metric,
    format_fraction,
    human_duration,
)

__all__ = ["Catalog", "Comparison", "ComparisonRow", "catalog", "compare"]

_WRITTEN = ["messenger", "email"]
_ESCALATION: Final = [
    {"name": "heads-up", "fraction": "75%", "notify": ["role:account_manager"]},
    {"name": "breach", "offset": "0s", "notify": ["role:team_lead"]},
    {"name": "overdue", "offset": "+1h", "notify": ["role:head_of_support"]},
    {
        "name": "bad news travels fast",
        "immediate": True,
        "priorities": ["urgent"],
        "notify": ["role:head_of_support"],
    },
]


def _ladder(metric: str, channels: list[str], minutes: tuple[int, int, int, int]) -> list[Any]:
    return [
        {"metric": metric, "channels": channels, "priorities": [p], "within": f"{m}m"}
        for p, m in zip(("urgent", "high", "normal", "low"), minutes)
    ]


_DEFAULTS: Final[dict[str, dict[str, Any]]] = {
    "A": {
        "name": "Personal manager, direct line",
        "description": "A personal manager answers by voice; the front desk takes other "
        "calls and the manager calls back.",
        "channels": ["voice", "callback", "messenger", "email"],
        "access": "personal_manager",
        "targets": [
            {"metric": "speed_of_answer", "channels": ["voice"], "within": "20s"},
            *_ladder("callback_time", ["callback"], (15, 30, 60, 240)),
            *_ladder("first_response", _WRITTEN, (15, 30, 60, 240)),
            {"metric": "total_resolution", "within": "8h", "warn_at": ["50%", "75%"]},
            {
                "metric": "total_resolution",
                "priorities": ["urgent"],
                "within": "4h",
                "warn_at": ["50%", "75%"],
            },
        ],
        "service_levels": [
            {
                "metric": "speed_of_answer",
                "channels": ["voice"],
                "share": "80%",
                "threshold": "20s",
            },
            {
                "metric": "speed_of_answer",
                "channels": ["voice"],
                "kind": "average",
                "threshold": "15s",
            },
            {
                "metric": "callback_time",
                "channels": ["callback"],
                "share": "90%",
                "threshold": "1h",
            },
        ],
        "escalation": _ESCALATION,
    },
    "B": {
        "name": "Personal manager, written channels",
        "description": "A personal manager answers through messengers and e-mail "
        "and calls back when a call is needed.",
        "channels": ["messenger", "email", "web_form", "callback"],
        "access": "personal_manager",
        "targets": [
            *_ladder("first_response", [*_WRITTEN, "web_form"], (30, 60, 120, 480)),
            {
                "metric": "next_response",
                "channels": [*_WRITTEN, "web_form"],
                "within": "4h",
                "warn_at": ["75%"],
            },
            {"metric": "callback_time", "channels": ["callback"], "within": "2h"},
            {"metric": "total_resolution", "within": "16h", "warn_at": ["50%", "75%"]},
            {
                "metric": "total_resolution",
                "priorities": ["urgent"],
                "within": "8h",
                "warn_at": ["50%", "75%"],
            },
        ],
        "service_levels": [
            {"metric": "first_response", "share": "90%", "threshold": "2h"},
        ],
        "escalation": _ESCALATION,
    },
    "C": {
        "name": "Web chat, shared pool",
        "description": "Web chat answered by the first free operator of a pool; "
        "a bot takes the simple, frequent questions.",
        "channels": ["web_chat", "bot", "web_form", "email"],
        "access": "shared_pool",
        "targets": [
            # A bot's answer to an order-status chat counts as the first response.
            {
                "metric": "first_response",
                "channels": ["web_chat"],
                "within": "2m",
                "bot_replies_count": True,
            },
            {
                "metric": "first_response",
                "channels": ["web_form", "email"],
                "within": "8h",
                "warn_at": ["75%"],
            },
            {"metric": "total_resolution", "within": "24h", "warn_at": ["75%"]},
        ],
        "service_levels": [
            {
                # A chat is "answered" by its first response.
                "metric": "first_response",
                "channels": ["web_chat"],
                "share": "80%",
                "threshold": "60s",
            },
            {
                # A chat is "answered" by its first response.
                "metric": "first_response",
                "channels": ["web_chat"],
                "kind": "average",
                "threshold": "45s",
            },
        ],
        "escalation": [
            {"name": "heads-up", "fraction": "75%", "notify": ["role:team_lead"]},
            {"name": "breach", "offset": "0s", "notify": ["role:team_lead"]},
            {
                "name": "bad news travels fast",
                "immediate": True,
                "priorities": ["urgent"],
                "notify": ["role:head_of_support"],
            },
        ],
    },
}

#: The default coverage calendar of the catalogue, in the calendar's dict form.
DEFAULT_CALENDARS: Final[dict[str, dict[str, Any]]] = {
    "business": {"name": "business", "tz": "UTC", "hours": {"mon-fri": "09:00-18:00"}},
}

#: Roles the catalogue's escalation policies name; a contract says who fills them.
DEFAULT_ROLES: Final = ("account_manager", "team_lead", "head_of_support")


@attrs.frozen(slots=True)
class Catalog(Mapping[str, Tier]):
    """The default tiers by code (``"A"``, ``"B"``, ``"C"``), with their specs and calendars."""

    tiers: dict[str, Tier]
    specs: dict[str, TierSpec]
    calendars: dict[str, dict[str, Any]]

    def __getitem__(self, code: str) -> Tier:
        try:
            return self.tiers[code]
        except KeyError:
            known = ", ".join(self.tiers)
            raise TierError(f"no tier {code!r} in the catalogue ({known})", field="tier") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.tiers)

    def __len__(self) -> int:
        return len(self.tiers)


_CATALOG: Catalog | None = None


def catalog() -> Catalog:
    """The default service classes A, B and C (see ``docs/tiers.md`` for their numbers).

    >>> sorted(catalog())
    ['A', 'B', 'C']
    """
    global _CATALOG
    if _CATALOG is None:
        specs = {code: TierSpec.model_validate(data) for code, data in _DEFAULTS.items()}
        tiers = {code: spec.build(code) for code, spec in specs.items()}
        _CATALOG = Catalog(tiers, specs, copy.deepcopy(DEFAULT_CALENDARS))
    return Catalog(dict(_CATALOG.tiers), dict(_CATALOG.specs), copy.deepcopy(DEFAULT_CALENDARS))


@attrs.frozen(slots=True)
class ComparisonRow:
    """One row of :func:`compare`: what (``label``) and each tier's value ('—' if none)."""

    kind: str
    label: str
    values: tuple[str, ...]


@attrs.frozen(slots=True)
class Comparison:
    """Tiers side by side: ``columns`` are tier codes, ``rows`` one per target."""

    columns: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]

    def row(self, label: str) -> ComparisonRow:
        """The row with ``label``.

        :raises TierError: if there is none.
        """
        for row in self.rows:
            if row.label == label:
                return row
        raise TierError(f"no row {label!r}", field="label")

    def to_markdown(self) -> str:
        """A Markdown table."""
        head = ["", *self.columns]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for row in self.rows:
            cells = [row.label, *row.values]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(lines)

    def to_records(self) -> list[dict[str, str]]:
        """Rows as dicts (``kind``, ``label`` and one key per tier), e.g. for a DataFrame."""
        return [
            {"kind": r.kind, "target": r.label, **dict(zip(self.columns, r.values))}
            for r in self.rows
        ]


def _target_value(target: Target) -> str:
    # Business hours are the norm; only calendar-time targets are marked.
    suffix = "" if target.clock is Clock.BUSINESS else " (calendar)"
    return human_duration(target.within) + suffix


def _level_value(level: ServiceLevel) -> str:
    if level.kind == "average":
        return f"average under {human_duration(level.threshold)} / {level.period}"
    share = format_fraction(level.share) if level.share is not None else "?"
    return f"{share} within {human_duration(level.threshold)} / {level.period}"


def _cell(tier: Tier, metric: Metric, channel: Channel, priorities: tuple[str, ...]) -> str:
    if not tier.offers(channel):
        return "—"
    values: dict[str, str] = {}
    for priority in priorities:
        found = [g for g in tier.targets_for(channel, priority) if g.metric is metric]
        values[priority] = _target_value(found[0]) if found else "—"
    distinct = set(values.values())
    if len(distinct) == 1:
        return distinct.pop()
    return " · ".join(f"{p} {v}" for p, v in values.items())


def _direct_line(tier: Tier) -> str:
    if not tier.offers(Channel.VOICE):
        return "—"
    if not tier.direct_line:
        return "no allow-list: every call rings through"
    count = len(tier.direct_line)
    return f"{count} allow-listed caller{'s' if count != 1 else ''} ring through"


def _front_desk(tier: Tier, priorities: tuple[str, ...]) -> str:
    """Who answers the calls that do not ring through, and the callback owed."""
    callback = _cell(tier, Metric.CALLBACK_TIME, Channel.CALLBACK, priorities)
    if tier.offers(Channel.VOICE) and tier.direct_line and callback != "—":
        return f"other calls: front desk, callback {callback}"
    if callback != "—":
        return f"callback {callback}"
    return "—"


def _escalation(tier: Tier) -> str:
    levels = tier.escalation.levels
    if not levels:
        return "none"
    steps = "; ".join(
        f"{level.trigger_text()}"
        + (f" ({', '.join(sorted(level.priorities))})" if level.priorities else "")
        + f" → {', '.join(str(r) for r in level.notify)}"
        for level in levels
    )
    return f"{len(levels)}: {steps}"


def _on_call(tier: Tier) -> str:
    if tier.on_call is None:
        return "24/7 staffed, no rotation" if tier.availability == "24/7" else "none"
    return f"rotation {tier.on_call!r}"


def compare(*tiers: Tier, priorities: tuple[str, ...] = DEFAULT_PRIORITIES) -> Comparison:
    """Tiers side by side: what each tier is (name, access, channels, coverage), how a
    caller reaches it (direct line and allow-list size, front desk and callback target,
    escalation levels, on-call coverage), then a row per target (metric and channel)
    and per service level.

    A cell lists the value per priority when they differ.

    >>> a, b, c = catalog().values()
    >>> compare(a, b, c).row("speed of answer · voice").values
    ('20 s', '—', '—')
    """
    if not tiers:
        raise TierError("compare needs at least one tier", field="tiers")
    columns = tuple(t.code for t in tiers)
    rows = [
        ComparisonRow("tier", "name", tuple(t.name for t in tiers)),
        ComparisonRow("tier", "access", tuple(t.access.label for t in tiers)),
        ComparisonRow(
            "tier", "channels", tuple(", ".join(sorted(c.label for c in t.channels)) for t in tiers)
        ),
        ComparisonRow("tier", "coverage", tuple(f"{t.coverage} ({t.availability})" for t in tiers)),
        ComparisonRow("access", "direct line", tuple(_direct_line(t) for t in tiers)),
        ComparisonRow(
            "access", "front desk · callback", tuple(_front_desk(t, priorities) for t in tiers)
        ),
        ComparisonRow("access", "escalation levels", tuple(_escalation(t) for t in tiers)),
        ComparisonRow("access", "on-call coverage", tuple(_on_call(t) for t in tiers)),
    ]
    channels = [c for c in Channel if any(t.offers(c) for t in tiers)]
    for metric in Metric:
        for channel in channels:
            values = tuple(_cell(t, metric, channel, priorities) for t in tiers)
            if any(v != "—" for v in values):
                label = f"{metric.label} · {channel.label}"
                rows.append(ComparisonRow("target", label, values))
    levels: dict[str, list[str]] = {}
    for index, tier in enumerate(tiers):
        for level in tier.service_levels:
            where = ", ".join(sorted(c.label for c in level.channels)) or "all channels"
            label = f"{level.metric.label} ({level.kind}) · {where}"
            levels.setdefault(label, ["—"] * len(tiers))[index] = _level_value(level)
    rows.extend(ComparisonRow("service level", k, tuple(v)) for k, v in levels.items())
    return Comparison(columns, tuple(rows))
