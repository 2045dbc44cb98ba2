"""Storefront: the buyer's checkouts on the shop's website, and placing one as an order.

A checkout is made from a shopping list or quick-order lines, completed step by step at its version
(addresses, shipping method, payment term, review), read with live prices and totals, and placed once:
``docs/orders-design.md`` has the design. The routes are ``api.checkout_routes``', served for the
caller as the buyer.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.checkout_routes import CheckoutRoutes, serve
from chalicelib.domain.access import CustomerPermission

blueprint = Blueprint(__name__)
CHECKOUTS = "/v1/store/checkouts"

serve(
    blueprint,
    CheckoutRoutes(
        tags=("store",),
        permission=CustomerPermission.CHECKOUT,
        checkouts=CHECKOUTS,
        checkout=CHECKOUTS + "/{checkout_id}",
        orders="/v1/store/orders",
        new_buyer=lambda request: request.caller,
        buyer=lambda request: request.caller,
    ),
)
