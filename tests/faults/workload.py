"""The workload under a fault plan: a write request retried until it completes, then the pipeline behind it.

The request is sent as a client would: answered 503, it is sent again (with the same Idempotency-Key
where the route takes one), the first :data:`~injection.FAULTED_TRIES` tries meeting faults, later
ones a calm backend. Then what it committed goes through the table stream to the dispatcher, as
Lambda hands it over (a batch failing from a record is handed again from that record), and each
consumer's queue to its handler (``<consumer>_consumer``), as SQS and Lambda do: a message its
handler failed comes back once its retry delay has passed (moved to now here) until it succeeds or
SQS dead-letters it after ``MAX_RECEIVES`` receives; a message taken whose delete the plan drops
comes back too (a second delivery). Faults fire in the first rounds of each; the last rounds are
calm, so an outage shorter than the retry span is what the tier injects.

The pipeline runs until quiet: a consumer's writes commit outbox events of their own (the pricing
consumer's recalculated rows), which go through the stream to every consumer again, wave after wave,
up to :data:`MAX_WAVES`. The messages each consumer took are kept, so a contract may replay them.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from typing import Any

from integration.conftest import Api, Moto, _lambda_stream_record

from chalicelib.platform.queues import CONSUMER_QUEUES, MAX_RECEIVES, dead_letter_name
from chalicelib.platform.settings import get_settings
from local.pollers import sqs_event

from .checks import Replay, WriteLog, committed_events, reply_problems
from .injection import FAULTED_TRIES, FaultPlan

STREAM_BATCH = 100  # Lambda's default batch size for a DynamoDB stream
QUEUE_BATCH = 10  # and for an SQS queue
# Waves of the pipeline before it must be quiet: the request's events, then those of the consumers'
# writes (rule lists read each other in chains, never in circles).
MAX_WAVES = 5


@dataclass
class Request:
    method: str
    path: str
    token: str | None
    body: Any
    headers: dict[str, str]
    expected: int


@dataclass
class Workload:
    api: Api
    aws: Moto
    log: WriteLog
    plan: FaultPlan
    problems: list[str] = field(default_factory=list)
    # consumer -> message id -> the message, as received, for each message its handler took
    taken: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    # --- the request -----------------------------------------------------------------------------------

    def send(self, request: Request) -> None:
        """Send ``request`` until it completes; note every answer that is neither that nor a clean 503,
        and a 503 for a try that committed (the client is told it failed: a retry would apply it again)."""
        for attempt in itertools.count(1):
            calls, writes = self.plan.calls, self.log.mark()
            if attempt > FAULTED_TRIES:
                with self.plan.calm():
                    reply = self._call(request)
            else:
                reply = self._call(request)
            faulted = bool(self.plan.fired_since(calls))
            wrong = reply_problems(
                reply.status, reply.headers, reply.body, expected=request.expected, faulted=faulted
            )
            self.problems += [
                f"try {attempt} of {request.method} {request.path}: {problem}" for problem in wrong
            ]
            if reply.status == 503 and (committed := self.log.since(writes)):
                operations = ", ".join(unit.operation for unit in committed)
                self.problems.append(f"try {attempt} answered 503 after it committed ({operations})")
            if reply.status != 503 or attempt > FAULTED_TRIES:
                return

    def _call(self, request: Request) -> Any:
        return self.api.call(
            request.method, request.path, token=request.token, body=request.body, headers=request.headers
        )

    # --- the pipeline, until quiet ------------------------------------------------------------------------

    def run_pipeline(self, stream_mark: int) -> dict[str, int]:
        """Dispatch what was committed since ``stream_mark`` and run every consumer, again for what the
        consumers committed, until a wave commits no event; each consumer's dead letters."""
        dead_letters = dict.fromkeys(self.consumers(), 0)
        table = self.aws.table_model(get_settings().table_name)
        for _ in range(MAX_WAVES):
            writes, wave_end = self.log.mark(), len(table.stream_shard.items)
            self.dispatch(stream_mark)
            for consumer in self.consumers():
                dead_letters[consumer] += self.consume(consumer)
            if not committed_events(self.log.since(writes)):
                return dead_letters
            stream_mark = wave_end
        self.problems.append(f"the consumers still committed events after {MAX_WAVES} waves")
        return dead_letters

    # --- the table stream -> the dispatcher --------------------------------------------------------------

    def dispatch(self, stream_mark: int) -> None:
        """Hand every stream record written since ``stream_mark`` to the dispatcher until it takes them."""
        table = self.aws.table_model(get_settings().table_name)
        arn = f"{table.table_arn}/stream/{table.latest_stream_label}"
        records = [
            _lambda_stream_record(item.to_json(), arn) for item in table.stream_shard.items[stream_mark:]
        ]
        for start in range(0, len(records), STREAM_BATCH):
            self._dispatch_batch(records[start : start + STREAM_BATCH])

    def _dispatch_batch(self, batch: list[dict[str, Any]]) -> None:
        for attempt in itertools.count(1):
            if attempt > FAULTED_TRIES:
                with self.plan.calm():
                    result = self.api.invoke("outbox_dispatcher", {"Records": batch})
            else:
                result = self.api.invoke("outbox_dispatcher", {"Records": batch})
            failed = {failure["itemIdentifier"] for failure in result["batchItemFailures"]}
            if not failed:
                return
            if attempt > FAULTED_TRIES:
                self.problems.append(f"the dispatcher failed {sorted(failed)} with the backends calm")
                return
            # Lambda hands the batch again from the first failed record (later ones are sent again)
            first = next(
                n for n, record in enumerate(batch) if record["dynamodb"]["SequenceNumber"] in failed
            )
            batch = batch[first:]

    # --- each consumer's queue -> its handler -----------------------------------------------------------

    def consume(self, consumer: str) -> int:
        """Hand every message of the consumer's queue to its handler as SQS and Lambda would; returns
        how many messages its DLQ holds afterwards."""
        sqs = self.aws.sqs
        name = get_settings().queue_name(consumer)
        url, arn = _queue(sqs, name)
        for receive in itertools.count(1):
            messages = _receive_all(sqs, url)
            if not messages:
                break
            for start in range(0, len(messages), QUEUE_BATCH):
                batch = messages[start : start + QUEUE_BATCH]
                if receive >= MAX_RECEIVES:
                    with self.plan.calm():
                        result = self.api.invoke(handler_of(consumer), sqs_event(batch, arn))
                else:
                    result = self.api.invoke(handler_of(consumer), sqs_event(batch, arn))
                failed = {failure["itemIdentifier"] for failure in result["batchItemFailures"]}
                for message in batch:
                    handle = message["ReceiptHandle"]
                    taken = message["MessageId"] not in failed
                    if taken:
                        self.taken.setdefault(consumer, {})[message["MessageId"]] = message
                    if taken and (receive >= MAX_RECEIVES or not self.plan.drops("lambda.DeleteMessage")):
                        sqs.delete_message(
                            QueueUrl=url, ReceiptHandle=handle
                        )  # Lambda deletes what was taken
                    else:  # it comes back: its retry delay, or the visibility timeout, passes at once
                        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
        dead_url, _ = _queue(sqs, dead_letter_name(name))
        dead = _receive_all(sqs, dead_url)
        for message in dead:
            sqs.delete_message(QueueUrl=dead_url, ReceiptHandle=message["ReceiptHandle"])
        return len(dead)

    def consumers(self) -> list[str]:
        return sorted(CONSUMER_QUEUES)

    def replay(self, consumer: str) -> Replay:
        """Every message the consumer took handled once more, the backends calm, then its queue drained
        (the messages the replay sent: a whole list's next pages)."""
        writes = self.log.mark()
        _, arn = _queue(self.aws.sqs, get_settings().queue_name(consumer))
        messages = list(self.taken.get(consumer, {}).values())
        failed = 0
        with self.plan.calm():
            for start in range(0, len(messages), QUEUE_BATCH):
                event = sqs_event(messages[start : start + QUEUE_BATCH], arn)
                failed += len(self.api.invoke(handler_of(consumer), event)["batchItemFailures"])
            dead_letters = self.consume(consumer)
        return Replay(self.log.since(writes), failed, dead_letters)


@functools.cache
def _queue(sqs: Any, name: str) -> tuple[str, str]:
    """A queue's URL and ARN (the same in every fresh moto account: asked once)."""
    url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return str(url), str(arn)


def _receive_all(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every visible message of a queue, received (hidden 30 s, as the queue's own timeout would)."""
    messages: list[dict[str, Any]] = []
    while page := sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
        VisibilityTimeout=30,
    ).get("Messages", []):
        messages += page
    return messages


def handler_of(consumer: str) -> str:
    """The app's handler of a consumer queue (``erp-inbound`` -> ``erp_inbound_consumer``)."""
    return f"{consumer.replace('-', '_')}_consumer"
