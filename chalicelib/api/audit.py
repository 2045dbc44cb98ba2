"""Tenant staff: the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.permissions import Permission
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import audit
else:
    audit = lazy_module("chalicelib.services.audit")

blueprint = Blueprint(__name__)
Filter = Annotated[str, Field(min_length=1, max_length=256)]


class AuditQuery(ListQuery):
    entity_type: Filter | None = None
    entity_id: Filter | None = None
    actor: Filter | None = None


@route(
    blueprint,
    "/v1/admin/audit",
    "GET",
    permission=Permission.AUDIT_READ,
    summary="Audit entries, newest first (filters: entity_type, entity_id, actor)",
    tags=("audit",),
    query=AuditQuery,
    response=Listing[AuditEntry],
)
def list_audit(request: RouteRequest) -> Listing[AuditEntry]:
    query: AuditQuery = request.query
    return audit.list_audit(
        request.caller,
        request.page(),
        entity_type=query.entity_type,
        entity_id=query.entity_id,
        actor=query.actor,
    )
