"""Shopping lists on a website: lists, lines and their flags, the default list, duplicate, merge,
transfers, limits, sharing and scopes, and quick order.

One world for the module: acme's shop.acme.de (EUR, USD) offering Fasteners (a bolt sold by the box of
at least 10 in steps of 5, or by the piece; a nut; a discontinued washer; a pin hidden for Plant Lyon;
a rivet no list prices), the website's price list (the bolt 4.00 EUR a box, 3.50 from 20, 0.45 each and
4.80 USD a box; the nut 0.10; the washer 0.05; the pin 0.20); Globex
(Manufacturing > Plant Lyon, Plant Ohio) with Bob and Lena (buyers, Lyon), Olga (buyer, Ohio), Max
(purchasing manager of Manufacturing and below), Ava (company administrator) and Rita (a role without
shopping lists, Lyon); Ina of Initech; Nora of nordic, on nordic's own shop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.domain.shopping_lists import CHUNK_SIZE, MAX_LINES
from chalicelib.store import keys
from chalicelib.store.repository import Transaction

from .conftest import Api, AwsCalls, Globex, Table, Worlds
from .support import assert_problem, error_locs

pytestmark = pytest.mark.shared_account

HOST, NORDIC_HOST = "shop.acme.de", "shop.nordic.example"
LISTS = "/v1/store/shopping-lists"
DEFAULT_LINES = "/v1/store/default-shopping-list/lines"
BOX = {"code": "box", "label": {"en": "box"}, "min_order_quantity": "10", "order_increment": "5"}
EACH = {"code": "each", "label": {"en": "each"}}
Make = Callable[..., Any]


@dataclass
class Shop:
    api: Api
    admin: str
    website: str
    products: dict[str, str]  # by SKU
    tokens: dict[str, str]  # by first name
    globex: Globex

    def call(self, who: str, method: str, path: str, body: Any = None, **headers: str) -> Any:
        host = NORDIC_HOST if who == "nora" else HOST
        return self.api.call(
            method, path, token=self.tokens[who], body=body, headers={"X-Kontor-Host": host, **headers}
        )

    def new_list(self, who: str, name: str = "Project", **fields: Any) -> dict[str, Any]:
        reply = self.call(who, "POST", LISTS, {"name": name, **fields})
        assert reply.status == 201, reply.body
        return dict(reply.body)

    def add(self, who: str, list_id: str, *lines: dict[str, Any]) -> Any:
        return self.call(who, "POST", f"{LISTS}/{list_id}/lines", {"lines": list(lines)})

    def list_with(self, who: str, *lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
        made = self.new_list(who, **fields)
        reply = self.add(who, made["id"], *lines)
        assert reply.status == 200, reply.body
        return dict(reply.body)


def _shop_world(api: Api, make: Callable[[str], Make]) -> Shop:
    """The module's world; ``make`` gives the factory fixture of a name."""
    make_tenant = make("make_tenant")
    make_organization = make("make_organization")
    make_website = make("make_website")
    make_customer = make("make_customer")
    make_unit = make("make_unit")
    make_customer_user = make("make_customer_user")
    make_product = make("make_product")
    make_category = make("make_category")
    verify_hostname = make("verify_hostname")
    set_catalog_rule = make("set_catalog_rule")
    admin = make_tenant("acme")
    organization = make_organization(admin)["id"]
    website = make_website(admin, organization, currencies=["EUR", "USD"], default_currency="EUR")["id"]
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
    made = {
        "HB-100": {"units": [BOX, EACH], "primary_unit": "box"},
        "HN-200": {},
        "WS-300": {"inventory": {"status": "discontinued"}},
        "PN-400": {},
        "RV-500": {},
    }
    products = {
        sku: make_product(admin, organization, sku=sku, primary_category_id=root, **fields)["id"]
        for sku, fields in made.items()
    }
    _price_the_website(api, admin, organization, website)
    company = make_customer(admin)["id"]
    manufacturing = make_unit(admin, company, company)["id"]
    lyon = make_unit(admin, company, manufacturing, name="Plant Lyon", kind="branch")["id"]
    ohio = make_unit(admin, company, manufacturing, name="Plant Ohio", kind="branch")["id"]
    globex = Globex(admin, {"company": company, "manufacturing": manufacturing, "lyon": lyon, "ohio": ohio})
    set_catalog_rule(
        admin,
        "unit",
        customer=company,
        unit=lyon,
        website=website,
        product=products["PN-400"],
        visibility="hidden",
    )
    people = {
        "bob": ("buyer", lyon),
        "lena": ("buyer", lyon),
        "olga": ("buyer", ohio),
        "max": ("purchasing-manager", manufacturing),
        "ava": ("administrator", company),
    }
    emails = {}
    for name, (role, unit) in people.items():
        emails[name] = f"{name}@globex.example"
        make_customer_user(admin, company, unit, email=emails[name], role_id=role)
    reader = api.call(
        "POST",
        "/v1/store/company/roles",
        token=api.token("acme", emails["ava"]),
        body={"name": "Catalog reader", "grants": {"catalog.view": "unit"}},
    )
    assert reader.status == 201, reader.body
    emails["rita"] = "rita@globex.example"
    make_customer_user(admin, company, lyon, email=emails["rita"], role_id=reader.body["id"])
    initech = make_customer(admin, name="Initech")["id"]
    emails["ina"] = "ina@initech.example"
    make_customer_user(admin, initech, initech, email=emails["ina"], role_id="buyer")
    nordic = make_tenant("nordic")
    nordic_website = make_website(nordic, make_organization(nordic)["id"], hostnames=[NORDIC_HOST])["id"]
    verify_hostname(nordic, nordic_website, NORDIC_HOST)
    fjord = make_customer(nordic, name="Fjord")["id"]
    make_customer_user(nordic, fjord, fjord, email="nora@fjord.example", role_id="buyer")
    tokens = {name: api.token("acme", email) for name, email in emails.items()}
    tokens["nora"] = api.token("nordic", "nora@fjord.example")
    for name, token in tokens.items():  # the first sign-in binds each account (a write): done here once
        assert api.call("GET", "/v1/store/me", token=token).status == 200, name
    return Shop(api, admin, website, products, tokens, globex)


def _price_the_website(api: Api, admin: str, organization: str, website: str) -> None:
    """The website's price list (see the module's docstring), assigned to it."""
    rows = [
        ("HB-100", "box", "EUR", "1", "4.00"),
        ("HB-100", "box", "EUR", "20", "3.50"),
        ("HB-100", "each", "EUR", "1", "0.45"),
        ("HB-100", "box", "USD", "1", "4.80"),
        ("HN-200", "each", "EUR", "1", "0.10"),
        ("WS-300", "each", "EUR", "1", "0.05"),
        ("PN-400", "each", "EUR", "1", "0.20"),
    ]
    body = {"name": "Web", "organization_id": organization, "currencies": ["EUR", "USD"]}
    created = api.call("POST", "/v1/admin/price-lists", token=admin, body=body)
    assert created.status == 201, created.body
    list_id = created.body["id"]
    prices = [
        {"sku": sku, "unit": unit, "currency": currency, "min_quantity": minimum, "value": value}
        for sku, unit, currency, minimum, value in rows
    ]
    put = api.call("PUT", f"/v1/admin/price-lists/{list_id}/prices", token=admin, body={"rows": prices})
    assert put.status == 200, put.body
    assignment = {"fallback": "next", "lists": [{"price_list_id": list_id, "priority": 1}]}
    assigned = api.call("PUT", f"/v1/admin/websites/{website}/price-lists", token=admin, body=assignment)
    assert assigned.status == 200, assigned.body


@pytest.fixture
def shop(worlds: Worlds, api: Api, request: pytest.FixtureRequest) -> Shop:
    return worlds.world("shop", lambda: _shop_world(api, request.getfixturevalue))


def _lines(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(line["sku"], line["unit"], line["quantity"]) for line in body["lines"]]


# --- lists -----------------------------------------------------------------------------------------------


def test_a_buyer_lists_their_own_lists_and_those_shared_with_their_unit(shop: Shop) -> None:
    # given Bob's two lists, Lena's shared list and her private one (Plant Lyon), Olga's shared one (Ohio)
    mine = {shop.new_list("bob", "Mine")["id"], shop.new_list("bob", "Also mine")["id"]}
    shared = shop.new_list("lena", "Team", shared=True)["id"]
    shop.new_list("lena", "Private")
    shop.new_list("olga", "Ohio's", shared=True)

    # when Bob lists the lists
    reply = shop.call("bob", "GET", LISTS)

    # then he sees his own and Lena's shared one
    assert reply.status == 200, reply.body
    assert {item["id"] for item in reply.body["items"]} == mine | {shared}


def test_a_shared_list_is_readable_but_not_changeable_by_the_owner_s_unit(shop: Shop) -> None:
    # given Lena's list shared with Plant Lyon
    shared = shop.new_list("lena", "Team", shared=True)

    # when Bob reads it and tries to rename it
    read = shop.call("bob", "GET", f"{LISTS}/{shared['id']}")
    renamed = shop.call(
        "bob", "PATCH", f"{LISTS}/{shared['id']}", {"name": "Mine now"}, **{"If-Match": '"1"'}
    )

    # then he reads it, and may not change it
    assert read.status == 200, read.body
    assert_problem(renamed, 403)


@pytest.mark.parametrize(
    ("who", "read", "change"),
    [
        ("bob", 200, 200),  # the owner
        ("lena", 404, 404),  # same unit, not shared: a buyer sees only their own
        ("olga", 404, 404),  # a sibling unit
        ("max", 200, 200),  # purchasing manager of the unit above (subtree)
        ("ava", 200, 200),  # the company's administrator
        ("rita", 403, 403),  # a role without shopping lists: the routes are closed to her
        ("ina", 404, 404),  # another company
        ("nora", 404, 404),  # another tenant (on her own shop)
    ],
)
def test_who_reads_and_changes_a_private_list_follows_roles_and_scopes(
    shop: Shop, table: Table, who: str, read: int, change: int
) -> None:
    # given Bob's private list
    made = shop.new_list("bob", "Private")
    path = f"{LISTS}/{made['id']}"
    writes = table.writes()

    # when someone reads it, and renames it at the version read
    got = shop.call(who, "GET", path)
    renamed = shop.call(who, "PATCH", path, {"name": "Renamed"}, **{"If-Match": '"1"'})

    # then the answers are the policy's; a refusal changes nothing and names nothing of the list
    assert (got.status, renamed.status) == (read, change), (got.body, renamed.body)
    if change != 200:
        assert table.writes() == writes
        assert made["id"] not in str(got.body) + str(renamed.body)


def test_a_rename_at_a_stale_version_is_412_and_changes_nothing(shop: Shop) -> None:
    # given a list renamed once (version 2)
    made = shop.new_list("bob")
    path = f"{LISTS}/{made['id']}"
    assert shop.call("bob", "PATCH", path, {"name": "Second", "version": 1}).status == 200

    # when it is renamed at version 1
    reply = shop.call("bob", "PATCH", path, {"name": "Third"}, **{"If-Match": '"1"'})

    # then
    assert assert_problem(reply, 412)["current_version"] == 2
    assert shop.call("bob", "GET", path).body["name"] == "Second"


def test_a_deleted_list_takes_its_lines_and_its_place_as_default(shop: Shop, table: Table) -> None:
    # given Bob's default list (made by his first line)
    added = shop.call("bob", "POST", DEFAULT_LINES, {"lines": [{"sku": "HN-200", "quantity": "1"}]})
    list_id = added.body["id"]

    # when he deletes it
    reply = shop.call("bob", "DELETE", f"{LISTS}/{list_id}", **{"If-Match": f'"{added.body["version"]}"'})

    # then its items are gone, and his next line makes a new default list
    assert reply.status == 204
    assert not [key for key in table.keys() if key[0] == keys.shopping_list_partition("acme", list_id)]
    again = shop.call("bob", "POST", DEFAULT_LINES, {"lines": [{"sku": "HN-200", "quantity": "1"}]})
    assert again.body["id"] != list_id
    assert again.body["default"] is True


# --- lines -----------------------------------------------------------------------------------------------


def test_lines_by_sku_or_id_add_up_for_the_same_product_and_unit(shop: Shop) -> None:
    # given a list
    made = shop.new_list("bob")

    # when the bolt is added by SKU (by the box, its primary unit), again by id, and by the piece
    reply = shop.add(
        "bob",
        made["id"],
        {"sku": "hb-100", "quantity": "10"},
        {"product_id": shop.products["HB-100"], "unit": "box", "quantity": "15"},
        {"sku": "HB-100", "unit": "each", "quantity": "3", "notes": "spares"},
    )

    # then the boxes are one line of 25, the pieces another; the list counts 2 lines
    assert reply.status == 200, reply.body
    assert _lines(reply.body) == [("HB-100", "box", "25"), ("HB-100", "each", "3")]
    assert reply.body["line_count"] == 2
    assert reply.body["version"] == 2


def test_lines_breaking_their_unit_s_rules_are_422_each_and_nothing_is_added(
    shop: Shop, table: Table
) -> None:
    # given a list
    made = shop.new_list("bob")
    writes = table.writes()

    # when lines break the box's minimum and increment, name a unit the nut lacks, a zero, and a hidden pin
    reply = shop.add(
        "bob",
        made["id"],
        {"sku": "HN-200", "quantity": "1"},
        {"sku": "HB-100", "quantity": "5"},
        {"sku": "HB-100", "quantity": "12"},
        {"sku": "HN-200", "unit": "box", "quantity": "1"},
        {"sku": "HN-200", "quantity": "0"},
        {"sku": "PN-400", "quantity": "1"},
        {"sku": "NOPE-1", "quantity": "1"},
    )

    # then each is named with its reason (hidden and unknown alike), and the list is unchanged
    problem = assert_problem(reply, 422)
    assert [(e["loc"], e["type"]) for e in problem["errors"]] == [
        ("body.lines[1].quantity", "below_minimum"),
        ("body.lines[2].quantity", "not_a_multiple"),
        ("body.lines[3].unit", "wrong_unit"),
        ("body.lines[4].quantity", "bad_quantity"),
        ("body.lines[5].sku", "unknown_product"),
        ("body.lines[6].sku", "unknown_product"),
    ]
    assert table.writes() == writes


def test_lines_are_flagged_when_their_product_is_discontinued_or_deleted(shop: Shop) -> None:
    # given Max's list of the washer (discontinued), the pin (hidden for Lyon, not for him) and the nut,
    # then the nut deleted
    made = shop.list_with(
        "max",
        {"sku": "WS-300", "quantity": "1"},
        {"sku": "PN-400", "quantity": "1"},
        {"sku": "HN-200", "quantity": "1"},
    )
    deleted = shop.api.call(
        "DELETE", f"/v1/admin/products/{shop.products['HN-200']}", token=shop.admin, headers={"If-Match": "*"}
    )
    assert deleted.status == 204, deleted.body

    # when Max reads the list
    lines = shop.call("max", "GET", f"{LISTS}/{made['id']}").body["lines"]

    # then the washer is discontinued, the nut deleted, and the pin seen by Max
    assert [(line["sku"], line["hidden"], line["discontinued"], line["deleted"]) for line in lines] == [
        ("WS-300", False, True, False),
        ("PN-400", False, False, False),
        ("HN-200", False, False, True),
    ]


def test_a_line_whose_product_became_hidden_to_its_reader_is_flagged_hidden(
    shop: Shop, set_catalog_rule: Make
) -> None:
    # given Bob's list of the nut, then the nut hidden for Plant Lyon
    made = shop.list_with("bob", {"sku": "HN-200", "quantity": "1"})
    ids = shop.globex.ids
    set_catalog_rule(
        shop.admin,
        "unit",
        customer=ids["company"],
        unit=ids["lyon"],
        website=shop.website,
        product=shop.products["HN-200"],
        visibility="hidden",
    )

    # when Bob reads his list
    line = shop.call("bob", "GET", f"{LISTS}/{made['id']}").body["lines"][0]

    # then the nut is flagged hidden for him, not deleted
    assert (line["hidden"], line["deleted"]) == (True, False)
    assert (line["price"], line["not_priced"]) == (None, False)


# --- prices ----------------------------------------------------------------------------------------------


def _prices(body: dict[str, Any]) -> list[tuple[str, str | None, str | None, str | None, bool]]:
    """Each line's SKU, unit price, tier threshold, total and not_priced flag."""
    return [
        (
            line["sku"],
            line["price"] and line["price"]["unit_price"]["amount"],
            line["price"] and line["price"]["tier"]["min_quantity"],
            line["price"] and line["price"]["line_total"]["amount"],
            line["not_priced"],
        )
        for line in body["lines"]
    ]


def test_a_list_s_lines_carry_the_buyer_s_prices_and_the_list_its_subtotal(shop: Shop) -> None:
    # given Bob's list of 25 boxes of bolts, 4 nuts and 2 rivets (no list prices rivets)
    made = shop.list_with(
        "bob",
        {"sku": "HB-100", "quantity": "25"},
        {"sku": "HN-200", "quantity": "4"},
        {"sku": "RV-500", "quantity": "2"},
    )

    # when Bob reads it
    reply = shop.call("bob", "GET", f"{LISTS}/{made['id']}")

    # then the bolts come at the tier from 20 boxes, the rivets are flagged, the subtotal adds the rest
    assert reply.status == 200, reply.body
    assert _prices(reply.body) == [
        ("HB-100", "3.50", "20", "87.50", False),
        ("HN-200", "0.10", "1", "0.40", False),
        ("RV-500", None, None, None, True),
    ]
    assert reply.body["subtotal"] == {"amount": "87.90", "currency": "EUR"}
    assert (reply.body["currency"], reply.body["tax_included"]) == ("EUR", False)


def test_a_list_s_prices_come_in_the_currency_asked_for(shop: Shop) -> None:
    # given Bob's list of 15 boxes of bolts and a nut (priced in EUR only)
    made = shop.list_with("bob", {"sku": "HB-100", "quantity": "15"}, {"sku": "HN-200", "quantity": "1"})

    # when Bob reads it in USD
    reply = shop.call("bob", "GET", f"{LISTS}/{made['id']}?currency=USD")

    # then the bolts are priced in USD and the nut is not priced
    assert reply.status == 200, reply.body
    assert _prices(reply.body) == [
        ("HB-100", "4.80", "1", "72.00", False),
        ("HN-200", None, None, None, True),
    ]
    assert reply.body["subtotal"] == {"amount": "72.00", "currency": "USD"}


def test_a_list_read_in_a_currency_the_website_does_not_sell_in_is_422(shop: Shop) -> None:
    made = shop.list_with("bob", {"sku": "HN-200", "quantity": "1"})
    reply = shop.call("bob", "GET", f"{LISTS}/{made['id']}?currency=GBP")
    assert error_locs(reply) == ["query.currency"]


def test_a_change_answers_the_list_with_its_prices(shop: Shop) -> None:
    # given Bob's list
    made = shop.new_list("bob")

    # when he adds 10 boxes of bolts
    reply = shop.add("bob", made["id"], {"sku": "HB-100", "quantity": "10"})

    # then the answer prices them
    assert reply.status == 200, reply.body
    assert _prices(reply.body) == [("HB-100", "4.00", "1", "40.00", False)]
    assert reply.body["subtotal"] == {"amount": "40.00", "currency": "EUR"}


def test_a_list_s_prices_say_they_include_tax_when_the_website_s_do(shop: Shop) -> None:
    # given Bob's list, and the website's prices made to include tax
    made = shop.list_with("bob", {"sku": "HN-200", "quantity": "1"})
    reply = shop.api.call(
        "PATCH",
        f"/v1/admin/websites/{shop.website}",
        token=shop.admin,
        body={"prices_include_tax": True},
        headers={"If-Match": "*"},
    )
    assert reply.status == 200, reply.body

    # when Bob reads his list and looks the nut up in the catalog
    read = shop.call("bob", "GET", f"{LISTS}/{made['id']}")
    lookup = shop.call("bob", "POST", "/v1/store/catalog/sku-lookup", {"skus": ["HN-200"]})

    # then both say so at once (the change counts the pricing generation the warm shop is checked by)
    assert read.body["tax_included"] is True
    assert lookup.body["items"][0]["price"]["tax_included"] is True


def test_a_line_s_quantity_and_notes_change_and_the_line_goes(shop: Shop) -> None:
    # given a list with a box line
    made = shop.list_with("bob", {"sku": "HB-100", "quantity": "10"})
    line = made["lines"][0]["id"]
    path = f"{LISTS}/{made['id']}/lines/{line}"

    # when the quantity goes to 20, then to 12 (not a step of 5), then the line is removed
    changed = shop.call("bob", "PATCH", path, {"quantity": "20", "notes": "urgent"})
    refused = shop.call("bob", "PATCH", path, {"quantity": "12"})
    removed = shop.call("bob", "DELETE", path)

    # then
    assert changed.status == 200, changed.body
    assert (changed.body["lines"][0]["quantity"], changed.body["lines"][0]["notes"]) == ("20", "urgent")
    assert error_locs(refused) == ["body.quantity"]
    assert removed.status == 204
    assert shop.call("bob", "GET", f"{LISTS}/{made['id']}").body["lines"] == []


def test_the_first_line_without_a_list_makes_the_default_list_and_set_default_moves_it(shop: Shop) -> None:
    # given Bob has no list yet
    # when he adds a line without a list, makes another list his default, and adds again
    first = shop.call("bob", "POST", DEFAULT_LINES, {"lines": [{"sku": "HN-200", "quantity": "1"}]})
    other = shop.new_list("bob", "Other")
    made_default = shop.call("bob", "POST", f"{LISTS}/{other['id']}/default")
    second = shop.call("bob", "POST", DEFAULT_LINES, {"lines": [{"sku": "HN-200", "quantity": "2"}]})

    # then the first went to a new "Shopping list", the second to the other list
    assert (first.status, first.body["name"], first.body["default"]) == (200, "Shopping list", True)
    assert made_default.status == 200
    assert made_default.body["default"] is True
    assert (second.body["id"], _lines(second.body)) == (other["id"], [("HN-200", "each", "2")])
    listed = {item["id"]: item["default"] for item in shop.call("bob", "GET", LISTS).body["items"]}
    assert listed == {first.body["id"]: False, other["id"]: True}


def test_only_the_owner_makes_a_list_their_default(shop: Shop) -> None:
    # given Bob's list
    made = shop.new_list("bob")
    # when his manager makes it her default
    reply = shop.call("max", "POST", f"{LISTS}/{made['id']}/default")
    # then
    assert_problem(reply, 403)


# --- duplicate, merge, transfers --------------------------------------------------------------------------


def test_a_duplicate_copies_every_line_into_a_list_of_the_caller_s(shop: Shop) -> None:
    # given Lena's shared list of two lines
    made = shop.list_with(
        "lena", {"sku": "HB-100", "quantity": "10"}, {"sku": "HN-200", "quantity": "4"}, shared=True
    )

    # when Bob duplicates it
    reply = shop.call("bob", "POST", f"{LISTS}/{made['id']}/copies", {})

    # then the copy is Bob's, named after it, with the same lines under new ids
    assert reply.status == 201, reply.body
    assert (reply.body["name"], reply.body["shared"]) == ("Project (copy)", False)
    assert reply.body["owner_id"] != made["owner_id"]
    assert _lines(reply.body) == _lines(made)
    assert not {line["id"] for line in reply.body["lines"]} & {line["id"] for line in made["lines"]}


def test_a_merge_adds_the_same_product_and_unit_and_can_delete_the_source(shop: Shop) -> None:
    # given two lists of Bob's sharing the nut
    target = shop.list_with("bob", {"sku": "HN-200", "quantity": "1"})
    source = shop.list_with("bob", {"sku": "HN-200", "quantity": "2"}, {"sku": "WS-300", "quantity": "5"})

    # when the source is merged into the target and removed
    reply = shop.call(
        "bob",
        "POST",
        f"{LISTS}/{target['id']}/merge",
        {"source_list_id": source["id"], "remove_source": True},
    )

    # then the nut adds up, the washer joins, and the source is gone
    assert reply.status == 200, reply.body
    assert _lines(reply.body) == [("HN-200", "each", "3"), ("WS-300", "each", "5")]
    assert_problem(shop.call("bob", "GET", f"{LISTS}/{source['id']}"), 404)


def test_moved_lines_leave_their_list_and_copied_ones_stay(shop: Shop) -> None:
    # given a list of the bolt and the nut, and an empty one
    source = shop.list_with("bob", {"sku": "HB-100", "quantity": "10"}, {"sku": "HN-200", "quantity": "1"})
    target = shop.new_list("bob", "Target")
    bolt, nut = (line["id"] for line in source["lines"])
    transfers = f"{LISTS}/{source['id']}/lines/transfers"

    # when the bolt is moved and the nut copied
    moved = shop.call("bob", "POST", transfers, {"line_ids": [bolt], "target_list_id": target["id"]})
    copied = shop.call(
        "bob", "POST", transfers, {"line_ids": [nut], "target_list_id": target["id"], "mode": "copy"}
    )

    # then the target holds both, the source only the nut
    assert moved.status == 200, moved.body
    assert _lines(copied.body) == [("HB-100", "box", "10"), ("HN-200", "each", "1")]
    assert _lines(shop.call("bob", "GET", f"{LISTS}/{source['id']}").body) == [("HN-200", "each", "1")]


def test_lines_cannot_move_into_a_list_the_caller_may_not_see(shop: Shop, table: Table) -> None:
    # given Bob's list and Olga's
    source = shop.list_with("bob", {"sku": "HN-200", "quantity": "1"})
    olgas = shop.new_list("olga")
    writes = table.writes()

    # when Bob moves his line into Olga's list
    reply = shop.call(
        "bob",
        "POST",
        f"{LISTS}/{source['id']}/lines/transfers",
        {"line_ids": [source["lines"][0]["id"]], "target_list_id": olgas["id"]},
    )

    # then her list is unknown to him, and nothing moved
    assert error_locs(reply) == ["body.target_list_id"]
    assert table.writes() == writes


# --- limits ----------------------------------------------------------------------------------------------


def _fill(shop: Shop, list_id: str) -> None:
    """Give a list the most lines, as its chunks hold them (distinct products, most of them gone)."""
    transaction = Transaction()
    for chunk in range(MAX_LINES // CHUNK_SIZE):
        lines = [
            {
                "id": f"sll_{chunk * CHUNK_SIZE + n:026d}",
                "product_id": f"prd_{chunk * CHUNK_SIZE + n:026d}",
                "sku": f"OLD-{chunk * CHUNK_SIZE + n}",
                "unit": "each",
                "quantity": "1",
                "notes": None,
                "added_at": "2026-12-05T12:00:00.000Z",
            }
            for n in range(CHUNK_SIZE)
        ]
        transaction.put(
            keys.shopping_list_chunk("acme", list_id, chunk), "shopping_list_chunk", {"lines": lines}
        )
    transaction.commit()


def test_a_list_of_the_most_lines_reads_in_pages_and_refuses_one_more(shop: Shop, table: Table) -> None:
    # given a list of 1,000 lines
    made = shop.new_list("bob")
    _fill(shop, made["id"])
    writes = table.writes()

    # when Bob reads its last page and adds a line
    first = shop.call("bob", "GET", f"{LISTS}/{made['id']}?limit=100")
    added = shop.add("bob", made["id"], {"sku": "HN-200", "quantity": "1"})

    # then the lines come by pages; one more line is refused with the limit
    assert len(first.body["lines"]) == 100
    assert first.body["next_cursor"]
    assert first.body["lines"][0]["deleted"] is True
    assert error_locs(added) == ["body.lines"]
    assert str(MAX_LINES) in added.body["errors"][0]["msg"]
    assert table.writes() == writes


def test_a_duplicate_of_the_most_lines_is_one_atomic_write(shop: Shop, aws_calls: AwsCalls) -> None:
    # given a list of 1,000 lines
    made = shop.new_list("bob")
    _fill(shop, made["id"])
    aws_calls.clear()

    # when it is duplicated
    reply = shop.call("bob", "POST", f"{LISTS}/{made['id']}/copies", {"name": "Copy"})

    # then the copy holds every line, written in one transaction
    assert reply.status == 201, reply.body
    assert reply.body["line_count"] == MAX_LINES
    assert aws_calls.of("dynamodb").count("TransactWriteItems") == 1


# --- quick order -----------------------------------------------------------------------------------------


QUICK = "HB-100\t15\nHB-100 7\nPN-400;1\nHN-200,2,box\nNOPE 1\nHN-200 three\nHN-200 4\nRV-500 1\n"


def test_quick_order_answers_each_row_with_its_error(shop: Shop) -> None:
    # when Bob pastes rows from a spreadsheet
    reply = shop.call("bob", "POST", "/v1/store/quick-order/parse", {"content": QUICK})

    # then each row is valid or says why not; the hidden pin and the unknown SKU get the same answer
    assert reply.status == 200, reply.body
    rows = [(row["row"], row["error"]) for row in reply.body["rows"]]
    assert rows == [
        (1, None),
        (2, "below_minimum"),
        (3, "unknown_sku"),
        (4, "wrong_unit"),
        (5, "unknown_sku"),
        (6, "bad_quantity"),
        (7, None),
        (8, "not_priced"),
    ]
    assert (reply.body["valid"], reply.body["invalid"]) == (2, 6)


def test_quick_order_s_valid_rows_carry_their_price(shop: Shop) -> None:
    # when Bob pastes rows
    reply = shop.call("bob", "POST", "/v1/store/quick-order/parse", {"content": QUICK})

    # then the valid rows are priced (the bolts by the box, the nuts each)
    assert reply.status == 200, reply.body
    prices = {row["row"]: row["price"] for row in reply.body["rows"] if row["price"]}
    assert {row: price["line_total"]["amount"] for row, price in prices.items()} == {1: "60.00", 7: "0.40"}
    assert (reply.body["currency"], reply.body["tax_included"]) == ("EUR", False)


def test_quick_order_for_a_reader_who_may_not_see_prices_is_neither_priced_nor_flagged(shop: Shop) -> None:
    # when Rita (catalog.view, no prices.view) pastes rows
    reply = shop.call("rita", "POST", "/v1/store/quick-order/parse", {"content": "HN-200 1\nRV-500 1\n"})

    # then both are valid rows without a price
    assert reply.status == 200, reply.body
    assert [(row["error"], row["price"]) for row in reply.body["rows"]] == [(None, None), (None, None)]


def test_quick_order_into_a_list_adds_the_valid_rows(shop: Shop) -> None:
    # given a list
    made = shop.new_list("bob")

    # when Bob pastes a CSV into it
    csv = "sku;quantity;unit\nHB-100;15;box\nNOPE;1;\nHN-200;4;\nRV-500;1;\n"
    reply = shop.call("bob", "POST", f"{LISTS}/{made['id']}/lines/quick", {"format": "csv", "content": csv})

    # then the valid rows are its lines, the unknown and the unpriced ones are reported
    assert reply.status == 200, reply.body
    assert _lines(reply.body["shopping_list"]) == [("HB-100", "box", "15"), ("HN-200", "each", "4")]
    assert [row["error"] for row in reply.body["rows"]] == [None, "unknown_sku", None, "not_priced"]


def test_quick_order_without_a_header_is_422(shop: Shop) -> None:
    reply = shop.call("bob", "POST", "/v1/store/quick-order/parse", {"format": "csv", "content": "HB-100,1"})
    assert error_locs(reply) == ["body.content"]


# --- events ----------------------------------------------------------------------------------------------


def test_every_change_of_a_list_has_its_event_with_the_lines_it_touched(shop: Shop, table: Table) -> None:
    # given a list
    made = shop.new_list("bob")

    # when a line is added
    added = shop.add("bob", made["id"], {"sku": "HN-200", "quantity": "2"})

    # then the list's events say it was created, then updated with that line
    events = [e for e in table.events("acme") if e["entity_id"] == made["id"]]
    assert [e["type"] for e in sorted(events, key=lambda e: e["id"])] == [
        "shopping_list.created",
        "shopping_list.updated",
    ]
    updated = max(events, key=lambda e: e["id"])
    assert updated["after"]["changed_lines"] == [
        {
            "id": added.body["lines"][0]["id"],
            "product_id": shop.products["HN-200"],
            "unit": "each",
            "quantity": "2",
        }
    ]


# --- concurrent changes ------------------------------------------------------------------------------------


def _raced(monkeypatch: pytest.MonkeyPatch, table: Table, list_id: str) -> None:
    """Another change of the list lands right after the next request reads it (once)."""
    from chalicelib.services import shopping_lists

    read = shopping_lists._load
    raced = []

    def load(tenant_id: str, wanted: str) -> Any:
        loaded = read(tenant_id, wanted)
        if wanted == list_id and not raced:
            raced.append(wanted)
            table.bump_version(keys.shopping_list_partition("acme", list_id), keys.SHOPPING_LIST)
        return loaded

    monkeypatch.setattr(shopping_lists, "_load", load)


def test_a_line_added_without_a_version_is_added_again_on_the_list_a_concurrent_change_left(
    shop: Shop, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a list that another change will reach first
    made = shop.new_list("bob")
    _raced(monkeypatch, table, made["id"])

    # when a line is added without If-Match
    reply = shop.add("bob", made["id"], {"sku": "HN-200", "quantity": "1"})

    # then it went in on the list as the other change left it
    assert reply.status == 200, reply.body
    assert (_lines(reply.body), reply.body["version"]) == ([("HN-200", "each", "1")], 3)


def test_a_line_added_at_a_version_a_concurrent_change_passed_is_412(
    shop: Shop, table: Table, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a list that another change will reach first
    made = shop.new_list("bob")
    _raced(monkeypatch, table, made["id"])

    # when a line is added at the version read
    reply = shop.call(
        "bob",
        "POST",
        f"{LISTS}/{made['id']}/lines",
        {"lines": [{"sku": "HN-200", "quantity": "1"}]},
        **{"If-Match": '"1"'},
    )

    # then it is refused with the version now, and nothing was added
    assert assert_problem(reply, 412)["current_version"] == 2
    assert shop.call("bob", "GET", f"{LISTS}/{made['id']}").body["lines"] == []
