"""Ordering on behalf: a sales representative makes, completes and places a checkout for a buyer of a
customer assigned to them, as that buyer's own session would (``checkout.acting_for``): the buyer's
catalog, prices, checkout permission and limits apply, and the checkout, the order and their events
name both (the rep as ``created_by`` / ``placed_by`` / ``sales_rep_id`` and the actor, the buyer as
``buyer_id`` and ``on_behalf_of``)."""

from __future__ import annotations

from chalicelib.domain.base import ExpectedVersion
from chalicelib.domain.orders.checkout import CheckoutCreate, CheckoutPatch, CheckoutView, PlaceOrder
from chalicelib.domain.orders.orders import OrderDetail
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.orders import checkout, placing


def create_checkout(
    caller: Caller,
    customer_id: str,
    user_id: str,
    hostname: str,
    body: CheckoutCreate,
    idempotency: IdempotencyClaim | None = None,
) -> CheckoutView:
    return checkout.create_checkout(
        checkout.acting_for(caller, customer_id, user_id), hostname, body, idempotency
    )


def get_checkout(caller: Caller, hostname: str, checkout_id: str) -> CheckoutView:
    return checkout.get_checkout(checkout.acting_on(caller, checkout_id), hostname, checkout_id)


def update_checkout(
    caller: Caller, hostname: str, checkout_id: str, patch: CheckoutPatch, expected: ExpectedVersion
) -> CheckoutView:
    return checkout.update_checkout(
        checkout.acting_on(caller, checkout_id), hostname, checkout_id, patch, expected
    )


def place_order(
    caller: Caller,
    hostname: str,
    checkout_id: str,
    body: PlaceOrder,
    expected: ExpectedVersion,
    idempotency: IdempotencyClaim | None = None,
) -> OrderDetail:
    buyer = checkout.acting_on(caller, checkout_id)
    return placing.place_order(buyer, hostname, checkout_id, body, expected, idempotency)
