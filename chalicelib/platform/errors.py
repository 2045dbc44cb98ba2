"""Problem errors (RFC 9457) and their mapping to responses: the one place errors become HTTP.

Services raise these; :func:`problem_response` renders them. Expected 4xx are logged at info,
anything else at error with the exception, and no stack trace ever reaches a client.
"""

from __future__ import annotations

import json
from typing import Any

from chalice import Response
from pydantic import ValidationError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://kontor.dev/problems/"


class Problem(Exception):  # noqa: N818 - an RFC 9457 problem, not a Python error condition
    status = 500
    code = "internal-error"
    title = "Internal server error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        extensions: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.extensions = extensions or {}
        self.headers = headers or {}

    def body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            **self.extensions,
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
        }
        if self.detail:
            body["detail"] = self.detail
        if instance:
            body["instance"] = instance
        return body


class BadRequest(Problem):
    status, code, title = 400, "bad-request", "Bad request"


class Unauthorized(Problem):
    status, code, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="kontor"'})


class Forbidden(Problem):
    status, code, title = 403, "forbidden", "Not allowed"


class TenantSuspended(Forbidden):
    code, title = "tenant-suspended", "Tenant suspended"

    def __init__(self) -> None:
        super().__init__("this tenant is suspended; its platform operator can reactivate it")


class NotFound(Problem):
    status, code, title = 404, "not-found", "Not found"


class MethodNotAllowed(Problem):
    status, code, title = 405, "method-not-allowed", "Method not allowed"

    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(f"{method} is not served here", headers={"Allow": ", ".join(sorted(allowed))})


class Conflict(Problem):
    status, code, title = 409, "conflict", "Conflict"


class HostnameNotProven(Conflict):
    code, title = "hostname-not-proven", "The hostname's DNS challenge was not found"


class PreconditionFailed(Problem):
    status, code, title = 412, "stale-version", "The resource has changed"

    def __init__(self, current_version: int) -> None:
        super().__init__(
            f"the current version is {current_version}; reload and apply your change to it",
            extensions={"current_version": current_version},
        )


class PayloadTooLarge(Problem):
    status, code, title = 413, "payload-too-large", "Request body too large"


class UnsupportedMediaType(Problem):
    status, code, title = 415, "unsupported-media-type", "Unsupported media type"


class Unprocessable(Problem):
    status, code, title = 422, "validation-error", "The request is not valid"

    def __init__(self, errors: list[dict[str, Any]], detail: str | None = None) -> None:
        super().__init__(detail or f"{len(errors)} invalid field(s)", extensions={"errors": errors})

    @classmethod
    def field(cls, location: str, message: str, error_type: str = "value_error") -> Unprocessable:
        return cls([{"loc": location, "msg": message, "type": error_type}])


class IdempotencyKeyReused(Problem):
    status, code, title = 422, "idempotency-key-reused", "Idempotency-Key reused with another request"


class ServiceUnavailable(Problem):
    status, code, title = 503, "unavailable", "Service temporarily unavailable"

    def __init__(self, retry_after_seconds: int = 1) -> None:
        super().__init__(headers={"Retry-After": str(retry_after_seconds)})


def validation_problem(error: ValidationError, source: str) -> Unprocessable:
    """Turn pydantic's errors into field errors with paths like ``body.currencies[1]``."""
    errors = []
    for item in error.errors(include_url=False, include_input=False, include_context=False):
        location = source
        for part in item["loc"]:
            location += f"[{part}]" if isinstance(part, int) else f".{part}"
        errors.append({"loc": location, "msg": item["msg"], "type": item["type"]})
    return Unprocessable(errors)


def problem_response(problem: Problem, instance: str | None = None) -> Response:
    headers: dict[str, str | list[str]] = {"Content-Type": PROBLEM_CONTENT_TYPE, **problem.headers}
    return Response(body=json.dumps(problem.body(instance)), status_code=problem.status, headers=headers)


class PreconditionRequired(Problem):
    status, code, title = 428, "version-required", "The current version is required"

    def __init__(self) -> None:
        super().__init__("send the version you read, in an If-Match header or a version field")
