"""An order as it is stored and answered: its header and its lines, packed into pages.

``docs/orders-design.md`` ("Placing an order") has the design: the header (``ORDER``) holds everything
but the lines, which are packed :data:`LINES_PER_PAGE` to an item (``LINES#000``...), so a status change
rewrites the header only and a 500-line order is placed in one transaction of a dozen items. An order
holds at most :data:`MAX_LINES` lines, refused before anything is written.

Everything an order says is a snapshot taken when it was placed (addresses, names, prices, the
shipping method and payment term): later changes of the catalog, the price lists or the company do not
change an order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from chalicelib.domain.base import Input, Stamped, View
from chalicelib.domain.customers import Address
from chalicelib.domain.money import MoneyView
from chalicelib.domain.orders.invoices import Invoice
from chalicelib.domain.orders.workflow import HistoryEntry
from chalicelib.domain.taxes.calculation import RateTaxView
from chalicelib.domain.taxes.configuration import AppliedRate

MAX_LINES = 2000  # lines of one order (20 pages: docs/orders-design.md says why)
LINES_PER_PAGE = 100
MAX_PAGES = MAX_LINES // LINES_PER_PAGE
# A line's text fields are capped at what the item-size measurements assumed.
MAX_NAME, MAX_SKU, MAX_NOTES = 200, 64, 500

OrderNotes = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NOTES)]


class OrderLine(View):
    """One line as placed: what was bought, at which price, and its tax."""

    position: int = Field(ge=1, description="the line's number in the order, from 1")
    product_id: str
    sku: str = Field(max_length=MAX_SKU)
    name: str = Field(
        max_length=MAX_NAME, description="the product's name in the website's locale when placed"
    )
    unit: str
    quantity: str
    unit_price: MoneyView
    price_list_id: str | None = Field(description="the list whose tier priced the line")
    subtotal: MoneyView = Field(description="quantity x unit price, rounded to the currency")
    discount: MoneyView
    product_tax_code: str | None = None
    tax_rate: AppliedRate | None = None
    tax: MoneyView
    total: MoneyView = Field(description="what the line adds to the grand total")
    unit_weight: str | None = Field(
        default=None, description="kilograms per unit when placed (unset: unknown)"
    )
    notes: str | None = Field(default=None, max_length=MAX_NOTES)


class OrderShipping(View):
    method_id: str
    name: dict[str, str]
    cost: MoneyView


class OrderPaymentTerm(View):
    code: str
    kind: Literal["net", "on_account", "prepayment"]
    net_days: int | None = None
    purchase_order_number: str | None = None


class OrderTotals(View):
    """The order's amounts, each in the order's currency: ``net_total + tax_total == grand_total``."""

    subtotal: MoneyView
    discounts: MoneyView
    shipping: MoneyView
    net_total: MoneyView
    tax_by_rate: list[RateTaxView]
    tax_total: MoneyView
    grand_total: MoneyView


MAX_SHIPMENTS = 20
ShipmentText = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class Shipment(Input):
    """A parcel or freight the seller sent, as the ERP reports it: what the buyer tracks it with."""

    carrier: ShipmentText
    tracking_number: ShipmentText
    tracking_url: Annotated[str, StringConstraints(pattern=r"^https://\S{1,2040}$")] | None = None
    shipped_at: AwareDatetime | None = None


class Order(Stamped):
    """The header of an order: who placed it, for whom, where, and its status with its history."""

    number: str = Field(description="the tenant's order number, formatted (SO-000042)")
    sequence: int = Field(ge=1, description="the tenant's gapless order sequence number")
    status: str
    history: list[HistoryEntry] = Field(description="every status change, oldest first")
    customer_id: str
    unit_id: str
    buyer_id: str = Field(description="the customer user the order is for")
    placed_by: str = Field(
        description="who placed it: the buyer, or the sales representative on their behalf"
    )
    sales_rep_id: str | None = Field(default=None, description="set when a sales representative placed it")
    website_id: str
    organization_id: str
    checkout_id: str | None = None
    currency: str
    prices_include_tax: bool
    billing_address: Address
    shipping_address: Address
    shipping: OrderShipping | None = None
    payment_term: OrderPaymentTerm | None = None
    notes: str | None = None
    requested_delivery_date: date | None = None
    totals: OrderTotals
    line_count: int = Field(ge=1, le=MAX_LINES)
    erp_reference: str | None = Field(default=None, description="the ERP's own reference of the order")
    shipments: list[Shipment] = Field(
        default_factory=list, max_length=MAX_SHIPMENTS, description="as the ERP reported them, oldest first"
    )


class OrderDetail(Order):
    lines: list[OrderLine]
    invoices: list[Invoice] = Field(
        default_factory=list,
        description="issued by the ERP, by number (a customer user's need invoices.view)",
    )


def line_pages(lines: Sequence[OrderLine]) -> list[list[OrderLine]]:
    """The lines cut into stored pages of :data:`LINES_PER_PAGE`, in order."""
    return [list(lines[start : start + LINES_PER_PAGE]) for start in range(0, len(lines), LINES_PER_PAGE)]


def joined(pages: Iterable[tuple[int, Sequence[OrderLine]]]) -> list[OrderLine]:
    """The lines of stored pages (page number, lines), in the order's line order."""
    return [line for _, page in sorted(pages, key=lambda numbered: numbered[0]) for line in page]
