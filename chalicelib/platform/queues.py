"""The SQS queues the code consumes, each with its dead-letter queue (one list for every deployer)."""

from __future__ import annotations

import json
from typing import Any

MAX_RECEIVES = 5
CONSUMER_QUEUES = ("audit",)


def dead_letter_name(queue_name: str) -> str:
    return f"{queue_name}-dlq"


def create_queues(sqs: Any, queue_prefix: str) -> dict[str, str]:
    """Create every consumer queue with a DLQ after ``MAX_RECEIVES`` receives; returns name -> URL."""
    urls: dict[str, str] = {}
    for consumer in CONSUMER_QUEUES:
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
