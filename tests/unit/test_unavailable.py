"""An AWS backend's outage or throttling is a 503 with Retry-After; the clients' bounds keep it prompt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from pynamodb.exceptions import CancellationReason, GetError, TransactWriteError, VerboseClientError

from chalicelib.platform import aws
from chalicelib.platform.errors import ServiceUnavailable, unavailable_problem
from chalicelib.store import table

ENDPOINT = "http://127.0.0.1:8001"


@pytest.fixture
def fresh_clients(fresh_settings: pytest.MonkeyPatch) -> Iterator[None]:
    """Clients built anew from the test stage's settings (built only, never called)."""
    fresh_settings.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    aws.reset_clients()
    table.reset_connection()
    yield
    aws.reset_clients()
    table.reset_connection()


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "slow down"}}, "PutItem")


def _cancelled(*codes: str | None) -> TransactWriteError:
    reasons = [CancellationReason(code=code) if code else None for code in codes]
    response = {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}
    cause = VerboseClientError(response, "TransactWriteItems", cancellation_reasons=reasons)
    return TransactWriteError("Failed to write transaction items", cause=cause)


@pytest.mark.parametrize(
    ("failure", "retry_after"),
    [
        (_client_error("ProvisionedThroughputExceededException"), "1"),
        (_client_error("ThrottlingException"), "1"),
        (_client_error("RequestLimitExceeded"), "1"),
        (ReadTimeoutError(endpoint_url=ENDPOINT), "5"),
        (ConnectTimeoutError(endpoint_url=ENDPOINT), "5"),
        (EndpointConnectionError(endpoint_url=ENDPOINT), "5"),
        (ConnectionClosedError(endpoint_url=ENDPOINT), "5"),
        (_cancelled(None, "TransactionConflict"), "1"),
        (_cancelled("ThrottlingError", None), "1"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else value,
)
def test_a_backend_failure_is_503_with_retry_after(failure: Exception, retry_after: str) -> None:
    # given a backend failure, as botocore or PynamoDB raises it
    # when it is mapped
    problem = unavailable_problem(failure)
    # then it is the 503 that says when to retry
    assert isinstance(problem, ServiceUnavailable)
    assert problem.body()["type"].endswith("/service-unavailable")
    assert problem.headers == {"Retry-After": retry_after}


def test_pynamodb_wrappers_are_unwrapped() -> None:
    # given PynamoDB's GetError around botocore's read timeout
    wrapped = GetError("Failed to get item", ReadTimeoutError(endpoint_url=ENDPOINT))
    # when it is mapped
    problem = unavailable_problem(wrapped)
    # then its cause decides: 503
    assert problem is not None
    assert "ReadTimeoutError" in str(problem.detail)


def test_a_failure_raised_from_a_backend_failure_is_unwrapped() -> None:
    # given a service's own error raised from a throttled call
    try:
        try:
            raise _client_error("ThrottlingException")
        except ClientError as throttled:
            raise RuntimeError("could not read") from throttled
    except RuntimeError as error:
        # when it is mapped
        problem = unavailable_problem(error)
    # then the cause decides: 503
    assert problem is not None


@pytest.mark.parametrize(
    "failure",
    [
        ValueError("a bug"),
        _client_error("ValidationException"),
        _client_error("ConditionalCheckFailedException"),
        _cancelled("ConditionalCheckFailed", "TransactionConflict"),
        _cancelled(None, None),
    ],
    ids=["bug", "validation", "condition", "condition-with-conflict", "no-reason"],
)
def test_other_failures_are_not_outages(failure: Exception) -> None:
    # given a failure no retry will get past
    # when it is mapped
    problem = unavailable_problem(failure)
    # then it is no 503 (the route answers 500 and logs it as a bug)
    assert problem is None


def test_the_bounds_fit_the_function_timeout() -> None:
    # given the function's 15 s timeout and the worst case of a call that never gets an answer
    worst_backoffs = sum(2 ** (attempt - 1) for attempt in range(1, aws.MAX_ATTEMPTS))
    worst_call = aws.MAX_ATTEMPTS * (aws.CONNECT_TIMEOUT_SECONDS + aws.READ_TIMEOUT_SECONDS) + worst_backoffs
    # then it ends with time left for the 503
    assert worst_call <= 12 < 15


@pytest.mark.usefixtures("fresh_clients")
def test_boto3_clients_have_bounded_timeouts_and_standard_retries() -> None:
    # given the test stage's settings
    # when the clients are built
    for client in (aws.sqs_client(), aws.s3_client()):
        config = client.meta.config
        # then each waits boundedly and retries in standard mode, a bounded number of times
        assert (config.connect_timeout, config.read_timeout) == (1, 2)
        assert config.retries == {"mode": "standard", "total_max_attempts": 3}


@pytest.mark.usefixtures("fresh_clients")
def test_the_tables_connection_has_the_same_bounds() -> None:
    # given the test stage's settings
    # when PynamoDB builds its botocore client
    config = table.raw_connection().client.meta.config
    # then it has the same bounds (PynamoDB counts retries, botocore attempts)
    assert (config.connect_timeout, config.read_timeout) == (1, 2)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}


@pytest.mark.usefixtures("fresh_clients")
def test_the_readiness_probe_asks_once_and_briefly() -> None:
    # given the test stage's settings
    # when the probe client is built
    config = aws.sqs_probe_client().meta.config
    # then it makes one attempt with short timeouts
    assert (config.connect_timeout, config.read_timeout) == (1, 1)
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
