"""Customers: company trees of units, administered by tenant staff.

A customer is the root unit of its tree, and every unit of a customer lives in one partition: the
whole tree loads with one Query (:func:`load_company`, which principal loading uses as well). Each
structure change (creating, moving or deleting a unit) writes the customer's ``TREE`` item,
conditional on the version read before, in the change's own transaction: of two concurrent changes
one commits and the other is refused with 409, so no move can close a cycle and no unit is created
under a parent being deleted. Other changes to a unit leave the structure alone.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.catalog.visibility import CompanyRules, Rule
from chalicelib.domain.customer_users import Company, CustomerRole
from chalicelib.domain.customers import (
    CompanyFields,
    CustomerFields,
    EffectiveUnit,
    Unit,
    UnitFields,
    UnitTree,
    company_tree,
    effective_unit,
    tree_listing,
)
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.price_lists import PriceListAssignment
from chalicelib.platform.errors import Conflict, NotFound, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record, Transaction

UNIT_TYPE = "customer_unit"
ROLE_TYPE = "customer_role"
TREE_TYPE = "customer_tree"
SALES_REP_TYPE = "sales_rep_assignment"
# Items per Query page of a company partition; DynamoDB ends a page at 1 MB too, whichever comes first.
COMPANY_PAGE = 1000


def load_company(tenant_id: str, customer_id: str) -> Company:
    """The customer's units and ``TREE`` item, read with one Query (more only past a page); 404 if unknown."""
    records = repository.query_all(keys.customer_partition(tenant_id, customer_id), page_size=COMPANY_PAGE)
    return company_of(customer_id, records)


def company_of(customer_id: str, records: list[Record]) -> Company:
    """The company in the records of its partition (which may hold other items too); 404 without a tree."""
    structure = next((record for record in records if record.type == TREE_TYPE), None)
    if structure is None:
        raise NotFound("customer not found")
    units = {
        record.data["id"]: entities.to_model(record, Unit) for record in records if record.type == UNIT_TYPE
    }
    roles = {
        record.data["id"]: entities.to_model(record, CustomerRole)
        for record in records
        if record.type == ROLE_TYPE
    }
    return Company(
        customer_id,
        units,
        company_tree(units),
        structure.version,
        roles,
        _catalog_rules(records),
        _price_lists(records),
    )


def _catalog_rules(records: list[Record]) -> CompanyRules:
    """The units' own catalog rules and selection assignments among the partition's items."""
    visibility: dict[str, dict[str, dict[str, Rule]]] = {}
    selections: dict[str, set[str]] = {}
    for record in records:
        if record.key.sk.startswith(keys.UNIT_RULE_PREFIX):
            unit_id, website_id, subject_id = keys.UnitVisibilityKey.of(record.key.sk)
            visibility.setdefault(website_id, {}).setdefault(subject_id, {})[unit_id] = record.data[
                "visibility"
            ]
        elif record.key.sk.startswith(keys.SELECTION_ASSIGNMENT_PREFIX):
            unit_id, selection_id = keys.UnitSelectionKey.of(record.key.sk)
            selections.setdefault(selection_id, set()).add(unit_id)
    return CompanyRules(visibility, {selection: frozenset(units) for selection, units in selections.items()})


def _price_lists(records: list[Record]) -> dict[str, PriceListAssignment]:
    """The units' own price lists among the partition's items (``PRC#<unit>``), by unit id."""
    return {
        record.key.sk.removeprefix(keys.UNIT_PRICE_LISTS_PREFIX): PriceListAssignment.model_validate(
            {"fallback": record.data["fallback"], "lists": record.data["lists"]}
        )
        for record in records
        if record.key.sk.startswith(keys.UNIT_PRICE_LISTS_PREFIX)
    }


def unit_of(company: Company, unit_id: str) -> Unit:
    """A unit of the company (404 if it is not one of them)."""
    unit = company.find(unit_id)
    if unit is None:
        raise NotFound("unit not found")
    return unit


def _structure_changed() -> Conflict:
    return Conflict("the company's structure changed meanwhile; retry", headers={"Retry-After": "1"})


def _unit_writes(
    tenant_id: str,
    before: Unit | None,
    after: Unit,
    *,
    structure_version: int | None,
) -> entities.ExtraWrites:
    """Bump the structure (if the tree changes), require the unit's group (if newly set), index its reps."""

    def add(transaction: Transaction) -> None:
        if structure_version is not None:
            _bump_structure(transaction, tenant_id, after.customer_id, structure_version)
        group_id = after.customer_group_id
        if group_id is not None and (before is None or group_id != before.customer_group_id):
            _require_group(transaction, tenant_id, group_id)
        _index_sales_reps(
            transaction, tenant_id, after, before.sales_rep_ids if before else [], after.sales_rep_ids
        )

    return add


def _index_sales_reps(
    transaction: Transaction, tenant_id: str, unit: Unit, before: list[str], after: list[str]
) -> None:
    """One item per staff user the unit names as sales rep: how a rep's customers are found (pattern 27)."""
    for staff_id in sorted(set(after) - set(before)):
        transaction.require(
            keys.staff_user_id(tenant_id, staff_id),
            data_equals={"id": staff_id},
            on_failure=Unprocessable.field("body.sales_rep_ids", f"no staff user {staff_id}", "not_found"),
        )
        transaction.create(
            keys.sales_rep_assignment(tenant_id, unit.customer_id, staff_id, unit.id),
            SALES_REP_TYPE,
            {"customer_id": unit.customer_id, "unit_id": unit.id, "staff_id": staff_id},
            indexes={
                "GSI1PK": keys.customers_of_sales_rep(tenant_id, staff_id),
                "GSI1SK": f"{unit.customer_id}#{unit.id}",
            },
        )
    for staff_id in sorted(set(before) - set(after)):
        transaction.delete(keys.sales_rep_assignment(tenant_id, unit.customer_id, staff_id, unit.id))


def _bump_structure(transaction: Transaction, tenant_id: str, customer_id: str, version: int) -> None:
    transaction.replace(
        keys.customer_tree(tenant_id, customer_id),
        TREE_TYPE,
        {"customer_id": customer_id},
        expected_version=version,
        on_failure=_structure_changed(),
    )


def _require_group(transaction: Transaction, tenant_id: str, group_id: str) -> None:
    transaction.require(
        keys.customer_group(tenant_id, group_id),
        data_equals={"id": group_id},
        on_failure=Unprocessable.field("body.customer_group_id", "no such customer group", "not_found"),
    )


def _indexes(tenant_id: str, unit: Unit) -> dict[str, str]:
    """The customer list holds roots only (GSI1); a group's units are those that name it (GSI2)."""
    indexes: dict[str, str] = {}
    if unit.parent_id is None:
        indexes |= {"GSI1PK": keys.customers_index(tenant_id), "GSI1SK": unit.id}
    if unit.customer_group_id is not None:
        indexes |= {"GSI2PK": keys.units_of_group(tenant_id, unit.customer_group_id), "GSI2SK": unit.id}
    return indexes


def _with_address_ids(unit: Unit) -> Unit:
    """The unit with an id on every address: new addresses get one, sent-back ones keep theirs."""
    if all(address.id for address in unit.addresses):
        return unit
    addresses = [
        address if address.id else address.model_copy(update={"id": new_id("address")})
        for address in unit.addresses
    ]
    return unit.model_copy(update={"addresses": addresses})


def _new_unit(unit_id: str, customer_id: str, fields: dict[str, Any]) -> Unit:
    unit = Unit.model_validate(
        {"id": unit_id, "customer_id": customer_id, "version": 1, **entities.timestamps(), **fields},
        strict=False,
    )
    return _with_address_ids(unit)


def create_customer(
    caller: Caller,
    body: CustomerFields,
    idempotency: IdempotencyClaim | None = None,
    *,
    guard: entities.ExtraWrites | None = None,
    customer_id: str | None = None,
) -> Unit:
    """A customer: its company (the root unit) and its structure item, version 1 (``guard``: writes of
    the caller's that must commit with it, an ERP message's ordering guard and code say)."""
    tenant_id, customer_id = caller.tenant_id, customer_id or new_id("customer")
    root = _new_unit(customer_id, customer_id, {**body.model_dump(), "kind": "company", "parent_id": None})

    def add_structure(transaction: Transaction) -> None:
        transaction.create(
            keys.customer_tree(tenant_id, customer_id), TREE_TYPE, {"customer_id": customer_id}
        )
        _unit_writes(tenant_id, None, root, structure_version=None)(transaction)

    return entities.create(
        caller,
        key=keys.customer_unit(tenant_id, customer_id, customer_id),
        entity_type=UNIT_TYPE,
        entity=root,
        indexes=_indexes(tenant_id, root),
        extra_writes=entities.together(add_structure, guard),
        idempotency=idempotency,
    )


def list_customers(caller: Caller, page: PageRequest) -> Listing[Unit]:
    """The customers the caller's customers.read reaches, by id (a sales rep's: those assigned)."""
    staff = caller.principal.staff
    assigned = None if staff is None else staff.access.within(Permission.CUSTOMERS_READ)
    if assigned is not None:
        return _assigned_customers(caller.tenant_id, sorted(assigned), page)
    return entities.listing(keys.customers_index(caller.tenant_id), Unit, page, index="GSI1")


def _assigned_customers(tenant_id: str, customer_ids: list[str], page: PageRequest) -> Listing[Unit]:
    """One page of the customers with these ids, read by key: the work follows the rep's customers,
    not the tenant's (the ids come with the principal, pattern 27)."""
    after = str((page.start_key() or {}).get("after", ""))
    remaining = [customer_id for customer_id in customer_ids if customer_id > after]
    chosen = remaining[: page.limit]
    wanted = [keys.customer_unit(tenant_id, customer_id, customer_id) for customer_id in chosen]
    found = repository.get_many(wanted) if wanted else {}
    more = len(remaining) > page.limit
    return Listing[Unit](
        items=[entities.to_model(found[key], Unit) for key in wanted if key in found],
        next_cursor=page.next_cursor({"after": chosen[-1]}) if more else None,
    )


def get_unit(caller: Caller, customer_id: str, unit_id: str) -> Unit:
    return entities.load(keys.customer_unit(caller.tenant_id, customer_id, unit_id), Unit, UNIT_TYPE)


def get_customer(caller: Caller, customer_id: str) -> Unit:
    return get_unit(caller, customer_id, customer_id)


def list_units(caller: Caller, customer_id: str) -> UnitTree:
    company = load_company(caller.tenant_id, customer_id)
    return UnitTree(customer_id=customer_id, items=tree_listing(company.tree, company.units))


def create_unit(
    caller: Caller,
    customer_id: str,
    body: UnitFields,
    idempotency: IdempotencyClaim | None = None,
    *,
    known: Company | None = None,
) -> Unit:
    """A unit under ``body.parent_id``, which must be a unit of the same customer (422 otherwise).

    ``known`` is the company as read with a customer user's principal: it is not read again.
    """
    tenant_id = caller.tenant_id
    no_parent = Unprocessable.field("body.parent_id", "no such unit of this customer", "not_found")
    if known is not None:
        if body.parent_id not in known.tree:
            raise no_parent
        structure_version = known.structure_version
    else:
        structure_key = keys.customer_tree(tenant_id, customer_id)
        parent_key = keys.customer_unit(tenant_id, customer_id, body.parent_id)
        found = repository.get_many([structure_key, parent_key])
        if structure_key not in found:
            raise NotFound("customer not found")
        if parent_key not in found:
            raise no_parent
        structure_version = found[structure_key].version
    unit = _new_unit(new_id("customer_unit"), customer_id, body.model_dump())
    return entities.create(
        caller,
        key=keys.customer_unit(tenant_id, customer_id, unit.id),
        entity_type=UNIT_TYPE,
        entity=unit,
        indexes=_indexes(tenant_id, unit),
        extra_writes=_unit_writes(tenant_id, None, unit, structure_version=structure_version),
        idempotency=idempotency,
    )


def update_unit(
    caller: Caller,
    customer_id: str,
    unit_id: str,
    patch: Input,
    expected_version: ExpectedVersion,
    *,
    known: Company | None = None,
) -> Unit:
    """Change a unit; a new ``parent_id`` moves it with its subtree (422 under itself or elsewhere).

    ``known`` is the company as read with a customer user's principal: it is not read again.
    """
    tenant_id = caller.tenant_id
    # Only a move needs the tree (and its structure version); any other change reads the unit alone.
    company = known
    if company is None and "parent_id" in patch.model_fields_set:
        company = load_company(tenant_id, customer_id)
    current = unit_of(company, unit_id) if company is not None else get_unit(caller, customer_id, unit_id)
    entities.check_version(current.version, expected_version)
    fields = CompanyFields if current.parent_id is None else UnitFields
    updated = _with_address_ids(entities.merge(current, patch, fields))
    structure_version, new_parent = None, updated.parent_id
    if company is not None and new_parent is not None and new_parent != current.parent_id:
        problem = company.tree.move_problem(unit_id, new_parent)
        if problem:
            raise Unprocessable.field("body.parent_id", problem)
        structure_version = company.structure_version
    return entities.update(
        caller,
        key=keys.customer_unit(tenant_id, customer_id, unit_id),
        entity_type=UNIT_TYPE,
        before=current,
        after=updated,
        indexes=_indexes(tenant_id, updated),
        extra_writes=_unit_writes(tenant_id, current, updated, structure_version=structure_version),
    )


def update_customer(
    caller: Caller, customer_id: str, patch: Input, expected_version: ExpectedVersion
) -> Unit:
    return update_unit(caller, customer_id, customer_id, patch, expected_version)


def dependents(tenant_id: str, company: Company, unit_id: str) -> list[str]:
    """What still depends on a unit, keeping it from being deleted: its sub-units and its users.

    Orders join this list when they exist.
    """
    found = []
    children = company.tree.children(unit_id)
    if children:
        found.append(f"{len(children)} sub-unit(s)")
    unit_users = keys.customer_user_in_company(tenant_id, company.customer_id, unit_id)
    users = repository.query(unit_users.pk, index="GSI1", limit=1, sk_prefix=unit_users.sk)
    if users.records:
        found.append("users whose home unit it is")
    return found


def delete_unit(
    caller: Caller,
    customer_id: str,
    unit_id: str,
    expected_version: ExpectedVersion,
    *,
    known: Company | None = None,
) -> None:
    """Delete a unit nothing depends on (409 otherwise); deleting the company deletes the customer.

    ``known`` is the company as read with a customer user's principal: it is not read again.
    """
    tenant_id = caller.tenant_id
    company = known or load_company(tenant_id, customer_id)
    current = unit_of(company, unit_id)
    entities.check_version(current.version, expected_version)
    blockers = dependents(tenant_id, company, unit_id)
    if blockers:
        raise Conflict(f"the unit still has {', '.join(blockers)}; move or delete them first")

    def release(transaction: Transaction) -> None:
        if current.parent_id is None:
            transaction.delete(
                keys.customer_tree(tenant_id, customer_id),
                expected_version=company.structure_version,
                on_failure=_structure_changed(),
            )
        else:
            _bump_structure(transaction, tenant_id, customer_id, company.structure_version)
        _index_sales_reps(transaction, tenant_id, current, current.sales_rep_ids, [])

    entities.delete(
        caller,
        key=keys.customer_unit(tenant_id, customer_id, unit_id),
        entity_type=UNIT_TYPE,
        entity=current,
        extra_writes=release,
    )


def delete_customer(caller: Caller, customer_id: str, expected_version: ExpectedVersion) -> None:
    delete_unit(caller, customer_id, customer_id, expected_version)


def get_effective_unit(caller: Caller, customer_id: str, unit_id: str) -> EffectiveUnit:
    company = load_company(caller.tenant_id, customer_id)
    return effective_unit(company.path(unit_of(company, unit_id).id))
