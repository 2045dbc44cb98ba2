"""Tenant staff: products' and categories' visibility rules, and the "why visible" explanation.

The rules are a sub-resource of their product or category (``.../visibility``, a category's under its
organization as the category is): one ``PUT`` sets or removes (``inherit``) one rule at any level, since
every level is a rule of the same subject and its organization decides who may change it (a unit's rule
also needs the customer within the caller's reach); the explanation sits below it and names the unit by
``customer_id`` and ``unit_id`` (a unit id alone would need the customer looked up first: a unit lives
in its company's partition).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.base import Input
from chalicelib.domain.catalog.rules import CustomerId, VisibilityRuleChange, VisibilityRules, WebsiteId
from chalicelib.domain.catalog.visibility import Explanation
from chalicelib.domain.customers import UnitId
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import BY_ORGANIZATION
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.catalog import visibility
else:
    visibility = lazy_module("chalicelib.services.catalog.visibility")

blueprint = Blueprint(__name__)
TAGS = ("visibility",)
RULES = "/v1/admin/products/{product_id}/visibility"
CATEGORY_RULES = "/v1/admin/organizations/{organization_id}/categories/{category_id}/visibility"


class ExplanationQuery(Input):
    website_id: WebsiteId
    customer_id: CustomerId
    unit_id: UnitId


@route(
    blueprint,
    RULES,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="List a product's visibility rules at every level (website, customer group, unit)",
    tags=TAGS,
    response=VisibilityRules,
)
def list_product_rules(request: RouteRequest) -> VisibilityRules:
    return visibility.list_product_rules(request.caller, request.params["product_id"])


@route(
    blueprint,
    RULES,
    "PUT",
    permission=Permission.CATALOG_WRITE,
    summary="Set one visibility rule of a product (inherit removes it); answers all its rules",
    tags=TAGS,
    body=VisibilityRuleChange,
    response=VisibilityRules,
)
def set_product_rule(request: RouteRequest) -> VisibilityRules:
    return visibility.set_product_rule(request.caller, request.params["product_id"], request.body)


@route(
    blueprint,
    RULES + "/explanation",
    "GET",
    permission=Permission.CATALOG_READ,
    summary="Why a product is shown or not to a customer unit on a website: each level, each selection",
    tags=TAGS,
    query=ExplanationQuery,
    response=Explanation,
)
def explain_product(request: RouteRequest) -> Explanation:
    query = request.query
    return visibility.explain_product(
        request.caller, request.params["product_id"], query.website_id, query.customer_id, query.unit_id
    )


@route(
    blueprint,
    CATEGORY_RULES,
    "GET",
    permission=Permission.CATALOG_READ,
    target=BY_ORGANIZATION,
    summary="List a category's visibility rules at every level (website, customer group, unit)",
    tags=TAGS,
    response=VisibilityRules,
)
def list_category_rules(request: RouteRequest) -> VisibilityRules:
    params = request.params
    return visibility.list_category_rules(request.caller, params["organization_id"], params["category_id"])


@route(
    blueprint,
    CATEGORY_RULES,
    "PUT",
    permission=Permission.CATALOG_WRITE,
    target=BY_ORGANIZATION,
    summary="Set one visibility rule of a category (inherit removes it); answers all its rules",
    tags=TAGS,
    body=VisibilityRuleChange,
    response=VisibilityRules,
)
def set_category_rule(request: RouteRequest) -> VisibilityRules:
    params = request.params
    return visibility.set_category_rule(
        request.caller, params["organization_id"], params["category_id"], request.body
    )
