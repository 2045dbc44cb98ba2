"""Tenant staff: why a customer unit gets the price it gets (``prices.read``). A grant limited to
organizations reaches only their products and websites; one limited to assigned customers (a sales
representative) only those customers. What is out of reach is 404, as what does not exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.base import CurrencyCode, Input
from chalicelib.domain.catalog.products import ProductId, UnitCode
from chalicelib.domain.catalog.rules import CustomerId, WebsiteId
from chalicelib.domain.customers import UnitId
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.engine import PriceExplanation
from chalicelib.domain.pricing.resolve import LineQuantity
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.pricing import explanations
else:
    explanations = lazy_module("chalicelib.services.pricing.explanations")

blueprint = Blueprint(__name__)


class PriceExplanationQuery(Input):
    customer: CustomerId
    unit: UnitId
    product: ProductId
    website: WebsiteId
    product_unit: UnitCode = Field(description="the unit of the product the quantity is in")
    quantity: LineQuantity
    currency: CurrencyCode | None = Field(
        default=None, description="one of the website's currencies (default: its default)"
    )


@route(
    blueprint,
    "/v1/admin/prices/explain",
    "GET",
    permission=Permission.PRICES_READ,
    summary="Why a customer unit's buyers get a product's price on a website: the levels of the chain "
    "(the unit, its parents, its customer group, the website), each assigned list in the order the "
    "website's strategy considered it with its outcome and own tier, and the tier picked (a manual "
    "price or the rule that made it)",
    tags=("price lists",),
    query=PriceExplanationQuery,
    query_names_records=True,
    response=PriceExplanation,
)
def explain_price(request: RouteRequest) -> PriceExplanation:
    query: PriceExplanationQuery = request.query
    return explanations.explain_price(
        request.caller,
        explanations.ExplanationAsk(
            customer_id=query.customer,
            unit_id=query.unit,
            product_id=query.product,
            website_id=query.website,
            product_unit=query.product_unit,
            quantity=query.quantity,
            currency=query.currency,
        ),
    )
