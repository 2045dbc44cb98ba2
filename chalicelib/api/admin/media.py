"""Tenant staff: products' media and documents, uploaded and downloaded through pre-signed S3 URLs.

The product's organization is known only once the product is read, so the service checks the staff
grant's reach (404 for a product of an organization the grant does not reach).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.catalog.media import MediaFields, MediaPatch, MediaUpload, MediaView
from chalicelib.domain.permissions import Permission
from chalicelib.platform.lazy import lazy_module
from chalicelib.platform.pagination import Listing, ListQuery

if TYPE_CHECKING:
    from chalicelib.services.catalog import media
else:
    media = lazy_module("chalicelib.services.catalog.media")

blueprint = Blueprint(__name__)
TAGS = ("product-media",)
MEDIA = "/v1/admin/products/{product_id}/media"
ITEM = MEDIA + "/{media_id}"


@route(
    blueprint,
    MEDIA,
    "POST",
    permission=Permission.CATALOG_WRITE,
    summary="Add a media or document to a product: a pending record and a pre-signed S3 upload form",
    tags=TAGS,
    body=MediaFields,
    response=MediaUpload,
    status=201,
    idempotent=True,
)
def create_media(request: RouteRequest) -> MediaUpload:
    return media.create_media(request.caller, request.params["product_id"], request.body, request.idempotency)


@route(
    blueprint,
    MEDIA,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="List a product's media and documents (ready ones with a short-lived download link)",
    tags=TAGS,
    query=ListQuery,
    response=Listing[MediaView],
)
def list_media(request: RouteRequest) -> Listing[MediaView]:
    return media.list_media(request.caller, request.params["product_id"], request.page())


@route(
    blueprint,
    ITEM,
    "GET",
    permission=Permission.CATALOG_READ,
    summary="Get a media or document (a ready one with a short-lived download link)",
    tags=TAGS,
    response=MediaView,
)
def get_media(request: RouteRequest) -> MediaView:
    return media.get_media(request.caller, request.params["product_id"], request.params["media_id"])


@route(
    blueprint,
    ITEM + "/completion",
    "POST",
    permission=Permission.CATALOG_WRITE,
    summary="Mark the upload complete: the file must be in S3 with the declared size and type",
    tags=TAGS,
    response=MediaView,
)
def complete_upload(request: RouteRequest) -> MediaView:
    return media.complete_upload(request.caller, request.params["product_id"], request.params["media_id"])


@route(
    blueprint,
    ITEM,
    "PATCH",
    permission=Permission.CATALOG_WRITE,
    summary="Change a media's title or a certificate's issuer and expiry (send the version read)",
    tags=TAGS,
    body=MediaPatch,
    response=MediaView,
    versioned=True,
)
def update_media(request: RouteRequest) -> MediaView:
    return media.update_media(
        request.caller,
        request.params["product_id"],
        request.params["media_id"],
        request.body,
        request.expected_version(),
    )


@route(
    blueprint,
    ITEM,
    "DELETE",
    permission=Permission.CATALOG_WRITE,
    summary="Delete a media and its file (If-Match required)",
    tags=TAGS,
    status=204,
    versioned=True,
)
def delete_media(request: RouteRequest) -> None:
    media.delete_media(
        request.caller, request.params["product_id"], request.params["media_id"], request.expected_version()
    )
