"""Platform operators: tenants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.permissions import Permission
from chalicelib.domain.tenancy import Tenant, TenantCreate, TenantStatusChange
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import tenants
else:
    tenants = lazy_module("chalicelib.services.tenants")

blueprint = Blueprint(__name__)
TAGS = ("platform",)


@route(
    blueprint,
    "/v1/platform/tenants",
    "POST",
    permission=Permission.PLATFORM_TENANTS,
    summary="Create a tenant with its first administrator",
    tags=TAGS,
    body=TenantCreate,
    response=Tenant,
    status=201,
    idempotent=True,
)
def create_tenant(request: RouteRequest) -> Tenant:
    return tenants.create_tenant(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    "/v1/platform/tenants",
    "GET",
    permission=Permission.PLATFORM_TENANTS,
    summary="List tenants",
    tags=TAGS,
    query=ListQuery,
    response=Listing[Tenant],
)
def list_tenants(request: RouteRequest) -> Listing[Tenant]:
    return tenants.list_tenants(request.page())


@route(
    blueprint,
    "/v1/platform/tenants/{tenant_id}",
    "GET",
    permission=Permission.PLATFORM_TENANTS,
    summary="Get a tenant",
    tags=TAGS,
    response=Tenant,
)
def get_tenant(request: RouteRequest) -> Tenant:
    return tenants.get_tenant(request.params["tenant_id"])


@route(
    blueprint,
    "/v1/platform/tenants/{tenant_id}",
    "PATCH",
    permission=Permission.PLATFORM_TENANTS,
    summary="Suspend or reactivate a tenant (send the version read, as If-Match or version)",
    tags=TAGS,
    body=TenantStatusChange,
    response=Tenant,
    versioned=True,
)
def change_tenant_status(request: RouteRequest) -> Tenant:
    return tenants.change_tenant_status(
        request.caller, request.params["tenant_id"], request.body, request.expected_version()
    )
