"""Quick order parsing: pasted text and CSV into rows, each a candidate line or its error."""

from __future__ import annotations

import pytest

from chalicelib.domain.quick_order import ParsedRow, QuickOrderError, parse
from chalicelib.domain.shopping_lists import MAX_BATCH


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("HB-100 5", [ParsedRow(1, "HB-100", "5", None)]),
        ("HB-100 5 box", [ParsedRow(1, "HB-100", "5", "box")]),
        ("HB-100\t2.5\tKG", [ParsedRow(1, "HB-100", "2.5", "kg")]),
        ("HB-100,3,each", [ParsedRow(1, "HB-100", "3", "each")]),
        ("HB-100; 3 ;each", [ParsedRow(1, "HB-100", "3", "each")]),
        (
            "\n  \nHB-100 1\r\n\nHN-200 2\n",
            [ParsedRow(3, "HB-100", "1", None), ParsedRow(5, "HN-200", "2", None)],
        ),
        ("HB-100", [ParsedRow(1, "HB-100", None, None, "missing_quantity", "a quantity is required")]),
        (
            "HB-100 five",
            [ParsedRow(1, "HB-100", "five", None, "bad_quantity", "must be a decimal number like 12.5")],
        ),
        (
            "HB-100 -1",
            [ParsedRow(1, "HB-100", "-1", None, "bad_quantity", "must be a decimal number like 12.5")],
        ),
        (
            "HB-100 1e3",
            [ParsedRow(1, "HB-100", "1e3", None, "bad_quantity", "must be a decimal number like 12.5")],
        ),
        ("#$% 1", [ParsedRow(1, "#$%", "1", None, "unknown_sku", "no such product")]),
        (
            "HB-100 1 box extra",
            [ParsedRow(1, "HB-100", None, None, "too_many_fields", "expected SKU, quantity and unit")],
        ),
        ("HB-100 1 B@X", [ParsedRow(1, "HB-100", "1", "B@X", "wrong_unit", "not a unit of this product")]),
    ],
    ids=[
        "sku and quantity",
        "with a unit",
        "tabs, unit folded to lower case",
        "commas",
        "semicolons and spaces",
        "blank lines skipped, rows keep their line numbers",
        "no quantity",
        "a word for a quantity",
        "a negative quantity",
        "an exponent",
        "a SKU no product can have",
        "too many fields",
        "a unit no product can have",
    ],
)
def test_pasted_text_becomes_rows(content: str, expected: list[ParsedRow]) -> None:
    # given pasted text
    # when it is parsed
    rows = parse("text", content)
    # then each non-blank line is a row, valid or with its error
    assert rows == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "sku,quantity,unit\nHB-100,5,box\nHN-200,2,",
            [ParsedRow(2, "HB-100", "5", "box"), ParsedRow(3, "HN-200", "2", None)],
        ),
        ("Quantity;SKU\n4;HB-100", [ParsedRow(2, "HB-100", "4", None)]),
        ("sku\tquantity\n\nHB-100\t1", [ParsedRow(3, "HB-100", "1", None)]),
        ('sku,quantity\n"HB-100","7"', [ParsedRow(2, "HB-100", "7", None)]),
        (
            "sku,quantity\nHB-100,",
            [ParsedRow(2, "HB-100", None, None, "missing_quantity", "a quantity is required")],
        ),
        (
            "sku,quantity\nHB-100,1,x",
            [ParsedRow(2, "HB-100", None, None, "too_many_fields", "expected SKU, quantity and unit")],
        ),
    ],
    ids=[
        "header in order",
        "columns in another order, semicolons",
        "tabs",
        "quoted",
        "empty quantity",
        "extra field",
    ],
)
def test_csv_becomes_rows_by_its_header(content: str, expected: list[ParsedRow]) -> None:
    # given a CSV with a header row
    # when it is parsed
    rows = parse("csv", content)
    # then its columns are read by name
    assert rows == expected


@pytest.mark.parametrize(
    ("format", "content"),
    [
        ("csv", "HB-100,5"),
        ("csv", "sku,quantity,price\nHB-100,5,3"),
        ("csv", "sku,quantity"),
        ("text", "\n \n"),
        ("text", "\n".join(f"SKU-{n} 1" for n in range(MAX_BATCH + 1))),
    ],
    ids=["no header", "an unknown column", "a header only", "nothing but blanks", "too many rows"],
)
def test_input_that_cannot_be_read_as_a_whole_is_refused(format: str, content: str) -> None:
    # given input without rows, without its header, or with too many rows
    # when it is parsed
    # then it is refused as a whole
    with pytest.raises(QuickOrderError):
        parse(format, content)  # type: ignore[arg-type]
