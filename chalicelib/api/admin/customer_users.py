"""Tenant staff: the users of a customer company (invitations, home units, role assignments)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.customer_users import CustomerUser, CustomerUserFields, CustomerUserPatch
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import BY_CUSTOMER
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import customer_users
else:
    customer_users = lazy_module("chalicelib.services.customer_users")

blueprint = Blueprint(__name__)
TAGS = ("customer users",)
USERS = "/v1/admin/customers/{customer_id}/users"
USER = USERS + "/{user_id}"


@route(
    blueprint,
    USERS,
    "POST",
    permission=Permission.CUSTOMERS_WRITE,
    target=BY_CUSTOMER,
    summary="Invite a user: they become active when they first sign in with that email",
    tags=TAGS,
    body=CustomerUserFields,
    response=CustomerUser,
    status=201,
    idempotent=True,
)
def invite_customer_user(request: RouteRequest) -> CustomerUser:
    return customer_users.invite_user(
        request.caller, request.params["customer_id"], request.body, request.idempotency
    )


@route(
    blueprint,
    USERS,
    "GET",
    permission=Permission.CUSTOMERS_READ,
    target=BY_CUSTOMER,
    summary="List a customer's users, by home unit",
    tags=TAGS,
    query=ListQuery,
    response=Listing[CustomerUser],
)
def list_customer_users(request: RouteRequest) -> Listing[CustomerUser]:
    return customer_users.list_users(request.caller, request.params["customer_id"], request.page())


@route(
    blueprint,
    USER,
    "GET",
    permission=Permission.CUSTOMERS_READ,
    target=BY_CUSTOMER,
    summary="Get a customer user",
    tags=TAGS,
    response=CustomerUser,
)
def get_customer_user(request: RouteRequest) -> CustomerUser:
    return customer_users.get_user(request.caller, request.params["customer_id"], request.params["user_id"])


@route(
    blueprint,
    USER,
    "PATCH",
    permission=Permission.CUSTOMERS_WRITE,
    target=BY_CUSTOMER,
    summary="Change a customer user: name, home unit, role assignments, disabled (If-Match or version)",
    tags=TAGS,
    body=CustomerUserPatch,
    response=CustomerUser,
    versioned=True,
)
def update_customer_user(request: RouteRequest) -> CustomerUser:
    return customer_users.update_user(
        request.caller,
        request.params["customer_id"],
        request.params["user_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    USER,
    "DELETE",
    permission=Permission.CUSTOMERS_WRITE,
    target=BY_CUSTOMER,
    summary="Delete a customer user (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_customer_user(request: RouteRequest) -> None:
    customer_users.delete_user(
        request.caller, request.params["customer_id"], request.params["user_id"], request.expected_version()
    )
