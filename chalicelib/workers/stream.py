"""Table stream -> outbox dispatcher: each new event item goes to its consumers' queues.

Records that fail are reported as ``batchItemFailures`` (by sequence number) so Lambda retries
from the first failed record, never skipping one.
"""

from __future__ import annotations

from typing import Any

from chalicelib.platform.observability import logger
from chalicelib.services.dispatch import dispatch
from chalicelib.services.outbox import EVENT_TYPE
from chalicelib.workers.consumer import failure_cause


def _dispatch_record(record: Any) -> None:
    """Dispatch outbox event inserts; every other change on the table is not this consumer's."""
    raw_image = record.raw_event.get("dynamodb", {}).get("NewImage", {})
    if record.event_name.name != "INSERT" or raw_image.get("type", {}).get("S") != EVENT_TYPE:
        return
    try:
        dispatch(record.dynamodb.new_image["data"])
    except Exception as error:
        # Logged once here, with its cause (never the event): the shard retries from this record.
        logger().warning(
            "stream record not dispatched; its shard retries from it",
            extra={"sequence_number": record.dynamodb.sequence_number, "cause": failure_cause(error)},
        )
        raise


def handle_stream(raw_event: dict[str, Any], context: Any = None) -> Any:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=raw_event, record_handler=_dispatch_record, processor=processor, context=context
    )
