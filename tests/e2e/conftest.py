"""E2E fixtures: one local stack for the whole session, and acme data made over HTTP.

The stack is the real ``make run`` runner (DynamoDB Local, moto SQS, the API and the pollers) on free
ports with a throwaway data folder, a copy of one seeded once (``seeded_data``). At the end it is
stopped with SIGINT and must exit cleanly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.platform.queues import dead_letter_name

from .stack import SMALL_CATALOG, AuditQueue, Stack, copy_of, seeded_template, settings_pointed_at
from .support import organization_body, website_body


@pytest.fixture(scope="session")
def stack(seeded_data: Callable[[str], Path]) -> Iterator[Stack]:
    running = Stack(seeded_data("stack"), SMALL_CATALOG)
    if running.dynamodb != "dynamodb-local":
        running.stop()
        pytest.fail("the e2e tier runs on DynamoDB Local: it needs Java 17 and `npm ci`")
    yield running
    assert running.stop() == 0, running.output()


@pytest.fixture(scope="session")
def seeded_data(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A data folder named ``name`` for a stack: a copy of one seeded (small catalog) and settled once,
    instead of each stack seeding again. ``make test`` seeds it once for both halves of the tier
    (``E2E_TEMPLATE``, `make e2e-template`); otherwise the session does, on the first call."""
    named = os.environ.get("E2E_TEMPLATE")
    template = Path(named) if named else None

    def copy(name: str) -> Path:
        nonlocal template
        if template is None:
            template = seeded_template(tmp_path_factory.mktemp("template") / "data", SMALL_CATALOG)
        return copy_of(template, tmp_path_factory.mktemp(name) / "data")

    return copy


@pytest.fixture(scope="session")
def acme_admin(stack: Stack) -> str:
    return stack.token("acme", "admin@acme.example")


@pytest.fixture(scope="session")
def nordic_admin(stack: Stack) -> str:
    return stack.token("nordic", "admin@nordic.example")


@pytest.fixture
def organization(stack: Stack, acme_admin: str) -> dict[str, Any]:
    response = stack.call("POST", "/v1/admin/organizations", token=acme_admin, json=organization_body())
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.fixture
def website(stack: Stack, acme_admin: str, organization: dict[str, Any]) -> dict[str, Any]:
    body = website_body(organization["id"])
    response = stack.call("POST", "/v1/admin/websites", token=acme_admin, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.fixture
def stack_settings(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """This process's settings pointed at the stack, to invoke the app's handlers in-process."""
    with settings_pointed_at(stack, monkeypatch):
        yield stack


@pytest.fixture(scope="session")
def sqs(stack: Stack) -> Any:
    import boto3

    return boto3.client(
        "sqs",
        endpoint_url=stack.environment["KONTOR_SQS_ENDPOINT"],
        region_name=stack.environment["AWS_REGION"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


@pytest.fixture(scope="session")
def audit_queue(stack: Stack, sqs: Any) -> AuditQueue:
    name = f"{stack.environment['KONTOR_QUEUE_PREFIX']}-audit"
    return AuditQueue(
        url=sqs.get_queue_url(QueueName=name)["QueueUrl"],
        dead_letters=sqs.get_queue_url(QueueName=dead_letter_name(name))["QueueUrl"],
    )


@pytest.fixture(scope="session")
def audit_progress(stack: Stack, acme_admin: str) -> Callable[[], object]:
    """Acme's newest audit entry: the demo seed's and the tests' events are mostly acme's."""
    return lambda: stack.newest_audit(acme_admin)
