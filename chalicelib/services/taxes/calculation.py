"""Taxes for a sale: the tenant's rules cached per process, the website's settings, the calculation.

**What the checkout and orders call**: :func:`calculate_taxes` with the tenant's ``tax_generation``
(a customer principal's session carries it: ``CustomerSession.tax_generation``), the website's
:class:`~chalicelib.domain.taxes.websites.WebsiteTaxes` (``domain.taxes.websites.website_taxes`` of
the tenant's settings, the organization and the website, which the storefront's shop has), the priced
lines as :class:`~chalicelib.domain.taxes.calculation.TaxableLine` (the pricing engine's unit price,
the quantity, the product's ``tax_code``), the buyer unit's effective ``tax_code``, the order's
shipping and billing addresses and its shipping. A warm function adds no round trip while the
generation holds; a cold one reads the configuration once (one GetItem).

Problems: a line no rule covers is 422 (``lines.<key>``; ``shipping`` for the shipping), the address
the website's tax basis needs and the sale lacks is 422, and a website taxed at an origin it does not
have is 409.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from cachetools import TTLCache

from chalicelib.domain.taxes.calculation import (
    SHIPPING_KEY,
    NoTaxRule,
    TaxableLine,
    TaxableShipping,
    TaxCalculation,
    TaxCalculationView,
    TaxRequest,
    calculate,
)
from chalicelib.domain.taxes.configuration import TaxAddress, TaxTable
from chalicelib.domain.taxes.preview import TaxPreviewBody
from chalicelib.domain.taxes.websites import NoTaxAddress, WebsiteTaxes, website_taxes
from chalicelib.domain.tenancy import Organization, Tenant, Website
from chalicelib.platform.errors import Conflict, Unprocessable
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.organizations import ORGANIZATION_TYPE
from chalicelib.services.taxes.configuration import configuration_of
from chalicelib.services.websites import WEBSITE_TYPE
from chalicelib.store import keys, repository

TABLE_CACHE_SIZE: Final = 256  # tenants per warm function
TABLE_MAX_AGE: Final = 300  # seconds: a bound even while a tenant's generation is not re-read
_tables: TTLCache[str, tuple[int, TaxTable]] = TTLCache(maxsize=TABLE_CACHE_SIZE, ttl=TABLE_MAX_AGE)


def forget_tax_tables() -> None:
    """Empty this process's cache of tax rules (tests start each world afresh)."""
    _tables.clear()


def tax_table(tenant_id: str, generation: int) -> TaxTable:
    """The tenant's rules as of ``generation`` (its ``tax_generation`` as just read): from this process's
    cache while the generation is the one it was read at, else one GetItem (access pattern 140)."""
    cached = _tables.get(tenant_id)
    if cached is not None and cached[0] == generation:
        return cached[1]
    table = TaxTable(configuration_of(repository.get(keys.tax_configuration(tenant_id))))
    _tables[tenant_id] = (generation, table)
    return table


def calculate_taxes(
    tenant_id: str,
    tax_generation: int,
    website: WebsiteTaxes,
    *,
    currency: str,
    lines: Sequence[TaxableLine],
    customer_tax_code: str | None,
    shipping_address: TaxAddress | None,
    billing_address: TaxAddress | None,
    shipping: TaxableShipping | None = None,
) -> TaxCalculation:
    """The sale's taxes and totals (see the module's docstring for what calls it and its problems)."""
    try:
        address = website.address(shipping=shipping_address, billing=billing_address)
    except NoTaxAddress as missing:
        if missing.basis == "origin":
            raise Conflict(f"{missing}; set it on the website") from missing
        raise Unprocessable.field(f"{missing.basis}_address", str(missing)) from missing
    request = TaxRequest(currency, lines, address, customer_tax_code, shipping)
    try:
        return calculate(tax_table(tenant_id, tax_generation), website.settings, request)
    except NoTaxRule as refused:
        raise Unprocessable(
            [
                {
                    "loc": SHIPPING_KEY if key == SHIPPING_KEY else f"lines.{key}",
                    "msg": f"no tax rule applies to the tax code {code!r} at this address"
                    if code
                    else "no tax code, and the configuration has no default",
                    "type": "no_tax_rule",
                }
                for key, code in refused.missing
            ],
            "no tax rule covers some lines at this address",
        ) from refused
    except ValueError as error:
        raise Unprocessable.field("lines", str(error)) from error


def preview_taxes(caller: Caller, body: TaxPreviewBody) -> TaxCalculationView:
    """What a sale on a website would be taxed, before orders exist: the tenant and the website in one
    BatchGetItem (access pattern 142), the organization (4), the rules (140, cached)."""
    tenant_key, website_key = keys.tenant(caller.tenant_id), keys.website(caller.tenant_id, body.website_id)
    found = repository.get_many([tenant_key, website_key])
    record = found.get(website_key)
    if record is None or record.type != WEBSITE_TYPE:
        raise Unprocessable.field("body.website_id", "no such website")
    tenant, website = entities.to_model(found[tenant_key], Tenant), entities.to_model(record, Website)
    if body.currency not in website.currencies:
        raise Unprocessable.field("body.currency", f"the website sells in {', '.join(website.currencies)}")
    organization = entities.load(
        keys.organization(caller.tenant_id, website.organization_id), Organization, ORGANIZATION_TYPE
    )
    calculation = calculate_taxes(
        caller.tenant_id,
        tenant.tax_generation,
        website_taxes(tenant.settings, organization, website),
        currency=body.currency,
        lines=body.taxable_lines(),
        customer_tax_code=body.customer_tax_code,
        shipping_address=body.shipping_address,
        billing_address=body.billing_address,
        shipping=body.taxable_shipping(),
    )
    return TaxCalculationView.of(calculation)
