"""Fan-out of outbox events to the SQS queue of each subscribed consumer."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.platform.aws import queue_url, sqs_client
from chalicelib.platform.settings import get_settings

# consumer queue (see platform.queues) -> event types it hears ("*" for all)
SUBSCRIPTIONS: dict[str, frozenset[str]] = {
    "audit": frozenset({"*"}),
    # what moves rule-based lists' prices (services.pricing.recalculation)
    "pricing": frozenset(
        {
            "price_list.prices_changed",
            "price_list.created",
            "price_list.updated",
            "product.created",
            "product.updated",
            "exchange_rates.created",
            "exchange_rates.updated",
            "tenant.updated",
        }
    ),
    # takes each placed order through its automatic steps (services.orders.transitions)
    "order-workflow": frozenset({"order.placed"}),
}


def consumers_of(event_type: str) -> list[str]:
    return sorted(name for name, types in SUBSCRIPTIONS.items() if "*" in types or event_type in types)


def dispatch(event: dict[str, Any]) -> None:
    """Send one event to every consumer queue; raises if any send fails, so the stream retries it."""
    body = json.dumps(event, separators=(",", ":"), default=str)
    settings = get_settings()
    for consumer in consumers_of(event["type"]):
        sqs_client().send_message(
            QueueUrl=queue_url(settings.queue_name(consumer)),
            MessageBody=body,
            MessageAttributes={
                "event_type": {"DataType": "String", "StringValue": event["type"]},
                "tenant_id": {"DataType": "String", "StringValue": event["tenant_id"]},
            },
        )
