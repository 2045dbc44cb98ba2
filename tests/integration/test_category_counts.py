"""The enabled products counted per category (spread over shard items, changed in each product's own
transaction), the storefront tree that leaves out categories with nothing below them, and the recount
that repairs the counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.cli import main
from chalicelib.services.catalog.category_counts import recount_tenant

from .conftest import Api, Table, Worlds

pytestmark = pytest.mark.shared_account

HOST = "shop.acme.de"
BUYER = "bob.buyer@globex.example"


@dataclass
class Shop:
    """acme's organization with a website offering the root Tools, its child Drills and another child
    Saws, no product yet, and a buyer of Globex."""

    admin: str
    organization: str
    tools: str
    drills: str
    saws: str
    buyer: str


@pytest.fixture
def shop(
    api: Api,
    worlds: Worlds,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
    make_customer_user: Callable[..., dict[str, Any]],
    make_category: Callable[..., str],
    verify_hostname: Callable[..., dict[str, Any]],
) -> Shop:
    def build() -> Shop:
        admin = make_tenant("acme")
        organization = make_organization(admin, default_locale="en")["id"]
        website = make_website(admin, organization, locales=["en"], default_locale="en")["id"]
        verify_hostname(admin, website, HOST)
        tools = make_category(admin, organization, "Tools")
        drills = make_category(admin, organization, "Drills", parent_id=tools)
        saws = make_category(admin, organization, "Saws", parent_id=tools)
        reply = api.call(
            "PATCH",
            f"/v1/admin/websites/{website}",
            token=admin,
            body={"category_root_ids": [tools]},
            headers={"If-Match": "*"},
        )
        assert reply.status == 200, reply.body
        customer = make_customer(admin, name="Globex")["id"]
        make_customer_user(admin, customer, customer, email=BUYER)
        return Shop(admin, organization, tools, drills, saws, api.token("acme", BUYER))

    return worlds.world("shop", build)


def _counts(table: Table, organization_id: str) -> dict[str, int]:
    """Each category's count as its shards add up (categories without a shard item left out)."""
    totals: dict[str, int] = {}
    for item in table.items():
        if item["PK"] == f"T#acme#ORG#{organization_id}#CATCOUNT":
            category_id = item["SK"].rsplit("#", 1)[0]
            totals[category_id] = totals.get(category_id, 0) + int(item["tally"])
    return {category_id: count for category_id, count in totals.items() if count}


def _tree(api: Api, shop: Shop) -> list[str]:
    reply = api.call("GET", "/v1/store/catalog/categories", token=shop.buyer, headers={"X-Kontor-Host": HOST})
    assert reply.status == 200, reply.body
    return [category["id"] for category in reply.body["items"]]


def _product(api: Api, shop: Shop, sku: str, **fields: Any) -> dict[str, Any]:
    body = {"organization_id": shop.organization, "sku": sku, "name": {"en": sku}, **fields}
    reply = api.call("POST", "/v1/admin/products", token=shop.admin, body=body)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def _patch(api: Api, shop: Shop, product: dict[str, Any], **fields: Any) -> dict[str, Any]:
    reply = api.call(
        "PATCH",
        f"/v1/admin/products/{product['id']}",
        token=shop.admin,
        body=fields,
        headers={"If-Match": f'"{product["version"]}"'},
    )
    assert reply.status == 200, reply.body
    return dict(reply.body)


def _delete(api: Api, shop: Shop, product: dict[str, Any]) -> None:
    reply = api.call(
        "DELETE",
        f"/v1/admin/products/{product['id']}",
        token=shop.admin,
        headers={"If-Match": f'"{product["version"]}"'},
    )
    assert reply.status == 204, reply.body


def test_a_product_counts_in_its_primary_and_other_categories(api: Api, shop: Shop, table: Table) -> None:
    # when a product is created in Drills, and in Saws as well
    _product(api, shop, "DR-1", primary_category_id=shop.drills, category_ids=[shop.saws])

    # then it counts once in each
    assert _counts(table, shop.organization) == {shop.drills: 1, shop.saws: 1}


def test_a_moved_product_counts_in_its_new_category_only(api: Api, shop: Shop, table: Table) -> None:
    # given a product in Drills
    product = _product(api, shop, "DR-1", primary_category_id=shop.drills)

    # when it moves to Saws
    _patch(api, shop, product, primary_category_id=shop.saws)

    # then Drills counts nothing and Saws one
    assert _counts(table, shop.organization) == {shop.saws: 1}


def test_a_disabled_product_counts_nowhere_until_enabled_again(api: Api, shop: Shop, table: Table) -> None:
    # given a product in Drills, disabled
    product = _patch(
        api, shop, _product(api, shop, "DR-1", primary_category_id=shop.drills), status="disabled"
    )
    disabled = _counts(table, shop.organization)

    # when it is enabled again
    _patch(api, shop, product, status="enabled")

    # then it counted nowhere while disabled, and counts again
    assert (disabled, _counts(table, shop.organization)) == ({}, {shop.drills: 1})


def test_a_deleted_product_leaves_its_categories_counts(api: Api, shop: Shop, table: Table) -> None:
    # given two products in Drills
    first = _product(api, shop, "DR-1", primary_category_id=shop.drills)
    _product(api, shop, "DR-2", primary_category_id=shop.drills)

    # when one is deleted
    _delete(api, shop, first)

    # then Drills counts the other
    assert _counts(table, shop.organization) == {shop.drills: 1}


def test_products_of_one_category_add_up_over_its_shards(api: Api, shop: Shop, table: Table) -> None:
    # when twelve products are created in Drills, some then moved away and back, one deleted
    products = [_product(api, shop, f"DR-{n}", primary_category_id=shop.drills) for n in range(12)]
    for product in products[:3]:
        moved = _patch(api, shop, product, primary_category_id=shop.saws)
        _patch(api, shop, moved, primary_category_id=shop.drills)
    _delete(api, shop, products[-1])

    # then the shards of Drills hold them all, spread over more than one shard item
    shards = [item for item in table.items() if item["SK"].startswith(f"{shop.drills}#")]
    assert (_counts(table, shop.organization), len(shards) > 1) == ({shop.drills: 11}, True)


def test_a_variant_counts_nowhere_of_its_own(
    api: Api, shop: Shop, table: Table, make_attribute: Callable[..., dict[str, Any]]
) -> None:
    # given a configurable product in Drills
    make_attribute(shop.admin, "size", options=[{"code": "m", "label": {"en": "M"}}])
    parent = _product(api, shop, "TS-1", primary_category_id=shop.drills, variant_attributes=["size"])

    # when a variant of it is created
    _product(api, shop, "TS-1-M", parent_id=parent["id"], attributes={"size": "m"})

    # then only the parent counts
    assert _counts(table, shop.organization) == {shop.drills: 1}


def test_the_tree_hides_a_category_with_nothing_below_it(api: Api, shop: Shop) -> None:
    # given a product in Drills
    _product(api, shop, "DR-1", primary_category_id=shop.drills)

    # when the buyer reads the tree
    tree = _tree(api, shop)

    # then Tools shows (its subtree holds the product) with Drills, and the empty Saws does not
    assert tree == [shop.tools, shop.drills]


def test_a_first_product_shows_its_category_at_once_and_the_last_one_hides_it(api: Api, shop: Shop) -> None:
    # given the buyer read the empty tree (the shop is cached now)
    empty = _tree(api, shop)

    # when a first product goes into Saws, then is deleted
    product = _product(api, shop, "SW-1", primary_category_id=shop.saws)
    with_product = _tree(api, shop)
    _delete(api, shop, product)

    # then Saws and Tools showed while it was there, and nothing once it left
    assert (empty, with_product, _tree(api, shop)) == ([], [shop.tools, shop.saws], [])


def test_a_disabled_product_does_not_show_its_category(api: Api, shop: Shop) -> None:
    # given the only product of Drills is disabled
    _product(api, shop, "DR-1", primary_category_id=shop.drills, status="disabled")

    # when the buyer reads the tree
    tree = _tree(api, shop)

    # then nothing shows
    assert tree == []


def test_the_recount_restores_counts_of_data_written_before_them(api: Api, shop: Shop, table: Table) -> None:
    # given products whose count shards are gone (data written before products were counted)
    _product(api, shop, "DR-1", primary_category_id=shop.drills, category_ids=[shop.saws])
    _product(api, shop, "DR-2", primary_category_id=shop.drills)
    _product(api, shop, "DR-3", primary_category_id=shop.saws, status="disabled")
    for item in table.items():
        if item["PK"].endswith("#CATCOUNT"):
            table.delete(item["PK"], item["SK"])
    hidden = _tree(api, shop)

    # when the organization's categories are recounted
    recounted = recount_tenant("acme")

    # then the counts are back, and the tree with them
    assert recounted == {shop.organization: {shop.tools: 0, shop.drills: 2, shop.saws: 1}}
    assert (hidden, _counts(table, shop.organization)) == ([], {shop.drills: 2, shop.saws: 1})
    assert _tree(api, shop) == [shop.tools, shop.drills, shop.saws]


def test_a_recount_repairs_drift_and_changes_nothing_when_run_again(
    api: Api, shop: Shop, table: Table
) -> None:
    # given a product in Drills whose count drifted, and a shard of Saws left at zero by a product disabled
    _product(api, shop, "DR-1", primary_category_id=shop.drills)
    shard = next(item for item in table.items() if item["SK"].startswith(f"{shop.drills}#"))
    table.delete(shard["PK"], shard["SK"])
    _patch(api, shop, _product(api, shop, "SW-1", primary_category_id=shop.saws), status="disabled")
    recount_tenant("acme", [shop.organization])
    first = table.items()

    # when it is recounted again
    recount_tenant("acme", [shop.organization])

    # then the counts are right, and the second recount wrote nothing
    assert (_counts(table, shop.organization), table.items()) == ({shop.drills: 1}, first)


def test_a_deleted_category_leaves_no_count_shards(api: Api, shop: Shop, table: Table) -> None:
    # given a product was in Saws and left it (Saws' shard counts zero)
    product = _product(api, shop, "SW-1", primary_category_id=shop.saws)
    _patch(api, shop, product, primary_category_id=shop.drills)

    # when Saws is deleted
    path = f"/v1/admin/organizations/{shop.organization}/categories/{shop.saws}"
    reply = api.call("DELETE", path, token=shop.admin, headers={"If-Match": "*"})

    # then none of its shards is left
    assert reply.status == 204, reply.body
    assert [item for item in table.items() if item["SK"].startswith(f"{shop.saws}#")] == []


def test_kontor_catalog_recount_recounts_a_tenants_organizations(
    api: Api, shop: Shop, table: Table, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a product in Drills whose count is gone
    _product(api, shop, "DR-1", primary_category_id=shop.drills)
    for item in table.items():
        if item["PK"].endswith("#CATCOUNT"):
            table.delete(item["PK"], item["SK"])

    # when the command recounts acme's categories on the test stage's table
    exit_code = main(["catalog", "recount", "--tenant", "acme", "--stage", "test"])

    # then it says what it counted, and the count is back
    assert (exit_code, capsys.readouterr().out) == (
        0,
        f"{shop.organization}: 1 of 3 categories hold enabled products\n",
    )
    assert _counts(table, shop.organization) == {shop.drills: 1}
