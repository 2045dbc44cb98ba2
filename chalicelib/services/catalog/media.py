"""Media and documents of products: records in the product's partition, files in S3.

A create grants a pre-signed upload and stores the record ``pending``; the client uploads straight to
S3 and asks for the completion, which finds the object with the declared size and type (HeadObject)
and makes the record ``ready``, pinned to the object version it checked. Downloads are pre-signed
links to that version. A media is the record of its product's organization: a staff grant limited to
other organizations gets 404, as for a product that does not exist.
"""

from __future__ import annotations

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.catalog.media import (
    PENDING_TAG_KEY,
    PENDING_TAG_VALUE,
    SIGNATURE_BYTES,
    MediaFields,
    MediaUpload,
    MediaView,
    PresignedGet,
    PresignedPost,
    ProductMedia,
    content_disposition,
    content_problems,
    object_key,
    object_prefix,
    upload_problems,
)
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import StaffTarget
from chalicelib.platform import objects
from chalicelib.platform.errors import NotFound, Unprocessable
from chalicelib.platform.ids import new_id, utc_now
from chalicelib.platform.observability import logger
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.catalog.products import PRODUCT_TYPE
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record, Transaction

MEDIA_TYPE = "product_media"


def _reachable_product(caller: Caller, product: Record | None, permission: Permission) -> str:
    """The product's organization, if the product exists and the caller's grant reaches it (else 404)."""
    if product is None or product.type != PRODUCT_TYPE:
        raise NotFound("product not found")
    organization_id = str(product.data["organization_id"])
    caller.require(permission, StaffTarget(organization_id=organization_id), "product")
    return organization_id


def _media(caller: Caller, product_id: str, media_id: str, permission: Permission) -> ProductMedia:
    """A media of a product the caller reaches: product and media in one BatchGetItem (pattern 61)."""
    product_key = keys.product(caller.tenant_id, product_id)
    media_key = keys.product_media(caller.tenant_id, product_id, media_id)
    found = repository.get_many([product_key, media_key])
    _reachable_product(caller, found.get(product_key), permission)
    record = found.get(media_key)
    if record is None or record.type != MEDIA_TYPE:
        raise NotFound("media not found")
    return entities.to_model(record, ProductMedia)


def _view(media: ProductMedia) -> MediaView:
    """The record, with a download link once its file is there."""
    if media.status != "ready":
        return MediaView.model_validate({**media.model_dump(), "download": None}, strict=False)
    signed = objects.signed_download(
        media.object_key, media.object_version, media.content_type, content_disposition(media)
    )
    download = PresignedGet(url=signed.url, expires_at=signed.expires_at)
    return MediaView.model_validate({**media.model_dump(), "download": download}, strict=False)


def create_media(
    caller: Caller, product_id: str, body: MediaFields, idempotency: IdempotencyClaim | None = None
) -> MediaUpload:
    """A pending media record and the form that uploads its file (the product must still be there)."""
    product = repository.get(keys.product(caller.tenant_id, product_id))
    organization_id = _reachable_product(caller, product, Permission.CATALOG_WRITE)
    media_id = new_id(MEDIA_TYPE)
    key = object_key(caller.tenant_id, product_id, media_id)
    media = ProductMedia.model_validate(
        {
            "id": media_id,
            "version": 1,
            **entities.timestamps(),
            **body.model_dump(),
            "product_id": product_id,
            "organization_id": organization_id,
            "status": "pending",
            "object_key": key,
        },
        strict=False,
    )
    signed = objects.signed_upload(key, media.content_type, media.size, {PENDING_TAG_KEY: PENDING_TAG_VALUE})
    upload = PresignedPost(url=signed.url, fields=signed.fields, expires_at=signed.expires_at)
    response = MediaUpload.model_validate({**media.model_dump(), "upload": upload}, strict=False)
    transaction = Transaction()
    after = entities.stored(media)
    transaction.create(keys.product_media(caller.tenant_id, product_id, media_id), MEDIA_TYPE, after)
    transaction.require(
        keys.product(caller.tenant_id, product_id),
        data_equals={"organization_id": organization_id},
        on_failure=NotFound("product not found"),
    )
    if idempotency:
        idempotency.record(transaction, 201, response.model_dump(mode="json"))
    entities.commit_change(transaction, caller, "created", MEDIA_TYPE, None, after)
    return response


def list_media(caller: Caller, product_id: str, page: PageRequest) -> Listing[MediaView]:
    """A product's media, oldest first (pattern 60), each ready one with its download link."""
    product = repository.get(keys.product(caller.tenant_id, product_id))
    _reachable_product(caller, product, Permission.CATALOG_READ)
    listing = entities.listing(
        keys.product_partition(caller.tenant_id, product_id), ProductMedia, page, sk_prefix=keys.MEDIA_PREFIX
    )
    return Listing[MediaView](
        items=[_view(media) for media in listing.items], next_cursor=listing.next_cursor
    )


def get_media(caller: Caller, product_id: str, media_id: str) -> MediaView:
    return _view(_media(caller, product_id, media_id, Permission.CATALOG_READ))


def complete_upload(caller: Caller, product_id: str, media_id: str) -> MediaView:
    """Ready once S3 holds the declared file, its size, type and first bytes (422, still pending,
    otherwise); asked again, the same."""
    media = _media(caller, product_id, media_id, Permission.CATALOG_WRITE)
    if media.status == "ready":
        return _view(media)
    found = objects.stat(media.object_key)
    problems = upload_problems(media, found.size if found else None, found.content_type if found else None)
    if found is not None and not problems:
        head = objects.read_head(media.object_key, found.version_id, SIGNATURE_BYTES)
        problems = content_problems(media, head)
    if found is None or problems:
        raise Unprocessable(
            [{"loc": "upload", "msg": problem, "type": "value_error"} for problem in problems]
        )
    # Untagged first: should the write below fail, the object merely outlives the lifecycle rule.
    objects.untag(media.object_key, found.version_id)
    ready = media.model_copy(
        update={
            "status": "ready",
            "object_version": found.version_id,
            "version": media.version + 1,
            "updated_at": utc_now(),
        }
    )
    entities.update(
        caller,
        key=keys.product_media(caller.tenant_id, product_id, media_id),
        entity_type=MEDIA_TYPE,
        before=media,
        after=ready,
    )
    return _view(ready)


def update_media(
    caller: Caller, product_id: str, media_id: str, patch: Input, expected_version: ExpectedVersion
) -> MediaView:
    """Change the title or a certificate's issuer and expiry (the file stays what was uploaded)."""
    current = _media(caller, product_id, media_id, Permission.CATALOG_WRITE)
    entities.check_version(current.version, expected_version)
    updated = entities.update(
        caller,
        key=keys.product_media(caller.tenant_id, product_id, media_id),
        entity_type=MEDIA_TYPE,
        before=current,
        after=entities.merge(current, patch, MediaFields),
    )
    return _view(updated)


def delete_media(caller: Caller, product_id: str, media_id: str, expected_version: ExpectedVersion) -> None:
    """Delete the record, then its objects (every version). Should S3 fail after the commit, the
    objects stay orphaned under the media's prefix, named in the log: nothing links to them any more."""
    current = _media(caller, product_id, media_id, Permission.CATALOG_WRITE)
    entities.check_version(current.version, expected_version)
    entities.delete(
        caller,
        key=keys.product_media(caller.tenant_id, product_id, media_id),
        entity_type=MEDIA_TYPE,
        entity=current,
    )
    prefix = object_prefix(caller.tenant_id, product_id, media_id)
    try:
        objects.delete_prefix(prefix)
    except Exception:
        logger().exception("media objects left behind", extra={"prefix": prefix})
