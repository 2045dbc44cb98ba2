"""Media and documents of a product: images, data sheets and certificates, stored as S3 objects.

What may be uploaded is one table (:data:`MEDIA_RULES`): per kind, the content types allowed and the
largest size. A record is ``pending`` from the moment its upload is granted until the object is found
in S3 with the declared size and type (``ready``); only then is it downloadable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import quote

from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from chalicelib.domain.base import Input, LocalizedText, Name, Stamped, Timestamp, View, patch_model

MEGABYTE = 1024 * 1024


class MediaKind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    CERTIFICATE = "certificate"


@dataclass(frozen=True)
class MediaRule:
    content_types: frozenset[str]
    max_bytes: int


MEDIA_RULES: dict[MediaKind, MediaRule] = {
    MediaKind.IMAGE: MediaRule(frozenset({"image/jpeg", "image/png", "image/webp"}), 10 * MEGABYTE),
    MediaKind.DOCUMENT: MediaRule(frozenset({"application/pdf"}), 25 * MEGABYTE),
    MediaKind.CERTIFICATE: MediaRule(
        frozenset({"application/pdf", "image/jpeg", "image/png"}), 25 * MEGABYTE
    ),
}
LARGEST_MEDIA_BYTES = max(rule.max_bytes for rule in MEDIA_RULES.values())
# How each allowed type's files begin ((offset, bytes) pairs): a file is served as the type declared,
# so an HTML page uploaded as "image/png" must not become ready.
SIGNATURES: dict[str, tuple[tuple[int, bytes], ...]] = {
    "image/jpeg": ((0, b"\xff\xd8\xff"),),
    "image/png": ((0, b"\x89PNG\r\n\x1a\n"),),
    "image/webp": ((0, b"RIFF"), (8, b"WEBP")),
    "application/pdf": ((0, b"%PDF-"),),
}
SIGNATURE_BYTES = max(offset + len(magic) for parts in SIGNATURES.values() for offset, magic in parts)

MediaStatus = Literal["pending", "ready"]
# A file's name as the uploader's disk had it: shown and offered when saving, never part of a key.
FileName = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^/\\]+$")]
ContentType = Annotated[str, StringConstraints(min_length=3, max_length=100, to_lower=True)]


class MediaFields(Input):
    """A file to upload for a product; a certificate also says who issued it and until when it is valid."""

    kind: MediaKind
    filename: FileName
    content_type: ContentType
    size: Annotated[int, Field(ge=1, le=LARGEST_MEDIA_BYTES, description="bytes, exactly")]
    title: LocalizedText
    issuer: Name | None = Field(default=None, validate_default=True)
    valid_until: date | None = Field(default=None, validate_default=True)

    @field_validator("content_type")
    @classmethod
    def _type_of_its_kind(cls, value: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind is not None and value not in MEDIA_RULES[kind].content_types:
            raise ValueError(f"a {kind} is one of {', '.join(sorted(MEDIA_RULES[kind].content_types))}")
        return value

    @field_validator("size")
    @classmethod
    def _size_of_its_kind(cls, value: int, info: ValidationInfo) -> int:
        kind = info.data.get("kind")
        if kind is not None and value > MEDIA_RULES[kind].max_bytes:
            raise ValueError(f"a {kind} holds at most {MEDIA_RULES[kind].max_bytes} bytes")
        return value

    @field_validator("issuer", "valid_until")
    @classmethod
    def _certificates_only(cls, value: object, info: ValidationInfo) -> object:
        kind = info.data.get("kind")
        if kind is MediaKind.CERTIFICATE and value is None:
            raise ValueError("a certificate needs it")
        if kind is not None and kind is not MediaKind.CERTIFICATE and value is not None:
            raise ValueError("only a certificate has it")
        return value


class MediaChanges(Input):
    """What changes after the upload: the file itself does not (upload another one instead)."""

    title: LocalizedText
    issuer: Name | None = None
    valid_until: date | None = None


MediaPatch = patch_model(MediaChanges, "MediaPatch")


class ProductMedia(MediaFields, Stamped):
    product_id: str
    organization_id: str
    status: MediaStatus
    object_key: str
    # The S3 version checked at completion: downloads serve exactly it, whatever is uploaded later.
    object_version: str | None = None


class PresignedPost(View):
    """An HTML form upload to S3: POST ``url`` as multipart/form-data with ``fields``, then ``file`` last."""

    url: str
    fields: dict[str, str]
    expires_at: Timestamp


class MediaUpload(ProductMedia):
    """A new media record and the form that uploads its file (then ask for its completion)."""

    upload: PresignedPost


class PresignedGet(View):
    url: str
    expires_at: Timestamp


class MediaView(ProductMedia):
    """A media record; a ready one with a short-lived download link."""

    download: PresignedGet | None = None


MEDIA_ROOT = "tenants/"
# An upload carries this tag until its completion removes it: the bucket's lifecycle deletes objects
# still tagged after a day (uploads never completed).
PENDING_TAG_KEY, PENDING_TAG_VALUE = "kontor-upload", "pending"


def object_prefix(tenant_id: str, product_id: str, media_id: str) -> str:
    """Every object of a tenant lies under ``tenants/<t>/``, so an IAM policy can fence a tenant."""
    return f"{MEDIA_ROOT}{tenant_id}/products/{product_id}/{media_id}/"


def object_key(tenant_id: str, product_id: str, media_id: str) -> str:
    """The uploaded file's key: fixed, so no file name (the uploader's text) is ever part of a key."""
    return object_prefix(tenant_id, product_id, media_id) + "file"


_NOT_TOKEN = re.compile(r"[^A-Za-z0-9!#$&+.^_`|~-]")


def content_disposition(media: MediaFields) -> str:
    """Shown in the browser, saved under its own name (RFC 6266; RFC 8187 for any character)."""
    fallback = _NOT_TOKEN.sub("_", media.filename)
    return f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(media.filename, safe='')}"


def upload_problems(media: MediaFields, found_size: int | None, found_type: str | None) -> list[str]:
    """Why an uploaded object is not the file declared (empty when it is)."""
    if found_size is None:
        return ["nothing was uploaded for this media yet"]
    problems = []
    if found_size != media.size:
        problems.append(f"the uploaded object has {found_size} bytes, not the {media.size} declared")
    if (found_type or "").lower() != media.content_type:
        problems.append(f"the uploaded object is {found_type!r}, not {media.content_type!r}")
    return problems


def content_problems(media: MediaFields, head: bytes) -> list[str]:
    """Why the file's first bytes (:data:`SIGNATURE_BYTES` of them) are not those of its declared type."""
    parts = SIGNATURES[media.content_type]
    if all(head[offset : offset + len(magic)] == magic for offset, magic in parts):
        return []
    return [f"the uploaded file does not begin as a {media.content_type} file does"]
