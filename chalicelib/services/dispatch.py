"""Fan-out of outbox events to the SQS queue of each subscribed consumer."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalicelib.platform.aws import queue_url, sqs_client
from chalicelib.platform.queues import ERP_EXPORT
from chalicelib.platform.settings import get_settings
from chalicelib.services.erp.export import export_documents

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


# export queue (see platform.queues.EXPORT_QUEUES) -> the messages an event becomes there (none: not
# heard). The queue is a contract with a system outside Kontor: it gets a form of its own (CloudEvents),
# not the outbox event.
EXPORTS: dict[str, Callable[[dict[str, Any]], list[dict[str, Any]]]] = {ERP_EXPORT: export_documents}


def consumers_of(event_type: str) -> list[str]:
    return sorted(name for name, types in SUBSCRIPTIONS.items() if "*" in types or event_type in types)


def dispatch(event: dict[str, Any]) -> None:
    """Send one event to every consumer queue and its messages to every export queue; raises if any
    send fails, so the stream retries it."""
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
    for export, documents_of in EXPORTS.items():
        for document in documents_of(event):
            sqs_client().send_message(
                QueueUrl=queue_url(settings.queue_name(export)),
                MessageBody=json.dumps(document, separators=(",", ":")),
                MessageAttributes={
                    "content_type": {"DataType": "String", "StringValue": "application/cloudevents+json"},
                    "event_type": {"DataType": "String", "StringValue": document["type"]},
                    "tenant_id": {"DataType": "String", "StringValue": event["tenant_id"]},
                },
            )
