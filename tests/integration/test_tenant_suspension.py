"""Platform operators suspend and reactivate tenants: a suspended tenant's users and websites are refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Api, Table
from .support import assert_problem, error_locs

TENANTS = "/v1/platform/tenants"


@pytest.fixture
def acme(make_tenant: Callable[..., str]) -> str:
    """acme's administrator's token."""
    return make_tenant("acme")


def change_status(api: Api, token: str, tenant_id: str, status: str, version: int) -> Any:
    return api.call(
        "PATCH",
        f"{TENANTS}/{tenant_id}",
        token=token,
        body={"status": status},
        headers={"If-Match": f'"{version}"'},
    )


def test_an_operator_suspends_a_tenant(api: Api, operator_token: str, acme: str) -> None:
    # when
    reply = change_status(api, operator_token, "acme", "suspended", 1)

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["status"], reply.body["version"]) == ("suspended", 2)
    assert reply.headers["ETag"] == '"2"'
    assert api.call("GET", f"{TENANTS}/acme", token=operator_token).body["status"] == "suspended"


def test_a_suspended_tenants_staff_is_refused_with_a_clear_problem(
    api: Api, operator_token: str, acme: str
) -> None:
    # given
    change_status(api, operator_token, "acme", "suspended", 1)

    # when
    reply = api.call("GET", "/v1/admin/organizations", token=acme)

    # then
    body = assert_problem(reply, 403)
    assert body["type"].endswith("/tenant-suspended")
    assert "suspended" in body["detail"]


def test_a_suspended_tenants_customer_users_are_refused(
    api: Api,
    operator_token: str,
    acme: str,
    make_customer: Callable[..., dict[str, Any]],
    make_customer_user: Callable[..., dict[str, Any]],
) -> None:
    # given a buyer of acme's customer, then acme suspended
    company = make_customer(acme)["id"]
    make_customer_user(acme, company, company)
    change_status(api, operator_token, "acme", "suspended", 1)

    # when
    reply = api.call("GET", "/v1/store/me", token=api.token("acme", "bob.buyer@globex.example"))

    # then
    assert assert_problem(reply, 403)["type"].endswith("/tenant-suspended")


def test_a_suspended_tenants_websites_are_not_served(
    api: Api,
    operator_token: str,
    acme: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> None:
    # given a website serving shop.acme.de, then acme suspended
    website = make_website(acme, make_organization(acme)["id"])
    verify_hostname(acme, website["id"], "shop.acme.de")
    change_status(api, operator_token, "acme", "suspended", 1)

    # when
    reply = api.call("GET", "/v1/public/websites/by-host/shop.acme.de")

    # then
    assert_problem(reply, 404)


def test_a_reactivated_tenant_is_served_again(
    api: Api,
    operator_token: str,
    acme: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> None:
    # given
    website = make_website(acme, make_organization(acme)["id"])
    verify_hostname(acme, website["id"], "shop.acme.de")
    change_status(api, operator_token, "acme", "suspended", 1)

    # when
    reply = change_status(api, operator_token, "acme", "active", 2)

    # then
    assert (reply.status, reply.body["status"]) == (200, "active")
    assert api.call("GET", "/v1/admin/organizations", token=acme).status == 200
    assert api.call("GET", "/v1/public/websites/by-host/shop.acme.de").status == 200


def test_other_tenants_are_not_affected(
    api: Api, operator_token: str, acme: str, make_tenant: Callable[..., str]
) -> None:
    # given
    nordic = make_tenant("nordic")

    # when
    change_status(api, operator_token, "acme", "suspended", 1)

    # then
    assert api.call("GET", "/v1/admin/organizations", token=nordic).status == 200


def test_a_suspension_is_audited_in_the_tenants_own_log(
    api: Api, operator_token: str, acme: str, table: Table
) -> None:
    # when
    change_status(api, operator_token, "acme", "suspended", 1)

    # then
    event = table.events("acme")[-1]
    assert (event["type"], event["entity_id"]) == ("tenant.updated", "acme")
    assert event["actor"] == "platform_operator:operator@kontor.example"
    assert (event["before"]["status"], event["after"]["status"]) == ("active", "suspended")


def test_a_suspended_tenant_stays_in_the_platforms_list(api: Api, operator_token: str, acme: str) -> None:
    # given
    change_status(api, operator_token, "acme", "suspended", 1)

    # when
    listed = api.call("GET", TENANTS, token=operator_token)

    # then
    assert [(tenant["id"], tenant["status"]) for tenant in listed.body["items"]] == [("acme", "suspended")]


def test_a_tenant_changed_by_its_administrator_stays_in_the_platforms_list(
    api: Api, operator_token: str, acme: str
) -> None:
    # given
    api.call("PATCH", "/v1/admin/tenant", token=acme, body={"name": "Acme Group", "version": 1})

    # when
    listed = api.call("GET", TENANTS, token=operator_token)

    # then
    assert [tenant["name"] for tenant in listed.body["items"]] == ["Acme Group"]


def test_a_stale_status_change_is_412_and_changes_nothing(
    api: Api, operator_token: str, acme: str, table: Table
) -> None:
    # given
    change_status(api, operator_token, "acme", "suspended", 1)
    before = table.writes()

    # when
    reply = change_status(api, operator_token, "acme", "active", 1)

    # then
    assert assert_problem(reply, 412)["current_version"] == 2
    assert table.writes() == before


def test_a_status_change_without_a_version_is_428(api: Api, operator_token: str, acme: str) -> None:
    # when
    reply = api.call("PATCH", f"{TENANTS}/acme", token=operator_token, body={"status": "suspended"})

    # then
    assert_problem(reply, 428)


@pytest.mark.parametrize("body", [{"status": "deleted"}, {"status": "suspended", "name": "Acme"}, {}])
def test_a_bad_status_change_is_422(api: Api, operator_token: str, acme: str, body: dict[str, Any]) -> None:
    # when
    reply = api.call("PATCH", f"{TENANTS}/acme", token=operator_token, body=body, headers={"If-Match": '"1"'})

    # then
    assert error_locs(reply)


def test_a_tenant_administrator_cannot_suspend_tenants(
    api: Api, acme: str, make_tenant: Callable[..., str]
) -> None:
    # given
    make_tenant("nordic")

    # when
    reply = change_status(api, acme, "nordic", "suspended", 1)

    # then
    assert_problem(reply, 403)


def test_suspending_an_unknown_tenant_is_404(api: Api, operator_token: str) -> None:
    # when
    reply = change_status(api, operator_token, "ghost", "suspended", 1)

    # then
    assert_problem(reply, 404)
