"""Request bodies and problem checks shared by the e2e tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import uuid4

import requests

PROBLEM_JSON = "application/problem+json"
EVENTS = Path(__file__).resolve().parents[2] / "events"


def sample_event(name: str) -> dict[str, Any]:
    """One of the sample Lambda events in ``events/``."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


def unique_hostname() -> str:
    """A hostname no other test (nor the demo data) holds: hostnames are unique platform-wide."""
    return f"shop-{uuid4().hex[:12]}.acme.example"


def organization_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Acme Nordics",
        "legal_name": "Acme Nordics AB",
        "default_currency": "EUR",
        "default_locale": "en",
        **overrides,
    }


def website_body(organization_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "organization_id": organization_id,
        "name": "Acme Finland",
        "country": "FI",
        "hostnames": [unique_hostname()],
        "currencies": ["EUR"],
        "locales": ["fi-FI", "en"],
        **overrides,
    }


def problem(response: requests.Response, status: int) -> dict[str, Any]:
    """The RFC 9457 problem document of a refused request, checked for its status and media type."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body
