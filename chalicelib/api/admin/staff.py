"""Tenant staff: staff users, staff roles, and the signed-in staff user's own access."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.base import View
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import (
    StaffMe,
    StaffRoleCopy,
    StaffRoleFields,
    StaffRolePatch,
    StaffRoleView,
    StaffUser,
    StaffUserFields,
    StaffUserPatch,
)
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import staff
else:
    staff = lazy_module("chalicelib.services.staff")

blueprint = Blueprint(__name__)
TAGS = ("staff",)
USERS = "/v1/admin/staff-users"
USER = USERS + "/{staff_id}"
ROLES = "/v1/admin/roles"
ROLE = ROLES + "/{role_id}"


class StaffRoles(View):
    items: list[StaffRoleView]


@route(
    blueprint,
    "/v1/admin/me",
    "GET",
    permission=Permission.STAFF_SELF,
    summary="The signed-in staff user and every grant they hold, with its limits",
    tags=TAGS,
    response=StaffMe,
)
def get_staff_me(request: RouteRequest) -> StaffMe:
    return staff.me(request.caller)


@route(
    blueprint,
    USERS,
    "POST",
    permission=Permission.STAFF_USERS_WRITE,
    summary="Add a staff user with roles the caller holds as far as they reach (no escalation)",
    tags=TAGS,
    body=StaffUserFields,
    response=StaffUser,
    status=201,
    idempotent=True,
)
def create_staff_user(request: RouteRequest) -> StaffUser:
    return staff.create_staff_user(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    USERS,
    "GET",
    permission=Permission.STAFF_USERS_READ,
    summary="List the tenant's staff users, by email",
    tags=TAGS,
    query=ListQuery,
    response=Listing[StaffUser],
)
def list_staff_users(request: RouteRequest) -> Listing[StaffUser]:
    return staff.list_staff_users(request.caller, request.page())


@route(
    blueprint,
    USER,
    "GET",
    permission=Permission.STAFF_USERS_READ,
    summary="Get a staff user",
    tags=TAGS,
    response=StaffUser,
)
def get_staff_user(request: RouteRequest) -> StaffUser:
    return staff.get_staff_user(request.caller, request.params["staff_id"])


@route(
    blueprint,
    USER,
    "PATCH",
    permission=Permission.STAFF_USERS_WRITE,
    summary="Rename, disable or change the roles of a staff user (never one's own access; If-Match)",
    tags=TAGS,
    body=StaffUserPatch,
    response=StaffUser,
    versioned=True,
)
def update_staff_user(request: RouteRequest) -> StaffUser:
    return staff.update_staff_user(
        request.caller, request.params["staff_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    USER,
    "DELETE",
    permission=Permission.STAFF_USERS_WRITE,
    summary="Delete a staff user no unit names as sales representative (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_staff_user(request: RouteRequest) -> None:
    staff.delete_staff_user(request.caller, request.params["staff_id"], request.expected_version())


@route(
    blueprint,
    ROLES,
    "GET",
    permission=Permission.STAFF_ROLES_READ,
    summary="Staff roles: the predefined ones and the tenant's own",
    tags=TAGS,
    response=StaffRoles,
)
def list_staff_roles(request: RouteRequest) -> StaffRoles:
    return StaffRoles(items=staff.list_roles(request.caller))


@route(
    blueprint,
    ROLES,
    "POST",
    permission=Permission.STAFF_ROLES_WRITE,
    summary="Create a staff role carrying only permissions the caller holds without limits",
    tags=TAGS,
    body=StaffRoleFields,
    response=StaffRoleView,
    status=201,
    idempotent=True,
)
def create_staff_role(request: RouteRequest) -> StaffRoleView:
    return staff.create_role(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    ROLE,
    "GET",
    permission=Permission.STAFF_ROLES_READ,
    summary="Get a staff role",
    tags=TAGS,
    response=StaffRoleView,
)
def get_staff_role(request: RouteRequest) -> StaffRoleView:
    return staff.get_role(request.caller, request.params["role_id"])


@route(
    blueprint,
    ROLE + "/copies",
    "POST",
    permission=Permission.STAFF_ROLES_WRITE,
    summary="Copy a staff role (predefined ones too) into a new role of the tenant's own",
    tags=TAGS,
    body=StaffRoleCopy,
    response=StaffRoleView,
    status=201,
)
def copy_staff_role(request: RouteRequest) -> StaffRoleView:
    return staff.copy_role(request.caller, request.params["role_id"], request.body)


@route(
    blueprint,
    ROLE,
    "PATCH",
    permission=Permission.STAFF_ROLES_WRITE,
    summary="Change a role of the tenant's own (predefined ones cannot change; If-Match)",
    tags=TAGS,
    body=StaffRolePatch,
    response=StaffRoleView,
    versioned=True,
)
def update_staff_role(request: RouteRequest) -> StaffRoleView:
    return staff.update_role(
        request.caller, request.params["role_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ROLE,
    "DELETE",
    permission=Permission.STAFF_ROLES_WRITE,
    summary="Delete a role of the tenant's own that nobody holds (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_staff_role(request: RouteRequest) -> None:
    staff.delete_role(request.caller, request.params["role_id"], request.expected_version())
