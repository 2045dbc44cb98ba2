"""Products' media and documents: pre-signed uploads to S3 (moto), completion, downloads, changes."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from .conftest import Api, Table, upload_as_browser
from .support import assert_problem, error_locs, ulid_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 56
UNKNOWN_PRODUCT = "prd_01J00000000000000000000000"
UNKNOWN_MEDIA = "med_01J00000000000000000000000"


def media_body(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "image",
        "filename": "bolt front.png",
        "content_type": "image/png",
        "size": len(PNG),
        "title": {"en": "Hex bolt, front", "de-AT": "Sechskantschraube"},
        **overrides,
    }


def certificate_body(**overrides: Any) -> dict[str, Any]:
    fields = {
        "kind": "certificate",
        "filename": "ISO 9001.pdf",
        "content_type": "application/pdf",
        "size": 1000,
        "issuer": "TÜV Süd",
        "valid_until": "2028-06-30",
    }
    return media_body(**{**fields, **overrides})


@pytest.fixture
def token(make_tenant: Callable[..., str]) -> str:
    return make_tenant("acme")


@pytest.fixture
def product(
    token: str, make_organization: Callable[..., dict[str, Any]], make_product: Callable[..., dict[str, Any]]
) -> str:
    return str(make_product(token, make_organization(token)["id"])["id"])


@pytest.fixture
def media_path(product: str, media_bucket: str) -> str:
    return f"/v1/admin/products/{product}/media"


@pytest.fixture
def created(api: Api, token: str, media_path: str) -> dict[str, Any]:
    reply = api.call("POST", media_path, token=token, body=media_body())
    assert reply.status == 201, reply.body
    return dict(reply.body)


@pytest.fixture
def ready(api: Api, token: str, media_path: str, created: dict[str, Any]) -> dict[str, Any]:
    upload_as_browser(created["upload"], PNG)
    reply = api.call("POST", f"{media_path}/{created['id']}/completion", token=token)
    assert reply.status == 200, reply.body
    return dict(reply.body)


def test_adding_media_answers_a_pending_record_and_an_upload_form_fenced_to_the_tenant(
    api: Api, token: str, media_path: str, product: str
) -> None:
    # when
    reply = api.call("POST", media_path, token=token, body=media_body())

    # then
    assert reply.status == 201, reply.body
    media = reply.body
    assert ulid_of("med").match(media["id"])
    assert (media["status"], media["product_id"], media["version"]) == ("pending", product, 1)
    assert media["object_key"] == f"tenants/acme/products/{product}/{media['id']}/file"
    assert reply.headers["Location"] == f"{media_path}/{media['id']}"
    fields = media["upload"]["fields"]
    assert (fields["key"], fields["Content-Type"]) == (media["object_key"], "image/png")


def test_the_upload_policy_fixes_the_type_and_the_exact_size_and_expires_soon(
    created: dict[str, Any],
) -> None:
    # when
    policy = json.loads(base64.b64decode(created["upload"]["fields"]["policy"]))

    # then
    assert {"Content-Type": "image/png"} in policy["conditions"]
    assert ["content-length-range", len(PNG), len(PNG)] in policy["conditions"]
    assert policy["expiration"][:16] == created["upload"]["expires_at"][:16]


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"content_type": "image/gif"}, "body.content_type"),
        ({"kind": "document", "content_type": "image/png"}, "body.content_type"),
        ({"size": 10 * 1024 * 1024 + 1}, "body.size"),
        ({"size": 0}, "body.size"),
        ({"kind": "video"}, "body.kind"),
        ({"filename": "../../etc/passwd"}, "body.filename"),
        ({"title": {}}, "body.title"),
        ({"issuer": "TÜV"}, "body.issuer"),
        ({"valid_until": "2028-01-01"}, "body.valid_until"),
        ({"object_key": "tenants/nordic/x"}, "body.object_key"),
    ],
)
def test_a_file_its_kind_does_not_allow_is_422_and_nothing_is_written(
    api: Api, token: str, table: Table, media_path: str, overrides: dict[str, Any], loc: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("POST", media_path, token=token, body=media_body(**overrides))

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


def test_a_certificate_needs_its_issuer_and_expiry(api: Api, token: str, media_path: str) -> None:
    # when
    reply = api.call("POST", media_path, token=token, body=certificate_body(issuer=None, valid_until=None))

    # then
    assert error_locs(reply) == ["body.issuer", "body.valid_until"]


def test_media_of_a_product_that_does_not_exist_is_404(api: Api, token: str, media_bucket: str) -> None:
    # when
    reply = api.call("POST", f"/v1/admin/products/{UNKNOWN_PRODUCT}/media", token=token, body=media_body())

    # then
    assert_problem(reply, 404)


def test_completion_before_the_upload_is_422_and_the_media_stays_pending(
    api: Api, token: str, media_path: str, created: dict[str, Any]
) -> None:
    # when
    reply = api.call("POST", f"{media_path}/{created['id']}/completion", token=token)

    # then
    assert error_locs(reply) == ["upload"]
    assert api.call("GET", f"{media_path}/{created['id']}", token=token).body["status"] == "pending"


def test_completion_of_a_file_of_another_size_is_422(
    api: Api, token: str, media_path: str, created: dict[str, Any]
) -> None:
    # given a file longer than declared reached the bucket (moto does not enforce the policy; S3 does)
    upload_as_browser(created["upload"], PNG + b"more")

    # when
    reply = api.call("POST", f"{media_path}/{created['id']}/completion", token=token)

    # then
    assert "bytes" in assert_problem(reply, 422)["errors"][0]["msg"]


def test_completion_of_a_file_that_is_not_its_declared_type_is_422(
    api: Api, token: str, media_path: str, created: dict[str, Any]
) -> None:
    # given an HTML page of the declared size, uploaded as image/png
    upload_as_browser(created["upload"], b"<script>alert(1)</script>".ljust(len(PNG)))

    # when
    reply = api.call("POST", f"{media_path}/{created['id']}/completion", token=token)

    # then
    assert "image/png" in assert_problem(reply, 422)["errors"][0]["msg"]
    assert api.call("GET", f"{media_path}/{created['id']}", token=token).body["status"] == "pending"


def test_a_completed_upload_is_ready_and_its_link_downloads_the_version_checked(
    api: Api, token: str, media_path: str, ready: dict[str, Any], media_bucket: str
) -> None:
    # when
    reply = api.call("GET", f"{media_path}/{ready['id']}", token=token)

    # then
    assert (reply.body["status"], reply.body["version"]) == ("ready", 2)
    link = urlsplit(reply.body["download"]["url"])
    query = parse_qs(link.query)
    assert link.path.endswith(ready["object_key"])
    assert query["versionId"] == [ready["object_version"]]
    assert query["response-content-type"] == ["image/png"]
    assert "filename*=UTF-8''bolt%20front.png" in query["response-content-disposition"][0]
    assert int(query["X-Amz-Expires"][0]) <= 300
    s3 = boto3.client("s3", region_name="eu-west-1")
    stored = s3.get_object(Bucket=media_bucket, Key=ready["object_key"], VersionId=ready["object_version"])
    assert stored["Body"].read() == PNG


def test_completion_removes_the_pending_tag_so_the_lifecycle_keeps_the_file(
    ready: dict[str, Any], media_bucket: str
) -> None:
    # when
    s3 = boto3.client("s3", region_name="eu-west-1")
    tags = s3.get_object_tagging(
        Bucket=media_bucket, Key=ready["object_key"], VersionId=ready["object_version"]
    )

    # then
    assert tags["TagSet"] == []


def test_a_pending_media_has_no_download_link(
    api: Api, token: str, media_path: str, created: dict[str, Any]
) -> None:
    # when
    reply = api.call("GET", f"{media_path}/{created['id']}", token=token)

    # then
    assert reply.body["download"] is None


def test_a_product_lists_its_media(
    api: Api, token: str, media_path: str, ready: dict[str, Any], created: dict[str, Any]
) -> None:
    # given a second, pending media
    pending = api.call("POST", media_path, token=token, body=certificate_body()).body

    # when
    reply = api.call("GET", media_path, token=token)

    # then
    assert [(item["id"], item["status"]) for item in reply.body["items"]] == [
        (ready["id"], "ready"),
        (pending["id"], "pending"),
    ]


def test_a_certificate_s_expiry_and_title_change_with_the_version_read(
    api: Api, token: str, media_path: str
) -> None:
    # given
    certificate = api.call("POST", media_path, token=token, body=certificate_body()).body

    # when
    reply = api.call(
        "PATCH",
        f"{media_path}/{certificate['id']}",
        token=token,
        body={"valid_until": "2029-12-31", "title": {"en": "ISO 9001"}, "version": 1},
    )

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["valid_until"], reply.body["title"], reply.body["version"]) == (
        "2029-12-31",
        {"en": "ISO 9001"},
        2,
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"issuer": "TÜV", "version": 1}, 422),  # an image has no issuer
        ({"title": None, "version": 1}, 422),
        ({"size": 1, "version": 1}, 422),  # the file stays what was uploaded
        ({"title": {"en": "Late"}, "version": 7}, 412),
    ],
)
def test_a_change_a_media_cannot_take_is_refused_and_changes_nothing(
    api: Api,
    token: str,
    table: Table,
    media_path: str,
    created: dict[str, Any],
    body: dict[str, Any],
    status: int,
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("PATCH", f"{media_path}/{created['id']}", token=token, body=body)

    # then
    assert_problem(reply, status)
    assert table.writes() == before


def test_deleting_a_media_deletes_its_record_and_every_version_of_its_file(
    api: Api, token: str, media_path: str, ready: dict[str, Any], media_bucket: str
) -> None:
    # given
    s3 = boto3.client("s3", region_name="eu-west-1")

    # when
    reply = api.call("DELETE", f"{media_path}/{ready['id']}", token=token, headers={"If-Match": '"2"'})

    # then
    assert reply.status == 204
    assert_problem(api.call("GET", f"{media_path}/{ready['id']}", token=token), 404)
    listed = s3.list_object_versions(Bucket=media_bucket, Prefix=ready["object_key"])
    assert listed.get("Versions", []) == []
    assert listed.get("DeleteMarkers", []) == []


def test_an_unknown_media_is_404(api: Api, token: str, media_path: str) -> None:
    # when / then
    assert_problem(api.call("GET", f"{media_path}/{UNKNOWN_MEDIA}", token=token), 404)


def test_another_tenant_s_product_is_404(
    api: Api, make_tenant: Callable[..., str], media_path: str, created: dict[str, Any]
) -> None:
    # given
    nordic = make_tenant("nordic")

    # when / then
    assert_problem(api.call("GET", media_path, token=nordic), 404)
    assert_problem(api.call("GET", f"{media_path}/{created['id']}", token=nordic), 404)


def test_each_change_puts_its_event_in_the_outbox(
    api: Api, token: str, table: Table, media_path: str, ready: dict[str, Any]
) -> None:
    # when
    api.call("DELETE", f"{media_path}/{ready['id']}", token=token, headers={"If-Match": '"2"'})

    # then
    media_events = [event["type"] for event in table.events("acme") if event["entity_id"] == ready["id"]]
    assert media_events == ["product_media.created", "product_media.updated", "product_media.deleted"]
