"""chalicelib.domain.pricing.resolve: one order line's answer, as a table.

The world: a bolt sold per ``each`` (precision 0) and per ``kg`` (precision 3), priced per ``each``
in EUR by the website's list (10.00 from 1, 9.00 from 10; a rule's 3.333 from 100) only.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.domain.catalog.products import Product
from chalicelib.domain.money import RoundingMode
from chalicelib.domain.pricing.engine import AssignedList, ChainLevel, PriceChain, PriceRow, ProductPrices
from chalicelib.domain.pricing.resolve import LineError, PriceLine, PriceResolveRequest, resolve_line

D = Decimal
BOLT = Product.model_validate(
    {
        "id": "prd_01JD0000000000000000000001",
        "organization_id": "org_01JD0000000000000000000001",
        "sku": "HB-100",
        "name": {"en": "Hex bolt"},
        "units": [
            {"code": "each", "label": {"en": "each"}},
            {"code": "kg", "label": {"en": "kg"}, "precision": 3},
        ],
        "version": 1,
        "created_at": "2026-12-01T00:00:00Z",
        "updated_at": "2026-12-01T00:00:00Z",
    },
    strict=False,
)
PRICES = ProductPrices.of(
    {
        "prl_web": [
            PriceRow("each", "EUR", D(1), D("10.00")),
            PriceRow("each", "EUR", D(10), D("9.00")),
            PriceRow("each", "EUR", D(100), D("3.333"), "rule_a"),
        ]
    }
)
CHAIN = PriceChain([ChainLevel("website", "web_shop", (AssignedList("prl_web"),))], "minimal")


def line(quantity: str, unit: str = "each") -> PriceLine:
    return PriceLine.model_validate({"sku": "HB-100", "unit": unit, "quantity": quantity})


@pytest.mark.parametrize(
    ("product", "asked", "error"),
    [
        (None, line("1"), "unknown-sku"),
        (BOLT, line("1", unit="box"), "unit-not-offered"),
        (BOLT, line("0"), "invalid-quantity"),
        (BOLT, line("1.5"), "invalid-quantity"),  # each: precision 0
        (BOLT, line("0.5", unit="kg"), "not-priced"),  # a valid quantity, but no kg price
    ],
)
def test_a_line_that_cannot_be_priced_says_why(
    product: Product | None, asked: PriceLine, error: LineError
) -> None:
    # when
    answer = resolve_line(asked, product, PRICES, CHAIN, "EUR", "half_up")

    # then
    assert (answer.error, answer.unit_price, answer.line_total) == (error, None, None)


@pytest.mark.parametrize(
    ("quantity", "rounding", "unit_price", "tier", "total"),
    [
        ("3", "half_up", "10.00", "1", "30.00"),
        ("12", "half_up", "9.00", "10", "108.00"),
        ("101", "half_up", "3.333", "100", "336.63"),  # 336.633 rounds to the cent
        ("105", "half_even", "3.333", "100", "349.96"),  # 349.965: to the even cent
        ("105", "up", "3.333", "100", "349.97"),
    ],
)
def test_a_priced_line_has_its_tier_and_its_total_rounded_with_the_tenant_s_mode(
    quantity: str, rounding: RoundingMode, unit_price: str, tier: str, total: str
) -> None:
    # when
    answer = resolve_line(line(quantity), BOLT, PRICES, CHAIN, "EUR", rounding)

    # then
    assert answer.model_dump(include={"error", "unit_price", "tier", "line_total"}) == {
        "error": None,
        "unit_price": {"amount": unit_price, "currency": "EUR"},
        "tier": {"min_quantity": tier, "price_list_id": "prl_web"},
        "line_total": {"amount": total, "currency": "EUR"},
    }


def test_a_request_holds_at_most_500_lines_of_decimal_string_quantities() -> None:
    # given
    too_many = {"lines": [{"sku": "HB-100", "unit": "each", "quantity": "1"}] * 501}
    a_number = {"lines": [{"sku": "HB-100", "unit": "each", "quantity": 1}]}

    # then
    for body in (too_many, a_number):
        with pytest.raises(ValueError, match="validation error"):
            PriceResolveRequest.model_validate(body)
