"""Customers and their unit trees: create, read, list, change, move and delete, inheritance, deep trees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.domain.customers import UnitPatch
from chalicelib.domain.staff import (
    TENANT_ADMINISTRATOR,
    Grant,
    Reach,
    RoleCatalog,
    StaffAccess,
    StaffSession,
    StaffUser,
)
from chalicelib.platform.principal import Principal
from chalicelib.services import customers as customer_service
from chalicelib.services.context import Caller
from chalicelib.store.repository import Transaction

from .conftest import Api, Outbox, Table, Worlds
from .support import (
    RFC3339_UTC,
    address_body,
    assert_problem,
    customer_body,
    error_locs,
    ulid_of,
    unit_body,
)

CUSTOMERS = "/v1/admin/customers"
MakeUnit = Callable[..., dict[str, Any]]
REP = "stf_01J00000000000000000000000"
UNKNOWN_CUSTOMER = "cus_01J00000000000000000000000"

# Every test here starts from the empty table or a world this module builds once (acme; Globex's tree).
pytestmark = pytest.mark.shared_account


def units(customer_id: str) -> str:
    return f"{CUSTOMERS}/{customer_id}/units"


def unit_path(unit: dict[str, Any]) -> str:
    return f"{units(unit['customer_id'])}/{unit['id']}"


def tree(api: Api, token: str, customer_id: str) -> list[tuple[str, str | None, int]]:
    """The customer's units as (name, parent name, depth), in the order the tree lists them."""
    reply = api.call("GET", units(customer_id), token=token)
    assert reply.status == 200, reply.body
    names = {unit["id"]: unit["name"] for unit in reply.body["items"]}
    return [(unit["name"], names.get(unit["parent_id"]), unit["depth"]) for unit in reply.body["items"]]


def move(api: Api, token: str, unit: dict[str, Any], parent_id: str | None) -> Any:
    body = {"parent_id": parent_id, "version": unit["version"]}
    return api.call("PATCH", unit_path(unit), token=token, body=body)


@pytest.fixture
def token(make_tenant: Callable[..., str], worlds: Worlds) -> str:
    return worlds.world("acme", lambda: make_tenant("acme"))


@pytest.fixture
def globex(
    token: str,
    make_customer: Callable[..., dict[str, Any]],
    make_unit: MakeUnit,
    worlds: Worlds,
) -> dict[str, dict[str, Any]]:
    """Globex > Globex Manufacturing > Plant Lyon and Plant Ohio, and Globex > Globex Sales."""

    def build() -> dict[str, dict[str, Any]]:
        company = make_customer(token)
        customer_id = company["id"]
        manufacturing = make_unit(token, customer_id, company["id"])
        sales = make_unit(token, customer_id, company["id"], name="Globex Sales")
        lyon = make_unit(token, customer_id, manufacturing["id"], name="Plant Lyon", kind="branch")
        ohio = make_unit(token, customer_id, manufacturing["id"], name="Plant Ohio", kind="branch")
        return {
            "company": company,
            "manufacturing": manufacturing,
            "sales": sales,
            "lyon": lyon,
            "ohio": ohio,
        }

    return worlds.world("globex", build, on="acme")


# --- customers ------------------------------------------------------------------------------------------


def test_creating_a_customer_returns_its_company_as_the_root_unit(api: Api, token: str) -> None:
    # when
    reply = api.call("POST", CUSTOMERS, token=token, body=customer_body(payment_term="net30"))

    # then
    assert reply.status == 201, reply.body
    company = reply.body
    assert ulid_of("cus").match(company["id"])
    assert company["customer_id"] == company["id"]
    assert (company["kind"], company["parent_id"], company["status"]) == ("company", None, "active")
    assert company["payment_term"] == "net30"
    assert company["customer_group_id"] is None
    assert company["version"] == 1
    assert reply.headers["ETag"] == '"1"'
    assert reply.headers["Location"] == f"{CUSTOMERS}/{company['id']}"
    assert RFC3339_UTC.match(company["created_at"])


def test_a_customer_reads_back_as_created(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]]
) -> None:
    # given
    company = make_customer(token)

    # when
    by_customer = api.call("GET", f"{CUSTOMERS}/{company['id']}", token=token)
    by_unit = api.call("GET", unit_path(company), token=token)

    # then the customer's company is also the root unit of its tree
    assert by_customer.status == 200
    assert by_customer.body == company
    assert by_unit.body == company


@pytest.mark.parametrize(
    "customer_id",
    [UNKNOWN_CUSTOMER, "nonsense", "unt_01J00000000000000000000000", "cgr_01J00000000000000000000000"],
)
def test_an_unknown_customer_is_404(api: Api, token: str, customer_id: str) -> None:
    # when / then
    assert_problem(api.call("GET", f"{CUSTOMERS}/{customer_id}", token=token), 404)
    assert_problem(api.call("GET", units(customer_id), token=token), 404)
    assert_problem(api.call("POST", units(customer_id), token=token, body=unit_body(UNKNOWN_CUSTOMER)), 404)


def test_a_unit_is_not_a_customer(api: Api, token: str, globex: dict[str, dict[str, Any]]) -> None:
    # when a sub-unit's id is read as a customer
    reply = api.call("GET", f"{CUSTOMERS}/{globex['manufacturing']['id']}", token=token)

    # then
    assert_problem(reply, 404)


def test_customers_are_listed_oldest_first_without_their_units(
    api: Api, token: str, globex: dict[str, dict[str, Any]], make_customer: Callable[..., dict[str, Any]]
) -> None:
    # given a second customer
    initech = make_customer(token, name="Initech")

    # when
    reply = api.call("GET", CUSTOMERS, token=token)

    # then only the companies are listed
    assert reply.body == {"items": [globex["company"], initech], "next_cursor": None}


def test_customers_are_listed_page_by_page(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]]
) -> None:
    # given
    created = [make_customer(token, name=f"Customer {number}") for number in range(3)]

    # when
    first = api.call("GET", f"{CUSTOMERS}?limit=2", token=token).body
    second = api.call("GET", f"{CUSTOMERS}?limit=2&cursor={first['next_cursor']}", token=token).body

    # then
    assert first["items"] == created[:2]
    assert second == {"items": created[2:], "next_cursor": None}


def test_changing_a_customer_bumps_its_version(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]]
) -> None:
    # given
    company = make_customer(token)

    # when
    reply = api.call(
        "PATCH",
        f"{CUSTOMERS}/{company['id']}",
        token=token,
        body={"name": "Globex Corporation", "tax_code": "DE123456789"},
        headers={"If-Match": '"1"'},
    )

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["name"], reply.body["tax_code"], reply.body["version"]) == (
        "Globex Corporation",
        "DE123456789",
        2,
    )
    assert reply.headers["ETag"] == '"2"'
    assert api.call("GET", f"{CUSTOMERS}/{company['id']}", token=token).body == reply.body
    assert api.call("GET", CUSTOMERS, token=token).body["items"] == [reply.body]


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"kind": "division"}, "body.kind"),
        ({"parent_id": "unt_01J00000000000000000000000"}, "body.parent_id"),
        ({"name": None}, "body.name"),
        ({"status": None}, "body.status"),
        ({"sales_rep_ids": None}, "body.sales_rep_ids"),
        ({"addresses": [address_body(is_default=True), address_body(is_default=True)]}, "body.addresses"),
        ({"customer_id": UNKNOWN_CUSTOMER}, "body.customer_id"),
        ({"version": 0}, "body.version"),
    ],
)
def test_a_bad_change_to_a_customer_is_422_and_changes_nothing(
    api: Api,
    token: str,
    make_customer: Callable[..., dict[str, Any]],
    table: Table,
    patch: dict[str, Any],
    loc: str,
) -> None:
    # given
    company = make_customer(token)
    before = table.writes()

    # when
    reply = api.call(
        "PATCH", f"{CUSTOMERS}/{company['id']}", token=token, body=patch, headers={"If-Match": '"1"'}
    )

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


def test_deleting_a_customer_removes_its_company_and_its_structure(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]], table: Table
) -> None:
    # given
    company = make_customer(token)

    # when
    reply = api.call("DELETE", f"{CUSTOMERS}/{company['id']}", token=token, headers={"If-Match": '"1"'})

    # then nothing of the customer's partition is left
    assert reply.status == 204
    assert_problem(api.call("GET", f"{CUSTOMERS}/{company['id']}", token=token), 404)
    assert api.call("GET", CUSTOMERS, token=token).body["items"] == []
    assert not [key for key in table.keys() if key[0] == f"T#acme#CUST#{company['id']}"]


def test_deleting_a_customer_with_units_is_409_and_changes_nothing(
    api: Api, token: str, globex: dict[str, dict[str, Any]], table: Table
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call(
        "DELETE", f"{CUSTOMERS}/{globex['company']['id']}", token=token, headers={"If-Match": '"1"'}
    )

    # then
    assert "2 sub-unit(s)" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


# --- units and the tree ---------------------------------------------------------------------------------


def test_creating_a_unit_places_it_under_its_parent(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]]
) -> None:
    # given
    company = make_customer(token)

    # when
    reply = api.call("POST", units(company["id"]), token=token, body=unit_body(company["id"]))

    # then
    assert reply.status == 201, reply.body
    unit = reply.body
    assert ulid_of("unt").match(unit["id"])
    assert (unit["customer_id"], unit["parent_id"], unit["kind"]) == (
        company["id"],
        company["id"],
        "division",
    )
    assert unit["version"] == 1
    assert api.call("GET", unit_path(unit), token=token).body == unit


def test_the_tree_lists_every_unit_depth_first_from_the_company(
    api: Api, token: str, globex: dict[str, dict[str, Any]]
) -> None:
    # when
    listed = tree(api, token, globex["company"]["id"])

    # then
    assert listed == [
        ("Globex", None, 0),
        ("Globex Manufacturing", "Globex", 1),
        ("Plant Lyon", "Globex Manufacturing", 2),
        ("Plant Ohio", "Globex Manufacturing", 2),
        ("Globex Sales", "Globex", 1),
    ]


@pytest.mark.parametrize(
    "parent", ["unknown", "other customer's company", "other customer's unit", "a customer group"]
)
def test_a_unit_under_a_parent_that_is_not_one_of_the_customers_units_is_422(
    api: Api,
    token: str,
    make_customer: Callable[..., dict[str, Any]],
    make_unit: MakeUnit,
    make_customer_group: Callable[..., dict[str, Any]],
    table: Table,
    parent: str,
) -> None:
    # given two customers
    company = make_customer(token)
    other = make_customer(token, name="Initech")
    parent_id = {
        "unknown": "unt_01J00000000000000000000000",
        "other customer's company": other["id"],
        "other customer's unit": make_unit(token, other["id"], other["id"])["id"],
        "a customer group": make_customer_group(token)["id"],
    }[parent]
    before = table.writes()

    # when
    reply = api.call("POST", units(company["id"]), token=token, body=unit_body(parent_id))

    # then
    assert error_locs(reply) == ["body.parent_id"]
    assert table.writes() == before


def test_a_unit_create_with_an_idempotency_key_is_replayed(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]]
) -> None:
    # given
    company = make_customer(token)
    headers = {"Idempotency-Key": "unit-1"}
    first = api.call(
        "POST", units(company["id"]), token=token, body=unit_body(company["id"]), headers=headers
    )

    # when
    again = api.call(
        "POST", units(company["id"]), token=token, body=unit_body(company["id"]), headers=headers
    )

    # then
    assert again.status == 201
    assert again.body == first.body
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(tree(api, token, company["id"])) == 2


def test_changing_a_unit_keeps_its_place(api: Api, token: str, globex: dict[str, dict[str, Any]]) -> None:
    # given
    lyon = globex["lyon"]

    # when
    reply = api.call(
        "PATCH", unit_path(lyon), token=token, body={"name": "Usine de Lyon", "kind": "office", "version": 1}
    )

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["name"], reply.body["kind"], reply.body["version"]) == ("Usine de Lyon", "office", 2)
    assert reply.body["parent_id"] == lyon["parent_id"]
    assert api.call("GET", unit_path(lyon), token=token).body == reply.body


def test_a_stale_or_missing_version_is_refused(
    api: Api, token: str, globex: dict[str, dict[str, Any]]
) -> None:
    # when
    stale = api.call("PATCH", unit_path(globex["lyon"]), token=token, body={"name": "X", "version": 2})
    missing = api.call("DELETE", unit_path(globex["lyon"]), token=token)

    # then
    assert assert_problem(stale, 412)["current_version"] == 1
    assert_problem(missing, 428)


def test_moving_a_unit_moves_its_subtree(api: Api, token: str, globex: dict[str, dict[str, Any]]) -> None:
    # when Globex Manufacturing moves under Globex Sales
    reply = move(api, token, globex["manufacturing"], globex["sales"]["id"])

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["parent_id"], reply.body["version"]) == (globex["sales"]["id"], 2)
    assert tree(api, token, globex["company"]["id"]) == [
        ("Globex", None, 0),
        ("Globex Sales", "Globex", 1),
        ("Globex Manufacturing", "Globex Sales", 2),
        ("Plant Lyon", "Globex Manufacturing", 3),
        ("Plant Ohio", "Globex Manufacturing", 3),
    ]


@pytest.mark.parametrize(
    ("unit", "new_parent", "message"),
    [
        ("manufacturing", "manufacturing", "under itself or one of its descendants"),
        ("manufacturing", "lyon", "under itself or one of its descendants"),
        ("lyon", "other customer's company", "not a unit of this company"),
        ("lyon", "other customer's unit", "not a unit of this company"),
        ("lyon", "unknown", "not a unit of this company"),
        ("lyon", None, "valid string"),
        ("company", "sales", "None"),
    ],
)
def test_a_move_that_would_break_the_tree_is_422_and_changes_nothing(
    api: Api,
    token: str,
    globex: dict[str, dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
    make_unit: MakeUnit,
    table: Table,
    unit: str,
    new_parent: str | None,
    message: str,
) -> None:
    # given another customer
    other = make_customer(token, name="Initech")
    others = {
        "other customer's company": other["id"],
        "other customer's unit": make_unit(token, other["id"], other["id"])["id"],
        "unknown": "unt_01J00000000000000000000000",
    }
    parent_id = None if new_parent is None else others.get(new_parent) or globex[new_parent]["id"]
    before = table.writes()

    # when
    reply = move(api, token, globex[unit], parent_id)

    # then
    assert error_locs(reply) == ["body.parent_id"]
    assert message in reply.body["errors"][0]["msg"]
    assert table.writes() == before


def test_a_unit_moved_to_its_own_parent_changes_only_its_version(
    api: Api, token: str, globex: dict[str, dict[str, Any]], table: Table
) -> None:
    # given
    tree_before = table.get(f"T#acme#CUST#{globex['company']['id']}", "TREE")

    # when
    reply = move(api, token, globex["lyon"], globex["manufacturing"]["id"])

    # then the structure was not touched
    assert reply.status == 200, reply.body
    assert table.get(f"T#acme#CUST#{globex['company']['id']}", "TREE") == tree_before


def test_deleting_a_leaf_unit_removes_it_from_the_tree(
    api: Api, token: str, globex: dict[str, dict[str, Any]]
) -> None:
    # when
    reply = api.call("DELETE", unit_path(globex["ohio"]), token=token, headers={"If-Match": '"1"'})

    # then
    assert reply.status == 204
    assert_problem(api.call("GET", unit_path(globex["ohio"]), token=token), 404)
    assert [name for name, _, _ in tree(api, token, globex["company"]["id"])] == [
        "Globex",
        "Globex Manufacturing",
        "Plant Lyon",
        "Globex Sales",
    ]


def test_deleting_a_unit_with_sub_units_is_409_and_changes_nothing(
    api: Api, token: str, globex: dict[str, dict[str, Any]], table: Table
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("DELETE", unit_path(globex["manufacturing"]), token=token, headers={"If-Match": '"1"'})

    # then
    assert "2 sub-unit(s)" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_a_unit_whose_sub_units_are_gone_can_be_deleted(
    api: Api, token: str, globex: dict[str, dict[str, Any]]
) -> None:
    # given
    for plant in ("lyon", "ohio"):
        api.call("DELETE", unit_path(globex[plant]), token=token, headers={"If-Match": '"1"'})

    # when
    reply = api.call("DELETE", unit_path(globex["manufacturing"]), token=token, headers={"If-Match": '"1"'})

    # then
    assert reply.status == 204


# --- concurrent structure changes -----------------------------------------------------------------------


def _admin() -> Caller:
    principal = Principal(
        kind="staff",
        tenant_id="acme",
        subject="dev|admin@acme.example",
        email="admin@acme.example",
        staff=StaffSession(
            user=StaffUser.model_validate(
                {
                    "id": "stf_admin",
                    "version": 1,
                    "created_at": "2026-01-01T00:00:00Z",
                    "updated_at": "2026-01-01T00:00:00Z",
                    "name": "Ann Admin",
                    "email": "admin@acme.example",
                },
                strict=False,
            ),
            access=StaffAccess(
                "stf_admin", tuple(Grant(p, Reach()) for p in TENANT_ADMINISTRATOR.permissions)
            ),
            roles=RoleCatalog(),
        ),
    )
    return Caller(principal)


def test_two_concurrent_moves_cannot_close_a_cycle(
    api: Api, token: str, globex: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given Globex Sales moves under Globex Manufacturing while the move below has read the tree
    manufacturing, sales = globex["manufacturing"], globex["sales"]
    load_company = customer_service.load_company

    def load_then_move_sales(tenant_id: str, customer_id: str) -> customer_service.Company:
        company = load_company(tenant_id, customer_id)
        monkeypatch.setattr(customer_service, "load_company", load_company)
        patch = UnitPatch.model_validate({"parent_id": manufacturing["id"]})
        customer_service.update_unit(_admin(), customer_id, sales["id"], patch, 1)
        return company

    monkeypatch.setattr(customer_service, "load_company", load_then_move_sales)

    # when Globex Manufacturing moves under Globex Sales
    reply = move(api, token, manufacturing, sales["id"])

    # then the later move is refused, and the tree holds the first one only (siblings in creation order)
    problem = assert_problem(reply, 409)
    assert problem["detail"] == "the company's structure changed meanwhile; retry"
    assert reply.headers["Retry-After"] == "1"
    assert tree(api, token, globex["company"]["id"]) == [
        ("Globex", None, 0),
        ("Globex Manufacturing", "Globex", 1),
        ("Globex Sales", "Globex Manufacturing", 2),
        ("Plant Lyon", "Globex Manufacturing", 2),
        ("Plant Ohio", "Globex Manufacturing", 2),
    ]


STRUCTURE_CHANGES: dict[
    str, Callable[[dict[str, dict[str, Any]]], tuple[str, str, dict[str, Any] | None]]
] = {
    "create": lambda units_: (
        "POST",
        units(units_["company"]["id"]),
        unit_body(units_["lyon"]["id"], name="Line 1", kind="team"),
    ),
    "move": lambda units_: ("PATCH", unit_path(units_["ohio"]), {"parent_id": units_["company"]["id"]}),
    "delete": lambda units_: ("DELETE", unit_path(units_["ohio"]), None),
}


@pytest.mark.parametrize("change", sorted(STRUCTURE_CHANGES))
def test_a_structure_change_that_lost_a_race_is_409_and_writes_nothing(
    api: Api,
    token: str,
    globex: dict[str, dict[str, Any]],
    table: Table,
    monkeypatch: pytest.MonkeyPatch,
    change: str,
) -> None:
    # given another structure change commits between this change's read and its write
    structure = (f"T#acme#CUST#{globex['company']['id']}", "TREE")
    commit = Transaction.commit

    def commit_after_another_change(transaction: Transaction) -> None:
        monkeypatch.setattr(Transaction, "commit", commit)
        table.bump_version(*structure)
        commit(transaction)

    monkeypatch.setattr(Transaction, "commit", commit_after_another_change)
    before = [item for item in table.items() if (item["PK"], item["SK"]) != structure]
    method, path, body = STRUCTURE_CHANGES[change](globex)

    # when
    reply = api.call(method, path, token=token, body=body, headers={"If-Match": '"1"'})

    # then
    assert_problem(reply, 409)
    assert [item for item in table.items() if (item["PK"], item["SK"]) != structure] == before


# --- effective values -----------------------------------------------------------------------------------


def _effective(api: Api, token: str, unit: dict[str, Any]) -> dict[str, Any]:
    reply = api.call("GET", unit_path(unit) + "/effective", token=token)
    assert reply.status == 200, reply.body
    body: dict[str, Any] = reply.body
    return body


def test_a_unit_inherits_what_it_leaves_unset_from_the_nearest_unit_above(
    api: Api,
    token: str,
    make_customer: Callable[..., dict[str, Any]],
    make_unit: MakeUnit,
    make_customer_group: Callable[..., dict[str, Any]],
) -> None:
    # given Globex with a group, a tax code, a payment term and billing and shipping addresses,
    # a division with its own payment term, and a plant with its own tax code and shipping address
    group = make_customer_group(token)
    billing = address_body(kind="billing", label="Head office", city="Berlin", country="DE", is_default=True)
    company = make_customer(
        token,
        customer_group_id=group["id"],
        tax_code="DE123456789",
        payment_term="net30",
        addresses=[billing, address_body(label="Central warehouse", country="DE", city="Hamburg")],
    )
    division = make_unit(token, company["id"], company["id"], payment_term="net60")
    plant = make_unit(
        token,
        company["id"],
        division["id"],
        name="Plant Lyon",
        kind="branch",
        tax_code="FR12345678901",
        addresses=[address_body(is_default=True)],
    )

    # when
    effective = _effective(api, token, plant)

    # then
    assert effective["unit_id"] == plant["id"]
    assert effective["path"] == [company["id"], division["id"], plant["id"]]
    assert effective["status"] == {"value": "active", "source": plant["id"]}
    assert effective["customer_group_id"] == {"value": group["id"], "source": company["id"]}
    assert effective["tax_code"] == {"value": "FR12345678901", "source": plant["id"]}
    assert effective["payment_term"] == {"value": "net60", "source": division["id"]}
    assert effective["addresses"]["billing"] == {
        "value": [address for address in company["addresses"] if address["kind"] == "billing"],
        "source": company["id"],
    }
    assert effective["addresses"]["shipping"] == {"value": plant["addresses"], "source": plant["id"]}


def test_a_value_nobody_sets_has_no_source(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]], make_unit: MakeUnit
) -> None:
    # given
    company = make_customer(token)
    unit = make_unit(token, company["id"], company["id"])

    # when
    effective = _effective(api, token, unit)

    # then
    assert effective["tax_code"] == {"value": None, "source": None}
    assert effective["addresses"] == {
        "billing": {"value": [], "source": None},
        "shipping": {"value": [], "source": None},
    }


def test_an_inactive_unit_blocks_its_whole_subtree(
    api: Api, token: str, globex: dict[str, dict[str, Any]]
) -> None:
    # given Globex Manufacturing is made inactive
    manufacturing = globex["manufacturing"]
    api.call("PATCH", unit_path(manufacturing), token=token, body={"status": "inactive", "version": 1})

    # when
    plant = _effective(api, token, globex["lyon"])
    sibling = _effective(api, token, globex["sales"])

    # then its plants are inactive because of it, and its sibling is not
    assert plant["status"] == {"value": "inactive", "source": manufacturing["id"]}
    assert sibling["status"] == {"value": "active", "source": globex["sales"]["id"]}


def test_the_highest_inactive_unit_is_named_as_the_source(
    api: Api, token: str, globex: dict[str, dict[str, Any]]
) -> None:
    # given Globex and Plant Lyon are both inactive
    company = globex["company"]
    api.call("PATCH", f"{CUSTOMERS}/{company['id']}", token=token, body={"status": "inactive", "version": 1})
    api.call("PATCH", unit_path(globex["lyon"]), token=token, body={"status": "inactive", "version": 1})

    # when
    effective = _effective(api, token, globex["lyon"])

    # then the company, whose whole tree is blocked, is the source
    assert effective["status"] == {"value": "inactive", "source": company["id"]}


def test_addresses_of_a_kind_replace_the_inherited_ones_and_clearing_them_inherits_again(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]], make_unit: MakeUnit
) -> None:
    # given a company with a billing address and a unit with its own
    company = make_customer(token, addresses=[address_body(kind="billing", label="Head office")])
    unit = make_unit(
        token, company["id"], company["id"], addresses=[address_body(kind="billing", label="Own")]
    )
    assert _effective(api, token, unit)["addresses"]["billing"]["source"] == unit["id"]

    # when the unit's addresses are cleared
    api.call("PATCH", unit_path(unit), token=token, body={"addresses": [], "version": 1})

    # then the company's apply again
    assert _effective(api, token, unit)["addresses"]["billing"] == {
        "value": company["addresses"],
        "source": company["id"],
    }


def test_the_effective_values_of_an_unknown_unit_are_404(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]]
) -> None:
    # given
    company = make_customer(token)

    # when
    reply = api.call("GET", f"{units(company['id'])}/unt_01J00000000000000000000000/effective", token=token)

    # then
    assert_problem(reply, 404)


# --- deep trees -----------------------------------------------------------------------------------------


def test_a_tree_fifty_levels_deep_lists_moves_and_inherits(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]], make_unit: MakeUnit
) -> None:
    # given a company with 50 levels of units below it, each under the previous one
    company = make_customer(token, payment_term="net30")
    chain = [company]
    for level in range(1, 51):
        chain.append(make_unit(token, company["id"], chain[-1]["id"], name=f"Level {level}", kind="team"))

    # when the company is made inactive
    api.call("PATCH", f"{CUSTOMERS}/{company['id']}", token=token, body={"status": "inactive", "version": 1})

    # then the deepest unit is 50 levels down and inherits from the company
    assert [depth for _, _, depth in tree(api, token, company["id"])] == list(range(51))
    deepest = _effective(api, token, chain[50])
    assert len(deepest["path"]) == 51
    assert deepest["status"] == {"value": "inactive", "source": company["id"]}
    assert deepest["payment_term"] == {"value": "net30", "source": company["id"]}

    # and the first level cannot move under the deepest, which lies below it
    assert error_locs(move(api, token, chain[1], chain[50]["id"])) == ["body.parent_id"]

    # and level 40 moves up under the company, with the ten levels below it
    assert move(api, token, chain[40], company["id"]).status == 200
    depths = {name: depth for name, _, depth in tree(api, token, company["id"])}
    assert (depths["Level 39"], depths["Level 40"], depths["Level 50"]) == (39, 1, 11)
    assert _effective(api, token, chain[50])["path"] == [company["id"]] + [unit["id"] for unit in chain[40:]]


# --- input ----------------------------------------------------------------------------------------------

# field -> a bad value -> the error's location (every field of the create body, and its shape)
BAD_CUSTOMER_FIELDS: list[tuple[str, Any, str]] = [
    ("name", "", "body.name"),
    ("name", "x" * 201, "body.name"),
    ("name", None, "body.name"),
    ("status", "closed", "body.status"),
    ("status", True, "body.status"),
    ("customer_group_id", "key-accounts", "body.customer_group_id"),
    ("customer_group_id", "org_01J00000000000000000000000", "body.customer_group_id"),
    ("tax_code", "", "body.tax_code"),
    ("tax_code", "x" * 65, "body.tax_code"),
    ("tax_code", 19, "body.tax_code"),
    ("payment_term", "Net 30", "body.payment_term"),
    ("payment_term", "", "body.payment_term"),
    ("payment_term", "n" * 33, "body.payment_term"),
    ("sales_rep_ids", REP, "body.sales_rep_ids"),
    ("sales_rep_ids", ["sam.sales@acme.example"], "body.sales_rep_ids[0]"),
    ("sales_rep_ids", [REP, "stf_123"], "body.sales_rep_ids[1]"),
    ("sales_rep_ids", [REP, REP], "body.sales_rep_ids"),
    ("sales_rep_ids", [f"stf_01J{number:023d}" for number in range(21)], "body.sales_rep_ids"),
    ("sales_rep_ids", [REP], "body.sales_rep_ids"),  # no such staff user
    ("addresses", address_body(), "body.addresses"),
    ("addresses", [address_body(kind="home")], "body.addresses[0].kind"),
    ("addresses", [address_body(label="")], "body.addresses[0].label"),
    ("addresses", [address_body(line1="")], "body.addresses[0].line1"),
    ("addresses", [address_body(line2="x" * 201)], "body.addresses[0].line2"),
    ("addresses", [address_body(city=None)], "body.addresses[0].city"),
    ("addresses", [address_body(postal_code="1" * 21)], "body.addresses[0].postal_code"),
    ("addresses", [address_body(region="")], "body.addresses[0].region"),
    ("addresses", [address_body(country="XX")], "body.addresses[0].country"),
    ("addresses", [address_body(country="fr")], "body.addresses[0].country"),
    ("addresses", [address_body(is_default="yes")], "body.addresses[0].is_default"),
    ("addresses", [address_body(id="adr_1")], "body.addresses[0].id"),
    ("addresses", [address_body(owner="me")], "body.addresses[0].owner"),
    ("addresses", [address_body(is_default=True), address_body(is_default=True)], "body.addresses"),
    ("addresses", [address_body(id=f"adr_{'0' * 26}")] * 2, "body.addresses"),
    ("addresses", [address_body()] * 51, "body.addresses"),
    ("external_id", "", "body.external_id"),
    ("external_id", "x" * 129, "body.external_id"),
    ("external_id", 4711, "body.external_id"),
    # fields that are not the client's to set (no mass assignment)
    ("kind", "company", "body.kind"),
    ("parent_id", UNKNOWN_CUSTOMER, "body.parent_id"),
    ("id", UNKNOWN_CUSTOMER, "body.id"),
    ("customer_id", UNKNOWN_CUSTOMER, "body.customer_id"),
    ("version", 1, "body.version"),
    ("created_at", "2020-01-01T00:00:00.000Z", "body.created_at"),
    ("tenant_id", "nordic", "body.tenant_id"),
]
BAD_UNIT_FIELDS: list[tuple[str, Any, str]] = [
    ("kind", "company", "body.kind"),
    ("kind", "plant", "body.kind"),
    ("kind", None, "body.kind"),
    ("parent_id", "nonsense", "body.parent_id"),
    ("parent_id", "cgr_01J00000000000000000000000", "body.parent_id"),
    ("parent_id", None, "body.parent_id"),
    ("name", "", "body.name"),
    ("customer_id", UNKNOWN_CUSTOMER, "body.customer_id"),
]


@pytest.mark.parametrize(("field", "value", "loc"), BAD_CUSTOMER_FIELDS)
def test_a_bad_customer_field_is_422_with_its_path_and_nothing_is_written(
    api: Api, token: str, table: Table, field: str, value: Any, loc: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("POST", CUSTOMERS, token=token, body=customer_body(**{field: value}))

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


@pytest.mark.parametrize(("field", "value", "loc"), BAD_UNIT_FIELDS)
def test_a_bad_unit_field_is_422_with_its_path_and_nothing_is_written(
    api: Api,
    token: str,
    make_customer: Callable[..., dict[str, Any]],
    table: Table,
    field: str,
    value: Any,
    loc: str,
) -> None:
    # given
    company = make_customer(token)
    before = table.writes()

    # when
    reply = api.call(
        "POST", units(company["id"]), token=token, body={**unit_body(company["id"]), field: value}
    )

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


@pytest.mark.parametrize("field", ["name", "kind", "parent_id"])
def test_a_missing_required_unit_field_is_422(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]], field: str
) -> None:
    # given
    company = make_customer(token)
    body = unit_body(company["id"])
    del body[field]

    # when
    reply = api.call("POST", units(company["id"]), token=token, body=body)

    # then
    assert error_locs(reply) == [f"body.{field}"]
    assert reply.body["errors"][0]["type"] == "missing"


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"kind": "company"}, "body.kind"),
        ({"parent_id": "nonsense"}, "body.parent_id"),
        ({"name": None}, "body.name"),
        ({"addresses": [address_body(), address_body(country="XX")]}, "body.addresses[1].country"),
        ({"sales_rep_ids": ["x"]}, "body.sales_rep_ids[0]"),
        ({"bogus": 1}, "body.bogus"),
    ],
)
def test_a_bad_change_to_a_unit_is_422_and_changes_nothing(
    api: Api, token: str, globex: dict[str, dict[str, Any]], table: Table, patch: dict[str, Any], loc: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("PATCH", unit_path(globex["lyon"]), token=token, body={**patch, "version": 1})

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


def test_addresses_get_ids_that_later_changes_keep(
    api: Api, token: str, make_customer: Callable[..., dict[str, Any]]
) -> None:
    # given a company with one address
    company = make_customer(token, addresses=[address_body(kind="billing")])
    kept = company["addresses"][0]
    assert ulid_of("adr").match(kept["id"])

    # when a second address is added, the first sent back as read
    reply = api.call(
        "PATCH",
        f"{CUSTOMERS}/{company['id']}",
        token=token,
        body={"addresses": [kept, address_body(label="Dock 2")], "version": 1},
    )

    # then the first keeps its id and the second gets a new one
    assert reply.status == 200, reply.body
    first, second = reply.body["addresses"]
    assert first == kept
    assert ulid_of("adr").match(second["id"])
    assert second["id"] != kept["id"]


def test_sales_reps_are_staff_users_of_the_tenant(
    token: str, make_customer: Callable[..., dict[str, Any]], make_staff_user: Callable[..., dict[str, Any]]
) -> None:
    # given
    sam = make_staff_user(token)

    # when
    company = make_customer(token, sales_rep_ids=[sam["id"]])

    # then
    assert company["sales_rep_ids"] == [sam["id"]]


# --- audit ----------------------------------------------------------------------------------------------


def test_every_change_of_a_unit_is_audited_with_its_actor(
    api: Api, token: str, globex: dict[str, dict[str, Any]], outbox: Outbox
) -> None:
    # given Plant Ohio moved under Globex, then deleted
    ohio = globex["ohio"]
    moved = move(api, token, ohio, globex["company"]["id"]).body
    api.call("DELETE", unit_path(ohio), token=token, headers={"If-Match": f'"{moved["version"]}"'})
    outbox.drain()

    # when
    entries = api.call("GET", f"/v1/admin/audit?entity_id={ohio['id']}", token=token).body["items"]

    # then
    assert [(entry["action"], entry["entity_type"], entry["actor"]) for entry in entries] == [
        ("deleted", "customer_unit", "staff:admin@acme.example"),
        ("updated", "customer_unit", "staff:admin@acme.example"),
        ("created", "customer_unit", "staff:admin@acme.example"),
    ]
    assert entries[1]["changes"] == {
        "parent_id": {"before": globex["manufacturing"]["id"], "after": globex["company"]["id"]}
    }


def test_a_created_unit_answers_with_its_own_location(
    api: Api, make_tenant: Callable[..., str], make_customer: Callable[..., dict[str, Any]]
) -> None:
    # given
    token = make_tenant("acme")
    customer = make_customer(token)

    # when
    reply = api.call(
        "POST", f"/v1/admin/customers/{customer['id']}/units", token=token, body=unit_body(customer["id"])
    )

    # then the Location is the unit's own path, with the customer's id filled in
    assert reply.headers["Location"] == f"/v1/admin/customers/{customer['id']}/units/{reply.body['id']}"
    assert api.call("GET", reply.headers["Location"], token=token).body == reply.body
