"""Tenant staff: their own tenant's name and root settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.permissions import Permission
from chalicelib.domain.tenancy import Tenant, TenantPatch
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import tenants
else:
    tenants = lazy_module("chalicelib.services.tenants")

blueprint = Blueprint(__name__)
TAGS = ("tenant",)
PATH = "/v1/admin/tenant"


@route(
    blueprint,
    PATH,
    "GET",
    permission=Permission.TENANT_READ,
    summary="The caller's tenant, with the settings organizations and websites inherit",
    tags=TAGS,
    response=Tenant,
)
def get_own_tenant(request: RouteRequest) -> Tenant:
    return tenants.get_own_tenant(request.caller)


@route(
    blueprint,
    PATH,
    "PATCH",
    permission=Permission.TENANT_WRITE,
    summary="Change the caller's tenant (send the version read, as If-Match or version)",
    tags=TAGS,
    body=TenantPatch,
    response=Tenant,
    versioned=True,
)
def update_own_tenant(request: RouteRequest) -> Tenant:
    return tenants.update_own_tenant(request.caller, request.body, request.expected_version())
