"""The stack as a whole: data survives a restart, and a message that always fails is dead-lettered."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from .stack import AuditQueue, Stack, eventually
from .support import organization_body, website_body

pytestmark = pytest.mark.e2e

DEAD_LETTER_TIMEOUT_SECONDS = 30


def test_a_website_survives_a_restart(tmp_path: Path) -> None:
    # given a website created on a stack that is then stopped with Ctrl-C
    first = Stack(tmp_path / "data")
    try:
        token = first.token("acme", "admin@acme.example")
        organization = first.call("POST", "/v1/admin/organizations", token=token, json=organization_body())
        body = website_body(organization.json()["id"])
        created = first.call("POST", "/v1/admin/websites", token=token, json=body)
        assert created.status_code == 201, created.text
    finally:
        assert first.stop() == 0, first.output()

    # when a new stack starts on the same data folder
    second = Stack(tmp_path / "data")
    try:
        response = second.call("GET", f"/v1/admin/websites/{created.json()['id']}", token=token)
    finally:
        assert second.stop() == 0, second.output()

    # then the website is still there, unchanged
    assert response.status_code == 200, response.text
    assert response.json() == created.json()


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
