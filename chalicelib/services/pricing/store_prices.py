"""The buyer's prices of order lines on the storefront (``POST /v1/store/prices/resolve``).

The lines' SKUs are read as the quick-order lookup reads them (the SKU items, the products and their
RULES items, variants' parents: what the caller does not see is an unknown SKU), then the shown
products' price sheets projected to the caller's candidate lists (pattern 98), then each line is priced
in memory (``domain.pricing.resolve``). 500 lines of distinct products: 5 BatchGetItems of SKU items,
10 of products and rules, 5 of sheets, on a warm function.
"""

from __future__ import annotations

from chalicelib.domain.pricing.resolve import PriceResolution, PriceResolveRequest, resolve_line
from chalicelib.services.catalog.storefront import Catalog, shop_for, shown_skus
from chalicelib.services.context import Caller


def resolve_prices(
    caller: Caller, hostname: str, accept_language: str | None, body: PriceResolveRequest
) -> PriceResolution:
    catalog = Catalog(caller, shop_for(caller, hostname), accept_language, body.currency)
    products = shown_skus(catalog, (line.sku for line in body.lines))
    sheets = catalog.sheets(product.id for product in products.values())
    chain, currency, rounding = catalog.price_chain, catalog.currency, catalog.shop.rounding_mode
    lines = []
    for line in body.lines:
        product = products.get(line.sku)
        prices = sheets.get(product.id) if product is not None else None
        lines.append(resolve_line(line, product, prices, chain, currency, rounding))
    return PriceResolution(currency=currency, lines=lines)
