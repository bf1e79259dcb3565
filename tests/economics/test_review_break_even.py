"""Regression test from review: a break-even AHT above one day is a number, not inf."""

from __future__ import annotations

import math
from datetime import timedelta

from sla import Money
from sla.economics import Costs, PerContact, PerMinute, Queue, TierEconomics

QUEUE = Queue(calls=100, interval=timedelta(minutes=30), aht=timedelta(seconds=180))


def test_high_per_contact_price_breaks_even_after_more_than_a_day() -> None:
    # 1000 EUR per contact at 18 EUR per agent hour: margin is +126 EUR at a two-day
    # AHT and negative at eight days, so the break-even AHT is finite (it used to be inf).
    tier = TierEconomics(QUEUE, Costs(Money("18", "EUR")), PerContact(Money("1000", "EUR")))
    seconds = float(tier.break_even_aht())
    assert math.isfinite(seconds)
    assert 2 * 86400 < seconds < 8 * 86400
    at = timedelta(seconds=seconds)
    assert tier.margin_at_aht(at).amount >= 0
    assert tier.margin_at_aht(at + timedelta(milliseconds=1)).amount < 0


def test_per_minute_break_even_is_a_minimum_handle_time() -> None:
    # 0.50 EUR a minute = 30 EUR an hour of handling against 18 EUR a paid hour: long
    # calls pay, short ones lose (whole agents idle between them). The answer is the
    # shortest AHT that pays, not "any".
    tier = TierEconomics(QUEUE, Costs(Money("18", "EUR")), PerMinute(Money("0.5", "EUR")))
    assert tier.break_even_is_minimum
    seconds = float(tier.break_even_aht())
    assert 0 < seconds < 180
    at = timedelta(seconds=seconds)
    assert tier.margin_at_aht(at).amount >= 0
    assert tier.margin_at_aht(at - timedelta(microseconds=1)).amount < 0
    assert tier.margin_at_aht(timedelta(seconds=1)).amount < 0  # short calls lose
    assert "shortest AHT" in tier.break_even_aht().explain().formula


def test_per_minute_below_cost_never_pays() -> None:
    import pytest

    from sla import EconomicsError

    tier = TierEconomics(QUEUE, Costs(Money("18", "EUR")), PerMinute(Money("0.1", "EUR")))
    with pytest.raises(EconomicsError):
        tier.break_even_aht()


def test_negative_costs_are_refused_with_every_field_named() -> None:
    import pytest

    from sla import EconomicsError, Money
    from sla.economics import Costs

    with pytest.raises(EconomicsError) as info:
        Costs(agent_hour=Money("-18", "EUR"), telephony_minute=Money("-0.01", "EUR"))
    fields = {p.field for p in info.value.problems}
    assert {"agent_hour", "telephony_minute"} <= fields
