"""Why a customer unit gets the price it gets for a product on a website (``GET /v1/admin/prices/
explain``): the chain the storefront builds for that unit's buyers, read fresh, then
:meth:`~chalicelib.domain.pricing.engine.PriceChain.explain`.

Reads, after the principal's: one BatchGetItem (the product, its price sheet, the website, the
tenant), the website's organization (GetItem: with the tenant, its effective time zone and default
currency), the company's partition (its units and their ``PRC#`` assignments: one Query), the tenant's
pricing partition and its price lists (two Queries; the storefront's per-process cache is not used, so
an explanation is never older than the data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from chalicelib.domain.catalog.products import Product, decimal_places
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.chains import Where
from chalicelib.domain.pricing.engine import PriceExplanation
from chalicelib.domain.staff import StaffTarget
from chalicelib.domain.tenancy import Organization, Tenant, Website, effective_settings
from chalicelib.platform.errors import NotFound, Unprocessable
from chalicelib.services import customers, entities
from chalicelib.services.catalog.products import PRODUCT_TYPE
from chalicelib.services.context import Caller, require_reach
from chalicelib.services.pricing.chains import company_chain, load_pricing, sheet_of
from chalicelib.services.websites import WEBSITE_TYPE
from chalicelib.store import keys, repository


@dataclass(frozen=True)
class ExplanationAsk:
    """Whose price, of what, where: the query of the route."""

    customer_id: str
    unit_id: str
    product_id: str
    website_id: str
    product_unit: str
    quantity: Decimal
    currency: str | None = None


def explain_price(caller: Caller, ask: ExplanationAsk) -> PriceExplanation:
    tenant_id = caller.tenant_id
    product_key, sheet_key = (
        keys.product(tenant_id, ask.product_id),
        keys.price_sheet(tenant_id, ask.product_id),
    )
    website_key, tenant_key = keys.website(tenant_id, ask.website_id), keys.tenant(tenant_id)
    found = repository.get_many([product_key, sheet_key, website_key, tenant_key])
    product_record, website_record = found.get(product_key), found.get(website_key)
    if product_record is None or product_record.type != PRODUCT_TYPE:
        raise NotFound("product not found")
    product = entities.to_model(product_record, Product)
    caller.require(Permission.PRICES_READ, StaffTarget(organization_id=product.organization_id), "product")
    require_reach(
        caller.principal,
        Permission.PRICES_READ,
        StaffTarget(organization_id=product.organization_id, customer_id=ask.customer_id),
        NotFound("customer not found"),
    )
    if website_record is None or website_record.type != WEBSITE_TYPE or tenant_key not in found:
        raise NotFound("website not found")
    website = entities.to_model(website_record, Website)
    caller.require(Permission.PRICES_READ, StaffTarget(organization_id=website.organization_id), "website")
    if website.organization_id != product.organization_id:
        raise Unprocessable.field("query.website", "not a website of the product's organization")
    organization_record = repository.get(
        keys.organization(tenant_id, website.organization_id), consistent=False
    )
    if organization_record is None:
        raise NotFound("website not found")
    settings = effective_settings(
        entities.to_model(found[tenant_key], Tenant).settings,
        entities.to_model(organization_record, Organization),
        website,
    ).settings
    currency = ask.currency or settings["default_currency"].value
    if currency not in website.currencies:
        raise Unprocessable.field("query.currency", "not one of the website's currencies")
    unit = next((unit for unit in product.units if unit.code == ask.product_unit), None)
    if unit is None:
        raise Unprocessable.field("query.product_unit", "not one of the product's units")
    if ask.quantity <= 0 or decimal_places(ask.quantity) > unit.precision:
        raise Unprocessable.field(
            "query.quantity", f"must be > 0 with at most {unit.precision} decimal places"
        )
    company = customers.load_company(tenant_id, ask.customer_id)
    if company.find(ask.unit_id) is None:
        raise NotFound("unit not found")
    where = Where(
        organization_id=website.organization_id,
        currency=currency,
        time_zone=settings["timezone"].value,
        strategy=website.price_merge_strategy,
        now=datetime.now(UTC),
    )
    chain = company_chain(load_pricing(tenant_id), company, ask.unit_id, website.id, where)
    prices = sheet_of(found.get(sheet_key), chain)
    return chain.explain(prices, ask.product_unit, currency, ask.quantity)
