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
    CustomerUser,
    CustomerUserFields,
    Me,
    RoleView,
)
from chalicelib.domain.customers import Unit, UnitFields
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
    "/v1/store/company/users",
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
    "/v1/store/company/roles",
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
    "/v1/store/company/roles",
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
    "/v1/store/company/units",
    "POST",
    permission=CustomerPermission.UNITS_MANAGE,
    summary="Create a sub-unit under a unit the caller manages",
    tags=TAGS,
    body=UnitFields,
    response=Unit,
    status=201,
)
def create_company_unit(request: RouteRequest) -> Unit:
    return company_admin.create_unit(request.caller, request.body)


@route(
    blueprint,
    "/v1/store/company/users",
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
