"""Problem errors (RFC 9457) and their mapping to responses: the one place errors become HTTP.

Services raise these; :func:`problem_response` renders them. Expected 4xx are logged at info, an
AWS backend that is throttling, timing out or unreachable (:func:`unavailable_problem`) at warning
with its cause, anything else at error with the exception; no stack trace ever reaches a client.
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


class CheckoutChanged(Conflict):
    """Placing refused because prices, availability or the total differ from what the buyer reviewed:
    ``changes`` lists every line that changed (and the totals), so the buyer re-reads and confirms."""

    code, title = "checkout-changed", "The checkout changed since it was reviewed"

    def __init__(self, changes: list[dict[str, Any]], grand_total: dict[str, str] | None) -> None:
        super().__init__(
            "prices, availability or the total changed since the review; read the checkout again, "
            "review it and place it at its new version",
            extensions={"changes": changes, "grand_total": grand_total},
        )


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
    status, code, title = 503, "service-unavailable", "Service temporarily unavailable"

    def __init__(
        self,
        retry_after_seconds: int = 1,
        detail: str | None = None,
        *,
        extensions: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail, extensions=extensions, headers={"Retry-After": str(retry_after_seconds)})


# Error codes of AWS services (DynamoDB, SQS, S3, ...) that say "too many requests now", and the
# cancellation reasons of a DynamoDB transaction that say the same of one of its items.
THROTTLING_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "ServiceUnavailable",
    }
)
TRANSIENT_CANCELLATIONS = frozenset(
    {"TransactionConflict", "ProvisionedThroughputExceeded", "ThrottlingError"}
)
# A throttled or contended write may succeed a second later; an unreachable backend takes longer.
RETRY_AFTER_THROTTLED_SECONDS = 1
RETRY_AFTER_OUTAGE_SECONDS = 5


def unavailable_problem(error: BaseException) -> ServiceUnavailable | None:
    """The 503 for a failure of an AWS backend that a later retry can get past, else None.

    Looks through the chain of causes, PynamoDB's wrappers included (they keep botocore's error in
    ``cause``): throttling, a transaction cancelled only for conflicts or throttling, a connect or
    read timeout, an unreachable endpoint or a closed connection. The detail names the cause's kind,
    nothing of the request.
    """
    from botocore.exceptions import ClientError, HTTPClientError
    from botocore.exceptions import ConnectionError as BotocoreConnectionError

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, BotocoreConnectionError | HTTPClientError):
            return ServiceUnavailable(
                RETRY_AFTER_OUTAGE_SECONDS,
                f"a backend did not answer ({type(current).__name__}); retry later",
            )
        if isinstance(current, ClientError):
            code = current.response.get("Error", {}).get("Code", "")
            if code in THROTTLING_CODES or _transiently_cancelled(current, code):
                return ServiceUnavailable(
                    RETRY_AFTER_THROTTLED_SECONDS, f"a backend is busy ({code}); retry shortly"
                )
        wrapped = getattr(current, "cause", None)
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__ or current.__context__
    return None


def _transiently_cancelled(error: Any, code: str) -> bool:
    """A transaction cancelled for no failed condition, only for contention or throttling."""
    if code != "TransactionCanceledException":
        return False
    reasons = getattr(error, "cancellation_reasons", None)
    if reasons is not None:  # PynamoDB's error parses them
        codes = {reason.code for reason in reasons if reason is not None}
    else:  # botocore's keeps them in the response
        codes = {reason.get("Code") for reason in error.response.get("CancellationReasons", [])} - {"None"}
    return bool(codes) and codes <= TRANSIENT_CANCELLATIONS


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


class TransitionNotAllowed(Conflict):
    """An order's workflow does not allow the transition from its current status."""

    code, title = "transition-not-allowed", "The order's status does not allow this"

    def __init__(self, detail: str, status: str, allowed_from: list[str]) -> None:
        super().__init__(detail)
        self.extensions = {"current_status": status, "allowed_from": allowed_from}
