"""Hypothesis strategies for contracts: whole contract documents as plain data."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from sla.tiers import Channel, Metric
from tests.tiers.strategies import ZONES, clock_times, rotations

CHANNELS = [c.value for c in Channel]
METRICS = [m.value for m in Metric]
PRIORITIES = ["urgent", "high", "normal", "low"]

names = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
# Free text with the characters that break YAML, TOML and Markdown when not handled.
texts = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from('\n"\\#:|*<>'),
    max_size=20,
)
durations = st.integers(1, 10**6).map(lambda s: f"{s}s") | st.sampled_from(["30m", "1h30m", "8h"])
percents = st.integers(1, 100).map(lambda p: f"{p}%") | st.sampled_from(["12.5%", "1/3"])


def subset(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), unique=True, max_size=3)


@st.composite
def targets(draw: st.DrawFn) -> dict[str, Any]:
    target: dict[str, Any] = {"metric": draw(st.sampled_from(METRICS)), "within": draw(durations)}
    if draw(st.booleans()):
        target["channels"] = draw(subset(CHANNELS))
    if draw(st.booleans()):
        target["priorities"] = draw(subset(PRIORITIES))
    if draw(st.booleans()):
        target["clock"] = draw(st.sampled_from(["business", "calendar"]))
    if draw(st.booleans()):
        target["warn_at"] = draw(st.lists(percents, max_size=2))
        target["warn_before"] = draw(st.lists(durations, max_size=2))
    if draw(st.booleans()):
        target["pause_on"] = draw(subset(["pending", "on_hold", "waiting"]))
    return target


@st.composite
def levels(draw: st.DrawFn) -> dict[str, Any]:
    notify = draw(
        st.lists(
            st.sampled_from(["on_call"])
            | names.map(lambda n: f"role:{n}")
            | names.map(lambda n: f"person:{n}"),
            min_size=1,
            max_size=3,
        )
    )
    level: dict[str, Any] = {"name": draw(names), "notify": notify}
    trigger = draw(st.sampled_from(["offset", "fraction", "immediate"]))
    if trigger == "offset":
        level["offset"] = draw(st.sampled_from(["-1h", "0s", "+30m", "-15m"]))
    elif trigger == "fraction":
        level["fraction"] = draw(percents)
    else:
        level["immediate"] = True
        level["priorities"] = ["urgent"]
    return level


@st.composite
def tiers(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.integers(0, 3)) == 0:
        return {
            "extends": draw(st.sampled_from(["A", "B", "C"])),
            "targets": draw(st.lists(targets(), max_size=2)),
        }
    tier: dict[str, Any] = {
        "name": draw(texts),
        "description": draw(texts),
        "channels": draw(st.lists(st.sampled_from(CHANNELS), unique=True, min_size=1)),
        "access": draw(st.sampled_from(["personal_manager", "named_team", "shared_pool"])),
        "coverage": "business",
        "targets": draw(st.lists(targets(), max_size=4)),
        "escalation": draw(st.lists(levels(), max_size=3)),
    }
    if draw(st.booleans()):
        tier["service_levels"] = [
            {
                "metric": "speed_of_answer",
                "share": draw(percents),
                "threshold": draw(durations),
                "period": draw(st.sampled_from(["day", "week", "month"])),
            },
            {"metric": "first_response", "kind": "average", "threshold": draw(durations)},
        ]
    if draw(st.booleans()):
        tier["direct_line"] = draw(st.lists(texts, max_size=2))
    return tier


@st.composite
def calendars(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(clock_times)
    end = draw(clock_times.filter(lambda t: t > start))
    calendar: dict[str, Any] = {
        "tz": draw(st.sampled_from(ZONES)),
        "hours": {"mon-fri": f"{start}-{end}"},
    }
    if draw(st.booleans()):
        # A date object too: what YAML makes of an unquoted 2025-12-24.
        calendar["holidays"] = [
            {"date": "2025-12-25", "name": draw(texts)},
            "2026-01-01",
            date(2025, 12, 24),
        ]
    return calendar


@st.composite
def contracts(draw: st.DrawFn) -> dict[str, Any]:
    codes = draw(
        st.lists(
            st.sampled_from(["A", "B", "C", "GOLD", "x-1"]), unique=True, min_size=1, max_size=3
        )
    )
    rules = [
        {
            "name": draw(texts),
            "tier": draw(st.sampled_from(codes)),
            "channels": draw(subset(CHANNELS)),
            "priorities": draw(subset(PRIORITIES)),
            "attributes": draw(
                st.dictionaries(names, names | st.lists(names, min_size=1, max_size=2), max_size=2)
            ),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    data: dict[str, Any] = {
        "contract": draw(texts),
        "version": draw(st.integers(1, 99)),
        "customer": {
            "name": draw(texts),
            "attributes": draw(st.dictionaries(names, texts, max_size=2)),
        },
        "effective_from": "2025-01-01",
        "calendars": {"business": draw(calendars())},
        "tiers": {code: draw(tiers()) for code in codes},
        "roles": draw(st.dictionaries(names, st.lists(names, max_size=2), max_size=3)),
        "routing": {"rules": rules},
    }
    if draw(st.booleans()):
        data["routing"]["fallback"] = draw(st.sampled_from(codes))
    if draw(st.booleans()):
        data["rotations"] = {
            "oncall": draw(rotations()).model_dump(mode="json", exclude_unset=True)
        }
    if draw(st.booleans()):
        data["credits"] = [
            {
                "tier": codes[0],
                "metric": "first_response",
                "below": draw(percents),
                "credit": draw(percents),
            }
        ]
    if draw(st.booleans()):
        data["price_plan"] = {"currency": "EUR", "monthly": "1200.00", "tiers": [1, 2]}
    if draw(st.booleans()):
        data["effective_until"] = "2026-06-30"
        data["timezone"] = "customer"
        data["customer"]["tz"] = draw(st.sampled_from(ZONES))
    return data
