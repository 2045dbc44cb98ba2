"""Every ERP message's fate (accepted, applied, skipped_stale, failed with the reason), kept by the ERP's
own message id: what admins list and the ERP reads back."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from chalicelib.domain.base import Timestamp
from chalicelib.domain.erp import ErpImport, ImportStatus, MessageType
from chalicelib.platform.errors import NotFound
from chalicelib.platform.ids import utc_now
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services.context import Caller
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record

ERP_IMPORT_TYPE = "erp_import"
MAX_REASON_CHARACTERS = 2000
# Bounds of the imports' index sort keys (``<received>#<id>``, RFC 3339 times): below and above any.
EARLIEST, LATEST = "0000", "9999"
SHOWN_TYPE = re.compile(r"^[a-z_.]{1,40}$")  # a type the ERP sent, shown as sent if it looks like one


def _rfc3339(moment: datetime) -> str:
    from pydantic import TypeAdapter

    return str(TypeAdapter(Timestamp).dump_python(moment, mode="json"))


def shown_type(sent: Any) -> str:
    """The type a message's record shows: as sent when it reads as a type, else ``unknown``."""
    return sent if isinstance(sent, str) and SHOWN_TYPE.fullmatch(sent) else "unknown"


def import_record(
    tenant_id: str,
    message_id: str,
    *,
    message_type: str,
    status: ImportStatus,
    key_id: str,
    received_at: str | None = None,
    reason: str | None = None,
    entity: str | None = None,
    source_seq: int | None = None,
    occurred_at: str | None = None,
) -> Record:
    """A message's record, indexed by the time it was received (GSI1) and by its status (GSI2)."""
    now = _rfc3339(utc_now())
    received = received_at or now
    data = {
        "id": message_id,
        "type": message_type,
        "status": status,
        "reason": reason[:MAX_REASON_CHARACTERS] if reason else None,
        "entity": entity,
        "source_seq": source_seq,
        "occurred_at": occurred_at,
        "received_at": received,
        "updated_at": now,
        "key_id": key_id,
    }
    sort_key = f"{received}#{message_id}"
    indexes = {
        "GSI1PK": keys.erp_imports_index(tenant_id),
        "GSI1SK": sort_key,
        "GSI2PK": keys.erp_imports_index(tenant_id, status),
        "GSI2SK": sort_key,
    }
    return Record(keys.erp_import(tenant_id, message_id), ERP_IMPORT_TYPE, data, 1, indexes)


def with_status(tenant_id: str, record: Record, status: ImportStatus, reason: str | None = None) -> Record:
    """The record of the same message in another status (received as it was)."""
    data = record.data
    return import_record(
        tenant_id,
        data["id"],
        message_type=data["type"],
        status=status,
        key_id=data["key_id"],
        received_at=data["received_at"],
        reason=reason,
        entity=data.get("entity"),
        source_seq=data.get("source_seq"),
        occurred_at=data.get("occurred_at"),
    )


def known(tenant_id: str, message_ids: list[str]) -> dict[str, Record]:
    """The records of those messages already received, by message id (BatchGetItem, 100 a call)."""
    found: dict[Key, Record] = {}
    for start in range(0, len(message_ids), 100):
        chunk = message_ids[start : start + 100]
        found |= repository.get_many([keys.erp_import(tenant_id, message_id) for message_id in chunk])
    return {record.data["id"]: record for record in found.values() if record.type == ERP_IMPORT_TYPE}


def view(record: Record) -> ErpImport:
    return ErpImport.model_validate(record.data, strict=False)


def get_import(caller: Caller, message_id: str) -> ErpImport:
    """A message's fate, for the ERP: one the key sent or of a type it may read (else 404, as an unknown
    id)."""
    record = repository.get(keys.erp_import(caller.tenant_id, message_id))
    session = caller.principal.integration
    if record is None or record.type != ERP_IMPORT_TYPE or session is None:
        raise NotFound("message not found")
    readable = {scope.value for scope in session.scopes}
    if record.data["key_id"] != session.key_id and record.data["type"] not in readable:
        raise NotFound("message not found")
    return view(record)


def list_imports(
    caller: Caller,
    page: PageRequest,
    *,
    message_type: MessageType | None,
    status: ImportStatus | None,
    window: tuple[datetime | None, datetime | None],
) -> Listing[ErpImport]:
    """Newest first: by status from its own index, the type filtered there, the time window as the sort
    key's bounds (``<received>#<id>``: a record received at ``until`` sorts above ``until`` itself)."""
    since, until = (None if moment is None else _rfc3339(moment) for moment in window)
    result = repository.query(
        keys.erp_imports_index(caller.tenant_id, status),
        index="GSI2" if status else "GSI1",
        limit=page.limit,
        start_key=page.start_key(),
        newest_first=True,
        filters={"type": message_type.value} if message_type else None,
        sk_between=(since or EARLIEST, until or LATEST) if since or until else None,
    )
    return Listing[ErpImport](
        items=[view(record) for record in result.records], next_cursor=page.next_cursor(result.last_key)
    )


def reopen(queued_bodies: list[str]) -> list[str]:
    """Before queued messages are replayed (``kontor erp replay``): the records of those that ``failed``
    go back to ``accepted``, so that the worker takes them anew (it drops a message whose fate is known);
    the ids of the records reopened. A record accepted still stays so; one applied or skipped as stale
    keeps its fate (the replay finds it known and changes nothing); a body without a readable stamp has
    no record to reopen."""
    by_tenant: dict[str, list[str]] = {}
    for body in queued_bodies:
        try:
            queued = json.loads(body)
            tenant_id, message_id = queued["tenant_id"], queued["message"]["id"]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(tenant_id, str) and isinstance(message_id, str):
            by_tenant.setdefault(tenant_id, []).append(message_id)
    reopened = [
        with_status(tenant_id, record, "accepted")
        for tenant_id, message_ids in by_tenant.items()
        for record in known(tenant_id, message_ids).values()
        if record.data["status"] == "failed"
    ]
    repository.put_all(reopened)
    return [record.data["id"] for record in reopened]
