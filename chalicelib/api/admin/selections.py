"""Tenant staff: product selections (assortments) of an organization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.catalog.selections import Selection, SelectionFields, SelectionPatch
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import OrganizationId
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services.catalog import selections
else:
    selections = lazy_module("chalicelib.services.catalog.selections")

blueprint = Blueprint(__name__)
TAGS = ("selections",)
SELECTIONS = "/v1/admin/selections"
ITEM = SELECTIONS + "/{selection_id}"


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
