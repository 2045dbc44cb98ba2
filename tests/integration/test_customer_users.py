"""Customer users: invitation, first sign-in binding, disabling, /v1/store/me and scoped user lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import Api, Globex, Table
from .support import assert_problem, error_locs, users_path


def test_an_invited_user_is_invited_until_they_sign_in(invite: Callable[..., dict[str, Any]]) -> None:
    # when
    user = invite("bob.buyer@globex.example", "buyer", "lyon")

    # then
    assert user["status"] == "invited"
    assert user["binding"] is None


def test_the_first_sign_in_binds_the_account_and_activates_it(
    api: Api, globex: Globex, invite: Callable[..., dict[str, Any]]
) -> None:
    # given
    user = invite("bob.buyer@globex.example", "buyer", "lyon")

    # when bob signs in for the first time
    reply = api.call("GET", "/v1/store/me", token=api.token("acme", "bob.buyer@globex.example"))

    # then he is active and bound to that sign-in
    assert reply.status == 200, reply.body
    assert reply.body["user"]["status"] == "active"
    stored = api.call("GET", f"{users_path(globex.ids['company'])}/{user['id']}", token=globex.admin).body
    assert stored["binding"]["subject"] == "dev|bob.buyer@globex.example"


def test_another_account_with_the_same_email_is_refused_after_binding(
    api: Api, invite: Callable[..., dict[str, Any]]
) -> None:
    # given bob's account bound to his first sign-in
    invite("bob.buyer@globex.example", "buyer", "lyon")
    api.call("GET", "/v1/store/me", token=api.token("acme", "bob.buyer@globex.example"))

    # when a token for the same email but another subject arrives
    token = api.token("acme", "bob.buyer@globex.example", extra_claims={"sub": "other-idp|42"})
    reply = api.call("GET", "/v1/store/me", token=token)

    # then
    assert_problem(reply, 403)


def test_a_disabled_user_is_refused_at_once(
    api: Api, globex: Globex, invite: Callable[..., dict[str, Any]]
) -> None:
    # given bob, signed in once
    user = invite("bob.buyer@globex.example", "buyer", "lyon")
    token = api.token("acme", "bob.buyer@globex.example")
    assert api.call("GET", "/v1/store/me", token=token).status == 200
    version = api.call("GET", f"{users_path(globex.ids['company'])}/{user['id']}", token=globex.admin).body[
        "version"
    ]

    # when an administrator disables him
    path = f"{users_path(globex.ids['company'])}/{user['id']}"
    assert (
        api.call("PATCH", path, token=globex.admin, body={"disabled": True, "version": version}).status == 200
    )

    # then his next request is refused
    assert_problem(api.call("GET", "/v1/store/me", token=token), 403)


def test_me_shows_the_company_path_and_effective_permissions(
    api: Api, invite: Callable[..., dict[str, Any]]
) -> None:
    # given max, purchasing manager at Globex Manufacturing
    invite("max.manager@globex.example", "purchasing-manager", "manufacturing")

    # when
    me = api.call("GET", "/v1/store/me", token=api.token("acme", "max.manager@globex.example")).body

    # then
    assert [unit["name"] for unit in me["company_path"]] == ["Globex", "Globex Manufacturing"]
    grants = {(grant["permission"], grant["scope"]) for grant in me["permissions"]}
    assert ("orders.view", "subtree") in grants
    assert ("users.view", "subtree") in grants
    assert not any(grant["permission"] == "users.manage" for grant in me["permissions"])


def test_a_purchasing_manager_sees_the_users_of_their_unit_and_below(
    api: Api, invite: Callable[..., dict[str, Any]]
) -> None:
    # given users across the tree
    invite("ava.admin@globex.example", "administrator", "company")
    invite("max.manager@globex.example", "purchasing-manager", "manufacturing")
    invite("bob.buyer@globex.example", "buyer", "lyon")
    invite("olga.buyer@globex.example", "buyer", "ohio")

    # when max lists his company's users
    reply = api.call("GET", "/v1/store/company/users", token=api.token("acme", "max.manager@globex.example"))

    # then he sees Manufacturing and the plants, not the company level above him
    assert reply.status == 200, reply.body
    assert sorted(user["email"] for user in reply.body["items"]) == [
        "bob.buyer@globex.example",
        "max.manager@globex.example",
        "olga.buyer@globex.example",
    ]


def test_a_buyer_is_refused_the_user_list(api: Api, invite: Callable[..., dict[str, Any]]) -> None:
    # given
    invite("bob.buyer@globex.example", "buyer", "lyon")

    # when
    reply = api.call("GET", "/v1/store/company/users", token=api.token("acme", "bob.buyer@globex.example"))

    # then
    assert_problem(reply, 403)


def test_customer_users_never_reach_staff_routes(api: Api, invite: Callable[..., dict[str, Any]]) -> None:
    # given an administrator of a customer company (not of the tenant)
    invite("ava.admin@globex.example", "administrator", "company")

    # when
    reply = api.call("GET", "/v1/admin/customers", token=api.token("acme", "ava.admin@globex.example"))

    # then
    assert_problem(reply, 403)


def test_staff_never_reach_storefront_routes(api: Api, globex: Globex) -> None:
    # when the tenant administrator asks for "me" on the storefront
    reply = api.call("GET", "/v1/store/me", token=globex.admin)

    # then
    assert_problem(reply, 403)


def test_an_email_is_one_account_per_tenant(api: Api, globex: Globex) -> None:
    # given the tenant administrator's email
    body = {"email": "admin@acme.example", "name": "Admin", "unit_id": globex.ids["company"]}

    # when it is invited as a customer user
    reply = api.call("POST", users_path(globex.ids["company"]), token=globex.admin, body=body)

    # then
    assert_problem(reply, 409)


def test_assignments_must_name_units_of_the_company_and_known_roles(
    api: Api, globex: Globex, make_customer: Callable[..., dict[str, Any]], table: Table
) -> None:
    # given another company's unit
    initech = make_customer(globex.admin, name="Initech")["id"]
    before = table.writes()
    body = {
        "email": "eve@globex.example",
        "name": "Eve",
        "unit_id": globex.ids["lyon"],
        "assignments": [
            {"role_id": "administrator", "unit_id": initech},
            {"role_id": "overlord", "unit_id": globex.ids["lyon"]},
        ],
    }

    # when
    reply = api.call("POST", users_path(globex.ids["company"]), token=globex.admin, body=body)

    # then
    assert_problem(reply, 422)
    assert error_locs(reply) == ["body.assignments[0].unit_id", "body.assignments[1].role_id"]
    assert table.writes() == before


def test_another_customers_user_is_404(
    api: Api,
    globex: Globex,
    invite: Callable[..., dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
) -> None:
    # given bob at Globex and another customer
    user = invite("bob.buyer@globex.example", "buyer", "lyon")
    initech = make_customer(globex.admin, name="Initech")["id"]

    # when bob is asked for under the other customer
    reply = api.call("GET", f"{users_path(initech)}/{user['id']}", token=globex.admin)

    # then
    assert_problem(reply, 404)


def test_a_unit_that_is_someones_home_unit_cannot_be_deleted(
    api: Api, globex: Globex, invite: Callable[..., dict[str, Any]], table: Table
) -> None:
    # given bob, whose home unit is Plant Lyon (a unit without sub-units)
    invite("bob.buyer@globex.example", "buyer", "lyon")
    before = table.writes()

    # when Plant Lyon is deleted
    path = f"/v1/admin/customers/{globex.ids['company']}/units/{globex.ids['lyon']}"
    reply = api.call("DELETE", path, token=globex.admin, headers={"If-Match": '"1"'})

    # then it is refused, naming why, and nothing changed
    assert "users" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_a_unit_without_users_or_sub_units_can_be_deleted(api: Api, globex: Globex) -> None:
    # when Plant Ohio (nobody's home unit) is deleted
    path = f"/v1/admin/customers/{globex.ids['company']}/units/{globex.ids['ohio']}"
    reply = api.call("DELETE", path, token=globex.admin, headers={"If-Match": '"1"'})

    # then
    assert reply.status == 204, reply.body


# --- buyer self-administration -------------------------------------------------------------------------

REQUESTER = {
    "name": "Requester",
    "grants": {"catalog.view": "unit", "rfqs.manage": "own", "rfqs.view": "own"},
}


def test_a_company_administrator_builds_a_unit_invites_a_user_and_gives_a_custom_role(
    api: Api, globex: Globex, invite: Callable[..., dict[str, Any]]
) -> None:
    # given ava, administrator of Globex
    invite("ava.admin@globex.example", "administrator", "company")
    ava = api.token("acme", "ava.admin@globex.example")

    # when she creates a team under Plant Lyon, a custom role, and invites a user there with it
    team = api.call(
        "POST",
        "/v1/store/company/units",
        token=ava,
        body={"name": "Lyon maintenance", "kind": "team", "parent_id": globex.ids["lyon"]},
    )
    role = api.call("POST", "/v1/store/company/roles", token=ava, body=REQUESTER)
    user = api.call(
        "POST",
        "/v1/store/company/users",
        token=ava,
        body={
            "email": "rita.requester@globex.example",
            "name": "Rita",
            "unit_id": team.body["id"],
            "assignments": [{"role_id": role.body["id"], "unit_id": team.body["id"]}],
        },
    )

    # then all three exist, and rita signs in holding exactly the custom role's grants
    assert (team.status, role.status, user.status) == (201, 201, 201), (team.body, role.body, user.body)
    me = api.call("GET", "/v1/store/me", token=api.token("acme", "rita.requester@globex.example")).body
    assert {(grant["permission"], grant["scope"]) for grant in me["permissions"]} == {
        ("catalog.view", "unit"),
        ("rfqs.manage", "own"),
        ("rfqs.view", "own"),
    }
    assert [unit["name"] for unit in me["company_path"]][-1] == "Lyon maintenance"


def test_a_custom_role_cannot_grant_what_its_creator_does_not_hold(
    api: Api, invite: Callable[..., dict[str, Any]], table: Table
) -> None:
    # given kim, who manages roles (a custom role) but holds no users.manage
    invite("ava.admin@globex.example", "administrator", "company")
    ava = api.token("acme", "ava.admin@globex.example")
    role_admin = {"name": "Role keeper", "grants": {"roles.manage": "subtree", "roles.view": "subtree"}}
    keeper = api.call("POST", "/v1/store/company/roles", token=ava, body=role_admin).body
    me = api.call("GET", "/v1/store/me", token=ava).body
    company = me["company_path"][0]["id"]
    api.call(
        "POST",
        "/v1/store/company/users",
        token=ava,
        body={
            "email": "kim.keeper@globex.example",
            "name": "Kim",
            "unit_id": company,
            "assignments": [{"role_id": keeper["id"], "unit_id": company}],
        },
    )

    # when kim defines a role granting users.manage, which she does not hold
    reply = api.call(
        "POST",
        "/v1/store/company/roles",
        token=api.token("acme", "kim.keeper@globex.example"),
        body={"name": "Escalation", "grants": {"users.manage": "subtree"}},
    )

    # then it is refused, naming the grant, and the company still has only the role ava made
    assert "users.manage (subtree)" in assert_problem(reply, 403)["detail"]
    assert [item["SK"] for item in table.items() if item["SK"].startswith("ROLE#")] == [
        f"ROLE#{keeper['id']}"
    ]


def test_a_purchasing_manager_cannot_hand_out_the_administrator_role(
    api: Api, globex: Globex, invite: Callable[..., dict[str, Any]]
) -> None:
    # given max, purchasing manager at Globex Manufacturing, with users.manage from a custom role
    invite("ava.admin@globex.example", "administrator", "company")
    ava = api.token("acme", "ava.admin@globex.example")
    hiring = api.call(
        "POST",
        "/v1/store/company/roles",
        token=ava,
        body={"name": "Hiring", "grants": {"users.manage": "subtree"}},
    ).body
    body = {
        "email": "max.manager@globex.example",
        "name": "Max",
        "unit_id": globex.ids["manufacturing"],
        "assignments": [
            {"role_id": "purchasing-manager", "unit_id": globex.ids["manufacturing"]},
            {"role_id": hiring["id"], "unit_id": globex.ids["manufacturing"]},
        ],
    }
    assert api.call("POST", "/v1/store/company/users", token=ava, body=body).status == 201

    # when max invites someone at Plant Lyon as an administrator
    reply = api.call(
        "POST",
        "/v1/store/company/users",
        token=api.token("acme", "max.manager@globex.example"),
        body={
            "email": "eve@globex.example",
            "name": "Eve",
            "unit_id": globex.ids["lyon"],
            "assignments": [{"role_id": "administrator", "unit_id": globex.ids["lyon"]}],
        },
    )

    # then it is refused: he does not hold what an administrator holds
    assert "you cannot hand out" in assert_problem(reply, 403)["detail"]


def test_a_buyer_cannot_create_units(api: Api, globex: Globex, invite: Callable[..., dict[str, Any]]) -> None:
    # given bob, buyer at Plant Lyon
    invite("bob.buyer@globex.example", "buyer", "lyon")

    # when he tries to create a unit under his plant
    reply = api.call(
        "POST",
        "/v1/store/company/units",
        token=api.token("acme", "bob.buyer@globex.example"),
        body={"name": "Bob's team", "kind": "team", "parent_id": globex.ids["lyon"]},
    )

    # then
    assert_problem(reply, 403)


def test_a_unit_outside_the_callers_reach_is_unknown_to_them(
    api: Api, globex: Globex, invite: Callable[..., dict[str, Any]]
) -> None:
    # given an administrator of Plant Ohio only
    invite("oscar.ohio@globex.example", "administrator", "ohio")

    # when he creates a unit under Plant Lyon
    reply = api.call(
        "POST",
        "/v1/store/company/units",
        token=api.token("acme", "oscar.ohio@globex.example"),
        body={"name": "Intrusion", "kind": "team", "parent_id": globex.ids["lyon"]},
    )

    # then Lyon does not exist for him
    assert error_locs(reply) == ["body.parent_id"]
    assert_problem(reply, 422)
