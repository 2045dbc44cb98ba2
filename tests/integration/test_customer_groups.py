"""Customer groups: create, read, list, change and delete, and the units that refer to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Api, Table
from .support import RFC3339_UTC, assert_problem, customer_body, error_locs, ulid_of, unit_body

GROUPS = "/v1/admin/customer-groups"
CUSTOMERS = "/v1/admin/customers"
Make = Callable[..., dict[str, Any]]
UNKNOWN_GROUP = "cgr_01J00000000000000000000000"


@pytest.fixture
def token(make_tenant: Callable[..., str]) -> str:
    return make_tenant("acme")


def test_creating_a_group_returns_it_with_id_version_and_times(api: Api, token: str) -> None:
    # when
    reply = api.call("POST", GROUPS, token=token, body={"name": "Key accounts", "description": "Top 20"})

    # then
    assert reply.status == 201, reply.body
    group = reply.body
    assert ulid_of("cgr").match(group["id"])
    assert (group["name"], group["description"], group["version"]) == ("Key accounts", "Top 20", 1)
    assert RFC3339_UTC.match(group["created_at"])
    assert reply.headers["Location"] == f"{GROUPS}/{group['id']}"


def test_a_group_reads_back_and_is_listed(api: Api, token: str, make_customer_group: Make) -> None:
    # given
    groups = [make_customer_group(token, name=name) for name in ("Key accounts", "Standard")]

    # when
    read = api.call("GET", f"{GROUPS}/{groups[0]['id']}", token=token)
    listed = api.call("GET", GROUPS, token=token)

    # then
    assert read.body == groups[0]
    assert listed.body == {"items": groups, "next_cursor": None}


@pytest.mark.parametrize("group_id", [UNKNOWN_GROUP, "nonsense", "cus_01J00000000000000000000000"])
def test_an_unknown_group_is_404(api: Api, token: str, group_id: str) -> None:
    # when / then
    assert_problem(api.call("GET", f"{GROUPS}/{group_id}", token=token), 404)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": ""}, "body.name"),
        ({"name": None}, "body.name"),
        ({"name": "x" * 201}, "body.name"),
        ({"name": "Standard", "description": ""}, "body.description"),
        ({"name": "Standard", "description": "x" * 1001}, "body.description"),
        ({"name": "Standard", "description": 1}, "body.description"),
        ({"name": "Standard", "id": UNKNOWN_GROUP}, "body.id"),
        ({"name": "Standard", "version": 1}, "body.version"),
        ({"description": "no name"}, "body.name"),
    ],
)
def test_a_bad_group_is_422_with_its_path_and_nothing_is_written(
    api: Api, token: str, table: Table, body: dict[str, Any], loc: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("POST", GROUPS, token=token, body=body)

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


def test_changing_a_group_bumps_its_version(api: Api, token: str, make_customer_group: Make) -> None:
    # given
    group = make_customer_group(token)

    # when
    reply = api.call(
        "PATCH", f"{GROUPS}/{group['id']}", token=token, body={"description": "Over 1M a year", "version": 1}
    )

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["name"], reply.body["description"], reply.body["version"]) == (
        "Key accounts",
        "Over 1M a year",
        2,
    )
    assert api.call("GET", f"{GROUPS}/{group['id']}", token=token).body == reply.body


def test_a_bad_change_to_a_group_is_422_and_changes_nothing(
    api: Api, token: str, make_customer_group: Make, table: Table
) -> None:
    # given
    group = make_customer_group(token)
    before = table.writes()

    # when
    reply = api.call("PATCH", f"{GROUPS}/{group['id']}", token=token, body={"name": None, "version": 1})

    # then
    assert error_locs(reply) == ["body.name"]
    assert table.writes() == before


def test_deleting_a_group_no_unit_belongs_to_removes_it(
    api: Api, token: str, make_customer_group: Make
) -> None:
    # given
    group = make_customer_group(token)

    # when
    reply = api.call("DELETE", f"{GROUPS}/{group['id']}", token=token, headers={"If-Match": '"1"'})

    # then
    assert reply.status == 204
    assert_problem(api.call("GET", f"{GROUPS}/{group['id']}", token=token), 404)


# --- units refer to groups ------------------------------------------------------------------------------


def test_a_customer_and_a_unit_take_an_existing_group(
    api: Api, token: str, make_customer_group: Make, make_customer: Make, make_unit: Make
) -> None:
    # given
    group = make_customer_group(token)

    # when
    company = make_customer(token, customer_group_id=group["id"])
    unit = make_unit(token, company["id"], company["id"], customer_group_id=group["id"])

    # then
    assert company["customer_group_id"] == unit["customer_group_id"] == group["id"]


@pytest.mark.parametrize("group", ["unknown", "deleted"])
def test_a_group_that_does_not_exist_is_422_and_nothing_is_written(
    api: Api, token: str, make_customer_group: Make, make_customer: Make, table: Table, group: str
) -> None:
    # given a customer, and a group id that names no group (any more)
    company = make_customer(token)
    group_id = UNKNOWN_GROUP
    if group == "deleted":
        group_id = make_customer_group(token)["id"]
        api.call("DELETE", f"{GROUPS}/{group_id}", token=token, headers={"If-Match": '"1"'})
    before = table.writes()

    # when a customer, a unit and a change name it
    replies = [
        api.call("POST", CUSTOMERS, token=token, body=customer_body(customer_group_id=group_id)),
        api.call(
            "POST",
            f"{CUSTOMERS}/{company['id']}/units",
            token=token,
            body=unit_body(company["id"], customer_group_id=group_id),
        ),
        api.call(
            "PATCH",
            f"{CUSTOMERS}/{company['id']}",
            token=token,
            body={"customer_group_id": group_id, "version": 1},
        ),
    ]

    # then each is refused at the field, and nothing changed
    assert [error_locs(reply) for reply in replies] == [["body.customer_group_id"]] * 3
    assert table.writes() == before


def test_another_tenants_group_is_422(
    api: Api, token: str, make_tenant: Callable[..., str], make_customer_group: Make
) -> None:
    # given nordic's group
    nordic_group = make_customer_group(make_tenant("nordic"))

    # when acme's customer names it
    reply = api.call("POST", CUSTOMERS, token=token, body=customer_body(customer_group_id=nordic_group["id"]))

    # then
    assert error_locs(reply) == ["body.customer_group_id"]


def test_deleting_a_group_units_belong_to_is_409_and_changes_nothing(
    api: Api, token: str, make_customer_group: Make, make_customer: Make, make_unit: Make, table: Table
) -> None:
    # given a group that only a unit deep in a customer's tree belongs to
    group = make_customer_group(token)
    company = make_customer(token)
    unit = make_unit(token, company["id"], company["id"], customer_group_id=group["id"])
    before = table.writes()

    # when
    reply = api.call("DELETE", f"{GROUPS}/{group['id']}", token=token, headers={"If-Match": '"1"'})

    # then
    assert unit["id"] in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_a_group_its_units_left_can_be_deleted(
    api: Api, token: str, make_customer_group: Make, make_customer: Make
) -> None:
    # given a customer that belonged to the group, then was moved to another
    group, other = make_customer_group(token), make_customer_group(token, name="Standard")
    company = make_customer(token, customer_group_id=group["id"])
    api.call(
        "PATCH",
        f"{CUSTOMERS}/{company['id']}",
        token=token,
        body={"customer_group_id": other["id"], "version": 1},
    )

    # when
    reply = api.call("DELETE", f"{GROUPS}/{group['id']}", token=token, headers={"If-Match": '"1"'})

    # then
    assert reply.status == 204


def test_a_group_of_a_deleted_unit_can_be_deleted(
    api: Api, token: str, make_customer_group: Make, make_customer: Make, make_unit: Make
) -> None:
    # given a group whose only unit was deleted
    group = make_customer_group(token)
    company = make_customer(token)
    unit = make_unit(token, company["id"], company["id"], customer_group_id=group["id"])
    api.call(
        "DELETE", f"{CUSTOMERS}/{company['id']}/units/{unit['id']}", token=token, headers={"If-Match": '"1"'}
    )

    # when
    reply = api.call("DELETE", f"{GROUPS}/{group['id']}", token=token, headers={"If-Match": '"1"'})

    # then
    assert reply.status == 204
