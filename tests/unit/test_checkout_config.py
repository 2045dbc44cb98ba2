"""chalicelib.domain.orders: shipping costs for a cart, the order limits that apply, the payment term
that applies, and how order numbers are written."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.money import Money
from chalicelib.domain.orders.limits import LimitSource, OrderLimit, OrderLimits, breach
from chalicelib.domain.orders.numbers import OrderNumberFormat
from chalicelib.domain.orders.payment_terms import PaymentTermFields, PaymentTermView, applying_term
from chalicelib.domain.orders.shipping import (
    Cart,
    CartLine,
    ShippingMethod,
    ShippingMethodFields,
    shipping_options,
)

NOW = datetime(2026, 12, 5, tzinfo=UTC)
D = Decimal


def method(method_id: str, rates: dict[str, Any], **fields: Any) -> ShippingMethod:
    return ShippingMethod.model_validate(
        {
            "id": method_id,
            "website_id": "web_1",
            "version": 1,
            "created_at": NOW,
            "updated_at": NOW,
            "name": {"en": method_id},
            "rates": rates,
            **fields,
        },
        strict=False,
    )


FLAT = method("shp_flat", {"kind": "flat", "costs": {"EUR": "9.90", "USD": "11.00"}})
BY_WEIGHT = method(
    "shp_weight",
    {
        "kind": "table",
        "by": "weight",
        "bands": {"EUR": [{"from_value": "0", "cost": "5.00"}, {"from_value": "10", "cost": "12.50"}]},
    },
    position=1,
)
FREE_ABOVE = method(
    "shp_amount",
    {
        "kind": "table",
        "by": "amount",
        "bands": {"EUR": [{"from_value": "0", "cost": "7.00"}, {"from_value": "500", "cost": "0"}]},
    },
    position=2,
)
METHODS = [BY_WEIGHT, FREE_ABOVE, FLAT]


def cart(amount: str, *lines: tuple[str, str | None], currency: str = "EUR") -> Cart:
    return Cart(
        Money(D(amount), currency),
        tuple(CartLine(D(quantity), None if weight is None else D(weight)) for quantity, weight in lines),
    )


def costs(a_cart: Cart) -> dict[str, str]:
    return {option.method_id: option.cost.amount for option in shipping_options(METHODS, a_cart)}


@pytest.mark.parametrize(
    ("a_cart", "expected"),
    [
        (cart("100", ("2", "1.5")), {"shp_flat": "9.90", "shp_weight": "5.00", "shp_amount": "7.00"}),
        (cart("100", ("4", "2.5")), {"shp_flat": "9.90", "shp_weight": "12.50", "shp_amount": "7.00"}),
        (cart("500", ("1", "0.2")), {"shp_flat": "9.90", "shp_weight": "5.00", "shp_amount": "0"}),
        (cart("100", ("1", "0.2"), ("3", None)), {"shp_flat": "9.90", "shp_amount": "7.00"}),
        (cart("100", ("1", "1"), currency="USD"), {"shp_flat": "11.00"}),
        (cart("100", ("1", "1"), currency="CHF"), {}),
    ],
    ids=["light", "heavy-band", "free-above-500", "unknown-weight", "flat-only-in-usd", "no-rates-in-chf"],
)
def test_the_methods_offered_for_a_cart_and_their_costs(a_cart: Cart, expected: dict[str, str]) -> None:
    # given the website's three methods, when a cart asks, then the offered ones with their costs
    assert costs(a_cart) == expected


def test_methods_are_offered_by_position_and_an_inactive_one_not_at_all() -> None:
    # given the methods, one of them switched off
    inactive = FLAT.model_copy(update={"active": False})

    # when a light cart asks, then by position, without the inactive one
    options = shipping_options([FREE_ABOVE, inactive, BY_WEIGHT], cart("10", ("1", "1")))
    assert [option.method_id for option in options] == ["shp_weight", "shp_amount"]


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        ({"kind": "flat", "costs": {"EUR": "9.999"}}, "more decimal places than EUR"),
        ({"kind": "flat", "costs": {"EUR": 9.9}}, "decimal string"),
        ({"kind": "table", "by": "weight", "bands": {"EUR": []}}, "EUR needs 1 to 50 bands"),
        (
            {
                "kind": "table",
                "by": "amount",
                "bands": {"EUR": [{"from_value": "10", "cost": "1"}, {"from_value": "5", "cost": "2"}]},
            },
            "must rise by from_value",
        ),
        ({"kind": "table", "by": "volume", "bands": {"EUR": [{"from_value": "0", "cost": "1"}]}}, "by"),
    ],
)
def test_inconsistent_rates_are_refused(rates: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ShippingMethodFields.model_validate({"name": {"en": "x"}, "rates": rates})


WEBSITE = LimitSource("website", "web_1", {"EUR": OrderLimit(minimum=D("50"), maximum=D("10000"))})
COMPANY = LimitSource("unit", "cus_1", {"EUR": OrderLimit(maximum=D("50000"))})
DIVISION = LimitSource("unit", "unt_2", {})


@pytest.mark.parametrize(
    ("amount", "path", "expected"),
    [
        ("49.99", [], ("minimum", "50", "web_1")),
        ("50", [], None),
        ("10000.01", [], ("maximum", "10000", "web_1")),
        ("20000", [COMPANY, DIVISION], None),
        ("50000.01", [COMPANY, DIVISION], ("maximum", "50000", "cus_1")),
        ("10", [COMPANY, DIVISION], None),
    ],
    ids=["below-website", "at-minimum", "above-website", "company-allows", "above-company", "company-no-min"],
)
def test_the_most_specific_limit_decides(
    amount: str, path: list[LimitSource], expected: tuple[str, str, str] | None
) -> None:
    # given the website's limits and a company's own (none on its division)
    # when an order's amount is checked from the division
    found = breach(Money(D(amount), "EUR"), WEBSITE, path)

    # then the nearest level with a limit in the currency decides
    assert (None if found is None else (found.bound, found.limit.amount, found.source)) == expected


def test_no_limit_in_a_currency_is_no_limit() -> None:
    assert breach(Money(D("1"), "USD"), WEBSITE, [COMPANY]) is None


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"EUR": {}}, "give a minimum, a maximum or both"),
        ({"EUR": {"minimum": "10", "maximum": "5"}}, "the minimum is above the maximum"),
        ({"JPY": {"minimum": "10.5"}}, "more decimal places than JPY"),
    ],
)
def test_inconsistent_limits_are_refused(limits: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        OrderLimits.model_validate({"limits": limits})


def term(code: str, **fields: Any) -> PaymentTermView:
    body = {
        "code": code,
        "id": code,
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
        "name": {"en": code},
    }
    return PaymentTermView.model_validate({**body, "kind": "on_account", **fields}, strict=False)


TERMS = {
    "net30": term("net30", kind="net", net_days=30),
    "prepay": term("prepay", kind="prepayment", is_default=True),
    "old": term("old", active=False),
}


@pytest.mark.parametrize(
    ("effective", "expected"),
    [("net30", "net30"), (None, "prepay"), ("unknown", "prepay"), ("old", "prepay")],
    ids=["named", "none-named", "unknown-code", "inactive"],
)
def test_the_payment_term_that_applies(effective: str | None, expected: str) -> None:
    found = applying_term(effective, TERMS)
    assert found is not None
    assert found.code == expected


def test_without_a_default_an_unknown_code_has_no_term() -> None:
    assert applying_term("unknown", {"net30": TERMS["net30"]}) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "net"}, "net_days is given for a net term"),
        ({"kind": "on_account", "net_days": 30}, "net_days is given for a net term"),
        ({"kind": "prepayment", "is_default": True, "active": False}, "the default term must be active"),
    ],
)
def test_inconsistent_payment_terms_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        PaymentTermFields.model_validate({"name": {"en": "x"}, **fields})


@pytest.mark.parametrize(
    ("fields", "number", "written"),
    [({}, 42, "000042"), ({"prefix": "SO-", "padding": 4}, 42, "SO-0042"), ({"padding": 2}, 1234, "1234")],
)
def test_order_numbers_are_written_in_the_tenants_format(
    fields: dict[str, Any], number: int, written: str
) -> None:
    assert OrderNumberFormat.model_validate(fields).format(number) == written
