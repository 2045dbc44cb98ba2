"""chalicelib.platform.errors: RFC 9457 problem bodies, field paths and responses."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.tenancy import TenantCreate, WebsiteFields
from chalicelib.platform.errors import (
    PROBLEM_CONTENT_TYPE,
    BadRequest,
    Conflict,
    Forbidden,
    IdempotencyKeyReused,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    Problem,
    ServiceUnavailable,
    Unauthorized,
    Unprocessable,
    UnsupportedMediaType,
    problem_response,
    validation_problem,
)

WEBSITE = {
    "organization_id": "org_01JD0000000000000000000000",
    "name": "Acme",
    "country": "CH",
    "currencies": ["CHF"],
    "locales": ["de-CH"],
}


@pytest.mark.parametrize(
    ("problem", "status", "code"),
    [
        (Problem(), 500, "internal-error"),
        (BadRequest(), 400, "bad-request"),
        (Unauthorized(), 401, "unauthorized"),
        (Forbidden(), 403, "forbidden"),
        (NotFound(), 404, "not-found"),
        (Conflict(), 409, "conflict"),
        (PreconditionFailed(7), 412, "stale-version"),
        (PayloadTooLarge(), 413, "payload-too-large"),
        (UnsupportedMediaType(), 415, "unsupported-media-type"),
        (Unprocessable([]), 422, "validation-error"),
        (IdempotencyKeyReused(), 422, "idempotency-key-reused"),
        (PreconditionRequired(), 428, "version-required"),
        (ServiceUnavailable(), 503, "service-unavailable"),
    ],
)
def test_problem_type_uri_and_status(problem: Problem, status: int, code: str) -> None:
    # given a problem of some kind
    # when its body is rendered
    body = problem.body()
    # then it carries a type URI, a title and the HTTP status
    assert (body["type"], body["status"], bool(body["title"])) == (
        f"https://kontor.dev/problems/{code}",
        status,
        True,
    )


@pytest.mark.parametrize(
    ("problem", "instance", "body"),
    [
        pytest.param(
            NotFound(),
            None,
            {"type": "https://kontor.dev/problems/not-found", "title": "Not found", "status": 404},
            id="no-detail",
        ),
        pytest.param(
            Conflict("hostname 'a.example' is already taken"),
            "/v1/admin/websites",
            {
                "type": "https://kontor.dev/problems/conflict",
                "title": "Conflict",
                "status": 409,
                "detail": "hostname 'a.example' is already taken",
                "instance": "/v1/admin/websites",
            },
            id="detail-and-instance",
        ),
        pytest.param(
            Forbidden("no", extensions={"permission": "websites.write"}),
            None,
            {
                "type": "https://kontor.dev/problems/forbidden",
                "title": "Not allowed",
                "status": 403,
                "detail": "no",
                "permission": "websites.write",
            },
            id="extension-members",
        ),
    ],
)
def test_problem_body_shape(problem: Problem, instance: str | None, body: dict[str, Any]) -> None:
    # given a problem with or without detail, instance and extensions
    # when its body is rendered
    rendered = problem.body(instance)
    # then optional members appear only when set, extensions at the top level
    assert rendered == body


def test_precondition_failed_carries_the_current_version() -> None:
    # given a stale update of a resource now at version 7
    problem = PreconditionFailed(7)
    # when its body is rendered
    body = problem.body()
    # then it says which version is current
    assert (body["status"], body["current_version"]) == (412, 7)


def test_unauthorized_has_a_bearer_challenge() -> None:
    # given a request without valid credentials
    problem = Unauthorized("a bearer token is required")
    # when its response is rendered
    response = problem_response(problem)
    # then it challenges for a bearer token
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="kontor"'


def test_service_unavailable_says_when_to_retry() -> None:
    # given a throttled dependency
    problem = ServiceUnavailable(retry_after_seconds=5)
    # when its response is rendered
    response = problem_response(problem)
    # then it carries Retry-After
    assert (response.status_code, response.headers["Retry-After"]) == (503, "5")


@pytest.mark.parametrize("problem", [NotFound(), Unauthorized(), PreconditionFailed(2), Unprocessable([])])
def test_problem_response_is_problem_json(problem: Problem) -> None:
    # given any problem
    # when its response is rendered
    response = problem_response(problem, "/v1/x")
    # then it is application/problem+json with the problem's status and body
    assert (response.headers["Content-Type"], response.status_code, json.loads(response.body)) == (
        PROBLEM_CONTENT_TYPE,
        problem.status,
        problem.body("/v1/x"),
    )


def test_unprocessable_field_is_one_error() -> None:
    # given a single invalid field
    problem = Unprocessable.field("query.cursor", "cursor is not valid", "cursor_invalid")
    # when its body is rendered
    body = problem.body()
    # then it lists that one error with its location
    assert (body["detail"], body["errors"]) == (
        "1 invalid field(s)",
        [{"loc": "query.cursor", "msg": "cursor is not valid", "type": "cursor_invalid"}],
    )


def _errors_of(model: type[Any], data: dict[str, Any], source: str) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as raised:
        model.model_validate(data)
    errors: list[dict[str, Any]] = validation_problem(raised.value, source).extensions["errors"]
    return errors


@pytest.mark.parametrize(
    ("model", "data", "source", "locations"),
    [
        pytest.param(
            WebsiteFields,
            WEBSITE | {"currencies": ["CHF", "DEM"]},
            "body",
            ["body.currencies[1]"],
            id="index",
        ),
        pytest.param(WebsiteFields, WEBSITE | {"country": "EU"}, "body", ["body.country"], id="field"),
        pytest.param(
            WebsiteFields,
            WEBSITE | {"locale_fallbacks": {"de-CH": ["de-CH", "xx"]}},
            "body",
            ["body.locale_fallbacks.de-CH[1]"],
            id="nested-dict-list",
        ),
        pytest.param(
            TenantCreate,
            {
                "id": "acme",
                "name": "Acme",
                "settings": {"default_currency": "EUR", "default_locale": "en", "timezone": "Mars"},
                "admin_email": "a@acme.example",
                "admin_name": "A",
            },
            "body",
            ["body.settings.timezone"],
            id="nested-model",
        ),
        pytest.param(
            WebsiteFields,
            WEBSITE | {"default_currency": "EUR"},
            "body",
            ["body.default_currency"],
            id="model-level",
        ),
        pytest.param(WebsiteFields, WEBSITE | {"bogus": 1}, "query", ["query.bogus"], id="source-prefix"),
    ],
)
def test_validation_problem_paths(
    model: type[Any], data: dict[str, Any], source: str, locations: list[str]
) -> None:
    # given an input that fails validation
    # when the pydantic error becomes a problem
    errors = _errors_of(model, data, source)
    # then each field error has a path like body.currencies[1]
    assert [error["loc"] for error in errors] == locations


def test_validation_problem_counts_and_types_errors() -> None:
    # given a body with two invalid fields
    errors = _errors_of(WebsiteFields, WEBSITE | {"country": "EU", "active": "yes"}, "body")
    # when they are inspected
    summary = [(error["loc"], error["type"]) for error in errors]
    # then both are reported, with pydantic's error types
    assert summary == [("body.country", "value_error"), ("body.active", "bool_type")]


def test_validation_problem_leaves_out_the_input_member() -> None:
    # given a body whose invalid value is long and should not be sent back
    errors = _errors_of(WebsiteFields, WEBSITE | {"name": "x" * 201 + "SECRET"}, "body")
    # when the errors are serialized
    text = json.dumps(errors)
    # then pydantic's input (and url, ctx) members are not in them
    assert ("SECRET" in text, sorted(errors[0])) == (False, ["loc", "msg", "type"])
