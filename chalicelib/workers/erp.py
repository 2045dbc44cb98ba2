"""ERP inbound consumer: applies the messages the HTTP ingest queued (``services.erp.apply``); a
redelivery changes nothing."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.services.erp.apply import handle_message
from chalicelib.workers.consumer import handle_queue_batch


def _erp_record(record: Any) -> None:
    handle_message(json.loads(record.body))


def handle_erp_inbound(raw_event: dict[str, Any], context: Any = None) -> Any:
    return handle_queue_batch(raw_event, context, _erp_record)
