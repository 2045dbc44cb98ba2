"""Tenant staff: which price lists apply to a website, a customer group or a customer unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.price_lists import PriceListAssignment, PriceListAssignmentView
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.pricing import assignments
else:
    assignments = lazy_module("chalicelib.services.pricing.assignments")

blueprint = Blueprint(__name__)
TAGS = ("price lists",)
WEBSITE = "/v1/admin/websites/{website_id}/price-lists"
GROUP = "/v1/admin/customer-groups/{group_id}/price-lists"
UNIT = "/v1/admin/customers/{customer_id}/units/{unit_id}/price-lists"


@route(
    blueprint,
    WEBSITE,
    "GET",
    permission=Permission.PRICES_READ,
    summary="The price lists assigned to a website, and its fallback",
    tags=TAGS,
    response=PriceListAssignmentView,
)
def get_website_price_lists(request: RouteRequest) -> PriceListAssignmentView:
    return assignments.get_website_price_lists(request.caller, request.params["website_id"])


@route(
    blueprint,
    WEBSITE,
    "PUT",
    permission=Permission.PRICES_WRITE,
    summary="Replace the price lists assigned to a website (lists of its organization, in its currencies)",
    tags=TAGS,
    body=PriceListAssignment,
    response=PriceListAssignmentView,
)
def set_website_price_lists(request: RouteRequest) -> PriceListAssignmentView:
    return assignments.set_website_price_lists(request.caller, request.params["website_id"], request.body)


@route(
    blueprint,
    GROUP,
    "GET",
    permission=Permission.PRICES_READ,
    summary="The price lists assigned to a customer group, and its fallback",
    tags=TAGS,
    response=PriceListAssignmentView,
)
def get_group_price_lists(request: RouteRequest) -> PriceListAssignmentView:
    return assignments.get_group_price_lists(request.caller, request.params["group_id"])


@route(
    blueprint,
    GROUP,
    "PUT",
    permission=Permission.PRICES_WRITE,
    summary="Replace the price lists assigned to a customer group",
    tags=TAGS,
    body=PriceListAssignment,
    response=PriceListAssignmentView,
)
def set_group_price_lists(request: RouteRequest) -> PriceListAssignmentView:
    return assignments.set_group_price_lists(request.caller, request.params["group_id"], request.body)


@route(
    blueprint,
    UNIT,
    "GET",
    permission=Permission.PRICES_READ,
    summary="The price lists assigned to a customer unit (its own; sub-units inherit them), and its fallback",
    tags=TAGS,
    response=PriceListAssignmentView,
)
def get_unit_price_lists(request: RouteRequest) -> PriceListAssignmentView:
    params = request.params
    return assignments.get_unit_price_lists(request.caller, params["customer_id"], params["unit_id"])


@route(
    blueprint,
    UNIT,
    "PUT",
    permission=Permission.PRICES_WRITE,
    summary="Replace the price lists assigned to a customer unit",
    tags=TAGS,
    body=PriceListAssignment,
    response=PriceListAssignmentView,
)
def set_unit_price_lists(request: RouteRequest) -> PriceListAssignmentView:
    params = request.params
    return assignments.set_unit_price_lists(
        request.caller, params["customer_id"], params["unit_id"], request.body
    )
