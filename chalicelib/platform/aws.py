"""AWS clients, created on first use and cached (nothing is built at import).

Every client, PynamoDB's included (``store/table.py``), waits for an AWS answer at most
:data:`CONNECT_TIMEOUT_SECONDS` to connect and :data:`READ_TIMEOUT_SECONDS` for each read, and makes at
most :data:`MAX_ATTEMPTS` attempts in botocore's ``standard`` retry mode, so a request meeting a stalled
backend answers (503, see ``platform.errors.unavailable_problem``) well within the API function's
15 s timeout (API Gateway's is 29 s). The arithmetic, for one call to a backend that never answers:

    attempts x (connect + read) + backoffs       = 3 x (1 s + 2 s) + (1 s + 2 s) = 12 s at most,

the backoffs being ``standard`` mode's random ``[0, 1) x 2^(attempt - 1)`` s before the 2nd and 3rd
attempts. A backend that accepts connections but never answers (frozen) costs 3 x 2 s + backoffs, about
6-9 s. DynamoDB answers in milliseconds; 2 s is far beyond its slowest healthy answer, so a healthy
call is never cut short. Throttled calls are retried with the same bounded attempts.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from chalicelib.platform.settings import get_settings

CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 2
MAX_ATTEMPTS = 3  # the first attempt and two retries
# The readiness check asks each dependency once, briefly: it reports, and is asked again soon.
PROBE_TIMEOUT_SECONDS = 1


def client_config(
    *,
    connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
    read_timeout: float = READ_TIMEOUT_SECONDS,
    attempts: int = MAX_ATTEMPTS,
    **options: Any,
) -> Any:
    """A botocore ``Config`` with bounded timeouts and ``standard`` retries (``options`` add to it)."""
    from botocore.config import Config

    retries = {"mode": "standard", "total_max_attempts": attempts}
    return Config(connect_timeout=connect_timeout, read_timeout=read_timeout, retries=retries, **options)


def probe_config() -> Any:
    """One attempt with short timeouts, for the readiness check."""
    return client_config(
        connect_timeout=PROBE_TIMEOUT_SECONDS, read_timeout=PROBE_TIMEOUT_SECONDS, attempts=1
    )


def _sqs(config: Any) -> Any:
    import boto3

    settings = get_settings()
    return boto3.client(
        "sqs", region_name=settings.aws_region, endpoint_url=settings.sqs_endpoint, config=config
    )


@cache
def sqs_client() -> Any:
    return _sqs(client_config())


@cache
def sqs_probe_client() -> Any:
    return _sqs(probe_config())


@cache
def s3_client() -> Any:
    """S3 with Signature Version 4 (what pre-signed POST policies need); path-style on a local endpoint."""
    import boto3

    settings = get_settings()
    addressing = "path" if settings.s3_endpoint else "virtual"
    return boto3.client(
        "s3",
        region_name=settings.aws_region,
        endpoint_url=settings.s3_endpoint,
        config=client_config(signature_version="s3v4", s3={"addressing_style": addressing}),
    )


@cache
def queue_url(queue_name: str) -> str:
    return str(sqs_client().get_queue_url(QueueName=queue_name)["QueueUrl"])


def probe_queue(queue_name: str) -> None:
    """Raise unless SQS answers for this queue (GetQueueUrl, GetQueueAttributes) within the probe's bounds."""
    sqs = sqs_probe_client()
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])


@cache
def secret_string(secret_arn: str) -> str:
    """A Secrets Manager secret, read once per process (the role may read only the secrets it needs)."""
    import boto3

    client = boto3.client("secretsmanager", region_name=get_settings().aws_region, config=client_config())
    return str(client.get_secret_value(SecretId=secret_arn)["SecretString"])


def reset_clients() -> None:
    sqs_client.cache_clear()
    sqs_probe_client.cache_clear()
    s3_client.cache_clear()
    queue_url.cache_clear()
    secret_string.cache_clear()
