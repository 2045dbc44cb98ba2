"""Powertools logger, metrics and (only when tracing is on) tracer, created lazily.

The X-Ray SDK import builds botocore clients (~110 ms off Lambda), so the tracer is created only
when ``KONTOR_TRACING`` is true. Tokens and whole events are never logged.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from chalicelib.platform.settings import get_settings

SERVICE = "kontor"


@cache
def logger() -> Any:
    from aws_lambda_powertools import Logger

    return Logger(service=SERVICE)


@cache
def metrics() -> Any:
    from aws_lambda_powertools import Metrics

    return Metrics(namespace="Kontor", service=SERVICE)


@cache
def tracer() -> Any | None:
    if not get_settings().tracing:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


def bind_request(*, tenant_id: str | None, actor: str | None, correlation_id: str | None) -> None:
    """Attach the request's tenant, principal and correlation id to every log line."""
    log = logger()
    log.remove_keys(["tenant_id", "actor", "correlation_id"])
    log.append_keys(tenant_id=tenant_id, actor=actor, correlation_id=correlation_id)
