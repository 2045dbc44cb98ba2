"""The path every SQS consumer shares, on moto's SQS: a transient failure hides its message for its
retry delay (exponential in its receive count) until SQS dead-letters it after five receives; a
failure that can never succeed goes to the DLQ at once with its reason. Time is moved, not waited for.
"""

from __future__ import annotations

import copy
import importlib
import itertools
import json
import logging
import pkgutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time
from freezegun.api import FrozenDateTimeFactory

import chalicelib
from chalicelib.platform.queues import (
    MAX_RECEIVES,
    PermanentFailure,
    create_queues,
    dead_letter_name,
    retry_delay_seconds,
)
from chalicelib.platform.settings import get_settings
from chalicelib.workers.consumer import handle_queue_batch
from local.pollers import Function, QueuePoller, sqs_event

from .conftest import Moto, Outbox

pytestmark = pytest.mark.shared_account

BODY = '{"id":"evt_1","secret":"s3cr3t-payload"}'
ATTRIBUTES = {
    "event_type": {"DataType": "String", "StringValue": "website.created"},
    "tenant_id": {"DataType": "String", "StringValue": "acme"},
}
_prefixes = itertools.count(1)


def _throttled(record: Any) -> None:
    raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "PutItem")


def _never(record: Any) -> None:
    raise PermanentFailure("unknown tenant 'ghost'")


@dataclass
class Queue:
    """A consumer queue of its own (with its DLQ) for one test, and a consumer of it."""

    sqs: Any
    url: str
    arn: str
    dead_letter_url: str

    def receive(self, url: str | None = None) -> list[dict[str, Any]]:
        return list(
            self.sqs.receive_message(
                QueueUrl=url or self.url,
                MaxNumberOfMessages=10,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
        )

    def consume(self, handler: Callable[[Any], None]) -> tuple[list[dict[str, Any]], Any]:
        """Receive what is visible and hand it to ``handler`` through the shared path, as Lambda does."""
        messages = self.receive()
        return messages, handle_queue_batch(sqs_event(messages, self.arn), None, handler)


@pytest.fixture
def queue(mocked_aws: Moto, aws: dict[str, str]) -> Queue:
    name = get_settings().queue_name("audit")
    prefix = f"faults-{next(_prefixes)}"
    urls = create_queues(mocked_aws.sqs, prefix)
    url = urls[name.replace(get_settings().queue_prefix, prefix, 1)]
    arn = mocked_aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    mocked_aws.sqs.send_message(QueueUrl=url, MessageBody=BODY, MessageAttributes=ATTRIBUTES)
    dead_letter_url = mocked_aws.sqs.get_queue_url(QueueName=dead_letter_name(arn.rsplit(":", 1)[-1]))
    return Queue(mocked_aws.sqs, url, arn, dead_letter_url["QueueUrl"])


@pytest.fixture
def clock() -> Iterator[FrozenDateTimeFactory]:
    """moto's clock, moved by hand. Powertools builds pydantic models on first use of a lazy module
    attribute, which fails with freezegun's datetime in place: the batch utility is imported before,
    and freezegun does not look through its modules (looking imports the lazy ones), nor give pytest
    its time (it times the tests). Every module of the app runs before too: freezegun reads every
    loaded module's attributes when it starts, which runs a lazy one (the route modules' services) with
    its datetime in place, for good — a later test of the same worker then fails in ``datetime.now``."""
    importlib.import_module("aws_lambda_powertools.utilities.batch")
    for module in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        vars(importlib.import_module(module.name))  # a lazy one (platform.lazy) runs now, on the real clock
    with freeze_time("2026-12-05T12:00:00Z", ignore=["aws_lambda_powertools", "_pytest"]) as frozen:
        yield frozen


def test_a_failed_message_comes_back_only_after_its_retry_delay(
    queue: Queue, clock: FrozenDateTimeFactory
) -> None:
    # given
    [message], result = queue.consume(_throttled)
    assert result == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}

    # when
    clock.tick(retry_delay_seconds(1) - 1)
    early = queue.receive()
    clock.tick(2)
    later = queue.receive()

    # then
    assert early == []
    assert [(m["MessageId"], m["Attributes"]["ApproximateReceiveCount"]) for m in later] == [
        (message["MessageId"], "2")
    ]


def test_the_second_failure_hides_the_message_twice_as_long(
    queue: Queue, clock: FrozenDateTimeFactory
) -> None:
    # given a message that failed its first receive and comes back
    queue.consume(_throttled)
    clock.tick(retry_delay_seconds(1) + 1)

    # when it fails again
    queue.consume(_throttled)
    clock.tick(retry_delay_seconds(2) - 1)
    early = queue.receive()
    clock.tick(2)
    later = queue.receive()

    # then
    assert (retry_delay_seconds(1), retry_delay_seconds(2)) == (20, 40)
    assert early == []
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in later] == ["3"]


def test_a_message_failing_five_receives_is_dead_lettered(queue: Queue, clock: FrozenDateTimeFactory) -> None:
    # given five failed receives, each after the retry delay of the one before
    for receive_count in range(1, MAX_RECEIVES + 1):
        [message], _ = queue.consume(_throttled)
        assert message["Attributes"]["ApproximateReceiveCount"] == str(receive_count)
        clock.tick(retry_delay_seconds(receive_count) + 1)

    # when
    remaining = queue.receive()

    # then
    assert remaining == []
    assert [m["Body"] for m in queue.receive(queue.dead_letter_url)] == [BODY]


def test_a_message_that_can_never_succeed_goes_to_the_dlq_at_once_with_its_reason(queue: Queue) -> None:
    # when
    [message], result = queue.consume(_never)

    # then it counts as handled (Lambda deletes it) and waits in the DLQ with its reason
    assert result == {"batchItemFailures": []}
    [dead] = queue.receive(queue.dead_letter_url)
    assert dead["Body"] == BODY
    assert {name: value["StringValue"] for name, value in dead["MessageAttributes"].items()} == {
        "event_type": "website.created",
        "tenant_id": "acme",
        "failure_reason": "unknown tenant 'ghost'",
        "source_queue": queue.arn.rsplit(":", 1)[-1],
    }


@pytest.mark.parametrize(
    ("handler", "level", "fields"),
    [
        (_throttled, logging.WARNING, {"cause": "ClientError: ThrottlingException", "retry_in_seconds": 20}),
        (_never, logging.ERROR, {"reason": "unknown tenant 'ghost'"}),
    ],
    ids=["transient", "permanent"],
)
def test_a_failure_is_logged_once_with_its_cause_and_message_id_never_the_body(
    queue: Queue,
    caplog: pytest.LogCaptureFixture,
    handler: Callable[[Any], None],
    level: int,
    fields: dict[str, Any],
) -> None:
    # when
    with caplog.at_level(logging.INFO, logger="kontor"):
        [message], _ = queue.consume(handler)

    # then
    [record] = [record for record in caplog.records if record.name == "kontor"]
    assert record.levelno == level
    assert record.__dict__["message_id"] == message["MessageId"]
    assert {name: record.__dict__[name] for name in fields} == fields
    assert "s3cr3t" not in caplog.text


def test_the_last_failed_receive_says_the_message_goes_to_the_dlq(
    queue: Queue, clock: FrozenDateTimeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # given four failed receives
    for receive_count in range(1, MAX_RECEIVES):
        queue.consume(_throttled)
        clock.tick(retry_delay_seconds(receive_count) + 1)

    # when the fifth fails
    with caplog.at_level(logging.INFO, logger="kontor"):
        queue.consume(_throttled)

    # then
    [record] = [record for record in caplog.records if record.name == "kontor" and record.levelno >= 40]
    assert record.getMessage() == "message failed its last receive; SQS moves it to the dead-letter queue"
    assert record.__dict__["receive_count"] == MAX_RECEIVES


def test_an_event_of_a_tenant_that_does_not_exist_goes_to_the_dlq(outbox: Outbox) -> None:
    # given an event of no tenant
    event = {
        "id": "evt_01JGHOST000000000000000000",
        "type": "website.created",
        "tenant_id": "ghost",
        "entity_type": "website",
        "entity_id": "web_1",
        "action": "created",
        "actor": "staff:admin@ghost.example",
        "occurred_at": "2026-12-05T12:00:00Z",
    }

    # when
    [result] = outbox.consume([json.dumps(event)])

    # then
    assert result == {"batchItemFailures": []}
    assert [
        message["MessageAttributes"]["failure_reason"]["StringValue"] for message in outbox.dead_letters()
    ] == ["unknown tenant 'ghost'"]


def test_the_local_poller_leaves_a_failed_message_hidden_for_its_retry_delay(
    queue: Queue, clock: FrozenDateTimeFactory
) -> None:
    # given the local stack's poller of the queue, with a consumer that fails
    function = Function(
        "failing_consumer", lambda event, context: handle_queue_batch(event, context, _throttled), 128, 30
    )
    poller = QueuePoller(function, queue.sqs, queue.arn.rsplit(":", 1)[-1], threading.Event())

    # when
    poller.poll()
    clock.tick(retry_delay_seconds(1) - 1)
    early = queue.receive()
    clock.tick(2)
    later = queue.receive()

    # then
    assert early == []
    assert [m["Body"] for m in later] == [BODY]


def test_a_stream_record_the_dispatcher_cannot_send_is_logged_once_with_its_cause(
    make_tenant: Callable[..., str], outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    # given an event record without its type
    make_tenant("acme")
    [record, *_] = [r for r in outbox.stream_records() if r["dynamodb"]["Keys"]["SK"]["S"] == "EVENT"]
    broken = copy.deepcopy(record)
    del broken["dynamodb"]["NewImage"]["data"]["M"]["type"]
    broken["dynamodb"]["SequenceNumber"] = "broken-1"

    # when
    with caplog.at_level(logging.INFO, logger="kontor"):
        result = outbox.dispatch([broken])

    # then
    assert result == {"batchItemFailures": [{"itemIdentifier": "broken-1"}]}
    [logged] = [r for r in caplog.records if r.name == "kontor"]
    assert (logged.__dict__["sequence_number"], logged.__dict__["cause"]) == ("broken-1", "KeyError: 'type'")
