"""Checkout and placing an order: a list -> a checkout -> an order; the steps, live prices and totals;
the refusals that change nothing; concurrency and idempotency. The world is ``checkout_world``'s."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from .checkout_world import CHECKOUTS, CheckoutShop, build_checkout_shop
from .conftest import Api, Table, Worlds
from .support import assert_problem, error_locs

pytestmark = pytest.mark.shared_account
LISTS = "/v1/store/shopping-lists"


@pytest.fixture
def shop(worlds: Worlds, api: Api, request: pytest.FixtureRequest) -> CheckoutShop:
    return worlds.world("checkout", lambda: build_checkout_shop(api, request.getfixturevalue))


def _orders(table: Table) -> list[dict[str, Any]]:
    return [item for item in table.items() if item["type"] == "order"]


def test_a_list_becomes_a_checkout_and_then_an_order(shop: CheckoutShop, table: Table) -> None:
    # given Bob's shopping list of 20 boxes of bolts and 100 nuts
    made = shop.call("bob", "POST", LISTS, {"name": "Project"})
    assert made.status == 201, made.body
    lines = [{"sku": "HB-100", "unit": "box", "quantity": "20"}, {"sku": "HN-200", "quantity": "100"}]
    added = shop.call("bob", "POST", f"{LISTS}/{made.body['id']}/lines", {"lines": lines})
    assert added.status == 200, added.body

    # when he starts a checkout from it, completes and reviews it, and places it
    started = shop.call("bob", "POST", CHECKOUTS, {"shopping_list_id": made.body["id"]})
    assert started.status == 201, started.body
    reviewed = shop.reviewed("bob", started.body)
    placed = shop.place("bob", reviewed)

    # then the checkout priced the lines live (the tier from 20 boxes), shipped and taxed them
    assert [line["price"]["unit_price"]["amount"] for line in started.body["lines"]] == ["3.50", "0.10"]
    totals = reviewed["totals"]
    assert (totals["subtotal"]["amount"], totals["shipping"]["amount"]) == ("80.00", "9.90")
    assert (totals["tax_total"]["amount"], totals["grand_total"]["amount"]) == ("17.08", "106.98")
    assert reviewed["missing_steps"] == []
    # and the order is pending, numbered, with its lines and Location; the checkout is closed
    assert placed.status == 201, placed.body
    order = placed.body
    assert placed.headers["Location"] == f"/v1/store/orders/{order['id']}"
    assert (order["status"], order["number"], order["line_count"]) == ("pending", "000001", 2)
    assert order["totals"]["grand_total"] == totals["grand_total"]
    assert (order["buyer_id"], order["placed_by"], order["sales_rep_id"]) == (
        shop.ids["user_bob"],
        shop.ids["user_bob"],
        None,
    )
    assert [line["sku"] for line in order["lines"]] == ["HB-100", "HN-200"]
    assert order["history"][0]["to_status"] == "pending"
    closed = shop.call("bob", "GET", f"{CHECKOUTS}/{started.body['id']}")
    assert (closed.body["status"], closed.body["order_id"]) == ("ordered", order["id"])
    events = [item["data"]["type"] for item in table.items() if item["type"] == "event"]
    assert "order.placed" in events


def _ready(shop: CheckoutShop, who: str = "bob") -> dict[str, Any]:
    """A reviewed checkout of 20 boxes of bolts."""
    return shop.reviewed(who, shop.start(who, ("HB-100", "box", "20")))


@pytest.mark.usefixtures("isolated_transactions")
def test_twenty_concurrent_placements_of_one_checkout_make_one_order(
    shop: CheckoutShop, table: Table
) -> None:
    # given a reviewed checkout
    checkout = _ready(shop)

    # when it is placed twenty times at once
    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda _: shop.place("bob", checkout), range(20)))

    # then one placement made the one order; every other was refused: 409 when it read the checkout
    # before the order was committed, 412 (its If-Match stale) after
    statuses = sorted(reply.status for reply in replies)
    assert statuses[0] == 201
    assert set(statuses[1:]) <= {409, 412}, [reply.body for reply in replies if reply.status != 201]
    assert len(_orders(table)) == 1


def test_a_replayed_idempotency_key_answers_the_same_order(shop: CheckoutShop, table: Table) -> None:
    # given a checkout placed with an Idempotency-Key
    checkout = _ready(shop)
    first = shop.place("bob", checkout, **{"Idempotency-Key": "place-1"})
    assert first.status == 201, first.body

    # when the same placement is sent again with the key
    again = shop.place("bob", checkout, **{"Idempotency-Key": "place-1"})

    # then it answers the first order, and no other was made
    assert again.status == 201, again.body
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.body == first.body
    assert len(_orders(table)) == 1


@pytest.mark.parametrize(("who", "status"), [("rita", 403), ("olga", 404), ("ina", 404)])
def test_who_may_not_place_a_checkout_is_refused_and_nothing_changes(
    shop: CheckoutShop, table: Table, who: str, status: int
) -> None:
    # given Bob's reviewed checkout
    checkout = _ready(shop)
    writes = table.writes()

    # when Rita (no checkout permission), Olga (a sibling unit) or Ina (another company) reads and places it
    read = shop.call(who, "GET", f"{CHECKOUTS}/{checkout['id']}")
    placed = shop.place(who, checkout)

    # then both are refused, and nothing changed
    assert_problem(read, status)
    assert_problem(placed, status)
    assert table.writes() == writes


def test_a_user_without_checkout_permission_cannot_start_one(shop: CheckoutShop, table: Table) -> None:
    writes = table.writes()
    # when Rita starts a checkout
    reply = shop.call("rita", "POST", CHECKOUTS, {"lines": [{"sku": "HN-200", "quantity": "1"}]})
    # then it is 403, and nothing is written
    assert_problem(reply, 403)
    assert table.writes() == writes


@pytest.mark.parametrize(
    ("line", "loc"),
    [
        ({"sku": "HN-200", "quantity": "0"}, "body.lines[0].quantity"),  # zero
        ({"sku": "HN-200", "quantity": "1.5"}, "body.lines[0].quantity"),  # a fraction of a whole unit
        ({"sku": "HB-100", "unit": "box", "quantity": "12"}, "body.lines[0].quantity"),  # not a step of 5
        ({"sku": "NOPE-1", "quantity": "1"}, "body.lines[0].sku"),  # unknown
    ],
)
def test_a_bad_line_is_422_and_makes_no_checkout(
    shop: CheckoutShop, table: Table, line: dict[str, str], loc: str
) -> None:
    writes = table.writes()
    # when a checkout is started with the line
    reply = shop.call("bob", "POST", CHECKOUTS, {"lines": [line]})
    # then it is 422 on the line, and nothing is written
    assert_problem(reply, 422)
    assert error_locs(reply) == [loc]
    assert table.writes() == writes


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"shipping_address": {"address_id": "initech_shipping"}}, "body.shipping_address.address_id"),
        ({"shipping_method_id": "inactive"}, "body.shipping_method_id"),
        ({"shipping_method_id": "shp_01J00000000000000000000000"}, "body.shipping_method_id"),
        ({"requested_delivery_date": "2020-01-01"}, "body.requested_delivery_date"),
    ],
)
def test_a_bad_choice_is_422_and_changes_nothing(
    shop: CheckoutShop, table: Table, change: dict[str, Any], loc: str
) -> None:
    # given an open checkout
    checkout = shop.start("bob", ("HN-200", "each", "10"))
    named = {
        key: {"address_id": shop.ids[value["address_id"]]}
        if isinstance(value, dict)
        else shop.ids.get(value, value)
        for key, value in change.items()
    }
    writes = table.writes()

    # when another company's address, an inactive or unknown method, or a past date is chosen
    reply = shop.call("bob", "PATCH", f"{CHECKOUTS}/{checkout['id']}", named, **{"If-Match": '"1"'})

    # then it is 422 on that field, and nothing changed
    assert_problem(reply, 422)
    assert error_locs(reply) == [loc]
    assert table.writes() == writes


def test_placing_at_a_stale_version_is_412_and_changes_nothing(shop: CheckoutShop, table: Table) -> None:
    # given a reviewed checkout, placed at the version before the review
    checkout = _ready(shop)
    writes = table.writes()

    # when it is placed at version 1
    reply = shop.place("bob", {**checkout, "version": 1})

    # then it is 412 with the current version, and nothing changed
    assert assert_problem(reply, 412)["current_version"] == checkout["version"]
    assert table.writes() == writes


def test_a_price_changed_since_the_review_is_409_listing_the_line_and_nothing_is_written(
    shop: CheckoutShop, table: Table
) -> None:
    # given a reviewed checkout of nuts, whose price then goes up
    checkout = shop.reviewed("bob", shop.start("bob", ("HN-200", "each", "100"), ("HB-100", "box", "20")))
    shop.set_price("HN-200", "each", "0.12")
    writes = table.writes()

    # when it is placed with the total seen
    reply = shop.place("bob", checkout)

    # then it is 409 naming the nuts' line (and the total), and nothing is written
    problem = assert_problem(reply, 409)
    changes = {change.get("sku", change["change"]): change for change in problem["changes"]}
    assert changes["HN-200"] == {
        "position": 1,
        "sku": "HN-200",
        "change": "price_changed",
        "seen_unit_price": "0.10",
        "unit_price": "0.12",
    }
    assert "grand_total_changed" in changes
    assert "HB-100" not in changes
    assert table.writes() == writes
    # and once reviewed again, it is placed
    assert shop.place("bob", shop.reviewed("bob", reply_checkout(shop, checkout))).status == 201


def reply_checkout(shop: CheckoutShop, checkout: dict[str, Any]) -> dict[str, Any]:
    reply = shop.call("bob", "GET", f"{CHECKOUTS}/{checkout['id']}")
    assert reply.status == 200, reply.body
    return dict(reply.body)


def test_an_unreviewed_checkout_is_not_placed(shop: CheckoutShop, table: Table) -> None:
    # given a checkout with its steps done but not reviewed
    checkout = shop.start("bob", ("HN-200", "each", "10"))
    path = f"{CHECKOUTS}/{checkout['id']}"
    done = shop.call("bob", "PATCH", path, shop.steps(), **{"If-Match": '"1"'})
    assert done.status == 200, done.body
    assert done.body["missing_steps"] == ["review"]
    writes = table.writes()

    # when it is placed
    reply = shop.place("bob", done.body)

    # then it is 422 naming the missing step, and nothing is written
    assert "review" in assert_problem(reply, 422)["errors"][0]["msg"]
    assert table.writes() == writes


def test_an_order_above_the_unit_s_maximum_is_422_naming_the_bound(shop: CheckoutShop, table: Table) -> None:
    # given Plant Lyon's maximum order amount of 50 EUR, and Bob's reviewed checkout of 95.20 EUR
    path = f"/v1/admin/customers/{shop.ids['company']}/units/{shop.ids['lyon']}/order-limits"
    limits = {"limits": {"EUR": {"maximum": "50"}}}
    assert shop.api.call("PUT", path, token=shop.admin, body=limits).status == 200
    checkout = _ready(shop)
    writes = table.writes()

    # when it is placed
    reply = shop.place("bob", checkout)

    # then it is 422 naming the maximum, and nothing is written
    error = assert_problem(reply, 422)["errors"][0]
    assert (error["loc"], error["type"]) == ("checkout.grand_total", "order_maximum")
    assert table.writes() == writes


# --- ordering on behalf ------------------------------------------------------------------------------


def test_a_sales_rep_places_an_order_on_behalf_of_a_buyer_of_his_customer(
    shop: CheckoutShop, table: Table
) -> None:
    # given Sam, Globex's sales representative
    users = f"/v1/admin/customers/{shop.ids['company']}/users/{shop.ids['user_bob']}/checkouts"

    # when he starts a checkout for Bob, completes, reviews and places it
    checkout = shop.start("sam", ("HB-100", "box", "20"), path=users)
    reviewed = shop.reviewed("sam", checkout, prefix="/v1/admin/checkouts")
    placed = shop.place("sam", reviewed, prefix="/v1/admin/checkouts")

    # then the order is Bob's, placed by Sam, priced as Bob's; its event names both
    assert placed.status == 201, placed.body
    order = placed.body
    assert (order["buyer_id"], order["placed_by"], order["sales_rep_id"]) == (
        shop.ids["user_bob"],
        shop.ids["sam"],
        shop.ids["sam"],
    )
    assert order["history"][0]["acting_as"] == "staff"
    assert order["totals"]["subtotal"]["amount"] == "70.00"
    (event,) = [
        item["data"]
        for item in table.items()
        if item["type"] == "event" and item["data"]["type"] == "order.placed"
    ]
    assert (event["actor"], event["on_behalf_of"]) == ("staff:sam.sales@acme.example", shop.ids["user_bob"])
    # and Bob sees the checkout as his own
    assert shop.call("bob", "GET", f"{CHECKOUTS}/{checkout['id']}").body["status"] == "ordered"


@pytest.mark.parametrize(
    ("who", "customer", "user"), [("sid", "company", "user_bob"), ("sam", "initech", "user_ina")]
)
def test_a_sales_rep_of_another_customer_may_not_order_for_its_buyers(
    shop: CheckoutShop, table: Table, who: str, customer: str, user: str
) -> None:
    writes = table.writes()
    # when Sid (assigned to nobody) orders for Bob, or Sam for Ina of Initech
    path = f"/v1/admin/customers/{shop.ids[customer]}/users/{shop.ids[user]}/checkouts"
    reply = shop.call(who, "POST", path, {"lines": [{"sku": "HN-200", "quantity": "1"}]})
    # then the customer is unknown to them, and nothing is written
    assert_problem(reply, 404)
    assert table.writes() == writes


def test_a_sales_rep_may_not_order_for_a_buyer_without_checkout_permission(
    shop: CheckoutShop, table: Table
) -> None:
    writes = table.writes()
    path = f"/v1/admin/customers/{shop.ids['company']}/users/{shop.ids['user_rita']}/checkouts"
    reply = shop.call("sam", "POST", path, {"lines": [{"sku": "HN-200", "quantity": "1"}]})
    assert_problem(reply, 403)
    assert table.writes() == writes
