"""Tenant staff: the audit log."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.permissions import Permission
from chalicelib.platform.pagination import Listing
from chalicelib.services import audit

blueprint = Blueprint(__name__)


@route(
    blueprint,
    "/v1/admin/audit",
    "GET",
    permission=Permission.AUDIT_READ,
    summary="Audit entries, newest first (filters: entity_type, entity_id, actor)",
    tags=("audit",),
    query=audit.AuditQuery,
    response=Listing[AuditEntry],
)
def list_audit(request: RouteRequest) -> Listing[AuditEntry]:
    return audit.list_audit(request.caller, request.query, request.page())
