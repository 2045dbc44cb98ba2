"""Audit log: immutable entries written from outbox events, one per event id."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.audit import AuditEntry, diff
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.platform.queues import PermanentFailure
from chalicelib.services.context import Caller
from chalicelib.store import keys, repository

AUDIT_TYPE = "audit_entry"


def entry_from_event(event: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=event["id"],
        action=event["action"],
        entity_type=event["entity_type"],
        entity_id=event["entity_id"],
        actor=event["actor"],
        on_behalf_of=event.get("on_behalf_of"),
        changes=diff(event.get("before"), event.get("after")),
        occurred_at=event["occurred_at"],
        correlation_id=event.get("correlation_id"),
    )


def record_event(event: dict[str, Any]) -> bool:
    """Write the audit entry of an event; False when it was written before (a redelivery).

    An event of a tenant that does not exist would be written where nobody reads it: it is refused
    (the tenant's creation commits its item with its event, so a strongly consistent read finds it).
    """
    entry = entry_from_event(event)
    tenant_id = event["tenant_id"]
    if tenant_id != keys.PLATFORM_TENANT and repository.get(keys.tenant(tenant_id)) is None:
        raise PermanentFailure(f"unknown tenant {tenant_id!r}")
    return repository.put_if_absent(
        keys.audit_entry(tenant_id, entry.entity_id, entry.id),
        AUDIT_TYPE,
        entry.model_dump(mode="json"),
        indexes={
            "GSI1PK": keys.audit_of_tenant(tenant_id),
            "GSI1SK": entry.id,
            "GSI2PK": keys.audit_of_type(tenant_id, entry.entity_type),
            "GSI2SK": entry.id,
            "GSI3PK": keys.audit_of_actor(tenant_id, entry.actor),
            "GSI3SK": entry.id,
        },
    )


def list_audit(
    caller: Caller,
    page: PageRequest,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
) -> Listing[AuditEntry]:
    """Newest first; the most selective filter picks the partition, the others filter it."""
    tenant_id = caller.tenant_id
    filters = {
        name: value for name, value in (("entity_type", entity_type), ("actor", actor)) if value is not None
    }
    if entity_id is not None:
        partition, index = keys.audit_of_entity(tenant_id, entity_id), None
    elif actor is not None:
        partition, index = keys.audit_of_actor(tenant_id, actor), "GSI3"
        filters.pop("actor")
    elif entity_type is not None:
        partition, index = keys.audit_of_type(tenant_id, entity_type), "GSI2"
        filters.pop("entity_type")
    else:
        partition, index = keys.audit_of_tenant(tenant_id), "GSI1"
    result = repository.query(
        partition,
        index=index,
        limit=page.limit,
        start_key=page.start_key(),
        newest_first=True,
        filters=filters or None,
    )
    return Listing[AuditEntry](
        items=[AuditEntry.model_validate(record.data) for record in result.records],
        next_cursor=page.next_cursor(result.last_key),
    )
