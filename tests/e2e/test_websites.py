"""Organizations and websites over HTTP against the local stack: audit, isolation, refusals, replays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .stack import Stack, eventually
from .support import problem, unique_hostname, website_body

pytestmark = pytest.mark.e2e


def _website_ids(stack: Stack, token: str, organization: dict[str, Any]) -> list[str]:
    listed = stack.call(
        "GET", "/v1/admin/websites", token=token, params={"organization_id": organization["id"]}
    )
    assert listed.status_code == 200, listed.text
    return [item["id"] for item in listed.json()["items"]]


def _create_with_idempotency_key(
    stack: Stack, token: str, organization: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """A website created with an Idempotency-Key: the body, the headers sent, and the response."""
    body = website_body(organization["id"])
    headers = {"Idempotency-Key": f"create-{body['hostnames'][0]}"}
    first = stack.call("POST", "/v1/admin/websites", token=token, json=body, headers=headers)
    assert first.status_code == 201, first.text
    created: dict[str, Any] = first.json()
    return body, headers, created


def test_health_is_ok(stack: Stack) -> None:
    # when
    response = stack.call("GET", "/v1/health")

    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_created_website_is_audited_within_five_seconds(
    stack: Stack, acme_admin: str, organization: dict[str, Any], audit_progress: Callable[[], object]
) -> None:
    # given an organization the tenant administrator created over HTTP

    # when
    created = stack.call(
        "POST", "/v1/admin/websites", token=acme_admin, json=website_body(organization["id"])
    )

    # then the outbox event travelled stream -> dispatcher -> audit queue -> audit consumer
    assert created.status_code == 201, created.text
    website_id = created.json()["id"]

    # (five seconds on an idle stack; in this suite, of the audit consumer's last entry for the events ahead)
    entries = eventually(
        lambda: stack.audit_of(acme_admin, website_id),
        timeout=5,
        what="the website's audit entry",
        progress=audit_progress,
    )
    assert [(e["action"], e["entity_type"], e["actor"]) for e in entries] == [
        ("created", "website", "staff:admin@acme.example")
    ]


def test_another_tenant_gets_404_for_the_website(
    stack: Stack, nordic_admin: str, website: dict[str, Any]
) -> None:
    # given a website of acme

    # when nordic's administrator asks for it by id
    response = stack.call("GET", f"/v1/admin/websites/{website['id']}", token=nordic_admin)

    # then it does not exist for them
    problem(response, 404)


def test_another_tenant_never_lists_the_website(
    stack: Stack, nordic_admin: str, website: dict[str, Any]
) -> None:
    # given a website of acme

    # when nordic's administrator lists websites
    response = stack.call("GET", "/v1/admin/websites", token=nordic_admin, params={"limit": 100})

    # then only nordic's own show up
    assert response.status_code == 200, response.text
    listed = response.json()["items"]
    assert website["id"] not in {item["id"] for item in listed}
    assert {item["name"] for item in listed} == {"Nordic Sweden"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"currencies": ["EUR", "EURO"]}, "currencies"),
        ({"locales": ["fi-FI", "not a locale"]}, "locales"),
        ({"tenant_id": "nordic"}, "tenant_id"),
        ({"active": "yes"}, "active"),
    ],
    ids=["bad-country", "bad-currency", "bad-locale", "unknown-field", "wrong-type"],
)
def test_an_invalid_change_is_refused_and_changes_nothing(
    stack: Stack, acme_admin: str, website: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    # given a website at version 1
    path = f"/v1/admin/websites/{website['id']}"

    # when
    response = stack.call("PATCH", path, token=acme_admin, json={"version": website["version"], **change})

    # then
    body = problem(response, 422)
    assert any(error["loc"].startswith(f"body.{field}") for error in body["errors"]), body
    assert stack.call("GET", path, token=acme_admin).json() == website


def test_a_stale_version_is_refused_with_the_current_one(
    stack: Stack, acme_admin: str, website: dict[str, Any]
) -> None:
    # given a website changed once since version 1 was read
    path = f"/v1/admin/websites/{website['id']}"
    renamed = stack.call("PATCH", path, token=acme_admin, json={"version": 1, "name": "Acme Suomi"})
    assert renamed.status_code == 200, renamed.text

    # when a change based on version 1 arrives
    response = stack.call("PATCH", path, token=acme_admin, json={"version": 1, "name": "Acme Finland Oy"})

    # then
    assert problem(response, 412)["current_version"] == 2
    assert stack.call("GET", path, token=acme_admin).json() == renamed.json()


def test_a_taken_hostname_is_refused(
    stack: Stack, acme_admin: str, organization: dict[str, Any], website: dict[str, Any]
) -> None:
    # given a website serving a hostname
    hostname = website["hostnames"][0]
    stack.verify_hostname(acme_admin, website["id"], hostname)

    # when another website claims it
    body = website_body(organization["id"], name="Acme Copycat", hostnames=[unique_hostname(), hostname])
    response = stack.call("POST", "/v1/admin/websites", token=acme_admin, json=body)

    # then it is refused, no website is added and the host still serves the first one
    problem(response, 409)
    assert _website_ids(stack, acme_admin, organization) == [website["id"]]
    assert stack.call("GET", f"/v1/public/websites/by-host/{hostname}").json()["id"] == website["id"]


def test_public_settings_are_served_by_host(stack: Stack, acme_admin: str, website: dict[str, Any]) -> None:
    # given a website that sets neither default currency nor locale (its organization does), serving
    # its hostname once the DNS challenge is passed
    hostname = website["hostnames"][0]
    assert stack.call("GET", f"/v1/public/websites/by-host/{hostname}").status_code == 404
    stack.verify_hostname(acme_admin, website["id"], hostname)

    # when an anonymous storefront asks by its hostname
    response = stack.call("GET", f"/v1/public/websites/by-host/{hostname}")

    # then it gets the public settings with the inherited values resolved
    assert response.status_code == 200, response.text
    public = response.json()
    assert public["id"] == website["id"]
    assert public["default_currency"] == "EUR"
    assert public["default_locale"] == "en"
    assert public["timezone"] == "Europe/Berlin"
    assert "organization_id" not in public


def test_an_idempotent_replay_returns_the_first_response_and_creates_once(
    stack: Stack, acme_admin: str, organization: dict[str, Any]
) -> None:
    # given a create sent with an Idempotency-Key
    body, headers, first = _create_with_idempotency_key(stack, acme_admin, organization)

    # when it is sent again
    replay = stack.call("POST", "/v1/admin/websites", token=acme_admin, json=body, headers=headers)

    # then
    assert (replay.status_code, replay.json()) == (201, first)
    assert _website_ids(stack, acme_admin, organization) == [first["id"]]


def test_an_idempotency_key_reused_with_another_body_is_refused(
    stack: Stack, acme_admin: str, organization: dict[str, Any]
) -> None:
    # given a create sent with an Idempotency-Key
    body, headers, first = _create_with_idempotency_key(stack, acme_admin, organization)

    # when the same key comes with another body
    other = {**body, "name": "Acme Elsewhere", "hostnames": [unique_hostname()]}
    response = stack.call("POST", "/v1/admin/websites", token=acme_admin, json=other, headers=headers)

    # then
    problem(response, 422)
    assert _website_ids(stack, acme_admin, organization) == [first["id"]]
