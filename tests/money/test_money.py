from __future__ import annotations

import copy
import decimal
import json
import pickle
from decimal import Decimal
from fractions import Fraction

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sla import Currency, CurrencyError, CurrencyMismatchError, Money, MoneyError, SLAError
from tests.strategies import currency_codes, decimals, money, weights

# --- construction ---------------------------------------------------------------


@pytest.mark.parametrize("amount", ["12.30", 12, Decimal("12.30"), " 12.30 ", "1_000.5"])
def test_amount_accepts_str_int_decimal(amount: object) -> None:
    m = Money(amount, "USD")  # type: ignore[arg-type]
    assert isinstance(m.amount, Decimal)


@pytest.mark.parametrize("amount", [12.3, 0.1, float("nan")])
def test_float_is_rejected_with_money_error(amount: float) -> None:
    with pytest.raises(MoneyError, match="float") as info:
        Money(amount, "USD")  # type: ignore[arg-type]
    assert info.value.field == "amount"


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-inf", Decimal("NaN"), Decimal("sNaN")])
def test_nan_and_infinity_are_rejected(amount: object) -> None:
    with pytest.raises(MoneyError, match="finite"):
        Money(amount, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", ["twelve", "", "1,50", None, True, [1]])
def test_malformed_amounts_are_rejected(amount: object) -> None:
    with pytest.raises(MoneyError) as info:
        Money(amount, "USD")  # type: ignore[arg-type]
    assert info.value.field == "amount"


@pytest.mark.parametrize(
    ("code", "minor"),
    [
        ("USD", 2),
        ("EUR", 2),
        ("JPY", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("CLF", 4),
        ("KRW", 0),
        # ISO 4217 List One wins over CLDR's display digits for these:
        ("HUF", 2),
        ("IDR", 2),
        ("IQD", 3),
        ("COP", 2),
    ],
)
def test_minor_units_follow_iso_4217(code: str, minor: int) -> None:
    # Source: ISO 4217 List One (SIX Group), column "Minor unit".
    assert Currency(code).minor_units == minor


@pytest.mark.parametrize("code", ["XYZ", "US", "USDX", "12A", "", "€"])
def test_unknown_or_malformed_codes_are_rejected(code: str) -> None:
    with pytest.raises(CurrencyError) as info:
        Money("1", code)
    assert info.value.field == "currency"


def test_lower_case_code_gets_a_hint() -> None:
    with pytest.raises(CurrencyError, match="did you mean 'USD'"):
        Currency("usd")


def test_currency_is_interned_and_immutable() -> None:
    assert Currency("USD") is Currency("USD") is Currency(Currency("USD"))
    assert Currency("USD").name == "US Dollar"
    with pytest.raises(AttributeError):
        Currency("USD").code = "EUR"  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(Currency("USD"))) is Currency("USD")


def test_errors_share_the_base() -> None:
    assert issubclass(CurrencyMismatchError, MoneyError)
    assert issubclass(CurrencyError, MoneyError)
    assert issubclass(MoneyError, SLAError)


# --- value semantics ------------------------------------------------------------


def test_immutable_and_hashable() -> None:
    m = Money("1.50", "USD")
    with pytest.raises(AttributeError):
        m.amount = Decimal(2)  # type: ignore[misc]
    assert hash(Money("1.5", "USD")) == hash(Money("1.50", "USD"))
    assert {Money("1.5", "USD"), Money("1.50", "USD")} == {Money("1.5", "USD")}
    assert copy.deepcopy(m) == m
    assert pickle.loads(pickle.dumps(m)) == m


def test_equality_across_currencies_is_false_not_an_error() -> None:
    assert Money("1", "USD") != Money("1", "EUR")
    assert Money("1", "USD") != 1


def test_ordering_within_one_currency() -> None:
    a, b = Money("1.00", "USD"), Money("2", "USD")
    assert a < b <= b
    assert b > a >= a
    assert sorted([b, a]) == [a, b]
    assert max(a, b) == b


@pytest.mark.parametrize("op", ["__lt__", "__le__", "__gt__", "__ge__", "__add__", "__sub__"])
def test_mixing_currencies_raises(op: str) -> None:
    with pytest.raises(CurrencyMismatchError, match="USD and EUR"):
        getattr(Money("1", "USD"), op)(Money("1", "EUR"))


def test_comparing_with_a_number_raises() -> None:
    with pytest.raises(MoneyError):
        _ = Money("1", "USD") < 2  # type: ignore[operator]
    with pytest.raises(MoneyError):
        _ = Money("1", "USD") + 1  # type: ignore[operator]


def test_arithmetic() -> None:
    a = Money("10.25", "USD")
    assert a + Money("0.75", "USD") == Money("11", "USD")
    assert a - Money("0.25", "USD") == Money("10", "USD")
    assert -a == Money("-10.25", "USD")
    assert abs(-a) == a
    assert a * 2 == Money("20.50", "USD") == 2 * a
    assert a * Decimal("0.5") == Money("5.125", "USD")
    assert a * Fraction(1, 4) == Money("2.5625", "USD")
    assert a / 4 == Money("2.5625", "USD")
    assert Money("10", "USD").ratio(Money("4", "USD")) == Decimal("2.5")
    assert sum([a, a, a]) == Money("30.75", "USD")
    assert sum([], Money.zero("USD")) == Money("0", "USD")


def test_multiplying_by_float_or_money_is_rejected() -> None:
    with pytest.raises(MoneyError, match="float"):
        _ = Money("1", "USD") * 1.5  # type: ignore[operator]
    with pytest.raises(MoneyError, match="Money by Money"):
        _ = Money("1", "USD") * Money("1", "USD")  # type: ignore[operator]
    with pytest.raises(MoneyError, match="zero"):
        _ = Money("1", "USD") / 0
    with pytest.raises(MoneyError, match="zero"):
        Money("1", "USD").ratio(Money("0", "USD"))


def test_sum_rejects_mixed_currencies() -> None:
    with pytest.raises(CurrencyMismatchError):
        sum([Money("1", "USD"), Money("1", "EUR")])


def test_large_products_stay_exact() -> None:
    big = Money("123456789012345678901234.56", "USD")
    assert (big * 1000).amount == Decimal("123456789012345678901234560.00")


# --- rounding -------------------------------------------------------------------


def test_sub_minor_precision_is_kept_until_rounded() -> None:
    rate = Money("0.0125", "USD")
    assert (rate * 3).amount == Decimal("0.0375")
    assert (rate * 3).rounded() == Money("0.04", "USD")
    assert not (rate * 3).is_rounded()
    assert (rate * 3).rounded().is_rounded()


@pytest.mark.parametrize(
    ("amount", "mode", "expected"),
    [
        ("3.685", "ROUND_HALF_EVEN", "3.68"),
        ("3.685", "ROUND_HALF_UP", "3.69"),
        ("3.685", "half_up", "3.69"),
        ("3.675", "ROUND_HALF_EVEN", "3.68"),
        ("-3.685", "half_up", "-3.69"),
        ("3.681", "ROUND_UP", "3.69"),
        ("3.689", decimal.ROUND_DOWN, "3.68"),
        ("-3.681", "floor", "-3.69"),
        ("-3.689", "ceiling", "-3.68"),
    ],
)
def test_rounding_modes(amount: str, mode: str, expected: str) -> None:
    assert Money(amount, "USD").rounded(mode).amount == Decimal(expected)


def test_unknown_rounding_mode() -> None:
    with pytest.raises(MoneyError, match="unknown rounding mode") as info:
        Money("1", "USD").rounded("sideways")
    assert info.value.field == "rounding"


def test_rounding_to_zero_and_three_places() -> None:
    assert Money("1234.5", "JPY").rounded() == Money("1234", "JPY")
    assert Money("1235.5", "JPY").rounded() == Money("1236", "JPY")
    assert Money("1.2345", "KWD").rounded().amount == Decimal("1.234")


def test_minor_units_round_trip() -> None:
    assert Money("12.30", "USD").to_minor() == 1230
    assert Money.from_minor(1230, "USD") == Money("12.30", "USD")
    assert Money.from_minor(-5, "KWD").amount == Decimal("-0.005")
    with pytest.raises(MoneyError):
        Money.from_minor(1.5, "USD")  # type: ignore[arg-type]


@given(money())
def test_rounding_is_idempotent(m: Money) -> None:
    once = m.rounded()
    assert once.rounded() == once
    assert once.rounded("half_up") == once


@given(money(), money())
def test_add_then_subtract_is_identity(a: Money, b: Money) -> None:
    b = Money(b.amount, a.currency)
    assert (a + b) - b == a


@given(money())
def test_rounding_moves_by_at_most_half_a_minor_unit(m: Money) -> None:
    assert abs((m.rounded() - m).amount) <= m.currency.quantum / 2


# --- allocation -----------------------------------------------------------------


def test_allocate_hands_out_remainder_largest_first_ties_earlier() -> None:
    assert Money("10", "USD").allocate([1, 1, 1]) == [
        Money("3.34", "USD"),
        Money("3.33", "USD"),
        Money("3.33", "USD"),
    ]
    # 0.05 by 3:1 -> exact 0.0375 / 0.0125 -> 3 and 1 cents, remainder 1 to the larger remainder
    assert Money("0.05", "USD").allocate([3, 1]) == [Money("0.04", "USD"), Money("0.01", "USD")]
    # remainders .5/.5 tie: the earlier part wins
    assert Money("0.01", "USD").allocate([1, 1]) == [Money("0.01", "USD"), Money("0", "USD")]


def test_allocate_rounds_total_first() -> None:
    parts = Money("10.005", "USD").allocate([1, 1])
    assert sum(parts) == Money("10.00", "USD")  # half-even: 10.005 -> 10.00
    parts = Money("10.005", "USD").allocate([1, 1], rounding="half_up")
    assert sum(parts) == Money("10.01", "USD")


def test_allocate_zero_weights_get_zero() -> None:
    parts = Money("100", "USD").allocate([0, 1, 0, 2])
    assert parts[0].amount == 0
    assert parts[2].amount == 0
    assert sum(parts) == Money("100", "USD")


def test_allocate_negative_amount_mirrors_positive() -> None:
    pos = Money("10", "EUR").allocate([1, 1, 1])
    neg = Money("-10", "EUR").allocate([1, 1, 1])
    assert neg == [-p for p in pos]


@pytest.mark.parametrize(
    ("ws", "message"),
    [
        ([], "at least one"),
        ([0, 0], "positive"),
        ([1, -1], "negative"),
        ([1.5], "float"),
        ("12", "sequence"),
    ],
)
def test_allocate_bad_weights(ws: object, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        Money("1", "USD").allocate(ws)  # type: ignore[arg-type]


def test_split() -> None:
    assert Money("100", "JPY").split(3) == [Money(34, "JPY"), Money(33, "JPY"), Money(33, "JPY")]
    with pytest.raises(MoneyError):
        Money("1", "USD").split(0)


@given(money(), weights)
def test_allocation_sums_exactly_to_the_rounded_total(m: Money, ws: list[Decimal]) -> None:
    parts = m.allocate(ws)
    assert len(parts) == len(ws)
    assert sum(parts) == m.rounded()
    assert all(p.is_rounded() for p in parts)
    for w, p in zip(ws, parts):
        if w == 0:
            assert p.amount == 0


@given(money(), weights)
def test_allocation_parts_are_within_one_unit_of_their_exact_share(
    m: Money, ws: list[Decimal]
) -> None:
    total = m.rounded().amount
    weight = sum(Fraction(w) for w in ws)
    for w, p in zip(ws, m.allocate(ws)):
        exact = Fraction(total) * Fraction(w) / weight
        assert abs(Fraction(p.amount) - exact) < Fraction(m.currency.quantum)


@given(money(), st.integers(min_value=1, max_value=50))
def test_equal_split_parts_differ_by_at_most_one_minor_unit(m: Money, n: int) -> None:
    parts = m.split(n)
    assert sum(parts) == m.rounded()
    assert max(parts) - min(parts) <= Money(m.currency.quantum, m.currency)


# --- formatting -----------------------------------------------------------------


def test_format_locales() -> None:
    assert Money("1234.5", "EUR").format(locale="de_DE") == "1.234,50\xa0€"
    assert Money("1234.5", "USD").format(locale="en_US") == "$1,234.50"
    assert Money("1234.5", "JPY").format(locale="en_US") == "¥1,234"
    assert Money("1.2345", "KWD").format(locale="en_US") == "KWD1.234"  # as babel prints it
    assert Money("0.0125", "USD").format(precise=True) == "$0.0125"
    assert Money("2.675", "USD").format(rounding="half_up") == "$2.68"


def test_format_unknown_locale() -> None:
    with pytest.raises(MoneyError, match="unknown locale") as info:
        Money("1", "USD").format(locale="xx_YY")
    assert info.value.field == "locale"


# --- serialization and pydantic -------------------------------------------------


class Invoice(pydantic.BaseModel):
    total: Money


def test_pydantic_validates_dict_and_string() -> None:
    assert Invoice.model_validate({"total": {"amount": "12.30", "currency": "USD"}}).total == Money(
        "12.30", "USD"
    )
    assert Invoice.model_validate({"total": "12.30 USD"}).total == Money("12.30", "USD")
    assert Invoice.model_validate({"total": "USD 12.30"}).total == Money("12.30", "USD")


def test_pydantic_serializes_amount_as_string() -> None:
    inv = Invoice(total=Money("12.30", "USD"))
    assert inv.model_dump() == {"total": {"amount": "12.30", "currency": "USD"}}
    assert json.loads(inv.model_dump_json()) == {"total": {"amount": "12.30", "currency": "USD"}}


@pytest.mark.parametrize(
    "value",
    [
        {"amount": 12.3, "currency": "USD"},
        {"amount": "1"},
        "12.30",
        "12.30 XYZ",
        5,
        {"amount": "1", "currency": "USD", "extra": 1},
    ],
)
def test_pydantic_rejects_bad_money_with_field_location(value: object) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        Invoice.model_validate({"total": value})
    assert info.value.errors()[0]["loc"] == ("total",)


def test_json_schema() -> None:
    schema = Invoice.model_json_schema()
    money_schema = schema["properties"]["total"]
    obj, text = money_schema["anyOf"]
    assert obj["properties"]["amount"]["type"] == "string"
    assert obj["required"] == ["amount", "currency"]
    assert text["type"] == "string"


def test_tiny_and_huge_amounts_serialize_without_exponent() -> None:
    assert Money("1E-7", "USD").to_dict()["amount"] == "0.0000001"
    assert Money("1E+3", "USD").to_dict()["amount"] == "1000"
    assert str(Money("1E+3", "USD")) == "1000 USD"


@given(money())
def test_json_round_trip_is_lossless(m: Money) -> None:
    text = json.dumps(m.to_dict())
    back = Money.from_dict(json.loads(text))
    assert back == m
    assert back.amount.as_tuple() == m.amount.normalize().as_tuple() or back.amount == m.amount


@given(money())
def test_pydantic_round_trip_is_lossless(m: Money) -> None:
    back = Invoice.model_validate_json(Invoice(total=m).model_dump_json()).total
    assert back == m
    assert str(back) == str(m)


@given(money())
def test_string_round_trip(m: Money) -> None:
    assert Money.parse(str(m)) == m


@given(currency_codes, decimals())
def test_parse_and_str_are_inverse(code: str, amount: Decimal) -> None:
    m = Money(amount, code)
    assert Money.parse(str(m)).amount == m.amount


@pytest.mark.parametrize("text", ["12.30", "12.30 USD extra", "", "USD"])
def test_parse_rejects_malformed_text(text: str) -> None:
    with pytest.raises(MoneyError):
        Money.parse(text)
