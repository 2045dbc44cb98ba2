"""The checkout's pure decisions: an order's totals from its tax calculation (adding up, whatever the
lines: hypothesis, on the tax tests' strategies), what changed since the review, the steps completed,
and the inputs' one-source rules."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from test_taxes import COVERING, GERMANY, SAN_FRANCISCO, lines_of, prices

from chalicelib.domain.money import MoneyView
from chalicelib.domain.orders.checkout import (
    AddressChoice,
    Checkout,
    CheckoutCreate,
    CheckoutLineView,
    SeenPrice,
    changes,
    completed,
    totals_of,
)
from chalicelib.domain.pricing.resolve import LinePrice, LineTier
from chalicelib.domain.taxes.calculation import TaxableShipping, TaxRequest, TaxSettings, calculate
from chalicelib.domain.taxes.configuration import TaxAddress

# --- totals -----------------------------------------------------------------------------------------


def _amount(money: MoneyView) -> Decimal:
    return Decimal(money.amount)


@settings(max_examples=50, deadline=None)  # the taxes' own property runs 100 more
@given(
    lines=lines_of,
    gross=st.booleans(),
    address=st.sampled_from([GERMANY, SAN_FRANCISCO]),
    shipping=st.none() | prices.map(lambda money: TaxableShipping(money, "shipping")),
)
def test_an_order_s_lines_and_shipping_add_up_to_its_grand_total(
    lines: list[Any], gross: bool, address: TaxAddress, shipping: TaxableShipping | None
) -> None:
    # given a sale taxed per line (as websites are unless set otherwise)
    settings_ = TaxSettings(prices_include_tax=gross)
    calculation = calculate(COVERING, settings_, TaxRequest("EUR", lines, address, None, shipping))

    # when the order's totals are taken from it
    totals = totals_of(calculation)

    # then each order line's total (its gross) and the shipping's add up to the grand total, the rates'
    # taxes to the tax total, and net plus tax to the grand total, every amount in cents
    shipped = calculation.shipping.gross.amount if calculation.shipping else Decimal(0)
    assert sum((line.gross.amount for line in calculation.lines), shipped) == _amount(totals.grand_total)
    assert sum((_amount(share.tax) for share in totals.tax_by_rate), Decimal(0)) == _amount(totals.tax_total)
    assert _amount(totals.net_total) + _amount(totals.tax_total) == _amount(totals.grand_total)
    for amount in (totals.subtotal, totals.shipping, totals.tax_total, totals.grand_total):
        assert amount.currency == "EUR"
        assert -_amount(amount).as_tuple().exponent == 2  # type: ignore[operator]


# --- what changed since the review ------------------------------------------------------------------


def _line(position: int, price: str | None = "0.10", **flags: bool) -> CheckoutLineView:
    priced = (
        LinePrice(
            unit_price=MoneyView(amount=price, currency="EUR"),
            tier=LineTier(min_quantity="1", price_list_id="prl_01JD0000000000000000000000"),
            line_total=MoneyView(amount=price, currency="EUR"),
        )
        if price is not None
        else None
    )
    return CheckoutLineView(
        position=position,
        product_id=f"prd_{position}",
        sku=f"SKU-{position}",
        name="Nut",
        unit="each",
        quantity="1",
        hidden=flags.get("hidden", False),
        discontinued=flags.get("discontinued", False),
        deleted=flags.get("deleted", False),
        not_priced=price is None,
        price=priced,
    )


def test_lines_as_reviewed_are_no_change() -> None:
    seen = [SeenPrice(unit_price="0.10"), SeenPrice(unit_price="0.1")]
    assert changes(seen, [_line(1), _line(2)]) == []


@pytest.mark.parametrize(
    ("now", "kind"),
    [
        pytest.param(_line(1, "0.12"), "price_changed", id="a price changed"),
        pytest.param(_line(1, hidden=True), "hidden", id="hidden"),
        pytest.param(_line(1, discontinued=True), "discontinued", id="discontinued"),
        pytest.param(_line(1, None, deleted=True), "deleted", id="deleted"),
        pytest.param(_line(1, None), "not_priced", id="no longer priced"),
    ],
)
def test_a_line_that_changed_since_the_review_is_named_with_its_change(
    now: CheckoutLineView, kind: str
) -> None:
    # given a line reviewed at 0.10 a piece
    # when it is found so now
    found = changes([SeenPrice(unit_price="0.10")], [now])
    # then it is the one change, with the price seen and the price now
    assert [(change.position, change.change, change.seen_unit_price) for change in found] == [
        (1, kind, "0.10")
    ]


def test_a_line_never_reviewed_counts_by_its_state_now_only() -> None:
    assert changes([None, None], [_line(1, "9.99"), _line(2, hidden=True)])[0].position == 2


# --- steps ------------------------------------------------------------------------------------------


def _checkout(**fields: Any) -> Checkout:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    return Checkout.model_validate(
        {
            "id": "chk_01JD0000000000000000000000",
            "version": 1,
            "created_at": moment,
            "updated_at": moment,
            "status": "open",
            "customer_id": "cus_1",
            "unit_id": "cus_1",
            "buyer_id": "usr_1",
            "created_by": "usr_1",
            "website_id": "web_1",
            "organization_id": "org_1",
            "currency": "EUR",
            "source": "quick_order",
            "line_count": 1,
            **fields,
        }
    )


ADDRESS = {"kind": "billing", "label": "HQ", "line1": "1 Main St", "city": "Berlin", "postal_code": "10115"}


@pytest.mark.parametrize(
    ("fields", "done"),
    [
        pytest.param({}, [], id="nothing chosen"),
        pytest.param({"billing_address": {**ADDRESS, "country": "DE"}}, [], id="one address of two"),
        pytest.param(
            {
                "billing_address": {**ADDRESS, "country": "DE"},
                "shipping_address": {**ADDRESS, "kind": "shipping", "country": "DE"},
                "payment_term_code": "net30",
            },
            ["addresses", "payment"],
            id="addresses and payment",
        ),
        pytest.param(
            {"shipping_method_id": "shp_1", "seen_grand_total": {"amount": "1.00", "currency": "EUR"}},
            ["shipping", "review"],
            id="shipping and review",
        ),
    ],
)
def test_the_steps_completed_follow_the_choices_made(fields: dict[str, Any], done: list[str]) -> None:
    assert completed(_checkout(**fields)) == done


# --- inputs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{}, {"shopping_list_id": "sls_01JD0000000000000000000000", "lines": [{"sku": "A", "quantity": "1"}]}],
    ids=["neither", "both"],
)
def test_a_checkout_starts_from_a_list_or_from_lines_never_both_nor_neither(body: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="either shopping_list_id or lines"):
        CheckoutCreate.model_validate(body)


def test_an_address_choice_names_an_address_or_gives_one_never_both() -> None:
    with pytest.raises(ValidationError, match="either address_id or address"):
        AddressChoice.model_validate({})
