"""A checkout as data, and the pure decisions placing an order rests on, with no I/O.

A checkout is a buyer's order in the making on one website: its lines (fixed when it is made, from a
shopping list or quick-order lines), the addresses, shipping method and payment term chosen, and the
steps completed (``workflow.DEFAULT_CHECKOUT_STEPS``). Its prices are never stored as the truth: every
read prices the lines live. What the buyer *confirmed* is: the review step records each line's unit
price and flags and the grand total as they were reviewed (``seen``), so placing can tell the buyer
exactly what changed since (:func:`changes`) instead of charging what they did not see.

``docs/orders-design.md`` ("Checkout") has the storage and the round trips.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from chalicelib.domain.base import CurrencyCode, Input, Stamped, View
from chalicelib.domain.customers import Address, AddressId
from chalicelib.domain.money import MoneyView
from chalicelib.domain.orders.orders import MAX_LINES, MAX_NOTES, OrderTotals
from chalicelib.domain.orders.shipping import ShippingOption
from chalicelib.domain.orders.workflow import DEFAULT_CHECKOUT_STEPS, CheckoutStepName
from chalicelib.domain.pricing.resolve import LinePrice
from chalicelib.domain.taxes.calculation import TaxCalculation, TaxCalculationView

LINES_PER_CHUNK = 100  # lines of one stored chunk: ~70 KB at the longest fields, 20 chunks at most
MAX_CHUNKS = MAX_LINES // LINES_PER_CHUNK
_ULID = "[0-9A-HJKMNP-TV-Z]{26}"
CheckoutId = Annotated[str, StringConstraints(pattern=rf"^chk_{_ULID}$")]
ShoppingListId = Annotated[str, StringConstraints(pattern=rf"^sls_{_ULID}$")]
Sku = Annotated[str, StringConstraints(min_length=1, max_length=64)]
UnitCode = Annotated[str, StringConstraints(min_length=1, max_length=32)]
QuantityText = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,6})?$")]
LineNotes = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NOTES)]
PurchaseOrderNumber = Annotated[str, StringConstraints(min_length=1, max_length=64)]
CheckoutStatus = Literal["open", "ordered"]
ChangeKind = Literal["price_changed", "hidden", "discontinued", "deleted", "not_priced"]


# --- inputs ---------------------------------------------------------------------------------------


class QuickLine(Input):
    """A quick-order line: a SKU, its unit (default: the product's primary unit) and a quantity."""

    sku: Sku
    unit: UnitCode | None = None
    quantity: QuantityText = Field(description="a decimal string, checked against the unit")
    notes: LineNotes | None = None


class CheckoutCreate(Input):
    """Start a checkout from a shopping list the caller sees, or from quick-order lines (one of them)."""

    shopping_list_id: ShoppingListId | None = None
    lines: list[QuickLine] | None = Field(default=None, min_length=1, max_length=MAX_LINES)
    currency: CurrencyCode | None = Field(default=None, description="one of the website's (default: its own)")

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.shopping_list_id is None) == (self.lines is None):
            raise ValueError("give either shopping_list_id or lines")
        return self


class AddressChoice(Input):
    """An address of the company's book that applies to the buyer's unit (``address_id``), or a new one
    (``address``, for callers holding ``addresses.manage`` there)."""

    address_id: AddressId | None = None
    address: Address | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if (self.address_id is None) == (self.address is None):
            raise ValueError("give either address_id or address")
        return self


class PaymentChoice(Input):
    """Accept the unit's payment term, with the purchase order number it may require."""

    purchase_order_number: PurchaseOrderNumber | None = None


class CheckoutPatch(Input):
    """What a step sets; a field left out is left as it is. Any change but ``reviewed`` undoes the
    review (the buyer must review again what they changed)."""

    billing_address: AddressChoice | None = None
    shipping_address: AddressChoice | None = None
    shipping_method_id: str | None = Field(default=None, max_length=40)
    payment: PaymentChoice | None = None
    notes: LineNotes | None = None
    requested_delivery_date: date | None = None
    reviewed: Literal[True] | None = Field(
        default=None, description="the buyer confirms the lines, prices and totals as GET shows them now"
    )
    version: int | None = Field(default=None, ge=1, description="the checkout's version (or If-Match)")


class PlaceOrder(Input):
    """Place the checkout as reviewed: its version (or If-Match) and the grand total the buyer saw."""

    grand_total: MoneyView
    version: int | None = Field(default=None, ge=1)


# --- stored ---------------------------------------------------------------------------------------


class SeenPrice(View):
    """A line as the buyer reviewed it: its unit price (None: not priced) and availability."""

    unit_price: str | None = None
    available: bool = True


@dataclass(frozen=True)
class CheckoutLine:
    """A stored line: its position, what it names, and what the review saw of it."""

    position: int
    product_id: str
    sku: str
    unit: str
    quantity: str
    notes: str | None = None
    seen: SeenPrice | None = None

    def stored(self) -> dict[str, object]:
        return {
            "position": self.position,
            "product_id": self.product_id,
            "sku": self.sku,
            "unit": self.unit,
            "quantity": self.quantity,
            "notes": self.notes,
            "seen": self.seen.model_dump(mode="json") if self.seen else None,
        }

    @classmethod
    def of(cls, data: dict[str, object]) -> CheckoutLine:
        seen = data.get("seen")
        return cls(
            position=int(str(data["position"])),
            product_id=str(data["product_id"]),
            sku=str(data["sku"]),
            unit=str(data["unit"]),
            quantity=str(data["quantity"]),
            notes=str(data["notes"]) if data.get("notes") else None,
            seen=SeenPrice.model_validate(seen) if isinstance(seen, dict) else None,
        )


def chunks(lines: Sequence[CheckoutLine]) -> list[list[CheckoutLine]]:
    """The lines cut into stored chunks of :data:`LINES_PER_CHUNK`, in order."""
    return [list(lines[start : start + LINES_PER_CHUNK]) for start in range(0, len(lines), LINES_PER_CHUNK)]


class Checkout(Stamped):
    """The checkout's header: who, where, what was chosen, which steps are done."""

    status: CheckoutStatus
    customer_id: str
    unit_id: str
    buyer_id: str
    created_by: str = Field(description="the buyer, or the sales representative acting for them")
    sales_rep_id: str | None = None
    website_id: str
    organization_id: str
    currency: str
    source: Literal["shopping_list", "quick_order"]
    shopping_list_id: str | None = None
    billing_address: Address | None = None
    shipping_address: Address | None = None
    shipping_method_id: str | None = None
    payment_term_code: str | None = None
    purchase_order_number: str | None = None
    notes: str | None = None
    requested_delivery_date: date | None = None
    completed_steps: list[CheckoutStepName] = Field(default_factory=list)
    seen_grand_total: MoneyView | None = Field(default=None, description="the grand total reviewed")
    line_count: int = Field(ge=1, le=MAX_LINES)
    order_id: str | None = Field(default=None, description="the order placed from it")


# --- answers --------------------------------------------------------------------------------------


class CheckoutLineView(View):
    position: int
    product_id: str
    sku: str
    name: str | None = Field(description="the product's name in the website's locale (none: deleted)")
    unit: str
    quantity: str
    notes: str | None = None
    hidden: bool = Field(description="the buyer no longer sees the product on this website")
    discontinued: bool
    deleted: bool
    not_priced: bool = Field(description="no price list of the buyer's prices this line now")
    price: LinePrice | None = Field(description="the buyer's price now (live)")


class LineChange(View):
    """How a line differs now from what the buyer reviewed."""

    position: int
    sku: str
    change: ChangeKind
    seen_unit_price: str | None = None
    unit_price: str | None = None


class CheckoutView(Checkout):
    """The checkout with its lines priced now, its options and its totals (every amount in ``currency``)."""

    tax_included: bool
    lines: list[CheckoutLineView]
    shipping_options: list[ShippingOption]
    payment_term: PaymentTermSummary | None
    missing_steps: list[CheckoutStepName]
    totals: OrderTotals | None = Field(
        description="none while a line cannot be priced or taxed (see the lines' flags and problems)"
    )
    changes: list[LineChange] = Field(description="what differs from the review (empty: as reviewed)")


class PaymentTermSummary(View):
    code: str
    kind: Literal["net", "on_account", "prepayment"]
    net_days: int | None = None
    purchase_order_required: bool


CheckoutView.model_rebuild()


# --- pure decisions -------------------------------------------------------------------------------


def totals_of(calculation: TaxCalculation) -> OrderTotals:
    """An order's totals from its tax calculation (each amount already rounded to the currency)."""
    view = TaxCalculationView.of(calculation)
    return OrderTotals(
        subtotal=view.subtotal,
        discounts=view.discounts,
        shipping=view.shipping_total,
        net_total=view.net_total,
        tax_by_rate=view.tax_by_rate,
        tax_total=view.tax_total,
        grand_total=view.grand_total,
    )


def seen_of(line: CheckoutLineView) -> SeenPrice:
    """What the review records of a line as the buyer sees it now."""
    available = not (line.hidden or line.deleted or line.discontinued)
    return SeenPrice(unit_price=line.price.unit_price.amount if line.price else None, available=available)


def _change(line: CheckoutLineView) -> ChangeKind | None:
    if line.deleted:
        return "deleted"
    if line.hidden:
        return "hidden"
    if line.discontinued:
        return "discontinued"
    if line.price is None:
        return "not_priced"
    return None


def changes(seen: Sequence[SeenPrice | None], now: Sequence[CheckoutLineView]) -> list[LineChange]:
    """Every line that cannot be ordered as reviewed: unavailable or unpriced now, or at another unit
    price than the one seen (a line never reviewed counts by its state now only)."""
    found = []
    for before, line in zip(seen, now, strict=True):
        kind: ChangeKind | None = _change(line)
        price = line.price.unit_price.amount if line.price else None
        if kind is None and before is not None and before.unit_price is not None:
            if Decimal(before.unit_price) != Decimal(str(price)):
                kind = "price_changed"
        if kind is not None:
            found.append(
                LineChange(
                    position=line.position,
                    sku=line.sku,
                    change=kind,
                    seen_unit_price=before.unit_price if before else None,
                    unit_price=price,
                )
            )
    return found


def completed(checkout: Checkout) -> list[CheckoutStepName]:
    """The steps the checkout has completed, in the steps' order: both addresses chosen, a shipping
    method chosen, the payment term accepted, the review recorded."""
    done = {
        CheckoutStepName.ADDRESSES: checkout.billing_address is not None
        and checkout.shipping_address is not None,
        CheckoutStepName.SHIPPING: checkout.shipping_method_id is not None,
        CheckoutStepName.PAYMENT: checkout.payment_term_code is not None,
        CheckoutStepName.REVIEW: checkout.seen_grand_total is not None,
    }
    return [step.name for step in DEFAULT_CHECKOUT_STEPS.steps if done.get(step.name, False)]
