"""Chalice's local API Gateway, made to answer as the deployed one does.

- An unknown path is a 404 problem (the stack's gateway response), not Chalice's 403 "Missing
  Authentication Token".
- Path parameters arrive percent-decoded (``%23`` as ``#``), as API Gateway hands them to Lambda.
- A 204 carries no Content-Type or Content-Length (RFC 9110 forbids the latter), where chalice's
  server adds both to any empty body.
- The server takes bursts of parallel connections: beyond the standard library's listen backlog of
  5, the kernel drops them (Linux: the client retries after 1, 3, 7 s) or resets them (macOS).

``create_server`` serves the app with these (``local/run.py``); :class:`GatewayClient` is
``chalice.test.Client`` with the same gateway, for tests that call the app in-process.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    CustomLocalChalice,
    LocalChalice,
    LocalDevServer,
    LocalGateway,
    LocalGatewayException,
    ThreadedHTTPServer,
)
from chalice.test import Client, TestHTTPClient

from chalicelib.api.fallbacks import UNKNOWN_PATH
from chalicelib.api.routing import correlation_id_of, problem_instance
from chalicelib.platform.errors import PROBLEM_CONTENT_TYPE

_BODY_HEADERS = frozenset({"content-type", "content-length"})
# Connections the kernel queues until the server accepts them; Linux caps it at net.core.somaxconn.
LISTEN_BACKLOG = 1024


class UnknownPath(LocalGatewayException):
    """The stack's gateway response for an unknown path (infrastructure/kontor_infra/stack.py)."""

    CODE = UNKNOWN_PATH.status

    def __init__(self, headers: dict[str, Any]) -> None:
        correlation_id = correlation_id_of({name.lower(): value for name, value in headers.items()})
        body = json.dumps(UNKNOWN_PATH.body(problem_instance(correlation_id))).encode()
        super().__init__({"Content-Type": PROBLEM_CONTENT_TYPE, "X-Correlation-Id": correlation_id}, body)


class Gateway(LocalGateway):
    def _generate_lambda_event(
        self, method: str, path: str, headers: dict[str, Any], body: bytes | None
    ) -> dict[str, Any]:
        try:
            event: dict[str, Any] = super()._generate_lambda_event(method, path, headers, body)
        except ValueError:  # chalice's route matcher found no route for the path
            raise UnknownPath(headers) from None
        event["pathParameters"] = {name: unquote(value) for name, value in event["pathParameters"].items()}
        return event


class _RequestHandler(ChaliceRequestHandler):
    def __init__(
        self, request: Any, client_address: Any, server: Any, app_object: Chalice, config: Config
    ) -> None:
        # as ChaliceRequestHandler does, with this gateway: the base class serves the request at once
        self.local_gateway = Gateway(app_object, config)
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def _send_http_response(self, code: int, headers: dict[str, Any], body: str | bytes | None) -> None:
        if code != HTTPStatus.NO_CONTENT:
            super()._send_http_response(code, headers, body)
            return
        self.send_response(code)
        described = {name: value for name, value in headers.items() if name.lower() not in _BODY_HEADERS}
        self._send_headers(described)


class _Server(ThreadedHTTPServer):
    request_queue_size = LISTEN_BACKLOG


def create_server(app: Chalice, config: Config, host: str, port: int) -> LocalDevServer:
    """``chalice.local.create_local_server`` with the gateway and the server above; bound at once."""
    CustomLocalChalice.__bases__ = (LocalChalice, app.__class__)  # a request per thread, as chalice does
    app.__class__ = CustomLocalChalice
    return LocalDevServer(app, config, host, port, handler_cls=_RequestHandler, server_cls=_Server)


class _HTTPClient(TestHTTPClient):
    def __init__(self, app: Chalice, config: Config) -> None:
        super().__init__(app, config)
        self._local_gateway = Gateway(app, config)


class GatewayClient(Client):
    """``chalice.test.Client`` whose HTTP calls go through :class:`Gateway`."""

    @property
    def http(self) -> TestHTTPClient:
        if self._http_client is None:
            self._http_client = _HTTPClient(self._app, self._chalice_config)
        return self._http_client
