"""Invoice invariants over random plans: splits equal the whole, lines sum to the total."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sla import Money
from sla.pricing import (
    Attainment,
    BandCredit,
    BillingPeriod,
    Charge,
    Coupon,
    CreditSchedule,
    Flat,
    Graduated,
    PerUnit,
    Phase,
    Plan,
    TaxRate,
    Wallet,
    invoice,
)
from tests.pricing.strategies import cents, shares, zones


@settings(max_examples=60, deadline=None)
@given(
    zone=zones,
    year=st.integers(2020, 2030),
    month=st.integers(1, 12),
    fee=cents,
    by=st.sampled_from(["day", "second"]),
    cuts=st.lists(st.floats(0.001, 0.999), min_size=1, max_size=4, unique=True),
)
def test_splitting_a_period_at_any_instants_equals_the_whole(
    zone: str, year: int, month: int, fee: Decimal, by: str, cuts: list[float]
) -> None:
    period = BillingPeriod.month(year, month, zone)
    plan = Plan(
        "p", "USD", [Charge("fee", Flat(Money(fee, "USD")), recurring=True)], zone=zone,
        proration=by,  # type: ignore[arg-type]
    )  # fmt: skip
    seconds = period.seconds()
    # Cut instants anywhere in the period (floats only place the cut; money stays exact).
    instants = sorted({period.start.add(seconds=max(1, int(seconds * c))) for c in cuts})
    bounds = [None, *instants, None]
    phases = [Phase(plan, {}, a, b) for a, b in itertools.pairwise(bounds)]
    split = invoice(phases, None, [], period)
    whole = invoice(plan, {}, [], period)
    assert split.total == whole.total == Money(fee, "USD")


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    charges = [Charge("fee", Flat(Money(draw(cents), "USD")), recurring=True)]
    charges.append(
        Charge("calls", PerUnit(Money(draw(st.decimals(0, 5, places=4)), "USD")),
               metric="contacts.voice", included=draw(st.integers(0, 500)))
    )  # fmt: skip
    charges.append(
        Charge("hours", Graduated.up_to([(10, "50", "5"), (None, "35.5")], "USD"), metric="hours")
    )
    taxes = [
        TaxRate(f"tax {i}", draw(st.decimals(0, "0.3", places=4)),
                kinds=draw(st.sampled_from([(), ("fee",), ("usage", "overage")])))
        for i in range(draw(st.integers(0, 2)))
    ]  # fmt: skip
    rules = [BandCredit.below("speed_of_answer", [("99%", "10%"), ("90%", "60%")])]
    return Plan(
        "p",
        "USD",
        charges,
        rounding=draw(st.sampled_from(["half_even", "half_up", "down"])),
        taxes=taxes,
        tax_rounding=draw(st.sampled_from(["per_invoice", "per_line"])),
        credits=CreditSchedule(rules),
        credits_before_tax=draw(st.booleans()),
        credit_rounding=draw(st.sampled_from(["plan", "toward_zero"])),
        commitment=draw(st.none() | cents.map(lambda c: Money(c, "USD"))),
    )


@settings(max_examples=80, deadline=None)
@given(
    plan=plans(),
    calls=st.integers(0, 100_000),
    hours=st.decimals(0, 200, places=2),
    attained=shares,
    coupons=st.lists(
        st.one_of(
            cents.map(lambda c: Coupon("off", amount=Money(c, "USD"))),
            shares.map(lambda s: Coupon("pct", percent=s)),
        ),
        max_size=2,
    ),
    wallet=st.none() | cents.map(lambda c: Wallet(Money(c, "USD"))),
)
def test_an_invoice_lines_sum_to_its_total(
    plan: Plan,
    calls: int,
    hours: Decimal,
    attained: Decimal,
    coupons: list[Coupon],
    wallet: Wallet | None,
) -> None:
    bill = invoice(
        plan,
        {"contacts.voice": calls, "hours": hours},
        [Attainment("speed_of_answer", attained)],
        BillingPeriod.month(2025, 6),
        coupons=coupons,
        wallet=wallet,
    )
    assert bill.total == sum((line.amount for line in bill.lines), Money.zero("USD"))
    assert all(line.amount.is_rounded() for line in bill.lines)
    assert bill.total >= Money.zero("USD")  # credits, coupons and wallet never go below zero
