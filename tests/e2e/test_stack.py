"""The stack as a whole: a message that can never succeed is dead-lettered (restarts: test_restart.py).

A message that fails for a while (a backend down) is retried over five minutes before SQS dead-letters it:
too long here; tests/integration/test_consumer_faults.py moves the clock through it instead."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from .stack import AuditQueue, eventually

pytestmark = pytest.mark.e2e

DEAD_LETTER_TIMEOUT_SECONDS = 30


def test_a_message_that_can_never_succeed_is_dead_lettered_at_once_with_its_reason(
    sqs: Any, audit_queue: AuditQueue
) -> None:
    # given a message the audit consumer can never process
    body = f"not an event {uuid4()}"

    # when it is sent to the audit queue
    sqs.send_message(QueueUrl=audit_queue.url, MessageBody=body)

    # then the consumer moves it to the DLQ on its first receive, saying why
    def dead_lettered() -> dict[str, Any] | None:
        received = sqs.receive_message(
            QueueUrl=audit_queue.dead_letters,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            VisibilityTimeout=0,  # leaves any other dead letter to whoever looks for it
            MessageAttributeNames=["All"],
        )
        return next((m for m in received.get("Messages", []) if m["Body"] == body), None)

    message = eventually(dead_lettered, timeout=DEAD_LETTER_TIMEOUT_SECONDS, what="dead-lettering")
    assert message["MessageAttributes"]["failure_reason"]["StringValue"] == (
        "bad shape: not JSON (Expecting value at line 1 column 1)"
    )
    sqs.delete_message(QueueUrl=audit_queue.dead_letters, ReceiptHandle=message["ReceiptHandle"])
