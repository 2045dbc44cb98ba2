"""Tenant staff: products of an organization (its Catalog Managers' reach), with variant families."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.catalog.products import Product, ProductDetail, ProductFields, ProductPatch
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import OrganizationId
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services.catalog import products
else:
    products = lazy_module("chalicelib.services.catalog.products")

blueprint = Blueprint(__name__)
TAGS = ("products",)
PRODUCTS = "/v1/admin/products"
ITEM = PRODUCTS + "/{product_id}"


class ProductQuery(ListQuery):
    organization_id: OrganizationId | None = None


@route(
    blueprint,
    PRODUCTS,
    "POST",
    permission=Permission.CATALOG_WRITE,
    summary="Create a product in an organization (a variant names its configurable parent)",
    tags=TAGS,
    body=ProductFields,
    response=Product,
    status=201,
    idempotent=True,
)
def create_product(request: RouteRequest) -> Product:
    return products.create_product(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    PRODUCTS,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="List products, optionally of one organization",
    tags=TAGS,
    query=ProductQuery,
    response=Listing[Product],
)
def list_products(request: RouteRequest) -> Listing[Product]:
    return products.list_products(request.caller, request.page(), request.query.organization_id)


@route(
    blueprint,
    ITEM,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="Get a product; a configurable one lists its variants",
    tags=TAGS,
    response=ProductDetail,
)
def get_product(request: RouteRequest) -> ProductDetail:
    return products.get_product(request.caller, request.params["product_id"])


@route(
    blueprint,
    ITEM,
    "PATCH",
    permission=Permission.CATALOG_WRITE,
    summary="Change a product (send the version read, as If-Match or version)",
    tags=TAGS,
    body=ProductPatch,
    response=Product,
    versioned=True,
)
def update_product(request: RouteRequest) -> Product:
    return products.update_product(
        request.caller, request.params["product_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ITEM,
    "DELETE",
    permission=Permission.CATALOG_WRITE,
    summary="Delete a product (a configurable one without variants; If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_product(request: RouteRequest) -> None:
    products.delete_product(request.caller, request.params["product_id"], request.expected_version())
