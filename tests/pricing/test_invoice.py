"""Plans, proration, credits, quotes and invoices."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import Money, PricingError
from sla.pricing import (
    Attainment,
    BandCredit,
    BillingPeriod,
    BreachCredit,
    Charge,
    CreditSchedule,
    Discount,
    Flat,
    Graduated,
    PerUnit,
    Phase,
    Plan,
    catalogue_plan,
    invoice,
    prorate,
    quote,
)

BERLIN = "Europe/Berlin"


def usd(x: str | int) -> Money:
    return Money(x, "USD")


def simple_plan(rounding: str = "half_even", **kw: object) -> Plan:
    return Plan(
        "test",
        "USD",
        [Charge("unit", PerUnit(usd("0.737")), metric="units")],
        rounding=rounding,
        **kw,
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(("rounding", "expected"), [("half_even", "3.68"), ("half_up", "3.69")])
def test_line_rounding_mode_3_685(rounding: str, expected: str) -> None:
    plan = simple_plan(rounding)
    inv = invoice(plan, {"units": 5}, [], BillingPeriod.month(2024, 1))
    line = inv.lines[0]
    assert line.unrounded == usd("3.685")
    assert line.amount == usd(expected)


def test_order_of_adjustments() -> None:
    charge = Charge(
        "calls",
        PerUnit(usd(2)),
        metric="calls",
        included=10,
        discounts=[Discount.percent("10%"), Discount.amount(usd(20)), Discount.units(5)],
        minimum=usd(50),
        maximum=usd(150),
    )
    lines = charge.lines(100)
    # 100 - 10 included - 5 units = 85 units = 170; - 20 = 150; - 10 % = 135
    assert [ln.kind for ln in lines] == ["overage", "discount", "discount"]
    assert [ln.amount for ln in lines] == [usd(170), usd(-20), usd(-15)]
    small = charge.lines(20)  # 5 units = 10; -10 (amount) = 0; -0 %; true-up to 50
    assert small[-1].kind == "true-up"
    assert small[-1].amount == usd(50)
    big = charge.lines(1000)
    assert big[-1].kind == "cap"
    assert sum((ln.amount for ln in big), usd(0)) == usd(150)


def test_proration_by_day_leap_february() -> None:
    feb = BillingPeriod.month(2024, 2, BERLIN)
    assert feb.days() == 29
    assert prorate(feb, pendulum.datetime(2024, 2, 29, tz=BERLIN)) == Fraction(1, 29)
    assert BillingPeriod.month(2023, 2, BERLIN).days() == 28
    assert BillingPeriod.year(2024, BERLIN).days() == 366


def test_proration_by_second_across_dst() -> None:
    march = BillingPeriod.month(2024, 3, BERLIN)  # clocks go forward on 31 March
    assert march.seconds() == (31 * 24 - 1) * 3600
    assert prorate(march, by="second") == 1


def test_naive_datetime_is_refused() -> None:
    import datetime as dt

    with pytest.raises(PricingError, match="naive"):
        BillingPeriod.between(dt.datetime(2024, 1, 1), dt.datetime(2024, 2, 1))


@given(
    st.integers(min_value=2000, max_value=2100),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(["day", "second"]),
)
def test_full_period_proration_is_the_full_fee(year: int, month: int, by: str) -> None:
    plan = Plan("fee", "USD", [Charge("fee", Flat(usd("999.99")), recurring=True)], proration=by)  # type: ignore[arg-type]
    inv = invoice(plan, {}, [], BillingPeriod.month(year, month, BERLIN))
    assert inv.total == usd("999.99")


@given(
    st.integers(min_value=1, max_value=12),
    st.lists(st.integers(1, 27), min_size=1, max_size=5, unique=True),
)
def test_split_period_sums_to_whole(month: int, cuts: list[int]) -> None:
    period = BillingPeriod.month(2024, month, BERLIN)
    plan = Plan("fee", "USD", [Charge("fee", Flat(usd("1000")), recurring=True)], zone=BERLIN)
    bounds = [period.start, *(period.start.add(days=c) for c in sorted(cuts)), period.end]
    pieces = [
        invoice(plan, {}, [], period, start=a, end=b).total for a, b in itertools.pairwise(bounds)
    ]
    whole = invoice(plan, {}, [], period).total
    # Each piece is rounded once: the sum is within half a cent per piece.
    assert abs((sum(pieces, usd(0)) - whole).amount) <= Decimal("0.005") * len(pieces)


def test_tier_change_mid_month() -> None:
    period = BillingPeriod.month(2024, 4, BERLIN)
    change = pendulum.datetime(2024, 4, 11, tz=BERLIN)
    inv = invoice(
        [
            Phase(catalogue_plan("B"), {}, None, change),
            Phase(catalogue_plan("A"), {}, change, None),
        ],
        None,
        [],
        period,
    )
    assert inv.lines[0].unrounded == usd(1200) * Decimal(10) / Decimal(30)
    assert inv.lines[3].unrounded == usd(2400) * Decimal(20) / Decimal(30)
    assert inv.total == usd(400) + usd(1600)


def test_band_lower_bound_inclusive() -> None:
    rule = BandCredit.below("speed_of_answer", [("99%", "10%"), ("95%", "25%"), ("90%", "50%")])
    assert rule.band_for(Fraction(95, 100)).credit == Decimal("0.10")  # type: ignore[union-attr]
    assert rule.band_for(Fraction(9499, 10000)).credit == Decimal("0.25")  # type: ignore[union-attr]
    assert rule.band_for(Fraction(99, 100)) is None


@given(
    st.lists(st.tuples(st.fractions(0, 1), st.integers(0, 50)), min_size=1, max_size=6),
    st.decimals(min_value=0, max_value=1, places=2),
    st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_credits_never_exceed_cap(
    figures: list[tuple[Fraction, int]], cap: Decimal, basis: Decimal
) -> None:
    schedule = CreditSchedule(
        [
            BandCredit.below("speed_of_answer", [("99%", "10%"), ("95%", "25%"), ("90%", "50%")]),
            BreachCredit("speed_of_answer", amount=usd(25)),
        ],
        cap=cap,
    )
    result = schedule.evaluate(
        [Attainment("speed_of_answer", f, breaches=b) for f, b in figures], usd(basis)
    )
    assert result.total <= usd(basis) * cap


def test_credit_claim_deadline_and_minimum() -> None:
    schedule = CreditSchedule(
        [BreachCredit("speed_of_answer", amount=usd(5))], minimum_credit=usd(20), claim_days=30
    )
    end = pendulum.datetime(2024, 2, 1, tz="UTC")
    few = schedule.evaluate(
        [Attainment("speed_of_answer", "0.9", breaches=2)], usd(100), period_end=end, claimed_at=end
    )
    assert not few.applied
    assert "minimum" in few.notes[0]
    late = schedule.evaluate(
        [Attainment("speed_of_answer", "0.9", breaches=10)],
        usd(100),
        period_end=end,
        claimed_at=end.add(days=31),
    )
    assert not late.applied
    assert "deadline" in late.notes[0]
    ok = schedule.evaluate(
        [Attainment("speed_of_answer", "0.9", breaches=10)],
        usd(100),
        period_end=end,
        claimed_at=end.add(days=3),
    )
    assert ok.applied
    assert ok.total == usd(50)


def test_invoice_with_credits_and_tax() -> None:
    plan = catalogue_plan("A", {"tax_rate": "19%"})
    inv = invoice(
        plan,
        {"contacts.voice": 450},
        [Attainment("speed_of_answer", "0.73")],
        BillingPeriod.month(2024, 2, BERLIN),
    )
    kinds = [ln.kind for ln in inv.lines]
    assert kinds == ["fee", "overage", "usage", "credit", "tax"]
    assert inv.credits == usd(-600)  # 25 % of the 2,400 fee
    assert inv.tax == (usd(2400) + usd(300) - usd(600)) * Decimal("0.19")
    assert inv.total == sum((ln.amount for ln in inv.lines), usd(0))


def test_credits_after_tax_option() -> None:
    plan = catalogue_plan("A", {"tax_rate": "10%", "credits_before_tax": False})
    inv = invoice(plan, {}, [Attainment("speed_of_answer", "0.5")], BillingPeriod.month(2024, 1))
    assert [ln.kind for ln in inv.lines][-2:] == ["tax", "credit"]
    assert inv.tax == usd(240)


@given(
    st.integers(0, 5000),
    st.integers(0, 200),
    st.decimals(0, 1, places=4),
    st.sampled_from(["half_even", "half_up"]),
)
def test_total_is_sum_of_lines(contacts: int, hours: int, att: Decimal, mode: str) -> None:
    plan = catalogue_plan("C", {"tax_rate": "7.25%", "rounding": mode})
    inv = invoice(
        plan,
        {"contacts.chat": contacts, "premium_hours": hours, "seats": 7},
        [Attainment("first_response", att)],
        BillingPeriod.month(2024, 2),
    )
    assert inv.total == sum((ln.amount for ln in inv.lines), usd(0))
    assert all(ln.amount.is_rounded() for ln in inv.lines)
    data = json.loads(inv.to_json())
    assert Decimal(data["total"]) == inv.total.amount
    assert sum(Decimal(ln["amount"]) for ln in data["lines"]) == Decimal(data["total"])


def test_render_escapes_html() -> None:
    plan = Plan(
        "<script>x</script>", "USD", [Charge("a & b", Flat(usd(1)), description="<b>fee</b>")]
    )
    inv = invoice(plan, {}, [], BillingPeriod.month(2024, 1))
    html = inv.to_html()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;fee" in html
    assert "<b>fee</b>" in inv.to_text()


def test_quote_with_cost_to_serve_and_margin() -> None:
    q = quote(catalogue_plan("B"), {"contacts.written": 1000}, cost_to_serve=usd("1.10"))
    assert q.subtotal() == usd(1200) + usd("2.50") * 400
    assert q.cost == usd(1100)
    assert q.margin == q.subtotal() - usd(1100)
    assert "margin" in q.to_text()


def test_unknown_metric_is_refused() -> None:
    with pytest.raises(PricingError, match="does not price"):
        invoice(catalogue_plan("A"), {"contacts.chat": 3}, [], BillingPeriod.month(2024, 1))


def test_plan_currency_mix_listed() -> None:
    with pytest.raises(PricingError) as caught:
        Plan(
            "mix",
            "USD",
            [
                Charge("a", PerUnit(Money(1, "EUR")), metric="a"),
                Charge("b", Graduated.up_to([(None, "1")], "GBP"), metric="b"),
            ],
            commitment=Money(5, "JPY"),
        )
    assert {p.field for p in caught.value.problems} == {
        "charges[0].model",
        "charges[1].model",
        "commitment",
    }
