"""Audit consumer: writes one immutable audit entry per event (idempotent by event id)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.services.audit import record_event
from chalicelib.workers.consumer import handle_queue_batch


def _audit_record(record: Any) -> None:
    record_event(json.loads(record.body))


def handle_audit(raw_event: dict[str, Any], context: Any = None) -> Any:
    return handle_queue_batch(raw_event, context, _audit_record)
