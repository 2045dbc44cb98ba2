"""Integration fixtures: the Chalice app against moto (DynamoDB + SQS), tokens from the dev issuer."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from chalicelib.platform.aws import reset_clients
from chalicelib.platform.dev_issuer import mint_token
from chalicelib.platform.queues import create_queues
from chalicelib.platform.settings import get_settings, reset_settings
from chalicelib.store.schema import create_table
from chalicelib.store.table import reset_connection

PLATFORM_OPERATOR = "operator@kontor.example"


@pytest.fixture
def aws(dev_issuer_dir: Path) -> Iterator[dict[str, str]]:
    reset_settings()
    reset_connection()
    reset_clients()
    with mock_aws():
        settings = get_settings()
        create_table(boto3.client("dynamodb", region_name=settings.aws_region), settings.table_name)
        urls = create_queues(boto3.client("sqs", region_name=settings.aws_region), settings.queue_prefix)
        from chalicelib.services.tenants import ensure_platform_operator

        ensure_platform_operator(PLATFORM_OPERATOR, "Platform Operator")
        yield urls
    reset_connection()
    reset_clients()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any


class Api:
    """chalice.test.Client with JSON in and out, and a bearer token per call."""

    def __init__(self, client: Any, token_dir: Path) -> None:
        self._client = client
        self._token_dir = token_dir

    def token(self, tenant_id: str, email: str) -> str:
        return mint_token(self._token_dir, tenant_id=tenant_id, email=email)

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        response = self._client.http.request(method, path, headers=sent, body=payload)
        text = response.body.decode() if response.body else ""
        return Reply(response.status_code, dict(response.headers), json.loads(text) if text else None)


@pytest.fixture
def api(aws: dict[str, str], dev_issuer_dir: Path) -> Iterator[Api]:
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="test") as client:
        yield Api(client, dev_issuer_dir)


@pytest.fixture
def operator_token(api: Api) -> str:
    return api.token("platform", PLATFORM_OPERATOR)


def tenant_body(tenant_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "id": tenant_id,
        "name": tenant_id.title(),
        "settings": {"default_currency": "EUR", "default_locale": "en", "timezone": "Europe/Berlin"},
        "admin_email": f"admin@{tenant_id}.example",
        "admin_name": "Admin",
        **overrides,
    }


@pytest.fixture
def make_tenant(api: Api, operator_token: str) -> Callable[[str], str]:
    """Create a tenant through the platform API; returns its administrator's token."""

    def make(tenant_id: str) -> str:
        reply = api.call("POST", "/v1/platform/tenants", token=operator_token, body=tenant_body(tenant_id))
        assert reply.status == 201, reply.body
        return api.token(tenant_id, f"admin@{tenant_id}.example")

    return make


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


@pytest.fixture
def make_organization(api: Api) -> Callable[..., dict[str, Any]]:
    def make(token: str, **overrides: Any) -> dict[str, Any]:
        reply = api.call("POST", "/v1/admin/organizations", token=token, body=organization_body(**overrides))
        assert reply.status == 201, reply.body
        return dict(reply.body)

    return make


@pytest.fixture
def make_website(api: Api) -> Callable[..., dict[str, Any]]:
    def make(token: str, organization_id: str, **overrides: Any) -> dict[str, Any]:
        reply = api.call(
            "POST", "/v1/admin/websites", token=token, body=website_body(organization_id, **overrides)
        )
        assert reply.status == 201, reply.body
        return dict(reply.body)

    return make
