"""chalicelib.platform.pagination: signed cursors bound to tenant and query, and list limits."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.platform.errors import Unprocessable
from chalicelib.platform.pagination import (
    DEFAULT_LIMIT,
    ListQuery,
    PageRequest,
    decode_cursor,
    encode_cursor,
)
from chalicelib.platform.settings import reset_settings

BINDING = "acme|GET /v1/admin/websites|{}"
LAST_KEY = {"PK": "T#acme#WEBSITE", "SK": "web_01JD0000000000000000000000"}


@pytest.fixture(autouse=True)
def cursor_secret(fresh_settings: pytest.MonkeyPatch) -> None:
    fresh_settings.setenv("KONTOR_CURSOR_SECRET", "unit-cursor-secret-0123456789")


class WebsiteQuery(ListQuery):
    organization_id: str | None = None


@pytest.mark.parametrize(
    "last_key",
    [
        LAST_KEY,
        {"PK": "T#acme#AUDIT", "SK": "evt_1", "GSI1PK": "T#acme#AUDIT", "GSI1SK": "evt_1"},
        {"PK": "T#acme#ORG", "SK": "org_é/+=?&"},
    ],
)
def test_cursor_round_trips(last_key: dict[str, Any]) -> None:
    # given a page's last evaluated key
    cursor = encode_cursor(last_key, BINDING)
    # when the cursor comes back with the same binding
    position = decode_cursor(cursor, BINDING)
    # then it is the same position
    assert position == last_key


def test_cursor_is_url_safe() -> None:
    # given a key with characters that base64 would turn into + and /
    cursor = encode_cursor({"PK": "T#acme#ORG", "SK": "?>?>?>~~~"}, BINDING)
    # when it is inspected
    unsafe = set(cursor or "") & set("+/ &?#")
    # then it can go into a query string as is
    assert unsafe == set()


@pytest.mark.parametrize("direction", ["encode", "decode"])
def test_no_cursor_passes_through(direction: str) -> None:
    # given no key (last page) or no cursor (first page)
    function = encode_cursor if direction == "encode" else decode_cursor
    # when it is encoded or decoded
    result = function(None, BINDING)
    # then it stays None
    assert result is None


def _flip(cursor: str, index: int) -> str:
    """The cursor with one character changed (another character of the URL-safe alphabet)."""
    return cursor[:index] + ("A" if cursor[index] != "A" else "B") + cursor[index + 1 :]


def _tamper_signature(cursor: str) -> str:
    return _flip(cursor, len(cursor) - 2)


def _swap_position(cursor: str) -> str:
    """Another cursor's text, made for another binding."""
    forged = encode_cursor({"PK": "T#other#WEBSITE", "SK": "web_x"}, "forged")
    assert forged is not None
    return forged


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(_swap_position, id="position-swapped"),
        pytest.param(lambda cursor: _flip(cursor, 0), id="first-character"),
        pytest.param(lambda cursor: _flip(cursor, len(cursor) // 2), id="middle-character"),
        pytest.param(_tamper_signature, id="tag-changed"),
        pytest.param(lambda cursor: cursor[:-1], id="truncated"),
        pytest.param(lambda cursor: cursor[1:], id="first-removed"),
        pytest.param(lambda cursor: cursor + "x", id="extended"),
        pytest.param(lambda cursor: cursor + "!", id="not-the-alphabet"),
        pytest.param(lambda cursor: cursor[:16], id="shorter-than-a-nonce-and-tag"),
        pytest.param(lambda cursor: "garbage", id="garbage"),
        pytest.param(lambda cursor: "", id="empty"),
    ],
)
def test_tampered_cursor_is_unprocessable(forge: Any) -> None:
    # given a cursor altered by the client
    cursor = forge(encode_cursor(LAST_KEY, BINDING))
    # when / then it is refused as an invalid query field
    with pytest.raises(Unprocessable, match="1 invalid field"):
        decode_cursor(cursor, BINDING)


@pytest.mark.parametrize("binding", [BINDING, "acme|staff:ann@acme.example|GET /v1/admin/audit|{}"])
def test_cursor_reveals_no_key(binding: str) -> None:
    # given a cursor of a page that ended at a key of the table
    last_key = {"PK": "T#nordic#AUDIT#org_01JD0000000000000000000000", "SK": "evt_01JD0000000000000000000000"}
    cursor = encode_cursor(last_key, binding) or ""
    # when the client decodes it as well as it can
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    # then nothing of the key or its layout shows
    for fragment in (b"T#nordic", b"nordic", b"AUDIT", b'"PK"', b"evt_01JD", b"org_01JD"):
        assert fragment not in decoded
        assert fragment.decode() not in cursor


def test_the_same_position_gives_different_cursors() -> None:
    # given one position encoded twice
    # when the cursors are compared
    first, second = encode_cursor(LAST_KEY, BINDING), encode_cursor(LAST_KEY, BINDING)
    # then they differ (a fresh nonce each time), and both lead there
    assert first != second
    assert decode_cursor(first, BINDING) == decode_cursor(second, BINDING) == LAST_KEY


def test_tampered_cursor_names_the_cursor_field() -> None:
    # given a forged cursor
    cursor = _tamper_signature(encode_cursor(LAST_KEY, BINDING) or "")
    # when it is decoded
    with pytest.raises(Unprocessable) as raised:
        decode_cursor(cursor, BINDING)
    # then the error points at query.cursor
    assert raised.value.extensions["errors"] == [
        {"loc": "query.cursor", "msg": "cursor is not valid for this query", "type": "cursor_invalid"}
    ]


def test_cursor_with_non_ascii_signature_is_unprocessable() -> None:
    # given a cursor whose signature part has a non-ASCII character
    cursor = (encode_cursor(LAST_KEY, BINDING) or "") + "é"
    # when / then it is refused like any other forged cursor
    with pytest.raises(Unprocessable, match="1 invalid field"):
        decode_cursor(cursor, BINDING)


@pytest.mark.parametrize(
    "other_binding",
    [
        pytest.param("globex|GET /v1/admin/websites|{}", id="other-tenant"),
        pytest.param("acme|GET /v1/admin/organizations|{}", id="other-route"),
        pytest.param('acme|GET /v1/admin/websites|{"organization_id": "org_x"}', id="other-filter"),
    ],
)
def test_cursor_bound_to_another_binding_is_refused(other_binding: str) -> None:
    # given a valid cursor made for one tenant, route and filter
    cursor = encode_cursor(LAST_KEY, BINDING)
    # when / then it is refused for any other
    with pytest.raises(Unprocessable, match="1 invalid field"):
        decode_cursor(cursor, other_binding)


def test_cursor_signed_with_another_secret_is_refused(fresh_settings: pytest.MonkeyPatch) -> None:
    # given a cursor signed before the secret was rotated
    cursor = encode_cursor(LAST_KEY, BINDING)
    fresh_settings.setenv("KONTOR_CURSOR_SECRET", "rotated-cursor-secret-0123456789")
    reset_settings()
    # when / then it no longer verifies
    with pytest.raises(Unprocessable, match="1 invalid field"):
        decode_cursor(cursor, BINDING)


# --- ListQuery ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "limit"),
    [({}, DEFAULT_LIMIT), ({"limit": 1}, 1), ({"limit": 100}, 100), ({"limit": "50"}, 50)],
)
def test_list_query_limit(params: dict[str, Any], limit: int) -> None:
    # given list query parameters (query strings arrive as text)
    # when they are validated
    query = ListQuery.model_validate(params)
    # then the limit defaults to 20 and may be 1..100
    assert query.limit == limit


@pytest.mark.parametrize(
    ("params", "error_type"),
    [
        ({"limit": 0}, "greater_than_equal"),
        ({"limit": 101}, "less_than_equal"),
        ({"limit": -1}, "greater_than_equal"),
        ({"limit": "ten"}, "int_parsing"),
        ({"limit": "1_0"}, "int_parsing"),
        ({"limit": "+10"}, "int_parsing"),
        ({"limit": " 10"}, "int_parsing"),
        ({"limit": "10.0"}, "int_parsing"),
        ({"limit": "\u0661\u0660"}, "int_parsing"),
        ({"cursor": "c" * 2049}, "string_too_long"),
        ({"offset": 10}, "extra_forbidden"),
    ],
)
def test_list_query_refuses(params: dict[str, Any], error_type: str) -> None:
    # given list query parameters out of bounds or unknown
    # when they are validated
    with pytest.raises(ValidationError) as raised:
        ListQuery.model_validate(params)
    # then they are refused
    assert raised.value.errors()[0]["type"] == error_type


@pytest.mark.parametrize(
    ("query", "scope"),
    [
        (ListQuery(), "{}"),
        (ListQuery(limit=5, cursor="abc"), "{}"),
        (WebsiteQuery(), '{"organization_id": null}'),
        (WebsiteQuery(limit=5, cursor="abc", organization_id="org_x"), '{"organization_id": "org_x"}'),
    ],
)
def test_list_query_scope_is_the_filters_only(query: ListQuery, scope: str) -> None:
    # given a list query with or without page position and filters
    # when its scope is taken
    found = query.scope()
    # then limit and cursor are not part of it
    assert found == scope


@pytest.mark.parametrize(
    ("tenant_id", "route", "query", "binding"),
    [
        (
            "acme",
            "GET /v1/admin/websites",
            ListQuery(limit=5, cursor="c"),
            "acme|staff:ann@acme.example|GET /v1/admin/websites|{}",
        ),
        (
            "globex",
            "GET /v1/admin/websites",
            WebsiteQuery(organization_id="org_x"),
            'globex|staff:ann@acme.example|GET /v1/admin/websites|{"organization_id": "org_x"}',
        ),
    ],
)
def test_page_request_binds_tenant_caller_route_and_scope(
    tenant_id: str, route: str, query: ListQuery, binding: str
) -> None:
    # given a tenant, a caller, a route and a list query
    # when a page request is made of them
    page = PageRequest.of(query, tenant_id=tenant_id, route=route, actor="staff:ann@acme.example")
    # then the cursor binding carries all four, and the page size and position are the query's
    assert (page.limit, page.cursor, page.binding) == (query.limit, query.cursor, binding)


def test_page_request_round_trips_its_own_cursor() -> None:
    # given a page request and the cursor it produced for the next page
    first = PageRequest.of(ListQuery(), tenant_id="acme", route="GET /v1/admin/websites")
    next_cursor = first.next_cursor(LAST_KEY)
    # when the next request comes with that cursor
    second = PageRequest.of(ListQuery(cursor=next_cursor), tenant_id="acme", route="GET /v1/admin/websites")
    # then it starts where the first ended
    assert second.start_key() == LAST_KEY


def test_page_request_refuses_a_cursor_from_another_tenant() -> None:
    # given a cursor issued to tenant acme
    issued = PageRequest.of(ListQuery(), tenant_id="acme", route="GET /v1/admin/websites")
    cursor = issued.next_cursor(LAST_KEY)
    # when globex presents it on the same route
    page = PageRequest.of(ListQuery(cursor=cursor), tenant_id="globex", route="GET /v1/admin/websites")
    # then it is refused
    with pytest.raises(Unprocessable, match="1 invalid field"):
        page.start_key()
