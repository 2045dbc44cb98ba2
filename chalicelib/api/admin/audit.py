"""Tenant staff: the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from chalice import Blueprint
from pydantic import Field

from chalicelib.api.parameters import ULID
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
EntityType = Annotated[str, Field(pattern="^[a-z][a-z_]{0,63}$", max_length=64)]
# A tenant's id (``acme``) or a type-prefixed ULID.
EntityId = Annotated[str, Field(pattern=f"^(?:[a-z0-9-]{{3,40}}|[a-z]{{2,5}}_{ULID})$", max_length=40)]
# ``<kind>:<email or subject>``, as Principal.actor writes it.
Actor = Annotated[str, Field(pattern="^[a-z_]{1,32}:[^\\s]{1,255}$", max_length=288)]


class AuditQuery(ListQuery):
    entity_type: EntityType | None = None
    entity_id: EntityId | None = None
    actor: Actor | None = None


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
