"""Products: each of one organization, with its SKU, listing items, search tokens and attribute usages
written in its own transaction (see the key chart in chalicelib.store.keys, patterns 40-49)."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.catalog.attributes import Attribute
from chalicelib.domain.catalog.products import (
    MAX_LISTED_VARIANTS,
    Product,
    ProductChanges,
    ProductDetail,
    ProductFields,
    attribute_errors,
    combination,
    product_tokens,
    sort_name,
    structure_errors,
    summary,
)
from chalicelib.domain.catalog.text import fold
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import StaffTarget
from chalicelib.domain.tenancy import Organization
from chalicelib.platform.errors import Conflict, NotFound, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.catalog.attributes import ATTRIBUTE_TYPE
from chalicelib.services.catalog.category_counts import count_writes
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.organizations import (
    ORGANIZATION_TYPE,
    no_such_organization,
    require_organization,
    require_organization_reach,
)
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record, Transaction

PRODUCT_TYPE = "product"
SKU_TYPE = "sku"
CATEGORY_TYPE = "category"  # the category API's items, checked here by key and type
CATEGORY_PRODUCT_TYPE = "category_product"
SEARCH_TOKEN_TYPE = "search_token"
ATTRIBUTE_USAGE_TYPE = "attribute_usage"
VARIANT_COMBINATION_TYPE = "variant_combination"
UNIT_RULES_PAGE = 1000
RULES_CHANGED = Conflict("the product's rules changed meanwhile; retry", headers={"Retry-After": "1"})


@dataclass(frozen=True)
class Context:
    """What a product write is checked against, read in one BatchGetItem."""

    organization: Organization
    attributes: dict[str, Attribute]
    parent: Product | None


@dataclass(frozen=True)
class Placement:
    """A product as its derived items see it: the product, its organization's default locale, its
    family's combination (variants only)."""

    product: Product
    default_locale: str
    parent: Product | None = None

    @property
    def combination(self) -> str | None:
        return combination(self.parent, self.product)[0] if self.parent else None


def _context(caller: Caller, product: ProductFields) -> Context:
    tenant_id = caller.tenant_id
    organization_key = keys.organization(tenant_id, product.organization_id)
    codes = sorted({*product.attributes, *product.variant_attributes})
    attribute_keys = [keys.attribute(tenant_id, code) for code in codes]
    parent_key = keys.product(tenant_id, product.parent_id) if product.parent_id else None
    found = repository.get_many([organization_key, *attribute_keys, *([parent_key] if parent_key else [])])
    organization = found.get(organization_key)
    if organization is None or organization.type != ORGANIZATION_TYPE:
        raise no_such_organization()
    attributes = {
        record.data["code"]: entities.to_model(record, Attribute)
        for key in attribute_keys
        if (record := found.get(key)) is not None and record.type == ATTRIBUTE_TYPE
    }
    parent = found.get(parent_key) if parent_key else None
    parent_product = (
        entities.to_model(parent, Product) if parent is not None and parent.type == PRODUCT_TYPE else None
    )
    if parent_key and (parent_product is None or parent_product.organization_id != product.organization_id):
        raise Unprocessable.field("body.parent_id", "no such product in this organization", "not_found")
    return Context(entities.to_model(organization, Organization), attributes, parent_product)


def _checked(caller: Caller, product: Product) -> Placement:
    """422 with every field error of the product, else how its derived items are written."""
    if errors := structure_errors(product):
        raise Unprocessable(errors)  # before anything is read
    context = _context(caller, product)
    errors = attribute_errors(product, context.attributes)
    if context.parent is not None:
        errors += combination(context.parent, product)[1]
    if errors:
        raise Unprocessable(errors)
    return Placement(product, context.organization.default_locale, context.parent)


def _indexes(tenant_id: str, product: Product) -> dict[str, str]:
    indexes = {
        "GSI1PK": keys.products_of_organization(tenant_id, product.organization_id),
        "GSI1SK": product.id,
        "GSI3PK": keys.products_index(tenant_id),
        "GSI3SK": product.id,
    }
    if product.parent_id:
        indexes |= {
            "GSI2PK": keys.variants_of(tenant_id, product.parent_id),
            "GSI2SK": product.sku.casefold(),
        }
    return indexes


def _sku_writes(
    transaction: Transaction, tenant_id: str, before: Product | None, after: Product | None
) -> None:
    old = before.sku.casefold() if before else None
    new = after.sku.casefold() if after else None
    if old == new:
        return
    if before is not None:
        transaction.delete(keys.sku(tenant_id, before.sku), data_equals={"product_id": before.id})
    if after is not None:
        transaction.create(
            keys.sku(tenant_id, after.sku),
            SKU_TYPE,
            {"sku": after.sku, "product_id": after.id, "organization_id": after.organization_id},
            on_exists=Conflict(f"the SKU {after.sku!r} is another product's"),
        )


def _category_writes(
    transaction: Transaction, tenant_id: str, before: Product | None, after: Placement | None
) -> None:
    """Each category must be one of the organization's; its listing item carries the product's summary."""
    kept: set[str] = set()
    if after is not None:
        product = after.product
        listed = summary(product).model_dump(mode="json")
        name = sort_name(product.name, after.default_locale)
        for index, category_id in enumerate(product.all_category_ids()):
            location = "body.primary_category_id" if index == 0 else f"body.category_ids[{index - 1}]"
            transaction.require(
                keys.category(tenant_id, product.organization_id, category_id),
                data_equals={},
                type=CATEGORY_TYPE,
                on_failure=Unprocessable.field(
                    location, "no such category in this organization", "not_found"
                ),
            )
            transaction.put(
                keys.category_product(tenant_id, category_id, product.id),
                CATEGORY_PRODUCT_TYPE,
                {**listed, "category_id": category_id},
                indexes={
                    "GSI1PK": keys.category_products_by_name(tenant_id, category_id),
                    "GSI1SK": f"{fold(name)}#{product.id}",
                    "GSI2PK": keys.category_products_by_sku(tenant_id, category_id),
                    "GSI2SK": product.sku.casefold(),
                },
            )
            kept.add(category_id)
    if before is not None:
        for category_id in before.all_category_ids():
            if category_id not in kept:
                transaction.discard(keys.category_product(tenant_id, category_id, before.id))


def _usage_writes(
    transaction: Transaction, tenant_id: str, before: Product | None, after: Product | None
) -> None:
    def used(product: Product | None) -> set[str]:
        return {*product.attributes, *product.variant_attributes} if product else set()

    old, new = used(before), used(after)
    product_id = (after or before).id  # type: ignore[union-attr]
    for code in sorted(new - old):
        transaction.put(
            keys.attribute_usage(tenant_id, code, product_id),
            ATTRIBUTE_USAGE_TYPE,
            {"product_id": product_id},
        )
    for code in sorted(old - new):
        transaction.discard(keys.attribute_usage(tenant_id, code, product_id))


def _token_writes(
    transaction: Transaction, tenant_id: str, before: Product | None, after: Product | None
) -> None:
    old = set(product_tokens(before)) if before else set()
    new = set(product_tokens(after)) if after else set()
    product = after or before
    assert product is not None
    data = {"product_id": product.id, "parent_id": product.parent_id}
    for token in sorted(new - old):
        transaction.put(
            keys.search_token(tenant_id, product.organization_id, token, product.id), SEARCH_TOKEN_TYPE, data
        )
    for token in sorted(old - new):
        transaction.discard(keys.search_token(tenant_id, product.organization_id, token, product.id))


def _combination_writes(
    transaction: Transaction, tenant_id: str, before: Placement | None, after: Placement | None
) -> None:
    """A variant's parent must still be a product of its organization; its combination is its own."""
    if after is not None and after.product.parent_id is not None:
        transaction.require(
            keys.product(tenant_id, after.product.parent_id),
            data_equals={"organization_id": after.product.organization_id},
            type=PRODUCT_TYPE,
            on_failure=Unprocessable.field(
                "body.parent_id", "no such product in this organization", "not_found"
            ),
        )
    old = before.combination if before else None
    new = after.combination if after else None
    if old == new:
        return
    if before is not None and old is not None and before.product.parent_id:
        transaction.discard(keys.variant_combination(tenant_id, before.product.parent_id, old))
    if after is not None and new is not None and after.product.parent_id:
        transaction.create(
            keys.variant_combination(tenant_id, after.product.parent_id, new),
            VARIANT_COMBINATION_TYPE,
            {"product_id": after.product.id},
            on_exists=Conflict(f"another variant of this family has the values {new.replace('#', ', ')}"),
        )


def _derived_writes(
    tenant_id: str, before: Placement | None, after: Placement | None
) -> entities.ExtraWrites:
    """Everything a product's change writes besides the product item, in the same transaction."""
    old = before.product if before else None
    new = after.product if after else None

    def write(transaction: Transaction) -> None:
        if new is not None:
            require_organization(transaction, tenant_id, new.organization_id)
        _sku_writes(transaction, tenant_id, old, new)
        _category_writes(transaction, tenant_id, old, after)
        count_writes(transaction, tenant_id, old, new)
        _usage_writes(transaction, tenant_id, old, new)
        _token_writes(transaction, tenant_id, old, new)
        _combination_writes(transaction, tenant_id, before, after)

    return write


def create_product(
    caller: Caller,
    body: ProductFields,
    idempotency: IdempotencyClaim | None = None,
    guard: entities.ExtraWrites | None = None,
) -> Product:
    """A new product (``guard``: writes of the caller's that must commit with it, an ERP message's
    ordering guard say)."""
    require_organization_reach(caller, Permission.CATALOG_WRITE, body.organization_id)
    product = Product.model_validate(
        {"id": new_id(PRODUCT_TYPE), "version": 1, **entities.timestamps(), **body.model_dump()}, strict=False
    )
    placement = _checked(caller, product)
    return entities.create(
        caller,
        key=keys.product(caller.tenant_id, product.id),
        entity_type=PRODUCT_TYPE,
        entity=product,
        indexes=_indexes(caller.tenant_id, product),
        extra_writes=entities.together(_derived_writes(caller.tenant_id, None, placement), guard),
        idempotency=idempotency,
    )


def _reachable(caller: Caller, record: Record | None, permission: Permission) -> Product:
    """The product read, if it is one of an organization the caller's ``permission`` reaches (else 404)."""
    if record is None or record.type != PRODUCT_TYPE:
        raise NotFound("product not found")
    product = entities.to_model(record, Product)
    caller.require(permission, StaffTarget(organization_id=product.organization_id), "product")
    return product


def _load(caller: Caller, product_id: str, permission: Permission) -> Product:
    """A product of an organization the caller's ``permission`` reaches (404 if they may not see it)."""
    return _reachable(caller, repository.get(keys.product(caller.tenant_id, product_id)), permission)


def get_product(caller: Caller, product_id: str) -> ProductDetail:
    """A product; a configurable one with its variants (by SKU, the first 100)."""
    product = _load(caller, product_id, Permission.CATALOG_READ)
    variants = []
    if product.kind == "configurable":
        page = repository.query(
            keys.variants_of(caller.tenant_id, product.id), index="GSI2", limit=MAX_LISTED_VARIANTS
        )
        variants = [summary(entities.to_model(record, Product)) for record in page.records]
    return ProductDetail.model_validate(
        {**entities.stored(product), "version": product.version, "variants": variants}, strict=False
    )


def list_products(caller: Caller, page: PageRequest, organization_id: str | None = None) -> Listing[Product]:
    """The products of the organizations the caller reaches, of one of them if given, oldest first."""
    if organization_id:
        partition, index = keys.products_of_organization(caller.tenant_id, organization_id), "GSI1"
    else:
        partition, index = keys.products_index(caller.tenant_id), "GSI3"
    return entities.listing(
        partition,
        Product,
        page,
        index=index,
        keep=caller.reachable(Permission.CATALOG_READ, "organization_id"),
    )


def _has_variants(caller: Caller, product: Product) -> bool:
    return bool(
        repository.query(keys.variants_of(caller.tenant_id, product.id), index="GSI2", limit=1).records
    )


def update_product(
    caller: Caller,
    product_id: str,
    patch: Input,
    expected_version: ExpectedVersion,
    guard: entities.ExtraWrites | None = None,
) -> Product:
    current = _load(caller, product_id, Permission.CATALOG_WRITE)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, ProductChanges)
    if updated.variant_attributes != current.variant_attributes and _has_variants(caller, current):
        raise Conflict("the product has variants: its variant attributes stay as they are")
    after = _checked(caller, updated)
    before = Placement(current, after.default_locale, after.parent)
    return entities.update(
        caller,
        key=keys.product(caller.tenant_id, product_id),
        entity_type=PRODUCT_TYPE,
        before=current,
        after=updated,
        indexes=_indexes(caller.tenant_id, updated),
        extra_writes=entities.together(_derived_writes(caller.tenant_id, before, after), guard),
    )


def _rules_writes(rules: Record | None) -> entities.ExtraWrites:
    """The product's ``RULES`` item goes with it, as read (a rule set meanwhile: 409, retry)."""

    def write(transaction: Transaction) -> None:
        if rules is not None:
            transaction.delete(rules.key, expected_version=rules.version, on_failure=RULES_CHANGED)

    return write


def _belongings(tenant_id: str, product_id: str, rules: Record | None, prices: Record | None) -> list[Key]:
    """What names the product and exists for it only: its memberships in the selections its ``RULES`` item
    names, its unit rules in the companies' partitions (found by their index), and its price sheet with
    its rows in each list the sheet names."""
    selection_ids = (rules.data.get("selections") or []) if rules is not None else []
    unit_rules = repository.query_all(
        keys.unit_rules_of(tenant_id, "P", product_id), index="GSI1", page_size=UNIT_RULES_PAGE
    )
    price_list_ids = list(prices.data.get("lists") or {}) if prices is not None else []
    return (
        [keys.selection_product(tenant_id, selection_id, product_id) for selection_id in selection_ids]
        + [record.key for record in unit_rules]
        + [keys.price_list_product(tenant_id, price_list_id, product_id) for price_list_id in price_list_ids]
        + ([prices.key] if prices is not None else [])
    )


def delete_product(
    caller: Caller,
    product_id: str,
    expected_version: ExpectedVersion,
    guard: entities.ExtraWrites | None = None,
) -> None:
    """Delete a product and everything derived from it or naming it (its rules at every level, its
    selection memberships, its prices in every list); a configurable one only without variants (409).

    One transaction holds the product's own items (at most 48: its caps) with its ``RULES`` item and as
    many memberships and unit rules as fit; any more are deleted right after it commits (nothing can add
    one once the product is gone: every rule and membership write checks the product)."""
    tenant_id = caller.tenant_id
    product_key, rules_key = keys.product(tenant_id, product_id), keys.product_rules(tenant_id, product_id)
    prices_key = keys.price_sheet(tenant_id, product_id)
    found = repository.get_many([product_key, rules_key, prices_key])
    current = _reachable(caller, found.get(product_key), Permission.CATALOG_WRITE)
    entities.check_version(current.version, expected_version)
    if current.kind == "configurable" and _has_variants(caller, current):
        raise Conflict("the product still has variants; delete them first")
    parent = None
    if current.parent_id is not None:
        parent_record = repository.get(keys.product(tenant_id, current.parent_id))
        parent = entities.to_model(parent_record, Product) if parent_record is not None else None
    rules = found.get(rules_key)
    entities.delete(
        caller,
        key=product_key,
        entity_type=PRODUCT_TYPE,
        entity=current,
        extra_writes=entities.together(
            _derived_writes(tenant_id, Placement(current, "", parent), None), _rules_writes(rules), guard
        ),
        belongings=_belongings(tenant_id, product_id, rules, found.get(prices_key)),
    )
