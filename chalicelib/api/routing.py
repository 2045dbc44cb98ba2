"""The one route decorator: parse -> authenticate -> authorize -> call one service -> serialize.

Every route declares its permission, body, query and response models here; the same declarations
feed the OpenAPI document, and a test walks them so no route goes without a permission.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response
from chalice.app import Request as ChaliceRequest
from pydantic import BaseModel, ValidationError
from pydantic_core import from_json

from chalicelib.api.parameters import check_path, names_in
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.base import ANY_VERSION, ExpectedVersion
from chalicelib.domain.permissions import Permission, may_call
from chalicelib.domain.staff import PathTarget, StaffTarget
from chalicelib.platform.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Problem,
    Unprocessable,
    UnsupportedMediaType,
    problem_response,
    unavailable_problem,
    validation_problem,
)
from chalicelib.platform.ids import new_ulid
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.observability import (
    bind_principal,
    emit_request_metrics,
    logger,
    start_request,
    traced,
)
from chalicelib.platform.pagination import ListQuery, PageRequest
from chalicelib.platform.principal import ANONYMOUS, Principal
from chalicelib.platform.settings import get_settings
from chalicelib.services.context import Caller, require_reach

if TYPE_CHECKING:
    from chalicelib.services import idempotency, integrations, principals
else:
    idempotency = lazy_module("chalicelib.services.idempotency")
    principals = lazy_module("chalicelib.services.principals")
    integrations = lazy_module("chalicelib.services.integrations")

JSON = "application/json"
CORRELATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# An entity tag as our ETags write it ("3"), also weak or unquoted; ASCII digits only, never 4,300 of them.
VERSION_TAG = re.compile(r'(?:W/)?(?P<quote>")?(?P<version>[0-9]{1,18})(?(quote)")')


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    permission: Permission | CustomerPermission
    summary: str
    tags: tuple[str, ...]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    idempotent: bool = False
    versioned: bool = False
    target: PathTarget | StaffTarget | None = None  # where a staff grant must reach (None: anywhere)
    created_under: str | None = None  # where a created entity lives, if not under the route's own path
    shop: bool = False  # served on a storefront's website (X-Kontor-Host): 404 where no website serves it
    query_names_records: bool = False  # its query names records (ids): 404 for one out of reach

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


ROUTES: list[RouteSpec] = []


@dataclass
class RouteRequest:
    """What a handler gets: the caller, parsed inputs and path parameters."""

    spec: RouteSpec
    caller: Caller
    params: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    query: Any = None
    idempotency: idempotency.IdempotencyClaim | None = None

    def page(self) -> PageRequest:
        query: ListQuery = self.query
        principal = self.caller.principal
        return PageRequest.of(
            query, tenant_id=principal.tenant_id or "-", route=self.spec.name, actor=principal.actor
        )

    def expected_version(self) -> ExpectedVersion:
        """The version the client read: ``If-Match`` or the body's ``version``; they must agree.

        ``If-Match: *`` admits whichever version is current (RFC 9110, 13.1.1), so a ``version`` in
        the body then decides. A tag is ASCII digits: ``"3"``, ``3`` or ``W/"3"``.
        """
        header = self.headers.get("if-match")
        from_body: int | None = getattr(self.body, "version", None)
        if header is None:
            return from_body
        if header.strip() == ANY_VERSION:
            return ANY_VERSION if from_body is None else from_body
        tag = VERSION_TAG.fullmatch(header.strip())
        if tag is None:
            raise Unprocessable.field("header.If-Match", "must be the entity's version, as its ETag gives it")
        version = int(tag["version"])
        if from_body is not None and from_body != version:
            raise Unprocessable.field("body.version", "differs from the If-Match header")
        return version


def _principal(spec: RouteSpec, request: ChaliceRequest, params: dict[str, str]) -> Principal:
    permission = spec.permission
    if permission is Permission.PUBLIC:
        return ANONYMOUS
    if permission is Permission.ERP_MESSAGES:  # an integration key, never a user's token
        principal = integrations.load_integration(request.headers.get("authorization"))
        bind_principal(tenant_id=principal.tenant_id, actor=principal.actor)
        return principal
    from chalicelib.platform.auth import verify_bearer  # PyJWT and cryptography load on first use

    principal = principals.load_principal(verify_bearer(request.headers.get("authorization")))
    bind_principal(tenant_id=principal.tenant_id, actor=principal.actor)
    if not may_call(principal, permission):
        raise Forbidden(f"this needs the permission {permission.value!r}")
    if principal.staff is not None and isinstance(permission, Permission):
        _check_reach(principal, permission, spec.target, params)
    return principal


def _check_reach(
    principal: Principal,
    permission: Permission,
    target: PathTarget | StaffTarget | None,
    params: dict[str, str],
) -> None:
    """A staff grant limited to organizations or assigned customers must reach the route's record."""
    if principal.staff is None or target is None:
        return
    if isinstance(target, StaffTarget):
        if not principal.staff.access.admits(permission, target):
            raise Forbidden(f"this needs {permission.value!r} without limits")
        return
    require_reach(principal, permission, target.of(params), NotFound(f"{target.noun} not found"))


def _read_json(spec: RouteSpec, raw: bytes, content_type: str) -> Any:
    """The body as a JSON value (RFC 8259: no ``NaN`` nor ``Infinity``), or None for a route without one."""
    if spec.body is None:
        return None
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != JSON and not media_type.endswith("+json"):
        raise UnsupportedMediaType("send the body as application/json")
    if len(raw) > get_settings().max_body_bytes:
        raise PayloadTooLarge(f"the body may hold at most {get_settings().max_body_bytes} bytes")
    if not raw.strip():
        raise BadRequest("a JSON body is required")
    try:
        return from_json(raw, allow_inf_nan=False)
    except ValueError as error:
        raise BadRequest("the body is not valid JSON") from error


def _parse_body(spec: RouteSpec, raw: bytes) -> Any:
    """The body's model, read from the raw JSON: strict types are the JSON ones (a date is a string)."""
    if spec.body is None:
        return None
    try:
        return spec.body.model_validate_json(raw)
    except ValidationError as error:
        raise validation_problem(error, "body") from error


def _parse_query(spec: RouteSpec, request: ChaliceRequest) -> Any:
    if spec.query is None:
        return None
    values = dict(request.query_params or {})
    try:
        return spec.query.model_validate(values)
    except ValidationError as error:
        raise validation_problem(error, "query") from error


def _json_response(path: str, status: int, body: Any, headers: dict[str, str]) -> Response:
    """A JSON response; an entity's carries its version as ETag, a created one its Location."""
    fields = body.model_dump(mode="json") if isinstance(body, BaseModel) else body  # a replay is a dict
    if isinstance(fields, dict):
        if isinstance(fields.get("version"), int):
            headers["ETag"] = f'"{fields["version"]}"'
        if status == 201 and "id" in fields:
            headers["Location"] = f"{path}/{fields['id']}"
    return Response(body=json.dumps(fields), status_code=status, headers={"Content-Type": JSON, **headers})


def correlation_id_of(headers: Mapping[str, str]) -> str:
    """The client's ``X-Correlation-Id`` (keys in lower case), else a new one."""
    sent = headers.get("x-correlation-id", "")
    # A client's id is kept only if it is safe to echo into logs, headers and problem documents.
    return sent if CORRELATION_ID.fullmatch(sent) else new_ulid()


def problem_instance(correlation_id: str) -> str:
    return f"urn:kontor:request:{correlation_id}"


def _handle(
    spec: RouteSpec, handler: Callable[[RouteRequest], Any], blueprint: Blueprint, params: dict[str, str]
) -> Response:
    """Run one request and emit its metrics; the correlation id goes to logs and the response."""
    started = time.perf_counter()
    request = blueprint.current_request
    correlation_id = correlation_id_of(request.headers)
    start_request(correlation_id=correlation_id, route=spec.name)
    with traced(spec.name):
        response = _respond(spec, handler, request, params, correlation_id)
    response.headers["X-Correlation-Id"] = correlation_id
    elapsed_ms = (time.perf_counter() - started) * 1000
    emit_request_metrics(route=spec.name, status=response.status_code, elapsed_ms=elapsed_ms)
    return response


def _respond(
    spec: RouteSpec,
    handler: Callable[[RouteRequest], Any],
    request: ChaliceRequest,
    params: dict[str, str],
    correlation_id: str,
) -> Response:
    path = (spec.created_under or spec.path).format(**params)  # where a created entity is found
    try:
        raw = request.raw_body or b""
        raw_body = raw.encode() if isinstance(raw, str) else raw
        check_path(params)
        principal = _principal(spec, request, params)
        # after the caller is known, as the body: a caller who may not call the route learns nothing
        # of its required query parameters
        query = _parse_query(spec, request)
        document = _read_json(spec, raw_body, request.headers.get("content-type", ""))
        route_request = RouteRequest(
            spec=spec,
            caller=Caller(principal, correlation_id),
            params=params,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=_parse_body(spec, raw_body),
            query=query,
        )
        key = request.headers.get("idempotency-key")
        if spec.idempotent and key is not None:
            claim = idempotency.claim(
                tenant_id=route_request.caller.tenant_id,
                actor=principal.actor,
                route=spec.name,
                key=key,
                body=document,
            )
            route_request.idempotency = claim
            if replay := idempotency.find_replay(claim):
                return _replayed(path, replay)
        try:
            result = handler(route_request)
        except idempotency.IdempotentRequestInFlight:
            # A concurrent request with the same key committed first: answer with its response.
            replay = idempotency.find_replay(route_request.idempotency) if route_request.idempotency else None
            if replay is None:
                raise
            return _replayed(path, replay)
        if principal.integration is not None:  # answered: only now is the key's use recorded
            integrations.record_use(principal)
        if spec.status == HTTPStatus.NO_CONTENT:
            return _no_content()
        if isinstance(result, Response):
            return result
        return _json_response(path, spec.status, result, {})
    except Problem as problem:
        logger().info("request refused", extra={"status": problem.status, "problem": problem.code})
        return problem_response(problem, instance=problem_instance(correlation_id))
    except Exception as error:
        if unavailable := unavailable_problem(error):
            # A backend's outage, not a bug: one line with its cause, no traceback per request.
            logger().warning(
                "backend unavailable",
                extra={
                    "status": unavailable.status,
                    "cause": unavailable.detail,
                    "error": f"{type(error).__name__}: {error}",
                },
            )
            return problem_response(unavailable, instance=problem_instance(correlation_id))
        logger().exception("request failed")
        failure = Problem("the request could not be completed; quote the correlation id when reporting it")
        return problem_response(failure, instance=problem_instance(correlation_id))


def _no_content() -> Response:
    """A 204 has no body, so nothing that describes one (no Content-Type, Content-Length or ETag).

    Every 204 carries the same headers: X-Correlation-Id, added with the other responses'.
    """
    return Response(body="", status_code=HTTPStatus.NO_CONTENT)


def _replayed(path: str, replay: idempotency.StoredResponse) -> Response:
    return _json_response(path, replay.status, replay.body, {"Idempotent-Replayed": "true"})


def route(
    blueprint: Blueprint,
    path: str,
    method: str,
    *,
    permission: Permission | CustomerPermission,
    summary: str,
    tags: tuple[str, ...],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    idempotent: bool = False,
    versioned: bool = False,
    target: PathTarget | StaffTarget | None = None,
    created_under: str | None = None,
    shop: bool = False,
    query_names_records: bool = False,
) -> Callable[[Callable[[RouteRequest], Any]], Callable[..., Response]]:
    spec = RouteSpec(
        path=path,
        method=method,
        permission=permission,
        summary=summary,
        tags=tags,
        body=body,
        query=query,
        response=response,
        status=status,
        idempotent=idempotent,
        versioned=versioned,
        target=target,
        created_under=created_under,
        shop=shop,
        query_names_records=query_names_records,
    )
    names_in(path)  # every path parameter is declared, with its pattern and length
    ROUTES.append(spec)

    def decorator(handler: Callable[[RouteRequest], Any]) -> Callable[..., Response]:
        @functools.wraps(handler)
        def view(**params: str) -> Response:
            return _handle(spec, handler, blueprint, params)

        # Every content type reaches the route, which refuses non-JSON bodies with a problem (415).
        blueprint.route(path, methods=[method], content_types=["*/*"])(view)
        view.kontor_route = spec  # type: ignore[attr-defined]
        return view

    return decorator
