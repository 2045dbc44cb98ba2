"""Products: their fields, units of measure, variant families, and what one write may hold.

Everything a product write puts in its one transaction is bounded here, so it always fits in
DynamoDB's 100 items: the product, its SKU item (two on a SKU change), the idempotency record (a
create only, which deletes nothing), the event, the organization's check; per category
(:data:`MAX_CATEGORIES`) a check, a listing item, the old one's delete and the two category counts
it changes (one up, one down: ``services.catalog.category_counts``); per attribute used (values and
variant attributes together, :data:`MAX_ATTRIBUTE_VALUES`) a usage item and the old one's delete;
per search token an item and the old one's delete (:data:`MAX_SEARCH_TOKENS`): at most
5 + 5 x 6 + 2 x 12 + 2 x 20 = 99 items. A variant has no categories: its parent's check and its
combination items (two on a change) take 3 of their 30. Past a cap the write is 422.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, computed_field

from chalicelib.domain.base import (
    Input,
    LocalizedLongText,
    LocalizedText,
    Name,
    Stamped,
    View,
    patch_model,
)
from chalicelib.domain.catalog.attributes import Attribute, AttributeCode, AttributeValue, value_errors
from chalicelib.domain.catalog.text import search_tokens
from chalicelib.domain.staff import OrganizationId

MAX_CATEGORIES = 6  # the primary category and 5 others
MAX_ATTRIBUTE_VALUES = 12
MAX_SEARCH_TOKENS = 20
MAX_UNITS = 10
MAX_VARIANT_ATTRIBUTES = 5
MAX_LISTED_VARIANTS = 100
# A change's event holds the product before and after in one item (DynamoDB: at most 400 KB).
MAX_PRODUCT_BYTES = 100_000

_ULID = "[0-9A-HJKMNP-TV-Z]{26}"
ProductId = Annotated[str, StringConstraints(pattern=rf"^prd_{_ULID}$")]
CategoryId = Annotated[str, StringConstraints(pattern=rf"^cat_{_ULID}$")]
Sku = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")]
UnitCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,15}$")]
Quantity = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,12}(\.[0-9]{1,6})?$"),
    Field(description="a non-negative decimal string, like 12.5 (never a JSON number)"),
]
TaxCode = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Precision = Annotated[int, Field(ge=0, le=6, description="decimal places a quantity in this unit may have")]
ProductStatus = Literal["enabled", "disabled"]
InventoryStatus = Literal["in_stock", "out_of_stock", "discontinued", "backorder"]
ProductKind = Literal["simple", "configurable", "variant"]


class UnitOfMeasure(Input):
    """A unit a product is sold in, and how much of the primary unit one of it is."""

    code: UnitCode
    label: LocalizedText
    precision: Precision = 0
    conversion_factor: Quantity = Field(default="1", description="primary units in one of this unit, > 0")
    min_order_quantity: Quantity | None = None
    max_order_quantity: Quantity | None = None
    order_increment: Quantity | None = None
    weight: Quantity | None = Field(
        default=None, description="kilograms one of this unit weighs (shipping by weight); unset: unknown"
    )


def _each() -> list[UnitOfMeasure]:
    """The unit a product without units is sold in (made on use: models are built at first use)."""
    return [UnitOfMeasure(code="each", label={"en": "each"})]


class Inventory(Input):
    status: InventoryStatus = "in_stock"
    quantity: Quantity | None = Field(default=None, description="in the primary unit, when known")


class ProductChanges(Input):
    """What a product's PATCH may change (its organization and family stay)."""

    sku: Sku
    name: LocalizedText
    short_description: LocalizedText | None = None
    long_description: LocalizedLongText | None = None
    brand: Name | None = None
    status: ProductStatus = "enabled"
    inventory: Inventory = Field(default_factory=Inventory)
    units: list[UnitOfMeasure] = Field(default_factory=_each, min_length=1, max_length=MAX_UNITS)
    primary_unit: UnitCode = "each"
    tax_code: TaxCode | None = None
    primary_category_id: CategoryId | None = None
    category_ids: list[CategoryId] = Field(
        default_factory=list,
        max_length=MAX_CATEGORIES - 1,
        description="categories besides the primary one, of the product's organization",
    )
    attributes: dict[AttributeCode, AttributeValue] = Field(
        default_factory=dict, max_length=MAX_ATTRIBUTE_VALUES
    )
    variant_attributes: list[AttributeCode] = Field(
        default_factory=list,
        max_length=MAX_VARIANT_ATTRIBUTES,
        description="a configurable product's enum attributes its variants differ by (size, colour)",
    )


ProductPatch = patch_model(ProductChanges, "ProductPatch")


class ProductFields(ProductChanges):
    organization_id: OrganizationId
    parent_id: ProductId | None = Field(default=None, description="the configurable product of a variant")


class Product(ProductFields, Stamped):
    @computed_field  # type: ignore[prop-decorator]
    @property
    def kind(self) -> ProductKind:
        if self.parent_id is not None:
            return "variant"
        return "configurable" if self.variant_attributes else "simple"

    def all_category_ids(self) -> list[str]:
        primary = [self.primary_category_id] if self.primary_category_id else []
        return primary + self.category_ids


class ProductSummary(View):
    """What a listing shows of a product (stored with each of its categories' listing items)."""

    id: str
    sku: str
    name: dict[str, str]
    short_description: dict[str, str] | None
    status: ProductStatus
    kind: ProductKind
    inventory: dict[str, Any]
    brand: str | None
    primary_unit: str
    attributes: dict[str, Any]
    organization_id: str
    parent_id: str | None = None
    # Where the storefront's visibility looks for category rules and selections (a listing item holds
    # what deciding the product needs besides its RULES item).
    primary_category_id: str | None = None
    category_ids: list[str] = Field(default_factory=list)


class ProductDetail(Product):
    """A product and, for a configurable one, its variants (by SKU, at most 100)."""

    variants: list[ProductSummary] = Field(default_factory=list)


def summary(product: Product) -> ProductSummary:
    return ProductSummary.model_validate(
        product.model_dump(mode="json", include=set(ProductSummary.model_fields)), strict=False
    )


def decimal_places(quantity: Decimal) -> int:
    exponent = quantity.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def unit_errors(unit: UnitOfMeasure, location: str, *, primary: bool) -> list[dict[str, str]]:
    """Why a unit is not consistent: a factor not above zero (or not 1 for the primary unit), order
    quantities with more decimals than its precision, a minimum above the maximum, or a maximum the
    minimum cannot reach in increments."""
    errors: list[dict[str, str]] = []

    def refuse(field: str, message: str) -> None:
        errors.append({"loc": f"{location}.{field}", "msg": message, "type": "value_error"})

    factor = Decimal(unit.conversion_factor)
    if factor <= 0:
        refuse("conversion_factor", "must be greater than zero")
    elif primary and factor != 1:
        refuse("conversion_factor", "the primary unit's conversion factor is 1")
    quantities = {
        name: Decimal(value)
        for name in ("min_order_quantity", "max_order_quantity", "order_increment")
        if (value := getattr(unit, name)) is not None
    }
    for name, quantity in quantities.items():
        if decimal_places(quantity) > unit.precision:
            refuse(name, f"has more decimal places than the unit's precision ({unit.precision})")
        elif quantity <= 0:
            refuse(name, "must be greater than zero")
    if errors:
        return errors
    minimum = quantities.get("min_order_quantity")
    maximum = quantities.get("max_order_quantity")
    increment = quantities.get("order_increment")
    if minimum is not None and maximum is not None and minimum > maximum:
        refuse("max_order_quantity", "must not be below the minimum order quantity")
    elif increment is not None and maximum is not None and (maximum - (minimum or increment)) % increment:
        refuse("max_order_quantity", "must be reachable from the minimum in steps of the increment")
    return errors


def units_errors(product: ProductChanges) -> list[dict[str, str]]:
    """The units' own rules, distinct codes, and a primary unit that is one of them."""
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for index, unit in enumerate(product.units):
        location = f"body.units[{index}]"
        if unit.code in seen:
            errors.append({"loc": f"{location}.code", "msg": "repeats a unit", "type": "value_error"})
        seen.add(unit.code)
        errors += unit_errors(unit, location, primary=unit.code == product.primary_unit)
    if product.primary_unit not in seen:
        errors.append({"loc": "body.primary_unit", "msg": "must be one of the units", "type": "value_error"})
    return errors


def _error(location: str, message: str) -> dict[str, str]:
    return {"loc": location, "msg": message, "type": "value_error"}


def structure_errors(product: ProductFields) -> list[dict[str, str]]:
    """Categories without repeats, a primary one before others, a variant without categories or
    variant attributes of its own, and the search tokens within their cap."""
    errors: list[dict[str, str]] = []
    if product.category_ids and product.primary_category_id is None:
        errors.append(_error("body.primary_category_id", "name the primary category first"))
    categories = [product.primary_category_id, *product.category_ids]
    if len(set(categories)) != len(categories):
        errors.append(_error("body.category_ids", "must not repeat a category, the primary one included"))
    if product.parent_id is not None:
        if product.primary_category_id is not None or product.category_ids:
            errors.append(_error("body.primary_category_id", "a variant is listed under its parent"))
        if product.variant_attributes:
            errors.append(_error("body.variant_attributes", "a variant has no variants of its own"))
    if len({*product.attributes, *product.variant_attributes}) > MAX_ATTRIBUTE_VALUES:
        errors.append(
            _error(
                "body.attributes", f"with the variant attributes, at most {MAX_ATTRIBUTE_VALUES} attributes"
            )
        )
    if len(product_tokens(product)) > MAX_SEARCH_TOKENS:
        errors.append(
            _error("body.name", f"its words in every locale and the SKU exceed {MAX_SEARCH_TOKENS} tokens")
        )
    if len(product.model_dump_json().encode()) > MAX_PRODUCT_BYTES:
        errors.append(
            _error("body", f"a product's fields may hold at most {MAX_PRODUCT_BYTES} bytes of JSON")
        )
    return errors + units_errors(product)


def product_tokens(product: ProductChanges) -> list[str]:
    """What a product is found by: its folded SKU and the words of its name in every locale."""
    return search_tokens(product.sku, (product.name[locale] for locale in sorted(product.name)))


def variant_attribute_errors(codes: list[str], definitions: Mapping[str, Attribute]) -> list[dict[str, str]]:
    """A configurable product's variant attributes: distinct enum attributes."""
    errors = []
    if len(set(codes)) != len(codes):
        errors.append(_error("body.variant_attributes", "must not repeat an attribute"))
    for index, code in enumerate(codes):
        attribute = definitions.get(code)
        location = f"body.variant_attributes[{index}]"
        if attribute is None:
            errors.append({"loc": location, "msg": "no such attribute", "type": "not_found"})
        elif attribute.kind != "enum":
            errors.append(_error(location, "a variant attribute must be of kind enum"))
    return errors


def combination(parent: Product, variant: ProductChanges) -> tuple[str | None, list[dict[str, str]]]:
    """The variant's values of its parent's variant attributes (``size=m#colour=red``), or why not."""
    if parent.kind != "configurable":
        return None, [
            {
                "loc": "body.parent_id",
                "msg": "the parent must be a configurable product",
                "type": "value_error",
            }
        ]
    missing = [code for code in parent.variant_attributes if code not in variant.attributes]
    if missing:
        return None, [
            _error(
                f"body.attributes.{code}",
                "a variant needs a value of each of its parent's variant attributes",
            )
            for code in missing
        ]
    return "#".join(f"{code}={variant.attributes[code]}" for code in parent.variant_attributes), []


def attribute_errors(product: ProductChanges, definitions: Mapping[str, Attribute]) -> list[dict[str, str]]:
    return value_errors(product.attributes, definitions) + variant_attribute_errors(
        product.variant_attributes, definitions
    )


def sort_name(name: Mapping[str, str], default_locale: str) -> str:
    """The name a category listing sorts by: the organization's default locale, its language, else the
    first locale's."""
    language = default_locale.split("-")[0]
    return name.get(default_locale) or name.get(language) or name[sorted(name)[0]]
