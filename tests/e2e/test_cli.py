"""The ``kontor`` command against the local stack."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest

from chalicelib.cli import main
from chalicelib.platform.ids import new_id

from .stack import AUDIT_STALL_SECONDS, AuditQueue, Stack, eventually, free_ports
from .support import sample_event

pytestmark = pytest.mark.e2e


def test_a_dev_token_is_accepted_by_the_api(stack: Stack, capsys: pytest.CaptureFixture[str]) -> None:
    # given
    argv = ["dev", "token", "--tenant", "acme", "--user", "admin@acme.example"]

    # when
    exit_code = main([*argv, "--key-dir", str(stack.dev_issuer_dir)])

    # then
    token = capsys.readouterr().out.strip()
    assert exit_code == 0
    assert stack.call("GET", "/v1/admin/websites", token=token).status_code == 200


def test_tenant_create_makes_a_tenant_whose_administrator_can_sign_in(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    tenant_id = f"t-{uuid4().hex[:8]}"
    admin = f"admin@{tenant_id}.example"

    # when
    exit_code = main(
        ["tenant", "create", "--id", tenant_id, "--name", "Test Tenant", "--admin-email", admin]
        + ["--admin-name", "Tess Admin", "--currency", "EUR", "--locale", "en", "--timezone", "Europe/Vienna"]
        + ["--api", stack.api, "--key-dir", str(stack.dev_issuer_dir)]
    )

    # then
    assert exit_code == 0
    assert json.loads(capsys.readouterr().out)["id"] == tenant_id
    listed = stack.call("GET", "/v1/admin/websites", token=stack.token(tenant_id, admin))
    assert (listed.status_code, listed.json()["items"]) == (200, [])


def test_replay_dlq_hands_dead_letters_back_to_the_consumer(
    stack: Stack,
    acme_admin: str,
    sqs: Any,
    audit_queue: AuditQueue,
    audit_progress: Callable[[], object],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a valid event that sits in the audit DLQ (as after an outage of the consumer)
    sample = sample_event("sqs-audit-message.json")["Records"][0]
    event = {**json.loads(sample["body"]), "id": new_id("event"), "entity_id": new_id("website")}
    sqs.send_message(QueueUrl=audit_queue.dead_letters, MessageBody=json.dumps(event))

    # when
    exit_code = main(
        ["replay-dlq", "--queue", "audit", "--sqs-endpoint", stack.environment["KONTOR_SQS_ENDPOINT"]]
    )

    # then the consumer gets it again and writes its audit entry
    assert exit_code == 0
    assert capsys.readouterr().out.startswith("moved ")

    entries = eventually(
        lambda: stack.audit_of(acme_admin, event["entity_id"]),
        timeout=AUDIT_STALL_SECONDS,
        what="the replayed event's audit",
        progress=audit_progress,
    )
    assert [entry["id"] for entry in entries] == [event["id"]]


def test_tenant_create_finds_the_api_on_kontor_port_as_make_run_does(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given the port the stack serves on, in the variable `make run` reads it from
    monkeypatch.setenv("KONTOR_PORT", stack.api.rsplit(":", 1)[1])
    tenant_id = f"t-{uuid4().hex[:8]}"

    # when
    exit_code = main(
        [
            "tenant",
            "create",
            "--id",
            tenant_id,
            "--name",
            "Port Tenant",
            "--admin-email",
            f"admin@{tenant_id}.example",
        ]
        + ["--admin-name", "Pat Port", "--currency", "EUR", "--locale", "en"]
        + ["--key-dir", str(stack.dev_issuer_dir)]
    )

    # then
    assert exit_code == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["id"] == tenant_id


def test_replay_dlq_without_sqs_fails_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # given an SQS endpoint nothing listens on
    [port] = free_ports(1)

    # when
    exit_code = main(["replay-dlq", "--queue", "audit", "--sqs-endpoint", f"http://127.0.0.1:{port}"])

    # then
    error = capsys.readouterr().err
    assert exit_code == 1
    assert error.startswith("kontor: cannot replay kontor-local-audit-dlq at http://127.0.0.1:"), error
    assert error.count("\n") == 1, error
