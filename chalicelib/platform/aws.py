"""AWS clients, created on first use and cached (nothing is built at import)."""

from __future__ import annotations

from functools import cache
from typing import Any

from chalicelib.platform.settings import get_settings


@cache
def sqs_client() -> Any:
    import boto3

    settings = get_settings()
    return boto3.client("sqs", region_name=settings.aws_region, endpoint_url=settings.sqs_endpoint)


@cache
def s3_client() -> Any:
    """S3 with Signature Version 4 (what pre-signed POST policies need); path-style on a local endpoint."""
    import boto3
    from botocore.config import Config

    settings = get_settings()
    addressing = "path" if settings.s3_endpoint else "virtual"
    return boto3.client(
        "s3",
        region_name=settings.aws_region,
        endpoint_url=settings.s3_endpoint,
        config=Config(signature_version="s3v4", s3={"addressing_style": addressing}),
    )


@cache
def queue_url(queue_name: str) -> str:
    return str(sqs_client().get_queue_url(QueueName=queue_name)["QueueUrl"])


@cache
def secret_string(secret_arn: str) -> str:
    """A Secrets Manager secret, read once per process (the role may read only the secrets it needs)."""
    import boto3

    client = boto3.client("secretsmanager", region_name=get_settings().aws_region)
    return str(client.get_secret_value(SecretId=secret_arn)["SecretString"])


def reset_clients() -> None:
    sqs_client.cache_clear()
    s3_client.cache_clear()
    queue_url.cache_clear()
    secret_string.cache_clear()
