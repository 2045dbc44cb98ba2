"""How large an order's items are, by DynamoDB's own rules of item size: the figures behind
docs/orders-design.md's packing of an order's lines. Prints figures; never asserts.

DynamoDB counts an item as the sum of its attribute names and values: a string its UTF-8 bytes, a
number about one byte per two significant digits plus one, a boolean or null one byte, a map or list
3 bytes plus 1 per element plus its elements (names included, for a map). An item holds at most
400 KB (409,600 bytes); a transaction at most 100 items and 4 MB.

    .venv/bin/python benchmarks/order_item_size.py [--lines 500]
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from typing import Any

ITEM_LIMIT = 400 * 1024
ULID = "01JD" + "0" * 22


def size_of(value: Any) -> int:
    """A value's size as DynamoDB counts it (names of a map's entries included)."""
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, int | Decimal):
        digits = len(str(abs(value)).replace(".", "").strip("0")) or 1
        return (digits + 1) // 2 + 1
    if isinstance(value, list):
        return 3 + sum(1 + size_of(item) for item in value)
    if isinstance(value, dict):
        return 3 + sum(1 + len(name.encode()) + size_of(item) for name, item in value.items())
    raise TypeError(type(value))


def line(number: int, *, worst: bool) -> dict[str, Any]:
    """One order line as the order keeps it: what was ordered, at which price and tax, frozen."""
    name = "N" * 200 if worst else "Hex bolt DIN 933 M8 x 40, zinc plated"
    notes = "n" * 500 if worst else ("deliver to gate 3" if number % 10 == 0 else None)
    return {
        "line": number,
        "product_id": f"prd_{ULID}",
        "sku": "S" * 64 if worst else f"HB-M8x40-{number:05d}",
        "name": name,
        "unit": "box",
        "quantity": "12" if not worst else "123456789012.123456",
        "unit_price": "12.345600",
        "price_list_id": f"prl_{ULID}",
        "subtotal": "148.15",
        "discount": "0.00",
        "tax_code": "standard",
        "tax_rate": "19",
        "tax": "28.15",
        "total": "176.30",
        "weight": "4.8",
        "notes": notes,
    }


def header() -> dict[str, Any]:
    """The order item's own fields besides its lines (addresses, totals, who and when)."""
    address = {
        "label": "Plant Lyon",
        "line1": "1 rue de la République",
        "city": "Lyon",
        "postal_code": "69001",
    }
    return {
        "PK": f"T#acme#ORDER#ord_{ULID}",
        "SK": "ORDER",
        "type": "order",
        "version": 1,
        "data": {
            "id": f"ord_{ULID}",
            "number": "SO-000042",
            "status": "pending",
            "customer_id": f"cus_{ULID}",
            "unit_id": f"unt_{ULID}",
            "buyer_id": f"usr_{ULID}",
            "website_id": f"web_{ULID}",
            "currency": "EUR",
            "billing_address": address | {"country": "FR"},
            "shipping_address": address | {"country": "FR"},
            "shipping_method_id": f"shp_{ULID}",
            "payment_term": "net30",
            "totals": {"subtotal": "74075.00", "shipping": "49.00", "tax": "14084.56", "total": "88208.56"},
            "history": [{"transition": "place", "to_status": "pending", "at": "2026-12-05T12:00:00.000Z"}],
            "created_at": "2026-12-05T12:00:00.000Z",
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500)
    args = parser.parse_args()
    base = size_of(header())
    print(f"order item without lines: {base:,} bytes")
    for worst in (False, True):
        lines = [line(number, worst=worst) for number in range(1, args.lines + 1)]
        per_line = size_of(lines) / len(lines)
        whole = base + size_of(lines) + len("lines") + 1
        fits = int((ITEM_LIMIT - base) // (per_line + 1))
        kind = "longest allowed fields" if worst else "realistic lines"
        print(
            f"{kind}: {per_line:,.0f} bytes a line; {args.lines} lines in the order item: {whole:,} bytes "
            f"({whole / ITEM_LIMIT:.0%} of 400 KB); lines that fit in one item: {fits:,}"
        )
        print(f"  as JSON, for comparison: {len(json.dumps(lines)) / len(lines):,.0f} bytes a line")


if __name__ == "__main__":
    main()
