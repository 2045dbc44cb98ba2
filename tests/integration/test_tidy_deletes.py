"""Deletes leave nothing behind: a product takes its rules at every level and its selection memberships,
a selection its unit assignments and product list, a category its units' rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.store import repository

from .conftest import Api, Table, Worlds

pytestmark = pytest.mark.shared_account


@dataclass
class Catalog:
    """A product of a category with a website rule, a unit rule and a membership in a selection assigned
    to a unit; a unit rule of the category."""

    admin: str
    organization: str
    category: str
    product: str
    selection: str
    customer: str
    plant: str


@pytest.fixture
def catalog(
    api: Api,
    worlds: Worlds,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
    make_unit: Callable[..., dict[str, Any]],
    make_category: Callable[..., str],
    make_product: Callable[..., dict[str, Any]],
    make_selection: Callable[..., dict[str, Any]],
    set_catalog_rule: Callable[..., None],
) -> Catalog:
    def build() -> Catalog:
        admin = make_tenant("acme")
        organization = make_organization(admin)["id"]
        website = make_website(admin, organization)["id"]
        category = make_category(admin, organization)
        product = make_product(admin, organization, primary_category_id=category)["id"]
        customer = make_customer(admin)["id"]
        plant = make_unit(admin, customer, customer, name="Plant Lyon", kind="branch")["id"]
        selection = make_selection(admin, organization)["id"]
        rule = {"website_id": website, "level": "all", "visibility": "hidden"}
        for path in (
            f"/v1/admin/products/{product}/visibility",
            f"/v1/admin/organizations/{organization}/categories/{category}/visibility",
        ):
            unit_rule = {**rule, "level": "unit", "customer_id": customer, "unit_id": plant}
            for body in (rule, unit_rule):
                assert api.call("PUT", path, token=admin, body=body).status == 200
        set_catalog_rule(admin, "selection product", selection=selection, product=product)
        set_catalog_rule(admin, "selection unit", selection=selection, customer=customer, unit=plant)
        return Catalog(admin, organization, category, product, selection, customer, plant)

    return worlds.world("catalog", build)


def _naming(table: Table, *ids: str) -> list[tuple[str, str]]:
    """The keys of the items whose partition or sort key names any of ``ids`` (outbox and audit aside)."""
    return [
        (item["PK"], item["SK"])
        for item in table.items()
        if "#EVENT#" not in item["PK"] and "#AUDIT" not in item["PK"]
        if any(entity_id in item["PK"] or entity_id in item["SK"] for entity_id in ids)
    ]


def _delete(api: Api, token: str, path: str) -> None:
    reply = api.call("DELETE", path, token=token, headers={"If-Match": "*"})
    assert reply.status == 204, reply.body


def test_a_deleted_product_takes_its_rules_unit_rules_and_memberships(
    api: Api, catalog: Catalog, table: Table
) -> None:
    # given the product has a RULES item, a unit rule and a selection membership
    assert len(_naming(table, catalog.product)) > 3

    # when it is deleted
    _delete(api, catalog.admin, f"/v1/admin/products/{catalog.product}")

    # then no item names it any more
    assert _naming(table, catalog.product) == []


def test_what_a_product_delete_has_no_room_for_goes_right_after_it(
    api: Api, catalog: Catalog, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given transactions so small that the product's unit rule and membership cannot go with it
    monkeypatch.setattr(repository, "MAX_TRANSACTION_ITEMS", 12)

    # when it is deleted
    _delete(api, catalog.admin, f"/v1/admin/products/{catalog.product}")

    # then they were deleted all the same
    assert _naming(table, catalog.product) == []


def test_a_deleted_selection_takes_its_unit_assignments_and_product_list(
    api: Api, catalog: Catalog, table: Table
) -> None:
    # given the selection lists the product and is assigned to Plant Lyon
    assert len(_naming(table, catalog.selection)) == 3

    # when it is deleted
    _delete(api, catalog.admin, f"/v1/admin/selections/{catalog.selection}")

    # then only the product's RULES item still names it (where nothing matches a deleted selection)
    assert _naming(table, catalog.selection) == []
    assert catalog.selection in table.get(f"T#acme#PRODUCT#{catalog.product}", "RULES")["data"]["selections"]


def test_a_deleted_category_takes_its_units_rules(api: Api, catalog: Catalog, table: Table) -> None:
    # given the category's product is gone, and Plant Lyon has a rule of the category
    _delete(api, catalog.admin, f"/v1/admin/products/{catalog.product}")

    # when the category is deleted
    _delete(
        api, catalog.admin, f"/v1/admin/organizations/{catalog.organization}/categories/{catalog.category}"
    )

    # then no item names it any more
    assert _naming(table, catalog.category) == []
