"""Tenant staff: product attributes, defined once per tenant (changed only additively)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.catalog.attributes import Attribute, AttributeFields, AttributePatch
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import NEW_ORGANIZATION
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services.catalog import attributes
else:
    attributes = lazy_module("chalicelib.services.catalog.attributes")

blueprint = Blueprint(__name__)
TAGS = ("attributes",)
ATTRIBUTES = "/v1/admin/attributes"
ITEM = ATTRIBUTES + "/{attribute_code}"
# Definitions serve every organization's products: only a grant reaching all of them changes one.
EVERY_ORGANIZATION = NEW_ORGANIZATION


@route(
    blueprint,
    ATTRIBUTES,
    "POST",
    permission=Permission.CATALOG_WRITE,
    target=EVERY_ORGANIZATION,
    summary="Define a product attribute (text, number with a unit, boolean, enum, multi_enum)",
    tags=TAGS,
    body=AttributeFields,
    response=Attribute,
    status=201,
    idempotent=True,
)
def create_attribute(request: RouteRequest) -> Attribute:
    return attributes.create_attribute(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    ATTRIBUTES,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="List product attributes, by code",
    tags=TAGS,
    query=ListQuery,
    response=Listing[Attribute],
)
def list_attributes(request: RouteRequest) -> Listing[Attribute]:
    return attributes.list_attributes(request.caller, request.page())


@route(
    blueprint,
    ITEM,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="Get a product attribute",
    tags=TAGS,
    response=Attribute,
)
def get_attribute(request: RouteRequest) -> Attribute:
    return attributes.get_attribute(request.caller, request.params["attribute_code"])


@route(
    blueprint,
    ITEM,
    "PATCH",
    permission=Permission.CATALOG_WRITE,
    target=EVERY_ORGANIZATION,
    summary="Change an attribute's labels or unit, or add options (an option is never removed: 409)",
    tags=TAGS,
    body=AttributePatch,
    response=Attribute,
    versioned=True,
)
def update_attribute(request: RouteRequest) -> Attribute:
    return attributes.update_attribute(
        request.caller, request.params["attribute_code"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ITEM,
    "DELETE",
    permission=Permission.CATALOG_WRITE,
    target=EVERY_ORGANIZATION,
    summary="Delete an attribute no product uses (409 otherwise; If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_attribute(request: RouteRequest) -> None:
    attributes.delete_attribute(request.caller, request.params["attribute_code"], request.expected_version())
