"""Reordering into a checkout: an order's lines go through the checkouts' own creation path, the lines
that cannot be ordered today are answered, and who may not see the order or check out is refused.

The world is ``checkout_world``'s with two more products (P-0001, P-0002), where Bob placed one order
through checkout: 20 boxes of bolts, 100 nuts, one P-0001 and one P-0002. Since then P-0001 was
discontinued and P-0002's price was removed.
"""

from __future__ import annotations

from typing import Any

import pytest

from .checkout_world import CHECKOUTS, CheckoutShop, build_checkout_shop
from .conftest import Api, Table, Worlds
from .support import assert_problem, error_locs

pytestmark = pytest.mark.shared_account


@pytest.fixture
def shop(worlds: Worlds, api: Api, request: pytest.FixtureRequest) -> CheckoutShop:
    return worlds.world("reorder-checkout", lambda: _with_an_order(api, request))


def _with_an_order(api: Api, request: pytest.FixtureRequest) -> CheckoutShop:
    shop = build_checkout_shop(api, request.getfixturevalue, extra=2)
    lines = [
        ("HB-100", "box", "20"),
        ("HN-200", "each", "100"),
        ("P-0001", "each", "1"),
        ("P-0002", "each", "1"),
    ]
    started = shop.start("bob", *lines)
    placed = shop.place("bob", shop.reviewed("bob", started))
    assert placed.status == 201, placed.body
    shop.ids["order"] = placed.body["id"]
    discontinued = api.call(
        "PATCH",
        f"/v1/admin/products/{shop.products['P-0001']}",
        token=shop.admin,
        body={"inventory": {"status": "discontinued"}},
        headers={"If-Match": "*"},
    )
    assert discontinued.status == 200, discontinued.body
    row = {"product_id": shop.products["P-0002"], "unit": "each", "currency": "EUR", "min_quantity": "1"}
    removed = api.call(
        "POST",
        f"/v1/admin/price-lists/{shop.ids['price_list']}/prices/delete",
        token=shop.admin,
        body={"rows": [row]},
    )
    assert removed.status == 200, removed.body
    return shop


def _reorder(shop: CheckoutShop, who: str, body: dict[str, Any] | None = None) -> Any:
    return shop.call(who, "POST", f"/v1/store/orders/{shop.ids['order']}/checkouts", body or {})


def _checkouts(table: Table) -> list[dict[str, Any]]:
    return [item for item in table.items() if item["type"] == "checkout"]


def test_an_order_goes_into_a_new_checkout_and_the_lines_left_out_are_answered(shop: CheckoutShop) -> None:
    # when Bob reorders his order into a checkout
    reply = _reorder(shop, "bob")

    # then a new open checkout of his holds the lines he may order today, at today's prices
    assert reply.status == 201, reply.body
    checkout = reply.body
    assert reply.headers["Location"] == f"{CHECKOUTS}/{checkout['id']}"
    assert (checkout["status"], checkout["buyer_id"], checkout["currency"]) == (
        "open",
        shop.ids["user_bob"],
        "EUR",
    )
    assert [(line["sku"], line["unit"], line["quantity"]) for line in checkout["lines"]] == [
        ("HB-100", "box", "20"),
        ("HN-200", "each", "100"),
    ]
    assert [line["price"]["unit_price"]["amount"] for line in checkout["lines"]] == ["3.50", "0.10"]
    # and the discontinued product and the one without a price are answered, not refused
    assert [(skip["sku"], skip["reason"]) for skip in checkout["skipped"]] == [
        ("P-0001", "discontinued"),
        ("P-0002", "not_priced"),
    ]


def test_a_reordered_checkout_is_placed_as_any_other(shop: CheckoutShop) -> None:
    # given Bob's order reordered into a checkout
    made = _reorder(shop, "bob")
    assert made.status == 201, made.body

    # when he completes, reviews and places it
    placed = shop.place("bob", shop.reviewed("bob", made.body))

    # then it is a new pending order of the two lines
    assert placed.status == 201, placed.body
    assert (placed.body["status"], placed.body["line_count"]) == ("pending", 2)
    assert placed.body["id"] != shop.ids["order"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        pytest.param("rita", 403, id="a role without checkout"),
        pytest.param("olga", 404, id="a sibling unit's orderer"),
        pytest.param("ina", 404, id="another company"),
    ],
)
def test_who_may_not_reorder_the_order_into_a_checkout_is_refused_and_nothing_changes(
    shop: CheckoutShop, table: Table, who: str, status: int
) -> None:
    writes = table.writes()
    # when Rita (no checkout.place_order), Olga (her orders.view reaches her own) or Ina reorders Bob's order
    reply = _reorder(shop, who)
    # then it is refused, and nothing is written
    assert_problem(reply, status)
    assert table.writes() == writes


def test_an_order_none_of_whose_lines_has_a_price_is_422_and_nothing_changes(
    shop: CheckoutShop, table: Table
) -> None:
    writes = table.writes()
    # when Bob reorders into a checkout in USD, a currency the website sells in but none of his lists prices
    reply = _reorder(shop, "bob", {"currency": "USD"})
    # then every line is named, and nothing is written
    assert_problem(reply, 422)
    assert error_locs(reply) == [f"order.lines[{position}]" for position in range(1, 5)]
    assert table.writes() == writes


def test_a_currency_the_website_does_not_sell_in_is_422_and_nothing_changes(
    shop: CheckoutShop, table: Table
) -> None:
    count = len(_checkouts(table))
    # when Bob reorders into a checkout in CHF
    reply = _reorder(shop, "bob", {"currency": "CHF"})
    # then
    assert_problem(reply, 422)
    assert error_locs(reply) == ["body.currency"]
    assert len(_checkouts(table)) == count
