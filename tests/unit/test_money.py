"""chalicelib.domain.money: exact amounts, one currency at a time, rounding only where named."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from chalicelib.domain.base import Input
from chalicelib.domain.money import (
    CurrencyMismatch,
    ExchangeRate,
    Money,
    MoneyView,
    RoundingMode,
    TierQuantity,
    UnitPrice,
    convert,
    minor_unit,
    round_money,
)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


class PriceBody(Input):
    value: UnitPrice
    rate: ExchangeRate = Decimal(1)
    min_quantity: TierQuantity = Decimal(1)


# --- Money --------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [1.5, 0.1, float("nan"), True, None, [1]])
def test_money_is_never_made_from_a_float_or_another_type(amount: Any) -> None:
    # given / when / then
    with pytest.raises(TypeError):
        Money(amount, "EUR")


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), "-Infinity", "sNaN"])
def test_money_is_finite(amount: Any) -> None:
    # given / when / then
    with pytest.raises(ValueError, match="finite"):
        Money(amount, "EUR")


@pytest.mark.parametrize("currency", ["eur", "EU", "EURO", "", "E1R"])
def test_money_names_a_currency_code(currency: str) -> None:
    # given / when / then
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(Decimal(1), currency)


@pytest.mark.parametrize(
    ("given", "expected"),
    [(7, Decimal(7)), ("12.50", Decimal("12.50")), (Decimal("0.000125"), Decimal("0.000125"))],
)
def test_money_takes_a_decimal_an_int_or_a_decimal_string_exactly(given: Any, expected: Decimal) -> None:
    # given / when
    money = Money(given, "EUR")

    # then
    assert type(money.amount) is Decimal
    assert money.amount == expected


@pytest.mark.parametrize(
    ("computed", "expected"),
    [
        (lambda: eur("12.50") + eur("0.75"), eur("13.25")),
        (lambda: eur("12.50") - eur("13"), eur("-0.50")),
        (lambda: eur("0.000125") * Decimal(1000), eur("0.125")),
        (lambda: 3 * eur("1.10"), eur("3.30")),
        (lambda: -eur("2"), eur("-2")),
        (lambda: Money.zero("JPY") + Money(Decimal(5), "JPY"), Money(Decimal(5), "JPY")),
    ],
)
def test_arithmetic_is_exact(computed: Any, expected: Money) -> None:
    # given / when / then
    assert computed() == expected


@pytest.mark.parametrize(
    "mixing",
    [
        lambda: eur("1") + Money(Decimal(1), "USD"),
        lambda: eur("1") - Money(Decimal(1), "USD"),
        lambda: eur("1") < Money(Decimal(1), "USD"),
        lambda: eur("1") >= Money(Decimal(1), "USD"),
    ],
)
def test_two_currencies_do_not_mix(mixing: Any) -> None:
    # given / when / then
    with pytest.raises(CurrencyMismatch):
        mixing()


@pytest.mark.parametrize("factor", [1.5, True, "2", eur("2")])
def test_money_is_multiplied_by_a_decimal_or_an_int_only(factor: Any) -> None:
    # given / when / then
    with pytest.raises(TypeError):
        eur("1") * factor


def test_money_compares_by_value_within_a_currency() -> None:
    # given
    low, high = eur("9.99"), eur("10")

    # when / then
    assert (low < high, low <= high, high > low, high >= low) == (True, True, True, True)
    assert eur("12.5") == eur("12.50")
    assert hash(eur("12.5")) == hash(eur("12.50"))
    assert eur("1") != Money(Decimal(1), "USD")
    assert min(high, low) is low


def test_money_is_frozen() -> None:
    # given
    money = eur("1")

    # when / then
    with pytest.raises(AttributeError):
        money.amount = Decimal(2)  # type: ignore[misc]


# --- rounding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "unit"),
    [("EUR", Decimal("0.01")), ("JPY", Decimal(1)), ("KWD", Decimal("0.001")), ("CHF", Decimal("0.01"))],
)
def test_the_minor_unit_comes_from_cldr(currency: str, unit: Decimal) -> None:
    # given / when / then
    assert minor_unit(currency) == unit


@pytest.mark.parametrize(
    ("amount", "mode", "rounded"),
    [
        ("12.125", "half_up", "12.13"),
        ("12.125", "half_even", "12.12"),
        ("12.135", "half_even", "12.14"),
        ("12.121", "up", "12.13"),
        ("12.129", "down", "12.12"),
        ("-12.125", "half_up", "-12.13"),
        ("-12.121", "up", "-12.13"),
        ("-12.129", "down", "-12.12"),
        ("12.5", "half_up", "12.50"),
        ("0.004999", "half_up", "0.00"),
    ],
)
def test_rounding_to_the_minor_unit_follows_the_mode(amount: str, mode: RoundingMode, rounded: str) -> None:
    # given / when
    result = round_money(eur(amount), mode)

    # then
    assert format(result.amount, "f") == rounded


@pytest.mark.parametrize(
    ("money", "rounded"),
    [(Money(Decimal("1234.5"), "JPY"), "1235"), (Money(Decimal("1.23456"), "KWD"), "1.235")],
)
def test_half_up_is_the_default_and_each_currency_keeps_its_places(money: Money, rounded: str) -> None:
    # given / when / then
    assert format(round_money(money).amount, "f") == rounded


@pytest.mark.parametrize(
    ("money", "rate", "to", "mode", "converted"),
    [
        (eur("100"), Decimal("1.0873"), "USD", "half_up", Money(Decimal("108.73"), "USD")),
        (eur("10.005"), Decimal(1), "USD", "half_even", Money(Decimal("10.00"), "USD")),
        (eur("10"), Decimal("162.345"), "JPY", "half_up", Money(Decimal(1623), "JPY")),
        (eur("10"), Decimal("0.33335"), "KWD", "down", Money(Decimal("3.333"), "KWD")),
    ],
)
def test_conversion_applies_the_rate_and_rounds_in_the_target_currency(
    money: Money, rate: Decimal, to: str, mode: RoundingMode, converted: Money
) -> None:
    # given / when
    result = convert(money, rate, to, mode)

    # then
    assert result == converted
    assert result.amount.as_tuple().exponent == minor_unit(to).as_tuple().exponent


@pytest.mark.parametrize("rate", [Decimal(0), Decimal(-1), Decimal("NaN"), Decimal("Infinity"), 1.1, 2])
def test_an_exchange_rate_is_a_positive_decimal(rate: Any) -> None:
    # given / when / then
    with pytest.raises(ValueError, match="exchange rate"):
        convert(eur("1"), rate, "USD")


# --- API field types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "value"),
    [('"12.50"', Decimal("12.50")), ('"0"', Decimal(0)), ('"0.000125"', Decimal("0.000125"))],
)
def test_a_unit_price_is_read_from_a_decimal_string(sent: str, value: Decimal) -> None:
    # given / when
    body = PriceBody.model_validate_json(f'{{"value": {sent}}}')

    # then
    assert body.value == value
    assert type(body.value) is Decimal


@pytest.mark.parametrize(
    "sent",
    [
        "12.5",  # a JSON number
        "12",
        '"-1"',
        '"+1"',
        '"1e3"',
        '"1E+3"',
        '"NaN"',
        '"Infinity"',
        '"1.1234567"',  # 7 decimal places
        '"1234567890123"',  # 13 digits
        '"12."',
        '".5"',
        '" 12.50"',
        '"12,50"',
        '""',
        "null",
        "true",
    ],
)
def test_anything_but_a_plain_decimal_string_is_refused_as_a_unit_price(sent: str) -> None:
    # given / when / then
    with pytest.raises(ValidationError, match="decimal string"):
        PriceBody.model_validate_json(f'{{"value": {sent}}}')


def test_an_exchange_rate_field_is_positive_with_ten_places() -> None:
    # given / when
    body = PriceBody.model_validate_json('{"value": "1", "rate": "1.0873000001"}')

    # then
    assert body.rate == Decimal("1.0873000001")
    with pytest.raises(ValidationError, match="greater than zero"):
        PriceBody.model_validate_json('{"value": "1", "rate": "0.0"}')


@pytest.mark.parametrize(
    ("sent", "accepted"), [('"0.5"', True), ('"0.000001"', True), ('"0"', False), ('"0.000"', False)]
)
def test_a_tier_quantity_is_above_zero(sent: str, accepted: bool) -> None:
    # given / when
    def read() -> PriceBody:
        return PriceBody.model_validate_json(f'{{"value": "1", "min_quantity": {sent}}}')

    # then
    if accepted:
        assert read().min_quantity > 0
    else:
        with pytest.raises(ValidationError, match="greater than zero"):
            read()


def test_amounts_are_written_back_as_decimal_strings() -> None:
    # given
    body = PriceBody(value=Decimal("12.50"), rate=Decimal("1E-3"))

    # when
    written = body.model_dump(mode="json")

    # then
    assert written == {"value": "12.50", "rate": "0.001", "min_quantity": "1"}


def test_the_schema_says_string_not_number() -> None:
    # given / when
    schema = PriceBody.model_json_schema()

    # then
    assert schema["properties"]["value"]["type"] == "string"
    assert "pattern" in schema["properties"]["value"]


def test_money_is_shown_as_an_amount_string_and_a_currency() -> None:
    # given
    class Shown(BaseModel):
        price: MoneyView

    # when
    shown = Shown(price=MoneyView.of(round_money(Money(Decimal("1E+3"), "EUR"))))

    # then
    assert shown.model_dump(mode="json") == {"price": {"amount": "1000.00", "currency": "EUR"}}
