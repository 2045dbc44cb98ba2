"""Powertools logger, EMF metrics and (only when tracing is on) tracer, created lazily.

The X-Ray SDK import builds botocore clients (~110 ms off Lambda), so the tracer is created only
when ``KONTOR_TRACING`` is true. Tokens and whole events are never logged.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from chalicelib.platform.settings import get_settings

SERVICE = "kontor"
NAMESPACE = "Kontor"
# Two Loggers made at once for one service (the local server's first requests arrive in parallel
# threads) leave the cached one with Chalice's plain formatter, and every request of the process
# fails on its first log key.
_LOGGER_LOCK = threading.Lock()


@cache
def _logger() -> Any:
    from aws_lambda_powertools import Logger

    return Logger(service=SERVICE)


def logger() -> Any:
    with _LOGGER_LOCK:
        return _logger()


@cache
def tracer() -> Any | None:
    if not get_settings().tracing:
        return None
    from aws_lambda_powertools import Tracer

    return Tracer(service=SERVICE)


REQUEST_KEYS = ("tenant_id", "actor", "correlation_id", "route")


def start_request(*, correlation_id: str, route: str) -> None:
    """Forget the previous request's log keys (a warm Lambda reuses the logger) and bind this one's."""
    log = logger()
    # Thread-local keys: the local server runs requests and pollers in threads of one process.
    log.thread_safe_remove_keys(list(REQUEST_KEYS))
    log.thread_safe_append_keys(correlation_id=correlation_id, route=route)


@contextmanager
def traced(route: str) -> Iterator[None]:
    """An X-Ray subsegment around one request, annotated with its route (no-op with tracing off).

    Annotations go on a subsegment: Lambda's own segment is a facade that refuses them.
    """
    active_tracer = tracer()
    if active_tracer is None:
        yield
        return
    with active_tracer.provider.in_subsegment(f"## {route}") as subsegment:
        subsegment.put_annotation(key="route", value=route)
        yield


def start_batch() -> None:
    """Forget a request's log keys before a consumer's batch: its lines are about messages, not the
    request a warm process (or the local server's thread) handled before."""
    logger().thread_safe_remove_keys(list(REQUEST_KEYS))


def bind_principal(*, tenant_id: str | None, actor: str) -> None:
    """Add who is calling to every later log line of the request (never their token)."""
    logger().thread_safe_append_keys(tenant_id=tenant_id, actor=actor)


def emit_request_metrics(*, route: str, status: int, elapsed_ms: float) -> None:
    """One EMF record per request: count and latency, by route and status class."""
    from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

    request_metrics = EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)
    request_metrics.add_dimension(name="route", value=route)
    request_metrics.add_dimension(name="status_class", value=f"{status // 100}xx")
    request_metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
    request_metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=elapsed_ms)
    request_metrics.flush_metrics()
