"""domain.catalog: attribute values against their definitions, units of measure, product structure."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.catalog.attributes import Attribute, removed_options, value_errors, value_problem
from chalicelib.domain.catalog.products import (
    MAX_SEARCH_TOKENS,
    ProductFields,
    UnitOfMeasure,
    structure_errors,
    unit_errors,
    units_errors,
)

STAMP = {"version": 1, "created_at": "2026-12-01T00:00:00Z", "updated_at": "2026-12-01T00:00:00Z"}
OPTIONS = [{"code": "red", "label": {"en": "Red"}}, {"code": "blue", "label": {"en": "Blue"}}]
ORGANIZATION = "org_01JD0000000000000000000000"


def _attribute(kind: str, **fields: Any) -> Attribute:
    options = OPTIONS if kind in ("enum", "multi_enum") else []
    body = {
        "id": kind,
        "code": kind,
        "kind": kind,
        "label": {"en": kind},
        "options": options,
        **STAMP,
        **fields,
    }
    return Attribute.model_validate(body, strict=False)


@pytest.mark.parametrize(
    ("kind", "value", "accepted"),
    [
        pytest.param("text", "steel", True, id="text"),
        pytest.param("text", "", False, id="text-empty"),
        pytest.param("text", "x" * 1001, False, id="text-too-long"),
        pytest.param("text", 3, False, id="text-number"),
        pytest.param("number", "12.5", True, id="number-decimal-string"),
        pytest.param("number", "-3", True, id="number-negative"),
        pytest.param("number", 12.5, False, id="number-json-float"),
        pytest.param("number", "1e3", False, id="number-exponent"),
        pytest.param("number", True, False, id="number-boolean"),
        pytest.param("number", "NaN", False, id="number-nan"),
        pytest.param("boolean", False, True, id="boolean"),
        pytest.param("boolean", "true", False, id="boolean-text"),
        pytest.param("enum", "red", True, id="enum"),
        pytest.param("enum", "green", False, id="enum-unknown-option"),
        pytest.param("enum", ["red"], False, id="enum-list"),
        pytest.param("multi_enum", ["red", "blue"], True, id="multi-enum"),
        pytest.param("multi_enum", [], False, id="multi-enum-empty"),
        pytest.param("multi_enum", ["red", "red"], False, id="multi-enum-repeat"),
        pytest.param("multi_enum", ["green"], False, id="multi-enum-unknown-option"),
        pytest.param("multi_enum", "red", False, id="multi-enum-text"),
    ],
)
def test_a_value_is_checked_against_its_attributes_kind(kind: str, value: Any, accepted: bool) -> None:
    # given an attribute of the kind
    attribute = _attribute(kind)
    # when a value is checked
    problem = value_problem(attribute, value)
    # then it is accepted or explained
    assert (problem is None) is accepted, problem


def test_value_errors_name_each_field_and_unknown_attributes() -> None:
    # given the definitions of colour (enum) and coated (boolean)
    definitions = {"enum": _attribute("enum"), "boolean": _attribute("boolean")}
    # when values with a wrong type and an unknown attribute are checked
    errors = value_errors({"enum": "red", "boolean": "no", "weight": "1"}, definitions)
    # then each is named where it was sent
    assert [(error["loc"], error["type"]) for error in errors] == [
        ("body.attributes.boolean", "value_error"),
        ("body.attributes.weight", "not_found"),
    ]


def test_removed_options_are_those_left_out() -> None:
    # given an enum with red and blue, changed to red and green
    before = _attribute("enum")
    after = _attribute("enum", options=[OPTIONS[0], {"code": "green", "label": {"en": "Green"}}])
    # then blue is the removed one
    assert removed_options(before, after) == ["blue"]


def _unit(**fields: Any) -> UnitOfMeasure:
    return UnitOfMeasure.model_validate({"code": "box", "label": {"en": "box"}, **fields}, strict=False)


@pytest.mark.parametrize(
    ("fields", "primary", "refused"),
    [
        pytest.param({"conversion_factor": "12"}, False, [], id="box-of-12"),
        pytest.param({"conversion_factor": "0.5"}, False, [], id="half"),
        pytest.param({"conversion_factor": "0"}, False, ["conversion_factor"], id="zero"),
        pytest.param({"conversion_factor": "0.000"}, False, ["conversion_factor"], id="zero-with-decimals"),
        pytest.param({"conversion_factor": "12"}, True, ["conversion_factor"], id="primary-not-1"),
        pytest.param(
            {"min_order_quantity": "1.5"}, False, ["min_order_quantity"], id="decimals-beyond-precision"
        ),
        pytest.param(
            {"precision": 1, "min_order_quantity": "1.5"}, False, [], id="decimals-within-precision"
        ),
        pytest.param({"precision": 2, "min_order_quantity": "1.50"}, False, [], id="trailing-zero"),
        pytest.param({"min_order_quantity": "0"}, False, ["min_order_quantity"], id="minimum-zero"),
        pytest.param({"order_increment": "0"}, False, ["order_increment"], id="increment-zero"),
        pytest.param(
            {"min_order_quantity": "10", "max_order_quantity": "5"},
            False,
            ["max_order_quantity"],
            id="min-above-max",
        ),
        pytest.param(
            {"min_order_quantity": "2", "max_order_quantity": "10", "order_increment": "4"},
            False,
            [],
            id="max-reachable",
        ),
        pytest.param(
            {"min_order_quantity": "2", "max_order_quantity": "9", "order_increment": "4"},
            False,
            ["max_order_quantity"],
            id="max-unreachable",
        ),
        pytest.param({"max_order_quantity": "9", "order_increment": "3"}, False, [], id="from-the-increment"),
    ],
)
def test_a_unit_of_measure_is_consistent(fields: dict[str, Any], primary: bool, refused: list[str]) -> None:
    # given a unit  # when its rules are checked
    errors = unit_errors(_unit(**fields), "body.units[0]", primary=primary)
    # then exactly the inconsistent fields are named
    assert [error["loc"] for error in errors] == [f"body.units[0].{name}" for name in refused]


def _product(**fields: Any) -> ProductFields:
    body = {"organization_id": ORGANIZATION, "sku": "A-1", "name": {"en": "Bolt"}, **fields}
    return ProductFields.model_validate(body, strict=False)


def test_the_primary_unit_is_one_of_the_units_and_codes_do_not_repeat() -> None:
    # given a product whose units repeat a code and whose primary unit is none of them
    product = _product(
        units=[{"code": "each", "label": {"en": "each"}}, {"code": "each", "label": {"en": "each"}}],
        primary_unit="box",
    )
    # then both are named
    assert [error["loc"] for error in units_errors(product)] == ["body.units[1].code", "body.primary_unit"]


CATEGORY = "cat_01JD0000000000000000000000"
OTHER_CATEGORY = "cat_01JD0000000000000000000001"
PARENT = "prd_01JD0000000000000000000000"


@pytest.mark.parametrize(
    ("fields", "refused"),
    [
        pytest.param(
            {"primary_category_id": CATEGORY, "category_ids": [OTHER_CATEGORY]}, [], id="categories"
        ),
        pytest.param({"category_ids": [CATEGORY]}, ["body.primary_category_id"], id="others-without-primary"),
        pytest.param(
            {"primary_category_id": CATEGORY, "category_ids": [CATEGORY]},
            ["body.category_ids"],
            id="primary-repeated",
        ),
        pytest.param(
            {"parent_id": PARENT, "primary_category_id": CATEGORY},
            ["body.primary_category_id"],
            id="variant-in-category",
        ),
        pytest.param(
            {"parent_id": PARENT, "variant_attributes": ["size"]},
            ["body.variant_attributes"],
            id="variant-of-variant",
        ),
        pytest.param(
            {"name": {"en": " ".join(f"word{n}" for n in range(MAX_SEARCH_TOKENS))}},
            ["body.name"],
            id="too-many-tokens",
        ),
        pytest.param(
            {"long_description": dict.fromkeys(("en", "de", "fr", "it", "es", "nl"), "x" * 20000)},
            ["body"],
            id="too-large-for-its-event",
        ),
    ],
)
def test_a_products_structure_is_checked(fields: dict[str, Any], refused: list[str]) -> None:
    # given a product  # when its structure is checked  # then exactly these fields are named
    assert [error["loc"] for error in structure_errors(_product(**fields))] == refused


def _at_every_cap(tag: str, **fields: Any) -> Any:
    """A stored product using every cap, its categories, attributes and words all named by ``tag``."""
    from chalicelib.domain.catalog.products import MAX_ATTRIBUTE_VALUES, MAX_CATEGORIES, Product

    categories = [f"cat_01JD{tag}{n:021d}" for n in range(MAX_CATEGORIES)]
    words = " ".join(f"{tag}word{n}" for n in range(MAX_SEARCH_TOKENS - 1))
    body = {
        "id": "prd_01JD0000000000000000000000",
        "organization_id": ORGANIZATION,
        "sku": f"{tag}-SKU",
        "name": {"en": words},
        "primary_category_id": categories[0],
        "category_ids": categories[1:],
        "attributes": {f"{tag.lower()}{n}": "x" for n in range(MAX_ATTRIBUTE_VALUES)},
        **STAMP,
        **fields,
    }
    return Product.model_validate(body, strict=False)


def test_a_product_change_at_every_cap_fits_in_one_transaction() -> None:
    from chalicelib.services.catalog.products import Placement, _derived_writes
    from chalicelib.store.repository import MAX_TRANSACTION_ITEMS, Transaction

    # given a product at every cap, changed so that all its categories, attributes and words change
    before, after = _at_every_cap("A"), _at_every_cap("B", version=2)
    assert structure_errors(before) == structure_errors(after) == []
    transaction = Transaction()

    # when the change's writes are gathered (the product, its event and a SKU move besides)
    _derived_writes("acme", Placement(before, "en"), Placement(after, "en"))(transaction)

    # then they fit in one transaction with the product item and its event
    assert len(transaction.writes) + 2 <= MAX_TRANSACTION_ITEMS
