"""Issue 16's invoice features: taxes per line, coupons, wallets, claim deadlines, plain words."""

from __future__ import annotations

import pendulum
import pytest

from sla import Money
from sla.pricing import (
    Attainment,
    BandCredit,
    BillingPeriod,
    Charge,
    ClaimDeadline,
    Coupon,
    CreditSchedule,
    Flat,
    PerUnit,
    Plan,
    TaxRate,
    Wallet,
    invoice,
)

JUNE = BillingPeriod.month(2025, 6)


def usd(x: str | int) -> Money:
    return Money(x, "USD")


def _three_lines(rounding: str, tax_rounding: str) -> Plan:
    return Plan(
        "t",
        "USD",
        [
            Charge("a", Flat(usd("18.65")), recurring=True),
            Charge("b", Flat(usd("18.45")), recurring=True),
            Charge("c", Flat(usd("19.00")), recurring=True),
        ],
        rounding=rounding,
        taxes=[TaxRate("sales tax", "10%")],
        tax_rounding=tax_rounding,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("rounding", "tax_rounding", "tax"),
    [
        ("half_up", "per_line", "5.62"),  # 1.87 + 1.85 + 1.90
        ("half_even", "per_line", "5.60"),  # 1.86 + 1.84 + 1.90
        ("half_up", "per_invoice", "5.61"),  # 10 % of 56.10
        ("half_even", "per_invoice", "5.61"),
    ],
)
def test_per_line_and_per_invoice_tax_rounding(rounding: str, tax_rounding: str, tax: str) -> None:
    # Per-line rounding rounds each line's tax (Zuora, "Tax rounding method":
    # https://docs.zuora.com/en/zuora-billing/set-up-zuora-billing/apply-taxes/additional-resources-on-taxes/display-tax-information-on-invoices/tax-rounding-behavior/tax-rounding-method);
    # per-invoice rounding rounds the rate times the base once. By hand, the exact line
    # taxes are 1.865, 1.845 and 1.900.
    bill = invoice(_three_lines(rounding, tax_rounding), {}, [], JUNE)
    assert bill.tax == usd(tax)
    assert bill.total == usd("56.10") + usd(tax)


def test_several_tax_rates_by_charge_and_kind() -> None:
    plan = Plan(
        "vat",
        "EUR",
        [
            Charge("platform", Flat(Money("100", "EUR")), recurring=True),
            Charge("calls", PerUnit(Money("0.10", "EUR")), metric="contacts.voice"),
        ],
        taxes=[
            TaxRate("VAT 19 %", "19%", charges=["platform"]),
            TaxRate("VAT 7 %", "7%", kinds=["usage"]),
        ],
    )
    bill = invoice(plan, {"contacts.voice": 1000}, [], JUNE)
    taxes = [line for line in bill.lines if line.kind == "tax"]
    assert [t.amount for t in taxes] == [Money("19.00", "EUR"), Money("7.00", "EUR")]
    assert bill.total == Money("226.00", "EUR")  # 100 + 100 + 19 + 7


def test_coupons_then_tax_then_wallet() -> None:
    plan = Plan("p", "USD", [Charge("fee", Flat(usd(200)), recurring=True)], tax_rate="10%")
    bill = invoice(
        plan,
        {},
        [],
        JUNE,
        coupons=[Coupon("WELCOME", percent="10%"), Coupon("LOYAL", amount=usd(20))],
        wallet=Wallet(usd(100)),
    )
    kinds = [line.kind for line in bill.lines]
    assert kinds == ["fee", "coupon", "coupon", "tax", "prepaid"]
    # By hand: 200 − 20 (amount first) = 180; − 10 % = 162; tax 16.20; 178.20 − 100 wallet.
    assert [line.amount for line in bill.lines] == [
        usd(200), usd(-20), usd("-18.00"), usd("16.20"), usd(-100)
    ]  # fmt: skip
    assert bill.total == usd("78.20")


def test_wallet_never_makes_the_amount_due_negative() -> None:
    plan = Plan("p", "USD", [Charge("fee", Flat(usd(50)), recurring=True)])
    bill = invoice(plan, {}, [], JUNE, wallet=Wallet(usd(80)))
    assert bill.total == usd(0)
    assert "30.00 USD left" in bill.lines[-1].description


def _claim_plan(claim: ClaimDeadline) -> Plan:
    rules = [BandCredit.below("speed_of_answer", [("99.9%", "10%")])]
    return Plan(
        "p",
        "USD",
        [Charge("fee", Flat(usd(1000)), recurring=True)],
        credits=CreditSchedule(rules, claim=claim),
    )


@pytest.mark.parametrize(
    ("claim", "accepted", "refused"),
    [
        # Microsoft Azure SLA: by the end of the calendar month after the incident.
        (ClaimDeadline("end_of_following_month"), (2025, 7, 31, 23), (2025, 8, 1, 0)),
        # AWS service terms: by the end of the second billing cycle after the incident.
        (ClaimDeadline("end_of_second_cycle"), (2025, 8, 31, 23), (2025, 9, 1, 0)),
        # N days after the incident (10 June 12:00 + 30 days).
        (ClaimDeadline("days_after_incident", 30), (2025, 7, 10, 11), (2025, 7, 10, 12)),
    ],
)
def test_claim_deadlines_as_providers_write_them(
    claim: ClaimDeadline, accepted: tuple[int, ...], refused: tuple[int, ...]
) -> None:
    incident = pendulum.datetime(2025, 6, 10, 12, tz="UTC")
    figures = [Attainment("speed_of_answer", "99%")]
    ok = invoice(_claim_plan(claim), {}, figures, JUNE, claimed_at=pendulum.datetime(*accepted),
                 incident_at=incident)  # fmt: skip
    assert ok.credits == usd(-100)
    late = invoice(_claim_plan(claim), {}, figures, JUNE, claimed_at=pendulum.datetime(*refused),
                   incident_at=incident)  # fmt: skip
    assert late.credits == usd(0)
    assert any(note.startswith("claim refused") and claim.describe() in note for note in late.notes)


def test_credit_rounding_follows_the_plan_unless_toward_zero() -> None:
    rules = [BandCredit.below("speed_of_answer", [("99%", "10%")])]
    fee = [Charge("fee", Flat(usd("100.05")), recurring=True)]
    figures = [Attainment("speed_of_answer", "90%")]
    half_up = Plan("p", "USD", fee, rounding="half_up", credits=CreditSchedule(rules))
    bill = invoice(half_up, {}, figures, JUNE)
    assert bill.credits == usd("-10.01")  # 10.005 rounded half-up
    assert "service credits rounded half-up (the plan's rounding)" in bill.notes
    down = Plan("p", "USD", fee, rounding="half_up", credits=CreditSchedule(rules),
                credit_rounding="toward_zero")  # fmt: skip
    bill = invoice(down, {}, figures, JUNE)
    assert bill.credits == usd("-10.00")
    assert "service credits rounded toward zero" in bill.notes
    assert "note: service credits rounded toward zero" in bill.to_text()  # printed on it
    assert "service credits rounded toward zero" in bill.to_html()


def test_invoice_lines_in_plain_words() -> None:
    plan = Plan(
        "A",
        "USD",
        [
            Charge("monthly fee", Flat(usd(1000)), recurring=True),
            Charge(
                "voice", PerUnit(usd(1)), metric="contacts.voice", included=300, unit="voice calls"
            ),
        ],
        credits=CreditSchedule([BandCredit.below("speed_of_answer", [("99.9%", "10%")])]),
    )
    bill = invoice(plan, {"contacts.voice": 420}, [Attainment("speed_of_answer", "72.5%")], JUNE)
    text = bill.to_text()
    assert "120 voice calls (300 of 300 included)" in text
    assert "service level 72.5 % against a promise of 99.9 %: 10 % credit" in text
    assert "contacts.voice" not in text
    assert "band [" not in text


def test_included_units_follow_the_fee_proration() -> None:
    voice = Charge("voice", PerUnit(usd(1)), metric="contacts.voice", included=300)
    plan = Plan("A", "USD", [voice])
    start = pendulum.datetime(2025, 6, 16, tz="UTC")  # 15 of 30 days
    bill = invoice(plan, {"contacts.voice": 200}, [], JUNE, start=start)
    assert bill.total == usd(50)  # 300 × 15/30 = 150 included
    whole = Plan("A", "USD", [Charge("voice", PerUnit(usd(1)), metric="contacts.voice",
                                     included=300, prorate_included=False)])  # fmt: skip
    assert invoice(whole, {"contacts.voice": 200}, [], JUNE, start=start).total == usd(0)
