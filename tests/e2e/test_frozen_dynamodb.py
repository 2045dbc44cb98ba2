"""A frozen DynamoDB Local (SIGSTOP): requests answer 503 within the clients' bound, readiness names the
table, and everything answers again once it is thawed (SIGCONT).

The bound: 3 attempts x (1 s connect + 2 s read) + at most 3 s of backoff = 12 s (platform/aws.py). A
frozen process still accepts connections (the kernel does), so each attempt waits out its read timeout.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
import requests

from .stack import Stack, eventually

BOUND_SECONDS = 12.0
# The request's own work and a loaded two-core machine, on top of the clients' bound.
SLACK_SECONDS = 3.0


@pytest.fixture
def frozen_dynamodb(stack: Stack) -> Iterator[Stack]:
    """DynamoDB Local stopped for the test, continued after it whatever happens."""
    pid = stack.backend_pid("DynamoDBLocal")
    os.kill(pid, signal.SIGSTOP)
    try:
        yield stack
    finally:
        os.kill(pid, signal.SIGCONT)
        eventually(
            lambda: stack.call("GET", "/v1/health/ready").status_code == 200,
            timeout=30,
            what="the stack's readiness after DynamoDB Local was thawed",
        )


def _timed_get(stack: Stack, path: str, token: str | None = None) -> tuple[requests.Response, float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    started = time.monotonic()
    response = requests.get(stack.api + path, headers=headers, timeout=BOUND_SECONDS * 3)
    return response, time.monotonic() - started


def test_a_request_answers_503_within_the_bound_while_dynamodb_is_frozen(
    frozen_dynamodb: Stack, acme_admin: str
) -> None:
    # given DynamoDB Local frozen
    # when acme's administrator lists organizations
    response, elapsed = _timed_get(frozen_dynamodb, "/v1/admin/organizations", acme_admin)
    # then the answer is 503 with Retry-After, within the clients' bound
    print(f"request with DynamoDB frozen: {response.status_code} in {elapsed:.1f} s")  # noqa: T201 - the figure
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert elapsed < BOUND_SECONDS + SLACK_SECONDS


def test_readiness_names_the_table_while_dynamodb_is_frozen(frozen_dynamodb: Stack) -> None:
    # given DynamoDB Local frozen
    # when readiness is asked
    response, elapsed = _timed_get(frozen_dynamodb, "/v1/health/ready")
    # then it is 503 naming the table, the queues answering, after one short probe
    print(f"readiness with DynamoDB frozen: {response.status_code} in {elapsed:.1f} s")  # noqa: T201 - the figure
    assert response.status_code == 503, response.text
    assert response.json()["dependencies"] == {
        "table": "unavailable",
        "queue:audit": "ok",
        "queue:pricing": "ok",
        "queue:order-workflow": "ok",
        "queue:erp-inbound": "ok",
    }
    assert elapsed < 1.0 + SLACK_SECONDS


def test_readiness_says_ready_when_everything_answers(stack: Stack) -> None:
    # given the running stack
    # when readiness is asked
    response = stack.call("GET", "/v1/health/ready")
    # then every dependency answers
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "ready",
        "dependencies": {
            "table": "ok",
            "queue:audit": "ok",
            "queue:pricing": "ok",
            "queue:order-workflow": "ok",
            "queue:erp-inbound": "ok",
        },
    }
