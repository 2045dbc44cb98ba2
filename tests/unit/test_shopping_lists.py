"""Shopping list lines: chunks, merging the same product and unit, and what a quantity must respect."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chalicelib.domain.catalog.products import Product, UnitOfMeasure
from chalicelib.domain.money import MoneyView
from chalicelib.domain.pricing.resolve import LinePrice, LineTier
from chalicelib.domain.shopping_lists import (
    CHUNK_SIZE,
    MAX_CHUNKS,
    MAX_LINES,
    Line,
    LineView,
    ListLines,
    add_quantities,
    line_problem,
    quantity_problem,
    subtotal,
)


def _line(number: int, product: str = "", unit: str = "each", quantity: str = "1") -> Line:
    return Line(
        id=f"sll_{number:026d}",
        product_id=product or f"prd_{number:026d}",
        sku=f"SKU-{number}",
        unit=unit,
        quantity=quantity,
        notes=None,
        added_at="2026-12-05T12:00:00.000Z",
    )


def test_a_full_list_uses_the_fewest_chunks_and_refills_holes_before_opening_one() -> None:
    # given a list of the most lines, less one line of the first chunk
    lines = ListLines()
    for number in range(MAX_LINES):
        lines.put(_line(number))
    removed = lines.all()[0]
    lines = ListLines(lines.chunks)
    lines.remove(removed.id)

    # when a line is added
    lines.put(_line(MAX_LINES))

    # then it fills the hole: the chunks stay the fewest, and only that chunk is written
    assert len(lines.chunks) == MAX_CHUNKS
    assert all(len(chunk) == CHUNK_SIZE for chunk in lines.chunks.values())
    assert lines.touched == {0}


def test_a_line_of_the_same_product_and_unit_adds_its_quantity() -> None:
    # given a list holding 1.5 kg of a product
    lines = ListLines()
    lines.add(_line(1, "prd_A", "kg", "1.5"))

    # when 2 kg and 3 each of it are added
    kept = lines.add(_line(2, "prd_A", "kg", "2"))
    lines.add(_line(3, "prd_A", "each", "3"))

    # then the kilograms add up on the first line, the pieces are a line of their own
    assert (kept.id, kept.quantity) == (_line(1).id, "3.5")
    assert [(line.unit, line.quantity) for line in lines.all()] == [("kg", "3.5"), ("each", "3")]


def test_a_removed_line_empties_its_chunk_which_is_then_deleted() -> None:
    # given a list of one line, stored
    lines = ListLines.of({0: [_line(1).stored()]})

    # when the line is removed
    lines.remove(_line(1).id)

    # then its chunk is written as deleted, and the event knows the line
    assert lines.stored_chunks() == ({}, [0])
    assert list(lines.changed) == [_line(1).id]


@pytest.mark.parametrize(
    ("first", "second", "total"),
    [("1", "2", "3"), ("1.50", "1", "2.5"), ("0.1", "0.2", "0.3"), ("10", "0.000", "10")],
)
def test_quantities_add_exactly_without_trailing_zeros(first: str, second: str, total: str) -> None:
    assert add_quantities(first, second) == total


BOX = UnitOfMeasure(
    code="box",
    label={"en": "box"},
    precision=0,
    min_order_quantity="10",
    max_order_quantity="100",
    order_increment="5",
)
KG = UnitOfMeasure(code="kg", label={"en": "kg"}, precision=2, order_increment="0.25")


@pytest.mark.parametrize(
    ("unit", "quantity", "expected"),
    [
        (BOX, "10", None),
        (BOX, "15", None),
        (BOX, "100", None),
        (BOX, "0", "bad_quantity"),
        (BOX, "10.5", "bad_quantity"),
        (BOX, "5", "below_minimum"),
        (BOX, "105", "above_maximum"),
        (BOX, "12", "not_a_multiple"),
        (KG, "0.75", None),
        (KG, "0.3", "not_a_multiple"),
        (KG, "0.125", "bad_quantity"),
    ],
)
def test_a_quantity_respects_the_units_precision_minimum_maximum_and_increment(
    unit: UnitOfMeasure, quantity: str, expected: str | None
) -> None:
    # given a unit and a quantity
    # when it is checked
    problem = quantity_problem(unit, Decimal(quantity))
    # then it is accepted or refused for the first rule it breaks
    assert (problem[0] if problem else None) == expected


def test_a_line_names_one_of_its_products_units_and_the_primary_one_by_default() -> None:
    # given a product sold by the box (primary) and by the kilogram
    product = Product.model_validate(
        {
            "id": "prd_01JD0000000000000000000000",
            "version": 1,
            "created_at": "2026-12-05T12:00:00Z",
            "updated_at": "2026-12-05T12:00:00Z",
            "organization_id": "org_01JD0000000000000000000000",
            "sku": "HB-100",
            "name": {"en": "Hex bolt"},
            "units": [BOX.model_dump(), KG.model_dump()],
            "primary_unit": "box",
        },
        strict=False,
    )

    # when lines of it are checked
    problems = {
        case: line_problem(*arguments)
        for case, arguments in {
            "primary": (product, None, "20"),
            "kg": (product, "kg", "1.25"),
            "litre": (product, "l", "1"),
            "unseen": (None, None, "1"),
        }.items()
    }

    # then a unit it is not sold in and a product not seen are refused
    assert problems["primary"] is None
    assert problems["kg"] is None
    assert problems["litre"] is not None
    assert (problems["litre"].field, problems["litre"].code) == (
        "unit",
        "wrong_unit",
    )
    assert problems["unseen"] is not None
    assert problems["unseen"].code == "unknown_product"


def _view(number: int, total: str | None) -> LineView:
    price = None
    if total is not None:
        tier = LineTier(min_quantity="1", price_list_id="prl_1")
        money = MoneyView(amount=total, currency="EUR")
        price = LinePrice(unit_price=money, tier=tier, line_total=money)
    return LineView(
        **_line(number).stored(),
        hidden=False,
        discontinued=False,
        deleted=False,
        price=price,
        not_priced=total is None,
    )


def test_a_subtotal_adds_the_priced_lines_and_skips_the_others() -> None:
    # given two priced lines and one not priced
    lines = [_view(1, "87.50"), _view(2, None), _view(3, "0.40")]

    # when / then
    assert subtotal(lines, "EUR") == MoneyView(amount="87.90", currency="EUR")


def test_a_subtotal_of_no_priced_line_is_zero_in_the_currency_s_minor_unit() -> None:
    assert subtotal([_view(1, None)], "EUR") == MoneyView(amount="0.00", currency="EUR")
