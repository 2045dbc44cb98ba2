"""The storefront catalog: customer users with ``catalog.view`` under ``/v1/store/catalog``, guests of
a website that allows guest browsing under ``/v1/public/catalog``; the same routes for both.

Every request names its shop: the ``X-Kontor-Host`` header holds the hostname the shop is served at
(a verified hostname of one of the tenant's websites), else the request's ``Host`` is taken. Texts come
in the locale ``Accept-Language`` picks among the website's locales (``domain/catalog/storefront.py``
says the rule); the answer says which one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.parameters import PATH_PARAMETERS
from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.base import CurrencyCode, Input
from chalicelib.domain.catalog.storefront import (
    MAX_SEARCH_RESULTS,
    SearchResult,
    SkuLookup,
    SkuLookupResult,
    StoreCategoryTree,
    StoreProduct,
    StoreProductSummary,
)
from chalicelib.domain.catalog.text import MIN_TOKEN_LENGTH
from chalicelib.domain.permissions import Permission
from chalicelib.platform.errors import NotFound, Unprocessable
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services.catalog import storefront
else:
    storefront = lazy_module("chalicelib.services.catalog.storefront")

blueprint = Blueprint(__name__)
HOST_HEADER = "x-kontor-host"
SHOP = " The shop is the website serving the `X-Kontor-Host` header's hostname (else `Host`)."


PriceCurrency = Annotated[
    CurrencyCode | None,
    Field(description="the currency of the prices: one of the website's (default: its default)"),
]


class PriceQuery(Input):
    currency: PriceCurrency = None


class PricedListQuery(ListQuery):
    currency: PriceCurrency = None


class CategoryProductsQuery(PricedListQuery):
    sort: str = Field(
        default="name",
        pattern="^(?:name|sku|newest)$",
        description="name (in the organization's default locale), sku, or newest first",
    )
    filter: str | None = Field(
        default=None,
        max_length=500,
        pattern=r"^[a-z][a-z0-9_]{0,39}:[^,:]{1,100}(?:,[a-z][a-z0-9_]{0,39}:[^,:]{1,100}){0,11}$",
        description="attribute values, `code:value|value,code:value`: a product matches every code "
        "with one of its values",
    )


class SearchQuery(PriceQuery):
    # Optional in the model so that a caller without the route's permission is told 403 before 422.
    q: str | None = Field(
        default=None,
        min_length=MIN_TOKEN_LENGTH,
        max_length=100,
        description="a word or SKU prefix (required)",
    )


def shop_host(request: RouteRequest) -> str:
    """The hostname the request shops at (404 if it cannot be one)."""
    named = request.headers.get(HOST_HEADER) or request.headers.get("host") or ""
    hostname = named.strip().rsplit(":", 1)[0] if ":" in named and "]" not in named else named.strip()
    if not PATH_PARAMETERS["hostname"].admits(hostname):
        raise NotFound("no website serves this host")
    return hostname.lower()


def _routes(prefix: str, permission: Permission | CustomerPermission, audience: str) -> None:
    """The catalog's routes under ``prefix`` for one audience (``store``: customer users, ``public``)."""
    tags = (audience,)

    def named(handler: Callable[[RouteRequest], Any], name: str) -> Callable[[RouteRequest], Any]:
        handler.__name__ = handler.__qualname__ = f"{audience}_{name}"  # Chalice wants distinct names
        return handler

    def tree(request: RouteRequest) -> StoreCategoryTree:
        return storefront.category_tree(
            request.caller, shop_host(request), request.headers.get("accept-language")
        )

    route(
        blueprint,
        f"{prefix}/categories",
        "GET",
        permission=permission,
        shop=True,
        summary="The categories the caller sees: visible, admitted by their selections, under a shown "
        "parent, and holding at least one enabled product of the organization in their subtree. The "
        "products counted are those placed in a category (primary or other; a variant is placed by its "
        "parent) whatever rules hide them: a product hidden from the caller by its own rule, or left out "
        "by an include selection, still counts, so its category can show and list empty pages for this "
        "caller. A first product shows its category at once, the last one leaving hides it at once." + SHOP,
        tags=tags,
        response=StoreCategoryTree,
    )(named(tree, "category_tree"))

    def products(request: RouteRequest) -> Listing[StoreProductSummary]:
        query: CategoryProductsQuery = request.query
        return storefront.category_products(
            request.caller,
            shop_host(request),
            request.headers.get("accept-language"),
            request.params["category_id"],
            request.page(),
            query.sort,
            query.filter,
            query.currency,
        )

    route(
        blueprint,
        f"{prefix}/categories/{{category_id}}/products",
        "GET",
        permission=permission,
        shop=True,
        summary="A category's products the caller sees. Products hidden from the caller are left out of "
        "the page read, so a page may hold fewer items than `limit` (even none) while `next_cursor` "
        "still leads on; follow it until it is null." + SHOP,
        tags=tags,
        query=CategoryProductsQuery,
        response=Listing[StoreProductSummary],
    )(named(products, "category_products"))

    def product(request: RouteRequest) -> StoreProduct:
        query: PriceQuery = request.query
        return storefront.product_detail(
            request.caller,
            shop_host(request),
            request.headers.get("accept-language"),
            request.params["product_id"],
            query.currency,
        )

    route(
        blueprint,
        f"{prefix}/products/{{product_id}}",
        "GET",
        permission=permission,
        shop=True,
        summary="A product the caller sees, with its units, media links (valid minutes) and the variants "
        "they see; 404 for a product they do not see." + SHOP,
        tags=tags,
        query=PriceQuery,
        response=StoreProduct,
    )(named(product, "product"))

    def skus(request: RouteRequest) -> SkuLookupResult:
        body: SkuLookup = request.body
        query: PriceQuery = request.query
        return storefront.lookup_skus(
            request.caller,
            shop_host(request),
            request.headers.get("accept-language"),
            body.skus,
            query.currency,
        )

    route(
        blueprint,
        f"{prefix}/sku-lookup",
        "POST",
        permission=permission,
        shop=True,
        summary="Quick order: the products of up to 100 SKUs the caller sees; the other SKUs are listed "
        "as not found." + SHOP,
        tags=tags,
        query=PriceQuery,
        body=SkuLookup,
        response=SkuLookupResult,
    )(named(skus, "sku_lookup"))

    def search(request: RouteRequest) -> SearchResult:
        query: SearchQuery = request.query
        if query.q is None:
            raise Unprocessable.field("query.q", "Field required", "missing")
        return storefront.search(
            request.caller,
            shop_host(request),
            request.headers.get("accept-language"),
            query.q,
            query.currency,
        )

    route(
        blueprint,
        f"{prefix}/search",
        "GET",
        permission=permission,
        shop=True,
        summary=f"Products the caller sees whose SKU starts with `q`, or whose name in the caller's locale "
        f"has words starting with each word of `q` (accents and case ignored; at most "
        f"{MAX_SEARCH_RESULTS}, by name)." + SHOP,
        tags=tags,
        query=SearchQuery,
        response=SearchResult,
    )(named(search, "search"))


_routes("/v1/store/catalog", CustomerPermission.CATALOG_VIEW, "store")
_routes("/v1/public/catalog", Permission.PUBLIC, "public")
