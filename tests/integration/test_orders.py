"""Orders' read side and life cycle: store and staff lists within the caller's reach, an order's detail,
cancelling, staff transitions, and reordering into a shopping list.

One world for the module: acme's shop.acme.de offering a bolt (HB-100) and a discontinued washer
(WS-300); Globex (Manufacturing > Plant Lyon, and Sales) with Bob and Lena (Orderers: their own orders
and lists, Lyon), Max (purchasing manager of Manufacturing and below), Sue (purchasing manager of
Sales), Ava (company administrator) and Rita (a Reader: catalog and prices, no orders); Ina of
Initech; Nora of nordic. Each of Bob, Lena, Max, Sue, Ina and Nora placed one order (through
``orders_support.place_order``, as placing writes them), Bob's of the bolt, the washer and a product
since deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.platform.ids import new_ulid

from .conftest import Api, Table, Worlds
from .orders_support import Placement, order_lines, place_order
from .support import assert_problem

pytestmark = pytest.mark.shared_account

HOST = "shop.acme.de"
STORE, ADMIN = "/v1/store/orders", "/v1/admin/orders"
Make = Callable[..., Any]


@dataclass
class World:
    api: Api
    admin: str
    nordic: str
    website: str
    products: dict[str, str]
    tokens: dict[str, str]
    orders: dict[str, dict[str, Any]]  # by the first name of who placed it: id, number, version

    def call(self, who: str, method: str, path: str, body: Any = None, **headers: str) -> Any:
        token = {"acme-admin": self.admin, "nordic-admin": self.nordic}.get(who) or self.tokens[who]
        return self.api.call(method, path, token=token, body=body, headers={"X-Kontor-Host": HOST, **headers})

    def listed(self, who: str, query: str = "") -> set[str]:
        path = STORE if who in self.tokens else ADMIN
        reply = self.call(who, "GET", f"{path}{query}")
        assert reply.status == 200, reply.body
        by_id = {order["id"]: name for name, order in self.orders.items()}
        return {by_id[item["id"]] for item in reply.body["items"]}


def _world(api: Api, make: Callable[[str], Make]) -> World:
    admin = make("make_tenant")("acme")
    organization = make("make_organization")(admin)["id"]
    website = make("make_website")(admin, organization)["id"]
    make("verify_hostname")(admin, website, HOST)
    root = make("make_category")(admin, organization, "Fasteners")
    reply = api.call(
        "PATCH",
        f"/v1/admin/websites/{website}",
        token=admin,
        body={"category_root_ids": [root]},
        headers={"If-Match": "*"},
    )
    assert reply.status == 200, reply.body
    make_product = make("make_product")
    products = {
        "HB-100": make_product(admin, organization, sku="HB-100", primary_category_id=root)["id"],
        "WS-300": make_product(
            admin, organization, sku="WS-300", primary_category_id=root, inventory={"status": "discontinued"}
        )["id"],
    }
    make_customer, make_unit, make_user = make("make_customer"), make("make_unit"), make("make_customer_user")
    company = make_customer(admin)["id"]
    manufacturing = make_unit(admin, company, company)["id"]
    lyon = make_unit(admin, company, manufacturing, name="Plant Lyon", kind="branch")["id"]
    sales = make_unit(admin, company, company, name="Sales")["id"]
    make_user(admin, company, company, email="ava@globex.example", role_id="administrator")
    orderer = api.call(
        "POST",
        "/v1/store/company/roles",
        token=api.token("acme", "ava@globex.example"),
        body={
            "name": "Orderer",
            "grants": {
                "orders.view": "own",
                "catalog.view": "unit",
                "shopping_lists.view": "own",
                "shopping_lists.manage": "own",
            },
        },
    )
    assert orderer.status == 201, orderer.body
    reader = api.call(
        "POST",
        "/v1/store/company/roles",
        token=api.token("acme", "ava@globex.example"),
        body={"name": "Reader", "grants": {"catalog.view": "unit", "prices.view": "unit"}},
    )
    assert reader.status == 201, reader.body
    people = {
        "bob": (orderer.body["id"], lyon),
        "lena": (orderer.body["id"], lyon),
        "max": ("purchasing-manager", manufacturing),
        "sue": ("purchasing-manager", sales),
        "rita": (reader.body["id"], lyon),
    }
    users = {
        name: make_user(admin, company, unit, email=f"{name}@globex.example", role_id=role)["id"]
        for name, (role, unit) in people.items()
    }
    initech = make_customer(admin, name="Initech")["id"]
    users["ina"] = make_user(admin, initech, initech, email="ina@initech.example", role_id="administrator")[
        "id"
    ]
    nordic = make("make_tenant")("nordic")
    nordic_organization = make("make_organization")(nordic)["id"]
    nordic_website = make("make_website")(nordic, nordic_organization, hostnames=["shop.nordic.example"])[
        "id"
    ]
    fjord = make_customer(nordic, name="Fjord")["id"]
    users["nora"] = make_user(nordic, fjord, fjord, email="nora@fjord.example", role_id="administrator")["id"]
    tokens = {name: api.token("acme", f"{name}@globex.example") for name in [*people, "ava"]}
    tokens["ina"] = api.token("acme", "ina@initech.example")
    tokens["nora"] = api.token("nordic", "nora@fjord.example")
    for name, token in tokens.items():  # the first sign-in binds each account (a write): done here once
        assert api.call("GET", "/v1/store/me", token=token).status == 200, name

    def where(name: str, unit: str, customer: str = company) -> Placement:
        return Placement("acme", customer, unit, users[name], website, organization)

    placements = {
        "lena": where("lena", lyon),
        "max": where("max", manufacturing),
        "sue": where("sue", sales),
        "ina": where("ina", initech, initech),
        "nora": Placement("nordic", fjord, fjord, users["nora"], nordic_website, nordic_organization),
    }
    bob_lines = order_lines(
        "EUR",
        [(products["HB-100"], "HB-100"), (products["WS-300"], "WS-300"), (f"prd_{new_ulid()}", "GONE-1")],
    )
    orders = {"bob": place_order(where("bob", lyon), lines=bob_lines)}
    orders |= {name: place_order(placement) for name, placement in placements.items()}
    summary = {
        name: {"id": o.id, "number": o.number, "created_at": o.created_at} for name, o in orders.items()
    }
    return World(api, admin, nordic, website, products, tokens, summary)


@pytest.fixture
def world(worlds: Worlds, api: Api, request: pytest.FixtureRequest) -> World:
    return worlds.world("orders", lambda: _world(api, request.getfixturevalue))


# --- store lists and detail -------------------------------------------------------------------------

STORE_REACH = [
    pytest.param("bob", {"bob"}, id="an orderer: their own"),
    pytest.param("max", {"bob", "lena", "max"}, id="a purchasing manager: his unit and below"),
    pytest.param("sue", {"sue"}, id="a purchasing manager of a sibling unit: hers alone"),
    pytest.param("ava", {"bob", "lena", "max", "sue"}, id="the company administrator: the company's"),
    pytest.param("ina", {"ina"}, id="another company: its own"),
    pytest.param("nora", {"nora"}, id="another tenant: its own"),
]


@pytest.mark.parametrize(("who", "expected"), STORE_REACH)
def test_a_customer_user_lists_the_orders_their_scope_reaches(
    world: World, who: str, expected: set[str]
) -> None:
    # given the world's orders
    # when the user lists orders
    listed = world.listed(who)

    # then exactly those their orders.view scope reaches are listed
    assert listed == expected


def test_a_role_without_orders_is_refused_the_list(world: World) -> None:
    # when rita (a reader: no orders.view) lists orders
    reply = world.call("rita", "GET", STORE)

    # then
    assert_problem(reply, 403)


def test_orders_are_listed_newest_first_in_pages(world: World) -> None:
    # given the company's four orders, placed bob, lena, max, sue
    # when ava reads them two at a time
    first = world.call("ava", "GET", f"{STORE}?limit=2")
    second = world.call("ava", "GET", f"{STORE}?limit=2&cursor={first.body['next_cursor']}")

    # then the newest come first, every order once, and the last page ends the list
    by_id = {order["id"]: name for name, order in world.orders.items()}
    names = [by_id[item["id"]] for item in first.body["items"] + second.body["items"]]
    assert names == ["sue", "max", "lena", "bob"]
    assert second.body["next_cursor"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("status=pending", {"bob", "lena", "max", "sue"}, id="status"),
        pytest.param("status=cancelled", set(), id="another status"),
        pytest.param("number={lena}", {"lena"}, id="number"),
        pytest.param("website={website}", {"bob", "lena", "max", "sue"}, id="website"),
        pytest.param("website=web_01JD0000000000000000000000", set(), id="another website"),
        pytest.param("placed_from={max_at}", {"max", "sue"}, id="placed from"),
        pytest.param("placed_to={max_at}", {"bob", "lena", "max"}, id="placed to"),
    ],
)
def test_an_order_list_filters(world: World, query: str, expected: set[str]) -> None:
    # given the company's orders
    at = world.orders["max"]["created_at"]
    values = {
        "lena": world.orders["lena"]["number"],
        "website": world.website,
        "max_at": at.isoformat().replace("+00:00", "Z"),
    }

    # when ava lists them with a filter
    listed = world.listed("ava", "?" + query.format(**values))

    # then
    assert listed == expected


def test_a_time_window_without_an_offset_is_422(world: World) -> None:
    # when the window's time has no offset
    reply = world.call("ava", "GET", f"{STORE}?placed_from=2026-01-01T00:00:00")

    # then
    assert_problem(reply, 422)


def test_an_order_reads_with_its_lines_history_and_what_the_caller_may_do(world: World) -> None:
    # when bob reads his order
    reply = world.call("bob", "GET", f"{STORE}/{world.orders['bob']['id']}")

    # then it comes whole, with the one transition his roles allow on it
    assert reply.status == 200, reply.body
    assert [line["sku"] for line in reply.body["lines"]] == ["HB-100", "WS-300", "GONE-1"]
    assert [entry["to_status"] for entry in reply.body["history"]] == ["pending"]
    assert reply.body["available_transitions"] == ["cancel"]
    assert reply.headers["ETag"] == '"1"'


@pytest.mark.parametrize(
    ("who", "whose"),
    [
        pytest.param("lena", "bob", id="another orderer's, same unit"),
        pytest.param("sue", "max", id="a sibling unit's"),
        pytest.param("ina", "bob", id="another company's"),
        pytest.param("nora", "bob", id="another tenant's"),
    ],
)
def test_an_order_out_of_reach_is_404(world: World, who: str, whose: str) -> None:
    # when the user reads an order their scope does not reach
    reply = world.call(who, "GET", f"{STORE}/{world.orders[whose]['id']}")

    # then it does not exist for them
    assert_problem(reply, 404)
    assert world.orders[whose]["id"] not in str(reply.body)


# --- cancelling -------------------------------------------------------------------------------------


def test_the_buyer_cancels_a_pending_order_and_its_event_is_written(world: World, table: Table) -> None:
    # given bob's pending order
    order = world.orders["bob"]["id"]

    # when bob cancels it at the version he read
    reply = world.call(
        "bob", "POST", f"{STORE}/{order}/cancel", {"note": "ordered twice"}, **{"If-Match": '"1"'}
    )

    # then it is cancelled, its history says by whom and why, and order.cancelled is in the outbox
    assert reply.status == 200, reply.body
    assert (reply.body["status"], reply.body["version"]) == ("cancelled", 2)
    assert reply.body["available_transitions"] == []
    entry = reply.body["history"][-1]
    assert (entry["transition"], entry["acting_as"], entry["note"]) == ("cancel", "buyer", "ordered twice")
    events = [event for event in table.events("acme") if event["entity_id"] == order]
    assert [event["type"] for event in events] == ["order.placed", "order.cancelled"]


def test_a_unit_manager_cancels_an_order_of_his_unit(world: World) -> None:
    # when max (orders.manage over Manufacturing and below) cancels bob's order at Lyon
    reply = world.call(
        "max", "POST", f"{STORE}/{world.orders['bob']['id']}/cancel", {}, **{"If-Match": '"1"'}
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["history"][-1]["acting_as"] == "unit_manager"


def test_a_cancel_at_a_stale_version_is_412_and_changes_nothing(world: World, table: Table) -> None:
    # given
    before = table.writes()

    # when bob cancels at a version he did not read
    reply = world.call(
        "bob", "POST", f"{STORE}/{world.orders['bob']['id']}/cancel", {}, **{"If-Match": '"7"'}
    )

    # then
    assert_problem(reply, 412)
    assert table.writes() == before


def test_a_cancel_without_a_version_is_428(world: World) -> None:
    # when bob cancels without If-Match
    reply = world.call("bob", "POST", f"{STORE}/{world.orders['bob']['id']}/cancel", {})

    # then
    assert_problem(reply, 428)


def test_a_cancelled_order_cannot_be_cancelled_again_and_the_answer_names_the_statuses(world: World) -> None:
    # given bob's order cancelled
    path = f"{STORE}/{world.orders['bob']['id']}/cancel"
    assert world.call("bob", "POST", path, {}, **{"If-Match": '"1"'}).status == 200

    # when he cancels it again
    reply = world.call("bob", "POST", path, {}, **{"If-Match": '"2"'})

    # then 409 names the statuses that allow it
    body = assert_problem(reply, 409)
    assert (body["current_status"], body["allowed_from"]) == (
        "cancelled",
        ["confirmed", "on_hold", "pending"],
    )


def test_a_colleague_s_order_cannot_be_cancelled_and_nothing_changes(world: World, table: Table) -> None:
    # given bob's order, which lena (her own orders only) does not see
    before = table.writes()

    # when lena cancels it
    reply = world.call(
        "lena", "POST", f"{STORE}/{world.orders['bob']['id']}/cancel", {}, **{"If-Match": '"1"'}
    )

    # then it does not exist for her, and nothing changed
    assert_problem(reply, 404)
    assert table.writes() == before


# --- staff ------------------------------------------------------------------------------------------


def test_the_tenant_administrator_lists_every_order_of_the_tenant(world: World) -> None:
    # when acme's administrator lists orders
    listed = world.listed("acme-admin")

    # then every acme order, none of nordic's
    assert listed == {"bob", "lena", "max", "sue", "ina"}


def test_staff_filter_orders_by_customer(world: World) -> None:
    # given Initech's id, read from its order
    initech = world.call("acme-admin", "GET", f"{ADMIN}/{world.orders['ina']['id']}").body["customer_id"]

    # when the administrator lists Initech's orders
    listed = world.listed("acme-admin", f"?customer={initech}")

    # then
    assert listed == {"ina"}


def test_staff_confirm_an_order_and_it_is_handed_to_the_erp_export(world: World, table: Table) -> None:
    # given sue's pending order
    order = world.orders["sue"]["id"]

    # when acme's administrator confirms it
    reply = world.call(
        "acme-admin", "POST", f"{ADMIN}/{order}/transitions", {"transition": "confirm"}, **{"If-Match": '"1"'}
    )

    # then it is confirmed by staff, with its event and the ERP export's request
    assert reply.status == 200, reply.body
    assert (reply.body["status"], reply.body["history"][-1]["acting_as"]) == ("confirmed", "staff")
    assert reply.body["available_transitions"] == ["process", "cancel"]
    events = [event["type"] for event in table.events("acme") if event["entity_id"] == order]
    assert events == ["order.placed", "order.confirmed", "order.export_requested"]


@pytest.mark.parametrize(
    ("transition", "status", "field"),
    [
        pytest.param("teleport", 422, "body.transition", id="unknown: 422"),
        pytest.param("ship", 409, None, id="not from pending: 409"),
        pytest.param("release", 409, None, id="release of an order not on hold: 409"),
    ],
)
def test_a_refused_transition_changes_nothing(
    world: World, table: Table, transition: str, status: int, field: str | None
) -> None:
    # given
    before = table.writes()

    # when the administrator takes a transition the workflow refuses
    reply = world.call(
        "acme-admin",
        "POST",
        f"{ADMIN}/{world.orders['sue']['id']}/transitions",
        {"transition": transition},
        **{"If-Match": '"1"'},
    )

    # then
    body = assert_problem(reply, status)
    if field:
        assert [error["loc"] for error in body["errors"]] == [field]
    assert table.writes() == before


def test_a_transition_at_a_stale_version_is_412(world: World) -> None:
    # when the administrator confirms an order at a version it no longer has
    reply = world.call(
        "acme-admin",
        "POST",
        f"{ADMIN}/{world.orders['sue']['id']}/transitions",
        {"transition": "confirm"},
        **{"If-Match": '"3"'},
    )

    # then
    assert assert_problem(reply, 412)["current_version"] == 1


def test_another_tenant_s_order_is_404_to_staff(world: World) -> None:
    # when acme's administrator reads nordic's order
    reply = world.call("acme-admin", "GET", f"{ADMIN}/{world.orders['nora']['id']}")

    # then
    assert_problem(reply, 404)


# --- reorder ----------------------------------------------------------------------------------------


def test_a_reorder_into_a_new_list_adds_what_can_be_ordered_and_says_what_cannot(world: World) -> None:
    # when bob reorders his order (the bolt, the discontinued washer, a product since deleted)
    reply = world.call("bob", "POST", f"{STORE}/{world.orders['bob']['id']}/reorder", {})

    # then the bolt goes into a new list of his; the others are answered with their reasons
    assert reply.status == 200, reply.body
    listed = reply.body["shopping_list"]
    assert listed["name"] == f"Reorder of {world.orders['bob']['number']}"
    assert [(line["sku"], line["quantity"]) for line in listed["lines"]] == [("HB-100", "2")]
    assert [(skip["sku"], skip["reason"]) for skip in reply.body["skipped"]] == [
        ("WS-300", "discontinued"),
        ("GONE-1", "unknown_product"),
    ]


def test_a_reorder_into_an_existing_list_adds_to_its_lines(world: World) -> None:
    # given bob's list holding 3 bolts
    made = world.call("bob", "POST", "/v1/store/shopping-lists", {"name": "Project"})
    lines = {"lines": [{"sku": "HB-100", "quantity": "3"}]}
    assert world.call("bob", "POST", f"/v1/store/shopping-lists/{made.body['id']}/lines", lines).status == 200

    # when he reorders his order into it
    body = {"shopping_list_id": made.body["id"]}
    reply = world.call("bob", "POST", f"{STORE}/{world.orders['bob']['id']}/reorder", body)

    # then the order's 2 bolts add to the line
    assert reply.status == 200, reply.body
    assert [(line["sku"], line["quantity"]) for line in reply.body["shopping_list"]["lines"]] == [
        ("HB-100", "5")
    ]


def test_a_reorder_into_a_list_the_caller_may_not_change_changes_nothing(world: World, table: Table) -> None:
    # given lena's private list
    made = world.call("lena", "POST", "/v1/store/shopping-lists", {"name": "Lena's"})
    before = table.writes()

    # when bob reorders into it
    body = {"shopping_list_id": made.body["id"]}
    reply = world.call("bob", "POST", f"{STORE}/{world.orders['bob']['id']}/reorder", body)

    # then it does not exist for him
    assert_problem(reply, 404)
    assert table.writes() == before


def test_an_order_of_nothing_orderable_now_is_422_and_makes_no_list(world: World, table: Table) -> None:
    # given lena's order, of a product that does not exist on the shop
    before = table.writes()

    # when she reorders it
    reply = world.call("lena", "POST", f"{STORE}/{world.orders['lena']['id']}/reorder", {})

    # then
    body = assert_problem(reply, 422)
    assert [error["type"] for error in body["errors"]] == ["unknown_product"]
    assert table.writes() == before


def test_an_order_window_is_the_order_id_range(world: World) -> None:
    # given a window ending a millisecond before max's order was placed
    before_max = (world.orders["max"]["created_at"] - timedelta(milliseconds=1)).isoformat()

    # when ava lists the orders placed up to then
    listed = world.listed("ava", "?placed_to=" + before_max.replace("+00:00", "Z"))

    # then max's and sue's are left out
    assert listed <= {"bob", "lena"}
