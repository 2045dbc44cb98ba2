"""What Lambda's event source mappings do in AWS: poll the table's stream and the consumer queues.

Each poller builds the event Lambda would send (same shape, same batch size), calls the very handler
object Chalice registered in ``app.py``, and honours its ``batchItemFailures`` the way Lambda does with
ReportBatchItemFailures: a shard resumes at its first failed record, failed messages go back to their
queue, and the queue's redrive policy moves a message to its DLQ after its fifth receive.

A failed message is left as the handler left it, as Lambda does: the consumers' shared path
(``chalicelib.workers.consumer``) has hidden it for its retry delay, exponential in its receive count,
or moved it to its DLQ at once when it can never succeed; so an outage of DynamoDB or SQS shorter than
five minutes delays messages here as on AWS, and dead-letters none (``chalicelib.platform.queues``).

One choice differs from AWS on purpose: the position in the stream is saved in the data folder after
each batch, so a restart skips no record (an event committed while the stack was down, or stuck behind a
failure, is dispatched on the next start). The saved position is the last one whose messages every
consumer took, not the last one sent: moto's queues do not outlive it, so what they held is sent again
(see ``local.durability``).

While a backend is down a poller logs its first failure with the traceback, then one line a minute
("still failing: N times in the last minute"), then "recovered" (:class:`FailureLog`).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalice.local import LambdaContext

from local.environment import REGION

LOG = logging.getLogger(__name__)

STREAM_BATCH_SIZE = 100
QUEUE_BATCH_SIZE = 10
QUEUE_WAIT_SECONDS = 5
IDLE_SECONDS = 0.2
ERROR_PAUSE_SECONDS = 1.0
MAX_STREAM_BACKOFF_SECONDS = 5.0
SHARD_REFRESH_SECONDS = 5.0
FAILURE_REPORT_SECONDS = 60.0

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass(frozen=True)
class Function:
    """A registered handler and the settings its Lambda context reports."""

    name: str
    handler: Handler
    memory_mb: int
    timeout_seconds: int

    def invoke(self, event: dict[str, Any], failures: FailureLog) -> set[str] | None:
        """The identifiers of the records that failed, or None when the whole invocation failed."""
        context = LambdaContext(self.name, self.memory_mb, self.timeout_seconds * 1000)
        try:
            response = self.handler(event, context)
        except Exception as error:
            failures.failed(f"{self.name} raised; the whole batch is retried", error)
            return None
        return {failure["itemIdentifier"] for failure in (response or {}).get("batchItemFailures", [])}


class FailureLog:
    """The log of one poller's run of failures: the first one with its traceback, then at most one line
    per ``interval`` seconds saying how often it failed meanwhile, then one line when it works again."""

    def __init__(
        self, name: str, interval: float = FAILURE_REPORT_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._name = name
        self._interval = interval
        self._clock = clock
        self._first_at: float | None = None
        self._reported_at = 0.0
        self._total = 0
        self._unreported = 0

    def failed(self, what: str, error: BaseException | None = None) -> None:
        """Log a failure: ``what`` failed, with the cause ``error`` (its traceback on the first only)."""
        now = self._clock()
        cause = "" if error is None else f": {type(error).__name__}: {error}"
        self._total += 1
        if self._first_at is None:
            self._first_at = self._reported_at = now
            LOG.warning("%s: %s%s", self._name, what, cause, exc_info=error)
            return
        self._unreported += 1
        if now - self._reported_at >= self._interval:
            LOG.warning(
                "%s: still failing: %d times in the last %.0f s; latest: %s%s",
                self._name,
                self._unreported,
                now - self._reported_at,
                what,
                cause,
            )
            self._reported_at = now
            self._unreported = 0

    def succeeded(self) -> None:
        """Log the recovery after a run of failures (nothing when there was none)."""
        if self._first_at is None:
            return
        LOG.info(
            "%s: recovered after %d failures in %.0f s",
            self._name,
            self._total,
            self._clock() - self._first_at,
        )
        self._first_at = None
        self._total = self._unreported = 0


class Poller(threading.Thread):
    """Calls :meth:`poll` until stopped; an error is logged (see :class:`FailureLog`) and polling resumes
    after a pause. A poller calls ``self.failures.succeeded()`` once its backend answers again."""

    def __init__(self, name: str, stopping: threading.Event) -> None:
        super().__init__(name=name, daemon=True)
        self._stopping = stopping
        self.failures = FailureLog(name)

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll()
            except Exception as error:
                self.failures.failed("polling failed; trying again", error)
                self._stopping.wait(ERROR_PAUSE_SECONDS)

    def poll(self) -> None:
        raise NotImplementedError


def _repaired(value: dict[str, Any]) -> dict[str, Any]:
    """An attribute value with every empty map in it spelled ``{"M": {}}``.

    DynamoDB Local (3.3) writes an empty map as ``{}`` in stream records, which no deserializer
    accepts; AWS writes ``{"M": {}}``. A bare ``{}`` is never a valid attribute value otherwise.
    """
    if not value:
        return {"M": {}}
    if "M" in value:
        return {"M": _repaired_image(value["M"])}
    if "L" in value:
        return {"L": [_repaired(item) for item in value["L"]]}
    return value


def _repaired_image(image: dict[str, Any]) -> dict[str, Any]:
    return {name: _repaired(value) for name, value in image.items()}


def _stream_change(change: dict[str, Any]) -> dict[str, Any]:
    images: dict[str, Any] = {
        name: _repaired_image(change[name]) for name in ("Keys", "NewImage", "OldImage") if name in change
    }
    created = int(change["ApproximateCreationDateTime"].timestamp())  # Lambda sends epoch seconds
    return {**change, **images, "ApproximateCreationDateTime": created}


def stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """A DynamoDB stream event as Lambda delivers it."""
    return {
        "Records": [
            {
                **record,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "eventSourceARN": stream_arn,
                "dynamodb": _stream_change(record["dynamodb"]),
            }
            for record in records
        ]
    }


@dataclass(frozen=True)
class Snapshot:
    """The dispatched position of each shard at one moment, and the checkpoint's generation then."""

    generation: int
    shards: dict[str, str]


class Checkpoint:
    """Two positions in each shard of one stream, saved together in a JSON file.

    ``dispatched``: the last record the dispatcher sent to the consumer queues; the poller reads on
    from there. ``settled``: the last record whose messages every consumer has taken (deleted from its
    queue, or moved to its dead-letter queue), because the queues were seen empty after it was
    dispatched. The local queues live in moto's memory, so whenever they are new (each start of the
    stack, a restart of the SQS server) the poller rewinds to ``settled`` and sends again what may
    have died with the old queues; the consumers are idempotent by event id, so a resend is harmless.
    Without a file (a table that does not outlive the run) the positions are only kept in memory.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stream_arn = ""
        self._dispatched: dict[str, str] = {}
        self._settled: dict[str, str] = {}
        self._generation = 0  # a snapshot taken before a bind or a rewind settles nothing

    def bind(self, stream_arn: str) -> None:
        """Resume from the settled positions saved for this stream; another stream (a new table)
        starts afresh."""
        saved = json.loads(self._path.read_text()) if self._path and self._path.exists() else {}
        with self._lock:
            self._stream_arn = stream_arn
            self._settled = dict(saved.get("settled", {})) if saved.get("stream_arn") == stream_arn else {}
            self._dispatched = dict(self._settled)
            self._generation += 1

    def get(self, shard_id: str) -> str | None:
        with self._lock:
            return self._dispatched.get(shard_id)

    def save(self, shard_id: str, sequence_number: str) -> None:
        with self._lock:
            self._dispatched[shard_id] = sequence_number
            self._write()

    def dispatched(self) -> Snapshot:
        """The dispatched positions now: settled once the queues are seen empty after this call."""
        with self._lock:
            return Snapshot(self._generation, dict(self._dispatched))

    def is_settled(self, snapshot: Snapshot) -> bool:
        """Whether ``snapshot``'s positions are settled already (nothing dispatched since)."""
        with self._lock:
            return snapshot.generation == self._generation and snapshot.shards == self._settled

    def settle(self, snapshot: Snapshot) -> None:
        """Every message sent up to ``snapshot`` was taken; a rewind goes back no further."""
        with self._lock:
            if not self._stream_arn or snapshot.generation != self._generation:
                return
            if snapshot.shards != self._settled:
                self._settled = snapshot.shards
                self._write()

    def rewind(self) -> None:
        """Back to the settled positions: what was dispatched after them is sent again."""
        with self._lock:
            self._dispatched = dict(self._settled)
            self._generation += 1
            self._write()

    def _write(self) -> None:
        if self._path is None:
            return
        state = {"stream_arn": self._stream_arn, "dispatched": self._dispatched, "settled": self._settled}
        partial = self._path.with_suffix(".tmp")
        partial.write_text(json.dumps(state))
        os.replace(partial, self._path)


class StreamPoller(Poller):
    """Reads every shard of the table's stream, parents before children, and feeds the dispatcher."""

    def __init__(
        self,
        function: Function,
        dynamodb: Any,
        streams: Any,
        table_name: str,
        checkpoint: Checkpoint,
        stopping: threading.Event,
    ) -> None:
        super().__init__("stream poller", stopping)
        self._function = function
        self._dynamodb = dynamodb
        self._streams = streams
        self._table_name = table_name
        self._checkpoint = checkpoint
        self._stream_arn = ""
        self._iterators: dict[str, str | None] = {}  # shard -> next iterator; None once closed and read
        self._parents: dict[str, str | None] = {}
        self._attempts: dict[str, int] = {}
        self._refreshed_at = 0.0
        # Records the dispatcher failed (SQS down) apart from reading the stream (DynamoDB down): an
        # empty page read does not end them, only a batch dispatched whole.
        self._dispatches = FailureLog(f"{self.name} ({function.name})")
        self._rewind = threading.Event()

    def rewind(self) -> None:
        """Read again from the settled positions, once the batch under way (if any) is done."""
        self._rewind.set()

    def rewinding(self) -> bool:
        return self._rewind.is_set()

    def poll(self) -> None:
        if self._rewind.is_set():
            self._checkpoint.rewind()
            for state in (self._iterators, self._attempts):
                state.clear()
            self._refreshed_at = 0.0
            self._rewind.clear()
        if time.monotonic() - self._refreshed_at > SHARD_REFRESH_SECONDS:
            self._refresh()
        read = False
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None or self._parent_unread(shard_id):
                continue
            try:
                read = self._read(shard_id, iterator) or read
            except Exception as error:
                self.failures.failed(f"reading shard {shard_id} failed; resuming from its checkpoint", error)
                del self._iterators[shard_id]
                self._refreshed_at = 0.0
        if not read:
            self._stopping.wait(IDLE_SECONDS)

    def _parent_unread(self, shard_id: str) -> bool:
        """A child shard waits until its parent is read to the end, so each key's changes stay in order."""
        parent = self._parents.get(shard_id)
        return parent is not None and self._iterators.get(parent) is not None

    def _refresh(self) -> None:
        """Pick up the stream (anew if the table was recreated) and any shard not seen yet."""
        stream_arn = self._dynamodb.describe_table(TableName=self._table_name)["Table"]["LatestStreamArn"]
        if stream_arn != self._stream_arn:
            self._stream_arn = stream_arn
            for state in (self._iterators, self._parents, self._attempts):
                state.clear()
            self._checkpoint.bind(stream_arn)
        for shard in self._shards():
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._parents[shard_id] = shard.get("ParentShardId")
                self._iterators[shard_id] = self._iterator(shard_id)
        self._refreshed_at = time.monotonic()

    def _shards(self) -> Iterator[dict[str, Any]]:
        request = {"StreamArn": self._stream_arn}
        while True:
            description = self._streams.describe_stream(**request)["StreamDescription"]
            yield from description["Shards"]
            if "LastEvaluatedShardId" not in description:
                return
            request["ExclusiveStartShardId"] = description["LastEvaluatedShardId"]

    def _iterator(self, shard_id: str, *, retry_at: str | None = None) -> str:
        """At a record to retry, else right after the last one handled, else the shard's oldest."""
        if retry_at is not None:
            position = {"ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": retry_at}
        elif (handled := self._checkpoint.get(shard_id)) is not None:
            position = {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": handled}
        else:
            position = {"ShardIteratorType": "TRIM_HORIZON"}
        try:
            response = self._streams.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard_id, **position
            )
        except self._streams.exceptions.TrimmedDataAccessException:
            LOG.warning("%s: records of shard %s past their 24 h were trimmed", self.name, shard_id)
            response = self._streams.get_shard_iterator(
                StreamArn=self._stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
            )
        return str(response["ShardIterator"])

    def _read(self, shard_id: str, iterator: str) -> bool:
        """Hand one batch to the dispatcher; True if there was one."""
        page = self._streams.get_records(ShardIterator=iterator, Limit=STREAM_BATCH_SIZE)
        self.failures.succeeded()  # the stream answers
        records = page["Records"]
        if not records:
            self._iterators[shard_id] = page.get("NextShardIterator")
            return False
        failed = self._function.invoke(stream_event(records, self._stream_arn), self._dispatches)
        numbers = [record["dynamodb"]["SequenceNumber"] for record in records]
        first_failed = numbers[0] if failed is None else next((n for n in numbers if n in failed), None)
        handled = numbers if first_failed is None else numbers[: numbers.index(first_failed)]
        if handled:
            self._checkpoint.save(shard_id, handled[-1])
        if first_failed is None:
            self._dispatches.succeeded()
            self._attempts.pop(shard_id, None)
            self._iterators[shard_id] = page.get("NextShardIterator")
            return True
        attempts = self._attempts[shard_id] = self._attempts.get(shard_id, 0) + 1
        # The dispatcher logged the record's cause; this says the shard waits on it.
        self._dispatches.failed(f"record {first_failed} failed (attempt {attempts}); retrying it")
        self._stopping.wait(min(0.5 * 2**attempts, MAX_STREAM_BACKOFF_SECONDS))
        self._iterators[shard_id] = self._iterator(shard_id, retry_at=first_failed)
        return True


def _message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """An SQS message attribute as Lambda spells it: camelCase, list fields always present."""
    converted: dict[str, Any] = {
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": value["DataType"],
    }
    if "StringValue" in value:
        converted["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        converted["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    return converted


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """An SQS event as Lambda delivers it."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": {
                    name: _message_attribute(value)
                    for name, value in message.get("MessageAttributes", {}).items()
                },
                "md5OfMessageAttributes": message.get("MD5OfMessageAttributes"),
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for message in messages
        ]
    }


class QueuePoller(Poller):
    """Long-polls one consumer queue and feeds its handler, up to 10 messages a batch."""

    def __init__(self, function: Function, sqs: Any, queue_name: str, stopping: threading.Event) -> None:
        super().__init__(f"{queue_name} poller", stopping)
        self._function = function
        self._sqs = sqs
        self._url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        self._arn = sqs.get_queue_attributes(QueueUrl=self._url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        # The handler's failures apart from the queue's: a batch that raised does not end with the next
        # receive, only with a batch that did not.
        self._invocations = FailureLog(f"{self.name} ({function.name})")

    def poll(self) -> None:
        messages = self._sqs.receive_message(
            QueueUrl=self._url,
            MaxNumberOfMessages=QUEUE_BATCH_SIZE,
            WaitTimeSeconds=QUEUE_WAIT_SECONDS,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        self.failures.succeeded()
        if not messages:
            return
        failed = self._function.invoke(sqs_event(messages, self._arn), self._invocations)
        if failed is not None:
            self._invocations.succeeded()
        # Failed messages stay as the handler left them (hidden for their retry delay), as with Lambda.
        handled = [m for m in messages if failed is not None and m["MessageId"] not in failed]
        if handled:
            self._sqs.delete_message_batch(
                QueueUrl=self._url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(handled)],
            )
