"""The storefront catalog: which website, and what Bob (Plant Lyon), Olga (Plant Ohio) and Ina (another
company) see there once rules differ. Rules are set through the admin API (``set_catalog_rule``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Globex
from .support import assert_problem

HOST = "shop.acme.de"
STORE = "/v1/store/catalog"
PUBLIC = "/v1/public/catalog"


@dataclass
class Shop:
    admin: str
    organization: str
    website: str
    root: str
    products: dict[str, str]  # by SKU
    tokens: dict[str, str]  # bob, olga, ina
    globex: Globex
    initech: str


@pytest.fixture
def shop(
    api: Api,
    globex: Globex,
    invite: Callable[..., dict[str, Any]],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
    make_customer_user: Callable[..., dict[str, Any]],
    make_category: Callable[..., str],
    make_product: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> Shop:
    admin = globex.admin
    organization = make_organization(admin, default_locale="en")["id"]
    website = make_website(admin, organization, locales=["en", "de-DE"], default_locale="en")["id"]
    verify_hostname(admin, website, HOST)
    root = make_category(admin, organization, "Fasteners")
    reply = api.call(
        "PATCH",
        f"/v1/admin/websites/{website}",
        token=admin,
        body={"category_root_ids": [root]},
        headers={"If-Match": "*"},
    )
    assert reply.status == 200, reply.body
    products = {
        sku: make_product(admin, organization, sku=sku, name=name, primary_category_id=root)["id"]
        for sku, name in (
            ("HB-100", {"en": "Hex bolt", "de-DE": "Sechskantschraube"}),
            ("HN-200", {"en": "Hex nut", "de-DE": "Sechskantmutter"}),
        )
    }
    invite("bob.buyer@globex.example", "buyer", "lyon")
    invite("olga.buyer@globex.example", "buyer", "ohio")
    initech = make_customer(admin, name="Initech")["id"]
    make_customer_user(admin, initech, initech, email="ina.buyer@initech.example")
    tokens = {
        name: api.token("acme", email)
        for name, email in (
            ("bob", "bob.buyer@globex.example"),
            ("olga", "olga.buyer@globex.example"),
            ("ina", "ina.buyer@initech.example"),
        )
    }
    return Shop(admin, organization, website, root, products, tokens, globex, initech)


def _get(api: Api, shop: Shop, who: str, path: str, **headers: str) -> Any:
    reply = api.call(
        "GET", f"{STORE}{path}", token=shop.tokens[who], headers={"X-Kontor-Host": HOST, **headers}
    )
    assert reply.status == 200, reply.body
    return reply.body


def _listed(api: Api, shop: Shop, who: str) -> list[str]:
    body = _get(api, shop, who, f"/categories/{shop.root}/products")
    return [item["sku"] for item in body["items"]]


def _hide_bolt_for_lyon(shop: Shop, set_catalog_rule: Callable[..., None]) -> None:
    set_catalog_rule(
        shop.admin,
        "unit",
        customer=shop.globex.ids["company"],
        unit=shop.globex.ids["lyon"],
        website=shop.website,
        product=shop.products["HB-100"],
        visibility="hidden",
    )


def test_a_product_hidden_for_a_unit_leaves_its_listing_at_once(
    api: Api, shop: Shop, set_catalog_rule: Callable[..., None]
) -> None:
    # given Bob has seen the category (the shop is cached), then the bolt is hidden for Plant Lyon
    assert _listed(api, shop, "bob") == ["HB-100", "HN-200"]
    _hide_bolt_for_lyon(shop, set_catalog_rule)

    # when each buyer lists the category
    listed = {who: _listed(api, shop, who) for who in ("bob", "olga", "ina")}

    # then only Bob's listing changed, without any rebuild
    assert listed == {"bob": ["HN-200"], "olga": ["HB-100", "HN-200"], "ina": ["HB-100", "HN-200"]}


def test_a_hidden_product_is_not_found_in_search_lookup_or_detail(
    api: Api, shop: Shop, set_catalog_rule: Callable[..., None]
) -> None:
    # given the bolt is hidden for Plant Lyon
    _hide_bolt_for_lyon(shop, set_catalog_rule)

    # when Bob and Olga search, look up SKUs and open the bolt
    searched = {
        who: [i["sku"] for i in _get(api, shop, who, "/search?q=hex")["items"]] for who in ("bob", "olga")
    }
    looked_up = {
        who: api.call(
            "POST",
            f"{STORE}/sku-lookup",
            token=shop.tokens[who],
            body={"skus": ["hb-100", "HN-200", "NOPE-1"]},
            headers={"X-Kontor-Host": HOST},
        ).body
        for who in ("bob", "olga")
    }
    detail = api.call(
        "GET",
        f"{STORE}/products/{shop.products['HB-100']}",
        token=shop.tokens["bob"],
        headers={"X-Kontor-Host": HOST},
    )

    # then Bob finds only the nut, the bolt is "not found" for him (never "hidden"), Olga finds both
    assert searched == {"bob": ["HN-200"], "olga": ["HB-100", "HN-200"]}
    assert [i["sku"] for i in looked_up["bob"]["items"]] == ["HN-200"]
    assert looked_up["bob"]["not_found"] == ["hb-100", "NOPE-1"]
    assert [i["sku"] for i in looked_up["olga"]["items"]] == ["HB-100", "HN-200"]
    assert_problem(detail, 404)


def test_a_category_hidden_for_a_group_leaves_the_tree_of_its_units_only(
    api: Api,
    shop: Shop,
    set_catalog_rule: Callable[..., None],
    make_customer_group: Callable[..., dict[str, Any]],
) -> None:
    # given Initech's company is in a group for which the category is hidden on this website
    group = make_customer_group(shop.admin)["id"]
    reply = api.call(
        "PATCH",
        f"/v1/admin/customers/{shop.initech}",
        token=shop.admin,
        body={"customer_group_id": group},
        headers={"If-Match": "*"},
    )
    assert reply.status == 200, reply.body
    set_catalog_rule(
        shop.admin,
        "group category",
        organization=shop.organization,
        category=shop.root,
        website=shop.website,
        group=group,
        visibility="hidden",
    )

    # when Bob and Ina read the tree
    trees = {who: [c["id"] for c in _get(api, shop, who, "/categories")["items"]] for who in ("bob", "ina")}
    ina_listing = api.call(
        "GET",
        f"{STORE}/categories/{shop.root}/products",
        token=shop.tokens["ina"],
        headers={"X-Kontor-Host": HOST},
    )

    # then Ina's tree is empty and the category is not found for her; Bob's is unchanged
    assert trees == {"bob": [shop.root], "ina": []}
    assert_problem(ina_listing, 404)


def test_an_include_selection_of_a_unit_narrows_its_catalog(
    api: Api,
    shop: Shop,
    set_catalog_rule: Callable[..., None],
    make_selection: Callable[..., dict[str, Any]],
) -> None:
    # given an include selection naming only the nut, assigned to Plant Ohio
    selection = make_selection(shop.admin, shop.organization)["id"]
    set_catalog_rule(shop.admin, "selection product", selection=selection, product=shop.products["HN-200"])
    set_catalog_rule(
        shop.admin,
        "selection unit",
        customer=shop.globex.ids["company"],
        unit=shop.globex.ids["ohio"],
        selection=selection,
    )

    # when Bob and Olga list the category
    listed = {who: _listed(api, shop, who) for who in ("bob", "olga")}

    # then Olga sees the nut only, Bob both
    assert listed == {"bob": ["HB-100", "HN-200"], "olga": ["HN-200"]}


def test_names_come_in_the_locale_accept_language_picks(api: Api, shop: Shop) -> None:
    # when Olga asks in German (Austrian German falls back to the website's de-DE)
    body = _get(
        api, shop, "olga", f"/products/{shop.products['HB-100']}", **{"Accept-Language": "de-AT, en;q=0.5"}
    )

    # then the German name is shown
    assert body["name"] == "Sechskantschraube"


def test_another_tenants_host_is_not_found(
    api: Api,
    shop: Shop,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> None:
    # given nordic serves shop.nordic.de
    nordic = make_tenant("nordic")
    website = make_website(nordic, make_organization(nordic)["id"], hostnames=["shop.nordic.de"])["id"]
    verify_hostname(nordic, website, "shop.nordic.de")

    # when Bob of acme asks for it, and for a hostname nobody serves
    replies = [
        api.call("GET", f"{STORE}/categories", token=shop.tokens["bob"], headers={"X-Kontor-Host": host})
        for host in ("shop.nordic.de", "shop.unknown.de")
    ]

    # then neither shop is found
    for reply in replies:
        assert_problem(reply, 404)


def test_a_role_without_catalog_view_is_refused(
    api: Api, shop: Shop, invite: Callable[..., dict[str, Any]]
) -> None:
    # given a Globex user whose only role grants users.view
    invite("ava.admin@globex.example", "administrator", "company")
    ava = api.token("acme", "ava.admin@globex.example")
    role = api.call(
        "POST",
        "/v1/store/company/roles",
        token=ava,
        body={"name": "Auditor", "grants": {"users.view": "unit"}},
    )
    assert role.status == 201, role.body
    invite("audrey@globex.example", role.body["id"], "lyon")

    # when they read the catalog
    reply = api.call(
        "GET",
        f"{STORE}/categories",
        token=api.token("acme", "audrey@globex.example"),
        headers={"X-Kontor-Host": HOST},
    )

    # then
    assert_problem(reply, 403)


def test_guests_browse_only_where_the_website_allows_it(api: Api, shop: Shop) -> None:
    # given a website without guest browsing
    closed = api.call("GET", f"{PUBLIC}/categories", headers={"X-Kontor-Host": HOST})
    reply = api.call(
        "PATCH",
        f"/v1/admin/websites/{shop.website}",
        token=shop.admin,
        body={"guest_browsing": True},
        headers={"If-Match": "*"},
    )
    assert reply.status == 200, reply.body
    from chalicelib.services.catalog.storefront import forget_shops

    forget_shops()  # a guest's cached shop lives GUEST_MAX_AGE seconds

    # when a guest reads the products once it allows it
    listed = api.call("GET", f"{PUBLIC}/categories/{shop.root}/products", headers={"X-Kontor-Host": HOST})

    # then the shop was closed to them before, and shows the website level now
    assert_problem(closed, 404)
    assert listed.status == 200, listed.body
    assert [item["sku"] for item in listed.body["items"]] == ["HB-100", "HN-200"]


def test_a_cursor_of_one_category_is_refused_on_another(
    api: Api, shop: Shop, make_category: Callable[..., str]
) -> None:
    # given a cursor from the first page of the root category, and a sub-category
    first = _get(api, shop, "olga", f"/categories/{shop.root}/products?limit=1")
    assert first["next_cursor"] is not None
    other = make_category(shop.admin, shop.organization, "Nuts", parent_id=shop.root)

    # when it is sent for the sub-category's products
    reply = api.call(
        "GET",
        f"{STORE}/categories/{other}/products?limit=1&cursor={first['next_cursor']}",
        token=shop.tokens["olga"],
        headers={"X-Kontor-Host": HOST},
    )

    # then it is refused, and the first page went on with the next product
    assert_problem(reply, 422)
    following = _get(
        api, shop, "olga", f"/categories/{shop.root}/products?limit=1&cursor={first['next_cursor']}"
    )
    assert [item["sku"] for item in first["items"] + following["items"]] == ["HB-100", "HN-200"]
