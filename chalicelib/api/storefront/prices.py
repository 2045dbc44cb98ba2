"""The buyer's prices of order lines: customer users with ``prices.view`` under ``/v1/store/prices``,
guests of a website that allows guest browsing under ``/v1/public/prices`` (the website's lists only).
The shop is named as the catalog's routes name it (``X-Kontor-Host``, else ``Host``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.api.storefront.catalog import SHOP, shop_host
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.resolve import MAX_LINES, PriceResolution, PriceResolveRequest
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.pricing import store_prices
else:
    store_prices = lazy_module("chalicelib.services.pricing.store_prices")

blueprint = Blueprint(__name__)
SUMMARY = (
    f"The caller's prices of up to {MAX_LINES} lines (SKU, unit, quantity), one result per line in "
    "order: the unit price, its tier (threshold and list) and the line total rounded with the tenant's "
    "rounding mode, or the line's error (unknown-sku for a SKU unknown or hidden from the caller, "
    "unit-not-offered, invalid-quantity, not-priced)." + SHOP
)


def _resolve(request: RouteRequest) -> PriceResolution:
    return store_prices.resolve_prices(
        request.caller, shop_host(request), request.headers.get("accept-language"), request.body
    )


def store_resolve(request: RouteRequest) -> PriceResolution:
    return _resolve(request)


def public_resolve(request: RouteRequest) -> PriceResolution:
    return _resolve(request)


for prefix, permission, handler in (
    ("/v1/store/prices", CustomerPermission.PRICES_VIEW, store_resolve),
    ("/v1/public/prices", Permission.PUBLIC, public_resolve),
):
    route(
        blueprint,
        f"{prefix}/resolve",
        "POST",
        permission=permission,
        shop=True,
        summary=SUMMARY,
        tags=(prefix.split("/")[2],),
        body=PriceResolveRequest,
        response=PriceResolution,
    )(handler)
