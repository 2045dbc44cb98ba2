"""Price lists: create, read, list by organization, change and delete."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Table
from .support import RFC3339_UTC, assert_problem, error_locs, ulid_of

pytestmark = pytest.mark.shared_account

PRICE_LISTS = "/v1/admin/price-lists"
Make = Callable[..., dict[str, Any]]


@dataclass
class Acme:
    token: str
    organization: str
    other_organization: str


@pytest.fixture
def acme(make_tenant: Callable[..., str], make_organization: Make) -> Acme:
    token = make_tenant("acme")
    return Acme(token, make_organization(token)["id"], make_organization(token, name="Acme Nordics")["id"])


def price_list_body(organization_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Base EUR",
        "organization_id": organization_id,
        "currencies": ["EUR", "USD"],
        "schedules": [{"valid_from": "2026-12-01T00:00:00", "valid_until": None}],
        **overrides,
    }


def created(api: Api, acme: Acme, **overrides: Any) -> dict[str, Any]:
    body = {**price_list_body(acme.organization), **overrides}
    reply = api.call("POST", PRICE_LISTS, token=acme.token, body=body)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def test_creating_a_price_list_returns_it_with_its_defaults(api: Api, acme: Acme) -> None:
    # when
    reply = api.call("POST", PRICE_LISTS, token=acme.token, body=price_list_body(acme.organization))

    # then
    assert reply.status == 201, reply.body
    price_list = reply.body
    assert ulid_of("prl").match(price_list["id"])
    assert price_list["kind"] == "manual"
    assert price_list["active"] is True
    assert price_list["schedules"] == [{"valid_from": "2026-12-01T00:00:00", "valid_until": None}]
    assert price_list["version"] == 1
    assert RFC3339_UTC.match(price_list["created_at"])
    assert reply.headers["Location"] == f"{PRICE_LISTS}/{price_list['id']}"


def test_a_price_list_reads_back_and_is_listed_by_organization(api: Api, acme: Acme) -> None:
    # given
    base = created(api, acme)
    nordic = created(api, acme, organization_id=acme.other_organization, currencies=["SEK"])

    # when
    read = api.call("GET", f"{PRICE_LISTS}/{base['id']}", token=acme.token)
    everything = api.call("GET", PRICE_LISTS, token=acme.token)
    of_other = api.call("GET", f"{PRICE_LISTS}?organization_id={acme.other_organization}", token=acme.token)

    # then
    assert read.body == base
    assert everything.body == {"items": [base, nordic], "next_cursor": None}
    assert of_other.body == {"items": [nordic], "next_cursor": None}


def test_price_lists_are_listed_page_by_page(api: Api, acme: Acme) -> None:
    # given
    made = [created(api, acme, name=f"List {n}")["id"] for n in range(3)]
    path = f"{PRICE_LISTS}?organization_id={acme.organization}&limit=2"

    # when
    first = api.call("GET", path, token=acme.token).body
    second = api.call("GET", f"{path}&cursor={first['next_cursor']}", token=acme.token).body

    # then
    assert [item["id"] for item in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None


BAD_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("no currency", {"currencies": []}, "body.currencies"),
    ("unknown currency", {"currencies": ["XXY"]}, "body.currencies[0]"),
    ("repeated currency", {"currencies": ["EUR", "EUR"]}, "body.currencies"),
    ("unknown kind", {"kind": "formula"}, "body.kind"),
    (
        "schedule ends before it starts",
        {"schedules": [{"valid_from": "2026-12-02T00:00:00", "valid_until": "2026-12-01T00:00:00"}]},
        "body.schedules[0]",
    ),
    (
        "schedule with an offset",
        {"schedules": [{"valid_from": "2026-12-01T00:00:00+01:00"}]},
        "body.schedules[0].valid_from",
    ),
    ("unknown organization", {"organization_id": "org_01J00000000000000000000000"}, "body.organization_id"),
]


@pytest.mark.parametrize(("case", "overrides", "loc"), BAD_BODIES, ids=[case for case, _, _ in BAD_BODIES])
def test_an_invalid_price_list_is_422_on_its_field_and_writes_nothing(
    api: Api, acme: Acme, case: str, overrides: dict[str, Any], loc: str
) -> None:
    # when
    body = {**price_list_body(acme.organization), **overrides}
    reply = api.call("POST", PRICE_LISTS, token=acme.token, body=body)

    # then
    assert error_locs(reply) == [loc], case
    assert api.call("GET", PRICE_LISTS, token=acme.token).body["items"] == []


def test_a_price_list_changes_with_its_version_and_keeps_its_organization(api: Api, acme: Acme) -> None:
    # given
    price_list = created(api, acme)
    path = f"{PRICE_LISTS}/{price_list['id']}"

    # when
    changed = api.call(
        "PATCH", path, token=acme.token, body={"active": False, "schedules": []}, headers={"If-Match": '"1"'}
    )
    stale = api.call("PATCH", path, token=acme.token, body={"name": "Old"}, headers={"If-Match": '"1"'})
    moved = api.call(
        "PATCH",
        path,
        token=acme.token,
        body={"organization_id": acme.other_organization},
        headers={"If-Match": '"2"'},
    )

    # then
    assert changed.status == 200, changed.body
    assert (changed.body["active"], changed.body["schedules"], changed.body["version"]) == (False, [], 2)
    assert assert_problem(stale, 412)["current_version"] == 2
    assert error_locs(moved) == ["body.organization_id"]


def test_a_price_list_is_deleted_with_its_version(api: Api, acme: Acme) -> None:
    # given
    price_list = created(api, acme)
    path = f"{PRICE_LISTS}/{price_list['id']}"

    # when
    deleted = api.call("DELETE", path, token=acme.token, headers={"If-Match": '"1"'})

    # then
    assert deleted.status == 204
    assert_problem(api.call("GET", path, token=acme.token), 404)


def test_a_price_list_change_puts_its_event_in_the_outbox(api: Api, acme: Acme, table: Table) -> None:
    # when
    price_list = created(api, acme)

    # then
    events = [item["data"] for item in table.items() if item["type"] == "event"]
    assert [event["entity_id"] for event in events if event["type"] == "price_list.created"] == [
        price_list["id"]
    ]
