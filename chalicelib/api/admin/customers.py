"""Tenant staff: customers (companies) and the units of their trees, with each unit's effective values."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.customers import (
    CustomerFields,
    CustomerPatch,
    EffectiveUnit,
    Unit,
    UnitFields,
    UnitPatch,
    UnitTree,
)
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import BY_CUSTOMER, NEW_CUSTOMER
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import customers
else:
    customers = lazy_module("chalicelib.services.customers")

blueprint = Blueprint(__name__)
TAGS = ("customers",)
CUSTOMERS = "/v1/admin/customers"
CUSTOMER = CUSTOMERS + "/{customer_id}"
UNITS = CUSTOMER + "/units"
UNIT = UNITS + "/{unit_id}"


@route(
    blueprint,
    CUSTOMERS,
    "POST",
    permission=Permission.CUSTOMERS_WRITE,
    target=NEW_CUSTOMER,
    summary="Create a customer: a company, the root unit of its tree",
    tags=TAGS,
    body=CustomerFields,
    response=Unit,
    status=201,
    idempotent=True,
)
def create_customer(request: RouteRequest) -> Unit:
    return customers.create_customer(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    CUSTOMERS,
    "GET",
    permission=Permission.CUSTOMERS_READ,
    summary="List customers (their companies)",
    tags=TAGS,
    query=ListQuery,
    response=Listing[Unit],
)
def list_customers(request: RouteRequest) -> Listing[Unit]:
    return customers.list_customers(request.caller, request.page())


@route(
    blueprint,
    CUSTOMER,
    "GET",
    permission=Permission.CUSTOMERS_READ,
    target=BY_CUSTOMER,
    summary="Get a customer's company",
    tags=TAGS,
    response=Unit,
)
def get_customer(request: RouteRequest) -> Unit:
    return customers.get_customer(request.caller, request.params["customer_id"])


@route(
    blueprint,
    CUSTOMER,
    "PATCH",
    permission=Permission.CUSTOMERS_WRITE,
    target=BY_CUSTOMER,
    summary="Change a customer's company (send the version read, as If-Match or version)",
    tags=TAGS,
    body=CustomerPatch,
    response=Unit,
    versioned=True,
)
def update_customer(request: RouteRequest) -> Unit:
    return customers.update_customer(
        request.caller, request.params["customer_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    CUSTOMER,
    "DELETE",
    permission=Permission.CUSTOMERS_WRITE,
    target=BY_CUSTOMER,
    summary="Delete a customer without sub-units (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_customer(request: RouteRequest) -> None:
    customers.delete_customer(request.caller, request.params["customer_id"], request.expected_version())


@route(
    blueprint,
    UNITS,
    "POST",
    permission=Permission.CUSTOMERS_WRITE,
    target=BY_CUSTOMER,
    summary="Create a unit under another unit of the customer",
    tags=TAGS,
    body=UnitFields,
    response=Unit,
    status=201,
    idempotent=True,
)
def create_unit(request: RouteRequest) -> Unit:
    return customers.create_unit(
        request.caller, request.params["customer_id"], request.body, request.idempotency
    )


@route(
    blueprint,
    UNITS,
    "GET",
    permission=Permission.CUSTOMERS_READ,
    target=BY_CUSTOMER,
    summary="The customer's whole tree: every unit with its depth, depth-first from the company",
    tags=TAGS,
    response=UnitTree,
)
def list_units(request: RouteRequest) -> UnitTree:
    return customers.list_units(request.caller, request.params["customer_id"])


@route(
    blueprint,
    UNIT,
    "GET",
    permission=Permission.CUSTOMERS_READ,
    target=BY_CUSTOMER,
    summary="Get a unit",
    tags=TAGS,
    response=Unit,
)
def get_unit(request: RouteRequest) -> Unit:
    return customers.get_unit(request.caller, request.params["customer_id"], request.params["unit_id"])


@route(
    blueprint,
    UNIT,
    "PATCH",
    permission=Permission.CUSTOMERS_WRITE,
    target=BY_CUSTOMER,
    summary="Change a unit; a new parent_id moves it with its subtree (send the version read)",
    tags=TAGS,
    body=UnitPatch,
    response=Unit,
    versioned=True,
)
def update_unit(request: RouteRequest) -> Unit:
    return customers.update_unit(
        request.caller,
        request.params["customer_id"],
        request.params["unit_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    UNIT,
    "DELETE",
    permission=Permission.CUSTOMERS_WRITE,
    target=BY_CUSTOMER,
    summary="Delete a unit without sub-units (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_unit(request: RouteRequest) -> None:
    customers.delete_unit(
        request.caller, request.params["customer_id"], request.params["unit_id"], request.expected_version()
    )


@route(
    blueprint,
    UNIT + "/effective",
    "GET",
    permission=Permission.CUSTOMERS_READ,
    target=BY_CUSTOMER,
    summary="A unit's status, group, tax code, payment term and addresses after inheritance, with sources",
    tags=TAGS,
    response=EffectiveUnit,
)
def get_effective_unit(request: RouteRequest) -> EffectiveUnit:
    return customers.get_effective_unit(
        request.caller, request.params["customer_id"], request.params["unit_id"]
    )
