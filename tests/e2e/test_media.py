"""Products' media on the local stack: a browser's form upload to S3 (moto's server) with the pre-signed
POST, the completion, and the download through the pre-signed GET."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from .stack import Stack

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.7\n" + b"data sheet " * 100 + b"\n%%EOF\n"


@pytest.fixture
def product(stack: Stack, acme_admin: str, organization: dict[str, Any]) -> str:
    body = {
        "organization_id": organization["id"],
        "sku": f"DS-{uuid.uuid4().hex[:8]}",
        "name": {"en": "Pump"},
    }
    created = stack.call("POST", "/v1/admin/products", token=acme_admin, json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_a_data_sheet_uploads_with_the_presigned_post_and_downloads_with_the_presigned_get(
    stack: Stack, acme_admin: str, product: str
) -> None:
    # given a pending media and its upload form
    path = f"/v1/admin/products/{product}/media"
    body = {
        "kind": "document",
        "filename": "Datenblatt M8 (DE).pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "title": {"en": "Data sheet", "de-AT": "Datenblatt"},
    }
    created = stack.call("POST", path, token=acme_admin, json=body)
    assert created.status_code == 201, created.text
    media, form = created.json(), created.json()["upload"]

    # when the browser posts the form, then asks for the completion
    uploaded = requests.post(
        form["url"], data=form["fields"], files={"file": ("sheet.pdf", PDF, "application/pdf")}, timeout=10
    )
    completed = stack.call("POST", f"{path}/{media['id']}/completion", token=acme_admin)

    # then the media is ready and its link downloads the file as uploaded, under its own name
    assert uploaded.status_code == 204, uploaded.text
    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "ready"
    download = stack.call("GET", f"{path}/{media['id']}", token=acme_admin).json()["download"]
    fetched = requests.get(download["url"], timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == PDF
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''Datenblatt%20M8%20%28DE%29.pdf" in fetched.headers["Content-Disposition"]


def test_a_deleted_media_s_link_downloads_nothing_any_more(
    stack: Stack, acme_admin: str, product: str
) -> None:
    # given a ready image
    path = f"/v1/admin/products/{product}/media"
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    body = {
        "kind": "image",
        "filename": "m8.png",
        "content_type": "image/png",
        "size": len(png),
        "title": {"en": "M8"},
    }
    form = stack.call("POST", path, token=acme_admin, json=body).json()
    requests.post(
        form["upload"]["url"], data=form["upload"]["fields"], files={"file": ("m8.png", png)}, timeout=10
    )
    ready = stack.call("POST", f"{path}/{form['id']}/completion", token=acme_admin).json()

    # when
    deleted = stack.call("DELETE", f"{path}/{form['id']}", token=acme_admin, headers={"If-Match": '"2"'})

    # then
    assert deleted.status_code == 204, deleted.text
    # (S3 answers 403, not 404, for a missing object to a signer that may not list the bucket)
    assert requests.get(ready["download"]["url"], timeout=10).status_code in (403, 404)
