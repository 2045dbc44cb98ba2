"""The media table: which files each kind takes, where they are stored, how they are checked and named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.catalog.media import (
    MEDIA_RULES,
    MediaFields,
    MediaKind,
    content_disposition,
    content_problems,
    object_key,
    upload_problems,
)


def fields(**overrides: Any) -> MediaFields:
    body = {
        "kind": "image",
        "filename": "a.png",
        "content_type": "image/png",
        "size": 10,
        "title": {"en": "A"},
    }
    return MediaFields.model_validate_json(json.dumps({**body, **overrides}))  # as the API parses it


@pytest.mark.parametrize(
    ("kind", "content_type", "size"),
    [
        ("image", "image/jpeg", 10 * 1024 * 1024),
        ("image", "image/webp", 1),
        ("document", "application/pdf", 25 * 1024 * 1024),
        ("certificate", "image/png", 1),
    ],
)
def test_a_file_within_its_kind_s_types_and_size_is_taken(kind: str, content_type: str, size: int) -> None:
    # given
    certificate = {"issuer": "TÜV", "valid_until": "2030-01-01"} if kind == "certificate" else {}

    # when
    media = fields(kind=kind, content_type=content_type, size=size, **certificate)

    # then
    assert media.kind == MediaKind(kind)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"content_type": "image/svg+xml"}, "content_type"),  # scripts inside: never served as an image
        ({"kind": "document", "content_type": "image/png"}, "content_type"),
        ({"size": 10 * 1024 * 1024 + 1}, "size"),
        ({"kind": "document", "content_type": "application/pdf", "size": 25 * 1024 * 1024 + 1}, "size"),
        ({"filename": "a/b.png"}, "filename"),
        ({"filename": "a\\b.png"}, "filename"),
    ],
)
def test_a_file_outside_its_kind_s_table_is_refused(overrides: dict[str, Any], field: str) -> None:
    # when
    with pytest.raises(ValidationError) as refused:
        fields(**overrides)

    # then
    assert [error["loc"] for error in refused.value.errors()] == [(field,)]


def test_every_kind_has_a_rule() -> None:
    # then
    assert set(MEDIA_RULES) == set(MediaKind)


def test_the_object_key_is_fenced_by_tenant_and_holds_nothing_the_uploader_wrote() -> None:
    # when
    key = object_key("acme", "prd_1", "med_2")

    # then
    assert key == "tenants/acme/products/prd_1/med_2/file"


def test_a_file_name_is_offered_whole_and_as_an_ascii_fallback() -> None:
    # when
    disposition = content_disposition(fields(filename='Größe "M8".png'))

    # then
    assert disposition == (
        "inline; filename=\"Gr__e__M8_.png\"; filename*=UTF-8''Gr%C3%B6%C3%9Fe%20%22M8%22.png"
    )


@pytest.mark.parametrize(
    ("size", "content_type", "problems"),
    [
        (10, "image/png", 0),
        (None, None, 1),
        (11, "image/png", 1),
        (10, "image/jpeg", 1),
        (11, "text/html", 2),
    ],
)
def test_an_upload_is_the_declared_file_only_with_its_size_and_type(
    size: int | None, content_type: str | None, problems: int
) -> None:
    # when / then
    assert len(upload_problems(fields(), size, content_type)) == problems


@pytest.mark.parametrize(
    ("content_type", "head", "problems"),
    [
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00", 0),
        ("image/jpeg", b"\xff\xd8\xff\xe0", 0),
        ("image/webp", b"RIFF\x10\x00\x00\x00WEBPVP8 ", 0),
        ("image/webp", b"RIFF\x10\x00\x00\x00WAVEfmt ", 1),
        ("image/png", b"<html><script>", 1),
        ("image/png", b"", 1),
    ],
)
def test_a_file_is_its_declared_type_only_if_it_begins_as_that_type_does(
    content_type: str, head: bytes, problems: int
) -> None:
    # when / then
    assert len(content_problems(fields(content_type=content_type), head)) == problems
