"""Storefront: the buyer's checkouts on the shop's website, and placing one as an order.

A checkout is made from a shopping list or quick-order lines, completed step by step at its version
(addresses, shipping method, payment term, review), read with live prices and totals, and placed once:
``docs/orders-design.md`` has the design.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.api.storefront.catalog import SHOP, shop_host
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.orders.checkout import CheckoutCreate, CheckoutPatch, CheckoutView, PlaceOrder
from chalicelib.domain.orders.orders import OrderDetail
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.orders import checkout, placing
else:
    checkout = lazy_module("chalicelib.services.orders.checkout")
    placing = lazy_module("chalicelib.services.orders.placing")

blueprint = Blueprint(__name__)
TAGS = ("store",)
CHECKOUTS = "/v1/store/checkouts"
CHECKOUT = CHECKOUTS + "/{checkout_id}"
PLACE = CustomerPermission.CHECKOUT
CREATE_SUMMARY = (
    "Start a checkout from a shopping list the caller sees (all its lines) or from quick-order lines "
    "(SKU, unit, quantity), in the website's currency or the one named." + SHOP
)
GET_SUMMARY = (
    "A checkout with its lines priced now (hidden, discontinued, deleted, not_priced flags), the "
    "shipping options for it, the payment term, the steps missing, the totals (subtotal, discounts, "
    "shipping, tax by rate, grand total) and what changed since the review." + SHOP
)
PATCH_SUMMARY = (
    "Complete steps at the checkout's version (If-Match): billing and shipping address (an address id "
    "of the company's book applying to the buyer's unit, or a new address with addresses.manage), "
    "shipping method, payment (with the purchase order number the term may need), notes, requested "
    "delivery date; `reviewed: true` records the prices and total confirmed." + SHOP
)
PLACE_SUMMARY = (
    "Place the reviewed checkout as an order at its version (If-Match) with the grand total the buyer "
    "saw: prices, availability and totals are worked out again, and any change is 409 listing each "
    "changed line. One transaction; answers the order." + SHOP
)


@route(
    blueprint,
    CHECKOUTS,
    "POST",
    permission=PLACE,
    summary=CREATE_SUMMARY,
    tags=TAGS,
    body=CheckoutCreate,
    response=CheckoutView,
    status=201,
    idempotent=True,
    shop=True,
)
def create_checkout(request: RouteRequest) -> CheckoutView:
    return checkout.create_checkout(request.caller, shop_host(request), request.body, request.idempotency)


@route(
    blueprint,
    CHECKOUT,
    "GET",
    permission=PLACE,
    summary=GET_SUMMARY,
    tags=TAGS,
    response=CheckoutView,
    shop=True,
)
def get_checkout(request: RouteRequest) -> CheckoutView:
    return checkout.get_checkout(request.caller, shop_host(request), request.params["checkout_id"])


@route(
    blueprint,
    CHECKOUT,
    "PATCH",
    permission=PLACE,
    summary=PATCH_SUMMARY,
    tags=TAGS,
    body=CheckoutPatch,
    response=CheckoutView,
    versioned=True,
    shop=True,
)
def update_checkout(request: RouteRequest) -> CheckoutView:
    return checkout.update_checkout(
        request.caller,
        shop_host(request),
        request.params["checkout_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    CHECKOUT + "/order",
    "POST",
    permission=PLACE,
    summary=PLACE_SUMMARY,
    tags=TAGS,
    body=PlaceOrder,
    response=OrderDetail,
    status=201,
    idempotent=True,
    versioned=True,
    created_under="/v1/store/orders",
    shop=True,
)
def place_order(request: RouteRequest) -> OrderDetail:
    return placing.place_order(
        request.caller,
        shop_host(request),
        request.params["checkout_id"],
        request.body,
        request.expected_version(),
        request.idempotency,
    )
