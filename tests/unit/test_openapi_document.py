"""The OpenAPI document built from the route table: valid 3.1, complete, and faithful to each route."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from chalicelib.api.openapi import build_openapi
from chalicelib.platform.pagination import DEFAULT_LIMIT, MAX_LIMIT


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_openapi()


def parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in operation["parameters"] if p["name"] == name)
    return found


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    # given the built document / when it is validated / then no error is raised
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_served_route_is_documented_under_its_handler_name(document: dict[str, Any]) -> None:
    # given every route the app serves
    from app import app

    served = {
        (path, method.lower(), entry.view_name)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
    }

    # when the document's operations are listed
    documented = {
        (path, method, operation["operationId"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }

    # then both are the same
    assert documented == served


def test_a_public_route_needs_no_token(document: dict[str, Any]) -> None:
    # given the public health route
    operation = document["paths"]["/v1/health"]["get"]

    # then it declares no security and no 401/403
    assert "security" not in operation
    assert not {"401", "403"} & operation["responses"].keys()


def test_an_authenticated_route_declares_bearer_security_and_its_permission(document: dict[str, Any]) -> None:
    # given a staff route
    operation = document["paths"]["/v1/admin/organizations"]["get"]

    # then it needs a bearer token, names its permission, and may answer 401 and 403
    assert operation["security"] == [{"bearer": []}]
    assert "organizations.read" in operation["description"]
    assert {"401", "403"} <= operation["responses"].keys()


def test_a_body_route_documents_its_body_and_its_body_refusals(document: dict[str, Any]) -> None:
    # given a create route
    operation = document["paths"]["/v1/admin/organizations"]["post"]

    # then its body refers to the input model and the body's refusals are listed
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OrganizationFields"
    }
    assert {"400", "413", "415", "422"} <= operation["responses"].keys()


def test_a_refusal_is_a_problem_body(document: dict[str, Any]) -> None:
    # given the response a 404 refers to
    name = document["paths"]["/v1/admin/organizations/{organization_id}"]["get"]["responses"]["404"]
    response = document["components"]["responses"][name["$ref"].rsplit("/", 1)[1]]

    # then it is application/problem+json with the Problem schema and carries the correlation id
    problem = response["content"]["application/problem+json"]
    assert problem["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert "X-Correlation-Id" in response["headers"]


def test_a_create_answers_201_with_etag_and_replay_headers(document: dict[str, Any]) -> None:
    # given an idempotent create
    operation = document["paths"]["/v1/admin/websites"]["post"]

    # then it takes an optional Idempotency-Key and its 201 names the headers it may carry
    assert parameter(operation, "Idempotency-Key")["required"] is False
    headers = operation["responses"]["201"]["headers"]
    assert {"ETag", "Idempotent-Replayed", "X-Correlation-Id"} <= headers.keys()


def test_a_versioned_patch_takes_if_match_or_the_body_version(document: dict[str, Any]) -> None:
    # given a versioned PATCH whose body has a version field
    operation = document["paths"]["/v1/admin/websites/{website_id}"]["patch"]

    # then If-Match is optional and stale or missing versions are documented
    assert parameter(operation, "If-Match")["required"] is False
    assert {"412", "428"} <= operation["responses"].keys()


def test_a_versioned_delete_requires_if_match(document: dict[str, Any]) -> None:
    # given a versioned DELETE, which has no body to carry the version
    operation = document["paths"]["/v1/admin/websites/{website_id}"]["delete"]

    # then If-Match is required and the success has no content
    assert parameter(operation, "If-Match")["required"] is True
    assert "content" not in operation["responses"]["204"]


def test_a_list_route_documents_limit_and_cursor_with_their_bounds(document: dict[str, Any]) -> None:
    # given a list route
    operation = document["paths"]["/v1/admin/websites"]["get"]

    # then limit and cursor are query parameters with the pagination bounds, never null
    assert parameter(operation, "limit")["schema"] == {
        "default": DEFAULT_LIMIT,
        "maximum": MAX_LIMIT,
        "minimum": 1,
        "title": "Limit",
        "type": "integer",
    }
    cursor = parameter(operation, "cursor")["schema"]
    assert cursor == {"maxLength": 2048, "title": "Cursor", "type": "string"}
    assert parameter(operation, "organization_id")["in"] == "query"


def test_response_schemas_require_fields_that_have_defaults(document: dict[str, Any]) -> None:
    # given a response model with defaulted fields, also used (as input) by a request body
    schemas = document["components"]["schemas"]

    # then the response's schema requires them, and the input's does not
    assert "timezone" in schemas["TenantSettings-Output"]["required"]
    assert "timezone" not in schemas["TenantSettings-Input"]["required"]


def test_every_path_parameter_declares_the_pattern_and_length_the_route_enforces(
    document: dict[str, Any],
) -> None:
    # given the patterns and lengths routes check before anything is read
    from chalicelib.api.parameters import PATH_PARAMETERS

    # when the document's path parameters are listed
    declared = [
        (path, p["name"], p["schema"])
        for path, operations in document["paths"].items()
        for operation in operations.values()
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    ]

    # then each carries its parameter's pattern and maxLength
    assert declared
    for path, name, schema in declared:
        enforced = PATH_PARAMETERS[name]
        assert (schema["pattern"], schema["maxLength"]) == (enforced.pattern, enforced.max_length), path


def test_the_public_host_lookup_declares_dns_limits(document: dict[str, Any]) -> None:
    # given the public lookup of a website by host
    operation = document["paths"]["/v1/public/websites/by-host/{hostname}"]["get"]

    # when its path parameter is read
    schema = parameter(operation, "hostname")["schema"]

    # then a host name is at most 253 characters of labels of at most 63
    assert schema["maxLength"] == 253
    assert "{0,61}" in schema["pattern"]


@pytest.mark.parametrize("path", ["/v1/store/catalog/categories", "/v1/public/catalog/categories"])
def test_a_shop_route_names_its_host_header_and_answers_404_without_a_path_parameter(
    document: dict[str, Any], path: str
) -> None:
    # given a storefront catalog route, which has no path parameter
    operation = document["paths"][path]["get"]

    # when its parameters and responses are read / then the shop's header and the 404 are there
    assert parameter(operation, "X-Kontor-Host")["in"] == "header"
    assert "404" in operation["responses"]
