"""Ordering on behalf: a sales representative's checkouts for a buyer of an assigned customer, under
``/v1/admin`` (``orders.place_on_behalf``, bound to the customers the grant reaches). Each works as the
storefront's route does for the buyer (same bodies, answers and checks, the shop named by
``X-Kontor-Host``), and what it writes names both the representative and the buyer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.api.storefront.catalog import SHOP, shop_host
from chalicelib.api.storefront.checkout import CREATE_SUMMARY, GET_SUMMARY, PATCH_SUMMARY, PLACE_SUMMARY
from chalicelib.domain.orders.checkout import CheckoutCreate, CheckoutPatch, CheckoutView, PlaceOrder
from chalicelib.domain.orders.orders import OrderDetail
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import BY_CUSTOMER
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.orders import on_behalf
else:
    on_behalf = lazy_module("chalicelib.services.orders.on_behalf")

blueprint = Blueprint(__name__)
TAGS = ("admin",)
CHECKOUT = "/v1/admin/checkouts/{checkout_id}"
ON_BEHALF = Permission.ORDERS_PLACE_ON_BEHALF
AS_BUYER = " On behalf of the buyer: as their own session would, with both identities recorded."


@route(
    blueprint,
    "/v1/admin/customers/{customer_id}/users/{user_id}/checkouts",
    "POST",
    permission=ON_BEHALF,
    summary=CREATE_SUMMARY.removesuffix(SHOP) + AS_BUYER + SHOP,
    tags=TAGS,
    body=CheckoutCreate,
    response=CheckoutView,
    status=201,
    idempotent=True,
    target=BY_CUSTOMER,
    created_under="/v1/admin/checkouts",
    shop=True,
)
def create_checkout_on_behalf(request: RouteRequest) -> CheckoutView:
    return on_behalf.create_checkout(
        request.caller,
        request.params["customer_id"],
        request.params["user_id"],
        shop_host(request),
        request.body,
        request.idempotency,
    )


@route(
    blueprint,
    CHECKOUT,
    "GET",
    permission=ON_BEHALF,
    summary=GET_SUMMARY.removesuffix(SHOP) + AS_BUYER + SHOP,
    tags=TAGS,
    response=CheckoutView,
    shop=True,
)
def get_checkout_on_behalf(request: RouteRequest) -> CheckoutView:
    return on_behalf.get_checkout(request.caller, shop_host(request), request.params["checkout_id"])


@route(
    blueprint,
    CHECKOUT,
    "PATCH",
    permission=ON_BEHALF,
    summary=PATCH_SUMMARY.removesuffix(SHOP) + AS_BUYER + SHOP,
    tags=TAGS,
    body=CheckoutPatch,
    response=CheckoutView,
    versioned=True,
    shop=True,
)
def update_checkout_on_behalf(request: RouteRequest) -> CheckoutView:
    return on_behalf.update_checkout(
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
    permission=ON_BEHALF,
    summary=PLACE_SUMMARY.removesuffix(SHOP) + AS_BUYER + SHOP,
    tags=TAGS,
    body=PlaceOrder,
    response=OrderDetail,
    status=201,
    idempotent=True,
    versioned=True,
    created_under="/v1/admin/orders",
    shop=True,
)
def place_order_on_behalf(request: RouteRequest) -> OrderDetail:
    return on_behalf.place_order(
        request.caller,
        shop_host(request),
        request.params["checkout_id"],
        request.body,
        request.expected_version(),
        request.idempotency,
    )
