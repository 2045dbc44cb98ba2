"""The buyer's prices of order lines on the storefront (``POST /v1/store/prices/resolve``), and of a
shopping list's lines and a quick order's rows.

The lines' SKUs are read as the quick-order lookup reads them (the SKU items, the products and their
RULES items, variants' parents: what the caller does not see is an unknown SKU), then the shown
products' price sheets projected to the caller's candidate lists (pattern 98), then each line is priced
in memory (``domain.pricing.resolve``). 500 lines of distinct products: 5 BatchGetItems of SKU items,
10 of products and rules, 5 of sheets, on a warm function.

Shopping lists and quick order have read their products already (``storefront.shop_products``): they
call :func:`price_lines` with them, the same pricing pass without the SKU and product reads.
"""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.catalog.products import Product
from chalicelib.domain.pricing.resolve import (
    PriceLine,
    PriceResolution,
    PriceResolveRequest,
    ResolvedLine,
    resolve_line,
)
from chalicelib.services.catalog.storefront import Catalog, shop_for, shown_skus
from chalicelib.services.context import Caller

PricedLine = tuple[PriceLine, Product | None]
"""A line to price and its product if the caller sees it (None: an unknown SKU to them)."""


def price_lines(catalog: Catalog, lines: Sequence[PricedLine]) -> list[ResolvedLine]:
    """Each line priced for the catalog's caller in its currency: the shown products' sheets read once
    (one BatchGetItem per 100 products, none when the caller has no candidate list), then in memory."""
    sheets = catalog.sheets(product.id for _, product in lines if product is not None)
    chain, currency, rounding = catalog.price_chain, catalog.currency, catalog.shop.rounding_mode
    return [
        resolve_line(line, product, sheets.get(product.id) if product else None, chain, currency, rounding)
        for line, product in lines
    ]


def shop_catalog(caller: Caller, hostname: str, currency: str | None) -> Catalog:
    """The catalog a shopping list's or a quick order's prices come from (422 for a currency the
    website does not sell in; nothing read on a warm function)."""
    return Catalog(caller, shop_for(caller, hostname), None, currency)


def sees_prices(caller: Caller) -> bool:
    """A buyer holding ``prices.view``: whose lines are priced at all (others' are neither priced nor
    flagged ``not_priced``)."""
    session = caller.principal.customer
    return session is not None and session.access.holds(CustomerPermission.PRICES_VIEW)


def resolve_prices(
    caller: Caller, hostname: str, accept_language: str | None, body: PriceResolveRequest
) -> PriceResolution:
    catalog = Catalog(caller, shop_for(caller, hostname), accept_language, body.currency)
    products = shown_skus(catalog, (line.sku for line in body.lines))
    lines = price_lines(catalog, [(line, products.get(line.sku)) for line in body.lines])
    return PriceResolution(
        currency=catalog.currency, tax_included=catalog.shop.prices_include_tax, lines=lines
    )
