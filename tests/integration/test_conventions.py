"""API conventions every route follows: problems, body parsing, idempotent creates, versions, lists."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from app import app as chalice_app  # noqa: F401 - registers every route in ROUTES
from chalicelib.api.routing import ROUTES, RouteSpec
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.permissions import Permission
from chalicelib.platform.settings import get_settings

from .checkout_world import one_product_shop
from .conftest import PLATFORM_OPERATOR, Api, AwsCalls, Moto, Table, Worlds
from .orders_support import Placement, place_order
from .support import (
    assert_problem,
    attribute_body,
    error_locs,
    organization_body,
    product_body,
    website_body,
    well_formed_path,
)

ORGANIZATIONS = "/v1/admin/organizations"
WEBSITES = "/v1/admin/websites"
BODY_ROUTES = [spec for spec in ROUTES if spec.body is not None]
VERSIONED_ROUTES = [spec for spec in ROUTES if spec.versioned]


# Every test here starts from a world this module builds once (or touches no table): see conftest.
pytestmark = pytest.mark.shared_account

COMPANY_ADMINISTRATOR = "ava.admin@globex.example"
SHOP_HOST = "shop.acme.de"


@pytest.fixture
def acme_world(api: Api, worlds: Worlds, make_tenant: Callable[..., str]) -> Callable[[], str]:
    """Puts back the world of acme alone, its administrator and the platform operator signed in once
    (their accounts bound); returns acme's administrator's token."""

    def build() -> str:
        token = make_tenant("acme")
        assert (
            api.call("GET", "/v1/platform/tenants", token=api.token("platform", PLATFORM_OPERATOR)).status
            == 200
        )
        return token

    return lambda: worlds.world("acme", build)


@pytest.fixture
def acme(acme_world: Callable[[], str]) -> str:
    return acme_world()


@pytest.fixture
def company_administrator(
    api: Api,
    worlds: Worlds,
    acme_world: Callable[[], str],
    make_customer: Callable[..., dict[str, Any]],
    make_customer_user: Callable[..., dict[str, Any]],
) -> Callable[[], str]:
    """Puts back the world of acme with a customer company whose administrator has signed in once (so
    their account is bound); returns the administrator's token."""

    def build() -> str:
        acme = acme_world()
        company = make_customer(acme)["id"]
        make_customer_user(acme, company, company, email=COMPANY_ADMINISTRATOR, role_id="administrator")
        customer_admin = api.token("acme", COMPANY_ADMINISTRATOR)
        assert api.call("GET", "/v1/store/me", token=customer_admin).status == 200
        return customer_admin

    return lambda: worlds.world("a company administrator", build)


@pytest.fixture
def token_for(
    api: Api, acme: str, operator_token: str, company_administrator: Callable[[], str]
) -> Callable[[RouteSpec], str]:
    """A token allowed to call a route: the operator's for platform routes, a customer company
    administrator's for storefront routes, an integration key of acme's for the ERP's routes, acme's
    administrator's otherwise."""

    def token(spec: RouteSpec) -> str:
        if spec.permission is Permission.PLATFORM_TENANTS:
            return operator_token
        if isinstance(spec.permission, CustomerPermission):
            return company_administrator()
        if spec.permission is Permission.ERP_MESSAGES:
            key = {"name": "SAP", "scopes": ["product.upsert"]}
            return str(api.call("POST", "/v1/admin/integrations", token=acme, body=key).body["secret"])
        return acme

    return token


# --- path parameters (every route that takes one) --------------------------------------------------------

PATH_CASES = [(spec, name) for spec in ROUTES for name in re.findall(r"{(\w+)}", spec.path)]


@pytest.mark.parametrize(("spec", "name"), PATH_CASES, ids=lambda case: getattr(case, "name", case))
@pytest.mark.parametrize(
    "value",
    ["x" * 2100, "a" * 1100, "x%20y", "%00", "org_%E2%80%AE01JD0000000000000000000000"],
    ids=["2100-chars", "1100-chars", "space", "nul", "bidi-override"],
)
def test_a_path_parameter_that_cannot_name_a_record_is_404_before_anything_is_read(
    api: Api, aws_calls: AwsCalls, spec: RouteSpec, name: str, value: str
) -> None:
    # given a path whose other parameters are well formed
    path = well_formed_path(spec.path.replace("{" + name + "}", value))

    # when it is called without a token
    reply = api.call(spec.method, path, body={} if spec.body is not None else None)

    # then
    assert_problem(reply, 404)
    assert aws_calls.log == []


@pytest.mark.parametrize(
    "path",
    [
        "/v1/admin/organizations/" + "o" * 1100,
        "/v1/admin/customers/cus_01JD0000000000000000000000/users/" + "u" * 2100,
        "/v1/store/company/users/" + "u" * 2100,
        "/v1/public/websites/by-host/" + "a" * 64 + ".example",
        "/v1/public/websites/by-host/" + "a." * 127 + "de",
    ],
)
def test_a_long_id_is_404_with_a_token_too(
    api: Api, token_for: Callable[[RouteSpec], str], path: str
) -> None:
    # given
    [spec] = [
        spec
        for spec in ROUTES
        if spec.method == "GET" and re.fullmatch(re.sub(r"{\w+}", "[^/]+", spec.path), path)
    ]
    token = token_for(spec)

    # when
    reply = api.call("GET", path, token=token)

    # then
    assert_problem(reply, 404)


# --- problems --------------------------------------------------------------------------------------------


def test_a_refusal_is_a_problem_document_with_field_errors(api: Api, acme: str) -> None:
    # when
    reply = api.call(
        "POST",
        ORGANIZATIONS,
        token=acme,
        body=organization_body(default_currency="XXX"),
        headers={"X-Correlation-Id": "req-42"},
    )

    # then
    body = assert_problem(reply, 422)
    assert reply.headers["X-Correlation-Id"] == "req-42"
    assert body["type"] == "https://kontor.dev/problems/validation-error"
    assert body["instance"] == "urn:kontor:request:req-42"
    [error] = body["errors"]
    assert error["loc"] == "body.default_currency"
    assert error["msg"]
    assert error["type"] == "value_error"


def test_an_unexpected_failure_is_a_500_problem_without_a_stack_trace(
    api: Api, acme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a service that fails
    from chalicelib.services import organizations

    def broken(*args: Any) -> None:
        raise RuntimeError("secret internals at /srv/kontor/db.py line 12")

    monkeypatch.setattr(organizations, "list_organizations", broken)

    # when
    reply = api.call("GET", ORGANIZATIONS, token=acme)

    # then
    body = assert_problem(reply, 500)
    assert "secret internals" not in json.dumps(body)
    assert "correlation id" in body["detail"]


# --- bodies (every route that takes one) -----------------------------------------------------------------


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=lambda spec: spec.name)
@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"", 400),
        (b"   ", 400),
        (b'{"name": ', 400),
        (b"{'name': 'single quotes'}", 400),
        (b"\xff\xfe", 400),
        (b"[]", 422),
        (b'"a string"', 422),
        (b"null", 422),
    ],
    ids=["empty", "blank", "truncated", "not-json", "not-utf8", "array", "string", "null"],
)
def test_a_body_that_is_not_a_json_object_is_refused_and_nothing_is_written(
    api: Api, token_for: Callable[[RouteSpec], str], table: Table, spec: RouteSpec, raw: bytes, status: int
) -> None:
    # given
    token = token_for(spec)
    before = table.writes()

    # when
    reply = api.call(spec.method, well_formed_path(spec.path), token=token, raw=raw)

    # then
    assert_problem(reply, status)
    assert table.writes() == before


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=lambda spec: spec.name)
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_and_nothing_is_written(
    api: Api, token_for: Callable[[RouteSpec], str], table: Table, spec: RouteSpec, constant: str
) -> None:
    # given
    token = token_for(spec)
    before = table.writes()

    # when
    reply = api.call(
        spec.method, well_formed_path(spec.path), token=token, raw=f'{{"version": {constant}}}'.encode()
    )

    # then
    assert assert_problem(reply, 400)["detail"] == "the body is not valid JSON"
    assert table.writes() == before


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=lambda spec: spec.name)
def test_an_unknown_field_is_422_on_every_route_with_a_body(
    api: Api, token_for: Callable[[RouteSpec], str], table: Table, spec: RouteSpec
) -> None:
    # given
    token = token_for(spec)
    before = table.writes()

    # when
    reply = api.call(spec.method, well_formed_path(spec.path), token=token, body={"is_admin": True})

    # then
    assert "body.is_admin" in error_locs(reply)
    assert table.writes() == before


@pytest.mark.parametrize("spec", BODY_ROUTES, ids=lambda spec: spec.name)
def test_a_body_over_the_size_limit_is_413_and_nothing_is_written(
    api: Api, token_for: Callable[[RouteSpec], str], table: Table, spec: RouteSpec
) -> None:
    # given a valid JSON document one byte over the limit
    limit = get_settings().max_body_bytes
    padding = "x" * (limit - len(b'{"name": ""}') + 1)
    raw = json.dumps({"name": padding}).encode()
    assert len(raw) == limit + 1
    token = token_for(spec)
    before = table.writes()

    # when
    reply = api.call(spec.method, well_formed_path(spec.path), token=token, raw=raw)

    # then
    assert_problem(reply, 413)
    assert table.writes() == before


def test_a_body_at_the_size_limit_is_read(api: Api, acme: str) -> None:
    # given a body of exactly the limit (refused for its content, not its size)
    limit = get_settings().max_body_bytes
    raw = json.dumps({"name": "x" * (limit - len(b'{"name": ""}'))}).encode()
    assert len(raw) == limit

    # when
    reply = api.call("POST", ORGANIZATIONS, token=acme, raw=raw)

    # then
    assert_problem(reply, 422)


def test_a_body_in_another_media_type_is_415_and_nothing_is_written(
    api: Api, acme: str, table: Table
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call(
        "POST",
        ORGANIZATIONS,
        token=acme,
        raw=json.dumps(organization_body()).encode(),
        headers={"Content-Type": "text/plain"},
    )

    # then
    assert_problem(reply, 415)
    assert table.writes() == before


@pytest.mark.parametrize(
    "character", ["\x00", "\x1b", "\u202e", "\u2066"], ids=["nul", "escape", "rlo", "lri"]
)
def test_a_control_or_bidi_character_in_text_is_422_and_nothing_is_written(
    api: Api, acme: str, table: Table, character: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("POST", ORGANIZATIONS, token=acme, body=organization_body(name=f"Acme{character}Europe"))

    # then
    assert error_locs(reply) == ["body.name"]
    assert table.writes() == before


def test_a_control_character_in_a_query_parameter_is_422(api: Api, acme: str) -> None:
    # when
    reply = api.call("GET", "/v1/admin/audit?actor=staff:ad%00min@acme.example", token=acme)

    # then
    assert error_locs(reply) == ["query.actor"]


def test_json_with_a_charset_is_accepted(api: Api, acme: str) -> None:
    # when
    reply = api.call(
        "POST",
        ORGANIZATIONS,
        token=acme,
        raw=json.dumps(organization_body()).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )

    # then
    assert reply.status == 201, reply.body


# --- idempotent creates ----------------------------------------------------------------------------------


def test_a_replayed_create_returns_the_first_response_and_creates_nothing(
    api: Api, acme: str, table: Table
) -> None:
    # given
    first = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )
    assert first.status == 201
    assert "Idempotent-Replayed" not in first.headers
    written = table.writes()

    # when
    replay = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )

    # then
    assert replay.status == 201
    assert replay.body == first.body
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.headers["ETag"] == first.headers["ETag"]
    assert table.writes() == written
    created = [event["type"] for event in table.events("acme") if event["action"] == "created"]
    assert sorted(created) == ["organization.created", "tenant.created"]


def test_a_replayed_website_create_returns_the_first_response(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given
    body = website_body(make_organization(acme)["id"])
    first = api.call("POST", WEBSITES, token=acme, body=body, headers={"Idempotency-Key": "w-1"})

    # when
    replay = api.call("POST", WEBSITES, token=acme, body=body, headers={"Idempotency-Key": "w-1"})

    # then
    assert (replay.status, replay.body) == (201, first.body)
    assert replay.headers["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_422_and_nothing_is_written(
    api: Api, acme: str, table: Table
) -> None:
    # given
    api.call("POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"})
    before = table.writes()

    # when
    reply = api.call(
        "POST",
        ORGANIZATIONS,
        token=acme,
        body=organization_body(name="Other"),
        headers={"Idempotency-Key": "k-1"},
    )

    # then
    body = assert_problem(reply, 422)
    assert body["type"] == "https://kontor.dev/problems/idempotency-key-reused"
    assert table.writes() == before


def test_a_key_is_scoped_by_route(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given the key used to create an organization
    organization = make_organization(acme)
    api.call("POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"})

    # when the same key creates a website
    reply = api.call(
        "POST",
        WEBSITES,
        token=acme,
        body=website_body(organization["id"]),
        headers={"Idempotency-Key": "k-1"},
    )

    # then
    assert reply.status == 201, reply.body
    assert "Idempotent-Replayed" not in reply.headers


def test_a_key_is_scoped_by_principal(api: Api, acme: str, make_staff: Callable[..., str]) -> None:
    # given acme's admin used a key
    api.call("POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"})
    colleague = make_staff("acme", "colleague@acme.example")

    # when a colleague uses the same key and body
    reply = api.call(
        "POST", ORGANIZATIONS, token=colleague, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )

    # then
    assert reply.status == 201
    assert "Idempotent-Replayed" not in reply.headers
    assert len(api.call("GET", ORGANIZATIONS, token=acme).body["items"]) == 2


def test_a_key_is_scoped_by_tenant(api: Api, acme: str, make_tenant: Callable[..., str]) -> None:
    # given
    nordic = make_tenant("nordic")
    first = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )

    # when
    reply = api.call(
        "POST", ORGANIZATIONS, token=nordic, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )

    # then
    assert reply.status == 201
    assert "Idempotent-Replayed" not in reply.headers
    assert reply.body["id"] != first.body["id"]


def test_a_refused_create_is_not_remembered(api: Api, acme: str) -> None:
    # given a create refused for its body
    refused = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(name=""), headers={"Idempotency-Key": "k-1"}
    )
    assert refused.status == 422

    # when the client fixes the body and retries with the same key
    reply = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )

    # then
    assert reply.status == 201
    assert "Idempotent-Replayed" not in reply.headers


@pytest.fixture
def expire_idempotency_records(mocked_aws: Moto) -> Callable[[str], None]:
    """Put a tenant's idempotency records past their TTL, which DynamoDB honours only eventually."""

    def expire(tenant_id: str) -> None:
        name = get_settings().table_name
        for item in mocked_aws.dynamodb.scan(TableName=name, ConsistentRead=True)["Items"]:
            if item["PK"]["S"].startswith(f"T#{tenant_id}#IDEM#"):
                mocked_aws.dynamodb.update_item(
                    TableName=name,
                    Key={"PK": item["PK"], "SK": item["SK"]},
                    UpdateExpression="SET expires_at = :past",
                    ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
                )

    return expire


def test_an_expired_key_creates_anew(
    api: Api, acme: str, expire_idempotency_records: Callable[[str], None]
) -> None:
    # given a key used more than its time to live ago
    first = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )
    expire_idempotency_records("acme")

    # when
    reply = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )

    # then
    assert reply.status == 201, reply.body
    assert "Idempotent-Replayed" not in reply.headers
    assert reply.body["id"] != first.body["id"]


def test_an_expired_key_is_replaced_by_the_new_response(
    api: Api, acme: str, expire_idempotency_records: Callable[[str], None]
) -> None:
    # given a key that expired and was used again
    api.call("POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"})
    expire_idempotency_records("acme")
    second = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )

    # when
    replay = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": "k-1"}
    )

    # then
    assert (replay.status, replay.body) == (201, second.body)
    assert replay.headers["Idempotent-Replayed"] == "true"


def test_a_replay_is_recognized_whatever_the_whitespace_and_key_order(
    api: Api, acme: str, table: Table
) -> None:
    # given
    body = organization_body()
    first = api.call(
        "POST", ORGANIZATIONS, token=acme, raw=json.dumps(body).encode(), headers={"Idempotency-Key": "k-1"}
    )
    written = table.writes()
    reformatted = json.dumps(dict(reversed(body.items())), indent=4).encode()

    # when
    replay = api.call("POST", ORGANIZATIONS, token=acme, raw=reformatted, headers={"Idempotency-Key": "k-1"})

    # then
    assert (replay.status, replay.body) == (201, first.body)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert table.writes() == written


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there"])
def test_an_invalid_idempotency_key_is_422(api: Api, acme: str, table: Table, key: str) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call(
        "POST", ORGANIZATIONS, token=acme, body=organization_body(), headers={"Idempotency-Key": key}
    )

    # then
    assert error_locs(reply) == ["header.Idempotency-Key"]
    assert table.writes() == before


# --- versions (every versioned route) --------------------------------------------------------------------


# The body each versioned route is called with (besides the version); "Changed" names otherwise.
VERSIONED_BODIES: dict[str, dict[str, Any]] = {
    "PATCH /v1/store/checkouts/{checkout_id}": {"notes": "Changed"},
    "PATCH /v1/admin/checkouts/{checkout_id}": {"notes": "Changed"},
    "POST /v1/store/checkouts/{checkout_id}/order": {"grand_total": {"amount": "1.00", "currency": "EUR"}},
    "POST /v1/admin/checkouts/{checkout_id}/order": {"grand_total": {"amount": "1.00", "currency": "EUR"}},
    "PUT /v1/store/company/units/{unit_id}/addresses": {"addresses": []},
    "PATCH /v1/platform/tenants/{tenant_id}": {"status": "suspended"},
    "PATCH /v1/admin/products/{product_id}/media/{media_id}": {"title": {"en": "Changed"}},
    "PATCH /v1/admin/attributes/{attribute_code}": {"label": {"en": "Changed"}},
    "PATCH /v1/admin/products/{product_id}": {"name": {"en": "Changed"}},
    "PATCH /v1/admin/organizations/{organization_id}/categories/{category_id}": {"name": {"en": "Changed"}},
    "PUT /v1/admin/tax/configuration": {"rates": []},
    "PUT /v1/admin/price-lists/{price_list_id}": {"name": "Changed", "currencies": ["EUR"]},
    "PATCH /v1/admin/websites/{website_id}/shipping-methods/{shipping_method_id}": {"active": False},
    "PATCH /v1/admin/payment-terms/{payment_term_code}": {"purchase_order_required": True},
    "POST /v1/store/orders/{order_id}/cancel": {"note": "ordered twice"},
    "POST /v1/admin/orders/{order_id}/transitions": {"transition": "hold"},
}
SHIPPING_METHOD = {"name": {"en": "Standard"}, "rates": {"kind": "flat", "costs": {"EUR": "9.90"}}}
PAYMENT_TERM = {"code": "net30", "name": {"en": "Net 30"}, "kind": "net", "net_days": 30}


MEDIA = {"kind": "image", "filename": "a.png", "content_type": "image/png", "size": 8, "title": {"en": "A"}}


@dataclass
class VersionedTarget:
    """A fresh object at version 1 behind a versioned route: who may change it, where, with what body."""

    token: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)  # a storefront's X-Kontor-Host, for a shop's object
    changed_by: tuple[str, dict[str, Any]] | None = None  # a path and body changing it, if not the route's

    def bump(self, api: Api, spec: RouteSpec) -> None:
        """Change the object once (to version 2), the way a competing client would."""
        method = spec.method if spec.body is not None else "PATCH"
        path, body = self.changed_by or (self.path, self.body)
        if self.changed_by is not None:
            method = "PATCH"
        reply = api.call(method, path, token=self.token, body={**body, "version": 1}, headers=self.headers)
        assert reply.status == 200, reply.body


@pytest.fixture
def versioned_target(
    api: Api,
    worlds: Worlds,
    acme_world: Callable[[], str],
    token_for: Callable[[RouteSpec], str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    make_customer_group: Callable[..., dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
    make_unit: Callable[..., dict[str, Any]],
    make_customer_user: Callable[..., dict[str, Any]],
    make_staff_user: Callable[..., dict[str, Any]],
    make_staff_role: Callable[..., dict[str, Any]],
    make_selection: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    operator_token: str,
) -> Callable[[RouteSpec], VersionedTarget]:
    """A versioned route's object at version 1, with a token allowed to change it and a body changing it.

    Storefront objects are changed by a company administrator (never their own account, which they
    cannot disable or delete), staff objects by acme's administrator. Each route's world is built once.
    """

    def build(spec: RouteSpec) -> VersionedTarget:
        params = re.findall(r"{(\w+)}", spec.path)
        token = acme = acme_world()
        headers: dict[str, str] = {}
        if isinstance(spec.permission, CustomerPermission):
            token = token_for(spec)
            company = api.call("GET", "/v1/store/me", token=token).body["company_path"][0]["id"]
            unit = make_unit(acme, company, company, name="Changeable")
            role = api.call(
                "POST",
                "/v1/store/company/roles",
                token=token,
                body={"name": "R", "grants": {"catalog.view": "unit"}},
            )
            ids = {
                "unit_id": unit["id"],
                "user_id": make_customer_user(acme, company, unit["id"])["id"],
                "role_id": role.body["id"],
            }
            if "checkout_id" in params:  # a checkout of the caller's on a shop offering one product
                checkout = _checkout_of(api, acme, token, make_website, make_organization, verify_hostname)
                ids["checkout_id"], headers = checkout, {"X-Kontor-Host": SHOP_HOST}
            if "shopping_list_id" in params:  # a list lies on a website: the request names its shop
                website = make_website(acme, make_organization(acme)["id"])["id"]
                verify_hostname(acme, website, SHOP_HOST)
                headers = {"X-Kontor-Host": SHOP_HOST}
                made = api.call(
                    "POST", "/v1/store/shopping-lists", token=token, body={"name": "L"}, headers=headers
                )
                ids["shopping_list_id"] = made.body["id"]
            if "order_id" in params:  # an order of the company, placed as placing writes it
                ids["order_id"] = _placed_order(acme, company, unit["id"], ids["user_id"])
        elif "order_id" in params:
            customer = make_customer(acme)["id"]
            buyer = make_customer_user(acme, customer, customer)["id"]
            ids = {"order_id": _placed_order(acme, customer, customer, buyer)}
        elif "customer_id" in params:
            customer = make_customer(acme)
            unit = make_unit(acme, customer["id"], customer["id"])
            ids = {
                "customer_id": customer["id"],
                "unit_id": unit["id"],
                "user_id": make_customer_user(acme, customer["id"], unit["id"])["id"],
            }
        elif "checkout_id" in params:  # a buyer's checkout, which acme's administrator acts on
            customer = make_customer(acme)["id"]
            user = make_customer_user(acme, customer, customer, role_id="purchasing-manager")
            api.call("GET", "/v1/store/me", token=api.token("acme", user["email"]))  # binds the buyer
            ids = {
                "checkout_id": _checkout_of(
                    api,
                    acme,
                    acme,
                    make_website,
                    make_organization,
                    verify_hostname,
                    f"/v1/admin/customers/{customer}/users/{user['id']}/checkouts",
                )
            }
            headers = {"X-Kontor-Host": SHOP_HOST}
        elif "group_id" in params:
            ids = {"group_id": make_customer_group(acme)["id"]}
        elif "staff_id" in params:
            ids = {"staff_id": make_staff_user(acme)["id"]}
        elif "role_id" in params:
            ids = {"role_id": make_staff_role(acme)["id"]}
        elif "selection_id" in params:
            ids = {"selection_id": make_selection(acme, make_organization(acme)["id"])["id"]}
        elif "attribute_code" in params:
            created = api.call("POST", "/v1/admin/attributes", token=acme, body=attribute_body())
            ids = {"attribute_code": created.body["code"]}
        elif "product_id" in params:
            body = product_body(make_organization(acme)["id"])
            ids = {"product_id": api.call("POST", "/v1/admin/products", token=acme, body=body).body["id"]}
            if "media_id" in params:
                path = f"/v1/admin/products/{ids['product_id']}/media"
                ids["media_id"] = api.call("POST", path, token=acme, body=MEDIA).body["id"]
        elif "price_list_id" in params:
            body = {"name": "Base", "organization_id": make_organization(acme)["id"], "currencies": ["EUR"]}
            created = api.call("POST", "/v1/admin/price-lists", token=acme, body=body)
            ids = {"price_list_id": created.body["id"]}
        elif "shipping_method_id" in params:
            website = make_website(acme, make_organization(acme)["id"])["id"]
            methods = f"/v1/admin/websites/{website}/shipping-methods"
            created = api.call("POST", methods, token=acme, body=SHIPPING_METHOD)
            ids = {"website_id": website, "shipping_method_id": created.body["id"]}
        elif "payment_term_code" in params:
            created = api.call("POST", "/v1/admin/payment-terms", token=acme, body=PAYMENT_TERM)
            ids = {"payment_term_code": created.body["code"]}
        elif "tenant_id" in params:  # a platform operator's route: acme itself is the object
            token = operator_token
            ids = {"tenant_id": "acme"}
        elif spec.path == "/v1/admin/tax/configuration":  # one per tenant, at version 0 until first put
            first = api.call("PUT", spec.path, token=acme, body={"rates": []}, headers={"If-Match": "0"})
            assert first.status == 200, first.body
            ids = {}
        else:
            organization = make_organization(acme)
            category = api.call(
                "POST",
                f"/v1/admin/organizations/{organization['id']}/categories",
                token=acme,
                body={"name": {"en": "Tools"}, "slug": {"en": "tools"}},
            )
            ids = {
                "organization_id": organization["id"],
                "website_id": make_website(acme, organization["id"])["id"],
                "category_id": category.body["id"],
            }
        assert set(params) <= set(ids), f"no object for {spec.name}: add its path parameter here"
        path = spec.path.format(**{name: ids[name] for name in params})
        body = VERSIONED_BODIES.get(spec.name, {"name": "Changed"}) if spec.body is not None else {}
        if spec.path.endswith("/order"):  # placing: the checkout is what changes meanwhile
            changed = (
                path.removesuffix("/order"),
                VERSIONED_BODIES["PATCH /v1/store/checkouts/{checkout_id}"],
            )
            return VersionedTarget(token, path, body, headers, changed)
        return VersionedTarget(token, path, body, headers)

    def _placed_order(acme: str, customer: str, unit: str, buyer: str) -> str:
        organization = make_organization(acme)["id"]
        website = make_website(acme, organization)["id"]
        return place_order(Placement("acme", customer, unit, buyer, website, organization)).id

    return lambda spec: worlds.world(f"versioned {spec.name}", lambda: build(spec))


def _checkout_of(
    api: Api,
    acme: str,
    token: str,
    make_website: Callable[..., dict[str, Any]],
    make_organization: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    path: str = "/v1/store/checkouts",
) -> str:
    """A checkout (version 1) of one line, made at ``path`` with ``token`` on shop.acme.de."""
    organization = make_organization(acme)["id"]
    website = make_website(acme, organization)["id"]
    verify_hostname(acme, website, SHOP_HOST)
    sku = one_product_shop(api, acme, website, organization)
    body = {"lines": [{"sku": sku, "quantity": "1"}]}
    made = api.call("POST", path, token=token, body=body, headers={"X-Kontor-Host": SHOP_HOST})
    assert made.status == 201, made.body
    return str(made.body["id"])


def _version_of(api: Api, token: str, path: str) -> int | None:
    reply = api.call("GET", path, token=token)
    return reply.body["version"] if reply.status == 200 else None


@pytest.mark.parametrize("spec", VERSIONED_ROUTES, ids=lambda spec: spec.name)
def test_a_change_without_the_version_is_428_and_changes_nothing(
    api: Api, versioned_target: Callable[[RouteSpec], VersionedTarget], table: Table, spec: RouteSpec
) -> None:
    # given
    target = versioned_target(spec)
    before = table.writes()

    # when
    reply = api.call(
        spec.method, target.path, token=target.token, body=target.body or None, headers=target.headers
    )

    # then
    assert_problem(reply, 428)
    assert table.writes() == before


@pytest.mark.parametrize("spec", VERSIONED_ROUTES, ids=lambda spec: spec.name)
def test_a_change_with_a_stale_if_match_is_412_with_the_current_version(
    api: Api, versioned_target: Callable[[RouteSpec], VersionedTarget], table: Table, spec: RouteSpec
) -> None:
    # given an object someone changed since (version 2)
    target = versioned_target(spec)
    target.bump(api, spec)
    before = table.writes()

    # when
    reply = api.call(
        spec.method,
        target.path,
        token=target.token,
        body=target.body or None,
        headers={"If-Match": '"1"', **target.headers},
    )

    # then
    problem = assert_problem(reply, 412)
    assert problem["current_version"] == 2
    assert table.writes() == before


@pytest.mark.parametrize("collection", ["organizations", "customer-groups", "roles"])
def test_a_204_carries_no_body_and_no_header_describing_one(
    api: Api,
    acme: str,
    make_organization: Callable[..., dict[str, Any]],
    make_customer_group: Callable[..., dict[str, Any]],
    make_staff_role: Callable[..., dict[str, Any]],
    collection: str,
) -> None:
    # given an object nothing depends on (every 204 is made in one place: these stand for all)
    make = {
        "organizations": make_organization,
        "customer-groups": make_customer_group,
        "roles": make_staff_role,
    }
    path = f"/v1/admin/{collection}/{make[collection](acme)['id']}"

    # when
    reply = api.call("DELETE", path, token=acme, headers={"If-Match": '"1"'})

    # then
    assert (reply.status, reply.body) == (204, None)
    assert set(reply.headers) == {"X-Correlation-Id"}


def test_a_stale_version_in_the_body_is_412(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given
    organization = make_organization(acme)
    path = f"{ORGANIZATIONS}/{organization['id']}"
    api.call("PATCH", path, token=acme, body={"name": "Second", "version": 1})

    # when
    reply = api.call("PATCH", path, token=acme, body={"name": "Third", "version": 1})

    # then
    assert assert_problem(reply, 412)["current_version"] == 2
    assert _version_of(api, acme, path) == 2


@pytest.mark.parametrize("if_match", ['"1"', "1", 'W/"1"'])
def test_the_version_may_come_as_an_etag_in_if_match(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]], if_match: str
) -> None:
    # given
    organization = make_organization(acme)

    # when
    reply = api.call(
        "PATCH",
        f"{ORGANIZATIONS}/{organization['id']}",
        token=acme,
        body={"name": "New"},
        headers={"If-Match": if_match},
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["version"] == 2


def test_if_match_and_body_version_must_agree(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]], table: Table
) -> None:
    # given
    organization = make_organization(acme)
    before = table.writes()

    # when
    reply = api.call(
        "PATCH",
        f"{ORGANIZATIONS}/{organization['id']}",
        token=acme,
        body={"name": "New", "version": 2},
        headers={"If-Match": '"1"'},
    )

    # then
    assert error_locs(reply) == ["body.version"]
    assert table.writes() == before


@pytest.mark.parametrize(
    "if_match",
    ['"abc"', '"1", "2"', '"\u00b2"', '"\u0661"', '"1_0"', '"+1"', '""', '"' + "9" * 5000 + '"'],
    ids=["letters", "list", "superscript-two", "arabic-indic-one", "underscore", "signed", "empty", "huge"],
)
def test_an_if_match_that_is_not_a_version_is_422(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]], if_match: str
) -> None:
    # given
    organization = make_organization(acme)

    # when
    reply = api.call(
        "PATCH",
        f"{ORGANIZATIONS}/{organization['id']}",
        token=acme,
        body={"name": "New"},
        headers={"If-Match": if_match},
    )

    # then
    assert error_locs(reply) == ["header.If-Match"]


def test_if_match_star_changes_whichever_version_is_current(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given an organization changed once (version 2)
    organization = make_organization(acme)
    path = f"{ORGANIZATIONS}/{organization['id']}"
    api.call("PATCH", path, token=acme, body={"name": "Second", "version": 1})

    # when
    reply = api.call("PATCH", path, token=acme, body={"name": "Third"}, headers={"If-Match": "*"})

    # then
    assert reply.status == 200, reply.body
    assert (reply.body["name"], reply.body["version"]) == ("Third", 3)


def test_if_match_star_deletes_whichever_version_is_current(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given an organization changed once (version 2)
    organization = make_organization(acme)
    path = f"{ORGANIZATIONS}/{organization['id']}"
    api.call("PATCH", path, token=acme, body={"name": "Second", "version": 1})

    # when
    reply = api.call("DELETE", path, token=acme, headers={"If-Match": "*"})

    # then
    assert reply.status == 204
    assert_problem(api.call("GET", path, token=acme), 404)


def test_if_match_star_on_a_missing_object_is_404(api: Api, acme: str) -> None:
    # when
    reply = api.call(
        "PATCH",
        f"{ORGANIZATIONS}/org_01J00000000000000000000000",
        token=acme,
        body={"name": "New"},
        headers={"If-Match": "*"},
    )

    # then
    assert_problem(reply, 404)


def test_if_match_star_with_a_stale_body_version_is_412(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given an organization changed once (version 2)
    organization = make_organization(acme)
    path = f"{ORGANIZATIONS}/{organization['id']}"
    api.call("PATCH", path, token=acme, body={"name": "Second", "version": 1})

    # when the body still names the version it read
    reply = api.call(
        "PATCH", path, token=acme, body={"name": "Third", "version": 1}, headers={"If-Match": "*"}
    )

    # then
    assert assert_problem(reply, 412)["current_version"] == 2


def test_a_change_to_an_object_changed_meanwhile_is_412_with_the_current_version(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a competing change that lands between this request's read and its write
    organization = make_organization(acme)
    path = f"{ORGANIZATIONS}/{organization['id']}"
    from chalicelib.services import entities

    original_update = entities.update

    def racing_update(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(entities, "update", original_update)
        assert api.call("PATCH", path, token=acme, body={"name": "Competitor", "version": 1}).status == 200
        return original_update(*args, **kwargs)

    monkeypatch.setattr(entities, "update", racing_update)

    # when
    reply = api.call("PATCH", path, token=acme, body={"name": "Mine", "version": 1})

    # then
    assert assert_problem(reply, 412)["current_version"] == 2
    assert api.call("GET", path, token=acme).body["name"] == "Competitor"


# --- lists -----------------------------------------------------------------------------------------------


def _organizations(
    worlds: Worlds, acme_world: Callable[[], str], make: Callable[..., dict[str, Any]], count: int
) -> list[str]:
    """A world of acme with ``count`` organizations, named in order; returns their ids."""

    def build() -> list[str]:
        acme = acme_world()
        return [make(acme, name=f"Org {number:02}")["id"] for number in range(count)]

    return worlds.world(f"{count} organizations", build)


@pytest.fixture
def forty_five_organizations(
    worlds: Worlds, acme_world: Callable[[], str], make_organization: Callable[..., dict[str, Any]]
) -> list[str]:
    return _organizations(worlds, acme_world, make_organization, 45)


@pytest.fixture
def three_organizations(
    worlds: Worlds, acme_world: Callable[[], str], make_organization: Callable[..., dict[str, Any]]
) -> list[str]:
    """Enough for a cursor at ``limit=1``."""
    return _organizations(worlds, acme_world, make_organization, 3)


def test_a_list_pages_through_every_item_once(
    api: Api, acme: str, forty_five_organizations: list[str]
) -> None:
    # when
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        query = f"?limit=20&cursor={cursor}" if cursor else "?limit=20"
        reply = api.call("GET", ORGANIZATIONS + query, token=acme)
        assert reply.status == 200, reply.body
        pages.append([item["id"] for item in reply.body["items"]])
        cursor = reply.body["next_cursor"]
        if cursor is None:
            break

    # then
    assert [len(page) for page in pages] == [20, 20, 5]
    assert [item for page in pages for item in page] == forty_five_organizations


def test_a_list_holds_20_items_by_default(api: Api, acme: str, forty_five_organizations: list[str]) -> None:
    # when
    reply = api.call("GET", ORGANIZATIONS, token=acme)

    # then
    assert len(reply.body["items"]) == 20
    assert reply.body["next_cursor"]


def test_a_list_holds_at_most_100_items(api: Api, acme: str, forty_five_organizations: list[str]) -> None:
    # when
    reply = api.call("GET", ORGANIZATIONS + "?limit=100", token=acme)

    # then
    assert len(reply.body["items"]) == 45
    assert reply.body["next_cursor"] is None


@pytest.mark.parametrize(
    "limit", ["0", "101", "-1", "ten", "2.5", "", "1_0", "+10", "%2010", "10.0", "%D9%A1%D9%A0", "1" * 5000]
)
def test_a_limit_out_of_range_is_422(api: Api, acme: str, limit: str) -> None:
    # when
    reply = api.call("GET", f"{ORGANIZATIONS}?limit={limit}", token=acme)

    # then
    assert error_locs(reply) == ["query.limit"]


@pytest.mark.parametrize("filter_value", ["", "org_x", "org_01J00000000000000000000000%00"])
def test_a_filter_that_names_nothing_is_422_not_no_filter(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]], filter_value: str
) -> None:
    # given
    make_organization(acme)

    # when
    reply = api.call("GET", f"{WEBSITES}?organization_id={filter_value}", token=acme)

    # then
    assert error_locs(reply) == ["query.organization_id"]


def test_an_unknown_query_parameter_is_422(api: Api, acme: str) -> None:
    # when
    reply = api.call("GET", f"{ORGANIZATIONS}?sort=name", token=acme)

    # then
    assert error_locs(reply) == ["query.sort"]


def _first_cursor(api: Api, token: str, path: str) -> str:
    reply = api.call("GET", path, token=token)
    assert reply.body["next_cursor"], reply.body
    return str(reply.body["next_cursor"])


def _flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda cursor: _flip(cursor, 3),  # the nonce
        lambda cursor: _flip(cursor, len(cursor) // 2),  # the sealed position
        lambda cursor: _flip(cursor, len(cursor) - 2),  # the tag
        lambda cursor: cursor[:-4],  # truncated
        lambda cursor: cursor + "%C3%A9",  # not ASCII (é, percent-encoded)
        lambda cursor: "not-a-cursor",
    ],
    ids=["nonce", "position", "tag", "truncated", "non-ascii", "garbage"],
)
def test_a_tampered_cursor_is_422(
    api: Api, acme: str, three_organizations: list[str], tamper: Callable[[str], str]
) -> None:
    # given
    cursor = _first_cursor(api, acme, ORGANIZATIONS + "?limit=1")

    # when
    reply = api.call("GET", f"{ORGANIZATIONS}?cursor={tamper(cursor)}", token=acme)

    # then
    assert error_locs(reply) == ["query.cursor"]


def test_a_cursor_from_another_tenant_is_422(
    api: Api,
    acme: str,
    three_organizations: list[str],
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
) -> None:
    # given acme's cursor, and nordic with organizations of its own
    cursor = _first_cursor(api, acme, ORGANIZATIONS + "?limit=1")
    nordic = make_tenant("nordic")
    make_organization(nordic)

    # when nordic uses it
    reply = api.call("GET", f"{ORGANIZATIONS}?cursor={cursor}", token=nordic)

    # then
    assert error_locs(reply) == ["query.cursor"]


def test_a_cursor_from_another_route_is_422(api: Api, acme: str, three_organizations: list[str]) -> None:
    # given
    cursor = _first_cursor(api, acme, ORGANIZATIONS + "?limit=1")

    # when
    reply = api.call("GET", f"{WEBSITES}?cursor={cursor}", token=acme)

    # then
    assert error_locs(reply) == ["query.cursor"]


def test_a_cursor_reused_with_another_filter_is_422(
    api: Api,
    acme: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given a cursor of the websites of one organization
    first, second = make_organization(acme), make_organization(acme)
    for number in range(2):
        make_website(acme, first["id"], hostnames=[f"first-{number}.acme.de"])
        make_website(acme, second["id"], hostnames=[f"second-{number}.acme.de"])
    cursor = _first_cursor(api, acme, f"{WEBSITES}?organization_id={first['id']}&limit=1")

    # when it continues the list of the other organization's websites
    reply = api.call("GET", f"{WEBSITES}?organization_id={second['id']}&limit=1&cursor={cursor}", token=acme)

    # then
    assert error_locs(reply) == ["query.cursor"]


def test_a_cursor_shows_no_key_of_the_table(api: Api, acme: str, three_organizations: list[str]) -> None:
    # when
    cursor = _first_cursor(api, acme, ORGANIZATIONS + "?limit=1")

    # then
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    assert b"acme" not in decoded
    assert three_organizations[0].encode() not in decoded


def test_a_cursor_may_continue_with_another_page_size(
    api: Api, acme: str, three_organizations: list[str]
) -> None:
    # given
    cursor = _first_cursor(api, acme, ORGANIZATIONS + "?limit=1")

    # when
    reply = api.call("GET", f"{ORGANIZATIONS}?limit=2&cursor={cursor}", token=acme)

    # then
    assert [item["id"] for item in reply.body["items"]] == three_organizations[1:3]


def test_a_filtered_list_pages_through_the_matching_items_only(
    api: Api,
    acme: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given websites of two organizations, interleaved
    first, second = make_organization(acme), make_organization(acme)
    expected = []
    for number in range(5):
        expected.append(make_website(acme, first["id"], hostnames=[f"first-{number}.acme.de"])["id"])
        make_website(acme, second["id"], hostnames=[f"second-{number}.acme.de"])

    # when
    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        reply = api.call("GET", f"{WEBSITES}?organization_id={first['id']}&limit=2{cursor}", token=acme)
        seen += [item["id"] for item in reply.body["items"]]
        if reply.body["next_cursor"] is None:
            break
        cursor = f"&cursor={reply.body['next_cursor']}"

    # then
    assert seen == expected


def test_a_create_answers_with_the_location_of_the_new_entity(api: Api, acme: str) -> None:
    # when
    reply = api.call("POST", ORGANIZATIONS, token=acme, body=organization_body())

    # then
    assert reply.status == 201
    location = reply.headers["Location"]
    assert location == f"{ORGANIZATIONS}/{reply.body['id']}"
    assert api.call("GET", location, token=acme).body == reply.body


def test_a_correlation_id_sent_by_the_client_is_echoed(api: Api) -> None:
    # when
    reply = api.call("GET", "/v1/health", headers={"X-Correlation-Id": "checkout-42.retry-1"})

    # then
    assert reply.headers["X-Correlation-Id"] == "checkout-42.retry-1"


def test_an_unsafe_correlation_id_is_replaced(api: Api) -> None:
    # when
    reply = api.call("GET", "/v1/health", headers={"X-Correlation-Id": 'x" onload=alert(1) <b>'})

    # then
    assert reply.headers["X-Correlation-Id"] != 'x" onload=alert(1) <b>'
    assert len(reply.headers["X-Correlation-Id"]) == 26
