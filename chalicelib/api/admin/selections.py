"""Tenant staff: product selections (assortments) of an organization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.catalog.selections import (
    Selection,
    SelectionFields,
    SelectionPatch,
    SelectionProduct,
    SelectionUnit,
)
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import OrganizationId
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services.catalog import selection_members, selections
else:
    selections = lazy_module("chalicelib.services.catalog.selections")
    selection_members = lazy_module("chalicelib.services.catalog.selection_members")

blueprint = Blueprint(__name__)
TAGS = ("selections",)
SELECTIONS = "/v1/admin/selections"
ITEM = SELECTIONS + "/{selection_id}"
PRODUCTS = ITEM + "/products"
PRODUCT = PRODUCTS + "/{product_id}"
UNIT = ITEM + "/units/{customer_id}/{unit_id}"


class SelectionQuery(ListQuery):
    organization_id: OrganizationId | None = None


@route(
    blueprint,
    SELECTIONS,
    "POST",
    permission=Permission.CATALOG_WRITE,
    summary="Create a product selection (include-only or exclude) of an organization",
    tags=TAGS,
    body=SelectionFields,
    response=Selection,
    status=201,
    idempotent=True,
)
def create_selection(request: RouteRequest) -> Selection:
    return selections.create_selection(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    SELECTIONS,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="List product selections, optionally of one organization",
    tags=TAGS,
    query=SelectionQuery,
    response=Listing[Selection],
)
def list_selections(request: RouteRequest) -> Listing[Selection]:
    return selections.list_selections(request.caller, request.page(), request.query.organization_id)


@route(
    blueprint,
    ITEM,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="Get a product selection",
    tags=TAGS,
    response=Selection,
)
def get_selection(request: RouteRequest) -> Selection:
    return selections.get_selection(request.caller, request.params["selection_id"])


@route(
    blueprint,
    ITEM,
    "PATCH",
    permission=Permission.CATALOG_WRITE,
    summary="Change a product selection (send the version read, as If-Match or version)",
    tags=TAGS,
    body=SelectionPatch,
    response=Selection,
    versioned=True,
)
def update_selection(request: RouteRequest) -> Selection:
    return selections.update_selection(
        request.caller, request.params["selection_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ITEM,
    "DELETE",
    permission=Permission.CATALOG_WRITE,
    summary="Delete a product selection (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_selection(request: RouteRequest) -> None:
    selections.delete_selection(request.caller, request.params["selection_id"], request.expected_version())


@route(
    blueprint,
    PRODUCTS,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="List the products a selection names directly",
    tags=TAGS,
    query=ListQuery,
    response=Listing[SelectionProduct],
)
def list_selection_products(request: RouteRequest) -> Listing[SelectionProduct]:
    return selection_members.list_products(request.caller, request.params["selection_id"], request.page())


@route(
    blueprint,
    PRODUCT,
    "PUT",
    permission=Permission.CATALOG_WRITE,
    summary="Name a product of the selection's organization in the selection",
    tags=TAGS,
    response=SelectionProduct,
)
def add_selection_product(request: RouteRequest) -> SelectionProduct:
    params = request.params
    return selection_members.add_product(request.caller, params["selection_id"], params["product_id"])


@route(
    blueprint,
    PRODUCT,
    "DELETE",
    permission=Permission.CATALOG_WRITE,
    summary="Take a product out of the selection",
    tags=TAGS,
    status=204,
)
def remove_selection_product(request: RouteRequest) -> None:
    params = request.params
    selection_members.remove_product(request.caller, params["selection_id"], params["product_id"])


@route(
    blueprint,
    UNIT,
    "PUT",
    permission=Permission.CATALOG_WRITE,
    summary="Assign the selection to a customer unit (it applies there and below)",
    tags=TAGS,
    response=SelectionUnit,
)
def assign_selection_unit(request: RouteRequest) -> SelectionUnit:
    params = request.params
    return selection_members.assign_unit(
        request.caller, params["selection_id"], params["customer_id"], params["unit_id"]
    )


@route(
    blueprint,
    UNIT,
    "DELETE",
    permission=Permission.CATALOG_WRITE,
    summary="Take the selection's assignment from a customer unit",
    tags=TAGS,
    status=204,
)
def unassign_selection_unit(request: RouteRequest) -> None:
    params = request.params
    selection_members.unassign_unit(
        request.caller, params["selection_id"], params["customer_id"], params["unit_id"]
    )
