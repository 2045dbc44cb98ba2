"""Tenant staff: organizations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import BY_ORGANIZATION, NEW_ORGANIZATION
from chalicelib.domain.tenancy import Organization, OrganizationFields, OrganizationPatch
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import organizations
else:
    organizations = lazy_module("chalicelib.services.organizations")

blueprint = Blueprint(__name__)
TAGS = ("organizations",)
ITEM = "/v1/admin/organizations/{organization_id}"


@route(
    blueprint,
    "/v1/admin/organizations",
    "POST",
    permission=Permission.ORGANIZATIONS_WRITE,
    target=NEW_ORGANIZATION,
    summary="Create an organization",
    tags=TAGS,
    body=OrganizationFields,
    response=Organization,
    status=201,
    idempotent=True,
)
def create_organization(request: RouteRequest) -> Organization:
    return organizations.create_organization(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    "/v1/admin/organizations",
    "GET",
    permission=Permission.ORGANIZATIONS_READ,
    summary="List organizations",
    tags=TAGS,
    query=ListQuery,
    response=Listing[Organization],
)
def list_organizations(request: RouteRequest) -> Listing[Organization]:
    return organizations.list_organizations(request.caller, request.page())


@route(
    blueprint,
    ITEM,
    "GET",
    permission=Permission.ORGANIZATIONS_READ,
    target=BY_ORGANIZATION,
    summary="Get an organization",
    tags=TAGS,
    response=Organization,
)
def get_organization(request: RouteRequest) -> Organization:
    return organizations.get_organization(request.caller, request.params["organization_id"])


@route(
    blueprint,
    ITEM,
    "PATCH",
    permission=Permission.ORGANIZATIONS_WRITE,
    target=BY_ORGANIZATION,
    summary="Change an organization (send the version read, as If-Match or version)",
    tags=TAGS,
    body=OrganizationPatch,
    response=Organization,
    versioned=True,
)
def update_organization(request: RouteRequest) -> Organization:
    return organizations.update_organization(
        request.caller, request.params["organization_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ITEM,
    "DELETE",
    permission=Permission.ORGANIZATIONS_WRITE,
    target=NEW_ORGANIZATION,
    summary="Delete an organization without websites or categories (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_organization(request: RouteRequest) -> None:
    organizations.delete_organization(
        request.caller, request.params["organization_id"], request.expected_version()
    )
