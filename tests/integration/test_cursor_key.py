"""The cursor key of a deployed API: read from Secrets Manager by ARN (moto), once per process."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest

from chalicelib.platform.aws import reset_clients
from chalicelib.platform.errors import Unprocessable
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.settings import reset_settings

from .conftest import Moto

POSITION = {"PK": {"S": "T#acme#ORG"}, "SK": {"S": "org_01"}}


@pytest.fixture
def key_by_arn(mocked_aws: Moto, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    secrets = boto3.client("secretsmanager", region_name="eu-west-1")
    arn = secrets.create_secret(Name="kontor-test-cursor-key", SecretString="k" * 64)["ARN"]
    monkeypatch.delenv("KONTOR_CURSOR_SECRET")
    monkeypatch.setenv("KONTOR_CURSOR_SECRET_ARN", arn)
    reset_settings()
    reset_clients()
    yield arn
    secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    reset_settings()
    reset_clients()


def test_a_cursor_signed_with_the_secret_key_round_trips(key_by_arn: str) -> None:
    # when a cursor is made and read back with the key from Secrets Manager
    cursor = encode_cursor(POSITION, "acme|GET /v1/admin/organizations|{}")

    # then it continues where it left off
    assert decode_cursor(cursor, "acme|GET /v1/admin/organizations|{}") == POSITION


def test_after_the_key_is_rotated_old_cursors_are_refused(key_by_arn: str) -> None:
    # given a cursor signed with the current key
    cursor = encode_cursor(POSITION, "acme|route|{}")

    # when the key is rotated and a new process reads it
    boto3.client("secretsmanager", region_name="eu-west-1").put_secret_value(
        SecretId=key_by_arn, SecretString="r" * 64
    )
    reset_clients()

    # then the old cursor is refused (a client starts its list again)
    with pytest.raises(Unprocessable):
        decode_cursor(cursor, "acme|route|{}")
