"""chalicelib.domain.pricing.rules: price rule models, row generation, dependencies, as tables.

The product is an ACME hex bolt in the bolts category (under fasteners), cost 4.20; the base list
prices it each in EUR from 1 (10.00) and from 10 (9.00), and by the box of 100 from 1 (800.00).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.catalog.products import Product
from chalicelib.domain.money import round_amount
from chalicelib.domain.pricing.rules import (
    ListRules,
    PriceRow,
    PriceRule,
    RoundingMode,
    RuleCycleError,
    check_acyclic,
    convert,
    dependents,
    find_cycle,
    generate_rows,
    product_facts,
    product_reads,
    recalculation_order,
    rule_dependencies,
)
from chalicelib.platform.errors import validation_problem

BASE_LIST, OTHER_LIST, THIRD_LIST = (f"prl_01J0000000000000000000000{n}" for n in "ABC")
FASTENERS, BOLTS, GARDEN = "cat_fasteners", "cat_bolts", "cat_garden"
PRODUCT: Mapping[str, Any] = {
    "id": "prd_bolt",
    "sku": "HB-M8",
    "brand": "ACME",
    "kind": "simple",
    "category_ids": (BOLTS, FASTENERS),
    "attributes": {"cost": Decimal("4.20"), "colour": "zinc"},
}
BASE_ROWS = {
    BASE_LIST: [
        PriceRow("each", "EUR", Decimal("10"), Decimal("9.00")),
        PriceRow("box", "EUR", Decimal("1"), Decimal("800.00")),
        PriceRow("each", "EUR", Decimal("1"), Decimal("10.00")),
    ]
}
RATES = {("EUR", "USD"): Decimal("1.0850"), ("GBP", "EUR"): Decimal("1.1600")}


def _rule(number: int = 0, **fields: Any) -> PriceRule:
    return PriceRule.model_validate({"id": f"prr_01J000000000000000000000{number:02d}", **fields})


def _based(number: int = 0, formula: str = "base.value * 0.9", **fields: Any) -> PriceRule:
    return _rule(number, based_on=BASE_LIST, formula=formula, **fields)


def _rows(*rules: PriceRule, rounding: RoundingMode = "half_up") -> list[tuple[str, str, str, str, str]]:
    generated = generate_rows(rules, PRODUCT, BASE_ROWS, RATES, rounding)
    return [
        (row.unit, row.currency, str(row.min_quantity), str(row.value), str(row.rule_id)[-2:])
        for row in generated.rows
    ]


# models


@pytest.mark.parametrize(
    ("fields", "location", "message"),
    [
        ({"formula": "base.value *"}, ("formula",), "syntax error"),
        ({"formula": "product.sku"}, ("formula",), "must give a number, this gives a text"),
        ({"formula": "base.value.__class__"}, ("formula",), "underscore"),
        ({"condition": "product.cost > 1"}, ("condition",), "product has no field 'cost'"),
        ({"condition": "product.attributes.cost"}, (), None),
        ({"condition": "base.value > 1"}, ("condition",), "unknown name 'base'"),
        ({"quantity": "0"}, ("quantity",), "must be greater than 0"),
        ({"quantity": 1}, ("quantity",), "string"),
        ({"formula": 1.5}, ("formula",), "string"),
        ({"currency": "XXY"}, ("currency",), "ISO 4217"),
        ({"priority": -1}, ("priority",), "greater than or equal to 0"),
        ({"based_on": "prl_nope"}, ("based_on",), "should match pattern"),
    ],
)
def test_a_rule_that_does_not_hold_is_refused_where_it_is_wrong(
    fields: dict[str, Any], location: tuple[str, ...], message: str | None
) -> None:
    # given
    rule = {"id": "prr_01J00000000000000000000000", "based_on": BASE_LIST, "formula": "base.value", **fields}

    # when
    if message is None:
        PriceRule.model_validate(rule)  # a condition of value type is checked when evaluated
        return
    with pytest.raises(ValidationError) as raised:
        PriceRule.model_validate(rule)

    # then
    (error,) = raised.value.errors()
    assert error["loc"] == location
    assert message in error["msg"]


def test_a_rule_that_does_not_compile_becomes_a_field_error_with_its_position() -> None:
    # given: the second rule's formula names an input that does not exist
    wrong = {"id": _based(2).id, "based_on": BASE_LIST, "formula": "bse.value"}
    body = {"rules": [_based(1).model_dump(), wrong]}

    # when
    with pytest.raises(ValidationError) as raised:
        ListRules.model_validate(body)
    problem = validation_problem(raised.value, "body")

    # then
    assert problem.status == 422
    assert problem.body()["errors"] == [
        {
            "loc": "body.rules[1].formula",
            "msg": "Value error, line 1, column 1: unknown name 'bse' (known: base, product)",
            "type": "value_error",
        }
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"formula": "product.attributes.cost * 2"},
            "a rule without based_on needs currency, unit, quantity",
        ),
        (
            {"formula": "base.value", "currency": "EUR", "unit": "each", "quantity": "1"},
            "unknown name 'base'",
        ),
    ],
)
def test_a_rule_without_a_base_has_fixed_outputs_and_no_base(fields: dict[str, Any], message: str) -> None:
    # given / when
    with pytest.raises(ValidationError) as raised:
        _rule(**fields)

    # then
    assert message in str(raised.value)


def test_a_lists_rules_have_distinct_ids() -> None:
    # given
    rule = _based().model_dump()

    # when / then
    with pytest.raises(ValidationError, match="rules must not repeat an id"):
        ListRules.model_validate({"rules": [rule, rule]})


def test_a_product_assignment_rule_that_does_not_compile_is_refused() -> None:
    # given / when
    with pytest.raises(ValidationError) as raised:
        ListRules.model_validate({"product_assignment_rule": "product.brand + 1"})

    # then
    assert raised.value.errors()[0]["loc"] == ("product_assignment_rule",)


@pytest.mark.parametrize(
    ("assignment_rule", "expected"),
    [
        (None, True),
        (f"'{FASTENERS}' in product.category_ids", True),
        (f"'{GARDEN}' in product.category_ids", False),
        ("product.brand == 'ACME' and product.attributes.cost < 5", True),
        ("product.attributes.weight > 1", False),  # cannot be evaluated for this product: not priced
    ],
)
def test_a_product_assignment_rule_says_which_products_a_list_prices(
    assignment_rule: str | None, expected: bool
) -> None:
    # given
    rules = ListRules(product_assignment_rule=assignment_rule)

    # when / then
    assert rules.prices(PRODUCT) is expected


def test_product_facts_hold_category_ancestors_and_decimal_numbers() -> None:
    # given
    now = datetime(2026, 12, 1, tzinfo=UTC)
    product = Product.model_validate(
        {
            "id": "prd_bolt",
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "organization_id": "org_01J00000000000000000000000",
            "sku": "HB-M8",
            "name": {"en": "Hex bolt"},
            "primary_category_id": "cat_01J0000000000000000000000B",
            "category_ids": ["cat_01J0000000000000000000000S"],
            "attributes": {"cost": "4.20", "colour": "zinc", "norms": ["din-933"], "coated": True},
        }
    )
    ancestors = {"cat_01J0000000000000000000000B": ["cat_01J0000000000000000000000F"]}

    # when
    facts = product_facts(product, ancestors, number_attributes={"cost"})

    # then
    assert facts == {
        "id": "prd_bolt",
        "sku": "HB-M8",
        "brand": "",
        "kind": "simple",
        "category_ids": (
            "cat_01J0000000000000000000000B",
            "cat_01J0000000000000000000000S",
            "cat_01J0000000000000000000000F",
        ),
        "attributes": {"cost": Decimal("4.20"), "colour": "zinc", "norms": ("din-933",), "coated": True},
    }


# generation


def test_a_rule_based_on_a_list_makes_one_row_per_base_row() -> None:
    # given / when
    rows = _rows(_based(1))

    # then
    assert rows == [
        ("box", "EUR", "1", "720.00", "01"),
        ("each", "EUR", "1", "9.00", "01"),
        ("each", "EUR", "10", "8.10", "01"),
    ]


def test_a_rule_without_a_base_makes_its_one_row() -> None:
    # given
    rule = _rule(formula="product.attributes.cost * 1.35", currency="GBP", unit="each", quantity="5")

    # when / then
    assert _rows(rule) == [("each", "GBP", "5", "5.67", "00")]


def test_the_higher_priority_rule_gives_a_tier_and_lower_ones_fill_the_rest() -> None:
    # given: the 20 % rule comes first (priority 1) but only prices each from 1
    first = _based(1, "base.value * 0.8", priority=1, unit="each", quantity="1")
    second = _based(2, "base.value * 0.9", priority=2)

    # when / then
    assert _rows(second, first) == [
        ("box", "EUR", "1", "720.00", "02"),
        ("each", "EUR", "1", "8.00", "01"),
        ("each", "EUR", "10", "8.10", "02"),
    ]


def test_equal_priorities_are_taken_in_rule_id_order() -> None:
    # given
    one, two = _based(1, "base.value * 0.5"), _based(2, "base.value * 0.9")

    # when / then
    assert {row[-1] for row in _rows(two, one)} == {"01"}


def test_a_fixed_quantity_takes_the_lowest_base_tier() -> None:
    # given: both each tiers would become the tier from 1
    rule = _based(formula="base.value", unit="each", quantity="1")

    # when / then
    assert _rows(rule) == [("each", "EUR", "1", "10.00", "00")]


def test_a_rule_setting_a_unit_reads_only_the_base_rows_in_that_unit() -> None:
    # given
    rule = _based(formula="base.value * 0.9", unit="box")

    # when / then
    assert _rows(rule) == [("box", "EUR", "1", "720.00", "00")]


def test_a_rule_setting_a_currency_prefers_base_rows_already_in_it_to_converted_ones() -> None:
    # given: the base list prices the bolt in EUR and in USD from 1
    base = [
        PriceRow("each", "EUR", Decimal("1"), Decimal("10.00")),
        PriceRow("each", "USD", Decimal("1"), Decimal("11.00")),
    ]

    # when
    generated = generate_rows([_based(currency="USD")], PRODUCT, {BASE_LIST: base}, RATES, "half_up")

    # then
    assert [(row.currency, row.value) for row in generated.rows] == [("USD", Decimal("9.90"))]


@pytest.mark.parametrize(
    ("condition", "priced"),
    [
        (f"'{FASTENERS}' in product.category_ids", True),
        (f"'{GARDEN}' in product.category_ids", False),
        ("product.brand == 'ACME'", True),
        ("product.attributes.colour == 'black'", False),
    ],
)
def test_a_rules_condition_says_which_products_it_prices(condition: str, priced: bool) -> None:
    # given / when
    rows = _rows(_based(condition=condition))

    # then
    assert bool(rows) is priced


@pytest.mark.parametrize(
    ("currency", "base_list_rows", "expected"),
    [
        ("USD", [PriceRow("each", "EUR", Decimal("1"), Decimal("10.00"))], "9.77"),  # 9.00 x 1.0850
        ("GBP", [PriceRow("each", "EUR", Decimal("1"), Decimal("10.00"))], "7.76"),  # 9.00 / 1.16
        ("JPY", [PriceRow("each", "EUR", Decimal("1"), Decimal("10.00"))], None),
        ("EUR", [PriceRow("each", "GBP", Decimal("1"), Decimal("10.00"))], "10.44"),  # 9.00 x 1.16
    ],
)
def test_a_rule_in_another_currency_converts_with_the_tenants_rate(
    currency: str, base_list_rows: list[PriceRow], expected: str | None
) -> None:
    # given
    rule = _based(currency=currency)

    # when
    generated = generate_rows([rule], PRODUCT, {BASE_LIST: base_list_rows}, RATES, "half_up")

    # then
    if expected is None:
        assert generated.rows == ()
        assert [problem.message for problem in generated.problems] == ["no exchange rate from EUR to JPY"]
    else:
        assert [str(row.value) for row in generated.rows] == [expected]
        assert generated.rows[0].currency == currency


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("base.value / (base.quantity - base.quantity)", "division by zero"),
        ("product.attributes.msrp * 2", "product.attributes.msrp is missing"),
        ("product.attributes.colour * 2", "product.attributes.colour is a str, not a number"),
        ("base.value - 100", "gives a negative price"),
    ],
)
def test_a_rule_that_cannot_price_a_row_says_why_and_a_lower_rule_prices_it(
    formula: str, message: str
) -> None:
    # given
    failing = _based(1, formula, priority=1, unit="each", quantity="1")
    fallback = _based(2, "base.value", priority=2, unit="each", quantity="1")

    # when
    generated = generate_rows([failing, fallback], PRODUCT, BASE_ROWS, RATES, "half_up")

    # then
    assert [(row.value, row.rule_id) for row in generated.rows] == [(Decimal("10.00"), fallback.id)]
    assert generated.problems
    assert all(message in problem.message and problem.rule_id == failing.id for problem in generated.problems)


def test_a_condition_that_cannot_be_evaluated_skips_the_rule_and_says_why() -> None:
    # given
    rule = _based(condition="product.attributes.weight > 1")

    # when
    generated = generate_rows([rule], PRODUCT, BASE_ROWS, RATES, "half_up")

    # then
    assert generated.rows == ()
    assert [problem.message for problem in generated.problems] == [
        "condition: product.attributes.weight is missing"
    ]


def test_a_rule_based_on_a_list_without_rows_for_the_product_makes_none() -> None:
    # given / when
    generated = generate_rows([_based()], PRODUCT, {}, RATES, "half_up")

    # then
    assert generated == generated.__class__((), ())


@pytest.mark.parametrize(
    ("amount", "currency", "rounding", "expected"),
    [
        ("2.345", "EUR", "half_up", "2.35"),
        ("2.345", "EUR", "half_even", "2.34"),
        ("2.341", "EUR", "up", "2.35"),
        ("2.349", "EUR", "down", "2.34"),
        ("1234.5", "JPY", "half_up", "1235"),
        ("1.2345", "KWD", "half_up", "1.235"),
    ],
)
def test_values_are_rounded_to_the_currencys_minor_unit_in_the_tenants_mode(
    amount: str, currency: str, rounding: RoundingMode, expected: str
) -> None:
    # given / when / then
    assert str(round_amount(Decimal(amount), currency, rounding)) == expected


def test_a_conversion_without_a_rate_either_way_is_none() -> None:
    # given / when / then
    assert convert(Decimal("1"), "EUR", "CHF", RATES) is None
    assert convert(Decimal("1"), "CHF", "CHF", RATES) == Decimal("1")


# dependencies


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({}, None),
        ({"A": set(), "B": {"A"}, "C": {"A", "B"}}, None),
        ({"A": {"A"}}, ["A", "A"]),
        ({"A": {"B"}, "B": {"A"}}, ["A", "B", "A"]),
        ({"A": {"B"}, "B": {"C"}, "C": {"A"}}, ["A", "B", "C", "A"]),
        ({"A": {"X"}, "B": {"C"}, "C": {"D"}, "D": {"B"}}, ["B", "C", "D", "B"]),
        ({"A": {"B", "C"}, "B": {"D"}, "C": {"D"}, "D": set()}, None),
    ],
)
def test_a_cycle_of_lists_reading_lists_is_found_and_named(
    graph: dict[str, set[str]], cycle: list[str] | None
) -> None:
    # given / when / then
    assert find_cycle(graph) == cycle


def test_saving_rules_that_close_a_cycle_is_refused_with_the_cycle() -> None:
    # given: the base list's rules read the other list, whose rules read the base list
    lists = {
        BASE_LIST: [_rule(1, based_on=OTHER_LIST, formula="base.value")],
        OTHER_LIST: [_rule(2, based_on=BASE_LIST, formula="base.value * 2")],
        THIRD_LIST: [],
    }

    # when
    with pytest.raises(RuleCycleError) as raised:
        check_acyclic(rule_dependencies(lists))

    # then
    assert str(raised.value) == f"price rules form a cycle: {BASE_LIST} -> {OTHER_LIST} -> {BASE_LIST}"
    assert isinstance(raised.value, ValueError)


def test_lists_recalculate_after_the_lists_they_are_based_on() -> None:
    # given
    graph = {"C": {"A", "B"}, "B": {"A"}, "A": set()}

    # when / then
    assert recalculation_order(graph) == ["A", "B", "C"]


def test_a_change_of_a_list_reaches_the_lists_that_depend_on_it_transitively() -> None:
    # given
    graph = {"A": set(), "B": {"A"}, "C": {"B"}, "D": set(), "E": {"D"}}

    # when / then
    assert dependents(graph, "A") == {"B", "C"}
    assert dependents(graph, "C") == set()


@pytest.mark.parametrize(
    ("assignment_rule", "formula", "condition", "fields", "attributes", "categories"),
    [
        (None, "base.value * 0.9", None, set(), set(), set()),
        (
            f"'{FASTENERS}' in product.category_ids",
            "product.attributes.cost * 1.3",
            "'msrp' in product.attributes and product.brand == 'ACME'",
            {"brand"},
            {"cost", "msrp"},
            {FASTENERS},
        ),
        ("product.sku in product.category_ids", "base.value", None, {"sku"}, set(), None),
        ("product.attributes == product.attributes", "base.value", None, set(), None, set()),
    ],
)
def test_a_lists_rules_name_the_product_fields_attributes_and_categories_they_read(
    assignment_rule: str | None,
    formula: str,
    condition: str | None,
    fields: set[str],
    attributes: set[str] | None,
    categories: set[str] | None,
) -> None:
    # given
    rules = ListRules(
        product_assignment_rule=assignment_rule, rules=[_based(formula=formula, condition=condition)]
    )

    # when
    reads = product_reads(rules)

    # then
    assert (reads.fields, reads.attributes, reads.categories) == (fields, attributes, categories)


@pytest.mark.parametrize(
    ("change", "affected"),
    [
        ({"attributes": ["cost"]}, True),
        ({"attributes": ["weight"]}, False),
        ({"categories": [FASTENERS]}, True),
        ({"categories": [GARDEN]}, False),
        ({"fields": ["brand"]}, True),
        ({"fields": ["sku"]}, False),
        ({}, False),
    ],
)
def test_only_a_change_of_what_the_rules_read_moves_a_lists_prices(
    change: dict[str, list[str]], affected: bool
) -> None:
    # given
    rules = ListRules(
        product_assignment_rule=f"'{FASTENERS}' in product.category_ids and product.brand == 'ACME'",
        rules=[_based(formula="product.attributes.cost * 1.3")],
    )

    # when / then
    assert product_reads(rules).affected_by(**change) is affected
