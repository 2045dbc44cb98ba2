"""The SQS queues the code consumes, each with its dead-letter queue (one list for every deployer), and
what every consumer does with a message it could not handle.

A failure is either **permanent** (the message can never succeed: a bad shape, an unknown tenant) or
**transient** (throttling, timeouts, a backend down). A permanent failure is moved to the queue's DLQ at
once with its reason; a transient one is hidden for :func:`retry_delay_seconds` of its receive count and
tried again, and SQS's redrive policy dead-letters it after ``MAX_RECEIVES`` receives.

With a 20 s base the five receives of a message happen 0, 20, 60, 140 and 300 s after its first one: an
outage shorter than 5 minutes (from the first failure) delays the message; a longer one dead-letters it
about 10 minutes after its first receive (the fifth failure hides it for another 320 s). The schedule is
the same on AWS (Lambda with partial batch failures) and in the local stack (``local.pollers``).
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.platform.aws import queue_url, sqs_client
from chalicelib.platform.settings import get_settings

MAX_RECEIVES = 5
ERP_INBOUND = "erp-inbound"  # ERP messages the HTTP ingest accepted (services.erp), stamped with their tenant
CONSUMER_QUEUES = ("audit", "pricing", "order-workflow", ERP_INBOUND)
ERP_EXPORT = "erp-export"  # order and customer events as CloudEvents: the ERP consumes it, not Kontor
EXPORT_QUEUES = (ERP_EXPORT,)  # queues the dispatcher sends to that no Kontor consumer reads

MAX_VISIBILITY_SECONDS = 12 * 3600  # SQS's limit on a message's visibility timeout
# Message attributes a dead-lettered message carries besides its own (SQS allows 10 in all).
FAILURE_REASON_ATTRIBUTE = "failure_reason"
SOURCE_QUEUE_ATTRIBUTE = "source_queue"
MAX_REASON_CHARACTERS = 1000


class PermanentFailure(Exception):
    """A message that can never succeed, whatever the retries: it goes to the DLQ at once with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def retry_delay_seconds(receive_count: int) -> int:
    """How long a message that failed on its ``receive_count``-th receive stays hidden: 20, 40, 80, 160, 320 s
    ... doubling, within SQS's 12 hours (from ``KONTOR_RETRY_BASE_SECONDS``, 20 unless set)."""
    doublings = min(max(receive_count, 1) - 1, 16)  # 20 s x 2^16 is past the limit already
    return min(get_settings().retry_base_seconds * 2**doublings, MAX_VISIBILITY_SECONDS)


def dead_letter_name(queue_name: str) -> str:
    return f"{queue_name}-dlq"


def queue_name_of(queue_arn: str) -> str:
    """``arn:aws:sqs:<region>:<account>:<name>`` -> ``<name>``."""
    return queue_arn.rsplit(":", 1)[-1]


def create_queues(sqs: Any, queue_prefix: str) -> dict[str, str]:
    """Create every consumer and export queue with a DLQ after ``MAX_RECEIVES`` receives; returns
    name -> URL."""
    urls: dict[str, str] = {}
    for consumer in (*CONSUMER_QUEUES, *EXPORT_QUEUES):
        name = f"{queue_prefix}-{consumer}"
        dlq_url = sqs.create_queue(QueueName=dead_letter_name(name))["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(MAX_RECEIVES)})
        urls[name] = sqs.create_queue(
            QueueName=name, Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": "30"}
        )["QueueUrl"]
        urls[dead_letter_name(name)] = dlq_url
    return urls


def hide_message(queue_name: str, receipt_handle: str, seconds: int) -> None:
    """Keep a received message invisible for ``seconds`` from now (its retry delay)."""
    sqs_client().change_message_visibility(
        QueueUrl=queue_url(queue_name), ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
    )


def dead_letter(queue_name: str, body: str, attributes: dict[str, Any], reason: str) -> None:
    """Send a message to the DLQ of ``queue_name`` with its attributes and the reason it can never succeed.

    ``attributes`` are SendMessage's ``MessageAttributes`` (``DataType``, ``StringValue``...).
    """
    sqs_client().send_message(
        QueueUrl=queue_url(dead_letter_name(queue_name)),
        MessageBody=body,
        MessageAttributes={
            **attributes,
            FAILURE_REASON_ATTRIBUTE: {"DataType": "String", "StringValue": reason[:MAX_REASON_CHARACTERS]},
            SOURCE_QUEUE_ATTRIBUTE: {"DataType": "String", "StringValue": queue_name},
        },
    )
