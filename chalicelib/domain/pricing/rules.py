"""Rule-based price lists: which products a list prices, the rules that make its prices, and what
they depend on. Pure: the recalculation worker loads, calls these, and writes.

A list's **product assignment rule** is a boolean expression over ``product``; each **price rule**
has an optional ``condition`` (boolean, over ``product``) and a ``formula`` (a number). A rule
``based_on`` another list makes one row per row of that list for the product, its formula reading
``base.value``, ``base.quantity`` (the tier's minimum quantity), ``base.unit`` and ``base.currency``;
the rule's ``currency``, ``unit`` and ``quantity`` are then the base row's unless set. A rule that sets
a unit reads only the base rows in that unit; a value in another currency than the base row's is
converted with the tenant's exchange rate (rows already in the rule's currency are read first). A
rule without a base makes one row, with its fixed currency, unit and quantity. Rules run in priority
order (lower number first); the first rule to price a (unit, currency, tier) gives that row, and the
first base row to claim a tier gives it within a rule (a fixed quantity takes the lowest base tier).

Inputs a product offers (:data:`PRODUCT`): ``product.id``, ``product.sku``, ``product.brand`` (``""``
when it has none), ``product.kind``, ``product.category_ids`` (its categories and their ancestors) and
``product.attributes`` (numbers as ``Decimal``). The expression language is
:mod:`chalicelib.domain.expressions`.
"""

from __future__ import annotations

import graphlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, Final, NamedTuple

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chalicelib.domain.base import CurrencyCode, Input
from chalicelib.domain.catalog.products import Product, UnitCode
from chalicelib.domain.expressions import (
    BOOLEAN,
    DECIMALS,
    MAX_SOURCE_LENGTH,
    NUMBER,
    TEXT,
    TEXT_LIST,
    VALUE,
    EvaluationError,
    Expression,
    compile_expression,
    map_of,
    reads_under,
    record,
)
from chalicelib.domain.money import RoundingMode, round_amount

_ULID = "[0-9A-HJKMNP-TV-Z]{26}"
PriceListId = Annotated[str, StringConstraints(pattern=rf"^prl_{_ULID}$")]
PriceRuleId = Annotated[str, StringConstraints(pattern=rf"^prr_{_ULID}$")]
MAX_RULES_PER_LIST = 50
MAX_PRIORITY = 10_000
TierQuantity = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,6})?$"),
    Field(description="the tier's minimum quantity, a decimal string > 0, like 10"),
]

PRODUCT: Final = record(
    "product",
    id=TEXT,
    sku=TEXT,
    brand=TEXT,
    kind=TEXT,
    category_ids=TEXT_LIST,
    attributes=map_of(VALUE),
)
BASE: Final = record("base", value=NUMBER, quantity=NUMBER, unit=TEXT, currency=TEXT)
PRODUCT_SCOPE: Final = record("a product rule", product=PRODUCT)
BASED_SCOPE: Final = record("a rule based on a list", product=PRODUCT, base=BASE)


def product_condition(source: str) -> Expression:
    """``source`` compiled as a condition over a product (raises ``ExpressionError``, a ``ValueError``)."""
    return compile_expression(source, PRODUCT_SCOPE, BOOLEAN)


def _valid_condition(source: str) -> str:
    product_condition(source)
    return source


ExpressionSource = Annotated[str, StringConstraints(min_length=1, max_length=MAX_SOURCE_LENGTH)]
ProductAssignmentRule = Annotated[
    ExpressionSource,
    AfterValidator(_valid_condition),
    Field(
        description="which products the list prices: a condition over product, like "
        "\"product.brand == 'ACME' and 'cat_01J...' in product.category_ids\"",
    ),
]


class PriceRule(Input):
    """One rule of a rule-based list; its expressions compile when the rule is read (else 422)."""

    id: PriceRuleId
    based_on: PriceListId | None = Field(
        default=None, description="the list whose rows for the product this rule reads as base"
    )
    condition: ExpressionSource | None = Field(
        default=None, description="which products the rule prices (all unless set), over product"
    )
    formula: ExpressionSource = Field(description="the unit price, like base.value * 0.9")
    currency: CurrencyCode | None = Field(default=None, description="required without based_on")
    unit: UnitCode | None = Field(default=None, description="required without based_on")
    quantity: TierQuantity | None = Field(default=None, description="required without based_on")
    priority: int = Field(default=0, ge=0, le=MAX_PRIORITY, description="lower numbers first")

    @field_validator("condition")
    @classmethod
    def _condition_compiles(cls, source: str | None) -> str | None:
        if source is not None:
            product_condition(source)
        return source

    @field_validator("formula")
    @classmethod
    def _formula_compiles(cls, source: str, info: ValidationInfo) -> str:
        if "based_on" not in info.data:
            return source  # based_on itself was refused: which inputs the formula has is unknown
        scope = BASED_SCOPE if info.data["based_on"] else PRODUCT_SCOPE
        compile_expression(source, scope, NUMBER)
        return source

    @field_validator("quantity")
    @classmethod
    def _positive_quantity(cls, quantity: str | None) -> str | None:
        if quantity is not None and Decimal(quantity) <= 0:
            raise ValueError("must be greater than 0")
        return quantity

    @model_validator(mode="after")
    def _fixed_outputs_without_base(self) -> PriceRule:
        if self.based_on is None:
            missing = [name for name in ("currency", "unit", "quantity") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"a rule without based_on needs {', '.join(missing)}")
        return self

    @cached_property
    def min_quantity(self) -> Decimal | None:
        """The tier the rule sets, if it sets one."""
        return None if self.quantity is None else Decimal(self.quantity)

    @cached_property
    def condition_expression(self) -> Expression | None:
        return None if self.condition is None else product_condition(self.condition)

    @cached_property
    def formula_expression(self) -> Expression:
        scope = BASED_SCOPE if self.based_on else PRODUCT_SCOPE
        return compile_expression(self.formula, scope, NUMBER)


class ListRules(Input):
    """What makes a rule-based list: the products it prices, and its price rules."""

    product_assignment_rule: ProductAssignmentRule | None = None
    rules: list[PriceRule] = Field(default_factory=list, max_length=MAX_RULES_PER_LIST)

    @model_validator(mode="after")
    def _distinct_rule_ids(self) -> ListRules:
        ids = [rule.id for rule in self.rules]
        if len(set(ids)) != len(ids):
            raise ValueError("rules must not repeat an id")
        return self

    @cached_property
    def assignment_expression(self) -> Expression | None:
        rule = self.product_assignment_rule
        return None if rule is None else product_condition(rule)

    def prices(self, product: Mapping[str, Any]) -> bool:
        """Whether the list prices ``product`` (its facts); an assignment rule failing on it says no."""
        if self.assignment_expression is None:
            return True
        try:
            return bool(self.assignment_expression.evaluate({"product": product}))
        except EvaluationError:
            return False


# Product facts ------------------------------------------------------------------------------------


def product_facts(
    product: Product,
    category_ancestors: Mapping[str, Sequence[str]],
    number_attributes: Collection[str],
) -> dict[str, Any]:
    """What expressions read of ``product``: its categories with their ancestors (from the tree), and
    its attributes with numbers as ``Decimal`` (``number_attributes``: the codes of kind number)."""
    categories = product.all_category_ids()
    with_ancestors = [*categories, *(a for c in categories for a in category_ancestors.get(c, ()))]
    attributes: dict[str, Any] = {}
    for code, value in product.attributes.items():
        if code in number_attributes:
            attributes[code] = Decimal(value)
        elif isinstance(value, list):
            attributes[code] = tuple(value)
        else:
            attributes[code] = value
    return {
        "id": product.id,
        "sku": product.sku,
        "brand": product.brand or "",
        "kind": product.kind,
        "category_ids": tuple(dict.fromkeys(with_ancestors)),
        "attributes": attributes,
    }


# Generation ---------------------------------------------------------------------------------------


class PriceRow(NamedTuple):
    """One price of a product in a list: a unit price from ``min_quantity`` on (``rule_id``: made by it).

    A named tuple: a list over 100,000 products makes rows by the hundred thousand (a frozen
    dataclass takes several times longer to build)."""

    unit: str
    currency: str
    min_quantity: Decimal
    value: Decimal
    rule_id: str | None = None

    @property
    def tier(self) -> tuple[str, str, Decimal]:
        return (self.unit, self.currency, self.min_quantity)


@dataclass(frozen=True)
class RuleProblem:
    """Why a rule made no row (for one base row, or at all) for a product."""

    rule_id: str
    message: str


@dataclass(frozen=True)
class Generated:
    rows: tuple[PriceRow, ...]
    problems: tuple[RuleProblem, ...]


def convert(
    amount: Decimal, source: str, target: str, exchange_rates: Mapping[tuple[str, str], Decimal]
) -> Decimal | None:
    """``amount`` of ``source`` in ``target`` (a rate ``(source, target)``: 1 source = rate target, or
    the inverse of ``(target, source)``); None when the tenant has no rate for the pair."""
    if source == target:
        return amount
    if (rate := exchange_rates.get((source, target))) is not None:
        return DECIMALS.multiply(amount, rate)
    if (inverse := exchange_rates.get((target, source))) is not None and inverse:
        return DECIMALS.divide(amount, inverse)
    return None


def generate_rows(
    rules: Sequence[PriceRule],
    product: Mapping[str, Any],
    base_rows: Mapping[str, Sequence[PriceRow]],
    exchange_rates: Mapping[tuple[str, str], Decimal],
    rounding: RoundingMode,
) -> Generated:
    """A rule-based list's rows for ``product`` (its :func:`product_facts`), from its ``rules``, the
    product's rows in the lists they are based on (``base_rows`` by list id), the tenant's rates and
    rounding mode. Values are rounded to the currency's minor unit; a rule that cannot price a row
    (an evaluation error, a negative value, no exchange rate) leaves it to lower rules and says why.
    """
    rows: dict[tuple[str, str, Decimal], PriceRow] = {}
    problems: list[RuleProblem] = []
    for rule in sorted(rules, key=lambda rule: (rule.priority, rule.id)):
        condition = rule.condition_expression
        try:
            if condition is not None and not condition.evaluate({"product": product}):
                continue
        except EvaluationError as error:
            problems.append(RuleProblem(rule.id, f"condition: {error}"))
            continue
        if rule.based_on is None:
            _price(rule, product, None, exchange_rates, rounding, rows, problems)
            continue
        for base in _base_rows_read(rule, base_rows.get(rule.based_on, ())):
            _price(rule, product, base, exchange_rates, rounding, rows, problems)
    return Generated(tuple(sorted(rows.values(), key=lambda row: row.tier)), tuple(problems))


def _base_rows_read(rule: PriceRule, rows: Iterable[PriceRow]) -> list[PriceRow]:
    """The base rows ``rule`` reads, in the order they claim tiers: only its unit's if it sets one
    (another unit's price is no price of this unit), its currency's before others to convert, and
    lower tiers first (a fixed quantity takes the lowest base tier)."""
    read = [row for row in rows if rule.unit is None or row.unit == rule.unit]
    return sorted(read, key=lambda row: (rule.currency not in (None, row.currency), row.tier))


def _price(
    rule: PriceRule,
    product: Mapping[str, Any],
    base: PriceRow | None,
    exchange_rates: Mapping[tuple[str, str], Decimal],
    rounding: RoundingMode,
    rows: dict[tuple[str, str, Decimal], PriceRow],
    problems: list[RuleProblem],
) -> None:
    """Adds the row ``rule`` makes from ``base`` (or from nothing) unless a higher rule made its tier."""
    if base is None:
        # a rule without a base has all three (checked when it was read)
        tier = (str(rule.unit), str(rule.currency), rule.min_quantity or Decimal(0))
    else:
        tier = (
            rule.unit or base.unit,
            rule.currency or base.currency,
            rule.min_quantity or base.min_quantity,
        )
    if tier in rows:
        return
    inputs: dict[str, Any] = {"product": product}
    if base is not None:
        inputs["base"] = {
            "value": base.value,
            "quantity": base.min_quantity,
            "unit": base.unit,
            "currency": base.currency,
        }
    try:
        value = rule.formula_expression.evaluate(inputs)
    except EvaluationError as error:
        problems.append(RuleProblem(rule.id, f"formula{_from(base)}: {error}"))
        return
    if base is not None:
        converted = convert(value, base.currency, tier[1], exchange_rates)
        if converted is None:
            problems.append(RuleProblem(rule.id, f"no exchange rate from {base.currency} to {tier[1]}"))
            return
        value = converted
    if value < 0:
        problems.append(RuleProblem(rule.id, f"formula{_from(base)} gives a negative price ({value})"))
        return
    rows[tier] = PriceRow(*tier, round_amount(value, tier[1], rounding), rule.id)


def _from(base: PriceRow | None) -> str:
    return "" if base is None else f" (base {base.unit} {base.currency} from {base.min_quantity})"


# Dependencies ------------------------------------------------------------------------------------


class RuleCycleError(ValueError):
    """Lists whose rules read each other's prices, in a circle (``A -> B -> A``: A is based on B...)."""

    def __init__(self, cycle: Sequence[str]) -> None:
        super().__init__(f"price rules form a cycle: {' -> '.join(cycle)}")
        self.cycle = list(cycle)


def rule_dependencies(lists: Mapping[str, Iterable[PriceRule]]) -> dict[str, frozenset[str]]:
    """Each list's rules' base lists: the graph of lists reading lists (a list without rules: none)."""
    return {
        list_id: frozenset(rule.based_on for rule in rules if rule.based_on is not None)
        for list_id, rules in lists.items()
    }


def find_cycle(graph: Mapping[str, Collection[str]]) -> list[str] | None:
    """A cycle of ``graph`` (list -> the lists it is based on) as ``[A, B, A]``, or None.

    Depth first from each list in sorted order, so the same graph always names the same cycle.
    """
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path: list[str] = [start]
        on_path = {start}
        pending = [iter(sorted(graph.get(start, ())))]
        while pending:
            following = next(pending[-1], None)
            if following is None:  # every list below this one is done: so is it
                pending.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if following in on_path:
                return [*path[path.index(following) :], following]
            if following not in done:
                path.append(following)
                on_path.add(following)
                pending.append(iter(sorted(graph.get(following, ()))))
    return None


def check_acyclic(graph: Mapping[str, Collection[str]]) -> None:
    """Raises :class:`RuleCycleError` naming a cycle of ``graph``, if it has one."""
    if (cycle := find_cycle(graph)) is not None:
        raise RuleCycleError(cycle)


def recalculation_order(graph: Mapping[str, Collection[str]]) -> list[str]:
    """Every list of ``graph``, each after the lists it is based on (the waves of a recalculation)."""
    check_acyclic(graph)
    order = graphlib.TopologicalSorter({node: sorted(bases) for node, bases in sorted(graph.items())})
    return list(order.static_order())


def dependents(graph: Mapping[str, Collection[str]], changed: str) -> frozenset[str]:
    """The lists whose prices depend on list ``changed``'s, directly or through other lists."""
    readers: dict[str, set[str]] = {}
    for list_id, bases in graph.items():
        for base in bases:
            readers.setdefault(base, set()).add(list_id)
    found: set[str] = set()
    pending = [changed]
    while pending:
        for reader in readers.get(pending.pop(), ()):
            if reader not in found:
                found.add(reader)
                pending.append(reader)
    return frozenset(found)


@dataclass(frozen=True)
class ProductReads:
    """What of a product a list's rules read: a change of anything else cannot move its prices.

    ``attributes`` and ``categories`` are the attribute codes and category ids the rules read or look
    for; None when a rule uses the whole map or list (then any change of it matters).
    """

    fields: frozenset[str]
    attributes: frozenset[str] | None
    categories: frozenset[str] | None

    def affected_by(
        self,
        fields: Collection[str] = (),
        attributes: Collection[str] = (),
        categories: Collection[str] = (),
    ) -> bool:
        """Whether a product change of these fields, attribute codes or category ids may move its prices."""
        return (
            not self.fields.isdisjoint(fields)
            or _touches(self.attributes, attributes)
            or _touches(self.categories, categories)
        )


def _touches(read: frozenset[str] | None, changed: Collection[str]) -> bool:
    return bool(changed) and (read is None or not read.isdisjoint(changed))


def product_reads(list_rules: ListRules) -> ProductReads:
    """What of a product ``list_rules`` (assignment rule, conditions, formulas) read."""
    expressions = [rule.formula_expression for rule in list_rules.rules]
    expressions += [rule.condition_expression for rule in list_rules.rules if rule.condition_expression]
    if list_rules.assignment_expression is not None:
        expressions.append(list_rules.assignment_expression)
    if any("product" in expression.opaque for expression in expressions):
        return ProductReads(frozenset(PRODUCT.field_names) - {"attributes", "category_ids"}, None, None)
    return ProductReads(
        fields=reads_under(expressions, "product") - {"attributes", "category_ids"},
        attributes=_keys_read(expressions, "product.attributes"),
        categories=_keys_read(expressions, "product.category_ids"),
    )


def _keys_read(expressions: Sequence[Expression], path: str) -> frozenset[str] | None:
    """The keys or values under ``path`` that ``expressions`` read or look for; None: all of them."""
    if any(path in expression.opaque for expression in expressions):
        return None
    tested = frozenset(value for expression in expressions for value in expression.tested.get(path, ()))
    return tested | reads_under(expressions, path)
