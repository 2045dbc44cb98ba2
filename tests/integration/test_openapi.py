"""The app serves its OpenAPI document, a self-hosted API reference page, and the dev issuer's JWKS."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.platform.settings import reset_settings

if TYPE_CHECKING:
    from tests.integration.conftest import Api

COMMITTED = Path(__file__).parents[2] / "openapi.json"


@pytest.fixture
def http(aws: dict[str, str]) -> Iterator[Any]:
    """The raw test client, for responses that are not JSON."""
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="test") as client:
        yield client.http


@pytest.fixture
def without_dev_issuer(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    monkeypatch.delenv("KONTOR_DEV_ISSUER_DIR")
    reset_settings()
    yield api
    reset_settings()


def test_the_served_document_is_the_committed_one(api: Api) -> None:
    # given the committed openapi.json
    committed = json.loads(COMMITTED.read_text())

    # when the app serves its document
    reply = api.call("GET", "/openapi.json")

    # then they are the same
    assert reply.status == 200
    assert reply.body == committed, "openapi.json is stale: run `make openapi` and commit the result"


def test_the_docs_page_loads_only_files_of_its_own(http: Any) -> None:
    # when the reference page is fetched
    response = http.get("/docs")

    # then it is HTML whose every linked URL is relative to this API
    page = response.body.decode()
    urls = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert urls == ["docs/assets/swagger-ui.css", "docs/assets/swagger-ui-bundle.js"]
    assert not re.search(r"https?://|//", page)


def test_an_asset_is_served_with_its_content_type(http: Any) -> None:
    # when a script of the page is fetched
    response = http.get("/docs/assets/swagger-ui-bundle.js")

    # then it is Swagger UI's bundle, as JavaScript
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"SwaggerUIBundle" in response.body


@pytest.mark.parametrize("name", ["index.html", "..%2F..%2Fapp.py", "swagger-ui-bundle.js.map"])
def test_a_file_outside_the_asset_list_is_not_found(api: Api, name: str) -> None:
    # when a name that is not a listed asset is asked for
    reply = api.call("GET", f"/docs/assets/{name}")

    # then the answer is a 404 problem
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/problem+json"


def test_the_dev_jwks_holds_public_keys_only(api: Api) -> None:
    # when the dev issuer's key set is fetched in the test stage
    reply = api.call("GET", "/v1/dev/jwks.json")

    # then every key names itself and its curve, and none carries a private part
    assert reply.status == 200
    assert reply.body["keys"]
    for key in reply.body["keys"]:
        assert {"kid", "kty", "crv"} <= key.keys()
        assert "d" not in key


def test_the_dev_jwks_is_not_found_without_a_dev_issuer(without_dev_issuer: Api) -> None:
    # when the key set is fetched where no dev issuer is configured
    reply = without_dev_issuer.call("GET", "/v1/dev/jwks.json")

    # then the answer is a 404 problem
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/problem+json"
