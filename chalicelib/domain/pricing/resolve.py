"""``POST /v1/store/prices/resolve``: a buyer's prices of up to 500 lines, each line on its own.

A line names a SKU, one of its product's units and a quantity in that unit. Its answer is the unit
price, the tier it comes from (threshold and list), and the line total (unit price x quantity, rounded
to the currency's minor unit with the tenant's rounding mode), or the line's error:

- ``unknown-sku``: the SKU names no product the buyer sees (unknown and hidden are one answer, so
  nothing leaks);
- ``unit-not-offered``: the product has no such unit;
- ``invalid-quantity``: zero, or more decimal places than the unit's precision;
- ``not-priced``: no list of the buyer's prices the product in that unit, currency and quantity.

A body that is not of this shape, or holds more than :data:`MAX_LINES` lines, is a 422 problem.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from chalicelib.domain.base import CurrencyCode, Input, View
from chalicelib.domain.catalog.products import Product, Sku, UnitCode, decimal_places
from chalicelib.domain.money import UNIT_PRICE_PLACES, DecimalString, MoneyView, RoundingMode
from chalicelib.domain.pricing.engine import PriceChain, ProductPrices, line_total

MAX_LINES = 500
LineError = Literal["unknown-sku", "unit-not-offered", "invalid-quantity", "not-priced"]
LineQuantity = Annotated[
    Decimal, DecimalString(UNIT_PRICE_PLACES, positive=False, meaning="a quantity in the line's unit")
]


class PriceLine(Input):
    sku: Sku
    unit: UnitCode
    quantity: LineQuantity


class PriceResolveRequest(Input):
    currency: CurrencyCode | None = Field(
        default=None, description="one of the website's currencies (default: its default)"
    )
    lines: list[PriceLine] = Field(min_length=1, max_length=MAX_LINES)


class LineTier(View):
    """The tier a line's price comes from: its threshold and its list."""

    min_quantity: str
    price_list_id: str


class LinePrice(View):
    """A priced line's unit price, its tier, and its total (unit price x quantity, rounded)."""

    unit_price: MoneyView
    tier: LineTier
    line_total: MoneyView


class ResolvedLine(View):
    """A line as asked, with its price and total, or its error."""

    sku: str
    unit: str
    quantity: str
    unit_price: MoneyView | None = None
    tier: LineTier | None = None
    line_total: MoneyView | None = None
    error: LineError | None = None

    def price(self) -> LinePrice | None:
        """The line's price as a shopping list or a quick order shows it (None: not priced)."""
        if self.unit_price is None or self.tier is None or self.line_total is None:
            return None
        return LinePrice(unit_price=self.unit_price, tier=self.tier, line_total=self.line_total)


class PriceResolution(View):
    currency: str
    tax_included: bool = Field(description="the website's prices include tax (its prices_include_tax)")
    lines: list[ResolvedLine] = Field(description="one per line asked for, in order")


def resolve_line(
    line: PriceLine,
    product: Product | None,
    prices: ProductPrices | None,
    chain: PriceChain,
    currency: str,
    rounding: RoundingMode,
) -> ResolvedLine:
    """One line's answer; ``product`` is the SKU's product if the buyer sees it, ``prices`` its rows in
    the buyer's candidate lists."""
    asked = ResolvedLine(sku=line.sku, unit=line.unit, quantity=format(line.quantity, "f"))
    if product is None:
        return asked.model_copy(update={"error": "unknown-sku"})
    unit = next((unit for unit in product.units if unit.code == line.unit), None)
    if unit is None:
        return asked.model_copy(update={"error": "unit-not-offered"})
    if line.quantity <= 0 or decimal_places(line.quantity) > unit.precision:
        return asked.model_copy(update={"error": "invalid-quantity"})
    price = None if prices is None else chain.price(prices, line.unit, currency, line.quantity)
    if price is None:
        return asked.model_copy(update={"error": "not-priced"})
    return asked.model_copy(
        update={
            "unit_price": MoneyView.of(price.unit_price),
            "tier": LineTier(min_quantity=format(price.min_quantity, "f"), price_list_id=price.list_id),
            "line_total": MoneyView.of(line_total(price, line.quantity, rounding)),
        }
    )
