"""Long orders: 500 lines placed in one transaction and replayed whole, and the round trips of placing
100 lines.

The world is ``checkout_world``'s with 20 more products (P-0001...), each 1.00 EUR a piece; the lines
name each of them in turn (lines of quick order are not merged). Few products keep the world quick to
build under moto, which copies the table for every transaction; ``make bench-orders`` measures orders
of distinct products on DynamoDB Local.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.services.orders import records

from .checkout_world import CHECKOUTS, CheckoutShop, build_checkout_shop
from .conftest import MEASURED_ROUND_TRIPS, Api, AwsCalls, Table, Worlds

pytestmark = pytest.mark.shared_account
LONG, PRODUCTS = 500, 20


@pytest.fixture
def shop(worlds: Worlds, api: Api, request: pytest.FixtureRequest) -> CheckoutShop:
    return worlds.world(
        "long checkouts", lambda: build_checkout_shop(api, request.getfixturevalue, extra=PRODUCTS)
    )


def _reviewed(shop: CheckoutShop, count: int) -> dict[str, Any]:
    skus = [shop.extra_skus[line % PRODUCTS] for line in range(count)]
    return shop.reviewed("bob", shop.start("bob", *[(sku, "each", "2") for sku in skus]))


def test_a_500_line_order_is_placed_in_one_transaction(
    shop: CheckoutShop, table: Table, aws_calls: AwsCalls
) -> None:
    # given Bob's reviewed checkout of 500 lines
    checkout = _reviewed(shop, LONG)
    aws_calls.clear()

    # when he places it
    placed = shop.place("bob", checkout)

    # then one transaction wrote the order: its header and five pages of 100 lines, in order
    assert placed.status == 201, placed.body
    assert aws_calls.of("dynamodb").count("TransactWriteItems") == 1
    order = records.load_order("acme", placed.body["id"])
    assert order is not None
    assert [line.position for line in order.lines] == list(range(1, LONG + 1))
    assert order.totals.subtotal.amount == "1000.00"
    pages = [item for item in table.items() if item["type"] == "order_lines"]
    assert len(pages) == LONG // 100


def test_placing_100_lines_costs_its_round_trips(shop: CheckoutShop, aws_calls: AwsCalls) -> None:
    # given Bob's reviewed checkout of 100 lines (of 20 products: their items and rules are 40 keys, one
    # BatchGetItem; 100 distinct products take two)
    checkout = _reviewed(shop, 100)
    aws_calls.clear()

    # when he places it
    placed = shop.place("bob", checkout)

    # then it costs the issue's 6 round trips, the principal's two included: the products' 40 keys and
    # the placing's own few share one BatchGetItem (docs/orders-design.md, "Round trips")
    assert placed.status == 201, placed.body
    operations = aws_calls.of("dynamodb")
    MEASURED_ROUND_TRIPS.append(("placing a 100-line order", operations))
    assert operations == [
        "BatchGetItem",
        "Query",
        "Query",
        "BatchGetItem",
        "BatchGetItem",
        "TransactWriteItems",
    ]


def test_a_replayed_placement_of_500_long_lines_answers_every_line(shop: CheckoutShop, table: Table) -> None:
    # given Bob's reviewed checkout of 500 lines with notes, an answer too large for an idempotency
    # record, placed with an Idempotency-Key
    notes = "deliver to gate 4, " * 20  # the request stays under 256 KB, the answer passes 300 KB
    body = {
        "lines": [
            {"sku": shop.extra_skus[line % PRODUCTS], "unit": "each", "quantity": "2", "notes": notes}
            for line in range(LONG)
        ]
    }
    started = shop.call("bob", "POST", CHECKOUTS, body)
    assert started.status == 201, started.body
    checkout = shop.reviewed("bob", dict(started.body))
    first = shop.place("bob", checkout, **{"Idempotency-Key": "long-order"})
    assert first.status == 201, first.body

    # when the placement is sent again with the same key
    replayed = shop.place("bob", checkout, **{"Idempotency-Key": "long-order"})

    # then the replay answers the first answer whole, its 500 lines read back from the order
    assert replayed.status == 201, replayed.body
    assert replayed.headers.get("Idempotent-Replayed") == "true"
    assert len(replayed.body["lines"]) == LONG
    assert replayed.body == first.body
    kept = [
        item for item in table.items() if item["type"] == "idempotency" and "lines_of_order" in item["data"]
    ]
    assert [item["data"]["lines_of_order"] for item in kept] == [first.body["id"]]
