"""The checkout routes, mapped to their services in one place and served twice: by the buyer on the
storefront (``api.storefront.checkout``) and by a sales representative on the buyer's behalf
(``api.admin.on_behalf``). Both sides have the same bodies, answers and checks, on the shop named by
``X-Kontor-Host``; a side says where its routes lie, the permission they need and whom they act for
(:class:`CheckoutRoutes`), and :func:`serve` registers the four routes on its blueprint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.api.storefront.catalog import SHOP, shop_host
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.base import ExpectedVersion
from chalicelib.domain.orders.checkout import CheckoutCreate, CheckoutPatch, CheckoutView, PlaceOrder
from chalicelib.domain.orders.orders import OrderDetail
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import PathTarget
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.orders import checkout, placing
    from chalicelib.services.orders.checkout import Who
else:
    checkout = lazy_module("chalicelib.services.orders.checkout")
    placing = lazy_module("chalicelib.services.orders.placing")

CREATE_SUMMARY = (
    "Start a checkout from a shopping list the caller sees (all its lines) or from quick-order lines "
    "(SKU, unit, quantity), in the website's currency or the one named."
)
GET_SUMMARY = (
    "A checkout with its lines priced now (hidden, discontinued, deleted, not_priced flags), the "
    "shipping options for it, the payment term, the steps missing, the totals (subtotal, discounts, "
    "shipping, tax by rate, grand total) and what changed since the review."
)
PATCH_SUMMARY = (
    "Complete steps at the checkout's version (If-Match): billing and shipping address (an address id "
    "of the company's book applying to the buyer's unit, or a new address with addresses.manage), "
    "shipping method, payment (with the purchase order number the term may need), notes, requested "
    "delivery date; `reviewed: true` records the prices and total confirmed."
)
PLACE_SUMMARY = (
    "Place the reviewed checkout as an order at its version (If-Match) with the grand total the buyer "
    "saw: prices, availability and totals are worked out again, and any change is 409 listing each "
    "changed line. One transaction; answers the order."
)


@dataclass(frozen=True)
class CheckoutRoutes:
    """Where a side serves the checkout routes, what they need, and whom they act for."""

    tags: tuple[str, ...]
    permission: Permission | CustomerPermission
    checkouts: str  # POST: a new checkout
    checkout: str  # one checkout ({checkout_id}): GET, PATCH, and POST .../order
    orders: str  # where a placed order lives
    new_buyer: Callable[[RouteRequest], Who]  # whom a new checkout is for
    buyer: Callable[[RouteRequest], Who]  # whom a checkout named by the path is for
    note: str = ""  # said after each summary (before the shop's note)
    name_suffix: str = ""  # of the handlers' names: the operation ids stay unique
    create_target: PathTarget | None = None  # where a staff grant must reach to start one
    checkouts_under: str | None = None  # where a new checkout lives, if not under ``checkouts``


def serve(blueprint: Blueprint, side: CheckoutRoutes) -> None:
    """Register the four checkout routes of ``side`` on ``blueprint``."""

    def create_checkout(request: RouteRequest) -> CheckoutView:
        return checkout.create_checkout(
            side.new_buyer(request), shop_host(request), request.body, request.idempotency
        )

    def get_checkout(request: RouteRequest) -> CheckoutView:
        return checkout.get_checkout(side.buyer(request), shop_host(request), request.params["checkout_id"])

    def at_version(request: RouteRequest) -> tuple[Who, str, str, Any, ExpectedVersion]:
        """A change of the checkout the path names: whom for, where, which, the body, the version read."""
        return (
            side.buyer(request),
            shop_host(request),
            request.params["checkout_id"],
            request.body,
            request.expected_version(),
        )

    def update_checkout(request: RouteRequest) -> CheckoutView:
        return checkout.update_checkout(*at_version(request))

    def place_order(request: RouteRequest) -> OrderDetail:
        return placing.place_order(*at_version(request), request.idempotency)

    def register(
        handler: Callable[[RouteRequest], Any], path: str, method: str, summary: str, **spec: Any
    ) -> None:
        handler.__name__ = handler.__qualname__ = handler.__name__ + side.name_suffix
        route(
            blueprint,
            path,
            method,
            permission=side.permission,
            summary=summary + side.note + SHOP,
            tags=side.tags,
            shop=True,
            **spec,
        )(handler)

    register(
        create_checkout,
        side.checkouts,
        "POST",
        CREATE_SUMMARY,
        body=CheckoutCreate,
        response=CheckoutView,
        status=201,
        idempotent=True,
        target=side.create_target,
        created_under=side.checkouts_under,
    )
    register(get_checkout, side.checkout, "GET", GET_SUMMARY, response=CheckoutView)
    register(
        update_checkout,
        side.checkout,
        "PATCH",
        PATCH_SUMMARY,
        body=CheckoutPatch,
        response=CheckoutView,
        versioned=True,
    )
    register(
        place_order,
        side.checkout + "/order",
        "POST",
        PLACE_SUMMARY,
        body=PlaceOrder,
        response=OrderDetail,
        status=201,
        idempotent=True,
        versioned=True,
        created_under=side.orders,
    )
