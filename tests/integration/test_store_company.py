"""Buyer self-administration under /v1/store/company: units, addresses, users and roles of the caller's
own company, never beyond what the caller's grants reach. Every refusal changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Api, Globex, Table, Worlds, build_globex
from .support import address_body, assert_problem, error_locs

# Every test here starts from a world this module builds once: see conftest.
pytestmark = pytest.mark.shared_account

Invite = Callable[..., dict[str, Any]]
Make = Callable[..., dict[str, Any]]
UNITS = "/v1/store/company/units"
USERS = "/v1/store/company/users"
ROLES = "/v1/store/company/roles"
AVA = "ava.admin@globex.example"  # administrator of the whole company
OSCAR = "oscar.admin@globex.example"  # administrator of Globex Manufacturing and below
MAX = "max.manager@globex.example"  # purchasing manager at Globex Manufacturing
BOB = "bob.buyer@globex.example"  # buyer at Plant Lyon
OLGA = "olga.buyer@globex.example"  # buyer at Plant Ohio


@pytest.fixture
def signed_in(api: Api) -> Callable[[str], str]:
    """A token for a Globex user, who has signed in once (their account is bound)."""

    def token(email: str) -> str:
        minted = api.token("acme", email)
        assert api.call("GET", "/v1/store/me", token=minted).status == 200
        return minted

    return token


@pytest.fixture
def globex(make_tenant: Callable[..., str], make_customer: Make, make_unit: Make, worlds: Worlds) -> Globex:
    """conftest's Globex, built once for the module."""
    return worlds.world("globex", lambda: build_globex(make_tenant, make_customer, make_unit))


@pytest.fixture
def people(
    globex: Globex, invite: Invite, signed_in: Callable[[str], str], worlds: Worlds
) -> dict[str, dict[str, Any]]:
    """ava (administrator at the company), oscar (administrator at Manufacturing), max, bob and olga."""

    def build() -> dict[str, dict[str, Any]]:
        users = {
            AVA: invite(AVA, "administrator", "company"),
            OSCAR: invite(OSCAR, "administrator", "manufacturing"),
            MAX: invite(MAX, "purchasing-manager", "manufacturing"),
            BOB: invite(BOB, "buyer", "lyon"),
            OLGA: invite(OLGA, "buyer", "ohio"),
        }
        for email in (AVA, OSCAR):
            signed_in(email)
        return users

    return worlds.world("globex with people", build, on="globex")


def _version(api: Api, token: str, path: str) -> int:
    reply = api.call("GET", path, token=token)
    assert reply.status == 200, reply.body
    return int(reply.body["version"])


# --- units -----------------------------------------------------------------------------------------------


def test_the_unit_list_holds_the_units_the_callers_units_view_reaches_as_a_tree(
    api: Api, globex: Globex, people: dict[str, Any]
) -> None:
    # when max (units.view for Manufacturing and below) lists the units
    reply = api.call("GET", UNITS, token=api.token("acme", MAX))

    # then he gets Manufacturing and its plants, depth-first, with their depth in the company
    assert reply.status == 200, reply.body
    assert [(unit["id"], unit["depth"]) for unit in reply.body["items"]] == [
        (globex.ids["manufacturing"], 1),
        (globex.ids["lyon"], 2),
        (globex.ids["ohio"], 2),
    ]


def test_a_unit_outside_the_callers_units_view_is_404(
    api: Api, globex: Globex, people: dict[str, Any]
) -> None:
    # when bob (buyer at Plant Lyon) asks for Plant Ohio
    reply = api.call("GET", f"{UNITS}/{globex.ids['ohio']}", token=api.token("acme", BOB))

    # then
    assert_problem(reply, 404)


def test_a_company_administrator_renames_a_unit(api: Api, globex: Globex, people: dict[str, Any]) -> None:
    # when oscar renames Plant Lyon
    path = f"{UNITS}/{globex.ids['lyon']}"
    reply = api.call(
        "PATCH",
        path,
        token=api.token("acme", OSCAR),
        body={"name": "Usine de Lyon"},
        headers={"If-Match": '"1"'},
    )

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["name"], reply.body["version"]) == ("Usine de Lyon", 2)
    assert reply.headers["ETag"] == '"2"'


def test_a_unit_moves_under_another_unit_the_caller_manages(
    api: Api, globex: Globex, people: dict[str, Any]
) -> None:
    # when oscar moves Plant Ohio under Plant Lyon
    reply = api.call(
        "PATCH",
        f"{UNITS}/{globex.ids['ohio']}",
        token=api.token("acme", OSCAR),
        body={"parent_id": globex.ids["lyon"], "version": 1},
    )

    # then Ohio is below Lyon in the tree
    assert reply.status == 200, reply.body
    tree = api.call("GET", UNITS, token=api.token("acme", OSCAR)).body["items"]
    assert [(unit["id"], unit["depth"]) for unit in tree][-1] == (globex.ids["ohio"], 3)


def test_a_unit_cannot_move_under_a_unit_beyond_the_callers_reach(
    api: Api, globex: Globex, people: dict[str, Any], table: Table
) -> None:
    # given
    before = table.writes()

    # when oscar (Manufacturing and below) moves Plant Lyon right under the company
    reply = api.call(
        "PATCH",
        f"{UNITS}/{globex.ids['lyon']}",
        token=api.token("acme", OSCAR),
        body={"parent_id": globex.ids["company"], "version": 1},
    )

    # then
    assert error_locs(reply) == ["body.parent_id"]
    assert table.writes() == before


def test_a_unit_the_caller_sees_but_does_not_manage_is_403(
    api: Api, globex: Globex, invite: Invite, signed_in: Callable[[str], str], table: Table
) -> None:
    # given olga: administrator of Plant Ohio, buyer (units.view) at Plant Lyon
    token = signed_in(invite(OLGA, "administrator", "ohio", also=(("buyer", "lyon"),))["email"])
    before = table.writes()

    # when she renames Plant Lyon
    reply = api.call(
        "PATCH", f"{UNITS}/{globex.ids['lyon']}", token=token, body={"name": "Mine", "version": 1}
    )

    # then
    assert_problem(reply, 403)
    assert table.writes() == before


def test_the_sellers_terms_of_a_unit_are_not_set_from_the_store(
    api: Api, globex: Globex, people: dict[str, Any], table: Table
) -> None:
    # given
    before = table.writes()

    # when ava gives Plant Lyon a payment term
    reply = api.call(
        "PATCH",
        f"{UNITS}/{globex.ids['lyon']}",
        token=api.token("acme", AVA),
        body={"payment_term": "net90", "version": 1},
    )

    # then
    assert error_locs(reply) == ["body.payment_term"]
    assert table.writes() == before


def test_an_empty_unit_is_deleted(api: Api, globex: Globex, people: dict[str, Any]) -> None:
    # given a team under Plant Lyon, made by oscar
    oscar = api.token("acme", OSCAR)
    team = api.call(
        "POST", UNITS, token=oscar, body={"name": "T", "kind": "team", "parent_id": globex.ids["lyon"]}
    )

    # when he deletes it
    reply = api.call("DELETE", f"{UNITS}/{team.body['id']}", token=oscar, headers={"If-Match": '"1"'})

    # then it is gone
    assert reply.status == 204, reply.body
    assert_problem(api.call("GET", f"{UNITS}/{team.body['id']}", token=oscar), 404)


def test_a_unit_that_is_someones_home_unit_is_not_deleted_from_the_store(
    api: Api, globex: Globex, people: dict[str, Any], table: Table
) -> None:
    # given bob's home unit, Plant Lyon
    before = table.writes()

    # when oscar deletes it
    reply = api.call(
        "DELETE", f"{UNITS}/{globex.ids['lyon']}", token=api.token("acme", OSCAR), headers={"If-Match": '"1"'}
    )

    # then
    assert "users" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


# --- addresses -------------------------------------------------------------------------------------------


def test_a_units_addresses_are_its_own_and_those_it_inherits_with_their_source(
    api: Api, globex: Globex, people: dict[str, Any]
) -> None:
    # given a billing address at the company and a shipping address at Plant Lyon (by acme's staff)
    admin_units = f"/v1/admin/customers/{globex.ids['company']}/units"
    for unit, address in (("company", address_body(kind="billing", label="HQ")), ("lyon", address_body())):
        path = f"{admin_units}/{globex.ids[unit]}"
        assert (
            api.call("PATCH", path, token=globex.admin, body={"addresses": [address], "version": 1}).status
            == 200
        )

    # when bob (buyer at Plant Lyon) reads Plant Lyon's addresses
    reply = api.call("GET", f"{UNITS}/{globex.ids['lyon']}/addresses", token=api.token("acme", BOB))

    # then he sees Lyon's own and, per kind, where the applying ones come from
    assert reply.status == 200, reply.body
    assert [address["label"] for address in reply.body["own"]] == ["Plant"]
    effective = reply.body["effective"]
    assert (effective["shipping"]["source"], effective["billing"]["source"]) == (
        globex.ids["lyon"],
        globex.ids["company"],
    )
    assert [address["label"] for address in effective["billing"]["value"]] == ["HQ"]
    assert reply.headers["ETag"] == '"2"'


def test_a_units_own_addresses_are_replaced(api: Api, globex: Globex, people: dict[str, Any]) -> None:
    # when oscar gives Plant Lyon a shipping and a billing address
    reply = api.call(
        "PUT",
        f"{UNITS}/{globex.ids['lyon']}/addresses",
        token=api.token("acme", OSCAR),
        body={"addresses": [address_body(), address_body(kind="billing", label="Accounts")], "version": 1},
    )

    # then both are Lyon's own, with ids, and the unit is at version 2 with nothing else changed
    assert reply.status == 200, reply.body
    assert [address["kind"] for address in reply.body["own"]] == ["shipping", "billing"]
    assert all(address["id"].startswith("adr_") for address in reply.body["own"])
    assert reply.body["effective"]["billing"]["source"] == globex.ids["lyon"]
    unit = api.call("GET", f"{UNITS}/{globex.ids['lyon']}", token=api.token("acme", OSCAR)).body
    assert (unit["version"], unit["name"]) == (2, "Plant Lyon")


def test_a_buyer_sees_addresses_but_cannot_change_them(
    api: Api, globex: Globex, people: dict[str, Any], signed_in: Callable[[str], str], table: Table
) -> None:
    # given bob, signed in
    bob = signed_in(BOB)
    before = table.writes()

    # when bob (addresses.view at Plant Lyon) replaces Lyon's addresses
    reply = api.call(
        "PUT",
        f"{UNITS}/{globex.ids['lyon']}/addresses",
        token=bob,
        body={"addresses": [address_body()], "version": 1},
    )

    # then
    assert_problem(reply, 403)
    assert table.writes() == before


def test_addresses_are_managed_with_addresses_manage_not_units_manage(
    api: Api, globex: Globex, people: dict[str, Any], invite: Invite, signed_in: Callable[[str], str]
) -> None:
    # given a custom role keeping addresses (and seeing units), held by kim at Plant Lyon
    keeper = {
        "name": "Address keeper",
        "grants": {"addresses.view": "unit", "addresses.manage": "unit", "units.view": "unit"},
    }
    role = api.call("POST", ROLES, token=api.token("acme", AVA), body=keeper).body
    kim = signed_in(invite("kim@globex.example", role["id"], "lyon")["email"])
    path = f"{UNITS}/{globex.ids['lyon']}"

    # when she replaces Lyon's addresses, and renames Lyon
    addresses = api.call(
        "PUT", f"{path}/addresses", token=kim, body={"addresses": [address_body()], "version": 1}
    )
    rename = api.call("PATCH", path, token=kim, body={"name": "Kim's plant", "version": 2})

    # then the first is hers to do, the second is not
    assert addresses.status == 200, addresses.body
    assert_problem(rename, 403)


# --- users -----------------------------------------------------------------------------------------------


def test_a_user_within_users_view_is_shown(api: Api, people: dict[str, Any]) -> None:
    # when max (users.view for Manufacturing and below) asks for bob
    reply = api.call("GET", f"{USERS}/{people[BOB]['id']}", token=api.token("acme", MAX))

    # then
    assert reply.status == 200, reply.body
    assert reply.body["email"] == BOB


def test_a_user_beyond_users_view_is_404(api: Api, people: dict[str, Any]) -> None:
    # when max asks for ava, whose home unit is the company above him
    reply = api.call("GET", f"{USERS}/{people[AVA]['id']}", token=api.token("acme", MAX))

    # then
    assert_problem(reply, 404)


def test_a_disabled_user_is_refused_at_once(
    api: Api, people: dict[str, Any], signed_in: Callable[[str], str]
) -> None:
    # given bob, signed in
    bob = signed_in(BOB)

    # when oscar disables him
    reply = api.call(
        "PATCH",
        f"{USERS}/{people[BOB]['id']}",
        token=api.token("acme", OSCAR),
        body={"disabled": True, "version": 2},
    )

    # then bob's next request is refused
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "disabled"
    assert_problem(api.call("GET", "/v1/store/me", token=bob), 403)


def test_a_user_moves_to_another_home_unit_with_new_assignments(
    api: Api, globex: Globex, people: dict[str, Any]
) -> None:
    # when oscar moves bob to Plant Ohio as a buyer there
    reply = api.call(
        "PATCH",
        f"{USERS}/{people[BOB]['id']}",
        token=api.token("acme", OSCAR),
        body={
            "unit_id": globex.ids["ohio"],
            "assignments": [{"role_id": "buyer", "unit_id": globex.ids["ohio"]}],
            "version": 1,
        },
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["unit_id"] == globex.ids["ohio"]
    me = api.call("GET", "/v1/store/me", token=api.token("acme", BOB)).body
    assert me["company_path"][-1]["id"] == globex.ids["ohio"]


Ids = dict[str, str]


def company_unit(ids: Ids) -> str:
    return f"{UNITS}/{ids['company']}"


def oscar_himself(ids: Ids) -> str:
    return f"{USERS}/{ids['oscar']}"


@pytest.mark.parametrize(
    ("email", "method", "path", "body", "detail"),
    [
        pytest.param(
            AVA,
            "PATCH",
            company_unit,
            lambda ids: {"parent_id": ids["lyon"]},
            "the company itself cannot be moved",
            id="move-the-company",
        ),
        pytest.param(
            AVA, "DELETE", company_unit, None, "the company itself cannot be deleted", id="delete-it"
        ),
        pytest.param(
            OSCAR,
            "PATCH",
            oscar_himself,
            lambda ids: {"disabled": True},
            "disable yourself",
            id="disable-oneself",
        ),
        pytest.param(
            OSCAR,
            "PATCH",
            oscar_himself,
            lambda ids: {"assignments": [{"role_id": "administrator", "unit_id": ids["company"]}]},
            "your own role assignments",
            id="re-assign-oneself",
        ),
        pytest.param(OSCAR, "DELETE", oscar_himself, None, "delete yourself", id="delete-oneself"),
    ],
)
def test_the_company_itself_and_ones_own_account_are_out_of_reach(
    api: Api,
    globex: Globex,
    people: dict[str, Any],
    table: Table,
    email: str,
    method: str,
    path: Callable[[Ids], str],
    body: Callable[[Ids], dict[str, Any]] | None,
    detail: str,
) -> None:
    # given ava (administrator of the company) and oscar (of Manufacturing), each at their versions
    ids = {**globex.ids, "oscar": people[OSCAR]["id"]}
    version = api.call("GET", path(ids), token=api.token("acme", email)).body["version"]
    before = table.writes()

    # when ava moves or deletes the company, or oscar disables, re-assigns or deletes himself
    sent = {**body(ids), "version": version} if body else None
    reply = api.call(
        method, path(ids), token=api.token("acme", email), body=sent, headers={"If-Match": f'"{version}"'}
    )

    # then it is refused, saying why
    assert detail in assert_problem(reply, 403)["detail"]
    assert table.writes() == before


def test_a_user_seen_but_not_managed_is_403(
    api: Api, people: dict[str, Any], invite: Invite, signed_in: Callable[[str], str], table: Table
) -> None:
    # given hugo: purchasing manager at Manufacturing (users.view) and administrator of Plant Lyon only
    hugo = signed_in(
        invite(
            "hugo@globex.example", "purchasing-manager", "manufacturing", also=(("administrator", "lyon"),)
        )["email"]
    )
    before = table.writes()

    # when he disables olga, at Plant Ohio
    reply = api.call(
        "PATCH", f"{USERS}/{people[OLGA]['id']}", token=hugo, body={"disabled": True, "version": 1}
    )

    # then
    assert_problem(reply, 403)
    assert table.writes() == before


def test_a_user_holding_more_than_the_caller_is_not_theirs_to_change(
    api: Api, people: dict[str, Any], invite: Invite, table: Table
) -> None:
    # given cleo, whose home unit is Plant Lyon but who administers the whole company
    cleo = invite("cleo@globex.example", "buyer", "lyon", also=(("administrator", "company"),))
    before = table.writes()

    # when oscar (administrator of Manufacturing and below) deletes her
    reply = api.call(
        "DELETE", f"{USERS}/{cleo['id']}", token=api.token("acme", OSCAR), headers={"If-Match": '"1"'}
    )

    # then
    assert "holds more than you" in assert_problem(reply, 403)["detail"]
    assert table.writes() == before


def test_an_assignment_beyond_what_the_caller_holds_is_refused(
    api: Api, globex: Globex, people: dict[str, Any], table: Table
) -> None:
    # given
    before = table.writes()

    # when oscar makes bob an administrator of the whole company
    reply = api.call(
        "PATCH",
        f"{USERS}/{people[BOB]['id']}",
        token=api.token("acme", OSCAR),
        body={"assignments": [{"role_id": "administrator", "unit_id": globex.ids["company"]}], "version": 1},
    )

    # then the company is not his to assign at
    assert error_locs(reply) == ["body.assignments[0].unit_id"]
    assert table.writes() == before


def test_a_user_is_deleted(api: Api, people: dict[str, Any]) -> None:
    # when oscar deletes olga
    oscar = api.token("acme", OSCAR)
    reply = api.call("DELETE", f"{USERS}/{people[OLGA]['id']}", token=oscar, headers={"If-Match": '"1"'})

    # then she is gone
    assert reply.status == 204, reply.body
    assert_problem(api.call("GET", f"{USERS}/{people[OLGA]['id']}", token=oscar), 404)


# --- roles -----------------------------------------------------------------------------------------------

REQUESTER = {"name": "Requester", "grants": {"catalog.view": "unit", "rfqs.view": "own"}}


@pytest.fixture
def requester(api: Api, people: dict[str, Any]) -> dict[str, Any]:
    """A custom role of Globex, made by ava."""
    reply = api.call("POST", ROLES, token=api.token("acme", AVA), body=REQUESTER)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def test_a_predefined_role_is_shown_without_a_version(api: Api, people: dict[str, Any]) -> None:
    # when
    reply = api.call("GET", f"{ROLES}/buyer", token=api.token("acme", AVA))

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["predefined"], reply.body["version"]) == (True, None)
    assert "ETag" not in reply.headers


def test_a_company_role_is_shown_with_its_version(api: Api, requester: dict[str, Any]) -> None:
    # when
    reply = api.call("GET", f"{ROLES}/{requester['id']}", token=api.token("acme", AVA))

    # then
    assert reply.status == 200, reply.body
    assert reply.body == {
        "id": requester["id"],
        "name": "Requester",
        "predefined": False,
        "grants": {"catalog.view": "unit", "rfqs.view": "own"},
        "version": 1,
    }
    assert reply.headers["ETag"] == '"1"'


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_a_predefined_role_is_neither_changed_nor_deleted(
    api: Api, people: dict[str, Any], table: Table, method: str
) -> None:
    # given
    before = table.writes()

    # when ava changes or deletes the Buyer role
    body = {"name": "Shopper", "version": 1} if method == "PATCH" else None
    reply = api.call(
        method, f"{ROLES}/buyer", token=api.token("acme", AVA), body=body, headers={"If-Match": '"1"'}
    )

    # then
    assert "copy it" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_a_predefined_role_is_copied_into_a_company_role(api: Api, people: dict[str, Any]) -> None:
    # when ava copies the Purchasing Manager role
    reply = api.call(
        "POST",
        f"{ROLES}/purchasing-manager/copies",
        token=api.token("acme", AVA),
        body={"name": "Lead buyer"},
    )

    # then the copy is a company role with the same grants, found where roles are
    assert reply.status == 201, reply.body
    assert reply.body["name"] == "Lead buyer"
    assert reply.headers["Location"] == f"{ROLES}/{reply.body['id']}"
    copy = api.call("GET", reply.headers["Location"], token=api.token("acme", AVA)).body
    original = api.call("GET", f"{ROLES}/purchasing-manager", token=api.token("acme", AVA)).body
    assert (copy["grants"], copy["predefined"]) == (original["grants"], False)


@pytest.fixture
def role_keeper(api: Api, people: dict[str, Any], invite: Invite, signed_in: Callable[[str], str]) -> str:
    """rita, who manages the company's roles (a custom role at the company) and holds nothing else."""
    keeper = {"name": "Role keeper", "grants": {"roles.manage": "subtree", "roles.view": "subtree"}}
    role = api.call("POST", ROLES, token=api.token("acme", AVA), body=keeper).body
    return signed_in(invite("rita@globex.example", role["id"], "company")["email"])


def test_a_copy_grants_nothing_beyond_what_the_caller_holds(api: Api, role_keeper: str, table: Table) -> None:
    # given
    before = table.writes()

    # when rita copies the Administrator role
    reply = api.call("POST", f"{ROLES}/administrator/copies", token=role_keeper, body={"name": "Overlord"})

    # then
    assert "you cannot hand out" in assert_problem(reply, 403)["detail"]
    assert table.writes() == before


def test_a_company_role_is_renamed(api: Api, requester: dict[str, Any]) -> None:
    # when
    reply = api.call(
        "PATCH",
        f"{ROLES}/{requester['id']}",
        token=api.token("acme", AVA),
        body={"name": "Requisitioner"},
        headers={"If-Match": '"1"'},
    )

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["name"], reply.body["version"]) == ("Requisitioner", 2)


def test_a_role_held_where_the_caller_could_not_assign_it_keeps_its_grants(
    api: Api,
    invite: Invite,
    signed_in: Callable[[str], str],
    requester: dict[str, Any],
    table: Table,
) -> None:
    # given the Requester role held by pia at Plant Lyon, and otto, administrator of Plant Ohio
    invite("pia@globex.example", requester["id"], "lyon")
    otto = signed_in(invite("otto@globex.example", "administrator", "ohio")["email"])
    before = table.writes()

    # when otto (administrator of Plant Ohio only) widens the role
    reply = api.call(
        "PATCH",
        f"{ROLES}/{requester['id']}",
        token=otto,
        body={"grants": {"catalog.view": "unit", "orders.view": "unit"}, "version": 1},
    )

    # then it would change pia's access where otto has none: refused
    assert_problem(reply, 403)
    assert table.writes() == before


def test_a_role_change_beyond_what_the_caller_holds_is_refused(
    api: Api, requester: dict[str, Any], role_keeper: str, table: Table
) -> None:
    # given
    before = table.writes()

    # when rita (roles.manage only) makes the Requester role manage users
    reply = api.call(
        "PATCH",
        f"{ROLES}/{requester['id']}",
        token=role_keeper,
        body={"grants": {"users.manage": "subtree"}, "version": 1},
    )

    # then
    assert "users.manage (subtree)" in assert_problem(reply, 403)["detail"]
    assert table.writes() == before


def test_a_role_someone_holds_is_not_deleted(
    api: Api, invite: Invite, requester: dict[str, Any], table: Table
) -> None:
    # given two users holding the Requester role
    invite("pia@globex.example", requester["id"], "lyon")
    invite("paul@globex.example", requester["id"], "ohio")
    before = table.writes()

    # when ava deletes it
    reply = api.call(
        "DELETE", f"{ROLES}/{requester['id']}", token=api.token("acme", AVA), headers={"If-Match": '"1"'}
    )

    # then
    assert "2 user(s) hold this role" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_a_role_nobody_holds_is_deleted_with_an_audited_event(
    api: Api, requester: dict[str, Any], table: Table
) -> None:
    # when ava deletes the Requester role
    reply = api.call(
        "DELETE", f"{ROLES}/{requester['id']}", token=api.token("acme", AVA), headers={"If-Match": '"1"'}
    )

    # then it is gone, and the change is recorded with her as the actor
    assert reply.status == 204, reply.body
    assert_problem(api.call("GET", f"{ROLES}/{requester['id']}", token=api.token("acme", AVA)), 404)
    event = table.events("acme")[-1]
    assert (event["type"], event["actor"]) == ("customer_role.deleted", f"customer:{AVA}")
