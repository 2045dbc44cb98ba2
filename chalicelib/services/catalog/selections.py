"""Product selections of an organization: create, read, list, change, delete.

Each write checks, in its own transaction, that the organization, every newly listed category (in
that organization) and every newly named customer group exist, and advances the tenant's catalog
generation, so warm functions re-read the selections they cache.
"""

from __future__ import annotations

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.catalog.selections import Selection, SelectionChanges, SelectionFields
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import StaffTarget
from chalicelib.platform.errors import Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.organizations import require_organization, require_organization_reach
from chalicelib.services.tenants import count_catalog_change
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

SELECTION_TYPE = "selection"
MEMBERS_PAGE = 1000


def _references(
    tenant_id: str, selection: Selection, before: Selection | None = None
) -> entities.ExtraWrites:
    """The organization, and each category and group the change adds, must exist; the catalog's
    generation advances."""
    organization_id = selection.organization_id
    known_categories = set(before.category_ids) if before else set()
    known_groups = set(before.customer_group_ids) if before else set()

    def check(transaction: Transaction) -> None:
        require_organization(transaction, tenant_id, organization_id)
        for index, category_id in enumerate(selection.category_ids):
            if category_id not in known_categories:
                transaction.require(
                    keys.category(tenant_id, organization_id, category_id),
                    data_equals={"id": category_id},
                    on_failure=Unprocessable.field(
                        f"body.category_ids[{index}]", "no such category in this organization", "not_found"
                    ),
                )
        for index, group_id in enumerate(selection.customer_group_ids):
            if group_id not in known_groups:
                transaction.require(
                    keys.customer_group(tenant_id, group_id),
                    data_equals={"id": group_id},
                    on_failure=Unprocessable.field(
                        f"body.customer_group_ids[{index}]", "no such customer group", "not_found"
                    ),
                )
        count_catalog_change(transaction, tenant_id)

    return check


def create_selection(
    caller: Caller, body: SelectionFields, idempotency: IdempotencyClaim | None = None
) -> Selection:
    require_organization_reach(caller, Permission.CATALOG_WRITE, body.organization_id)
    selection = Selection.model_validate(
        {"id": new_id(SELECTION_TYPE), "version": 1, **entities.timestamps(), **body.model_dump()},
        strict=False,
    )
    return entities.create(
        caller,
        key=keys.selection(caller.tenant_id, selection.id),
        entity_type=SELECTION_TYPE,
        entity=selection,
        extra_writes=_references(caller.tenant_id, selection),
        idempotency=idempotency,
    )


def get_selection(
    caller: Caller, selection_id: str, permission: Permission = Permission.CATALOG_READ
) -> Selection:
    """A selection of an organization the caller's ``permission`` reaches (404 if they may not see it)."""
    selection = entities.load(keys.selection(caller.tenant_id, selection_id), Selection, SELECTION_TYPE)
    caller.require(permission, StaffTarget(organization_id=selection.organization_id), "selection")
    return selection


def list_selections(
    caller: Caller, page: PageRequest, organization_id: str | None = None
) -> Listing[Selection]:
    """The selections of the organizations the caller reaches, of one of them if given."""
    return entities.listing(
        keys.selection_collection(caller.tenant_id),
        Selection,
        page,
        filters={"organization_id": organization_id} if organization_id else None,
        keep=caller.reachable(Permission.CATALOG_READ, "organization_id"),
    )


def update_selection(
    caller: Caller, selection_id: str, patch: Input, expected_version: ExpectedVersion
) -> Selection:
    current = get_selection(caller, selection_id, Permission.CATALOG_WRITE)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, SelectionChanges)
    return entities.update(
        caller,
        key=keys.selection(caller.tenant_id, selection_id),
        entity_type=SELECTION_TYPE,
        before=current,
        after=updated,
        extra_writes=_references(caller.tenant_id, updated, current),
    )


def delete_selection(caller: Caller, selection_id: str, expected_version: ExpectedVersion) -> None:
    """Delete a selection with its assignments to units (``SEL#`` items, found by their index) and the
    items listing its products; those its transaction has no room for are deleted right after it (no
    assignment or product can be added to a selection that is gone). Its id may stay in its products'
    ``RULES`` items, where nothing matches it any more: the storefront and the explanation read only the
    selections that exist."""
    tenant_id = caller.tenant_id
    current = get_selection(caller, selection_id, Permission.CATALOG_WRITE)
    entities.check_version(current.version, expected_version)
    assignments = repository.query_all(
        keys.units_of_selection(tenant_id, selection_id), index="GSI1", page_size=MEMBERS_PAGE
    )
    members = repository.query_all(keys.selection_products(tenant_id, selection_id), page_size=MEMBERS_PAGE)
    entities.delete(
        caller,
        key=keys.selection(tenant_id, selection_id),
        entity_type=SELECTION_TYPE,
        entity=current,
        extra_writes=lambda transaction: count_catalog_change(transaction, tenant_id),
        belongings=[record.key for record in (*assignments, *members)],
    )
