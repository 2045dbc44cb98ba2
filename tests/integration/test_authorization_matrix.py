"""The authorization matrix: every storefront route x role x where the record lies, as the API answers.

Each actor is a customer user at Globex Manufacturing holding one role there. The records a route is
called on lie at every position relative to them: their own, their unit, the unit below (Plant Lyon),
a sibling (Sales), the unit above (Globex), another company of the tenant (Initech), and another
tenant's company. The expected answers are written out by hand below, not derived from the policy:

    A  allowed (2xx; in a list: the record is listed)
    F  403: the caller may know the record, not act on it (also: a route their roles never allow)
    H  404: the caller may not know the record exists (in a list: not listed)
    U  422 on the body field naming a record the caller may not know
    -  does not apply (a unit route has no "own" record)

Every refusal must change nothing in the table and name nothing of the record it refused.
``tests/integration/test_staff.py`` has the staff side (organizations and assigned customers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import pytest

from app import app as chalice_app  # noqa: F401 - registers every route in ROUTES
from chalicelib.api.routing import ROUTES
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.permissions import Permission

from .conftest import Api, Factories, Table, Worlds
from .support import address_body, unit_body

POSITIONS = ("own", "same unit", "child unit", "sibling unit", "parent unit", "other company", "other tenant")
ROLES = ("administrator", "purchasing-manager", "buyer")
ACTOR = "actor@globex.example"
STORE_ROUTES = sorted(
    spec.name
    for spec in ROUTES
    if isinstance(spec.permission, CustomerPermission) or spec.permission is Permission.CUSTOMER_SELF
)


@dataclass
class World:
    """acme's Globex (Manufacturing > Plant Lyon, and Sales, under Globex), Initech, and nordic's Fjord.

    ``users``, ``units`` and ``roles`` hold, for each position, a record lying there (a company role
    lies in its company: "same unit" stands for the actor's own company); ``admins`` is each tenant's
    staff administrator, who reads the records' versions.
    """

    api: Api
    actor: str
    admins: dict[str, str]
    users: dict[str, dict[str, Any]]
    units: dict[str, str]
    customers: dict[str, str]
    roles: dict[str, str]

    def if_match(self, kind: str, position: str) -> dict[str, str]:
        """The If-Match of the unit or user at ``position``, as its tenant's administrator reads it."""
        customer = self.customers[position]
        record = self.units[position] if kind == "units" else self.users[position]["id"]
        token = self.admins["nordic" if position == "other tenant" else "acme"]
        reply = self.api.call("GET", f"/v1/admin/customers/{customer}/{kind}/{record}", token=token)
        return {"If-Match": f'"{reply.body["version"]}"'}


@pytest.fixture
def world_for(module_factories: Factories, worlds: Worlds) -> Callable[[str], World]:
    """The world of an actor holding ``role``: built once for the module, as built for every test."""
    make = module_factories
    api = make.api

    def build(role: str) -> World:
        acme, nordic = make.tenant("acme"), make.tenant("nordic")
        globex = make.customer(acme)["id"]
        manufacturing = make.unit(acme, globex, globex)["id"]
        lyon = make.unit(acme, globex, manufacturing, name="Plant Lyon", kind="branch")["id"]
        sales = make.unit(acme, globex, globex, name="Sales")["id"]
        initech = make.customer(acme, name="Initech")["id"]
        fjord = make.customer(nordic, name="Fjord")["id"]
        units = {
            "same unit": manufacturing,
            "child unit": lyon,
            "sibling unit": sales,
            "parent unit": globex,
            "other company": initech,
            "other tenant": fjord,
        }
        customers = {"own": globex} | {
            position: {"other company": initech, "other tenant": fjord}.get(position, globex)
            for position in units
        }
        users = {"own": make.customer_user(acme, globex, manufacturing, email=ACTOR, role_id=role)}
        roles = {}
        for position, unit in units.items():
            token = nordic if position == "other tenant" else acme
            email = f"{position.replace(' ', '.')}@example.com"
            # The company administrators above the actor, and of the other companies, make their roles.
            keeper = position in ("parent unit", "other company", "other tenant")
            users[position] = make.customer_user(
                token, customers[position], unit, email=email, role_id="administrator" if keeper else "buyer"
            )
            if keeper:
                tenant = "nordic" if position == "other tenant" else "acme"
                made = api.call(
                    "POST", "/v1/store/company/roles", token=api.token(tenant, email), body=ROLE_BODY
                )
                assert made.status == 201, made.body
                roles["same unit" if position == "parent unit" else position] = made.body["id"]
        actor = api.token("acme", ACTOR)
        assert api.call("GET", "/v1/store/me", token=actor).status == 200  # binds the actor's sign-in
        return World(api, actor, {"acme": acme, "nordic": nordic}, users, units, customers, roles)

    return lambda role: worlds.world(role, lambda: build(role))


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    record: str  # the id of the record at the position: a refusal must not show it
    body: dict[str, Any] | None = None
    field: str | None = None  # the body field naming the record (a 422 must point at it)
    headers: dict[str, str] = dataclass_field(default_factory=dict)


Request = Callable[[World, str], Call]
ROLE_BODY = {"name": "Catalog reader", "grants": {"catalog.view": "unit"}}
STORE = "/v1/store/company"


def _unit(method: str, suffix: str = "", body: dict[str, Any] | None = None) -> Request:
    def call(world: World, position: str) -> Call:
        headers = world.if_match("units", position) if method in ("PATCH", "PUT", "DELETE") else {}
        unit = world.units[position]
        return Call(method, f"{STORE}/units/{unit}{suffix}", unit, body, headers=headers)

    return call


def _user(method: str, body: dict[str, Any] | None = None) -> Request:
    def call(world: World, position: str) -> Call:
        headers = world.if_match("users", position) if method in ("PATCH", "DELETE") else {}
        user = world.users[position]["id"]
        return Call(method, f"{STORE}/users/{user}", user, body, headers=headers)

    return call


def _role(method: str, suffix: str = "", body: dict[str, Any] | None = None) -> Request:
    def call(world: World, position: str) -> Call:
        headers = {"If-Match": '"1"'} if method in ("PATCH", "DELETE") else {}
        role = world.roles[position]
        return Call(method, f"{STORE}/roles/{role}{suffix}", role, body, headers=headers)

    return call


# How to call each route on the record at a position (None: the route takes no record).
REQUESTS: dict[str, Request | None] = {
    "GET /v1/store/me": None,
    "GET /v1/store/company/roles": None,
    "POST /v1/store/company/roles": None,
    "GET /v1/store/company/users": None,
    "GET /v1/store/company/units": None,
    "POST /v1/store/company/users": lambda world, position: Call(
        "POST",
        f"{STORE}/users",
        world.units[position],
        {
            "email": f"new.{position.replace(' ', '.')}@globex.example",
            "name": "New User",
            "unit_id": world.units[position],
            "assignments": [{"role_id": "buyer", "unit_id": world.units[position]}],
        },
        "body.unit_id",
    ),
    "POST /v1/store/company/units": lambda world, position: Call(
        "POST",
        f"{STORE}/units",
        world.units[position],
        unit_body(world.units[position], name="New team", kind="team"),
        "body.parent_id",
    ),
    "GET /v1/store/company/units/{unit_id}": _unit("GET"),
    "PATCH /v1/store/company/units/{unit_id}": _unit("PATCH", body={"name": "Renamed"}),
    "DELETE /v1/store/company/units/{unit_id}": _unit("DELETE"),
    "GET /v1/store/company/units/{unit_id}/addresses": _unit("GET", "/addresses"),
    "PUT /v1/store/company/units/{unit_id}/addresses": _unit(
        "PUT", "/addresses", {"addresses": [address_body()]}
    ),
    "GET /v1/store/company/users/{user_id}": _user("GET"),
    "PATCH /v1/store/company/users/{user_id}": _user("PATCH", {"name": "Renamed"}),
    "DELETE /v1/store/company/users/{user_id}": _user("DELETE"),
    "GET /v1/store/company/roles/{role_id}": _role("GET"),
    "PATCH /v1/store/company/roles/{role_id}": _role("PATCH", body={"name": "Renamed"}),
    "DELETE /v1/store/company/roles/{role_id}": _role("DELETE"),
    "POST /v1/store/company/roles/{role_id}/copies": _role("POST", "/copies", {"name": "Copied"}),
    # the catalog lies on a website, not at a position: tests/integration/test_storefront_catalog.py
    # walks another tenant's host, another company, a sibling unit's rules and a role without catalog.view
    "GET /v1/store/catalog/categories": None,
    "GET /v1/store/catalog/categories/{category_id}/products": None,
    "GET /v1/store/catalog/products/{product_id}": None,
    "POST /v1/store/catalog/sku-lookup": None,
    "GET /v1/store/catalog/search": None,
    # shopping lists lie on a website too: tests/integration/test_shopping_lists.py walks the owner, the
    # same unit (shared or not), a sibling unit, the manager above, the company's administrator, a role
    # without shopping lists, another company and another tenant
    "GET /v1/store/shopping-lists": None,
    "POST /v1/store/shopping-lists": None,
    "GET /v1/store/shopping-lists/{shopping_list_id}": None,
    "PATCH /v1/store/shopping-lists/{shopping_list_id}": None,
    "DELETE /v1/store/shopping-lists/{shopping_list_id}": None,
    "POST /v1/store/shopping-lists/{shopping_list_id}/default": None,
    "POST /v1/store/shopping-lists/{shopping_list_id}/copies": None,
    "POST /v1/store/shopping-lists/{shopping_list_id}/merge": None,
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines": None,
    "PATCH /v1/store/shopping-lists/{shopping_list_id}/lines/{line_id}": None,
    "DELETE /v1/store/shopping-lists/{shopping_list_id}/lines/{line_id}": None,
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines/transfers": None,
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines/quick": None,
    "POST /v1/store/default-shopping-list/lines": None,
    "POST /v1/store/quick-order/parse": None,
    # prices lie on a website too: tests/integration/test_storefront_prices.py walks another tenant's
    # host, a customer administrator, a buyer and guests where they may browse or not
    "POST /v1/store/prices/resolve": None,
    # orders: tests/integration/test_orders.py walks an orderer's own, a colleague's, a sibling unit's
    # (a purchasing manager), the company administrator's, another company's and another tenant's
    "GET /v1/store/orders": None,
    "GET /v1/store/orders/{order_id}": None,
    "POST /v1/store/orders/{order_id}/cancel": None,
    "POST /v1/store/orders/{order_id}/reorder": None,
    # checkouts lie on a website too: tests/integration/test_checkout.py walks a role without
    # checkout.place_order, a sibling unit, another company and a sales representative of another customer
    "POST /v1/store/checkouts": None,
    "GET /v1/store/checkouts/{checkout_id}": None,
    "PATCH /v1/store/checkouts/{checkout_id}": None,
    "POST /v1/store/checkouts/{checkout_id}/order": None,
    # reorder into a checkout: tests/integration/test_reorder_checkout.py walks a colleague's order, a
    # sibling unit's, another company's and a role without checkout.place_order
    "POST /v1/store/orders/{order_id}/checkouts": None,
}

# route -> role -> the answer at each position, in the order of POSITIONS (one character each):
#                   own, same unit, child unit, sibling unit, parent unit, other company, other tenant.
# C is 409: allowed, but the unit still has users (every unit here is someone's home unit).
NO_ROUTE = "FFFFFFF"  # the role never allows the route: 403 whatever the record
NO_UNIT_ROUTE = "-FFFFFF"  # the same, for a route on units (no "own" record)
MATRIX: dict[str, dict[str, str]] = {
    "GET /v1/store/me": {"administrator": "A", "purchasing-manager": "A", "buyer": "A"},
    "GET /v1/store/company/roles": {"administrator": "A", "purchasing-manager": "F", "buyer": "F"},
    "POST /v1/store/company/roles": {"administrator": "A", "purchasing-manager": "F", "buyer": "F"},
    "GET /v1/store/company/users": {
        "administrator": "AAAHHHH",
        "purchasing-manager": "AAAHHHH",
        "buyer": NO_ROUTE,
    },
    "GET /v1/store/company/users/{user_id}": {
        "administrator": "AAAHHHH",
        "purchasing-manager": "AAAHHHH",
        "buyer": NO_ROUTE,
    },
    "PATCH /v1/store/company/users/{user_id}": {
        "administrator": "AAAHHHH",
        "purchasing-manager": NO_ROUTE,
        "buyer": NO_ROUTE,
    },
    "DELETE /v1/store/company/users/{user_id}": {
        "administrator": "FAAHHHH",  # never one's own account
        "purchasing-manager": NO_ROUTE,
        "buyer": NO_ROUTE,
    },
    "POST /v1/store/company/users": {
        "administrator": "-AAUUUU",
        "purchasing-manager": NO_UNIT_ROUTE,
        "buyer": NO_UNIT_ROUTE,
    },
    "GET /v1/store/company/units": {
        "administrator": "-AAHHHH",
        "purchasing-manager": "-AAHHHH",
        "buyer": "-AHHHHH",
    },
    "GET /v1/store/company/units/{unit_id}": {
        "administrator": "-AAHHHH",
        "purchasing-manager": "-AAHHHH",
        "buyer": "-AHHHHH",
    },
    "POST /v1/store/company/units": {
        "administrator": "-AAUUUU",
        "purchasing-manager": NO_UNIT_ROUTE,
        "buyer": NO_UNIT_ROUTE,
    },
    "PATCH /v1/store/company/units/{unit_id}": {
        "administrator": "-AAHHHH",
        "purchasing-manager": NO_UNIT_ROUTE,
        "buyer": NO_UNIT_ROUTE,
    },
    "DELETE /v1/store/company/units/{unit_id}": {
        "administrator": "-CCHHHH",
        "purchasing-manager": NO_UNIT_ROUTE,
        "buyer": NO_UNIT_ROUTE,
    },
    "GET /v1/store/company/units/{unit_id}/addresses": {
        "administrator": "-AAHHHH",
        "purchasing-manager": "-AAHHHH",
        "buyer": "-AHHHHH",
    },
    "PUT /v1/store/company/units/{unit_id}/addresses": {
        "administrator": "-AAHHHH",
        "purchasing-manager": NO_UNIT_ROUTE,
        "buyer": NO_UNIT_ROUTE,
    },
    "GET /v1/store/company/roles/{role_id}": {
        "administrator": "-A---HH",
        "purchasing-manager": "-F---FF",
        "buyer": "-F---FF",
    },
    "PATCH /v1/store/company/roles/{role_id}": {
        "administrator": "-A---HH",
        "purchasing-manager": "-F---FF",
        "buyer": "-F---FF",
    },
    "DELETE /v1/store/company/roles/{role_id}": {
        "administrator": "-A---HH",
        "purchasing-manager": "-F---FF",
        "buyer": "-F---FF",
    },
    "POST /v1/store/company/roles/{role_id}/copies": {
        "administrator": "-A---HH",
        "purchasing-manager": "-F---FF",
        "buyer": "-F---FF",
    },
}
# Every role holds catalog.view; this world serves no website at the test client's host: 404.
NO_SHOP = {"administrator": "H", "purchasing-manager": "H", "buyer": "H"}
MATRIX |= {
    "GET /v1/store/catalog/categories": NO_SHOP,
    "GET /v1/store/catalog/categories/{category_id}/products": NO_SHOP,
    "GET /v1/store/catalog/products/{product_id}": NO_SHOP,
    "POST /v1/store/catalog/sku-lookup": NO_SHOP,
    "GET /v1/store/catalog/search": {  # called without its query q: 422
        "administrator": "U",
        "purchasing-manager": "U",
        "buyer": "U",
    },
    "GET /v1/store/shopping-lists": NO_SHOP,
    "POST /v1/store/shopping-lists": NO_SHOP,
    "GET /v1/store/shopping-lists/{shopping_list_id}": NO_SHOP,
    "PATCH /v1/store/shopping-lists/{shopping_list_id}": NO_SHOP,
    "DELETE /v1/store/shopping-lists/{shopping_list_id}": NO_SHOP,
    "POST /v1/store/shopping-lists/{shopping_list_id}/default": NO_SHOP,
    "POST /v1/store/shopping-lists/{shopping_list_id}/copies": NO_SHOP,
    "POST /v1/store/shopping-lists/{shopping_list_id}/merge": NO_SHOP,
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines": NO_SHOP,
    "PATCH /v1/store/shopping-lists/{shopping_list_id}/lines/{line_id}": NO_SHOP,
    "DELETE /v1/store/shopping-lists/{shopping_list_id}/lines/{line_id}": NO_SHOP,
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines/transfers": NO_SHOP,
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines/quick": NO_SHOP,
    "POST /v1/store/default-shopping-list/lines": NO_SHOP,
    "POST /v1/store/quick-order/parse": NO_SHOP,
    "POST /v1/store/prices/resolve": NO_SHOP,  # every role holds prices.view
    # every role holds orders.view (a buyer: own); an order id the path cannot name is 404 before anything
    "GET /v1/store/orders": {"administrator": "A", "purchasing-manager": "A", "buyer": "A"},
    "GET /v1/store/orders/{order_id}": NO_SHOP,
    "POST /v1/store/orders/{order_id}/cancel": NO_SHOP,
    "POST /v1/store/orders/{order_id}/reorder": NO_SHOP,
}
# Every role checks out (a buyer: their own lists), where no website serves the host (404); a role
# without checkout.place_order is refused in tests/integration/test_checkout.py.
# A checkout's own routes are called with their literal path, whose id no checkout can have: 404 for all.
MATRIX |= {
    "POST /v1/store/checkouts": NO_SHOP,
    "GET /v1/store/checkouts/{checkout_id}": NO_SHOP,
    "PATCH /v1/store/checkouts/{checkout_id}": NO_SHOP,
    "POST /v1/store/checkouts/{checkout_id}/order": NO_SHOP,
    "POST /v1/store/orders/{order_id}/checkouts": NO_SHOP,  # every role checks out; no shop there
}
ROUTE_ONLY_BODIES: dict[str, dict[str, Any]] = {
    "POST /v1/store/company/roles": {"name": "Auditor", "grants": {"users.view": "unit"}},
    "POST /v1/store/catalog/sku-lookup": {"skus": ["HB-100"]},
    "POST /v1/store/shopping-lists": {"name": "Project"},
    "POST /v1/store/default-shopping-list/lines": {"lines": [{"sku": "HB-100", "quantity": "1"}]},
    "POST /v1/store/quick-order/parse": {"content": "HB-100 1"},
    "POST /v1/store/prices/resolve": {"lines": [{"sku": "HB-100", "unit": "each", "quantity": "1"}]},
    "POST /v1/store/checkouts": {"lines": [{"sku": "HB-100", "quantity": "1"}]},
    "PATCH /v1/store/checkouts/{checkout_id}": {"notes": "Gate 4"},
    "POST /v1/store/checkouts/{checkout_id}/order": {"grand_total": {"amount": "1.00", "currency": "EUR"}},
}
STATUS = {"F": 403, "H": 404, "U": 422, "C": 409}
# Lists whose items lie at positions, and which records of the world they list.
LISTS = {"GET /v1/store/company/users": "users", "GET /v1/store/company/units": "units"}


def test_every_storefront_route_is_in_the_matrix() -> None:
    # given the storefront routes
    assert STORE_ROUTES

    # then each has a row per role and a way to be called on each position's record
    for name in STORE_ROUTES:
        assert set(MATRIX.get(name, {})) == set(ROLES), f"{name}: add its row to MATRIX"
        assert name in REQUESTS, f"{name}: say in REQUESTS how to call it on a record"
        width = len(POSITIONS) if REQUESTS[name] is not None or name in LISTS else 1
        assert all(len(answers) == width for answers in MATRIX[name].values()), name


def _cells(kind: str) -> list[Any]:
    """(route, role) pairs whose route is a list of users, or a call on one record, or neither."""
    return [
        pytest.param(name, role, id=f"{name} as {role}")
        for name in sorted(MATRIX)
        for role in ROLES
        if kind == ("list" if name in LISTS else "route" if REQUESTS.get(name) is None else "record")
    ]


def _mismatch(position: str, expected: str, status: int, body: Any) -> str:
    return f"{position}: expected {expected}, got {status} {json.dumps(body)[:200]}"


@pytest.mark.parametrize(("name", "role"), _cells("record"))
def test_a_route_on_each_position_answers_as_the_matrix_says_and_a_refusal_changes_nothing(
    world_for: Callable[[str], World], module_table: Table, name: str, role: str
) -> None:
    # given an actor holding the role at Globex Manufacturing
    world = world_for(role)
    request = REQUESTS[name]
    assert request is not None
    mismatches = []

    for position, expected in zip(POSITIONS, MATRIX[name][role], strict=True):
        if expected == "-":
            continue
        call = request(world, position)
        writes = module_table.writes()

        # when the actor calls the route on the record at that position
        reply = world.api.call(
            call.method, call.path, token=world.actor, body=call.body, headers=call.headers
        )

        # then the answer is the matrix's; a refusal writes nothing and names nothing of the record
        if expected == "A":
            if not 200 <= reply.status < 300:
                mismatches.append(_mismatch(position, expected, reply.status, reply.body))
            continue
        if reply.status != STATUS[expected]:
            mismatches.append(_mismatch(position, expected, reply.status, reply.body))
        if expected == "U" and reply.status == 422:
            assert [error["loc"] for error in reply.body["errors"]] == [call.field], reply.body
        assert module_table.writes() == writes, f"{position}: the refusal wrote to the table"
        assert call.record not in json.dumps(reply.body), f"{position}: leaked"
    assert mismatches == []


@pytest.mark.parametrize(("name", "role"), _cells("list"))
def test_a_list_shows_the_records_of_exactly_the_positions_the_matrix_says(
    world_for: Callable[[str], World], name: str, role: str
) -> None:
    # given an actor holding the role, and a user at every position
    world = world_for(role)
    method, path = name.split(" ", 1)

    # when they list
    reply = world.api.call(method, path, token=world.actor)

    # then exactly the positions marked A are listed (F: the whole list is refused)
    answers = MATRIX[name][role]
    if set(answers) == {"F"}:
        assert reply.status == 403, reply.body
        return
    assert reply.status == 200, reply.body
    listed = {item["id"] for item in reply.body["items"]}
    records = (
        dict(world.units)
        if LISTS[name] == "units"
        else {position: user["id"] for position, user in world.users.items()}
    )
    shown = {position for position, record in records.items() if record in listed}
    assert shown == {position for position, answer in zip(POSITIONS, answers, strict=True) if answer == "A"}


@pytest.mark.parametrize(("name", "role"), _cells("route"))
def test_a_route_without_a_record_answers_as_the_matrix_says(
    world_for: Callable[[str], World], module_table: Table, name: str, role: str
) -> None:
    # given an actor holding the role
    world = world_for(role)
    method, path = name.split(" ", 1)
    writes = module_table.writes()

    # when they call the route
    reply = world.api.call(method, path, token=world.actor, body=ROUTE_ONLY_BODIES.get(name))

    # then
    expected = MATRIX[name][role]
    if expected == "A":
        assert 200 <= reply.status < 300, reply.body
    else:
        assert reply.status == STATUS[expected], reply.body
        assert module_table.writes() == writes
