"""Anonymous routes: health and storefront bootstrapping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.base import View
from chalicelib.domain.permissions import Permission
from chalicelib.domain.readiness import Readiness
from chalicelib.domain.tenancy import PublicWebsite
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services import readiness, websites
else:
    readiness = lazy_module("chalicelib.services.readiness")
    websites = lazy_module("chalicelib.services.websites")

blueprint = Blueprint(__name__)


class Health(View):
    status: str


@route(
    blueprint,
    "/v1/health",
    "GET",
    permission=Permission.PUBLIC,
    summary="Liveness",
    tags=("public",),
    response=Health,
)
def health(request: RouteRequest) -> Health:
    return Health(status="ok")


@route(
    blueprint,
    "/v1/health/ready",
    "GET",
    permission=Permission.PUBLIC,
    summary="Readiness: whether the table and the queues answer (503 naming those that do not)",
    tags=("public",),
    response=Readiness,
)
def get_readiness(request: RouteRequest) -> Readiness:
    return readiness.readiness()


@route(
    blueprint,
    "/v1/public/websites/by-host/{hostname}",
    "GET",
    permission=Permission.PUBLIC,
    summary="Public settings of the website serving a host name",
    tags=("public",),
    response=PublicWebsite,
)
def get_website_by_host(request: RouteRequest) -> PublicWebsite:
    return websites.get_public_website(request.params["hostname"])
