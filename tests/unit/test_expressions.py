"""chalicelib.domain.expressions: the one expression language, as tables, in the scope of a price rule
based on a list (``product`` and ``base``).

Every test reads the same inputs: a product (``ACME`` hex bolt in two categories, a cost of 4.20 and
an MSRP of 9.90, a text colour, a boolean, option codes) and a base row (10.10 EUR each from 1).
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.expressions import (
    BOOLEAN,
    DECIMALS,
    MAX_DEPTH,
    MAX_NODES,
    MAX_SOURCE_LENGTH,
    NUMBER,
    VALUE,
    EvaluationError,
    ExpressionError,
    compile_expression,
)
from chalicelib.domain.pricing.rules import BASED_SCOPE as SCOPE


def _inputs(**attributes: Any) -> dict[str, Any]:
    return {
        "product": {
            "sku": "HB-M8",
            "brand": "ACME",
            "category_ids": ("cat_fasteners", "cat_bolts"),
            "attributes": {
                "cost": Decimal("4.20"),
                "msrp": Decimal("9.90"),
                "colour": "zinc",
                "hazardous": False,
                "norms": ("din-933", "iso-4017"),
                **attributes,
            },
            "kind": "simple",
        },
        "base": {"value": Decimal("10.10"), "quantity": Decimal("1"), "unit": "each", "currency": "EUR"},
    }


def _value(source: str, result: Any = VALUE, **attributes: Any) -> Any:
    return compile_expression(source, SCOPE, result).evaluate(_inputs(**attributes))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("base.value * 0.9", Decimal("9.090")),
        ("0.1 + 0.2", Decimal("0.3")),
        ("base.value - product.attributes.cost", Decimal("5.90")),
        ("product.attributes['msrp'] / 3", Decimal("3.3")),
        ("base.value % 3", Decimal("1.10")),
        ("-base.value", Decimal("-10.10")),
        ("+base.value", Decimal("10.10")),
        ("1_000.5 * 2", Decimal("2001.0")),
        ("1e3", Decimal("1E+3")),
        ("0x10", Decimal(16)),
        ("min(base.value, product.attributes.msrp, 12)", Decimal("9.90")),
        ("max(base.value, product.attributes.msrp)", Decimal("10.10")),
        ("abs(product.attributes.cost - base.value)", Decimal("5.90")),
        ("round(base.value / 3, 2)", Decimal("3.37")),
        ("round(2.5, 0)", Decimal("3")),
        ("base.value * 0.9 if 'cat_bolts' in product.category_ids else base.value", Decimal("9.090")),
        ("base.value if product.brand == 'Bosch' else product.attributes.msrp", Decimal("9.90")),
    ],
)
def test_a_number_expression_computes_in_decimals(source: str, expected: Decimal) -> None:
    # given / when
    value = _value(source, NUMBER)

    # then
    assert type(value) is Decimal
    assert value == expected


REFERENCE = {"+": DECIMALS.add, "-": DECIMALS.subtract, "*": DECIMALS.multiply, "/": DECIMALS.divide}


def _random_formula(rng: random.Random, depth: int) -> tuple[str, Decimal]:
    """A random parenthesized formula and its value by the ``decimal`` module itself."""
    if depth == 0 or rng.random() < 0.25:
        number = Decimal(rng.randint(0, 10**8)).scaleb(-rng.randint(0, 6))
        return str(number), number
    (left, left_value), (right, right_value) = (
        _random_formula(rng, depth - 1),
        _random_formula(rng, depth - 1),
    )
    operator = rng.choice(sorted(REFERENCE))
    return f"({left} {operator} {right})", REFERENCE[operator](left_value, right_value)


@pytest.mark.parametrize("seed", range(40))
def test_arithmetic_agrees_with_the_decimal_module_on_random_formulas(seed: int) -> None:
    # given
    source, expected = _random_formula(random.Random(seed), depth=4)

    # when
    value = _value(source, NUMBER)

    # then
    assert (value, str(value)) == (expected, str(expected))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("'cat_bolts' in product.category_ids", True),
        ("'cat_garden' not in product.category_ids", True),
        ("product.brand == 'ACME' and product.kind == 'simple'", True),
        ("product.brand in ['Bosch', 'Makita'] or product.sku == 'HB-M8'", True),
        ("not product.attributes.hazardous", True),
        ("product.attributes.hazardous == False", True),
        ("'cost' in product.attributes", True),
        ("'weight' in product.attributes", False),
        ("'M8' in product.sku", True),
        ("'iso-4017' in product.attributes.norms", True),
        ("1 < product.attributes.cost <= 4.2 < base.value", True),
        ("1 < product.attributes.cost < 2 < base.value", False),
        ("product.sku >= 'HA'", True),
        ("product.attributes.colour != 'black'", True),
        ("product.attributes.cost * 2 > product.attributes.msrp", False),
        ("base.value == 10.1", True),
        ("product.attributes.hazardous == 0", False),
        ("product.attributes.colour == 1", False),
    ],
)
def test_a_condition_answers_a_boolean(source: str, expected: bool) -> None:
    # given / when
    value = _value(source, BOOLEAN)

    # then
    assert value is expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "is empty"),
        ("base.value *", "syntax error"),
        ("base.value = 1", "syntax error"),
        ("base.value; 1", "syntax error"),
        ("prodct.sku == 'x'", "unknown name 'prodct' (known: base, product)"),
        ("product.skuu == 'x'", "product has no field 'skuu' (its fields: attributes, brand"),
        ("product.sku.lower == 'x'", "product.sku is a text: it has no fields"),
        ("base.value + 'x'", "arithmetic needs a number, not a text"),
        ("product.sku * 2", "arithmetic needs a number, not a text"),
        ("product.sku == 1", "compares a text with a number"),
        ("product.category_ids < product.category_ids", "a list of text has no order"),
        ("1 in product.category_ids", "looks for a number in a list of text"),
        ("1 in product.attributes", "only texts can be found there"),
        ("'a' in base.value", "'in' needs a list, a map or a text, not a number"),
        ("base.value and True", "and/or needs a boolean, not a number"),
        ("not base.value", "not needs a boolean, not a number"),
        ("base.value if product.sku else 1", "a condition needs a boolean, not a text"),
        ("1 if True else 'x'", "both branches must give one type"),
        ("[1, 'x']", "a list holds values of one type"),
        ("[product.category_ids]", "a list holds numbers, texts or booleans"),
        ("min()", "min() needs at least one number"),
        ("abs(1, 2)", "abs() takes one number"),
        ("round(base.value)", "round() takes a number and a count of digits"),
        ("round(base.value, product.attributes.cost)", "round() takes a number and a count of digits"),
        ("round(base.value, 1.5)", "round() keeps 0 to 12 digits"),
        ("round(base.value, 13)", "round() keeps 0 to 12 digits"),
        ("min(base.value, key=1)", "min() takes no named arguments"),
        ("min", "min is a function: call it"),
        ("base.value // 2", "// is not allowed"),
        ("base.value << 2", "<< is not allowed"),
        ("~1", "~ is not allowed"),
        ("product.sku is 'x'", "is is not allowed"),
        ("None", "NoneType literals are not allowed"),
        ("b'x'", "bytes literals are not allowed"),
        ("1j", "complex literals are not allowed"),
        ("...", "ellipsis literals are not allowed"),
        ("{'a': 1}", "a dict literal is not allowed"),
        ("{1}", "a set literal is not allowed"),
        ("(1, 2)", "a tuple is not allowed"),
        ("product.category_ids[0]", "a key in [...] must be a text in quotes"),
        ("product.attributes[product.sku]", "a key in [...] must be a text in quotes"),
        ("12345678901234567890123456789", "has more than 28 digits"),
        ("1e1000000", "is out of range"),
        ("product.sku", "must give a number, this gives a text"),
        ("base.value / 0", "divides by zero"),
        ("base.value % 0.00", "divides by zero"),
    ],
)
def test_an_expression_that_does_not_compile_says_why(source: str, message: str) -> None:
    # given / when
    with pytest.raises(ExpressionError) as raised:
        compile_expression(source, SCOPE, NUMBER if source == "product.sku" else VALUE)

    # then
    assert message in str(raised.value)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [
        ("base.value + prodct.sku", 1, 14),
        ("  base.value + prodct.sku", 1, 16),
        ("(base.value +\n  prodct.sku)", 2, 3),
        ("'€€€' in product.sku and prodct", 1, 26),
        ("base.value +", 1, 13),
        ("base.value * * 2", 1, 14),
    ],
)
def test_a_compile_error_names_its_line_and_column_in_characters(source: str, line: int, column: int) -> None:
    # given / when
    with pytest.raises(ExpressionError) as raised:
        compile_expression(source, SCOPE, VALUE)

    # then
    assert (raised.value.line, raised.value.column) == (line, column)
    assert str(raised.value).startswith(f"line {line}, column {column}: ")


@pytest.mark.parametrize(
    "source",
    [
        # reaching the interpreter through attributes, dunder names and builtins
        "product.__class__",
        "product.__class__.__mro__",
        "product['__class__']",
        "base.value.__class__.__bases__",
        "product._private",
        "__import__('os')",
        "__builtins__",
        "_",
        "().__class__.__base__.__subclasses__()",
        "''.__class__",
        "type(product)",
        "getattr(product, 'sku')",
        "eval('1')",
        "exec('1')",
        "open('/etc/passwd')",
        "globals()",
        "vars()",
        "print(1)",
        "len(product.sku)",
        "str(1)",
        "Decimal('1')",
        "product.sku.format(product)",
        "'{0.__class__}'.format(product)",
        "product.attributes.get('cost')",
        "product.attributes.keys()",
        "base.value.as_tuple()",
        "base.value.real",
        "product.category_ids.__len__",
        "product.\uff3f\uff3fclass\uff3f\uff3f",  # full-width underscores: Python reads them as "_"
        "\uff3f\uff3fimport\uff3f\uff3f('os')",
        # functions, loops, assignments, and everything not a plain expression
        "lambda: 1",
        "(lambda x: x)(1)",
        "[x for x in product.category_ids]",
        "{x: 1 for x in product.category_ids}",
        "{x for x in product.category_ids}",
        "(x for x in product.category_ids)",
        "(x := 1)",
        "f'{product.sku}'",
        "f'{product.__class__}'",
        "[*product.category_ids]",
        "product.category_ids[0:1]",
        "await product",
        "yield 1",
        "import os",
        "def f(): pass",
        "while True: pass",
        # huge numbers and work
        "10 ** 10 ** 10",
        "9 ** 9 ** 9 ** 9",
        "2 ** 100000",
        "'x' * 1000000000",
        "[1] * 1000000000",
    ],
)
def test_an_escape_attempt_does_not_compile(source: str) -> None:
    # given / when / then
    with pytest.raises(ExpressionError):
        compile_expression(source, SCOPE, VALUE)


def test_a_huge_product_of_numbers_is_an_evaluation_error_not_a_hang() -> None:
    # given: 28-digit numbers multiplied far past the decimal context's range
    source = " * ".join(["9" * 28 + "e999900"] * 3)

    # when / then
    with pytest.raises(EvaluationError, match="out of range"):
        _value(source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x" * (MAX_SOURCE_LENGTH + 1), f"longer than {MAX_SOURCE_LENGTH} characters"),
        ("-" * 1_000 + "1", f"more than {MAX_NODES} parts"),
        ("(" * 300 + "1" + ")" * 300, "syntax error"),
        ("-" * (MAX_DEPTH + 1) + "1", f"nested more than {MAX_DEPTH} levels deep"),
        ("1" + " + 1" * MAX_NODES, f"more than {MAX_NODES} parts"),
        ("product.attributes.a" + ".a" * 200, "more than"),
        ("'" + "x" * (MAX_SOURCE_LENGTH - 1) + "'", "longer than"),
        ("base.value\x00", "null bytes"),
    ],
)
def test_an_oversized_or_deeply_nested_expression_is_refused(source: str, message: str) -> None:
    # given / when
    with pytest.raises(ExpressionError) as raised:
        compile_expression(source, SCOPE, VALUE)

    # then
    assert message in str(raised.value)


def test_a_long_text_within_the_limit_compiles() -> None:
    # given
    text = "x" * (MAX_SOURCE_LENGTH - 20)

    # when
    value = _value(f"'{text}' == product.sku", BOOLEAN)

    # then
    assert value is False


def test_deeply_nested_inputs_are_read_without_walking_them() -> None:
    # given: an attribute value nested thousands of levels deep
    nested: Any = ("leaf",)
    for _ in range(5_000):
        nested = (nested,)

    # when
    value = _value("'deep' in product.attributes", BOOLEAN, deep=nested)

    # then
    assert value is True


@pytest.mark.parametrize(
    ("source", "attributes", "message"),
    [
        ("base.value / (base.value - base.value)", {}, "division by zero"),
        ("product.attributes.cost % (base.value - base.value)", {}, "invalid arithmetic"),
        ("product.attributes.weight * 2", {}, "product.attributes.weight is missing"),
        ("product.attributes.colour * 2", {}, "product.attributes.colour is a str, not a number"),
        ("product.attributes.cost * 2", {"cost": 4.2}, "product.attributes.cost is a float, not a value"),
        ("product.attributes.cost * 2", {"cost": 4}, "product.attributes.cost is a int, not a value"),
        ("product.attributes.cost * 2", {"cost": Decimal("NaN")}, "product.attributes.cost is a Decimal"),
        ("product.attributes.hazardous and True", {"hazardous": "no"}, "is a str, not a boolean"),
        ("product.attributes.colour < 3", {}, "no order between them"),
        ("3 in product.attributes.colour", {}, "looks for a non-text in a text"),
        ("'x' in product.attributes.cost", {}, "not a list, a map or a text"),
        ("product.attributes.colour", {}, "the result is a str, not a number"),
    ],
)
def test_an_evaluation_failure_is_an_evaluation_error(
    source: str, attributes: dict[str, Any], message: str
) -> None:
    # given
    expression = compile_expression(source, SCOPE, NUMBER if source == "product.attributes.colour" else VALUE)

    # when
    with pytest.raises(EvaluationError) as raised:
        expression.evaluate(_inputs(**attributes))

    # then
    assert message in str(raised.value)


def test_a_map_entry_named_like_a_method_is_read_as_an_entry() -> None:
    # given
    expression = compile_expression("product.attributes.keys", SCOPE, VALUE)

    # when / then
    assert expression.evaluate(_inputs(keys="three")) == "three"
    with pytest.raises(EvaluationError, match="product.attributes.keys is missing"):
        expression.evaluate(_inputs())


def test_a_float_given_for_a_declared_number_is_an_evaluation_error() -> None:
    # given
    expression = compile_expression("base.value * 2", SCOPE, NUMBER)
    inputs = _inputs()
    inputs["base"]["value"] = 10.1

    # when / then
    with pytest.raises(EvaluationError, match="base.value is a float, not a number"):
        expression.evaluate(inputs)


def test_a_missing_input_is_an_evaluation_error() -> None:
    # given
    expression = compile_expression("base.value * 2", SCOPE, NUMBER)

    # when / then
    with pytest.raises(EvaluationError, match="no value was given for base"):
        expression.evaluate({"product": _inputs()["product"]})


def test_an_expression_evaluates_in_its_own_decimal_context_whatever_the_threads() -> None:
    # given: the thread's context rounds to 3 digits
    import decimal

    expression = compile_expression("base.value / 3", SCOPE, NUMBER)

    # when
    with decimal.localcontext(prec=3):
        value = expression.evaluate(_inputs())

    # then
    assert value == Decimal("3.366666666666666666666666667")


@pytest.mark.parametrize(
    ("source", "references", "tested", "opaque"),
    [
        ("base.value * 0.9", {"base.value"}, {}, set()),
        (
            "product.attributes.cost * 2 if 'cat_a' in product.category_ids else product.attributes['msrp']",
            {"product.attributes.cost", "product.attributes.msrp", "product.category_ids"},
            {"product.category_ids": {"cat_a"}},
            set(),
        ),
        ("'weight' in product.attributes", {"product.attributes"}, {"product.attributes": {"weight"}}, set()),
        (
            "product.sku in product.category_ids",
            {"product.sku", "product.category_ids"},
            {},
            {"product.category_ids"},
        ),
        ("product.category_ids == ['a']", {"product.category_ids"}, {}, {"product.category_ids"}),
        ("product.brand in ['ACME', 'Bosch']", {"product.brand"}, {}, set()),
    ],
)
def test_an_expression_names_what_it_reads(
    source: str, references: set[str], tested: dict[str, set[str]], opaque: set[str]
) -> None:
    # given / when
    expression = compile_expression(source, SCOPE, VALUE)

    # then
    assert expression.references == references
    assert expression.tested == tested
    assert expression.opaque == opaque
    assert expression.names == {reference.split(".")[0] for reference in references}


def test_an_expression_is_compiled_once_per_source_scope_and_result() -> None:
    # given / when
    first = compile_expression("base.value * 2", SCOPE, NUMBER)
    again = compile_expression("base.value * 2", SCOPE, NUMBER)

    # then
    assert first is again
