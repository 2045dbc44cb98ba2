"""Tenant staff: an organization's category tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.catalog.categories import Category, CategoryFields, CategoryPatch, CategoryTree
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import BY_ORGANIZATION
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.catalog import categories
else:
    categories = lazy_module("chalicelib.services.catalog.categories")

blueprint = Blueprint(__name__)
TAGS = ("categories",)
CATEGORIES = "/v1/admin/organizations/{organization_id}/categories"
ITEM = CATEGORIES + "/{category_id}"


@route(
    blueprint,
    CATEGORIES,
    "POST",
    permission=Permission.CATALOG_WRITE,
    target=BY_ORGANIZATION,
    summary="Create a category (under parent_id, or a root category)",
    tags=TAGS,
    body=CategoryFields,
    response=Category,
    status=201,
    idempotent=True,
)
def create_category(request: RouteRequest) -> Category:
    return categories.create_category(
        request.caller, request.params["organization_id"], request.body, request.idempotency
    )


@route(
    blueprint,
    CATEGORIES,
    "GET",
    permission=Permission.CATALOG_READ,
    target=BY_ORGANIZATION,
    summary="The organization's category tree: parents before children, siblings by position",
    tags=TAGS,
    response=CategoryTree,
)
def get_category_tree(request: RouteRequest) -> CategoryTree:
    return categories.get_category_tree(request.caller, request.params["organization_id"])


@route(
    blueprint,
    ITEM,
    "GET",
    permission=Permission.CATALOG_READ,
    target=BY_ORGANIZATION,
    summary="Get a category",
    tags=TAGS,
    response=Category,
)
def get_category(request: RouteRequest) -> Category:
    return categories.get_category(
        request.caller, request.params["organization_id"], request.params["category_id"]
    )


@route(
    blueprint,
    ITEM,
    "PATCH",
    permission=Permission.CATALOG_WRITE,
    target=BY_ORGANIZATION,
    summary="Rename, re-slug, reposition or move a category (send the version read, as If-Match or version)",
    tags=TAGS,
    body=CategoryPatch,
    response=Category,
    versioned=True,
)
def update_category(request: RouteRequest) -> Category:
    return categories.update_category(
        request.caller,
        request.params["organization_id"],
        request.params["category_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    ITEM,
    "DELETE",
    permission=Permission.CATALOG_WRITE,
    target=BY_ORGANIZATION,
    summary="Delete a category without sub-categories, products or websites offering it (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_category(request: RouteRequest) -> None:
    categories.delete_category(
        request.caller,
        request.params["organization_id"],
        request.params["category_id"],
        request.expected_version(),
    )
