"""Order workflow consumer: takes each placed order through its automatic steps — the tenant's checks,
then ``confirm`` or ``hold`` (``services.orders.transitions.advance_placed``). A replayed
``order.placed`` finds the order past ``pending`` and writes nothing."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.services.orders.transitions import advance_placed
from chalicelib.workers.consumer import handle_queue_batch


def _order_record(record: Any) -> None:
    advance_placed(json.loads(record.body))


def handle_order_workflow(raw_event: dict[str, Any], context: Any = None) -> Any:
    return handle_queue_batch(raw_event, context, _order_record)
