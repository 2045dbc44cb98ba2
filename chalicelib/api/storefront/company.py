"""Storefront: the signed-in customer user and their company, within what their roles reach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.base import View
from chalicelib.domain.customer_users import (
    CustomerRole,
    CustomerRoleFields,
    CustomerRolePatch,
    CustomerUser,
    CustomerUserFields,
    CustomerUserPatch,
    Me,
    RoleCopyFields,
    RoleView,
)
from chalicelib.domain.customers import (
    CompanyUnitFields,
    CompanyUnitPatch,
    Unit,
    UnitAddresses,
    UnitAddressesFields,
    UnitTree,
)
from chalicelib.domain.permissions import Permission
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import company_admin, customer_users
else:
    company_admin = lazy_module("chalicelib.services.company_admin")
    customer_users = lazy_module("chalicelib.services.customer_users")

blueprint = Blueprint(__name__)
TAGS = ("store",)
COMPANY = "/v1/store/company"
UNITS = COMPANY + "/units"
UNIT = UNITS + "/{unit_id}"
USERS = COMPANY + "/users"
USER = USERS + "/{user_id}"
ROLES = COMPANY + "/roles"
ROLE = ROLES + "/{role_id}"


@route(
    blueprint,
    "/v1/store/me",
    "GET",
    permission=Permission.CUSTOMER_SELF,
    summary="The signed-in user, their company path and effective permissions with scopes",
    tags=TAGS,
    response=Me,
)
def get_me(request: RouteRequest) -> Me:
    return customer_users.me(request.caller)


@route(
    blueprint,
    USERS,
    "GET",
    permission=CustomerPermission.USERS_VIEW,
    summary="Users of the caller's company that their users.view grants reach",
    tags=TAGS,
    query=ListQuery,
    response=Listing[CustomerUser],
)
def list_company_users(request: RouteRequest) -> Listing[CustomerUser]:
    return customer_users.list_company_users(request.caller, request.page())


class Roles(View):
    items: list[RoleView]


@route(
    blueprint,
    ROLES,
    "GET",
    permission=CustomerPermission.ROLES_VIEW,
    summary="Roles the caller's company may assign: the predefined ones and its own",
    tags=TAGS,
    response=Roles,
)
def list_company_roles(request: RouteRequest) -> Roles:
    return Roles(items=company_admin.list_roles(request.caller))


@route(
    blueprint,
    ROLES,
    "POST",
    permission=CustomerPermission.ROLES_MANAGE,
    summary="Create a company role (only with grants the caller holds: no escalation)",
    tags=TAGS,
    body=CustomerRoleFields,
    response=CustomerRole,
    status=201,
)
def create_company_role(request: RouteRequest) -> CustomerRole:
    return company_admin.create_role(request.caller, request.body)


@route(
    blueprint,
    UNITS,
    "POST",
    permission=CustomerPermission.UNITS_MANAGE,
    summary="Create a sub-unit under a unit the caller manages",
    tags=TAGS,
    body=CompanyUnitFields,
    response=Unit,
    status=201,
)
def create_company_unit(request: RouteRequest) -> Unit:
    return company_admin.create_unit(request.caller, request.body)


@route(
    blueprint,
    USERS,
    "POST",
    permission=CustomerPermission.USERS_MANAGE,
    summary="Invite a user at a unit the caller manages, with roles the caller could hold there",
    tags=TAGS,
    body=CustomerUserFields,
    response=CustomerUser,
    status=201,
)
def invite_company_user(request: RouteRequest) -> CustomerUser:
    return company_admin.invite_user(request.caller, request.body)


@route(
    blueprint,
    UNITS,
    "GET",
    permission=CustomerPermission.UNITS_VIEW,
    summary="The units the caller's units.view grants reach, with their depth, depth-first from the top",
    tags=TAGS,
    response=UnitTree,
)
def list_company_units(request: RouteRequest) -> UnitTree:
    return company_admin.list_units(request.caller)


@route(
    blueprint,
    UNIT,
    "GET",
    permission=CustomerPermission.UNITS_VIEW,
    summary="A unit the caller's units.view grants reach",
    tags=TAGS,
    response=Unit,
)
def get_company_unit(request: RouteRequest) -> Unit:
    return company_admin.get_unit(request.caller, request.params["unit_id"])


@route(
    blueprint,
    UNIT,
    "PATCH",
    permission=CustomerPermission.UNITS_MANAGE,
    summary="Rename a unit the caller manages, or move it under another one they manage (send the version)",
    tags=TAGS,
    body=CompanyUnitPatch,
    response=Unit,
    versioned=True,
)
def update_company_unit(request: RouteRequest) -> Unit:
    return company_admin.update_unit(
        request.caller, request.params["unit_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    UNIT,
    "DELETE",
    permission=CustomerPermission.UNITS_MANAGE,
    summary="Delete a unit the caller manages, without sub-units or users (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_company_unit(request: RouteRequest) -> None:
    company_admin.delete_unit(request.caller, request.params["unit_id"], request.expected_version())


@route(
    blueprint,
    UNIT + "/addresses",
    "GET",
    permission=CustomerPermission.ADDRESSES_VIEW,
    summary="A unit's own addresses and, per kind, those that apply to it with the unit they come from",
    tags=TAGS,
    response=UnitAddresses,
)
def get_company_unit_addresses(request: RouteRequest) -> UnitAddresses:
    return company_admin.get_unit_addresses(request.caller, request.params["unit_id"])


@route(
    blueprint,
    UNIT + "/addresses",
    "PUT",
    permission=CustomerPermission.ADDRESSES_MANAGE,
    summary="Replace a unit's own addresses (send the unit's version, as If-Match or version)",
    tags=TAGS,
    body=UnitAddressesFields,
    response=UnitAddresses,
    versioned=True,
)
def replace_company_unit_addresses(request: RouteRequest) -> UnitAddresses:
    return company_admin.replace_unit_addresses(
        request.caller, request.params["unit_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    USER,
    "GET",
    permission=CustomerPermission.USERS_VIEW,
    summary="A user of the caller's company that their users.view grants reach",
    tags=TAGS,
    response=CustomerUser,
)
def get_company_user(request: RouteRequest) -> CustomerUser:
    return company_admin.get_user(request.caller, request.params["user_id"])


@route(
    blueprint,
    USER,
    "PATCH",
    permission=CustomerPermission.USERS_MANAGE,
    summary="Change a user the caller manages: name, home unit, assignments, disabled (send the version)",
    tags=TAGS,
    body=CustomerUserPatch,
    response=CustomerUser,
    versioned=True,
)
def update_company_user(request: RouteRequest) -> CustomerUser:
    return company_admin.update_user(
        request.caller, request.params["user_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    USER,
    "DELETE",
    permission=CustomerPermission.USERS_MANAGE,
    summary="Delete a user the caller manages, never themselves (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_company_user(request: RouteRequest) -> None:
    company_admin.delete_user(request.caller, request.params["user_id"], request.expected_version())


@route(
    blueprint,
    ROLE,
    "GET",
    permission=CustomerPermission.ROLES_VIEW,
    summary="A role the caller's company may assign (a company role carries its version)",
    tags=TAGS,
    response=RoleView,
)
def get_company_role(request: RouteRequest) -> RoleView:
    return company_admin.get_role(request.caller, request.params["role_id"])


@route(
    blueprint,
    ROLE,
    "PATCH",
    permission=CustomerPermission.ROLES_MANAGE,
    summary="Rename a company role or change its grants (no escalation; predefined roles: 409)",
    tags=TAGS,
    body=CustomerRolePatch,
    response=CustomerRole,
    versioned=True,
)
def update_company_role(request: RouteRequest) -> CustomerRole:
    return company_admin.update_role(
        request.caller, request.params["role_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ROLE,
    "DELETE",
    permission=CustomerPermission.ROLES_MANAGE,
    summary="Delete a company role nobody holds (If-Match required; predefined roles: 409)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_company_role(request: RouteRequest) -> None:
    company_admin.delete_role(request.caller, request.params["role_id"], request.expected_version())


@route(
    blueprint,
    ROLE + "/copies",
    "POST",
    permission=CustomerPermission.ROLES_MANAGE,
    summary="Copy a role (predefined or the company's own) into a new company role (no escalation)",
    tags=TAGS,
    body=RoleCopyFields,
    response=CustomerRole,
    status=201,
    created_under=ROLES,
)
def copy_company_role(request: RouteRequest) -> CustomerRole:
    return company_admin.copy_role(request.caller, request.params["role_id"], request.body)
