"""Storefront: the signed-in customer user and their company, within what their roles reach."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.customer_users import CustomerUser, Me
from chalicelib.domain.permissions import Permission
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import customer_users
else:
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
