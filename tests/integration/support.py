"""Request bodies and assertions shared by the integration tests (fixtures live in conftest.py)."""

from __future__ import annotations

import re
from typing import Any

from chalicelib.api.parameters import PATH_PARAMETERS
from local.demo_taxes import demo_tax_configuration

PROBLEM_JSON = "application/problem+json"
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "errors", "current_version"}
# an order transition its status does not allow (409) names the statuses that do
PROBLEM_KEYS |= {"current_status", "allowed_from"}
PROBLEM_KEYS |= {"changes", "grand_total", "order_id"}  # checkout-changed; a checkout ordered already


def ulid_of(prefix: str) -> re.Pattern[str]:
    """A type-prefixed ULID, like ``org_01J...`` (Crockford base32, 26 characters)."""
    return re.compile(rf"^{prefix}_[0-9A-HJKMNP-TV-Z]{{26}}$")


def tenant_body(tenant_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "id": tenant_id,
        "name": tenant_id.title(),
        "settings": {"default_currency": "EUR", "default_locale": "en", "timezone": "Europe/Berlin"},
        "admin_email": f"admin@{tenant_id}.example",
        "admin_name": "Admin",
        **overrides,
    }


def organization_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Acme Europe",
        "legal_name": "Acme Europe GmbH",
        "default_currency": "EUR",
        "default_locale": "de-DE",
        **overrides,
    }


def website_body(organization_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "organization_id": organization_id,
        "name": "Acme Germany",
        "country": "DE",
        "hostnames": ["shop.acme.de"],
        "currencies": ["EUR"],
        "locales": ["de-DE", "en"],
        **overrides,
    }


def assert_problem(reply: Any, status: int) -> dict[str, Any]:
    """An RFC 9457 problem with this status and nothing a client should not see; returns its body."""
    assert reply.status == status, reply.body
    assert reply.headers.get("Content-Type") == PROBLEM_JSON, reply.headers
    body: dict[str, Any] = reply.body
    assert body["status"] == status
    assert body["type"].startswith("https://kontor.dev/problems/")
    assert body["title"]
    assert body["instance"] == f"urn:kontor:request:{reply.headers['X-Correlation-Id']}"
    assert set(body) <= PROBLEM_KEYS, set(body) - PROBLEM_KEYS
    assert "Traceback" not in str(body)
    assert 'File "' not in str(body)
    return body


def error_locs(reply: Any) -> list[str]:
    """The field paths of a 422 (``body.currencies[0]``)."""
    body = assert_problem(reply, 422)
    return [error["loc"] for error in body["errors"]]


def users_path(customer_id: str) -> str:
    """Where tenant staff manage a customer's users."""
    return f"/v1/admin/customers/{customer_id}/users"


def customer_body(**overrides: Any) -> dict[str, Any]:
    return {"name": "Globex", **overrides}


def unit_body(parent_id: str, **overrides: Any) -> dict[str, Any]:
    return {"name": "Globex Manufacturing", "kind": "division", "parent_id": parent_id, **overrides}


def address_body(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "shipping",
        "label": "Plant",
        "line1": "1 Rue de l'Usine",
        "city": "Lyon",
        "postal_code": "69001",
        "country": "FR",
        **overrides,
    }


def staff_user_body(email: str = "sam.sales@acme.example", **overrides: Any) -> dict[str, Any]:
    """A Sales Representative limited to the customers assigned to them."""
    assignment = {"role_id": "sales-representative", "assigned_customers_only": True}
    return {"email": email, "name": "Sam Sales", "assignments": [assignment], **overrides}


def staff_role_body(**overrides: Any) -> dict[str, Any]:
    return {"name": "Customer care", "permissions": ["customers.read", "customer_groups.read"], **overrides}


def well_formed_path(path: str) -> str:
    """A route's path with a well-formed value for each parameter (its declared example)."""
    return re.sub(r"{(\w+)}", lambda match: PATH_PARAMETERS[match[1]].example, path)


def attribute_body(code: str = "colour", **overrides: Any) -> dict[str, Any]:
    """An enum attribute with two options."""
    return {
        "code": code,
        "kind": "enum",
        "label": {"en": code.title()},
        "options": [{"code": "red", "label": {"en": "Red"}}, {"code": "blue", "label": {"en": "Blue"}}],
        **overrides,
    }


def product_body(organization_id: str, sku: str = "HB-M8x40", **overrides: Any) -> dict[str, Any]:
    return {"organization_id": organization_id, "sku": sku, "name": {"en": "Hex bolt M8 x 40"}, **overrides}


def tax_configuration_body(**overrides: Any) -> dict[str, Any]:
    """The demo's taxes (``local.demo_taxes``): German VAT 19/7, California with San Francisco's ZIP range."""
    return {**demo_tax_configuration(), **overrides}
