"""Tenant staff: integration keys for ERP systems, and the fate of every message they sent."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalice import Blueprint
from pydantic import AwareDatetime, Field

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.erp import (
    CreatedIntegrationKey,
    ErpImport,
    ImportStatus,
    IntegrationKey,
    IntegrationKeyFields,
    MessageType,
)
from chalicelib.domain.permissions import Permission
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import integrations
    from chalicelib.services.erp import imports
else:
    integrations = lazy_module("chalicelib.services.integrations")
    imports = lazy_module("chalicelib.services.erp.imports")

blueprint = Blueprint(__name__)
TAGS = ("integrations",)
KEYS = "/v1/admin/integrations"
KEY = KEYS + "/{integration_id}"


class ImportQuery(ListQuery):
    type: MessageType | None = Field(default=None, strict=False)  # the enum from its query string
    status: ImportStatus | None = None
    received_from: AwareDatetime | None = Field(default=None, strict=False, description="RFC 3339, inclusive")
    received_until: AwareDatetime | None = Field(
        default=None, strict=False, description="RFC 3339, exclusive"
    )

    def window(self) -> tuple[datetime | None, datetime | None]:
        return self.received_from, self.received_until


@route(
    blueprint,
    KEYS,
    "POST",
    permission=Permission.INTEGRATIONS_MANAGE,
    summary="Create an integration key (its secret is answered this once, and kept only as a hash)",
    tags=TAGS,
    body=IntegrationKeyFields,
    response=CreatedIntegrationKey,
    status=201,
)
def create_integration_key(request: RouteRequest) -> CreatedIntegrationKey:
    return integrations.create_key(request.caller, request.body)


@route(
    blueprint,
    KEYS,
    "GET",
    permission=Permission.INTEGRATIONS_READ,
    summary="List integration keys",
    tags=TAGS,
    query=ListQuery,
    response=Listing[IntegrationKey],
)
def list_integration_keys(request: RouteRequest) -> Listing[IntegrationKey]:
    return integrations.list_keys(request.caller, request.page())


@route(
    blueprint,
    KEY,
    "GET",
    permission=Permission.INTEGRATIONS_READ,
    summary="Get an integration key",
    tags=TAGS,
    response=IntegrationKey,
)
def get_integration_key(request: RouteRequest) -> IntegrationKey:
    return integrations.get_key(request.caller, request.params["integration_id"])


@route(
    blueprint,
    KEY + "/revocation",
    "POST",
    permission=Permission.INTEGRATIONS_MANAGE,
    summary="Revoke an integration key: refused from its next request on",
    tags=TAGS,
    response=IntegrationKey,
)
def revoke_integration_key(request: RouteRequest) -> IntegrationKey:
    return integrations.revoke_key(request.caller, request.params["integration_id"])


@route(
    blueprint,
    "/v1/admin/erp/imports",
    "GET",
    permission=Permission.INTEGRATIONS_READ,
    summary="ERP messages' fates, newest first (filters: type, status, received_from, received_until)",
    tags=TAGS,
    query=ImportQuery,
    response=Listing[ErpImport],
)
def list_erp_imports(request: RouteRequest) -> Listing[ErpImport]:
    query: ImportQuery = request.query
    return imports.list_imports(
        request.caller,
        request.page(),
        message_type=query.type,
        status=query.status,
        window=query.window(),
    )
