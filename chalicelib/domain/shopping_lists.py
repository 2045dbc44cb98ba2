"""Shopping lists: their fields, their lines in chunks, and what a line's quantity must respect.

A list's lines are stored in chunks of at most :data:`CHUNK_SIZE` (``docs/orders-design.md`` says
why): :class:`ListLines` places each new line in the first chunk with room, so at most
:data:`MAX_LINES` / :data:`CHUNK_SIZE` chunks are ever in use, and tells which chunks a change
touched, the only ones written back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from chalicelib.domain.base import Input, Name, Stamped, Timestamp, Version, View, patch_model
from chalicelib.domain.catalog.products import (
    Product,
    ProductId,
    Quantity,
    Sku,
    UnitCode,
    UnitOfMeasure,
    decimal_places,
)
from chalicelib.domain.money import Money, MoneyView, round_money
from chalicelib.domain.pricing.resolve import LinePrice

MAX_LINES = 1000  # lines of one list
MAX_LISTS = 100  # lists of one user on one website
MAX_BATCH = 200  # lines of one bulk add or quick order
CHUNK_SIZE = 50  # lines of one stored chunk
MAX_CHUNKS = MAX_LINES // CHUNK_SIZE
DEFAULT_LIST_NAME = "Shopping list"

_ULID = "[0-9A-HJKMNP-TV-Z]{26}"
ShoppingListId = Annotated[str, StringConstraints(pattern=rf"^sls_{_ULID}$")]
LineId = Annotated[str, StringConstraints(pattern=rf"^sll_{_ULID}$")]
Notes = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class ShoppingListFields(Input):
    name: Name
    notes: Notes | None = None
    shared: bool = Field(default=False, description="readable by the owner's unit (as their roles allow)")


ShoppingListPatch = patch_model(ShoppingListFields, "ShoppingListPatch")


class DuplicateFields(Input):
    name: Name | None = Field(default=None, description="the copy's name (default: the list's, with (copy))")


class LineFields(Input):
    """A line to add: its product by id or by SKU (one of them), a unit of the product (default: its
    primary unit) and a quantity in that unit."""

    product_id: ProductId | None = None
    sku: Sku | None = None
    unit: UnitCode | None = None
    quantity: Quantity
    notes: Notes | None = None

    @model_validator(mode="after")
    def _one_product(self) -> LineFields:
        if (self.product_id is None) == (self.sku is None):
            raise ValueError("name the product by product_id or by sku, not both")
        return self


class LinesFields(Input):
    lines: list[LineFields] = Field(min_length=1, max_length=MAX_BATCH)
    version: Version | None = None


class LinePatch(Input):
    quantity: Quantity | None = None
    notes: Notes | None = None
    version: Version | None = None


class TransferFields(Input):
    """Lines of this list to move or copy into another list (same product and unit: quantities add)."""

    line_ids: list[LineId] = Field(min_length=1, max_length=MAX_LINES)
    target_list_id: ShoppingListId
    mode: Literal["move", "copy"] = "move"


class MergeFields(Input):
    """Every line of ``source_list_id`` into this list; with ``remove_source`` the source is deleted."""

    source_list_id: ShoppingListId
    remove_source: bool = False
    version: Version | None = None


class ShoppingList(Stamped):
    name: str
    notes: str | None = None
    shared: bool = False
    owner_id: str
    unit_id: str
    customer_id: str
    website_id: str
    line_count: int = 0


class ShoppingListView(ShoppingList):
    default: bool = Field(description="the owner's default list on this website")


class LineView(View):
    id: str
    product_id: str
    sku: str
    unit: str
    quantity: str
    notes: str | None = None
    added_at: Timestamp
    hidden: bool = Field(description="the caller no longer sees the product on this website")
    discontinued: bool = Field(description="the product's inventory says discontinued")
    deleted: bool = Field(description="the product no longer exists")
    price: LinePrice | None = Field(
        default=None, description="the caller's price of the line now (none: hidden, deleted or not priced)"
    )
    not_priced: bool = Field(
        default=False, description="the caller sees the product but none of their price lists prices the line"
    )


class ShoppingListDetail(ShoppingListView):
    currency: str = Field(description="the currency of the lines' prices (`?currency=`, else the website's)")
    tax_included: bool = Field(description="the website's prices include tax (its prices_include_tax)")
    subtotal: MoneyView | None = Field(
        description="the sum of the priced lines' totals in this answer (the page of lines shown); none "
        "when the caller may not see prices"
    )
    lines: list[LineView]
    next_cursor: str | None = Field(description="the next page of lines, if any (query cursor)")


@dataclass(frozen=True)
class Line:
    """A stored line."""

    id: str
    product_id: str
    sku: str
    unit: str
    quantity: str
    notes: str | None
    added_at: str

    def stored(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "product_id": self.product_id,
            "sku": self.sku,
            "unit": self.unit,
            "quantity": self.quantity,
            "notes": self.notes,
            "added_at": self.added_at,
        }

    def summary(self) -> dict[str, str]:
        """What an event says of a changed line."""
        return {"id": self.id, "product_id": self.product_id, "unit": self.unit, "quantity": self.quantity}

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Line:
        return cls(
            id=data["id"],
            product_id=data["product_id"],
            sku=data["sku"],
            unit=data["unit"],
            quantity=data["quantity"],
            notes=data.get("notes"),
            added_at=data["added_at"],
        )


def add_quantities(first: str, second: str) -> str:
    """The sum of two quantity strings, without trailing zeros (``1.50`` + ``1`` is ``2.5``)."""
    total = Decimal(first) + Decimal(second)
    return format(total.normalize(), "f") if total != total.to_integral() else str(int(total))


@dataclass
class ListLines:
    """A list's lines by chunk, and the chunks a change touched."""

    chunks: dict[int, dict[str, Line]] = field(default_factory=dict)
    touched: set[int] = field(default_factory=set)
    changed: dict[str, Line] = field(default_factory=dict)  # lines added, changed or removed, by id

    @classmethod
    def of(cls, chunks: Mapping[int, Iterable[Mapping[str, Any]]]) -> ListLines:
        return cls({n: {(line := Line.of(data)).id: line for data in lines} for n, lines in chunks.items()})

    def __len__(self) -> int:
        return sum(len(lines) for lines in self.chunks.values())

    def all(self) -> list[Line]:
        """Every line, oldest first (ids are ULIDs: they sort by creation)."""
        return sorted((line for lines in self.chunks.values() for line in lines.values()), key=lambda x: x.id)

    def find(self, line_id: str) -> Line | None:
        return next((lines[line_id] for lines in self.chunks.values() if line_id in lines), None)

    def _chunk_of(self, line_id: str) -> int:
        return next(n for n, lines in self.chunks.items() if line_id in lines)

    def same_item(self, product_id: str, unit: str) -> Line | None:
        return next((line for line in self.all() if (line.product_id, line.unit) == (product_id, unit)), None)

    def put(self, line: Line) -> None:
        """Add a line, or replace the line with its id where it is."""
        if self.find(line.id) is not None:
            chunk = self._chunk_of(line.id)
        else:
            with_room = [n for n in sorted(self.chunks) if len(self.chunks[n]) < CHUNK_SIZE]
            chunk = with_room[0] if with_room else min(set(range(len(self.chunks) + 1)) - set(self.chunks))
            self.chunks.setdefault(chunk, {})
        self.chunks[chunk][line.id] = line
        self.touched.add(chunk)
        self.changed[line.id] = line

    def add(self, line: Line) -> Line:
        """Add a line; one with the same product and unit takes its quantity instead.
        Returns the line kept."""
        existing = self.same_item(line.product_id, line.unit)
        if existing is None:
            self.put(line)
            return line
        merged = Line(
            id=existing.id,
            product_id=existing.product_id,
            sku=existing.sku,
            unit=existing.unit,
            quantity=add_quantities(existing.quantity, line.quantity),
            notes=existing.notes or line.notes,
            added_at=existing.added_at,
        )
        self.put(merged)
        return merged

    def remove(self, line_id: str) -> Line:
        chunk = self._chunk_of(line_id)
        line = self.chunks[chunk].pop(line_id)
        self.touched.add(chunk)
        self.changed[line.id] = line
        return line

    def stored_chunks(self) -> tuple[dict[int, list[dict[str, Any]]], list[int]]:
        """The touched chunks to write (by number) and those now empty (to delete)."""
        written = {
            n: [line.stored() for line in self.chunks[n].values()] for n in self.touched if self.chunks[n]
        }
        emptied = [n for n in self.touched if not self.chunks[n]]
        return written, emptied


def subtotal(lines: Iterable[LineView], currency: str) -> MoneyView:
    """The sum of the priced lines' totals (lines without a price add nothing), written to the
    currency's minor unit (the totals are rounded already: no rounding happens here)."""
    total = Money.zero(currency)
    for line in lines:
        if line.price is not None:
            total += Money(Decimal(line.price.line_total.amount), currency)
    return MoneyView.of(round_money(total))


QuantityProblem = Literal["bad_quantity", "below_minimum", "above_maximum", "not_a_multiple"]


def quantity_problem(unit: UnitOfMeasure, quantity: Decimal) -> tuple[QuantityProblem, str] | None:
    """Why ``quantity`` of ``unit`` cannot be on a line (None if it can): zero, more decimals than the
    unit's precision, below its minimum, above its maximum, or not reachable in its increments from
    the minimum (or from zero), as the unit's own checks read the maximum."""
    if quantity <= 0:
        return "bad_quantity", "must be greater than zero"
    if decimal_places(quantity) > unit.precision:
        return "bad_quantity", f"has more decimal places than the unit's precision ({unit.precision})"
    minimum = Decimal(unit.min_order_quantity) if unit.min_order_quantity is not None else None
    maximum = Decimal(unit.max_order_quantity) if unit.max_order_quantity is not None else None
    increment = Decimal(unit.order_increment) if unit.order_increment is not None else None
    if minimum is not None and quantity < minimum:
        return "below_minimum", f"is below the minimum order quantity ({unit.min_order_quantity})"
    if maximum is not None and quantity > maximum:
        return "above_maximum", f"is above the maximum order quantity ({unit.max_order_quantity})"
    if increment is not None and (quantity - (minimum or 0)) % increment:
        start = f"{unit.min_order_quantity} plus " if minimum is not None else ""
        return "not_a_multiple", f"must be {start}a multiple of the order increment ({unit.order_increment})"
    return None


LineProblemCode = Literal["unknown_product", "wrong_unit", QuantityProblem]


@dataclass(frozen=True)
class LineProblem:
    field: Literal["product", "unit", "quantity"]
    code: LineProblemCode
    message: str


def line_problem(product: Product | None, unit_code: str | None, quantity: str) -> LineProblem | None:
    """Why a line of ``quantity`` ``unit_code`` (None: the primary unit) of ``product`` (None: one the
    caller does not see, or nothing at all: the same answer) cannot be added, or None."""
    if product is None:
        return LineProblem("product", "unknown_product", "no such product")
    code = unit_code or product.primary_unit
    unit = next((unit for unit in product.units if unit.code == code), None)
    if unit is None:
        units = ", ".join(unit.code for unit in product.units)
        return LineProblem("unit", "wrong_unit", f"not a unit of this product ({units})")
    problem = quantity_problem(unit, Decimal(quantity))
    return None if problem is None else LineProblem("quantity", *problem)
