"""The OpenAPI 3.1 document, built from the served route table and the pydantic models.

Each operation is derived from its ``route(...)`` declaration (permission, body, query, response,
status, idempotent, versioned), so the document says what the code does; the committed
``openapi.json`` is compared with it in the tests (``make openapi`` rewrites it). This module is
imported only by the docs route and by ``make openapi``, never when the app starts.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue, models_json_schema
from pydantic_core import core_schema

from chalicelib.api.parameters import PATH_PARAMETER, PATH_PARAMETERS, names_in
from chalicelib.api.routing import JSON, RouteSpec
from chalicelib.domain.permissions import Permission
from chalicelib.platform.errors import (
    PROBLEM_CONTENT_TYPE,
    PROBLEM_TYPE_BASE,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    PreconditionRequired,
    Problem,
    ServiceUnavailable,
    Unauthorized,
    Unprocessable,
    UnsupportedMediaType,
)
from chalicelib.services.idempotency import MAX_KEY_LENGTH

API_VERSION = "0.1.0"
"""The contract's version; paths carry the major one (``/v1``)."""

SCHEMAS = "#/components/schemas/"
BEARER = "bearer"

# Problem responses by status: the class whose type, title and status the body carries, and when.
PROBLEMS: dict[int, tuple[type[Problem], str]] = {
    400: (BadRequest, "The body is missing or is not JSON."),
    401: (Unauthorized, "No valid bearer token."),
    403: (Forbidden, "The caller's roles do not grant the route's permission."),
    404: (NotFound, "No such object, or it belongs to another tenant or company."),
    409: (Conflict, "The write conflicts with the stored state (a duplicate, a taken value, dependants)."),
    412: (PreconditionFailed, "The version sent is stale; `current_version` is the one to reload."),
    413: (PayloadTooLarge, "The body exceeds the size limit."),
    415: (UnsupportedMediaType, "The body is not sent as application/json."),
    422: (Unprocessable, "Fields are invalid (see `errors`), or an Idempotency-Key was reused."),
    428: (PreconditionRequired, "The version read is required, as If-Match or a `version` field."),
    503: (
        ServiceUnavailable,
        "A backend is throttling, timing out or unreachable, or the write met a concurrent one; retry"
        " after `Retry-After` seconds (a create with the same Idempotency-Key: a timeout leaves its"
        " outcome unknown).",
    ),
}

# The response component each refusal refers to.
FAILURE_RESPONSES = {status: problem.__name__ for status, (problem, _) in PROBLEMS.items()}

HEADERS: dict[str, dict[str, Any]] = {
    "X-Correlation-Id": {
        "description": "The request's correlation id (the one sent, or a new one): quote it in reports.",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": 'The entity\'s version (`"3"`): send it back as If-Match to change the entity.',
        "schema": {"type": "string"},
    },
    "Location": {
        "description": "Where the created entity lives (`/v1/admin/websites/web_...`).",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored response to an earlier request with the same key.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "WWW-Authenticate": {"description": "The bearer challenge.", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}},
}

# Hand-written: these bodies are assembled by chalicelib.platform.errors, not by a model.
EXTRA_SCHEMAS: dict[str, dict[str, Any]] = {
    "Problem": {
        "type": "object",
        "description": "An RFC 9457 problem; 412 adds `current_version`, field errors (422) add `errors`.",
        "required": ["type", "title", "status"],
        "properties": {
            "type": {"type": "string", "format": "uri", "description": f"{PROBLEM_TYPE_BASE}<code>"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string", "description": "urn:kontor:request:<correlation id>"},
            "errors": {"type": "array", "items": {"$ref": SCHEMAS + "FieldError"}},
            "current_version": {"type": "integer", "minimum": 1},
        },
    },
    "FieldError": {
        "type": "object",
        "required": ["loc", "msg", "type"],
        "properties": {
            "loc": {"type": "string", "description": "Where, e.g. `body.currencies[1]`, `header.If-Match`."},
            "msg": {"type": "string"},
            "type": {"type": "string"},
        },
    },
}


class _ResponsesCarryEveryField(GenerateJsonSchema):
    """Responses are dumped whole, defaults included: in serialization mode every field is required.

    Where that makes a model's two schemas differ, pydantic names them ``<Model>-Input``/``-Output``.
    """

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        return self.mode == "serialization" or super().field_is_required(field, total)


def _served_routes() -> list[tuple[str, RouteSpec]]:
    """(handler name, spec) of every route the app serves, in path and method order.

    The app's table, not ``ROUTES``: a blueprint that is not registered serves nothing.
    """
    from app import app

    served = []
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            spec = getattr(entry.view_function, "kontor_route", None)
            if spec is None:
                raise TypeError(f"{method} {path} is not declared with chalicelib.api.routing.route")
            served.append((entry.view_name, spec))
    return served


def _model(spec: RouteSpec) -> type[BaseModel] | None:
    if spec.response is None or (isinstance(spec.response, type) and issubclass(spec.response, BaseModel)):
        return spec.response
    raise TypeError(f"{spec.name}: the response must be a pydantic model, not {spec.response!r}")


@dataclass(frozen=True)
class _Schemas:
    """References to every body, query and response model, and the definitions they point to."""

    references: Mapping[tuple[Any, JsonSchemaMode], JsonSchemaValue]
    definitions: dict[str, Any]

    @classmethod
    def of(cls, specs: list[RouteSpec]) -> _Schemas:
        models: list[tuple[type[BaseModel], JsonSchemaMode]] = []
        for spec in specs:
            models += [(model, "validation") for model in (spec.body, spec.query) if model is not None]
            response = _model(spec)
            if response is not None:
                models.append((response, "serialization"))
        references, top = models_json_schema(
            list(dict.fromkeys(models)),
            ref_template=SCHEMAS + "{model}",
            schema_generator=_ResponsesCarryEveryField,
        )
        return cls(references, top.get("$defs", {}))

    def ref(self, model: type[BaseModel], mode: JsonSchemaMode) -> JsonSchemaValue:
        return self.references[model, mode]

    def definition(self, model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, Any]:
        found: dict[str, Any] = self.definitions[self.ref(model, mode)["$ref"].removeprefix(SCHEMAS)]
        return found


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query value is never JSON null: drop ``| None`` and the ``None`` default of an optional one."""
    variants = schema.get("anyOf", [])
    if {"type": "null"} not in variants:
        return schema
    rest = {key: value for key, value in schema.items() if key != "anyOf" and value is not None}
    others = [variant for variant in variants if variant != {"type": "null"}]
    return {**rest, **others[0]} if len(others) == 1 else {**rest, "anyOf": others}


def _query_parameters(query: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(query.get("required", ()))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": _without_null(schema),
            **({"description": schema["description"]} if "description" in schema else {}),
        }
        for name, schema in query["properties"].items()
    ]


def _header(name: str, description: str, schema: dict[str, Any], *, required: bool) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": required, "description": description, "schema": schema}


def _parameters(spec: RouteSpec, query: dict[str, Any] | None) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": PATH_PARAMETERS[name].schema()}
        for name in names_in(spec.path)
    ]
    if spec.versioned:
        version_in_body = spec.body is not None and "version" in spec.body.model_fields
        parameters.append(
            _header(
                "If-Match",
                "The version read, as its ETag gave it (`*`: whichever is current); a stale one is 412."
                + (" The body's `version` may carry it instead." if version_in_body else ""),
                {"type": "string"},
                required=not version_in_body,
            )
        )
    if spec.shop:
        parameters.append(
            _header(
                "X-Kontor-Host",
                "The hostname the shop is served at (a verified hostname of one of the tenant's websites); "
                "without it, the request's `Host`. No website serving it: 404.",
                {"type": "string", "maxLength": 253},
                required=False,
            )
        )
    if spec.idempotent:
        parameters.append(
            _header(
                "Idempotency-Key",
                "Makes the create safe to retry: a replay returns the first response; "
                "the same key with another body is 422. Scoped to the caller and the route.",
                {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
                required=False,
            )
        )
    return parameters + (_query_parameters(query) if query is not None else [])


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _success(spec: RouteSpec, schemas: _Schemas) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": HTTPStatus(spec.status).phrase,
        "headers": {"X-Correlation-Id": _ref("headers", "X-Correlation-Id")},
    }
    model = _model(spec)
    if model is not None and spec.status != HTTPStatus.NO_CONTENT:
        response["content"] = {JSON: {"schema": schemas.ref(model, "serialization")}}
        if "version" in model.model_fields:
            response["headers"]["ETag"] = _ref("headers", "ETag")
        if spec.status == HTTPStatus.CREATED and "id" in model.model_fields:
            response["headers"]["Location"] = _ref("headers", "Location")
    if spec.idempotent:
        response["headers"]["Idempotent-Replayed"] = _ref("headers", "Idempotent-Replayed")
    return response


def _failures(spec: RouteSpec) -> dict[str, dict[str, str]]:
    """The refusals a route can answer with, from what it declares (any route: a backend's outage)."""
    statuses: set[int] = {503}
    if spec.permission is not Permission.PUBLIC:
        statuses |= {401, 403}
    if spec.body is not None:
        statuses |= {400, 413, 415, 422}
    if spec.query is not None or spec.idempotent or spec.versioned:
        statuses.add(422)
    if PATH_PARAMETER.search(spec.path) or spec.shop or spec.query_names_records:
        statuses.add(404)
    if spec.method != "GET":
        statuses.add(409)
    if spec.versioned:
        statuses |= {412, 428}
    return {str(status): _ref("responses", FAILURE_RESPONSES[status]) for status in sorted(statuses)}


def _operation(name: str, spec: RouteSpec, schemas: _Schemas) -> dict[str, Any]:
    query = schemas.definition(spec.query, "validation") if spec.query else None
    parameters = _parameters(spec, query)
    operation: dict[str, Any] = {
        "operationId": name,
        "summary": spec.summary,
        "tags": list(spec.tags),
        **({"parameters": parameters} if parameters else {}),
        "responses": {str(spec.status): _success(spec, schemas), **_failures(spec)},
    }
    if spec.body is not None:
        schema = schemas.ref(spec.body, "validation")
        operation["requestBody"] = {"required": True, "content": {JSON: {"schema": schema}}}
    if spec.permission is not Permission.PUBLIC:
        operation["security"] = [{BEARER: []}]
        operation["description"] = f"Needs the permission `{spec.permission.value}`."
    return operation


def _problem_responses() -> dict[str, Any]:
    responses: dict[str, Any] = {
        problem.__name__: {
            "description": f"{problem.title}. {when}",
            "headers": {
                "X-Correlation-Id": _ref("headers", "X-Correlation-Id"),
                **({"WWW-Authenticate": _ref("headers", "WWW-Authenticate")} if status == 401 else {}),
                **({"Retry-After": _ref("headers", "Retry-After")} if status == 503 else {}),
            },
            "content": {
                PROBLEM_CONTENT_TYPE: {
                    "schema": _ref("schemas", "Problem"),
                    "example": {
                        "type": PROBLEM_TYPE_BASE + problem.code,
                        "title": problem.title,
                        "status": status,
                    },
                }
            },
        }
        for status, (problem, when) in PROBLEMS.items()
    }
    return responses


def build_openapi() -> dict[str, Any]:
    """The whole document; handler names are the operation ids, so clients get stable method names."""
    routes = _served_routes()
    names = [name for name, _ in routes]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"handler names are operation ids and must be unique: {duplicates}")
    schemas = _Schemas.of([spec for _, spec in routes])
    paths: dict[str, dict[str, Any]] = {}
    for name, spec in routes:
        paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(name, spec, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kontor",
            "version": API_VERSION,
            "description": (
                "Multi-tenant B2B commerce API. JSON bodies in snake_case; errors are RFC 9457 "
                "`application/problem+json`; lists take `limit` and `cursor` and answer "
                "`{items, next_cursor}`. Send `X-Correlation-Id` to trace a request."
            ),
        },
        "servers": [
            {"url": ".", "description": "Where this document is served from"},
            {"url": "http://127.0.0.1:8000", "description": "The local stack (make run)"},
        ],
        "tags": [{"name": tag} for tag in sorted({tag for _, spec in routes for tag in spec.tags})],
        "paths": paths,
        "components": {
            "schemas": {**schemas.definitions, **EXTRA_SCHEMAS},
            "responses": _problem_responses(),
            "headers": HEADERS,
            "securitySchemes": {
                BEARER: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "An RS256/ES256 JWT of a trusted issuer, with the tenant claim.",
                }
            },
        },
    }


def render() -> str:
    """The document as committed in ``openapi.json``: sorted keys, so any change shows as a diff."""
    return json.dumps(build_openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
