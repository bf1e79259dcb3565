"""Regression tests from review: constructors list every problem at once; credit bands that
shrink as attainment falls are refused; a plan not in force during the period bills nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pendulum
import pytest

from sla import Money, PricingError
from sla.pricing import (
    Attainment,
    Band,
    BandCredit,
    BillingPeriod,
    BreachCredit,
    Charge,
    CreditSchedule,
    Discount,
    Flat,
    Graduated,
    GraduatedPercentage,
    GreaterOf,
    Package,
    Percentage,
    PercentTier,
    PerUnit,
    Phase,
    Plan,
    PriceBand,
    Transform,
    Volume,
    invoice,
)


def usd(x: str | int) -> Money:
    return Money(x, "USD")


def fields_of(build: Callable[[], object]) -> set[str]:
    with pytest.raises(PricingError) as caught:
        build()
    return {p.field for p in caught.value.problems}


# -- 1. every constructor reports every problem -------------------------------------------

CASES: list[tuple[str, Callable[[], object], set[str]]] = [
    (
        "percentage_with_negative_rate_events_and_fees",
        lambda: Percentage(
            "-2%",
            free_events=-1,
            fixed=usd("-1"),
            free_amount=1.5,  # type: ignore[arg-type]
            min_per_tx=usd("-3"),
        ),
        {"rate", "free_events", "fixed", "free_amount", "min_per_tx"},
    ),
    (
        "percentage_with_float_rate_text_fee_and_bad_currency",
        lambda: Percentage(0.1, fixed="x", currency_code="usd"),  # type: ignore[arg-type]
        {"rate", "fixed", "currency_code"},
    ),
    (
        "graduated_percentage_rows_each_wrong",
        lambda: GraduatedPercentage.up_to(
            [(10_000, "-10%"), ("abc", "7%"), (None, 0.03)],  # type: ignore[list-item]
            "USd",
        ),
        {"currency", "tiers[0].rate", "tiers[1].up_to", "tiers[2].rate"},
    ),
    (
        "graduated_percentage_with_non_tier_and_bad_currency",
        lambda: GraduatedPercentage(
            [PercentTier(0, None, "10%"), 5],  # type: ignore[list-item]
            currency_code="zz",
        ),
        {"currency_code", "tiers[1]"},
    ),
    (
        "greater_of_with_negative_minimum_and_no_model",
        lambda: GreaterOf(Money("-1", "EUR"), 5),  # type: ignore[arg-type]
        {"minimum", "model"},
    ),
    (
        "package_with_every_field_wrong",
        lambda: Package(0, usd("-1"), free="-3", rounding="sideways", transform=5),  # type: ignore[arg-type]
        {"size", "price", "free", "rounding", "transform"},
    ),
    (
        "graduated_rows_with_bad_bound_price_and_order",
        lambda: Graduated.up_to([(5, "-7"), ("x", "6.5"), (3, 1.2), (None, "6")], "USD"),
        {"tiers[0].unit_price", "tiers[1].up_to", "tiers[2].unit_price", "tiers[2].up_to"},
    ),
    (
        "graduated_with_closed_last_tier_and_bad_options",
        lambda: Graduated(
            [PriceBand(0, 5, usd(1))],
            flat_at_zero="yes",  # type: ignore[arg-type]
            transform="t",  # type: ignore[arg-type]
        ),
        {"tiers[0].upper", "flat_at_zero", "transform"},
    ),
    (
        "volume_with_no_tier_list_and_bad_flag",
        lambda: Volume(5, flat_at_zero=1),  # type: ignore[arg-type]
        {"tiers", "flat_at_zero"},
    ),
    (
        "tier_with_negative_and_text_bounds",
        lambda: PriceBand("-1", "x", usd(1)),
        {"lower", "upper"},
    ),
    (
        "transform_with_negative_divisor_and_unknown_rounding",
        lambda: Transform(-60, "sideways"),  # type: ignore[arg-type]
        {"transform.divide_by", "transform.rounding"},
    ),
    (
        "charge_with_every_field_wrong",
        lambda: Charge(
            "",
            "model",  # type: ignore[arg-type]
            metric=5,  # type: ignore[arg-type]
            recurring="y",  # type: ignore[arg-type]
            included="-1",
            discounts=[1],  # type: ignore[list-item]
            minimum=usd(-1),
            maximum="5",  # type: ignore[arg-type]
        ),
        {
            "name",
            "model",
            "metric",
            "recurring",
            "included",
            "discounts[0]",
            "minimum",
            "maximum",
        },
    ),
    (
        "plan_with_every_field_wrong",
        lambda: Plan(
            "",
            "usd",  # type: ignore[arg-type]
            5,  # type: ignore[arg-type]
            commitment=usd(-1),
            rounding="weird",
            tax_rate="150%",
            zone="Mars/Base",
            credits=3,  # type: ignore[arg-type]
            proration="hour",  # type: ignore[arg-type]
        ),
        {
            "name",
            "currency",
            "charges",
            "commitment",
            "rounding",
            "tax_rate",
            "zone",
            "credits",
            "proration",
        },
    ),
    (
        "plan_with_two_bad_charges",
        lambda: Plan(
            "p",
            "USD",  # type: ignore[arg-type]
            [
                Charge("fee", Flat(usd(10))),
                Charge("eur", PerUnit(Money(1, "EUR")), metric="m"),
                Charge("fee", Flat(usd(5))),
            ],
            tax_rate=0.2,  # type: ignore[arg-type]
        ),
        {"charges[1].model", "charges[2].name", "tax_rate"},
    ),
    (
        "discount_with_unknown_kind_and_label",
        lambda: Discount("bogus", Decimal(5), label=3),  # type: ignore[arg-type]
        {"kind", "label"},
    ),
    (
        "percent_discount_above_100_with_bad_label",
        lambda: Discount.percent("150%", label=3),  # type: ignore[arg-type]
        {"value", "label"},
    ),
    (
        "breach_credit_with_both_amount_and_share",
        lambda: BreachCredit("", amount=usd(-1), share="2"),
        {"metric", "amount", "share"},
    ),
    (
        "credit_schedule_with_bad_rule_cap_and_days",
        lambda: CreditSchedule([1], cap="-1", claim_days=-1),  # type: ignore[list-item]
        {"rules[0]", "cap", "claim_days"},
    ),
    (
        "band_with_bounds_and_credit_out_of_range",
        lambda: Band("-1%", "120%", 0.5),  # type: ignore[arg-type]
        {"lower", "upper", "credit"},
    ),
]


@pytest.mark.parametrize(
    ("build", "expected"), [(b, e) for _, b, e in CASES], ids=[name for name, _, _ in CASES]
)
def test_constructor_lists_every_problem(build: Callable[[], object], expected: set[str]) -> None:
    assert fields_of(build) >= expected


def test_percentage_scenario_from_review_reports_rate_free_events_and_fixed() -> None:
    with pytest.raises(PricingError) as caught:
        Percentage("-2%", free_events=-1, fixed=usd("-1"))
    message = str(caught.value)
    assert {p.field for p in caught.value.problems} == {"rate", "free_events", "fixed"}
    assert "'-2%' is negative" in message
    assert "3 problems" in message


def test_valid_models_still_build_and_charge() -> None:
    # The lenient converters must still convert: text and percentages become Decimals.
    pct = Percentage("2.9%", fixed=usd("0.30"))
    assert pct.rate == Decimal("0.029")
    assert pct.charge(usd(100)) == usd("3.20")
    package = Package("100", usd(5), free="50")
    assert package.size == Decimal(100)
    assert package.free == Decimal(50)
    assert Transform("60").divide_by == Decimal(60)
    assert Plan("p", "USD", [Charge("c", PerUnit(usd(1)), metric="m", included="10")])  # type: ignore[arg-type]


# -- 2. credits that shrink as attainment falls --------------------------------------------


def test_band_credit_below_refuses_credits_shrinking_as_attainment_falls() -> None:
    with pytest.raises(PricingError) as caught:
        BandCredit.below("speed_of_answer", [("99%", "25%"), ("90%", "10%")])
    assert caught.value.problems[0].field == "bands"
    assert "must not shrink as attainment falls" in str(caught.value)


def test_band_credit_refuses_shrinking_credits_built_from_bands() -> None:
    with pytest.raises(PricingError) as caught:
        BandCredit("speed_of_answer", [Band(0, "0.9", "10%"), Band("0.9", "0.99", "25%")])
    assert caught.value.problems[0].field == "bands[0].credit"


def test_band_credit_below_lists_every_bad_row() -> None:
    fields = fields_of(
        lambda: BandCredit.below(
            "m",
            [("99%", 0.25), ("190%", "10%"), "x"],  # type: ignore[list-item]
        )
    )
    assert fields == {"bands[0].credit", "bands[1].below", "bands[2]"}


def test_band_credit_accepts_equal_and_growing_credits() -> None:
    rule = BandCredit.below("speed_of_answer", [("99%", "10%"), ("95%", "10%"), ("90%", "50%")])
    credits = [band.credit for band in rule.bands]  # lowest attainment first
    assert credits == sorted(credits, reverse=True)


def test_band_credit_below_refuses_two_rows_with_one_threshold() -> None:
    with pytest.raises(PricingError, match="two rows below 95%"):
        BandCredit.below("speed_of_answer", [("95%", "10%"), ("95%", "25%")])


# -- 4. a plan not in force during the period ----------------------------------------------


def _plan() -> Plan:
    return Plan(
        "A",
        "USD",  # type: ignore[arg-type]
        [
            Charge("fee", Flat(usd(100)), recurring=True),
            Charge("minutes", PerUnit(usd(1)), metric="minutes"),
        ],
        credits=CreditSchedule([BandCredit.below("speed_of_answer", [("99%", "10%")])]),
    )


def test_plan_starting_next_month_bills_nothing_and_says_why() -> None:
    march = BillingPeriod.month(2024, 3, "Europe/Berlin")
    start = pendulum.datetime(2024, 4, 1, tz="Europe/Berlin")
    inv = invoice(_plan(), {}, [Attainment("speed_of_answer", "90%")], march, start=start)
    assert inv.lines == ()
    assert inv.total == usd(0)
    assert any("not in force during the period" in note for note in inv.notes)


def test_plan_ended_last_month_with_zero_usage_bills_nothing() -> None:
    march = BillingPeriod.month(2024, 3, "Europe/Berlin")
    end = pendulum.datetime(2024, 2, 15, tz="Europe/Berlin")
    inv = invoice(_plan(), {"minutes": 0}, [], march, end=end)
    assert inv.total == usd(0)
    assert inv.notes


def test_usage_under_a_plan_not_in_force_is_an_error_naming_usage() -> None:
    march = BillingPeriod.month(2024, 3, "Europe/Berlin")
    start = pendulum.datetime(2024, 4, 1, tz="Europe/Berlin")
    with pytest.raises(PricingError) as caught:
        invoice(_plan(), {"minutes": 120}, [], march, start=start)
    assert caught.value.field == "usage"
    assert "'minutes'" in caught.value.reason


def test_phase_outside_the_period_with_usage_names_the_phase() -> None:
    march = BillingPeriod.month(2024, 3, "Europe/Berlin")
    april = pendulum.datetime(2024, 4, 1, tz="Europe/Berlin")
    phases = [
        Phase(_plan(), {"minutes": 10}, None, None),
        Phase(_plan(), {"minutes": 5}, april, None),
    ]
    with pytest.raises(PricingError) as caught:
        invoice(phases, None, [], march)
    assert caught.value.field == "plan[1].usage"
