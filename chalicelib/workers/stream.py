"""Table stream -> outbox dispatcher: each new event item goes to its consumers' queues.

Records that fail are reported as ``batchItemFailures`` (by sequence number) so Lambda retries
from the first failed record, never skipping one.
"""

from __future__ import annotations

from typing import Any

from chalicelib.services.dispatch import dispatch
from chalicelib.services.outbox import EVENT_TYPE


def _dispatch_record(record: Any) -> None:
    if record.event_name.name != "INSERT":
        return
    image = record.dynamodb.new_image or {}
    if image.get("type") == EVENT_TYPE:
        dispatch(image["data"])


def handle_stream(raw_event: dict[str, Any], context: Any = None) -> Any:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=raw_event, record_handler=_dispatch_record, processor=processor, context=context
    )
