from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import TierError
from sla.tiers import (
    Channel,
    format_duration,
    format_fraction,
    human_duration,
    parse_duration,
    parse_fraction,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("20s", 20),
        ("30m", 1800),
        ("1h30m", 5400),
        ("2d", 172800),
        ("PT30M", 1800),
        ("P1DT2H", 93600),
        (45, 45),
        ("90", 90),
        ("1h 30m", 5400),
    ],
)
def test_durations_parse(text: object, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "abc", "1x", "P", "PT", 1.5, True, None, [1]])
def test_bad_durations_name_the_field(bad: object) -> None:
    with pytest.raises(TierError) as info:
        parse_duration(bad, field="targets[0].within")
    assert info.value.field == "targets[0].within"


def test_signed_offsets_only_when_asked() -> None:
    assert parse_duration("-1h", signed=True) == -3600
    assert parse_duration("+30m", signed=True) == 1800
    with pytest.raises(TierError, match="negative"):
        parse_duration("-1h")


@given(st.integers(min_value=-(10**8), max_value=10**8))
def test_duration_text_round_trips(seconds: int) -> None:
    assert parse_duration(format_duration(seconds), signed=True) == seconds


def test_written_durations_stop_at_hours() -> None:
    # "1d" of business time would read as a working day; 24 business hours is three.
    assert format_duration(86_400) == "24h"
    assert human_duration(5_400) == "1 h 30 min"


@given(st.fractions(min_value=0, max_value=2, max_denominator=10_000))
def test_fraction_text_round_trips(value: Fraction) -> None:
    assert parse_fraction(format_fraction(value)) == value


def test_fractions_are_exact() -> None:
    assert parse_fraction("75%") == Fraction(3, 4)
    assert parse_fraction(0.1) == Fraction(1, 10)
    assert parse_fraction("12.5%") == Fraction(1, 8)
    assert format_fraction(Fraction(1, 3)) == "1/3"
    with pytest.raises(TierError):
        parse_fraction("lots")


def test_channels_are_marked_synchronous_or_not() -> None:
    assert {c for c in Channel if c.synchronous} == {Channel.VOICE, Channel.WEB_CHAT, Channel.BOT}
    assert not Channel.EMAIL.synchronous
    assert Channel.EMAIL.label == "e-mail"
