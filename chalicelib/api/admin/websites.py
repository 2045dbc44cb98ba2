"""Tenant staff: websites, and their effective settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.hostnames import HostnameStatus, WebsiteHostnames
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import OrganizationId
from chalicelib.domain.tenancy import EffectiveSettings, Website, WebsiteFields, WebsitePatch
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services import websites
else:
    websites = lazy_module("chalicelib.services.websites")

blueprint = Blueprint(__name__)
TAGS = ("websites",)
ITEM = "/v1/admin/websites/{website_id}"


class WebsiteQuery(ListQuery):
    organization_id: OrganizationId | None = None


@route(
    blueprint,
    "/v1/admin/websites",
    "POST",
    permission=Permission.WEBSITES_WRITE,
    summary="Create a website",
    tags=TAGS,
    body=WebsiteFields,
    response=Website,
    status=201,
    idempotent=True,
)
def create_website(request: RouteRequest) -> Website:
    return websites.create_website(request.caller, request.body, request.idempotency)


@route(
    blueprint,
    "/v1/admin/websites",
    "GET",
    permission=Permission.WEBSITES_READ,
    summary="List websites, optionally of one organization",
    tags=TAGS,
    query=WebsiteQuery,
    response=Listing[Website],
)
def list_websites(request: RouteRequest) -> Listing[Website]:
    return websites.list_websites(request.caller, request.page(), request.query.organization_id)


@route(
    blueprint,
    ITEM,
    "GET",
    permission=Permission.WEBSITES_READ,
    summary="Get a website",
    tags=TAGS,
    response=Website,
)
def get_website(request: RouteRequest) -> Website:
    return websites.get_website(request.caller, request.params["website_id"])


@route(
    blueprint,
    ITEM,
    "PATCH",
    permission=Permission.WEBSITES_WRITE,
    summary="Change a website (send the version read, as If-Match or version)",
    tags=TAGS,
    body=WebsitePatch,
    response=Website,
    versioned=True,
)
def update_website(request: RouteRequest) -> Website:
    return websites.update_website(
        request.caller, request.params["website_id"], request.body, request.expected_version()
    )


@route(
    blueprint,
    ITEM,
    "DELETE",
    permission=Permission.WEBSITES_WRITE,
    summary="Delete a website and release its hostnames (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_website(request: RouteRequest) -> None:
    websites.delete_website(request.caller, request.params["website_id"], request.expected_version())


@route(
    blueprint,
    ITEM + "/effective-settings",
    "GET",
    permission=Permission.WEBSITES_READ,
    summary="Settings after inheritance tenant -> organization -> website, with each value's source",
    tags=TAGS,
    response=EffectiveSettings,
)
def get_effective_settings(request: RouteRequest) -> EffectiveSettings:
    return websites.get_effective_settings(request.caller, request.params["website_id"])


@route(
    blueprint,
    ITEM + "/hostnames",
    "GET",
    permission=Permission.WEBSITES_READ,
    summary="The website's hostnames, pending or verified, and the DNS TXT record that proves each",
    tags=TAGS,
    response=WebsiteHostnames,
)
def get_hostnames(request: RouteRequest) -> WebsiteHostnames:
    return websites.get_hostnames(request.caller, request.params["website_id"])


@route(
    blueprint,
    ITEM + "/hostnames/{hostname}/verification",
    "POST",
    permission=Permission.WEBSITES_WRITE,
    summary="Check a hostname's DNS challenge; once found, the hostname serves the website (409 if "
    "another website's hostname already)",
    tags=TAGS,
    response=HostnameStatus,
)
def verify_hostname(request: RouteRequest) -> HostnameStatus:
    return websites.verify_hostname(request.caller, request.params["website_id"], request.params["hostname"])
