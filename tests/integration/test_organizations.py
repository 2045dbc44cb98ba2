"""Organizations: create, read, list, change and delete, with versions, validation and events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Api, Table
from .support import RFC3339_UTC, assert_problem, error_locs, organization_body, ulid_of

ORGANIZATIONS = "/v1/admin/organizations"

# field -> a bad value -> the error's location (every field of the create body, and its shape)
BAD_ORGANIZATION_FIELDS: list[tuple[str, Any, str]] = [
    ("name", "", "body.name"),
    ("name", "x" * 201, "body.name"),
    ("name", 1, "body.name"),
    ("name", None, "body.name"),
    ("legal_name", "", "body.legal_name"),
    ("legal_name", ["Acme"], "body.legal_name"),
    ("default_currency", "XXX", "body.default_currency"),
    ("default_currency", "EURO", "body.default_currency"),
    ("default_currency", "eur", "body.default_currency"),
    ("default_currency", "DEM", "body.default_currency"),
    ("default_locale", "xx-YY", "body.default_locale"),
    ("default_locale", "not a locale", "body.default_locale"),
    ("default_locale", 7, "body.default_locale"),
    ("timezone", "Mars/Olympus", "body.timezone"),
    ("timezone", "", "body.timezone"),
    ("prices_include_tax", "true", "body.prices_include_tax"),
    ("prices_include_tax", 1, "body.prices_include_tax"),
    ("tax_basis", "moon", "body.tax_basis"),
    ("tax_basis", "SHIPPING", "body.tax_basis"),
    ("guest_browsing", "yes", "body.guest_browsing"),
    ("guest_checkout", 0, "body.guest_checkout"),
    # fields that are not the client's to set (no mass assignment)
    ("id", "org_01J00000000000000000000000", "body.id"),
    ("version", 7, "body.version"),
    ("created_at", "2020-01-01T00:00:00.000Z", "body.created_at"),
    ("tenant_id", "nordic", "body.tenant_id"),
    ("owner", "me", "body.owner"),
]
REQUIRED_FIELDS = ["name", "legal_name", "default_currency", "default_locale"]


def test_creating_an_organization_returns_it_with_id_version_and_times(
    api: Api, make_tenant: Callable[..., str]
) -> None:
    # given
    token = make_tenant("acme")

    # when
    reply = api.call("POST", ORGANIZATIONS, token=token, body=organization_body(timezone="Europe/Vienna"))

    # then
    assert reply.status == 201, reply.body
    organization = reply.body
    assert ulid_of("org").match(organization["id"])
    assert organization["version"] == 1
    assert reply.headers["ETag"] == '"1"'
    assert RFC3339_UTC.match(organization["created_at"])
    assert organization["updated_at"] == organization["created_at"]
    assert organization["timezone"] == "Europe/Vienna"
    assert organization["prices_include_tax"] is None  # unset settings inherit from the tenant


def test_an_organization_reads_back_as_created(
    api: Api, make_tenant: Callable[..., str], make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given
    token = make_tenant("acme")
    created = make_organization(token)

    # when
    reply = api.call("GET", f"{ORGANIZATIONS}/{created['id']}", token=token)

    # then
    assert reply.status == 200
    assert reply.body == created
    assert reply.headers["ETag"] == '"1"'


@pytest.mark.parametrize(
    "organization_id", ["org_01J00000000000000000000000", "nonsense", "web_01J00000000000000000000000"]
)
def test_an_unknown_organization_is_404(
    api: Api, make_tenant: Callable[..., str], organization_id: str
) -> None:
    # given
    token = make_tenant("acme")

    # when
    reply = api.call("GET", f"{ORGANIZATIONS}/{organization_id}", token=token)

    # then
    assert_problem(reply, 404)


def test_a_website_id_is_not_an_organization(
    api: Api,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given
    token = make_tenant("acme")
    website = make_website(token, make_organization(token)["id"])

    # when
    reply = api.call("GET", f"{ORGANIZATIONS}/{website['id']}", token=token)

    # then
    assert_problem(reply, 404)


@pytest.mark.parametrize(("field", "value", "loc"), BAD_ORGANIZATION_FIELDS)
def test_a_bad_field_is_422_with_its_path_and_nothing_is_written(
    api: Api, make_tenant: Callable[..., str], table: Table, field: str, value: Any, loc: str
) -> None:
    # given
    token = make_tenant("acme")
    before = table.writes()

    # when
    reply = api.call("POST", ORGANIZATIONS, token=token, body=organization_body(**{field: value}))

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before
    assert api.call("GET", ORGANIZATIONS, token=token).body["items"] == []


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_a_missing_required_field_is_422(
    api: Api, make_tenant: Callable[..., str], table: Table, field: str
) -> None:
    # given
    token = make_tenant("acme")
    body = organization_body()
    del body[field]
    before = table.writes()

    # when
    reply = api.call("POST", ORGANIZATIONS, token=token, body=body)

    # then
    assert error_locs(reply) == [f"body.{field}"]
    assert reply.body["errors"][0]["type"] == "missing"
    assert table.writes() == before


def test_every_bad_field_is_reported_at_once(api: Api, make_tenant: Callable[..., str]) -> None:
    # given
    token = make_tenant("acme")

    # when
    reply = api.call(
        "POST", ORGANIZATIONS, token=token, body=organization_body(name="", default_currency="XXX", bogus=1)
    )

    # then
    assert sorted(error_locs(reply)) == ["body.bogus", "body.default_currency", "body.name"]


def test_changing_an_organization_bumps_its_version(
    api: Api, make_tenant: Callable[..., str], make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given
    token = make_tenant("acme")
    created = make_organization(token)

    # when
    reply = api.call(
        "PATCH",
        f"{ORGANIZATIONS}/{created['id']}",
        token=token,
        body={"name": "Acme EU"},
        headers={"If-Match": '"1"'},
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["name"] == "Acme EU"
    assert reply.body["legal_name"] == created["legal_name"]
    assert reply.body["version"] == 2
    assert reply.headers["ETag"] == '"2"'
    assert reply.body["created_at"] == created["created_at"]
    assert RFC3339_UTC.match(reply.body["updated_at"])
    assert api.call("GET", f"{ORGANIZATIONS}/{created['id']}", token=token).body == reply.body


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"name": None}, "body.name"),
        ({"default_currency": "XXX"}, "body.default_currency"),
        ({"timezone": "Nowhere/City"}, "body.timezone"),
        ({"id": "org_01J00000000000000000000000"}, "body.id"),
        ({"created_at": "2020-01-01T00:00:00.000Z"}, "body.created_at"),
        ({"version": "1"}, "body.version"),
        ({"version": 0}, "body.version"),
    ],
)
def test_a_bad_change_is_422_and_changes_nothing(
    api: Api,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    table: Table,
    patch: dict[str, Any],
    loc: str,
) -> None:
    # given
    token = make_tenant("acme")
    created = make_organization(token)
    before = table.writes()

    # when
    reply = api.call(
        "PATCH", f"{ORGANIZATIONS}/{created['id']}", token=token, body=patch, headers={"If-Match": '"1"'}
    )

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


def test_a_setting_sent_as_null_goes_back_to_inheriting(
    api: Api, make_tenant: Callable[..., str], make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given an organization with its own time zone
    token = make_tenant("acme")
    created = make_organization(token, timezone="Europe/Vienna")

    # when
    reply = api.call(
        "PATCH", f"{ORGANIZATIONS}/{created['id']}", token=token, body={"timezone": None, "version": 1}
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["timezone"] is None


def test_deleting_an_organization_removes_it(
    api: Api, make_tenant: Callable[..., str], make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given
    token = make_tenant("acme")
    created = make_organization(token)

    # when
    reply = api.call("DELETE", f"{ORGANIZATIONS}/{created['id']}", token=token, headers={"If-Match": '"1"'})

    # then
    assert reply.status == 204
    assert reply.body is None
    assert_problem(api.call("GET", f"{ORGANIZATIONS}/{created['id']}", token=token), 404)
    assert api.call("GET", ORGANIZATIONS, token=token).body["items"] == []


def test_deleting_an_organization_that_has_websites_is_409_and_changes_nothing(
    api: Api,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given an organization whose website is not the first of the tenant's websites
    token = make_tenant("acme")
    other = make_organization(token, name="Other")
    make_website(token, other["id"], hostnames=["other.acme.de"])
    organization = make_organization(token)
    make_website(token, organization["id"])
    before = table.writes()

    # when
    reply = api.call(
        "DELETE", f"{ORGANIZATIONS}/{organization['id']}", token=token, headers={"If-Match": '"1"'}
    )

    # then
    assert_problem(reply, 409)
    assert table.writes() == before


def test_an_organization_whose_websites_were_deleted_can_be_deleted(
    api: Api,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given
    token = make_tenant("acme")
    organization = make_organization(token)
    website = make_website(token, organization["id"])
    api.call("DELETE", f"/v1/admin/websites/{website['id']}", token=token, headers={"If-Match": '"1"'})

    # when
    reply = api.call(
        "DELETE", f"{ORGANIZATIONS}/{organization['id']}", token=token, headers={"If-Match": '"1"'}
    )

    # then
    assert reply.status == 204


def test_organizations_are_listed_oldest_first(
    api: Api, make_tenant: Callable[..., str], make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given
    token = make_tenant("acme")
    created = [make_organization(token, name=f"Org {number}") for number in range(3)]

    # when
    reply = api.call("GET", ORGANIZATIONS, token=token)

    # then
    assert reply.body == {"items": created, "next_cursor": None}


def test_a_default_currency_that_an_inheriting_website_does_not_offer_is_409(
    api: Api,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given a website offering only EUR that inherits its organization's default currency (EUR)
    token = make_tenant("acme")
    organization = make_organization(token)
    website = make_website(token, organization["id"], currencies=["EUR"])
    before = table.writes()

    # when the organization's default currency becomes CHF
    reply = api.call(
        "PATCH",
        f"{ORGANIZATIONS}/{organization['id']}",
        token=token,
        body={"default_currency": "CHF", "version": 1},
    )

    # then the change is refused, naming the website, and nothing changed
    problem = assert_problem(reply, 409)
    assert website["id"] in problem["detail"]
    assert table.writes() == before


def test_a_default_currency_every_inheriting_website_offers_is_accepted(
    api: Api,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given a website offering EUR and CHF that inherits its organization's default currency
    token = make_tenant("acme")
    organization = make_organization(token)
    make_website(token, organization["id"], currencies=["EUR", "CHF"])

    # when the organization's default currency becomes CHF
    reply = api.call(
        "PATCH",
        f"{ORGANIZATIONS}/{organization['id']}",
        token=token,
        body={"default_currency": "CHF", "version": 1},
    )

    # then
    assert reply.status == 200
    assert reply.body["default_currency"] == "CHF"
