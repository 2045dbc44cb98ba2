"""Platform operators create tenants, each with its first administrator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Api, Table
from .support import RFC3339_UTC, assert_problem, error_locs, tenant_body


def test_an_operator_creates_a_tenant(api: Api, operator_token: str) -> None:
    # when
    reply = api.call("POST", "/v1/platform/tenants", token=operator_token, body=tenant_body("acme"))

    # then
    assert reply.status == 201, reply.body
    assert reply.headers["ETag"] == '"1"'
    tenant = reply.body
    assert tenant["id"] == "acme"
    assert tenant["version"] == 1
    assert tenant["status"] == "active"
    assert tenant["settings"] == {
        "default_currency": "EUR",
        "default_locale": "en",
        "timezone": "Europe/Berlin",
        "prices_include_tax": False,
        "tax_basis": "shipping",
        "guest_browsing": False,
        "guest_checkout": False,
        "rounding_mode": "half_up",
        "tax_rounding": "per_line",
        "order_numbers": {"prefix": "", "padding": 6},
        "order_checks": {
            "review_above": {},
            "accounts_on_hold": [],
            "hold_prepayment": False,
            "min_lead_days": None,
        },
    }
    assert RFC3339_UTC.match(tenant["created_at"])
    assert tenant["updated_at"] == tenant["created_at"]


def test_the_new_tenants_administrator_can_sign_in(api: Api, operator_token: str) -> None:
    # given
    api.call("POST", "/v1/platform/tenants", token=operator_token, body=tenant_body("acme"))

    # when
    reply = api.call("GET", "/v1/admin/organizations", token=api.token("acme", "Admin@Acme.example"))

    # then
    assert reply.status == 200


def test_creating_a_tenant_writes_the_tenant_its_administrator_and_one_event(
    api: Api, operator_token: str, table: Table
) -> None:
    # when
    api.call("POST", "/v1/platform/tenants", token=operator_token, body=tenant_body("acme"))

    # then
    assert table.get("T#acme#TENANT", "TENANT") is not None
    administrator = table.get("T#acme#STAFF", "admin@acme.example")
    assert administrator is not None
    assert administrator["data"]["assignments"] == [
        {"role_id": "tenant-administrator", "organization_ids": None, "assigned_customers_only": False}
    ]
    [event] = table.events("acme")
    assert event["type"] == "tenant.created"
    assert event["entity_id"] == "acme"
    assert event["actor"] == "platform_operator:operator@kontor.example"


def test_an_operator_reads_and_lists_tenants(
    api: Api, operator_token: str, make_tenant: Callable[..., str]
) -> None:
    # given
    make_tenant("acme")
    make_tenant("nordic")

    # when
    listed = api.call("GET", "/v1/platform/tenants", token=operator_token)
    read = api.call("GET", "/v1/platform/tenants/nordic", token=operator_token)

    # then
    assert [tenant["id"] for tenant in listed.body["items"]] == ["acme", "nordic"]
    assert read.status == 200
    assert read.body["name"] == "Nordic"


def test_an_unknown_tenant_is_404(api: Api, operator_token: str) -> None:
    # when
    reply = api.call("GET", "/v1/platform/tenants/ghost", token=operator_token)

    # then
    assert_problem(reply, 404)


@pytest.mark.parametrize("tenant_id", ["platform", "admin", "public", "www", "api"])
def test_a_reserved_tenant_id_is_422(api: Api, operator_token: str, table: Table, tenant_id: str) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("POST", "/v1/platform/tenants", token=operator_token, body=tenant_body(tenant_id))

    # then
    assert error_locs(reply) == ["body.id"]
    assert table.writes() == before


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"id": "ab"}, "body.id"),
        ({"id": "Acme"}, "body.id"),
        ({"id": "acme_eu"}, "body.id"),
        ({"id": "a" * 41}, "body.id"),
        ({"name": ""}, "body.name"),
        ({"admin_email": "not-an-email"}, "body.admin_email"),
        ({"admin_name": 7}, "body.admin_name"),
        ({"settings": {"default_locale": "en"}}, "body.settings.default_currency"),
        (
            {"settings": {"default_currency": "EURO", "default_locale": "en"}},
            "body.settings.default_currency",
        ),
        ({"settings": {"default_currency": "DEM", "default_locale": "en"}}, "body.settings.default_currency"),
        (
            {"settings": {"default_currency": "EUR", "default_locale": "xx-YY"}},
            "body.settings.default_locale",
        ),
        (
            {"settings": {"default_currency": "EUR", "default_locale": "en", "timezone": "Mars/Olympus"}},
            "body.settings.timezone",
        ),
        (
            {"settings": {"default_currency": "EUR", "default_locale": "en", "tax_basis": "moon"}},
            "body.settings.tax_basis",
        ),
        ({"status": "active"}, "body.status"),
    ],
)
def test_an_invalid_tenant_is_422_with_the_field_path(
    api: Api, operator_token: str, table: Table, overrides: dict[str, Any], loc: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call(
        "POST", "/v1/platform/tenants", token=operator_token, body=tenant_body("acme", **overrides)
    )

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


def test_a_duplicate_tenant_id_is_409_and_changes_nothing(
    api: Api, operator_token: str, make_tenant: Callable[..., str], table: Table
) -> None:
    # given
    make_tenant("acme")
    before = table.writes()

    # when another operator request takes the same id with another administrator
    body = tenant_body("acme", name="Impostor", admin_email="impostor@evil.example")
    reply = api.call("POST", "/v1/platform/tenants", token=operator_token, body=body)

    # then
    assert_problem(reply, 409)
    assert table.writes() == before


TENANT = "/v1/admin/tenant"


def test_a_tenant_administrator_reads_their_own_tenant(api: Api, make_tenant: Callable[..., str]) -> None:
    # given two tenants
    acme = make_tenant("acme")
    make_tenant("nordic")

    # when acme's administrator reads "their tenant"
    reply = api.call("GET", TENANT, token=acme)

    # then it is acme, never another
    assert reply.status == 200
    assert reply.body["id"] == "acme"
    assert reply.headers["ETag"] == '"1"'


def test_a_tenant_setting_change_is_inherited_by_websites(
    api: Api,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given a website inheriting its time zone from the tenant
    token = make_tenant("acme")
    website = make_website(token, make_organization(token)["id"])
    settings = api.call("GET", TENANT, token=token).body["settings"]

    # when the tenant's time zone changes
    reply = api.call(
        "PATCH",
        TENANT,
        token=token,
        body={"settings": {**settings, "timezone": "Europe/Paris"}, "version": 1},
    )

    # then the website's effective time zone is the new one, from the tenant
    assert reply.status == 200, reply.body
    assert reply.body["version"] == 2
    effective = api.call("GET", f"/v1/admin/websites/{website['id']}/effective-settings", token=token).body
    assert effective["settings"]["timezone"] == {"value": "Europe/Paris", "source": "tenant"}


def test_a_stale_tenant_change_is_412_and_changes_nothing(
    api: Api, make_tenant: Callable[..., str], table: Table
) -> None:
    # given a tenant already changed once
    token = make_tenant("acme")
    api.call("PATCH", TENANT, token=token, body={"name": "Acme Group", "version": 1})
    before = table.writes()

    # when a change is sent with the old version
    reply = api.call("PATCH", TENANT, token=token, body={"name": "Acme Inc", "version": 1})

    # then
    assert assert_problem(reply, 412)["current_version"] == 2
    assert table.writes() == before


def test_a_bad_tenant_setting_is_422_with_its_path(api: Api, make_tenant: Callable[..., str]) -> None:
    # given
    token = make_tenant("acme")
    settings = api.call("GET", TENANT, token=token).body["settings"]

    # when
    reply = api.call(
        "PATCH", TENANT, token=token, body={"settings": {**settings, "default_currency": "XYZ"}, "version": 1}
    )

    # then
    assert_problem(reply, 422)
    assert error_locs(reply) == ["body.settings.default_currency"]
