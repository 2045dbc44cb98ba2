"""Requests no route serves, answered as problems like every other refusal.

An unknown path never reaches the function: API Gateway answers it with the gateway response the
stack defines from :data:`UNKNOWN_PATH` (``local/gateway.py`` does the same locally). A known path
with a method it does not serve does reach it (the deployed API sends every method of a known path
to the function), and Chalice answers 405 in its own shape: the middleware here turns that into a
problem with the ``Allow`` header.
"""

from __future__ import annotations

from collections.abc import Callable

from chalice import Blueprint, Response
from chalice.app import Request

from chalicelib.api.routing import correlation_id_of, problem_instance
from chalicelib.platform.errors import MethodNotAllowed, NotFound, problem_response

UNKNOWN_PATH = NotFound("no resource at this path")
_CHALICE_METHOD_NOT_ALLOWED = "MethodNotAllowedError"

blueprint = Blueprint(__name__)


@blueprint.middleware("http")
def method_not_allowed_as_problem(request: Request, get_response: Callable[[Request], Response]) -> Response:
    response = get_response(request)
    body = response.body
    if (
        response.status_code == 405
        and isinstance(body, dict)
        and body.get("Code") == _CHALICE_METHOD_NOT_ALLOWED
    ):
        allowed = str(response.headers.get("Allow", "")).split(", ")
        correlation_id = correlation_id_of(request.headers)
        refused = problem_response(
            MethodNotAllowed(request.method, allowed), problem_instance(correlation_id)
        )
        refused.headers["X-Correlation-Id"] = correlation_id
        return refused
    return response
