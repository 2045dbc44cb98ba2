"""Taxes for a sale: the tenant's rules cached per process, the website's settings, the calculation.

**What the checkout and orders call**: :func:`website_taxes_of` with the shop's website (one
BatchGetItem: the tenant's and the organization's settings, fresh, and the tenant's
``tax_generation``), then :func:`calculate_taxes` with those, the priced lines as
:class:`~chalicelib.domain.taxes.calculation.TaxableLine` (the pricing engine's unit price, the
quantity, the product's ``tax_code``), the buyer's tax code (:func:`buyer_tax_code`), the order's
shipping and billing addresses as :class:`~chalicelib.domain.taxes.configuration.TaxAddress`
(``tax_address`` of an address book entry's country, region and postal code) and its shipping. The
rules come from this process's cache while the generation holds; a cold function reads them once
(one GetItem).

Problems: a line no rule covers is 422 (``lines.<key>``; ``shipping`` for the shipping), the address
the website's tax basis needs and the sale lacks is 422, and a website taxed at an origin it does not
have is 409.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from cachetools import TTLCache

from chalicelib.domain.customer_users import CustomerSession
from chalicelib.domain.customers import effective_unit
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
from chalicelib.platform.errors import Conflict, NotFound, Unprocessable
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.organizations import ORGANIZATION_TYPE
from chalicelib.services.taxes.configuration import configuration_of
from chalicelib.services.websites import WEBSITE_TYPE
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record

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


def website_taxes_of(tenant_id: str, website: Website) -> tuple[WebsiteTaxes, int]:
    """What ``website``'s sales are taxed by, read fresh (the tenant's and the organization's settings
    in one BatchGetItem, access pattern 142), and the tenant's ``tax_generation`` read with them."""
    return website_taxes_in(repository.get_many(website_tax_keys(tenant_id, website)), tenant_id, website)


def website_tax_keys(tenant_id: str, website: Website) -> list[Key]:
    """The items a website's tax settings come from (the tenant's and its organization's)."""
    return [keys.tenant(tenant_id), keys.organization(tenant_id, website.organization_id)]


def website_taxes_in(
    found: Mapping[Key, Record], tenant_id: str, website: Website
) -> tuple[WebsiteTaxes, int]:
    """:func:`website_taxes_of` from the items of :func:`website_tax_keys` read with others."""
    tenant_key, organization_key = website_tax_keys(tenant_id, website)
    organization = found.get(organization_key)
    if tenant_key not in found or organization is None or organization.type != ORGANIZATION_TYPE:
        raise NotFound("website not found")  # its organization went with it
    tenant = entities.to_model(found[tenant_key], Tenant)
    taxes = website_taxes(tenant.settings, entities.to_model(organization, Organization), website)
    return taxes, tenant.tax_generation


def preview_taxes(caller: Caller, body: TaxPreviewBody) -> TaxCalculationView:
    """What a sale on a website would be taxed, before orders exist: the website (access pattern 5),
    its settings (142), the rules (140, cached)."""
    record = repository.get(keys.website(caller.tenant_id, body.website_id))
    if record is None or record.type != WEBSITE_TYPE:
        raise Unprocessable.field("body.website_id", "no such website")
    website = entities.to_model(record, Website)
    if body.currency not in website.currencies:
        raise Unprocessable.field("body.currency", f"the website sells in {', '.join(website.currencies)}")
    taxes, generation = website_taxes_of(caller.tenant_id, website)
    calculation = calculate_taxes(
        caller.tenant_id,
        generation,
        taxes,
        currency=body.currency,
        lines=body.taxable_lines(),
        customer_tax_code=body.customer_tax_code,
        shipping_address=body.shipping_address,
        billing_address=body.billing_address,
        shipping=body.taxable_shipping(),
    )
    return TaxCalculationView.of(calculation)


def buyer_tax_code(session: CustomerSession) -> str | None:
    """The customer tax code a buyer's purchases carry: their unit's own, or the nearest set above it
    (read with the principal: no round trip)."""
    return effective_unit(session.company.path(session.user.unit_id)).tax_code.value
