"""The stack as a whole: a message that always fails is dead-lettered (restarts: test_restart.py)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from .stack import AuditQueue, eventually

pytestmark = pytest.mark.e2e

DEAD_LETTER_TIMEOUT_SECONDS = 30


def test_a_message_that_always_fails_is_dead_lettered_after_five_receives(
    sqs: Any, audit_queue: AuditQueue
) -> None:
    # given a message the audit consumer can never process
    body = f"not an event {uuid4()}"

    # when it is sent to the audit queue
    sqs.send_message(QueueUrl=audit_queue.url, MessageBody=body)

    # then the queue's redrive policy moves it to the DLQ once the consumer failed it five times
    def dead_lettered() -> dict[str, Any] | None:
        received = sqs.receive_message(
            QueueUrl=audit_queue.dead_letters,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            VisibilityTimeout=0,  # leaves any other dead letter to whoever looks for it
            AttributeNames=["All"],
        )
        return next((m for m in received.get("Messages", []) if m["Body"] == body), None)

    message = eventually(dead_lettered, timeout=DEAD_LETTER_TIMEOUT_SECONDS, what="dead-lettering")
    assert int(message["Attributes"]["ApproximateReceiveCount"]) > 5
    sqs.delete_message(QueueUrl=audit_queue.dead_letters, ReceiptHandle=message["ReceiptHandle"])
