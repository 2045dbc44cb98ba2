"""A list -> a checkout -> an order on the local stack (DynamoDB Local), as the demo's Max (Globex
Manufacturing's purchasing manager, who may check out) would: his list on shop.acme.de, a checkout of
it, the company's addresses, the first shipping method offered, the payment term (with a PO number),
the review, and the order placed at the grand total he saw. Writes an order (numbers are the tenant's
sequence: the test reads the one it got)."""

from __future__ import annotations

from typing import Any

import pytest

from .shoppers import SHOP
from .stack import Stack

pytestmark = pytest.mark.e2e
MAX = "max.manager@globex.example"
SCREW = "WS08-000"


def _as_max(stack: Stack, method: str, path: str, body: Any = None, **headers: str) -> Any:
    response = stack.call(
        method, path, token=stack.token("acme", MAX), headers={"X-Kontor-Host": SHOP, **headers}, json=body
    )
    assert response.status_code < 300, (method, path, response.status_code, response.text)
    return response


def test_a_list_becomes_a_checkout_and_an_order_on_dynamodb_local(stack: Stack) -> None:
    # given Max's shopping list of 50 screws
    made = _as_max(stack, "POST", "/v1/store/shopping-lists", {"name": "E2E restock"}).json()
    _as_max(
        stack,
        "POST",
        f"/v1/store/shopping-lists/{made['id']}/lines",
        {"lines": [{"sku": SCREW, "quantity": "50"}]},
    )
    unit = _as_max(stack, "GET", "/v1/store/me").json()["user"]["unit_id"]
    book = _as_max(stack, "GET", f"/v1/store/company/units/{unit}/addresses").json()["effective"]

    # when he checks it out: steps, review, and the order at the total he saw
    checkout = _as_max(stack, "POST", "/v1/store/checkouts", {"shopping_list_id": made["id"]}).json()
    steps = {
        "billing_address": {"address_id": book["billing"]["value"][0]["id"]},
        "shipping_address": {"address_id": book["shipping"]["value"][0]["id"]},
        "shipping_method_id": checkout["shipping_options"][0]["method_id"],
        "payment": {"purchase_order_number": "PO-E2E"},
        "reviewed": True,
    }
    path = f"/v1/store/checkouts/{checkout['id']}"
    reviewed = _as_max(stack, "PATCH", path, steps, **{"If-Match": '"1"'}).json()
    placed = _as_max(
        stack,
        "POST",
        path + "/order",
        {"grand_total": reviewed["totals"]["grand_total"]},
        **{"If-Match": f'"{reviewed["version"]}"', "Idempotency-Key": f"e2e-{checkout['id']}"},
    )

    # then the order is pending, his, at the reviewed total, and the checkout is closed
    order = placed.json()
    assert placed.status_code == 201
    assert placed.headers["Location"] == f"/v1/store/orders/{order['id']}"
    assert (order["status"], order["line_count"], order["lines"][0]["sku"]) == ("pending", 1, SCREW)
    assert order["totals"]["grand_total"] == reviewed["totals"]["grand_total"]
    assert order["sequence"] >= 1
    assert _as_max(stack, "GET", path).json()["status"] == "ordered"
