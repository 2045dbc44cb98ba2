"""The admin's tax preview: lines, addresses and a customer tax code in, the calculation out."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Final

from pydantic import Field, StringConstraints, field_validator

from chalicelib.domain.base import CurrencyCode, Input
from chalicelib.domain.catalog.rules import WebsiteId
from chalicelib.domain.money import UNIT_PRICE_PLACES, DecimalString, Money, UnitPrice
from chalicelib.domain.taxes.calculation import TaxableLine, TaxableShipping
from chalicelib.domain.taxes.configuration import TaxAddress, TaxCode

MAX_PREVIEW_LINES: Final = 500
LineKey = Annotated[str, StringConstraints(min_length=1, max_length=64)]
LineQuantity = Annotated[Decimal, DecimalString(UNIT_PRICE_PLACES, positive=True, meaning="a quantity")]
Amount = Annotated[Decimal, DecimalString(UNIT_PRICE_PLACES, positive=False, meaning="an amount")]


class TaxPreviewLine(Input):
    key: LineKey = Field(description="the line's name in the answer (and in a missing rule's error)")
    unit_price: UnitPrice = Field(description="as the website lists it: gross when its prices include tax")
    quantity: LineQuantity
    product_tax_code: TaxCode | None = Field(default=None, description="none: the configuration's default")
    discount: Amount | None = Field(default=None, description="taken off the line before tax")


class TaxPreviewShipping(Input):
    amount: Amount
    tax_code: TaxCode | None = None


class TaxPreviewBody(Input):
    """A sale to tax on a website: what an order will carry, before any order exists."""

    website_id: WebsiteId = Field(description="whose prices_include_tax, tax_basis and tax_origin apply")
    currency: CurrencyCode
    lines: list[TaxPreviewLine] = Field(min_length=1, max_length=MAX_PREVIEW_LINES)
    shipping: TaxPreviewShipping | None = None
    shipping_address: TaxAddress | None = None
    billing_address: TaxAddress | None = None
    customer_tax_code: TaxCode | None = Field(default=None, description="none: the configuration's default")

    @field_validator("lines")
    @classmethod
    def _keys_once(cls, lines: list[TaxPreviewLine]) -> list[TaxPreviewLine]:
        if len({line.key for line in lines}) != len(lines):
            raise ValueError("lines must not repeat a key")
        return lines

    def taxable_lines(self) -> list[TaxableLine]:
        return [
            TaxableLine(
                line.key,
                Money(line.unit_price, self.currency),
                line.quantity,
                line.product_tax_code,
                Money(line.discount, self.currency) if line.discount is not None else None,
            )
            for line in self.lines
        ]

    def taxable_shipping(self) -> TaxableShipping | None:
        if self.shipping is None:
            return None
        return TaxableShipping(Money(self.shipping.amount, self.currency), self.shipping.tax_code)
