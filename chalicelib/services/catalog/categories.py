"""Categories of an organization, and the root categories its websites offer.

An organization's categories and its ``TREE`` item share one partition: the whole tree loads with
one Query (:func:`load_categories`). Each structure change — a category created, moved, re-slugged
or deleted, or a website starting to offer a root category — writes the ``TREE`` item conditional
on the version read with the tree, in the change's own transaction. Of two concurrent changes one
commits and the other answers 409, so no move closes a cycle, no two siblings end up with one slug,
and no root category is deleted or moved while a website starts to offer it. Renaming, describing
or repositioning a category leaves the structure alone. Every change of a category, and of a
website's catalog settings, counts in the tenant's ``catalog_generation``.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.catalog.categories import (
    MAX_CATEGORIES,
    Category,
    CategoryFields,
    CategoryForest,
    CategoryTree,
    category_forest,
    move_problem,
    slug_clashes,
    tree_listing,
)
from chalicelib.domain.tenancy import Organization, Website
from chalicelib.platform.errors import Conflict, NotFound, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.services import entities
from chalicelib.services.catalog.category_counts import discard_counts
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.organizations import ORGANIZATION_TYPE, websites_of
from chalicelib.services.tenants import count_catalog_change
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

CATEGORY_TYPE = "category"
TREE_TYPE = "category_tree"
# Items per Query page of a category partition; DynamoDB ends a page at 1 MB too, whichever comes first.
CATEGORY_PAGE = 1000


@dataclass(frozen=True)
class OrganizationCategories:
    """An organization's categories as read with its ``TREE`` item (version None: none made yet)."""

    organization_id: str
    categories: dict[str, Category]
    forest: CategoryForest
    structure_version: int | None

    def find(self, category_id: str) -> Category:
        category = self.categories.get(category_id)
        if category is None:
            raise NotFound("category not found")
        return category


def load_categories(tenant_id: str, organization_id: str) -> OrganizationCategories:
    """Every category of the organization and its ``TREE`` item, with one Query (more only past a page)."""
    records = repository.query_all(
        keys.category_partition(tenant_id, organization_id), page_size=CATEGORY_PAGE
    )
    structure = next((record for record in records if record.type == TREE_TYPE), None)
    categories = {
        record.data["id"]: entities.to_model(record, Category)
        for record in records
        if record.type == CATEGORY_TYPE
    }
    return OrganizationCategories(
        organization_id,
        categories,
        category_forest(categories),
        structure.version if structure is not None else None,
    )


def _structure_changed() -> Conflict:
    return Conflict("the categories' structure changed meanwhile; retry", headers={"Retry-After": "1"})


def _bump_structure(
    transaction: Transaction, tenant_id: str, organization_id: str, version: int | None
) -> None:
    """Write the ``TREE`` item if it still has the version read (create it with the first category)."""
    key, data = keys.category_tree(tenant_id, organization_id), {"organization_id": organization_id}
    if version is None:
        transaction.create(key, TREE_TYPE, data, on_exists=_structure_changed())
    else:
        transaction.replace(key, TREE_TYPE, data, expected_version=version, on_failure=_structure_changed())


def _category_writes(
    tenant_id: str, organization_id: str, *, structure: bool, structure_version: int | None
) -> entities.ExtraWrites:
    """Count the change, and bump the structure if it changes (the organization must still exist)."""

    def add(transaction: Transaction) -> None:
        if structure:
            _bump_structure(transaction, tenant_id, organization_id, structure_version)
            transaction.require(
                keys.organization(tenant_id, organization_id),
                data_equals={"id": organization_id},
                on_failure=NotFound("organization not found"),
            )
        count_catalog_change(transaction, tenant_id)

    return add


def _check_placement(
    loaded: OrganizationCategories, category_id: str | None, parent_id: str | None, slug: dict[str, str]
) -> None:
    """422 for a parent that is no category of the organization, or a slug a sibling has."""
    if parent_id is not None and parent_id not in loaded.forest:
        raise Unprocessable.field("body.parent_id", "no such category in this organization", "not_found")
    clashes = slug_clashes(loaded.categories.values(), category_id, parent_id, slug)
    if clashes:
        raise Unprocessable(
            [
                {"loc": f"body.slug.{locale}", "msg": "a sibling category has this slug", "type": "duplicate"}
                for locale in clashes
            ]
        )


def create_category(
    caller: Caller,
    organization_id: str,
    body: CategoryFields,
    idempotency: IdempotencyClaim | None = None,
    guard: entities.ExtraWrites | None = None,
    category_id: str | None = None,
) -> Category:
    """A new category (``guard``: writes of the caller's that must commit with it, an ERP message's
    ordering guard say; ``category_id``: the id, when the caller's writes name it)."""
    tenant_id = caller.tenant_id
    loaded = load_categories(tenant_id, organization_id)
    if len(loaded.categories) >= MAX_CATEGORIES:
        raise Conflict(f"an organization has at most {MAX_CATEGORIES} categories")
    _check_placement(loaded, None, body.parent_id, body.slug)
    category = Category.model_validate(
        {
            "id": category_id or new_id(CATEGORY_TYPE),
            "organization_id": organization_id,
            "version": 1,
            **entities.timestamps(),
            **body.model_dump(),
        },
        strict=False,
    )
    return entities.create(
        caller,
        key=keys.category(tenant_id, organization_id, category.id),
        entity_type=CATEGORY_TYPE,
        entity=category,
        extra_writes=entities.together(
            _category_writes(
                tenant_id, organization_id, structure=True, structure_version=loaded.structure_version
            ),
            guard,
        ),
        idempotency=idempotency,
    )


def get_category_tree(caller: Caller, organization_id: str) -> CategoryTree:
    """The organization's categories, parents before children and siblings by position (404: no such
    organization; the organization is read only when it has no category yet)."""
    loaded = load_categories(caller.tenant_id, organization_id)
    if loaded.structure_version is None:
        entities.load(keys.organization(caller.tenant_id, organization_id), Organization, ORGANIZATION_TYPE)
    return CategoryTree(organization_id=organization_id, items=tree_listing(loaded.forest, loaded.categories))


def get_category(caller: Caller, organization_id: str, category_id: str) -> Category:
    return entities.load(
        keys.category(caller.tenant_id, organization_id, category_id), Category, CATEGORY_TYPE
    )


def update_category(
    caller: Caller,
    organization_id: str,
    category_id: str,
    patch: Input,
    expected_version: ExpectedVersion,
    guard: entities.ExtraWrites | None = None,
) -> Category:
    """Rename, describe, reposition; a new ``parent_id`` moves the category with its subtree (null: to
    the root), a new ``slug`` re-slugs it: those two read and serialize the whole tree."""
    tenant_id = caller.tenant_id
    loaded = None
    if {"parent_id", "slug"} & patch.model_fields_set:
        loaded = load_categories(tenant_id, organization_id)
        current = loaded.find(category_id)
    else:
        current = get_category(caller, organization_id, category_id)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, CategoryFields)
    moved = updated.parent_id != current.parent_id
    restructured = loaded is not None and (moved or updated.slug != current.slug)
    if loaded is not None and restructured:
        if moved:
            problem = move_problem(loaded.forest, category_id, updated.parent_id)
            if problem:
                raise Unprocessable.field("body.parent_id", problem)
            if current.parent_id is None:
                _refuse_offered(tenant_id, organization_id, category_id, "moved under another category")
        _check_placement(loaded, category_id, updated.parent_id, updated.slug)
    return entities.update(
        caller,
        key=keys.category(tenant_id, organization_id, category_id),
        entity_type=CATEGORY_TYPE,
        before=current,
        after=updated,
        extra_writes=entities.together(
            _category_writes(
                tenant_id,
                organization_id,
                structure=restructured,
                structure_version=loaded.structure_version if loaded else None,
            ),
            guard,
        ),
        counters=("rules_revision",),  # a rule set since the read is not written back over
    )


def _refuse_offered(tenant_id: str, organization_id: str, category_id: str, change: str) -> None:
    """409 if a website offers the root category (the ``TREE`` item serializes this with the websites)."""
    offering = sorted(
        website.id
        for website in websites_of(tenant_id, organization_id)
        if category_id in website.category_root_ids
    )
    if offering:
        raise Conflict(
            f"websites offer this root category ({', '.join(offering)}); "
            f"take it off them before it is {change}"
        )


def delete_category(
    caller: Caller, organization_id: str, category_id: str, expected_version: ExpectedVersion
) -> None:
    """Delete a category without sub-categories, products, or websites offering it (409 otherwise), with
    its units' rules (found by their index: as many as its transaction takes, the rest right after it)
    and its count shards."""
    tenant_id = caller.tenant_id
    loaded = load_categories(tenant_id, organization_id)
    current = loaded.find(category_id)
    entities.check_version(current.version, expected_version)
    children = loaded.forest.children(category_id)
    if children:
        raise Conflict(f"the category still has {len(children)} sub-categories; move or delete them first")
    products = repository.query(keys.category_products(tenant_id, category_id), limit=1)
    if products.records:
        raise Conflict("products are still in this category; take them out of it first")
    if current.parent_id is None:
        _refuse_offered(tenant_id, organization_id, category_id, "deleted")
    entities.delete(
        caller,
        key=keys.category(tenant_id, organization_id, category_id),
        entity_type=CATEGORY_TYPE,
        entity=current,
        extra_writes=entities.together(
            _category_writes(
                tenant_id, organization_id, structure=True, structure_version=loaded.structure_version
            ),
            lambda transaction: discard_counts(transaction, tenant_id, organization_id, category_id),
        ),
        belongings=[
            record.key
            for record in repository.query_all(
                keys.unit_rules_of(tenant_id, "C", category_id), index="GSI1", page_size=CATEGORY_PAGE
            )
        ],
    )


def website_catalog_writes(
    tenant_id: str, before: Website | None, after: Website | None
) -> entities.ExtraWrites:
    """What a website's write adds for its catalog settings: 422 for an offered root category that is
    no root category of the website's organization; condition checks on the roots it starts to offer
    and the organization's ``TREE`` item bumped (so no root goes away meanwhile); the change counted.

    ``before`` None: a website created; ``after`` None: one deleted.
    """
    added: list[str] = []
    if after is not None:
        kept = (
            set(before.category_root_ids)
            if before and before.organization_id == after.organization_id
            else set()
        )
        added = [root for root in after.category_root_ids if root not in kept]
    structure_version = _check_roots(tenant_id, after, added) if after is not None and added else None
    changed = (
        before is None
        or after is None
        or (before.organization_id, before.category_root_ids, before.catalog_default_visibility)
        != (after.organization_id, after.category_root_ids, after.catalog_default_visibility)
    )

    def add(transaction: Transaction) -> None:
        if after is not None and added:
            for root in added:
                transaction.require(
                    keys.category(tenant_id, after.organization_id, root),
                    data_equals={"id": root},
                    on_failure=_not_a_root(after, root),
                )
            _bump_structure(transaction, tenant_id, after.organization_id, structure_version)
        if changed:
            count_catalog_change(transaction, tenant_id)

    return add


def _not_a_root(website: Website, root: str) -> Unprocessable:
    index = website.category_root_ids.index(root)
    return Unprocessable.field(
        f"body.category_root_ids[{index}]", "no such root category of the website's organization", "not_found"
    )


def _check_roots(tenant_id: str, website: Website, added: list[str]) -> int:
    """The version of the organization's ``TREE`` item, once every added root is one of its root
    categories (422 naming the first that is not); one BatchGetItem."""
    tree_key = keys.category_tree(tenant_id, website.organization_id)
    root_keys = {root: keys.category(tenant_id, website.organization_id, root) for root in added}
    found = repository.get_many([tree_key, *root_keys.values()])
    for root, key in root_keys.items():
        record = found.get(key)
        if record is None or record.type != CATEGORY_TYPE or record.data.get("parent_id") is not None:
            raise _not_a_root(website, root)
    structure = found.get(tree_key)
    if structure is None:  # its categories were made with it: they and it are gone meanwhile
        raise _structure_changed()
    return structure.version
