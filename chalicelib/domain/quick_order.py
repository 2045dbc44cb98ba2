"""Quick order: pasted text or CSV into numbered rows, each a candidate line or the reason it is not.

Text is one line per row, ``SKU qty [unit]``, its fields separated by spaces, tabs, commas or
semicolons (what a spreadsheet's copy gives); blank lines are skipped. CSV starts with a header row
naming ``sku`` and ``quantity`` and optionally ``unit``, in any order, separated by commas, semicolons
or tabs. Rows are numbered by their line in the input (the header is line 1). Parsing knows nothing
of the catalog: whether a SKU names a product the caller sees, and whether the quantity suits its
unit, is checked afterwards (``services.shopping_lists``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from chalicelib.domain.base import CurrencyCode, Input, LongText, View
from chalicelib.domain.pricing.resolve import LinePrice
from chalicelib.domain.shopping_lists import MAX_BATCH, ShoppingListDetail

QUANTITY = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")
SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}")
UNIT = re.compile(r"[a-z0-9][a-z0-9_-]{0,15}")
_TEXT_FIELDS = re.compile(r"[\s,;]+")
_DELIMITERS = ",;\t"
QuickOrderFormat = Literal["text", "csv"]
ErrorCode = Literal[
    "missing_quantity",
    "too_many_fields",
    "unknown_sku",
    "wrong_unit",
    "bad_quantity",
    "below_minimum",
    "above_maximum",
    "not_a_multiple",
    "not_priced",
]


class QuickOrderInput(Input):
    format: QuickOrderFormat = "text"
    currency: CurrencyCode | None = Field(
        default=None,
        description="the currency of the rows' prices: one of the website's (default: its default)",
    )
    content: LongText = Field(
        description="the pasted text or the CSV file's content (at most 20,000 characters)"
    )


class QuickOrderRow(View):
    row: int = Field(description="the row's line in the input, from 1")
    sku: str | None
    quantity: str | None
    unit: str | None
    product_id: str | None = None
    error: ErrorCode | None = None
    message: str | None = None
    price: LinePrice | None = Field(default=None, description="a valid row's price for the caller")


class QuickOrderResult(View):
    currency: str = Field(description="the currency of the rows' prices")
    tax_included: bool = Field(description="the website's prices include tax (its prices_include_tax)")
    rows: list[QuickOrderRow]
    valid: int
    invalid: int


class QuickOrderAdded(QuickOrderResult):
    shopping_list: ShoppingListDetail = Field(description="the list, with the valid rows added")


@dataclass(frozen=True)
class ParsedRow:
    row: int
    sku: str | None
    quantity: str | None
    unit: str | None
    error: ErrorCode | None = None
    message: str | None = None


class QuickOrderError(ValueError):
    """The input as a whole cannot be read (no header, too many rows): the caller's 422."""


def _row(number: int, fields: list[str]) -> ParsedRow:
    """One row's fields (SKU, quantity, unit) checked for their form."""
    if len(fields) > 3:
        return ParsedRow(number, fields[0], None, None, "too_many_fields", "expected SKU, quantity and unit")
    sku, quantity, unit = (*fields, None, None)[:3]
    if not sku or not SKU.fullmatch(sku):
        return ParsedRow(number, sku or None, quantity, unit, "unknown_sku", "no such product")
    if not quantity:
        return ParsedRow(number, sku, None, unit, "missing_quantity", "a quantity is required")
    if not QUANTITY.fullmatch(quantity):
        return ParsedRow(number, sku, quantity, unit, "bad_quantity", "must be a decimal number like 12.5")
    if unit and not UNIT.fullmatch(unit.lower()):
        return ParsedRow(number, sku, quantity, unit, "wrong_unit", "not a unit of this product")
    return ParsedRow(number, sku, quantity, unit.lower() if unit else None)


def _text(content: str) -> list[ParsedRow]:
    rows = []
    for number, line in enumerate(content.splitlines(), start=1):
        fields = [field for field in _TEXT_FIELDS.split(line.strip()) if field]
        if fields:
            rows.append(_row(number, fields))
    return rows


def _csv(content: str) -> list[ParsedRow]:
    lines = content.splitlines()
    if not lines or not lines[0].strip():
        raise QuickOrderError("a CSV starts with a header row naming sku and quantity (and unit)")
    header_line = lines[0]
    delimiter = max(_DELIMITERS, key=header_line.count)
    records = list(csv.reader(lines, delimiter=delimiter))
    header = [name.strip().lower() for name in records[0]]
    if "sku" not in header or "quantity" not in header or set(header) - {"sku", "quantity", "unit", ""}:
        raise QuickOrderError("the CSV header must name sku and quantity, and may name unit (nothing else)")
    columns = {name: header.index(name) for name in ("sku", "quantity", "unit") if name in header}
    rows = []
    for number, record in enumerate(records[1:], start=2):
        values = [value.strip() for value in record]
        if not any(values):
            continue
        if len(values) > len(header):
            rows.append(_row(number, [*values, "", "", ""]))  # too many fields
            continue
        picked = [values[index] if index < len(values) else "" for index in columns.values()]
        rows.append(_row(number, picked))
    return rows


def parse(format: QuickOrderFormat, content: str) -> list[ParsedRow]:
    """The rows of pasted text or CSV (at most :data:`MAX_BATCH`; more is a :class:`QuickOrderError`)."""
    rows = _text(content) if format == "text" else _csv(content)
    if len(rows) > MAX_BATCH:
        raise QuickOrderError(f"at most {MAX_BATCH} rows at a time")
    if not rows:
        raise QuickOrderError("no rows: paste one product per line (SKU quantity [unit])")
    return rows
