"""Readiness: whether the table and every consumer queue answer now, each asked once and briefly.

The liveness check (``/v1/health``) asks nothing of anyone; this one is for a load balancer, a deploy
or an operator wanting to know which dependency is down. It names dependencies by their role only
(``table``, ``queue:audit``), never by table name, URL or account.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from chalicelib.domain.readiness import DependencyStatus, Readiness
from chalicelib.platform.aws import probe_queue
from chalicelib.platform.errors import RETRY_AFTER_OUTAGE_SECONDS, ServiceUnavailable
from chalicelib.platform.observability import logger
from chalicelib.platform.queues import CONSUMER_QUEUES
from chalicelib.platform.settings import get_settings
from chalicelib.store.table import probe_table


def _probes() -> dict[str, Callable[[], None]]:
    settings = get_settings()
    queues = {f"queue:{name}": partial(probe_queue, settings.queue_name(name)) for name in CONSUMER_QUEUES}
    return {"table": probe_table, **queues}


def _status(name: str, probe: Callable[[], None]) -> DependencyStatus:
    try:
        probe()
    except Exception as error:
        logger().warning("dependency unavailable", extra={"dependency": name, "cause": repr(error)})
        return "unavailable"
    return "ok"


def readiness() -> Readiness:
    """Every dependency's status; 503 naming the ones that did not answer."""
    dependencies = {name: _status(name, probe) for name, probe in _probes().items()}
    failed = sorted(name for name, status in dependencies.items() if status != "ok")
    if failed:
        raise ServiceUnavailable(
            RETRY_AFTER_OUTAGE_SECONDS,
            f"not ready: {', '.join(failed)} did not answer",
            extensions={"dependencies": dependencies},
        )
    return Readiness(status="ready", dependencies=dependencies)
