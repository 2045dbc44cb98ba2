"""Tenant staff: price lists of an organization and their prices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.catalog.products import ProductId
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.price_lists import (
    PriceChangeResult,
    PriceDeletion,
    PriceList,
    PriceListFields,
    PriceListPatch,
    PriceListReplacement,
    PriceUpsert,
    ProductPrices,
)
from chalicelib.domain.staff import OrganizationId
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services.pricing import price_lists, prices
else:
    price_lists = lazy_module("chalicelib.services.pricing.price_lists")
    prices = lazy_module("chalicelib.services.pricing.prices")

blueprint = Blueprint(__name__)
TAGS = ("price lists",)
PRICE_LISTS = "/v1/admin/price-lists"
ITEM = PRICE_LISTS + "/{price_list_id}"
PRICES = ITEM + "/prices"


class PricesQuery(ListQuery):
    product_id: ProductId | None = None


class PriceListQuery(ListQuery):
    organization_id: OrganizationId | None = None


@route(
    blueprint,
    PRICE_LISTS,
    "POST",
    permission=Permission.PRICES_WRITE,
    summary="Create a price list of an organization",
    tags=TAGS,
    body=PriceListFields,
    response=PriceList,
    status=201,
    idempotent=True,
)
def create_price_list(request: RouteRequest) -> PriceList:
    return price_lists.create_price_list(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    PRICE_LISTS,
    "GET",
    permission=Permission.PRICES_READ,
    summary="List price lists, optionally of one organization",
    tags=TAGS,
    query=PriceListQuery,
    response=Listing[PriceList],
)
def list_price_lists(request: RouteRequest) -> Listing[PriceList]:
    return price_lists.list_price_lists(request.caller, request.page(), request.query.organization_id)


@route(
    blueprint,
    ITEM,
    "GET",
    permission=Permission.PRICES_READ,
    summary="Get a price list",
    tags=TAGS,
    response=PriceList,
)
def get_price_list(request: RouteRequest) -> PriceList:
    return price_lists.get_price_list(request.caller, request.params["price_list_id"])


@route(
    blueprint,
    ITEM,
    "PATCH",
    permission=Permission.PRICES_WRITE,
    summary="Change a price list (send the version read, as If-Match or version)",
    tags=TAGS,
    body=PriceListPatch,
    response=PriceList,
    versioned=True,
)
def update_price_list(request: RouteRequest) -> PriceList:
    return price_lists.update_price_list(
        request.caller, request.params["price_list_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ITEM,
    "PUT",
    permission=Permission.PRICES_WRITE,
    summary="Replace a price list's fields and rules (send the version read, as If-Match)",
    tags=TAGS,
    body=PriceListReplacement,
    response=PriceList,
    versioned=True,
)
def replace_price_list(request: RouteRequest) -> PriceList:
    return price_lists.replace_price_list(
        request.caller, request.params["price_list_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ITEM,
    "DELETE",
    permission=Permission.PRICES_WRITE,
    summary="Delete a price list that prices nothing (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_price_list(request: RouteRequest) -> None:
    price_lists.delete_price_list(request.caller, request.params["price_list_id"], request.expected_version())


@route(
    blueprint,
    PRICES,
    "PUT",
    permission=Permission.PRICES_WRITE,
    summary="Add or change up to 1,000 price rows of the list (all checked before any is written)",
    tags=TAGS,
    body=PriceUpsert,
    response=PriceChangeResult,
)
def upsert_prices(request: RouteRequest) -> PriceChangeResult:
    return prices.upsert_prices(request.caller, request.params["price_list_id"], request.body)


@route(
    blueprint,
    PRICES + "/delete",
    "POST",
    permission=Permission.PRICES_WRITE,
    summary="Remove up to 1,000 price rows of the list (rows that are not there change nothing)",
    tags=TAGS,
    body=PriceDeletion,
    response=PriceChangeResult,
)
def delete_prices(request: RouteRequest) -> PriceChangeResult:
    return prices.delete_prices(request.caller, request.params["price_list_id"], request.body)


@route(
    blueprint,
    PRICES,
    "GET",
    permission=Permission.PRICES_READ,
    summary="The list's price rows, product by product (or one product's, with product_id)",
    tags=TAGS,
    query=PricesQuery,
    response=Listing[ProductPrices],
)
def list_prices(request: RouteRequest) -> Listing[ProductPrices]:
    return prices.list_prices(
        request.caller, request.params["price_list_id"], request.page(), request.query.product_id
    )
