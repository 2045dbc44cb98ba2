"""Ordering on behalf: a sales representative's checkouts for a buyer of an assigned customer, under
``/v1/admin`` (``orders.place_on_behalf``, bound to the customers the grant reaches). The routes are
``api.checkout_routes``' (same bodies, answers and checks as the storefront's, the shop named by
``X-Kontor-Host``), served as the buyer named by the path or the buyer of the checkout it names; what
they write names both the representative and the buyer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.checkout_routes import CheckoutRoutes, serve
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import BY_CUSTOMER
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.orders import checkout
else:
    checkout = lazy_module("chalicelib.services.orders.checkout")

blueprint = Blueprint(__name__)
CHECKOUTS = "/v1/admin/checkouts"

serve(
    blueprint,
    CheckoutRoutes(
        tags=("admin",),
        permission=Permission.ORDERS_PLACE_ON_BEHALF,
        checkouts="/v1/admin/customers/{customer_id}/users/{user_id}/checkouts",
        checkout=CHECKOUTS + "/{checkout_id}",
        orders="/v1/admin/orders",
        new_buyer=lambda request: checkout.ActingFor(
            request.caller, request.params["customer_id"], request.params["user_id"]
        ),
        buyer=lambda request: checkout.ActingOn(request.caller, request.params["checkout_id"]),
        note=" On behalf of the buyer: as their own session would, with both identities recorded.",
        name_suffix="_on_behalf",
        create_target=BY_CUSTOMER,
        checkouts_under=CHECKOUTS,
    ),
)
