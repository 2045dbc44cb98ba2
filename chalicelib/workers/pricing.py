"""Pricing consumer: recalculates rule-based lists' rows from the events that move them
(``services.pricing.recalculation``); a replay writes nothing."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.services.pricing.recalculation import handle_message
from chalicelib.workers.consumer import handle_queue_batch


def _pricing_record(record: Any) -> None:
    handle_message(json.loads(record.body))


def handle_pricing(raw_event: dict[str, Any], context: Any = None) -> Any:
    return handle_queue_batch(raw_event, context, _pricing_record)
