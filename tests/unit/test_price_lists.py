"""domain.pricing.price_lists: schedules, price rows against their products, merging rows, assignments."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.catalog.products import Product
from chalicelib.domain.pricing.price_lists import (
    ListScope,
    PriceListAssignment,
    PriceRowInput,
    Schedule,
    apply_rows,
    canonical_quantity,
    row_errors,
)

STAMP = {"version": 1, "created_at": "2026-12-01T00:00:00Z", "updated_at": "2026-12-01T00:00:00Z"}
ORGANIZATION = "org_01JD0000000000000000000000"
BOLT = "prd_01JD0000000000000000000001"
SCOPE = ListScope(ORGANIZATION, frozenset({"EUR"}))


def _product(product_id: str = BOLT, organization_id: str = ORGANIZATION) -> Product:
    units = [
        {"code": "each", "label": {"en": "each"}},
        {"code": "kg", "label": {"en": "kg"}, "precision": 1},
    ]
    body = {"id": product_id, "organization_id": organization_id, "sku": "HB", "name": {"en": "Bolt"}}
    return Product.model_validate({**body, "units": units, **STAMP}, strict=False)


def _row(**fields: Any) -> PriceRowInput:
    body = {"product_id": BOLT, "unit": "each", "currency": "EUR", "min_quantity": "1", "value": "1.00"}
    return PriceRowInput.model_validate({**body, **fields})


def _errors(*rows: PriceRowInput, products: dict[str, Product] | None = None) -> list[str]:
    known = {BOLT: _product()} if products is None else products
    resolved = [row.product_id for row in rows]
    return [error["loc"] for error in row_errors(list(rows), known, resolved, SCOPE)]


def test_valid_rows_have_no_errors() -> None:
    # when / then
    assert _errors(_row(), _row(min_quantity="10"), _row(unit="kg", min_quantity="2.5")) == []


@pytest.mark.parametrize(
    ("row", "loc"),
    [
        ({"currency": "USD"}, "body.rows[0].currency"),
        ({"unit": "box"}, "body.rows[0].unit"),
        ({"min_quantity": "0"}, "body.rows[0].min_quantity"),
        ({"unit": "kg", "min_quantity": "0.25"}, "body.rows[0].min_quantity"),
    ],
)
def test_a_row_outside_its_product_or_list_names_its_field(row: dict[str, Any], loc: str) -> None:
    # when / then
    assert _errors(_row(**row)) == [loc]


def test_a_product_of_another_organization_is_not_found() -> None:
    # when / then
    other = {BOLT: _product(organization_id="org_01JD0000000000000000000009")}
    assert _errors(_row(), products=other) == ["body.rows[0].product_id"]


def test_two_rows_of_one_tier_are_refused_whatever_their_spelling() -> None:
    # when / then
    assert _errors(_row(min_quantity="10"), _row(min_quantity="10.00")) == ["body.rows[1].min_quantity"]


def test_a_row_names_its_product_one_way() -> None:
    # when / then
    with pytest.raises(ValidationError):
        _row(sku="HB")


def test_upserts_replace_a_tier_and_deletions_remove_one_in_a_stable_order() -> None:
    # given
    current = [
        {"unit": "each", "currency": "EUR", "min_quantity": "10", "value": "0.9"},
        {"unit": "each", "currency": "EUR", "min_quantity": "1", "value": "1.0"},
        {"unit": "each", "currency": "EUR", "min_quantity": "1", "value": "0.8", "rule_id": "r1"},
    ]

    # when
    rows = apply_rows(
        current,
        upserts=[{"unit": "each", "currency": "EUR", "min_quantity": "1", "value": "1.1"}],
        deletions=[{"unit": "each", "currency": "EUR", "min_quantity": "10"}],
    )

    # then the manual row of tier 1 changed, the rule's row of that tier stayed
    assert [(row["min_quantity"], row["value"], row.get("rule_id")) for row in rows] == [
        ("1", "1.1", None),
        ("1", "0.8", "r1"),
    ]


@pytest.mark.parametrize(("given", "canonical"), [("10", "10"), ("10.00", "10"), ("0.50", "0.5")])
def test_a_tier_is_stored_without_trailing_zeros(given: str, canonical: str) -> None:
    # when / then
    assert canonical_quantity(given) == canonical


@pytest.mark.parametrize(
    "schedule",
    [
        {"valid_from": "2026-12-02T00:00:00", "valid_until": "2026-12-01T00:00:00"},
        {"valid_from": "2026-12-01T00:00:00Z"},
    ],
)
def test_a_schedule_is_local_and_ordered(schedule: dict[str, str]) -> None:
    # when / then
    with pytest.raises(ValidationError):
        Schedule.model_validate_json(json.dumps(schedule))


def test_an_assignment_names_a_list_once() -> None:
    # given
    twice = [{"price_list_id": "prl_01JD0000000000000000000000", "priority": n} for n in (1, 2)]

    # when / then
    with pytest.raises(ValidationError):
        PriceListAssignment.model_validate({"lists": twice})
