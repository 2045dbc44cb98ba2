"""The consumers' retry schedule and how they sort failures: pure functions, no AWS."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from pydantic import BaseModel, ValidationError

from chalicelib.platform.queues import (
    MAX_RECEIVES,
    MAX_VISIBILITY_SECONDS,
    PermanentFailure,
    retry_delay_seconds,
)
from chalicelib.workers.consumer import failure_cause, permanent_reason


class _Event(BaseModel):
    id: str
    tenant_id: str


def _validation_error(body: dict[str, object]) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        _Event.model_validate(body)
    return raised.value


def _throttled() -> ClientError:
    return ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"}}, "TransactWriteItems"
    )


def test_the_retry_delay_doubles_with_each_receive() -> None:
    # when
    delays = [retry_delay_seconds(count) for count in range(1, MAX_RECEIVES + 1)]

    # then
    assert delays == [20, 40, 80, 160, 320]


def test_five_receives_span_an_outage_of_five_minutes() -> None:
    # when the fifth receive comes, after the delays of the first four failures
    fifth_receive_at = sum(retry_delay_seconds(count) for count in range(1, MAX_RECEIVES))

    # then
    assert fifth_receive_at == 300


@pytest.mark.parametrize("receive_count", [13, 14, 100, 10_000])
def test_the_retry_delay_stays_within_the_visibility_limit_of_sqs(receive_count: int) -> None:
    # when
    delay = retry_delay_seconds(receive_count)

    # then
    assert delay == MAX_VISIBILITY_SECONDS == 43_200


@pytest.mark.parametrize("receive_count", [0, -1])
def test_a_missing_receive_count_counts_as_the_first(receive_count: int) -> None:
    # when
    delay = retry_delay_seconds(receive_count)

    # then
    assert delay == 20


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (PermanentFailure("unknown tenant 'ghost'"), "unknown tenant 'ghost'"),
        (KeyError("tenant_id"), "bad shape: no field 'tenant_id'"),
        (TypeError("string indices must be integers"), "bad shape: string indices must be integers"),
    ],
    ids=["said so", "field missing", "wrong type"],
)
def test_a_failure_that_can_never_succeed_has_a_reason(error: Exception, reason: str) -> None:
    # when
    said = permanent_reason(error)

    # then
    assert said == reason


def test_a_body_that_is_not_json_is_refused_without_quoting_it() -> None:
    # given
    with pytest.raises(json.JSONDecodeError) as raised:
        json.loads("secret-payload")

    # when
    reason = permanent_reason(raised.value)

    # then
    assert reason == "bad shape: not JSON (Expecting value at line 1 column 1)"


def test_an_invalid_event_is_refused_with_its_fields_not_their_values() -> None:
    # given
    error = _validation_error({"id": 7, "tenant_id": "secret-tenant"})

    # when
    reason = permanent_reason(error)

    # then
    assert reason == "bad shape: id: string_type"


@pytest.mark.parametrize(
    "error",
    [_throttled(), ReadTimeoutError(endpoint_url="http://dynamodb"), ConnectionError("refused")],
    ids=["throttled", "timed out", "unreachable"],
)
def test_throttling_timeouts_and_an_unreachable_backend_are_retried(error: Exception) -> None:
    # when
    reason = permanent_reason(error)

    # then
    assert reason is None


def test_an_aws_failure_is_described_by_its_code() -> None:
    # when
    cause = failure_cause(_throttled())

    # then
    assert cause == "ClientError: ThrottlingException"
