"""A backend that throttles, times out or cannot be reached answers 503 with Retry-After, changing nothing.

Faults are injected on the real clients through botocore's event hooks: a connection error raised at
``before-send``, where the HTTP layer raises it, so that botocore's retries and PynamoDB's wrapping
run as they do against AWS; DynamoDB's own error answers at ``before-call``, which answers in place
of the request (moto's stub also listens at ``before-send`` and would apply the write anyway), so
those are seen after one attempt. The wait between retries is set to zero: the attempts, not the
clock, are what a test sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.retries.standard import ExponentialBackoff

from chalicelib.platform.aws import MAX_ATTEMPTS, sqs_probe_client
from chalicelib.store.table import probe_connection, raw_connection

from .conftest import Api, Table, Worlds
from .support import organization_body

pytestmark = pytest.mark.shared_account

ORGANIZATIONS = "/v1/admin/organizations"


@dataclass(frozen=True)
class Fault:
    """A hook for one botocore event phase (``before-send`` or ``before-call``)."""

    phase: str
    hook: Callable[..., Any]


def dynamodb_error(code: str, **fields: Any) -> Fault:
    """DynamoDB's 400 answer with this error code, as botocore parses it."""
    parsed = {
        "Error": {"Code": code, "Message": code},
        "ResponseMetadata": {"HTTPStatusCode": 400},
        **fields,
    }

    def answer(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        return AWSResponse("http://fault", 400, {}, None), parsed

    return Fault("before-call", answer)


def raising(error: type[Exception]) -> Fault:
    def fail(request: Any, **_: Any) -> None:
        raise error(endpoint_url=request.url)

    return Fault("before-send", fail)


@dataclass
class Faults:
    """Faults hooked on clients' sends; every hook is removed after the test."""

    attempts: list[str] = field(default_factory=list)
    _hooks: list[tuple[Any, str, Callable[..., Any]]] = field(default_factory=list)

    def inject(self, client: Any, operation: str, fault: Fault) -> None:
        event = f"{fault.phase}.{client.meta.service_model.service_id.hyphenize()}.{operation}"

        def counted(**kwargs: Any) -> Any:
            self.attempts.append(event)
            return fault.hook(**kwargs)

        client.meta.events.register_first(event, counted)
        self._hooks.append((client, event, counted))

    def remove(self) -> None:
        for client, event, hook in self._hooks:
            client.meta.events.unregister(event, hook)


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
    injected = Faults()
    yield injected
    injected.remove()


@pytest.fixture
def acme(make_tenant: Callable[..., str], worlds: Worlds) -> str:
    """acme's administrator, in a world built once for the module."""
    return worlds.world("acme", lambda: make_tenant("acme"))


def _assert_unavailable(reply: Any, retry_after: str) -> None:
    assert reply.status == 503, reply.body
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.headers["Retry-After"] == retry_after
    assert reply.body["type"] == "https://kontor.dev/problems/service-unavailable"


@pytest.mark.parametrize(
    ("fault", "retry_after", "attempts"),
    [
        (dynamodb_error("ProvisionedThroughputExceededException"), "1", 1),
        (dynamodb_error("ThrottlingException"), "1", 1),
        (dynamodb_error("RequestLimitExceeded"), "1", 1),
        (raising(ReadTimeoutError), "5", MAX_ATTEMPTS),
        (raising(ConnectTimeoutError), "5", MAX_ATTEMPTS),
        (raising(EndpointConnectionError), "5", MAX_ATTEMPTS),
        (raising(ConnectionClosedError), "5", MAX_ATTEMPTS),
        (
            dynamodb_error(
                "TransactionCanceledException",
                CancellationReasons=[{"Code": "TransactionConflict"}, {"Code": "None"}],
            ),
            "1",
            1,
        ),
        (
            dynamodb_error("TransactionCanceledException", CancellationReasons=[{"Code": "ThrottlingError"}]),
            "1",
            1,
        ),
    ],
    ids=[
        "provisioned-throughput",
        "throttling",
        "request-limit",
        "read-timeout",
        "connect-timeout",
        "unreachable",
        "connection-closed",
        "transaction-conflict",
        "transaction-throttled",
    ],
)
def test_a_failing_write_answers_503_and_changes_nothing(
    api: Api,
    table: Table,
    acme: str,
    faults: Faults,
    fault: Fault,
    retry_after: str,
    attempts: int,
) -> None:
    # given a table whose transactions fail with this fault
    before = table.writes()
    faults.inject(raw_connection().client, "TransactWriteItems", fault)
    # when acme creates an organization
    reply = api.call("POST", ORGANIZATIONS, token=acme, body=organization_body())
    # then it is told to retry later, after the bounded attempts, and nothing was written
    _assert_unavailable(reply, retry_after)
    assert len(faults.attempts) == attempts
    assert table.writes() == before


def test_a_failing_read_answers_503(api: Api, acme: str, faults: Faults) -> None:
    # given a table that does not answer reads
    faults.inject(raw_connection().client, "BatchGetItem", raising(ReadTimeoutError))
    # when acme lists its organizations (the caller's records are read first)
    reply = api.call("GET", ORGANIZATIONS, token=acme)
    # then it is told to retry later
    _assert_unavailable(reply, "5")


def test_an_outage_is_logged_once_at_warning_without_a_traceback(
    api: Api, acme: str, faults: Faults, caplog: pytest.LogCaptureFixture
) -> None:
    # given a table that does not answer reads
    faults.inject(raw_connection().client, "BatchGetItem", raising(ReadTimeoutError))
    # when a request meets it
    api.call("GET", ORGANIZATIONS, token=acme)
    # then one warning names the cause, with no stack trace
    failures = [record for record in caplog.records if record.levelname in {"WARNING", "ERROR"}]
    assert [record.getMessage() for record in failures] == ["backend unavailable"]
    assert "ReadTimeoutError" in failures[0].cause  # type: ignore[attr-defined]
    assert failures[0].exc_info is None


def test_readiness_says_every_dependency_answers(api: Api) -> None:
    # given the table and the queues
    # when readiness is asked, without a token
    reply = api.call("GET", "/v1/health/ready")
    # then each dependency is named by its role and answers
    assert reply.status == 200, reply.body
    assert reply.body == {
        "status": "ready",
        "dependencies": {
            "table": "ok",
            "queue:audit": "ok",
            "queue:pricing": "ok",
            "queue:order-workflow": "ok",
            "queue:erp-inbound": "ok",
        },
    }


def test_readiness_names_the_table_when_it_does_not_answer(api: Api, faults: Faults) -> None:
    # given a table that does not answer
    faults.inject(probe_connection().connection.client, "GetItem", raising(ReadTimeoutError))
    # when readiness is asked
    reply = api.call("GET", "/v1/health/ready")
    # then it is 503 naming the table, asked once
    _assert_unavailable(reply, "5")
    assert reply.body["dependencies"] == {
        "table": "unavailable",
        "queue:audit": "ok",
        "queue:pricing": "ok",
        "queue:order-workflow": "ok",
        "queue:erp-inbound": "ok",
    }
    assert len(faults.attempts) == 1


def test_readiness_names_a_queue_when_sqs_does_not_answer(api: Api, faults: Faults) -> None:
    # given an SQS that cannot be reached
    faults.inject(sqs_probe_client(), "GetQueueUrl", raising(EndpointConnectionError))
    # when readiness is asked
    reply = api.call("GET", "/v1/health/ready")
    # then it is 503 naming the queue, and nothing about where it lives
    _assert_unavailable(reply, "5")
    assert reply.body["dependencies"] == {
        "table": "ok",
        "queue:audit": "unavailable",
        "queue:pricing": "unavailable",
        "queue:order-workflow": "unavailable",
        "queue:erp-inbound": "unavailable",
    }
    assert "http" not in json.dumps(reply.body["dependencies"])
