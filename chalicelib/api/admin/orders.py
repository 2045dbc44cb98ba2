"""Tenant staff: orders (``orders.read``) and their transitions (``orders.write``). A grant limited to
organizations reaches the orders placed on their websites; a sales representative's, his customers'
orders. What is out of reach is 404, as what does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.api.storefront.orders import OrderQuery
from chalicelib.domain.catalog.rules import CustomerId
from chalicelib.domain.orders.orders import Order
from chalicelib.domain.orders.reach import OrderAnswer, TransitionFields
from chalicelib.domain.permissions import Permission
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing

if TYPE_CHECKING:
    from chalicelib.services.orders import orders, transitions
else:
    orders = lazy_module("chalicelib.services.orders.orders")
    transitions = lazy_module("chalicelib.services.orders.transitions")

blueprint = Blueprint(__name__)
TAGS = ("orders",)
ORDERS = "/v1/admin/orders"
ORDER = ORDERS + "/{order_id}"


class StaffOrderQuery(OrderQuery):
    customer: CustomerId | None = None


@route(
    blueprint,
    ORDERS,
    "GET",
    permission=Permission.ORDERS_READ,
    summary="The orders the caller's grant reaches (every one, their organizations', or their assigned "
    "customers'), newest first; filters: status, customer, website, placed_from, placed_to, number.",
    tags=TAGS,
    query=StaffOrderQuery,
    response=Listing[Order],
)
def list_staff_orders(request: RouteRequest) -> Listing[Order]:
    query: StaffOrderQuery = request.query
    return orders.list_staff_orders(request.caller, request.page(), query.filters(query.customer))


@route(
    blueprint,
    ORDER,
    "GET",
    permission=Permission.ORDERS_READ,
    summary="An order with its lines and status history, and the transitions the caller may take now.",
    tags=TAGS,
    response=OrderAnswer,
)
def get_staff_order(request: RouteRequest) -> OrderAnswer:
    return orders.get_order(request.caller, request.params["order_id"])


@route(
    blueprint,
    ORDER + "/transitions",
    "POST",
    permission=Permission.ORDERS_WRITE,
    summary="Move an order through its workflow (confirm, hold, release, process, ship, complete, "
    "cancel) with a note: 409 names the statuses the transition leaves from, 422 an unknown one "
    "(If-Match required).",
    tags=TAGS,
    body=TransitionFields,
    response=OrderAnswer,
    versioned=True,
)
def transition_order(request: RouteRequest) -> OrderAnswer:
    body: TransitionFields = request.body
    return transitions.transition(
        request.caller, request.params["order_id"], body.transition, request.expected_version(), body.note
    )
