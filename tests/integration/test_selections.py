"""Product selections: create, read, list, change and delete; the categories and groups they name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Table, Worlds, create_selection
from .support import RFC3339_UTC, assert_problem, error_locs, ulid_of

SELECTIONS = "/v1/admin/selections"
UNKNOWN_CATEGORY = "cat_01J00000000000000000000000"
UNKNOWN_GROUP = "cgr_01J00000000000000000000000"
Make = Callable[..., dict[str, Any]]


# Every test here starts from the world this module builds once: see conftest.
pytestmark = pytest.mark.shared_account


@dataclass
class Acme:
    token: str
    organization: str
    other_organization: str
    categories: list[str]  # two categories of the organization
    other_category: str  # a category of the other organization
    group: str


@pytest.fixture
def acme(
    make_tenant: Callable[..., str],
    make_organization: Make,
    make_customer_group: Make,
    make_category: Callable[..., str],
    worlds: Worlds,
) -> Acme:
    def build() -> Acme:
        token = make_tenant("acme")
        organization = make_organization(token)["id"]
        other = make_organization(token, name="Acme Nordics")["id"]
        categories = [make_category(token, organization) for _ in range(2)]
        return Acme(
            token,
            organization,
            other,
            categories,
            make_category(token, other),
            make_customer_group(token)["id"],
        )

    return worlds.world("acme", build)


def selection_body(acme: Acme, **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Globex assortment",
        "organization_id": acme.organization,
        "mode": "include",
        "category_ids": acme.categories,
        "customer_group_ids": [acme.group],
        **overrides,
    }


def created(api: Api, acme: Acme, **overrides: Any) -> dict[str, Any]:
    body = selection_body(acme, **overrides)
    return create_selection(api, acme.token, body.pop("organization_id"), **body)


def generation(table: Table) -> tuple[int, int]:
    """The tenant's catalog generation and its item's version (which catalog changes leave alone)."""
    tenant = table.get("T#acme#TENANT", "TENANT")
    assert tenant is not None
    return int(tenant["data"].get("catalog_generation", 0)), int(tenant["version"])


def test_creating_a_selection_returns_it_and_advances_the_catalog_generation(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    before, version = generation(table)

    # when
    reply = api.call("POST", SELECTIONS, token=acme.token, body=selection_body(acme))

    # then
    assert reply.status == 201, reply.body
    selection = reply.body
    assert ulid_of("sel").match(selection["id"])
    assert {name: selection[name] for name in selection_body(acme)} == selection_body(acme)
    assert selection["version"] == 1
    assert RFC3339_UTC.match(selection["created_at"])
    assert reply.headers["Location"] == f"{SELECTIONS}/{selection['id']}"
    assert generation(table) == (before + 1, version)  # the tenant's own version is left alone


def test_a_selection_reads_back_and_is_listed_by_organization(api: Api, acme: Acme) -> None:
    # given
    include = created(api, acme)
    exclude = created(
        api, acme, organization_id=acme.other_organization, mode="exclude", category_ids=[acme.other_category]
    )

    # when
    read = api.call("GET", f"{SELECTIONS}/{include['id']}", token=acme.token)
    everything = api.call("GET", SELECTIONS, token=acme.token)
    of_other = api.call("GET", f"{SELECTIONS}?organization_id={acme.other_organization}", token=acme.token)

    # then
    assert read.body == include
    assert everything.body == {"items": [include, exclude], "next_cursor": None}
    assert of_other.body == {"items": [exclude], "next_cursor": None}


@pytest.mark.parametrize("selection_id", ["sel_01J00000000000000000000000", "nonsense", UNKNOWN_CATEGORY])
def test_an_unknown_selection_is_404(api: Api, acme: Acme, selection_id: str) -> None:
    # when / then
    assert_problem(api.call("GET", f"{SELECTIONS}/{selection_id}", token=acme.token), 404)


BAD_BODIES: list[tuple[str, Callable[[Acme], dict[str, Any]], str]] = [
    ("empty name", lambda _: {"name": ""}, "body.name"),
    ("unknown mode", lambda _: {"mode": "only"}, "body.mode"),
    (
        "not an organization id",
        lambda _: {"organization_id": "cus_01J00000000000000000000000"},
        "body.organization_id",
    ),
    ("not a category id", lambda _: {"category_ids": ["nonsense"]}, "body.category_ids[0]"),
    ("a category twice", lambda _: {"category_ids": [UNKNOWN_CATEGORY] * 2}, "body.category_ids"),
    (
        "51 categories",
        lambda _: {"category_ids": [f"cat_01J{n:023d}" for n in range(51)]},
        "body.category_ids",
    ),
    ("a group twice", lambda _: {"customer_group_ids": [UNKNOWN_GROUP] * 2}, "body.customer_group_ids"),
    ("products (named from the product)", lambda _: {"product_ids": []}, "body.product_ids"),
    (
        "an unknown category",
        lambda acme: {"category_ids": [acme.categories[0], UNKNOWN_CATEGORY]},
        "body.category_ids[1]",
    ),
    (
        "a category of another organization",
        lambda acme: {"category_ids": [acme.categories[0], acme.other_category]},
        "body.category_ids[1]",
    ),
    (
        "an unknown customer group",
        lambda _: {"customer_group_ids": [UNKNOWN_GROUP]},
        "body.customer_group_ids[0]",
    ),
    (
        "an unknown organization",
        lambda _: {"organization_id": "org_01J00000000000000000000000", "category_ids": []},
        "body.organization_id",
    ),
]


@pytest.mark.parametrize(("overrides", "loc"), [pytest.param(o, loc, id=case) for case, o, loc in BAD_BODIES])
def test_a_bad_selection_is_422_with_its_path_and_nothing_is_written(
    api: Api, acme: Acme, table: Table, overrides: Callable[[Acme], dict[str, Any]], loc: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("POST", SELECTIONS, token=acme.token, body=selection_body(acme, **overrides(acme)))

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


def test_changing_a_selection_bumps_its_version_and_the_catalog_generation(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    selection = created(api, acme)
    before, _ = generation(table)

    # when
    reply = api.call(
        "PATCH",
        f"{SELECTIONS}/{selection['id']}",
        token=acme.token,
        body={"mode": "exclude", "category_ids": acme.categories[1:], "version": 1},
    )

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["mode"], reply.body["category_ids"], reply.body["version"]) == (
        "exclude",
        acme.categories[1:],
        2,
    )
    assert api.call("GET", f"{SELECTIONS}/{selection['id']}", token=acme.token).body == reply.body
    assert generation(table)[0] == before + 1


@pytest.mark.parametrize(
    ("change", "status", "loc"),
    [
        ({"category_ids": [UNKNOWN_CATEGORY], "version": 1}, 422, "body.category_ids[0]"),
        ({"organization_id": "org_01J00000000000000000000000", "version": 1}, 422, "body.organization_id"),
        ({"name": None, "version": 1}, 422, "body.name"),
        ({"name": "Renamed", "version": 7}, 412, None),
    ],
)
def test_a_bad_change_to_a_selection_is_refused_and_changes_nothing(
    api: Api, acme: Acme, table: Table, change: dict[str, Any], status: int, loc: str | None
) -> None:
    # given
    selection = created(api, acme)
    before = table.writes()

    # when
    reply = api.call("PATCH", f"{SELECTIONS}/{selection['id']}", token=acme.token, body=change)

    # then
    body = assert_problem(reply, status)
    if loc:
        assert [error["loc"] for error in body["errors"]] == [loc]
    assert table.writes() == before


def test_deleting_a_selection_removes_it_and_advances_the_catalog_generation(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    selection = created(api, acme)
    before, _ = generation(table)

    # when
    reply = api.call(
        "DELETE", f"{SELECTIONS}/{selection['id']}", token=acme.token, headers={"If-Match": '"1"'}
    )

    # then
    assert reply.status == 204
    assert_problem(api.call("GET", f"{SELECTIONS}/{selection['id']}", token=acme.token), 404)
    assert generation(table)[0] == before + 1


def test_the_tenant_reads_and_changes_as_before_once_the_catalog_generation_advanced(
    api: Api, acme: Acme
) -> None:
    # given
    created(api, acme)
    tenant = api.call("GET", "/v1/admin/tenant", token=acme.token)

    # when
    reply = api.call(
        "PATCH",
        "/v1/admin/tenant",
        token=acme.token,
        body={"name": "Acme Group", "version": tenant.body["version"]},
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["catalog_generation"] == tenant.body["catalog_generation"] > 0
