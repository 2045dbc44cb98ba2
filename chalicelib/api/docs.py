"""The API describing itself: the OpenAPI document, a Swagger UI page, and the dev issuer's JWKS.

Swagger UI's files come from the pinned ``swagger-ui-bundle-v2`` wheel (the same bytes as npm's
``swagger-ui-dist``), so the page loads nothing from a CDN and the Lambda package carries them.
Every URL on the page is relative, so it also works under an API Gateway stage prefix.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path

from chalice import Blueprint, Response

from chalicelib.api.routing import JSON, RouteRequest, route
from chalicelib.domain.base import View
from chalicelib.domain.permissions import Permission
from chalicelib.platform.errors import NotFound
from chalicelib.platform.settings import DEV_STAGES, get_settings

blueprint = Blueprint(__name__)
TAGS = ("meta",)

# The only files served from the bundle, with their content types: nothing else is reachable.
ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
}

_SCRIPT = 'window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true});'
_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kontor API</title>
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
# The page runs its own files and the one inline script above, nothing else.
_SCRIPT_SHA256 = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
_CSP = (
    "default-src 'self'; "
    f"script-src 'self' 'sha256-{_SCRIPT_SHA256}'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
)


class JsonWebKeySet(View):
    """Public keys as a JWKS document (RFC 7517)."""

    keys: list[dict[str, str]]


@functools.cache
def _openapi_text() -> str:
    """Built once per process, on first request: the build walks every model."""
    from chalicelib.api.openapi import render

    return render()


@functools.cache
def _asset(name: str) -> str:
    from swagger_ui_bundle import swagger_ui_path

    text: str = (swagger_ui_path / name).read_text(encoding="utf-8")
    return text


@route(blueprint, "/openapi.json", "GET", permission=Permission.PUBLIC, summary="This document", tags=TAGS)
def openapi_document(request: RouteRequest) -> Response:
    return Response(body=_openapi_text(), headers={"Content-Type": JSON})


@route(blueprint, "/docs", "GET", permission=Permission.PUBLIC, summary="API reference (HTML)", tags=TAGS)
def docs_page(request: RouteRequest) -> Response:
    return Response(
        body=_PAGE, headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": _CSP}
    )


@route(
    blueprint,
    "/docs/assets/{name}",
    "GET",
    permission=Permission.PUBLIC,
    summary="A static file of the API reference page",
    tags=TAGS,
)
def docs_asset(request: RouteRequest) -> Response:
    name = request.params["name"]
    if name not in ASSETS:
        raise NotFound("no such asset")
    return Response(
        body=_asset(name),
        headers={"Content-Type": ASSETS[name], "Cache-Control": "public, max-age=86400"},
    )


@route(
    blueprint,
    "/v1/dev/jwks.json",
    "GET",
    permission=Permission.PUBLIC,
    summary="Public keys of the local dev token issuer (local and test stages only)",
    tags=TAGS,
    response=JsonWebKeySet,
)
def dev_jwks(request: RouteRequest) -> JsonWebKeySet:
    settings = get_settings()
    if settings.stage not in DEV_STAGES or settings.dev_issuer_dir is None:
        raise NotFound("there is no dev issuer in this stage")
    from chalicelib.platform.dev_issuer import read_jwks

    return JsonWebKeySet.model_validate(read_jwks(Path(settings.dev_issuer_dir)))
