"""The sample Lambda events in ``events/`` fed to the app's own handlers, in this process.

The stream and SQS samples run against the local stack's table and queues (``stack_settings``), so
what a handler hands on is picked up by the stack's pollers as in AWS.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from chalice.local import LambdaContext

from .stack import AUDIT_STALL_SECONDS, Stack, eventually
from .support import sample_event

pytestmark = pytest.mark.e2e


def test_the_api_gateway_sample_gets_the_health_check(stack_settings: Stack) -> None:
    # given
    import app as kontor

    event = sample_event("api-gateway-health.json")

    # when
    response = kontor.app(event, LambdaContext("api_handler", 1024))

    # then
    assert response["statusCode"] == 200
    assert json.loads(response["body"]) == {"status": "ok"}


def test_the_stream_sample_reaches_the_audit_log(
    stack_settings: Stack, acme_admin: str, audit_progress: Callable[[], object]
) -> None:
    # given an outbox event item as the table stream delivers it
    import app as kontor

    event = sample_event("dynamodb-stream-outbox-insert.json")
    outbox_item = event["Records"][0]["dynamodb"]["NewImage"]["data"]["M"]

    # when the dispatcher handles it
    result = kontor.outbox_dispatcher(event, LambdaContext("outbox_dispatcher", 1024))

    # then it was sent to the audit queue, whose consumer (the stack's poller) wrote the entry
    assert result == {"batchItemFailures": []}
    entity_id = outbox_item["entity_id"]["S"]
    entries = eventually(
        lambda: stack_settings.audit_of(acme_admin, entity_id),
        timeout=AUDIT_STALL_SECONDS,
        what="the audit entry",
        progress=audit_progress,
    )
    assert [entry["id"] for entry in entries] == [outbox_item["id"]["S"]]


def test_the_sqs_sample_is_written_to_the_audit_log(stack_settings: Stack, acme_admin: str) -> None:
    # given an audit queue message as Lambda delivers it
    import app as kontor

    event = sample_event("sqs-audit-message.json")
    audited = json.loads(event["Records"][0]["body"])

    # when the audit consumer handles it
    result = kontor.audit_consumer(event, LambdaContext("audit_consumer", 1024))

    # then
    assert result == {"batchItemFailures": []}
    entries = stack_settings.audit_of(acme_admin, audited["entity_id"])
    assert [(entry["id"], entry["action"]) for entry in entries] == [(audited["id"], "updated")]


def test_the_order_placed_sample_is_taken_by_the_order_workflow_worker(stack_settings: Stack) -> None:
    # given an order.placed message as Lambda delivers it, of an order the stack does not hold
    import app as kontor

    event = sample_event("sqs-order-placed.json")

    # when the order workflow consumer handles it
    result = kontor.order_workflow_consumer(event, LambdaContext("order_workflow_consumer", 1024))

    # then it is done (nothing to advance), not failed
    assert result == {"batchItemFailures": []}
