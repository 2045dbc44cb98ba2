"""How many enabled products each category of an organization holds, so the storefront's tree leaves
out categories with nothing in them.

A product counts in each of its categories (primary and others) while it is enabled; a variant has no
categories of its own (it is placed by its parent) and counts nowhere. The count of a category is
spread over :data:`~chalicelib.store.keys.CATEGORY_COUNT_SHARDS` shard items, the product's id
choosing its shard, and every product write adds to them in its own transaction with an ADD that has
no condition: two writes of products in one category touch the same item only when their products
share a shard, and then they only conflict if they commit in the same instant (503, retry), instead
of every concurrent write of the category failing on one counter's version. All of an organization's
shards lie in one partition: the tree reads them with one Query.

Counts written before this existed, or drifted (a write outside the services), are repaired by
:func:`recount` (``kontor catalog recount``), which counts each category's listing items.
"""

from __future__ import annotations

from chalicelib.domain.catalog.products import Product
from chalicelib.services.organizations import ORGANIZATION_TYPE
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Transaction

CATEGORY_COUNT_TYPE = "category_count"
CATEGORY_TYPE = "category"  # the category API's items
COUNT_PAGE = 1000


def counted_in(product: Product | None) -> set[str]:
    """The categories ``product`` counts in: its own (primary and others) while it is enabled."""
    if product is None or product.status != "enabled":
        return set()
    return set(product.all_category_ids())


def count_writes(
    transaction: Transaction, tenant_id: str, before: Product | None, after: Product | None
) -> None:
    """Add 1 to the count of each category the product starts to count in, 1 less where it stops."""
    product = after or before
    assert product is not None
    old, new = counted_in(before), counted_in(after)
    shard = keys.CategoryCountShard.of_product(product.id)
    changes = {**dict.fromkeys(new - old, 1), **dict.fromkeys(old - new, -1)}
    for category_id, amount in sorted(changes.items()):
        transaction.tally(
            keys.category_count(tenant_id, product.organization_id, category_id, shard),
            CATEGORY_COUNT_TYPE,
            {"category_id": category_id, "shard": shard},
            amount,
        )


def discard_counts(transaction: Transaction, tenant_id: str, organization_id: str, category_id: str) -> None:
    """Delete a category's count shards with it (they are all zero: a category is deleted empty)."""
    for shard in range(keys.CATEGORY_COUNT_SHARDS):
        transaction.discard(keys.category_count(tenant_id, organization_id, category_id, shard))


def category_counts(tenant_id: str, organization_id: str) -> dict[str, int]:
    """The counted products of each category of the organization that has a count (one Query)."""
    return _summed(repository.tallies(keys.category_counts(tenant_id, organization_id), page_size=COUNT_PAGE))


def _summed(shards: dict[str, int]) -> dict[str, int]:
    """Each category's count: the sum of its shards' tallies (by the shards' sort keys)."""
    totals: dict[str, int] = {}
    for sort_key, tally in shards.items():
        category_id = keys.CategoryCountShard.of(sort_key).category_id
        totals[category_id] = totals.get(category_id, 0) + tally
    return totals


def recount(tenant_id: str, organization_id: str) -> dict[str, int]:
    """Count the enabled listing items of each of the organization's categories (a Select=COUNT Query
    each) and rewrite the shards of every count that differs (the whole count on shard 0); shards of
    categories that no longer exist are deleted. Running it again changes nothing.

    A repair, not a transaction: a product written in a category while it is being counted may be
    missed or counted twice, until the next recount. Answers the counts, by category.
    """
    categories = [
        record.key.sk
        for record in repository.query_all(
            keys.category_partition(tenant_id, organization_id), page_size=COUNT_PAGE
        )
        if record.type == CATEGORY_TYPE
    ]
    counts = {
        category_id: repository.count(
            keys.category_products(tenant_id, category_id),
            filters={"status": "enabled", "organization_id": organization_id},
        )
        for category_id in categories
    }
    partition = keys.category_counts(tenant_id, organization_id)
    stored = repository.tallies(partition, page_size=COUNT_PAGE)
    totals = _summed(stored)
    wrong = {
        category_id
        for category_id in {*counts, *totals}
        if counts.get(category_id, 0) != totals.get(category_id, 0)
    }
    tallied = {
        keys.category_count(tenant_id, organization_id, category_id, 0): (
            CATEGORY_COUNT_TYPE,
            {"category_id": category_id, "shard": 0},
            counts[category_id],
        )
        for category_id in sorted(wrong)
        if counts.get(category_id, 0)
    }
    discarded = [
        Key(partition, sort_key)
        for sort_key in sorted(stored)
        if keys.CategoryCountShard.of(sort_key).category_id in wrong
        and Key(partition, sort_key) not in tallied
    ]
    repository.write_tallies(tallied, discarded)
    return counts


def recount_tenant(tenant_id: str, organization_ids: list[str] | None = None) -> dict[str, dict[str, int]]:
    """:func:`recount` for these organizations of the tenant (all of them unless named), by organization."""
    if organization_ids is None:
        records = repository.query_all(keys.organization_collection(tenant_id), page_size=COUNT_PAGE)
        organization_ids = [record.key.sk for record in records if record.type == ORGANIZATION_TYPE]
    return {organization_id: recount(tenant_id, organization_id) for organization_id in organization_ids}
