"""What a selection lists directly (products) and whom it is assigned to (customer units).

A product's membership is kept twice in one transaction: in the product's ``RULES`` item (its
``selections``, which the storefront reads with the page's products) and as an item of the selection's
own partition (the admin's list of its products). A unit assignment is one item in the unit's company
partition, which the storefront's principal reads anyway. The storefront caches neither, so neither
advances the catalog generation. Adding what is there already, or removing what is not, changes nothing.
"""

from __future__ import annotations

from chalicelib.domain.catalog.products import Product
from chalicelib.domain.catalog.selections import Selection, SelectionProduct, SelectionUnit
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import StaffTarget
from chalicelib.platform.errors import NotFound, Unprocessable
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.catalog.products import PRODUCT_TYPE
from chalicelib.services.catalog.selections import get_selection
from chalicelib.services.catalog.visibility import rules_data, write_rules
from chalicelib.services.context import Caller, require_reach
from chalicelib.services.customers import UNIT_TYPE
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record, Transaction

SELECTION_PRODUCT_TYPE = "selection_product"
SELECTION_UNIT_TYPE = "selection_unit"


def _selection_still_there(transaction: Transaction, tenant_id: str, selection: Selection) -> None:
    transaction.require(
        keys.selection(tenant_id, selection.id),
        data_equals={"id": selection.id},
        on_failure=NotFound("selection not found"),
    )


def _membership(
    caller: Caller, selection: Selection, product_id: str
) -> tuple[Product, Record | None, Record | None]:
    """The product (of the selection's organization, else 422), its ``RULES`` item and its membership
    item, read in one BatchGetItem."""
    tenant_id = caller.tenant_id
    product_key, rules_key = keys.product(tenant_id, product_id), keys.product_rules(tenant_id, product_id)
    member_key = keys.selection_product(tenant_id, selection.id, product_id)
    found = repository.get_many([product_key, rules_key, member_key])
    record = found.get(product_key)
    if record is None or record.type != PRODUCT_TYPE:
        raise NotFound("product not found")
    product = entities.to_model(record, Product)
    if product.organization_id != selection.organization_id:
        raise Unprocessable.field(
            "path.product_id", "not a product of the selection's organization", "not_found"
        )
    return product, found.get(rules_key), found.get(member_key)


def _membership_writes(
    tenant_id: str, selection: Selection, product: Product, rules: Record | None, member: bool
) -> entities.ExtraWrites:
    """The product's ``RULES`` item naming the selection (or not), while the selection and the product
    exist (a product's delete takes its memberships with it, so none may come after it)."""

    def write(transaction: Transaction) -> None:
        data = rules_data(product.id, rules)
        named = set(data["selections"])
        data["selections"] = sorted(named | {selection.id} if member else named - {selection.id})
        write_rules(transaction, tenant_id, product.id, rules, data)
        _selection_still_there(transaction, tenant_id, selection)
        transaction.require(
            keys.product(tenant_id, product.id),
            data_equals={"id": product.id},
            type=PRODUCT_TYPE,
            on_failure=NotFound("product not found"),
        )

    return write


def add_product(caller: Caller, selection_id: str, product_id: str) -> SelectionProduct:
    selection = get_selection(caller, selection_id, Permission.CATALOG_WRITE)
    product, rules, existing = _membership(caller, selection, product_id)
    if existing is not None:
        return entities.to_model(existing, SelectionProduct)
    member = SelectionProduct.model_validate(
        {
            "id": product.id,
            "version": 1,
            "selection_id": selection_id,
            "product_id": product.id,
            **entities.timestamps(),
        },
        strict=False,
    )
    return entities.create(
        caller,
        key=keys.selection_product(caller.tenant_id, selection_id, product_id),
        entity_type=SELECTION_PRODUCT_TYPE,
        entity=member,
        extra_writes=_membership_writes(caller.tenant_id, selection, product, rules, member=True),
    )


def remove_product(caller: Caller, selection_id: str, product_id: str) -> None:
    selection = get_selection(caller, selection_id, Permission.CATALOG_WRITE)
    product, rules, existing = _membership(caller, selection, product_id)
    if existing is None:
        return
    entities.delete(
        caller,
        key=existing.key,
        entity_type=SELECTION_PRODUCT_TYPE,
        entity=entities.to_model(existing, SelectionProduct),
        extra_writes=_membership_writes(caller.tenant_id, selection, product, rules, member=False),
    )


def list_products(caller: Caller, selection_id: str, page: PageRequest) -> Listing[SelectionProduct]:
    """The products the selection lists directly (not those it holds through its categories)."""
    get_selection(caller, selection_id)
    return entities.listing(keys.selection_products(caller.tenant_id, selection_id), SelectionProduct, page)


def _assignment(caller: Caller, selection_id: str, customer_id: str) -> Selection:
    """The selection, if the caller may change it and reaches the customer (else 404)."""
    selection = get_selection(caller, selection_id, Permission.CATALOG_WRITE)
    target = StaffTarget(organization_id=selection.organization_id, customer_id=customer_id)
    require_reach(caller.principal, Permission.CATALOG_WRITE, target, NotFound("customer not found"))
    return selection


def assign_unit(caller: Caller, selection_id: str, customer_id: str, unit_id: str) -> SelectionUnit:
    selection = _assignment(caller, selection_id, customer_id)
    tenant_id = caller.tenant_id
    key = keys.selection_assignment(tenant_id, customer_id, unit_id, selection_id)
    existing = repository.get(key)
    if existing is not None:
        return entities.to_model(existing, SelectionUnit)
    assignment = SelectionUnit.model_validate(
        {
            "id": unit_id,
            "version": 1,
            "selection_id": selection_id,
            "customer_id": customer_id,
            "unit_id": unit_id,
            **entities.timestamps(),
        },
        strict=False,
    )

    def checks(transaction: Transaction) -> None:
        transaction.require(
            keys.customer_unit(tenant_id, customer_id, unit_id),
            data_equals={"id": unit_id},
            type=UNIT_TYPE,
            on_failure=NotFound("unit not found"),
        )
        _selection_still_there(transaction, tenant_id, selection)

    return entities.create(
        caller,
        key=key,
        entity_type=SELECTION_UNIT_TYPE,
        entity=assignment,
        indexes={
            "GSI1PK": keys.units_of_selection(tenant_id, selection_id),
            "GSI1SK": f"{customer_id}#{unit_id}",
        },
        extra_writes=checks,
    )


def unassign_unit(caller: Caller, selection_id: str, customer_id: str, unit_id: str) -> None:
    _assignment(caller, selection_id, customer_id)
    key = keys.selection_assignment(caller.tenant_id, customer_id, unit_id, selection_id)
    existing = repository.get(key)
    if existing is not None:
        entity = entities.to_model(existing, SelectionUnit)
        entities.delete(caller, key=key, entity_type=SELECTION_UNIT_TYPE, entity=entity)
