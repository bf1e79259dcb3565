"""Hostile values for the fuzzing suite: what a careless or malicious caller hands us.

Listed in ``docs/limits.md``. Each strategy mixes ordinary values with the
edges where parsers, Decimal, datetime and YAML break: numbers at the ends
of Decimal and float, instants at year 1 and 9999 and epoch milliseconds,
zones that do not exist, strings that are Rich markup or HTML, documents
nested deeply, YAML aliases and duplicate keys.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from hypothesis import strategies as st

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "contracts"

#: Numbers at the edges of float and Decimal, and strings that look like numbers.
EDGE_NUMBERS: tuple[object, ...] = (
    0, -0.0, 1, -1, 0.1, 1e-9, 5e-324, sys.float_info.max, -sys.float_info.max,
    float("inf"), float("-inf"), float("nan"), 2**63, -(2**63), 10**18, 10**30,
    Decimal("0"), Decimal("-0"), Decimal("0.001"), Decimal("-0.001"), Decimal("1E+18"),
    Decimal("1E+60"), Decimal("1E-30"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
    Decimal("-Infinity"), Decimal("1E+999999"), Decimal("1E-999999"), Decimal("0E+1000"),
    "1", "-1", "0.005", "1e3", "1e999999", "1e-999999", "NaN", "nan", "inf", "-Infinity",
    "", " ", " 12 ", "1_000", "1,000.00", "١٢", "0x10", "12 USD", "½", True, False, None,
)  # fmt: skip

#: Text that is Rich markup, HTML, a format string, control characters, YAML words.
HOSTILE_TEXT: tuple[str, ...] = (
    "[/b]", "[bold red]x[/]", "[draft]", "[link=file:///etc/passwd]x[/link]", "\\[x]",
    "<script>alert(1)</script>", "&amp;", "\"'`", "{0}", "%s%n", "\x00", "\x1b[31m", "\u202e",
    "\u200b", "a\nb", "\r\n", "../../etc/passwd", "~", "null", "yes", "on", "NaN", "-", "*x",
    "&x", "!!python/object:os.system", "x" * 5000, "🙂", "İ",
)  # fmt: skip

ZONES: tuple[str, ...] = (
    "UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Pacific/Kiritimati",
    "Australia/Lord_Howe", "America/St_Johns", "Antarctica/Troll",
)  # fmt: skip
BAD_ZONES: tuple[str, ...] = (
    "", "Mars/Olympus", "UTC+25", "../etc/passwd", "Europe/Berlin\x00", "europe/berlin ",
    "EST5EDT,M3.2.0,M11.1.0", "/usr/share/zoneinfo/UTC",
)  # fmt: skip

numbers = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
)
hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40))
zones = st.one_of(st.sampled_from(ZONES), st.sampled_from(BAD_ZONES), st.text(max_size=20))
valid_zones = st.sampled_from(ZONES)

#: Aware instants anywhere in years 1-9999, with the edges themselves likely.
aware_instants = st.one_of(
    st.sampled_from(
        [
            datetime(1, 1, 1, tzinfo=UTC),
            datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
            datetime(1970, 1, 1, tzinfo=UTC),
            datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC),
            datetime(2025, 3, 30, 2, 30, tzinfo=ZoneInfo("Europe/Berlin")),  # a missing hour
        ]
    ),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=14))])),
    st.datetimes(timezones=valid_zones.map(ZoneInfo)),
)
#: Everything that may be passed where an instant is expected.
instants = st.one_of(
    aware_instants,
    st.datetimes(),  # naive
    st.sampled_from([1748847600, 1748847600000, 1748847600000000, -1, 0, 2**63, -(2**63)]),
    st.integers(),
    st.floats(),
    hostile_text,
    st.dates(),
)
#: Durations: timedeltas at the edges and the strings a contract may hold.
durations = st.one_of(
    st.sampled_from([timedelta(0), timedelta.max, timedelta.min, timedelta(days=10**6)]),
    st.timedeltas(),
    st.sampled_from(["1h", "30m", "1h30m", "PT30M", "99999999999d", "-5m", "0s", "", "1.5h"]),
    st.integers(),
    hostile_text,
)
dates = st.one_of(st.dates(), st.sampled_from([date(1, 1, 1), date(9999, 12, 31)]))


def leaves() -> st.SearchStrategy[Any]:
    """Scalar values a YAML / JSON document may hold, hostile ones likely."""
    return st.one_of(
        st.sampled_from(EDGE_NUMBERS),
        hostile_text,
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
        st.dates(),
    )


#: JSON-like documents of hostile leaves, moderately nested.
documents = st.recursive(
    leaves(),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)
    ),
    max_leaves=20,
)


def _example(name: str) -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here] if here else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*here, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*here, index))
    return out


EXAMPLE_NAMES = ("tier_a", "tier_b", "tier_c", "custom_tier")
_EXAMPLES = {name: _example(name) for name in EXAMPLE_NAMES}
_PATHS = {name: _paths(data) for name, data in _EXAMPLES.items()}


@st.composite
def mutated_contracts(draw: st.DrawFn) -> dict[str, Any]:
    """A shipped example contract with one to three values replaced by hostile ones."""
    name = draw(st.sampled_from(EXAMPLE_NAMES))
    data = yaml.safe_load(yaml.safe_dump(_EXAMPLES[name]))  # a deep copy
    for path in draw(st.lists(st.sampled_from(_PATHS[name]), min_size=1, max_size=3)):
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = draw(st.one_of(leaves(), documents))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced a parent
    return data


@st.composite
def alias_bombs(draw: st.DrawFn) -> str:
    """YAML with anchors referring to anchors: ``levels`` of ``fanout`` each."""
    levels = draw(st.integers(min_value=1, max_value=9))
    fanout = draw(st.integers(min_value=2, max_value=10))
    lines = [f"  l0: &l0 [{', '.join(['lol'] * fanout)}]"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * fanout)
        lines.append(f"  l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


@st.composite
def nested_texts(draw: st.DrawFn) -> tuple[str, int]:
    """``([...])`` or ``{"a": ...}`` nested 1 to 1,500 levels deep, as JSON/YAML text."""
    depth = draw(st.integers(min_value=1, max_value=1500))
    if draw(st.booleans()):
        return "[" * depth + "1" + "]" * depth, depth
    return '{"a": ' * depth + "1" + "}" * depth, depth


@st.composite
def duplicate_key_texts(draw: st.DrawFn) -> str:
    """A YAML mapping that gives one key twice, with different values."""
    key = draw(st.sampled_from(["name", "currency", "price", "amount", "contract", "version"]))
    first, second = draw(st.lists(leaves(), min_size=2, max_size=2))
    return f"{key}: {first!r}\n{key}: {second!r}\n"
