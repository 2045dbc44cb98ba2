"""Shared fixtures: the test stage's environment is exported before anything reads settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

TEST_ENV = {
    "KONTOR_STAGE": "test",
    "KONTOR_TABLE": "kontor-test",
    "KONTOR_QUEUE_PREFIX": "kontor-test",
    "KONTOR_CURSOR_SECRET": "test-cursor-secret-0123456789",
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "POWERTOOLS_METRICS_DISABLED": "true",
}
for _name in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
    del os.environ[_name]
os.environ.pop("KONTOR_DYNAMODB_ENDPOINT", None)
os.environ.pop("KONTOR_SQS_ENDPOINT", None)
os.environ.update(TEST_ENV)


@pytest.fixture(scope="session")
def dev_issuer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from chalicelib.platform.dev_issuer import ensure_key_pair

    directory = tmp_path_factory.mktemp("dev-issuer")
    ensure_key_pair(directory)
    os.environ["KONTOR_DEV_ISSUER_DIR"] = str(directory)
    return directory


@pytest.fixture(scope="session", autouse=True)
def dns_records_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file of TXT records standing in for DNS: no test ever asks real DNS."""
    path = tmp_path_factory.mktemp("dns") / "records.json"
    os.environ["KONTOR_DNS_RECORDS_FILE"] = str(path)
    return path
