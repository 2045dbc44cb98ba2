"""A list -> a checkout -> an order on the local stack (DynamoDB Local), as the demo's Ava (Globex's
administrator, who may check out and add addresses) would: her list on shop.acme.de, a checkout of it,
the company's billing address (Germany) and a new shipping address in Berlin (German VAT), the first
shipping method offered,
the payment term (with a PO number), the review, and the order placed at the grand total she saw; then
the order workflow worker (the stack's poller of the order-workflow queue, fed by the outbox) confirms
it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .shoppers import SHOP
from .stack import Stack, eventually

pytestmark = pytest.mark.e2e
AVA = "ava.admin@globex.example"
SCREW = "WS08-000"
CONFIRMED_WITHIN_SECONDS = 60  # the stream, the dispatcher and the worker's poller on a loaded machine
BERLIN = {
    "kind": "shipping",
    "label": "Berlin site",
    "line1": "Industriestr. 9",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}


def _as_ava(stack: Stack, method: str, path: str, body: Any = None, **headers: str) -> Any:
    response = stack.call(
        method, path, token=stack.token("acme", AVA), headers={"X-Kontor-Host": SHOP, **headers}, json=body
    )
    assert response.status_code < 300, (method, path, response.status_code, response.text)
    return response


@pytest.fixture(scope="module")
def placement(stack: Stack) -> dict[str, Any]:
    """Ava's list of 50 screws checked out (every step, the review) and placed: the checkout's path,
    its review's answer and the placement's."""
    made = _as_ava(stack, "POST", "/v1/store/shopping-lists", {"name": "E2E restock"}).json()
    _as_ava(
        stack,
        "POST",
        f"/v1/store/shopping-lists/{made['id']}/lines",
        {"lines": [{"sku": SCREW, "unit": "each", "quantity": "50"}]},
    )
    unit = _as_ava(stack, "GET", "/v1/store/me").json()["user"]["unit_id"]
    book = _as_ava(stack, "GET", f"/v1/store/company/units/{unit}/addresses").json()["effective"]

    checkout = _as_ava(stack, "POST", "/v1/store/checkouts", {"shopping_list_id": made["id"]}).json()
    assert checkout["lines"][0]["price"] is not None, checkout["lines"]
    steps = {
        "billing_address": {"address_id": book["billing"]["value"][0]["id"]},
        "shipping_address": {"address": BERLIN},
        "shipping_method_id": checkout["shipping_options"][0]["method_id"],
        "payment": {"purchase_order_number": "PO-E2E"},
        "reviewed": True,
    }
    path = f"/v1/store/checkouts/{checkout['id']}"
    reviewed = _as_ava(stack, "PATCH", path, steps, **{"If-Match": '"1"'}).json()
    placed = _as_ava(
        stack,
        "POST",
        path + "/order",
        {"grand_total": reviewed["totals"]["grand_total"]},
        **{"If-Match": f'"{reviewed["version"]}"', "Idempotency-Key": f"e2e-{checkout['id']}"},
    )
    return {"path": path, "reviewed": reviewed, "placed": placed}


def test_a_list_becomes_a_checkout_and_an_order_on_dynamodb_local(
    stack: Stack, placement: dict[str, Any]
) -> None:
    # given Ava's list checked out and reviewed; when she placed it at the total she saw
    placed, reviewed, path = placement["placed"], placement["reviewed"], placement["path"]

    # then the order is pending, hers, at the reviewed total, and the checkout is closed
    order = placed.json()
    assert placed.status_code == 201
    assert placed.headers["Location"] == f"/v1/store/orders/{order['id']}"
    assert (order["status"], order["line_count"], order["lines"][0]["sku"]) == ("pending", 1, SCREW)
    assert order["totals"]["grand_total"] == reviewed["totals"]["grand_total"]
    assert order["sequence"] >= 1
    assert _as_ava(stack, "GET", path).json()["status"] == "ordered"


def test_the_workflow_worker_confirms_the_placed_order(
    stack: Stack, placement: dict[str, Any], audit_progress: Callable[[], object]
) -> None:
    # given the order Ava placed (pending when answered)
    order_path = placement["placed"].headers["Location"]

    # when the outbox's order.placed reaches the order-workflow queue and its worker
    def confirmed() -> dict[str, Any] | None:
        order: dict[str, Any] = _as_ava(stack, "GET", order_path).json()
        return order if order["status"] == "confirmed" else None

    # (its event waits behind the seed's in the stream: the wait goes on while the audit log grows)
    order = eventually(
        confirmed, timeout=CONFIRMED_WITHIN_SECONDS, what="the order's confirmation", progress=audit_progress
    )

    # then the demo tenant's checks passed and the worker confirmed it, as its history says
    assert [(entry["transition"], entry["acting_as"]) for entry in order["history"]] == [
        ("place", "buyer"),
        ("confirm", "worker"),
    ]
