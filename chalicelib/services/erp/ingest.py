"""The HTTP ingest: check each message, record it, and queue the accepted ones for the inbound worker.

Each message is answered on its own. A message is accepted once its record says ``accepted`` and it
is on the inbound queue, stamped with the tenant and the key this request verified (only the API
may send to that queue, so the worker trusts the stamp). A message id seen before is not queued again
once its fate is known (applied, skipped_stale): it is answered with that fate; one still
``accepted`` is queued again (its first send may have been lost; the worker is idempotent by message
id), and one that ``failed`` is taken anew (the ERP fixed what failed and sends it again). A rejected
message with a usable id is recorded as ``failed`` with the reason, so every fate can be read back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import to_json

from chalicelib.domain.erp import (
    Envelope,
    IngestRequest,
    IngestResult,
    IntegrationSession,
    Message,
    MessageOutcome,
    parse_message,
    usable_message_id,
    validation_reason,
)
from chalicelib.platform.aws import queue_url, sqs_client
from chalicelib.platform.errors import Forbidden
from chalicelib.platform.queues import ERP_INBOUND
from chalicelib.platform.settings import get_settings
from chalicelib.services.context import Caller
from chalicelib.services.erp import imports
from chalicelib.store import repository
from chalicelib.store.repository import Record

MAX_QUEUED_BYTES = 262_144  # SQS's limit on one message, and on one SendMessageBatch call
SEND_BATCH_ENTRIES = 10  # SQS's limit of entries per SendMessageBatch call
NOT_QUEUED = "it could not be queued this time; send it again"


@dataclass
class _Accepted:
    index: int
    message: Message
    body: str
    record: Record
    duplicate: bool = False  # sent before
    recorded: bool = False  # its record says accepted already (a resend of one not yet applied)


def queued_body(tenant_id: str, session: IntegrationSession, envelope: dict[str, Any]) -> str:
    """What the worker reads: the message as sent, with the tenant and key this request verified."""
    stamp = {"tenant_id": tenant_id, "key_id": session.key_id, "scopes": sorted(session.scopes)}
    return json.dumps({**stamp, "message": envelope}, separators=(",", ":"))


def _checked(session: IntegrationSession, raw: dict[str, Any]) -> tuple[Message | None, str | None]:
    """The message, or why it is rejected."""
    try:
        envelope = Envelope.model_validate_json(to_json(raw))
    except ValidationError as error:
        return None, validation_reason(error)
    if envelope.type not in session.scopes:
        return None, f"this integration key may not send {envelope.type.value} messages"
    try:
        return parse_message(envelope), None
    except ValidationError as error:
        return None, validation_reason(error, "payload.")


def ingest(caller: Caller, body: IngestRequest) -> IngestResult:
    session = caller.principal.integration
    if session is None:
        raise Forbidden("this is for integration keys")
    tenant_id = caller.tenant_id
    outcomes: dict[int, MessageOutcome] = {}
    accepted: list[_Accepted] = []
    rejected_records: list[Record] = []
    ids = [usable_message_id(raw.get("id")) for raw in body.messages]
    seen = imports.known(tenant_id, sorted({message_id for message_id in ids if message_id}))
    in_request: set[str] = set()
    for index, raw in enumerate(body.messages):
        message_id = ids[index]
        message, reason = _checked(session, raw)
        if message_id is not None and message_id in in_request:
            reason = "another message of this request has the same id"
        if message is None or reason is not None:
            outcomes[index] = MessageOutcome(index=index, id=message_id, status="rejected", reason=reason)
            if message_id is not None and message_id not in seen and message_id not in in_request:
                rejected_records.append(
                    imports.import_record(
                        tenant_id,
                        message_id,
                        message_type=imports.shown_type(raw.get("type")),
                        status="failed",
                        key_id=session.key_id,
                        reason=f"rejected: {reason}",
                    )
                )
            if message_id is not None:
                in_request.add(message_id)
            continue
        in_request.add(message.id)
        previous = seen.get(message.id)
        if previous is not None and previous.data["status"] in ("applied", "skipped_stale"):
            outcomes[index] = MessageOutcome(
                index=index,
                id=message.id,
                status=previous.data["status"],
                duplicate=True,
                reason=previous.data.get("reason"),
            )
            continue
        queued = queued_body(tenant_id, session, raw)
        if (size := len(queued.encode())) > MAX_QUEUED_BYTES:
            reason = f"too large for the queue ({size} bytes, at most {MAX_QUEUED_BYTES}): split it"
            outcomes[index] = MessageOutcome(index=index, id=message.id, status="rejected", reason=reason)
            continue
        record = (
            previous
            if previous is not None and previous.data["status"] == "accepted"
            else imports.import_record(
                tenant_id,
                message.id,
                message_type=message.type.value,
                status="accepted",
                key_id=session.key_id,
                entity=message.entity,
                source_seq=message.source_seq,
                occurred_at=raw["occurred_at"],
            )
        )
        accepted.append(
            _Accepted(
                index, message, queued, record, duplicate=previous is not None, recorded=record is previous
            )
        )
    repository.put_all(rejected_records + [entry.record for entry in accepted if not entry.recorded])
    lost = _enqueue(accepted)
    if lost:
        repository.put_all(
            [imports.with_status(tenant_id, entry.record, "failed", NOT_QUEUED) for entry in lost]
        )
    for entry in accepted:
        if entry in lost:
            outcome = MessageOutcome(
                index=entry.index, id=entry.message.id, status="rejected", reason=NOT_QUEUED
            )
        else:
            outcome = MessageOutcome(
                index=entry.index, id=entry.message.id, status="accepted", duplicate=entry.duplicate
            )
        outcomes[entry.index] = outcome
    results = [outcomes[index] for index in range(len(body.messages))]
    taken = sum(1 for outcome in results if outcome.status != "rejected")
    return IngestResult(accepted=taken, rejected=len(results) - taken, results=results)


def _batches(accepted: list[_Accepted]) -> list[list[_Accepted]]:
    """Up to 10 messages a call, within SQS's limit on a call's total size."""
    batches: list[list[_Accepted]] = []
    size = 0
    for entry in accepted:
        entry_size = len(entry.body.encode())
        if not batches or len(batches[-1]) == SEND_BATCH_ENTRIES or size + entry_size > MAX_QUEUED_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(entry)
        size += entry_size
    return batches


def _enqueue(accepted: list[_Accepted]) -> list[_Accepted]:
    """Send the accepted messages to the inbound queue (SendMessageBatch); those SQS did not take."""
    if not accepted:
        return []
    url = queue_url(get_settings().queue_name(ERP_INBOUND))
    lost: list[_Accepted] = []
    for batch in _batches(accepted):
        answer = sqs_client().send_message_batch(
            QueueUrl=url,
            Entries=[
                {
                    "Id": str(position),
                    "MessageBody": entry.body,
                    "MessageAttributes": {
                        "message_type": {"DataType": "String", "StringValue": entry.message.type.value},
                        "message_id": {"DataType": "String", "StringValue": entry.message.id},
                    },
                }
                for position, entry in enumerate(batch)
            ],
        )
        lost += [batch[int(failure["Id"])] for failure in answer.get("Failed", [])]
    return lost
