"""The demo catalog `make run` seeds in Acme Europe, read back over HTTP as an admin sees it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from local.demo_catalog import demo_catalog

from .stack import SMALL_DEMO_PRODUCTS_PER_LEAF, Stack

DEMO_ROOTS = {"safety-equipment", "hand-tools", "fasteners", "electrical", "hydraulics"}


def _acme_europe(stack: Stack, token: str) -> dict[str, Any]:
    organizations = stack.call("GET", "/v1/admin/organizations", token=token).json()["items"]
    return next(organization for organization in organizations if organization["name"] == "Acme Europe")


def _every_product(stack: Stack, token: str, organization_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"organization_id": organization_id, "limit": 100}
    while True:
        response = stack.call("GET", "/v1/admin/products", token=token, params=params)
        assert response.status_code == 200, response.text
        found += response.json()["items"]
        if response.json()["next_cursor"] is None:
            return found
        params["cursor"] = response.json()["next_cursor"]


def test_the_demo_categories_are_three_levels_deep_and_offered_by_the_websites(
    stack: Stack, acme_admin: str
) -> None:
    # given Acme Europe as seeded
    organization = _acme_europe(stack, acme_admin)

    # when its category tree and its websites are read
    tree = stack.call(
        "GET", f"/v1/admin/organizations/{organization['id']}/categories", token=acme_admin
    ).json()["items"]
    websites = stack.call(
        "GET", "/v1/admin/websites", token=acme_admin, params={"organization_id": organization["id"]}
    ).json()["items"]

    # then the five demo roots hold 30 categories on two more levels, and every demo website offers them
    roots = {category["id"]: category for category in tree if category["parent_id"] is None}
    demo_roots = {root_id for root_id, root in roots.items() if root["slug"]["en"] in DEMO_ROOTS}
    children = {category["id"] for category in tree if category["parent_id"] in demo_roots}
    leaves = [category for category in tree if category["parent_id"] in children]
    assert (len(demo_roots), len(children), len(leaves)) == (5, 10, 20)
    for website in websites:
        if website["name"] in ("Acme Germany", "Acme France", "Acme Switzerland"):
            assert demo_roots <= set(website["category_root_ids"]), website["name"]


def test_the_demo_products_include_variant_families_and_hidden_hydraulics_for_standard_customers(
    stack: Stack, acme_admin: str
) -> None:
    # given Acme Europe as seeded
    organization = _acme_europe(stack, acme_admin)

    # when its products and selections are read
    products = _every_product(stack, acme_admin, organization["id"])
    selections = stack.call(
        "GET", "/v1/admin/selections", token=acme_admin, params={"organization_id": organization["id"]}
    ).json()["items"]

    # then every product of the demo data is there, variants among them, and the Standard group's exclusion
    kinds = Counter(product["kind"] for product in products)
    seeded = {product.sku for product in demo_catalog(SMALL_DEMO_PRODUCTS_PER_LEAF).products}
    assert seeded <= {product["sku"] for product in products}
    assert (kinds["configurable"], kinds["variant"]) == (7, 44)
    assert [selection["mode"] for selection in selections if "hydraulics" in selection["name"]] == ["exclude"]


def _tree(stack: Stack, email: str) -> set[str]:
    """The English slugs of the categories a demo buyer sees on shop.acme.de."""
    token = stack.token("acme", email)
    headers = {"X-Kontor-Host": "shop.acme.de", "Accept-Language": "en"}
    response = stack.call("GET", "/v1/store/catalog/categories", token=token, headers=headers)
    assert response.status_code == 200, response.text
    return {category["slug"] for category in response.json()["items"]}


def test_bob_olga_and_ina_see_three_different_catalogs_in_the_same_shop(stack: Stack) -> None:
    # given the demo's rules: hand protection hidden for Plant Lyon, hydraulics left out for Initech's group

    # when Bob (Plant Lyon), Olga (Plant Ohio) and Ina (Initech) read the category tree of shop.acme.de
    bob, olga, ina = (
        _tree(stack, email)
        for email in ("bob.buyer@globex.example", "olga.buyer@globex.example", "ina.admin@initech.example")
    )

    # then Olga sees both; Bob neither hand protection nor the gloves below it; Ina no hydraulics
    hand_protection = {"hand-protection", "cut-resistant-gloves", "chemical-gloves"}
    assert hand_protection | {"hydraulics"} <= olga
    assert bob == olga - hand_protection
    assert "hydraulics" not in ina
    assert hand_protection <= ina
