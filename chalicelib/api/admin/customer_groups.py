"""Tenant staff: customer groups, for pricing and catalog rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.customers import CustomerGroup, CustomerGroupFields, CustomerGroupPatch
from chalicelib.domain.permissions import Permission
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import customer_groups
else:
    customer_groups = lazy_module("chalicelib.services.customer_groups")

blueprint = Blueprint(__name__)
TAGS = ("customer-groups",)
GROUPS = "/v1/admin/customer-groups"
ITEM = GROUPS + "/{group_id}"


@route(
    blueprint,
    GROUPS,
    "POST",
    permission=Permission.CUSTOMER_GROUPS_WRITE,
    summary="Create a customer group",
    tags=TAGS,
    body=CustomerGroupFields,
    response=CustomerGroup,
    status=201,
    idempotent=True,
)
def create_customer_group(request: RouteRequest) -> CustomerGroup:
    return customer_groups.create_customer_group(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    GROUPS,
    "GET",
    permission=Permission.CUSTOMER_GROUPS_READ,
    summary="List customer groups",
    tags=TAGS,
    query=ListQuery,
    response=Listing[CustomerGroup],
)
def list_customer_groups(request: RouteRequest) -> Listing[CustomerGroup]:
    return customer_groups.list_customer_groups(request.caller, request.page())


@route(
    blueprint,
    ITEM,
    "GET",
    permission=Permission.CUSTOMER_GROUPS_READ,
    summary="Get a customer group",
    tags=TAGS,
    response=CustomerGroup,
)
def get_customer_group(request: RouteRequest) -> CustomerGroup:
    return customer_groups.get_customer_group(request.caller, request.params["group_id"])


@route(
    blueprint,
    ITEM,
    "PATCH",
    permission=Permission.CUSTOMER_GROUPS_WRITE,
    summary="Change a customer group (send the version read, as If-Match or version)",
    tags=TAGS,
    body=CustomerGroupPatch,
    response=CustomerGroup,
    versioned=True,
)
def update_customer_group(request: RouteRequest) -> CustomerGroup:
    return customer_groups.update_customer_group(
        request.caller, request.params["group_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ITEM,
    "DELETE",
    permission=Permission.CUSTOMER_GROUPS_WRITE,
    summary="Delete a customer group no unit belongs to (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_customer_group(request: RouteRequest) -> None:
    customer_groups.delete_customer_group(
        request.caller, request.params["group_id"], request.expected_version()
    )
