"""Storefront: the orders of the caller's company they may see (own, unit or subtree, as their roles
say), one order with its lines and history, cancelling one, and reordering one into a shopping list
or a new checkout.

An order is not bound to the shop the request names: a buyer sees their orders from every website of
the seller (the ``website`` filter narrows the list). Reordering is: its lines go into a list or a
checkout on the shop's website, read through that website's catalog. The two targets are two routes,
as each needs its own permission (``shopping_lists.manage``, ``checkout.place_order``) and answers its
own resource (a checkout is created: 201 with its Location).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from chalice import Blueprint
from pydantic import AwareDatetime, Field, StringConstraints

from chalicelib.api.routing import RouteRequest, route
from chalicelib.api.storefront.catalog import SHOP, shop_host
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.base import CurrencyCode, Input, Name
from chalicelib.domain.catalog.rules import WebsiteId
from chalicelib.domain.orders.orders import Order
from chalicelib.domain.orders.reach import (
    CancelFields,
    OrderAnswer,
    OrderFilters,
    ReorderCheckout,
    ReorderResult,
)
from chalicelib.domain.orders.workflow import StatusName
from chalicelib.domain.shopping_lists import ShoppingListId
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services.orders import orders, transitions
else:
    orders = lazy_module("chalicelib.services.orders.orders")
    transitions = lazy_module("chalicelib.services.orders.transitions")

blueprint = Blueprint(__name__)
TAGS = ("store",)
ORDERS = "/v1/store/orders"
ORDER = ORDERS + "/{order_id}"
VIEW = CustomerPermission.ORDERS_VIEW
QueryTime = Annotated[AwareDatetime, Field(strict=False, description="RFC 3339, with its offset")]
OrderNumber = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9-]+$")]


class OrderQuery(ListQuery):
    """Filters of an order list; ``placed_from`` and ``placed_to`` are both included."""

    status: StatusName | None = None
    website: WebsiteId | None = None
    placed_from: QueryTime | None = None
    placed_to: QueryTime | None = None
    number: OrderNumber | None = Field(default=None, description="the order number as written (SO-000042)")

    def filters(self, customer_id: str | None = None) -> OrderFilters:
        return OrderFilters(
            status=self.status,
            website_id=self.website,
            placed_from=self.placed_from,
            placed_to=self.placed_to,
            number=self.number,
            customer_id=customer_id,
        )


class ReorderFields(Input):
    """Into an existing list the caller may change, or (without ``shopping_list_id``) a new one."""

    shopping_list_id: ShoppingListId | None = None
    name: Name | None = Field(default=None, description="the new list's name (default: Reorder of <number>)")


class ReorderCheckoutFields(Input):
    """The new checkout's currency: one of the website's (default: the order's where the website sells
    in it, else the website's own)."""

    currency: CurrencyCode | None = None


@route(
    blueprint,
    ORDERS,
    "GET",
    permission=VIEW,
    summary="The company's orders the caller may see (theirs, their unit's, or their unit's and "
    "below, as their roles say), newest first; filters: status, website, placed_from, placed_to, number.",
    tags=TAGS,
    query=OrderQuery,
    response=Listing[Order],
)
def list_store_orders(request: RouteRequest) -> Listing[Order]:
    query: OrderQuery = request.query
    return orders.list_store_orders(request.caller, request.page(), query.filters())


@route(
    blueprint,
    ORDER,
    "GET",
    permission=VIEW,
    summary="An order with its lines and status history, and the transitions the caller may take now.",
    tags=TAGS,
    response=OrderAnswer,
)
def get_store_order(request: RouteRequest) -> OrderAnswer:
    return orders.get_order(request.caller, request.params["order_id"])


@route(
    blueprint,
    ORDER + "/cancel",
    "POST",
    permission=VIEW,
    summary="Cancel an order while its status allows it (409 names the statuses that do): its buyer, "
    "or a user whose orders.manage reaches its unit (If-Match required).",
    tags=TAGS,
    body=CancelFields,
    response=OrderAnswer,
    versioned=True,
)
def cancel_order(request: RouteRequest) -> OrderAnswer:
    body: CancelFields = request.body
    return transitions.cancel(
        request.caller, request.params["order_id"], request.expected_version(), body.note
    )


@route(
    blueprint,
    ORDER + "/reorder",
    "POST",
    permission=CustomerPermission.SHOPPING_LISTS_MANAGE,
    summary="Put an order's lines into a shopping list on the shop's website (an existing one the caller "
    "may change, or a new one), through the list's own checks; answers the list and the lines that "
    "could not be added (hidden, gone, discontinued, their unit gone)." + SHOP,
    tags=TAGS,
    body=ReorderFields,
    response=ReorderResult,
    shop=True,
)
def reorder_order(request: RouteRequest) -> ReorderResult:
    body: ReorderFields = request.body
    return orders.reorder(
        request.caller, shop_host(request), request.params["order_id"], body.shopping_list_id, body.name
    )


@route(
    blueprint,
    ORDER + "/checkouts",
    "POST",
    permission=CustomerPermission.CHECKOUT,
    summary="Reorder into a new checkout on the shop's website: the order's lines (the caller must see "
    "the order) through the checkouts' own creation path; answers the checkout as GET does and the lines "
    "left out (hidden, gone, discontinued, no longer valid for their unit, not priced)." + SHOP,
    tags=TAGS,
    body=ReorderCheckoutFields,
    response=ReorderCheckout,
    status=201,
    shop=True,
    created_under="/v1/store/checkouts",
)
def reorder_order_into_checkout(request: RouteRequest) -> ReorderCheckout:
    body: ReorderCheckoutFields = request.body
    return orders.reorder_into_checkout(
        request.caller, shop_host(request), request.params["order_id"], body.currency
    )
