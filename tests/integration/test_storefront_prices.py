"""The buyer's prices on the storefront: in listings and detail, ``POST .../prices/resolve``, and the
staff's explanation. One world, built once for the module:

    acme's website shop.acme.de (EUR and USD, default EUR; guests may browse) offers Fasteners:
      HB-100 (units each, precision 0, and kg, precision 3), HN-200, and NP-300 (priced by no list);
      SECRET sits in no offered category (hidden from everyone)
    lists      web (the website's: HB-100 each 10.00 from 1, 9.00 from 10; USD 12.00; HN-200 each 2.00),
               lyon (Plant Lyon's: HB-100 each 8.50 from 1), key (the Key accounts group's: HN-200 1.50)
    Globex     company (group Key accounts) > Manufacturing > Plant Lyon (Bob), Plant Ohio (Olga);
               Ina buys for Initech (no group, no list of its own)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Table, Worlds
from .support import assert_problem, error_locs

pytestmark = pytest.mark.shared_account

HOST = "shop.acme.de"
SHOP = {"X-Kontor-Host": HOST}
ADMIN = "/v1/admin"
Make = Callable[..., dict[str, Any]]


@dataclass
class Priced:
    admin: str
    organization: str
    other_website: str  # of another organization
    website: str
    root: str
    products: dict[str, str]  # by SKU
    lists: dict[str, str]  # web, lyon, key
    ids: dict[str, str]  # company, lyon, ohio, initech, group
    tokens: dict[str, str]  # bob, olga, ina; ada (Globex's administrator); finn (another tenant's buyer)


def row(
    sku: str, value: str, min_quantity: str = "1", unit: str = "each", currency: str = "EUR"
) -> dict[str, Any]:
    return {"sku": sku, "unit": unit, "currency": currency, "min_quantity": min_quantity, "value": value}


@pytest.fixture
def priced(
    api: Api,
    worlds: Worlds,
    make_tenant: Callable[..., str],
    make_organization: Make,
    make_website: Make,
    make_category: Callable[..., str],
    make_product: Make,
    make_customer: Make,
    make_unit: Make,
    make_customer_user: Make,
    make_customer_group: Make,
    verify_hostname: Callable[..., dict[str, Any]],
) -> Priced:
    def build() -> Priced:
        admin = make_tenant("acme")
        organization = make_organization(admin, default_locale="en")["id"]
        other = make_organization(admin, name="Acme Nordics")["id"]
        other_website = make_website(admin, other, hostnames=["shop.acme.se"])["id"]
        website = make_website(admin, organization, currencies=["EUR", "USD"], default_currency="EUR")["id"]
        verify_hostname(admin, website, HOST)
        root = make_category(admin, organization, "Fasteners")
        reply = api.call(
            "PATCH",
            f"{ADMIN}/websites/{website}",
            token=admin,
            body={"category_root_ids": [root], "guest_browsing": True},
            headers={"If-Match": "*"},
        )
        assert reply.status == 200, reply.body
        units = [
            {"code": "each", "label": {"en": "each"}},
            {"code": "kg", "label": {"en": "kg"}, "precision": 3},
        ]
        products = {
            "HB-100": make_product(admin, organization, sku="HB-100", primary_category_id=root, units=units)[
                "id"
            ],
            "HN-200": make_product(admin, organization, sku="HN-200", primary_category_id=root)["id"],
            "NP-300": make_product(admin, organization, sku="NP-300", primary_category_id=root)["id"],
            "SECRET": make_product(admin, organization, sku="SECRET")["id"],
        }

        def price_list(name: str, rows: list[dict[str, Any]]) -> str:
            body = {"name": name, "organization_id": organization, "currencies": ["EUR", "USD"]}
            created = api.call("POST", f"{ADMIN}/price-lists", token=admin, body=body)
            assert created.status == 201, created.body
            put = api.call(
                "PUT", f"{ADMIN}/price-lists/{created.body['id']}/prices", token=admin, body={"rows": rows}
            )
            assert put.status == 200, put.body
            return str(created.body["id"])

        lists = {
            "web": price_list(
                "Web",
                [
                    row("HB-100", "10.00"),
                    row("HB-100", "9.00", "10"),
                    row("HB-100", "12.00", currency="USD"),
                    row("HN-200", "2.00"),
                    row("SECRET", "1.00"),
                ],
            ),
            "lyon": price_list("Lyon contract", [row("HB-100", "8.50")]),
            "key": price_list("Key accounts", [row("HN-200", "1.50")]),
        }
        group = make_customer_group(admin)["id"]
        company = make_customer(admin, customer_group_id=group)["id"]
        manufacturing = make_unit(admin, company, company)["id"]
        lyon = make_unit(admin, company, manufacturing, name="Plant Lyon", kind="branch")["id"]
        ohio = make_unit(admin, company, manufacturing, name="Plant Ohio", kind="branch")["id"]
        initech = make_customer(admin, name="Initech")["id"]

        def assign(path: str, list_id: str) -> None:
            body = {"fallback": "next", "lists": [{"price_list_id": list_id, "priority": 1}]}
            reply = api.call("PUT", f"{ADMIN}/{path}/price-lists", token=admin, body=body)
            assert reply.status == 200, reply.body

        assign(f"websites/{website}", lists["web"])
        assign(f"customer-groups/{group}", lists["key"])
        assign(f"customers/{company}/units/{lyon}", lists["lyon"])
        emails = {"bob": "bob.buyer@globex.example", "olga": "olga.buyer@globex.example"}
        make_customer_user(admin, company, lyon, email=emails["bob"])
        make_customer_user(admin, company, ohio, email=emails["olga"])
        make_customer_user(admin, initech, initech, email="ina.buyer@initech.example")
        emails["ina"] = "ina.buyer@initech.example"
        make_customer_user(admin, company, company, email="ada.admin@globex.example", role_id="administrator")
        emails["ada"] = "ada.admin@globex.example"
        tokens = {name: api.token("acme", email) for name, email in emails.items()}
        nordic = make_tenant("nordic")
        fjord = make_customer(nordic, name="Fjord")["id"]
        make_customer_user(nordic, fjord, fjord, email="finn.buyer@fjord.example")
        tokens["finn"] = api.token("nordic", "finn.buyer@fjord.example")
        ids = {"company": company, "lyon": lyon, "ohio": ohio, "initech": initech, "group": group}
        return Priced(admin, organization, other_website, website, root, products, lists, ids, tokens)

    return worlds.world("priced shop", build)


def listing(api: Api, priced: Priced, who: str | None, query: str = "") -> dict[str, Any]:
    """The Fasteners page as ``who`` sees it (None: a guest), prices by SKU."""
    prefix = "/v1/public/catalog" if who is None else "/v1/store/catalog"
    token = None if who is None else priced.tokens[who]
    reply = api.call("GET", f"{prefix}/categories/{priced.root}/products{query}", token=token, headers=SHOP)
    assert reply.status == 200, reply.body
    return {item["sku"]: item["price"] for item in reply.body["items"]}


def each(*tiers: tuple[str, str], currency: str = "EUR", tax_included: bool = False) -> dict[str, Any]:
    return {
        "currency": currency,
        "tax_included": tax_included,
        "tiers": {"each": [{"min_quantity": quantity, "value": value} for quantity, value in tiers]},
    }


# --- listings and detail ----------------------------------------------------------------------------


def test_each_buyer_sees_the_lowest_price_of_their_chain_in_a_listing(api: Api, priced: Priced) -> None:
    # when Bob (Plant Lyon), Olga (Plant Ohio), Ina (Initech) and a guest list the category
    seen = {who: listing(api, priced, who) for who in ("bob", "olga", "ina", None)}

    # then each has their chain's lower envelope; a product nobody prices has no price
    web_bolt = each(("1", "10.00"), ("10", "9.00"))
    assert seen["bob"] == {"HB-100": each(("1", "8.50")), "HN-200": each(("1", "1.50")), "NP-300": None}
    assert seen["olga"] == {"HB-100": web_bolt, "HN-200": each(("1", "1.50")), "NP-300": None}
    assert seen["ina"] == {"HB-100": web_bolt, "HN-200": each(("1", "2.00")), "NP-300": None}
    assert seen[None] == seen["ina"]  # a guest: the website's lists only


def test_a_listing_is_priced_in_the_currency_asked_for(api: Api, priced: Priced) -> None:
    # when
    in_dollars = listing(api, priced, "olga", "?currency=USD")

    # then
    assert in_dollars == {"HB-100": each(("1", "12.00"), currency="USD"), "HN-200": None, "NP-300": None}


def test_a_currency_the_website_does_not_offer_is_refused(api: Api, priced: Priced) -> None:
    # when
    reply = api.call(
        "GET",
        f"/v1/store/catalog/categories/{priced.root}/products?currency=GBP",
        token=priced.tokens["bob"],
        headers=SHOP,
    )

    # then
    assert error_locs(reply) == ["query.currency"]


def test_a_product_s_detail_carries_the_buyer_s_price(api: Api, priced: Priced) -> None:
    # when
    reply = api.call(
        "GET",
        f"/v1/store/catalog/products/{priced.products['HB-100']}",
        token=priced.tokens["bob"],
        headers=SHOP,
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["price"] == each(("1", "8.50"))


def test_a_list_switched_off_stops_pricing_at_once_on_a_warm_function(api: Api, priced: Priced) -> None:
    # given Bob has seen his contract price (the pricing cache is warm)
    assert listing(api, priced, "bob")["HB-100"] == each(("1", "8.50"))

    # when the contract list is switched off
    reply = api.call(
        "PATCH",
        f"{ADMIN}/price-lists/{priced.lists['lyon']}",
        token=priced.admin,
        body={"active": False},
        headers={"If-Match": "*"},
    )

    # then his next page has the website's price
    assert reply.status == 200, reply.body
    assert listing(api, priced, "bob")["HB-100"] == each(("1", "10.00"), ("10", "9.00"))


def test_prices_say_they_include_tax_once_the_website_s_do_on_a_warm_function(
    api: Api, priced: Priced
) -> None:
    # given Bob has seen his contract price (the shop is warm)
    assert listing(api, priced, "bob")["HB-100"] == each(("1", "8.50"))

    # when the website's prices are made to include tax
    reply = api.call(
        "PATCH",
        f"{ADMIN}/websites/{priced.website}",
        token=priced.admin,
        body={"prices_include_tax": True},
        headers={"If-Match": "*"},
    )
    assert reply.status == 200, reply.body

    # then his listing, the product's detail and a resolve say so at once
    detail = api.call(
        "GET",
        f"/v1/store/catalog/products/{priced.products['HB-100']}",
        token=priced.tokens["bob"],
        headers=SHOP,
    )
    resolved = resolve(api, priced, "bob", {"lines": [line("HB-100", "1")]})
    assert listing(api, priced, "bob")["HB-100"] == each(("1", "8.50"), tax_included=True)
    assert detail.body["price"]["tax_included"] is True
    assert resolved.body["tax_included"] is True


def pricing_generation(table: Table) -> int:
    tenant = table.get("T#acme#TENANT", "TENANT")
    assert tenant is not None
    return int(tenant["data"].get("pricing_generation", 0))


def test_creating_changing_and_deleting_a_price_list_count_a_pricing_change(
    api: Api, priced: Priced, table: Table
) -> None:
    # given
    before = pricing_generation(table)
    body = {"name": "Spare", "organization_id": priced.organization, "currencies": ["EUR"]}

    # when
    created = api.call("POST", f"{ADMIN}/price-lists", token=priced.admin, body=body)
    path = f"{ADMIN}/price-lists/{created.body['id']}"
    changed = api.call("PATCH", path, token=priced.admin, body={"name": "Spared"}, headers={"If-Match": "1"})
    deleted = api.call("DELETE", path, token=priced.admin, headers={"If-Match": "2"})

    # then
    assert (created.status, changed.status, deleted.status) == (201, 200, 204)
    assert pricing_generation(table) == before + 3


# --- resolve ------------------------------------------------------------------------------------------


def resolve(api: Api, priced: Priced, who: str | None, body: dict[str, Any]) -> Any:
    prefix = "/v1/public/prices" if who is None else "/v1/store/prices"
    token = None if who is None else priced.tokens[who]
    return api.call("POST", f"{prefix}/resolve", token=token, body=body, headers=SHOP)


def line(sku: str, quantity: str, unit: str = "each") -> dict[str, str]:
    return {"sku": sku, "unit": unit, "quantity": quantity}


def test_resolve_answers_each_line_in_order_with_its_price_or_its_error(api: Api, priced: Priced) -> None:
    # given
    lines = [
        line("hb-100", "12"),  # any letter case
        line("HN-200", "3"),
        line("NOPE-1", "1"),
        line("SECRET", "1"),  # hidden from everyone: as unknown
        line("HB-100", "1", unit="box"),
        line("HB-100", "1.5"),  # each has precision 0
        line("HB-100", "0"),
        line("NP-300", "1"),
        line("HB-100", "0.125", unit="kg"),  # priced per each only
    ]

    # when
    reply = resolve(api, priced, "olga", {"lines": lines})

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["currency"], reply.body["tax_included"]) == ("EUR", False)
    results = reply.body["lines"]
    assert [result["sku"] for result in results] == [given["sku"] for given in lines]
    assert results[0] == {
        "sku": "hb-100",
        "unit": "each",
        "quantity": "12",
        "unit_price": {"amount": "9.00", "currency": "EUR"},
        "tier": {"min_quantity": "10", "price_list_id": priced.lists["web"]},
        "line_total": {"amount": "108.00", "currency": "EUR"},
        "error": None,
    }
    assert results[1]["line_total"] == {"amount": "4.50", "currency": "EUR"}
    assert [result["error"] for result in results] == [
        None,
        None,
        "unknown-sku",
        "unknown-sku",
        "unit-not-offered",
        "invalid-quantity",
        "invalid-quantity",
        "not-priced",
        "not-priced",
    ]


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("ada", "/v1/store/prices/resolve", 200),  # a customer administrator holds prices.view
        ("bob", "/v1/store/prices/resolve", 200),
        ("finn", "/v1/store/prices/resolve", 404),  # another tenant's website: no shop for him
        (None, "/v1/store/prices/resolve", 401),
        (None, "/v1/public/prices/resolve", 200),  # guests may browse
    ],
)
def test_who_may_resolve_on_the_shop(
    api: Api, priced: Priced, who: str | None, path: str, status: int
) -> None:
    # when
    token = None if who is None else priced.tokens[who]
    reply = api.call("POST", path, token=token, body={"lines": [line("HB-100", "1")]}, headers=SHOP)

    # then
    assert reply.status == status, reply.body
    if status != 200:
        assert_problem(reply, status)


def test_guests_resolve_nothing_where_they_may_not_browse(api: Api, priced: Priced) -> None:
    # given the website closed to guests
    reply = api.call(
        "PATCH",
        f"{ADMIN}/websites/{priced.website}",
        token=priced.admin,
        body={"guest_browsing": False},
        headers={"If-Match": "*"},
    )
    assert reply.status == 200, reply.body

    # when
    resolved = resolve(api, priced, None, {"lines": [line("HB-100", "1")]})

    # then
    assert_problem(resolved, 404)


def test_a_guest_resolves_at_the_website_s_prices(api: Api, priced: Priced) -> None:
    # when
    reply = resolve(api, priced, None, {"lines": [line("HB-100", "1")], "currency": "USD"})

    # then
    assert reply.status == 200, reply.body
    assert reply.body["lines"][0]["unit_price"] == {"amount": "12.00", "currency": "USD"}


@pytest.mark.parametrize(
    ("body", "locs"),
    [
        ({"lines": [line("HB-100", "1")] * 501}, ["body.lines"]),
        ({"lines": []}, ["body.lines"]),
        ({"lines": [{"sku": "HB-100", "unit": "each", "quantity": 1}]}, ["body.lines[0].quantity"]),
        ({"lines": [line("HB-100", "1")], "currency": "GBP"}, ["query.currency"]),
    ],
)
def test_a_resolve_body_out_of_shape_is_a_problem(
    api: Api, priced: Priced, body: dict[str, Any], locs: list[str]
) -> None:
    # when
    reply = resolve(api, priced, "bob", body)

    # then
    assert error_locs(reply) == locs


# --- the explanation ----------------------------------------------------------------------------------


def explain(api: Api, priced: Priced, at: str, **overrides: str) -> Any:
    query = {
        "customer": priced.ids["company"],
        "unit": priced.ids[at],
        "product": priced.products["HB-100"],
        "website": priced.website,
        "product_unit": "each",
        "quantity": "12",
        **overrides,
    }
    params = "&".join(f"{name}={value}" for name, value in query.items())
    return api.call("GET", f"{ADMIN}/prices/explain?{params}", token=priced.admin)


def test_the_explanation_names_the_level_the_lists_and_the_tier_picked(api: Api, priced: Priced) -> None:
    # when
    reply = explain(api, priced, "lyon")

    # then
    assert reply.status == 200, reply.body
    body = reply.body
    assert [(level["level"], level["level_id"]) for level in body["levels"]] == [
        ("unit", priced.ids["lyon"]),
        ("group", priced.ids["group"]),
        ("website", priced.website),
    ]
    assert [(step["list_id"], step["outcome"]) for step in body["lists"]] == [
        (priced.lists["lyon"], "picked"),
        (priced.lists["key"], "no_row"),
        (priced.lists["web"], "priced_higher"),
    ]
    assert body["price"]["unit_price"] == {"amount": "8.50", "currency": "EUR"}
    assert body["price"]["manual"] is True


@pytest.mark.parametrize(
    ("overrides", "status", "locs"),
    [
        ({"customer": "cus_01JD0000000000000000000000"}, 404, None),
        ({"unit": "unt_01JD0000000000000000000000"}, 404, None),
        ({"product": "prd_01JD0000000000000000000000"}, 404, None),
        ({"website": "web_01JD0000000000000000000000"}, 404, None),
        ({"website": "other"}, 422, ["query.website"]),
        ({"currency": "GBP"}, 422, ["query.currency"]),
        ({"quantity": "1.5"}, 422, ["query.quantity"]),
        ({"quantity": "-1"}, 422, ["query.quantity"]),
    ],
)
def test_an_explanation_out_of_reach_or_out_of_shape_is_a_problem(
    api: Api, priced: Priced, overrides: dict[str, str], status: int, locs: list[str] | None
) -> None:
    # given
    if overrides.get("website") == "other":
        overrides = {"website": priced.other_website}

    # when
    reply = explain(api, priced, "lyon", **overrides)

    # then
    assert_problem(reply, status)
    if locs is not None:
        assert error_locs(reply) == locs
