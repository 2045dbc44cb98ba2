"""Price lists, their price rows and their assignments to websites, customer groups and units.

What is checked here is pure: the fields of a list, of a row and of an assignment, and a bulk change
of rows against the products it names (:func:`row_errors`) and the rows already stored
(:func:`apply_rows`). Amounts are decimal strings, never JSON numbers nor floats; the ``Money`` type
and the price engine live beside this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, WithJsonSchema, model_validator

from chalicelib.domain.base import CurrencyCode, Input, Name, Stamped, Version, View, patch_model
from chalicelib.domain.catalog.products import Product, ProductId, Sku, UnitCode, decimal_places
from chalicelib.domain.pricing.rules import (
    MAX_RULES_PER_LIST,
    ListRules,
    PriceRule,
    PriceRuleId,
    ProductAssignmentRule,
)
from chalicelib.domain.staff import OrganizationId

_ULID = "[0-9A-HJKMNP-TV-Z]{26}"
PriceListId = Annotated[str, StringConstraints(pattern=rf"^prl_{_ULID}$")]
MAX_CURRENCIES = 20
MAX_SCHEDULES = 20
MAX_ROWS_PER_CALL = 1000
# Rows of one product in one list: its (list, product) item and its price sheet entry stay small (a
# sheet holds every list's rows of the product in one item of at most 400 KB).
MAX_ROWS_PER_PRODUCT = 100
MAX_ASSIGNED_LISTS = 20  # per level; each is checked in the assignment's transaction
AMOUNT_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,6})?$"

PriceListKind = Literal["manual", "rule_based"]
Fallback = Literal["next", "this_level_only"]
MergeStrategy = Literal["minimal", "priority"]
Amount = Annotated[
    str,
    StringConstraints(pattern=AMOUNT_PATTERN),
    Field(description="a non-negative decimal string, like 12.50 (never a JSON number)"),
]


def _distinct(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


def _local(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is not None:
        raise ValueError("a local date-time, without offset: it is read in the website's time zone")
    return moment


# Not OpenAPI's date-time (RFC 3339 wants an offset): the document says what is sent and answered.
LocalDateTime = Annotated[
    datetime,
    AfterValidator(_local),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$",
            "description": "a local date-time, without offset: read in the website's time zone",
            "examples": ["2026-12-01T00:00:00"],
        }
    ),
]


class Schedule(Input):
    """When a list applies: from (inclusive) until (exclusive), either open, in the website's time zone."""

    valid_from: LocalDateTime | None = None
    valid_until: LocalDateTime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Schedule:
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_from >= self.valid_until
        ):
            raise ValueError("valid_from must be before valid_until")
        return self


class PriceRuleInput(PriceRule):
    """A price rule as sent: without an id the server gives it one (``prr_<ULID>``), or the id of the
    list's rule that is the same in every other field, so resending a list's rules keeps their ids."""

    id: PriceRuleId | None = Field(  # type: ignore[assignment]
        default=None, description="the rule's id (send it back to keep it; assigned when absent)"
    )


def _distinct_rule_ids(rules: list[PriceRuleInput]) -> list[PriceRuleInput]:
    _distinct([rule.id for rule in rules if rule.id is not None])
    return rules


class PriceListChanges(Input):
    """What may change about a price list (its organization and kind stay)."""

    name: Name
    currencies: Annotated[
        list[CurrencyCode], Field(min_length=1, max_length=MAX_CURRENCIES), AfterValidator(_distinct)
    ]
    active: bool = True
    schedules: list[Schedule] = Field(
        default_factory=list,
        max_length=MAX_SCHEDULES,
        description="when the list applies (none: always, while active)",
    )
    product_assignment_rule: ProductAssignmentRule | None = Field(
        default=None, description="rule_based lists: which products the list prices (all unless set)"
    )
    rules: Annotated[
        list[PriceRuleInput],
        Field(max_length=MAX_RULES_PER_LIST),
        AfterValidator(_distinct_rule_ids),
    ] = Field(
        default_factory=list,
        description="rule_based lists: the rules that make the list's prices (see docs/expressions.md)",
    )


class PriceListFields(PriceListChanges):
    organization_id: OrganizationId
    kind: PriceListKind = Field(
        default="manual", description="manual: prices are written; rule_based: rules make them"
    )


PriceListPatch = patch_model(PriceListChanges, "PriceListPatch")


class PriceListReplacement(PriceListChanges):
    """Every field that may change, replaced (one not sent takes its default); the version read."""

    version: Version | None = None


class PriceList(PriceListFields, Stamped):
    """A price list as answered (its rules all carry their ids), also read from its item as is."""

    @model_validator(mode="before")
    @classmethod
    def _from_item(cls, data: Any) -> Any:
        """An item keeps a list's rules as one ``rules`` map, the ListRules dump (none for a manual
        list): read as the two fields the API shows."""
        if isinstance(data, dict) and not isinstance(data.get("rules", []), list):
            kept = data["rules"]
            kept = kept.model_dump() if isinstance(kept, ListRules) else kept or {}
            rules = {
                "product_assignment_rule": kept.get("product_assignment_rule"),
                "rules": kept.get("rules", []),
            }
            return {**data, **rules}
        return data

    def list_rules(self) -> ListRules:
        """The list's rules as the rule engine reads them."""
        return ListRules.model_validate(
            {"product_assignment_rule": self.product_assignment_rule, "rules": self.rules}, strict=False
        )


class StoredPriceList(PriceListChanges, Stamped):
    """A price list as its item holds it: a rule-based list's rules under ``rules``, the ListRules
    dump the recalculation reads (``product_assignment_rule``, ``rules``)."""

    organization_id: str
    kind: PriceListKind
    product_assignment_rule: None = Field(default=None, exclude=True)
    rules: ListRules | None = None  # type: ignore[assignment]

    @classmethod
    def of(cls, price_list: PriceList) -> StoredPriceList:
        fields = price_list.model_dump(exclude={"product_assignment_rule", "rules"})
        rules = price_list.list_rules() if price_list.kind == "rule_based" else None
        return cls.model_validate({**fields, "rules": rules}, strict=False)


# --- price rows ---------------------------------------------------------------------------------------


class ProductRef(Input):
    """A row names its product by ``product_id`` or by ``sku``, exactly one of them."""

    product_id: ProductId | None = None
    sku: Sku | None = None
    unit: UnitCode
    currency: CurrencyCode
    min_quantity: Amount = Field(description="the tier: the row applies from this quantity of the unit, > 0")

    @model_validator(mode="after")
    def _one_reference(self) -> ProductRef:
        if (self.product_id is None) == (self.sku is None):
            raise ValueError("name the product by product_id or by sku, one of them")
        return self


class PriceRowInput(ProductRef):
    value: Amount = Field(description="the unit price from this tier on, >= 0")


class PriceRowKey(ProductRef):
    """A row to delete: its product, unit, currency and tier."""


class PriceUpsert(Input):
    """Rows to add or change (the same product, unit, currency and tier: its value is replaced)."""

    rows: list[PriceRowInput] = Field(min_length=1, max_length=MAX_ROWS_PER_CALL)


class PriceDeletion(Input):
    """Rows to remove (a row that is not there is no error)."""

    rows: list[PriceRowKey] = Field(min_length=1, max_length=MAX_ROWS_PER_CALL)


class PriceRow(View):
    """A stored row of a list for one product; ``rule_id`` names the rule that made it (manual: none)."""

    unit: str
    currency: str
    min_quantity: str
    value: str
    rule_id: str | None = None


class ProductPrices(View):
    """One product's rows in one list (``product_id`` is the cursor's order)."""

    price_list_id: str
    product_id: str
    rows: list[PriceRow]


class PriceChangeResult(View):
    """What a bulk call wrote: the products whose rows changed, and how many were left as they were."""

    price_list_id: str
    changed_product_ids: list[str]
    unchanged_products: int


TierKey = tuple[str, str, Decimal, str | None]  # unit, currency, min_quantity, rule id


def tier_of(row: Mapping[str, Any]) -> TierKey:
    return (row["unit"], row["currency"], Decimal(row["min_quantity"]), row.get("rule_id"))


def canonical_quantity(value: str) -> str:
    """A tier threshold without trailing zeros ("10.0" and "10" are one tier), never in exponent form."""
    return format(Decimal(value).normalize(), "f")


@dataclass(frozen=True)
class ListScope:
    """What a row is checked against: the list's organization and currencies."""

    organization_id: str
    currencies: frozenset[str]


def _error(index: int, field: str, message: str, error_type: str = "value_error") -> dict[str, str]:
    return {"loc": f"body.rows[{index}].{field}", "msg": message, "type": error_type}


def row_errors(
    rows: list[ProductRef],
    products: Mapping[str, Product],
    product_of_row: list[str | None],
    scope: ListScope,
) -> list[dict[str, str]]:
    """Every error of every row: the product (known, of the list's organization), the unit (one of the
    product's), the currency (one of the list's), the tier (> 0, within the unit's precision), the
    value (>= 0, by its pattern), and no two rows of one product, unit, currency and tier.

    ``product_of_row`` is each row's product id as resolved (None: its SKU names no product).
    """
    errors: list[dict[str, str]] = []
    seen: dict[tuple[str, str, str, Decimal], int] = {}  # product, unit, currency, tier
    for index, (row, product_id) in enumerate(zip(rows, product_of_row, strict=True)):
        named = "product_id" if row.product_id is not None else "sku"
        product = products.get(product_id) if product_id else None
        if product is None or product.organization_id != scope.organization_id:
            errors.append(_error(index, named, "no such product in the list's organization", "not_found"))
        if row.currency not in scope.currencies:
            errors.append(_error(index, "currency", "not one of the list's currencies"))
        quantity = Decimal(row.min_quantity)
        unit = next((unit for unit in product.units if unit.code == row.unit), None) if product else None
        if product is not None and unit is None:
            errors.append(_error(index, "unit", "not one of the product's units"))
        if quantity <= 0:
            errors.append(_error(index, "min_quantity", "must be greater than zero"))
        elif unit is not None and decimal_places(quantity) > unit.precision:
            errors.append(
                _error(index, "min_quantity", f"has more decimal places than the unit's ({unit.precision})")
            )
        if product_id is not None:
            key = (product_id, row.unit, row.currency, quantity)
            if key in seen:
                errors.append(_error(index, "min_quantity", f"repeats the tier of row {seen[key]}"))
            else:
                seen[key] = index
    return errors


def stored_row(row: PriceRowInput) -> dict[str, Any]:
    return {
        "unit": row.unit,
        "currency": row.currency,
        "min_quantity": canonical_quantity(row.min_quantity),
        "value": row.value,
    }


def apply_rows(
    current: Iterable[Mapping[str, Any]],
    upserts: Iterable[Mapping[str, Any]] = (),
    deletions: Iterable[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """A product's rows after the call: manual rows of the same tier replaced, deleted ones left out,
    in a stable order (unit, currency, tier; a rule's rows after the manual one)."""
    rows = {tier_of(row): dict(row) for row in current}
    for row in deletions:
        rows.pop(tier_of(row), None)
    for row in upserts:
        rows[tier_of(row)] = dict(row)
    return [rows[key] for key in sorted(rows, key=lambda key: (key[0], key[1], key[2], key[3] or ""))]


# --- assignments --------------------------------------------------------------------------------------


class AssignedList(Input):
    price_list_id: PriceListId
    priority: int = Field(ge=0, le=1_000_000, description="lower numbers come first")
    merge_allowed: bool = Field(
        default=True,
        description="priority strategy: lower lists may fill the tiers and units this one lacks "
        "(false: where this list prices a product, it alone does)",
    )


def _distinct_lists(lists: list[AssignedList]) -> list[AssignedList]:
    _distinct([assigned.price_list_id for assigned in lists])
    return lists


class PriceListAssignment(Input):
    """The lists of one level (a website, a customer group or a customer unit), replaced whole."""

    fallback: Fallback = Field(
        default="next",
        description="next: lower levels' lists are candidates too; this_level_only: if this level has "
        "any list, stop here",
    )
    lists: Annotated[
        list[AssignedList], Field(max_length=MAX_ASSIGNED_LISTS), AfterValidator(_distinct_lists)
    ] = Field(default_factory=list)


class AssignedListView(View):
    price_list_id: str
    priority: int
    merge_allowed: bool


class PriceListAssignmentView(View):
    """A level's assignment as stored (nothing assigned there: fallback next and no list)."""

    level: Literal["website", "customer_group", "unit"]
    owner_id: str = Field(description="the website, customer group or unit")
    customer_id: str | None = None
    fallback: Fallback
    lists: list[AssignedListView]


# --- exchange rates -----------------------------------------------------------------------------------

MAX_EXCHANGE_RATES = 200
Rate = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,9}(\.[0-9]{1,12})?$"),
    Field(description="units of the target currency for one of the source, > 0, a decimal string"),
]


class ExchangeRate(Input):
    from_currency: CurrencyCode
    to_currency: CurrencyCode
    rate: Rate

    @model_validator(mode="after")
    def _sensible(self) -> ExchangeRate:
        if self.from_currency == self.to_currency:
            raise ValueError("a rate converts between two different currencies")
        if Decimal(self.rate) <= 0:
            raise ValueError("a rate is greater than zero")
        return self


def _one_rate_per_pair(rates: list[ExchangeRate]) -> list[ExchangeRate]:
    _distinct([f"{rate.from_currency}{rate.to_currency}" for rate in rates])
    return rates


class ExchangeRates(Input):
    """The tenant's exchange rates, replaced whole (a rule may derive one currency from another)."""

    rates: Annotated[
        list[ExchangeRate], Field(max_length=MAX_EXCHANGE_RATES), AfterValidator(_one_rate_per_pair)
    ]


class ExchangeRatesView(View):
    rates: list[dict[str, str]]
