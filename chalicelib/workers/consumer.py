"""The path every SQS consumer shares: Powertools' BatchProcessor around a guard of the record handler.

The guard sorts each failure (see ``chalicelib.platform.queues``):

- permanent (:class:`PermanentFailure`, or a message the handler cannot read: not JSON, a field missing
  or of the wrong type) -> the message goes to the queue's DLQ now with its reason as a message
  attribute, and counts as handled, so it is deleted from the queue;
- transient (anything else: throttling, timeouts, a backend down) -> the message is hidden for its
  retry delay (exponential in its receive count) and reported in ``batchItemFailures``; SQS
  dead-letters it after ``MAX_RECEIVES`` receives.

Each failure is logged once, with its cause and the message id, never the body.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from chalicelib.platform import queues
from chalicelib.platform.observability import logger, start_batch
from chalicelib.platform.queues import PermanentFailure

RecordHandler = Callable[[Any], None]


def handle_queue_batch(raw_event: dict[str, Any], context: Any, record_handler: RecordHandler) -> Any:
    """Run ``record_handler`` on each SQS record of a Lambda event; the partial batch failure response."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    start_batch()
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=raw_event, record_handler=_guarded(record_handler), processor=processor, context=context
    )


def permanent_reason(error: Exception) -> str | None:
    """Why a message can never succeed, or None for a failure worth retrying. Never quotes the body.

    Besides :class:`PermanentFailure`, what a handler raises when a message does not hold what it reads
    (not JSON, a model refusing it, a field missing or of another type): its shape will never change.
    """
    if isinstance(error, PermanentFailure):
        return error.reason
    if isinstance(error, json.JSONDecodeError):
        return f"bad shape: not JSON ({error.msg} at line {error.lineno} column {error.colno})"
    if isinstance(error, ValidationError):
        fields = ", ".join(
            f"{'.'.join(str(part) for part in detail['loc']) or '(root)'}: {detail['type']}"
            for detail in error.errors(include_input=False, include_url=False)
        )
        return f"bad shape: {fields}"
    if isinstance(error, KeyError):
        return f"bad shape: no field {error.args[0]!r}" if error.args else "bad shape: a field is missing"
    if isinstance(error, TypeError):
        return f"bad shape: {error}"
    return None


def failure_cause(error: Exception) -> str:
    """A transient failure in one line: the AWS error code when there is one, else the exception."""
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        return f"{type(error).__name__}: {response['Error'].get('Code', '')}"
    return f"{type(error).__name__}: {error}"


def _guarded(record_handler: RecordHandler) -> RecordHandler:
    def handle(record: Any) -> None:
        try:
            record_handler(record)
        except Exception as error:
            reason = permanent_reason(error)
            if reason is None:
                _retry_later(record, error)
                raise
            try:
                _dead_letter(record, reason)
            except Exception as sending_error:
                _retry_later(record, sending_error)
                raise

    return handle


def _retry_later(record: Any, error: Exception) -> None:
    queue_name = queues.queue_name_of(record.event_source_arn)
    receive_count = int(record.attributes.approximate_receive_count or 1)
    delay = queues.retry_delay_seconds(receive_count)
    last = receive_count >= queues.MAX_RECEIVES
    fields = {
        "queue": queue_name,
        "message_id": record.message_id,
        "receive_count": receive_count,
        "cause": failure_cause(error),
    }
    try:
        queues.hide_message(queue_name, record.receipt_handle, delay)
    except Exception as hiding_error:
        # The message comes back after the queue's visibility timeout instead.
        fields["retry_delay_not_set"] = failure_cause(hiding_error)
    else:
        fields["retry_in_seconds"] = delay
    if last:
        logger().error("message failed its last receive; SQS moves it to the dead-letter queue", extra=fields)
    else:
        logger().warning("message failed; retried later", extra=fields)


def _dead_letter(record: Any, reason: str) -> None:
    """Move a message that can never succeed to the DLQ; if that fails too, it is retried like any other."""
    queue_name = queues.queue_name_of(record.event_source_arn)
    queues.dead_letter(queue_name, record.body, _send_attributes(record.message_attributes), reason)
    logger().error(
        "message can never succeed; moved to the dead-letter queue",
        extra={"queue": queue_name, "message_id": record.message_id, "reason": reason},
    )


def _send_attributes(received: Any) -> dict[str, Any]:
    """A received record's message attributes (Lambda's spelling) in SendMessage's spelling."""
    attributes: dict[str, Any] = {}
    for name, value in (received or {}).items():
        raw = value.raw_event if hasattr(value, "raw_event") else value
        if raw.get("stringValue") is not None:
            attributes[name] = {"DataType": raw["dataType"], "StringValue": raw["stringValue"]}
        elif raw.get("binaryValue") is not None:
            binary = base64.b64decode(raw["binaryValue"])
            attributes[name] = {"DataType": raw["dataType"], "BinaryValue": binary}
    return attributes
