"""Audit consumer: writes one immutable audit entry per event (idempotent by event id)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.services.audit import record_event


def _audit_record(record: Any) -> None:
    record_event(json.loads(record.body))


def handle_audit(raw_event: dict[str, Any], context: Any = None) -> Any:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=raw_event, record_handler=_audit_record, processor=processor, context=context
    )
