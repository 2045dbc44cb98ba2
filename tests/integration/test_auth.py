"""Authentication (bearer JWTs from trusted issuers) and authorization (a permission on every route)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app import app as chalice_app
from chalicelib.api.routing import ROUTES, RouteSpec
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.permissions import Permission
from chalicelib.platform.dev_issuer import KEY_ID
from chalicelib.platform.settings import DEV_AUDIENCE, DEV_ISSUER

from .conftest import Api
from .support import assert_problem, well_formed_path

PLATFORM_ROUTES = [spec for spec in ROUTES if spec.permission is Permission.PLATFORM_TENANTS]
STORE_ROUTES = [spec for spec in ROUTES if isinstance(spec.permission, CustomerPermission)]
TENANT_ROUTES = [
    spec for spec in ROUTES if spec.permission not in (Permission.PUBLIC, Permission.PLATFORM_TENANTS)
]


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "sub": "dev|admin@acme.example",
        "email": "admin@acme.example",
        "tenant": "acme",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        **overrides,
    }


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _foreign_ec_key() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _foreign_rsa_key() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _dev_public_key_pem(issuer_dir: Path) -> bytes:
    jwk = json.loads((issuer_dir / "jwks.json").read_text())["keys"][0]
    public_key = jwt.algorithms.ECAlgorithm.from_jwk(json.dumps(jwk))
    return public_key.public_bytes(  # type: ignore[union-attr]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _hs256_with_public_key(issuer_dir: Path) -> str:
    """The algorithm-confusion attack: HMAC-signed with the issuer's public key as the secret."""
    import hashlib
    import hmac

    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': KEY_ID})}.{_segment(_claims())}"
    digest = hmac.new(_dev_public_key_pem(issuer_dir), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"


def _dev_token(api: Api, **claims: Any) -> str:
    return api.token("acme", "admin@acme.example", extra_claims=claims)


BAD_BEARERS: dict[str, Callable[[Api, Path], str]] = {
    "no scheme": lambda api, _: _dev_token(api),
    "basic scheme": lambda api, _: "Basic YWRtaW46YWRtaW4=",
    "empty bearer": lambda api, _: "Bearer ",
    "garbage": lambda api, _: "Bearer not-a-jwt",
    "three garbage segments": lambda api, _: "Bearer aaa.bbb.ccc",
    "expired": lambda api, _: "Bearer " + api.token("acme", "admin@acme.example", lifetime_seconds=-3600),
    "not yet valid": lambda api, _: "Bearer " + _dev_token(api, nbf=int(time.time()) + 3600),
    "wrong audience": lambda api, _: "Bearer " + _dev_token(api, aud="someone-else"),
    "untrusted issuer": lambda api, _: (
        "Bearer "
        + jwt.encode(_claims(iss="https://evil.example"), _foreign_ec_key(), "ES256", headers={"kid": KEY_ID})
    ),
    "trusted issuer, foreign key": lambda api, _: (
        "Bearer " + jwt.encode(_claims(), _foreign_ec_key(), "ES256", headers={"kid": KEY_ID})
    ),
    "trusted issuer, unknown key id": lambda api, _: (
        "Bearer " + jwt.encode(_claims(), _foreign_ec_key(), "ES256", headers={"kid": "other"})
    ),
    "RS256 with a foreign key": lambda api, _: (
        "Bearer " + jwt.encode(_claims(), _foreign_rsa_key(), "RS256", headers={"kid": KEY_ID})
    ),
    "HS256": lambda api, _: (
        "Bearer " + jwt.encode(_claims(), "a-shared-secret-of-at-least-32-bytes", "HS256")
    ),
    "HS256 keyed with the public key": lambda api, issuer_dir: "Bearer " + _hs256_with_public_key(issuer_dir),
    "alg none": lambda api, _: f"Bearer {_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(_claims())}.",
    "missing exp": lambda api, _: "Bearer " + _dev_token(api, exp=None),
    "invalid tenant claim": lambda api, _: "Bearer " + _dev_token(api, tenant="ACME!"),
    "tenant claim not a string": lambda api, _: "Bearer " + _dev_token(api, tenant=["acme"]),
}


def test_a_request_without_a_token_is_401_with_a_bearer_challenge(api: Api) -> None:
    # when
    reply = api.call("GET", "/v1/admin/organizations")

    # then
    assert_problem(reply, 401)
    assert reply.headers["WWW-Authenticate"].startswith("Bearer ")


@pytest.mark.parametrize("case", sorted(BAD_BEARERS))
def test_an_invalid_bearer_token_is_401(
    api: Api, make_tenant: Callable[..., str], dev_issuer_dir: Path, case: str
) -> None:
    # given a tenant whose admin the forged tokens name
    make_tenant("acme")
    authorization = BAD_BEARERS[case](api, dev_issuer_dir)

    # when
    reply = api.call("GET", "/v1/admin/organizations", headers={"Authorization": authorization})

    # then
    assert_problem(reply, 401)
    assert reply.headers["WWW-Authenticate"].startswith("Bearer ")


def test_a_valid_token_of_a_staff_member_is_accepted(api: Api, make_tenant: Callable[..., str]) -> None:
    # given
    token = make_tenant("acme")

    # when
    reply = api.call("GET", "/v1/admin/organizations", token=token)

    # then
    assert reply.status == 200
    assert reply.body == {"items": [], "next_cursor": None}


def test_a_token_whose_email_has_no_staff_record_in_its_tenant_is_403(
    api: Api, make_tenant: Callable[..., str]
) -> None:
    # given a valid token for acme, for an email acme does not know
    make_tenant("acme")
    token = api.token("acme", "stranger@acme.example")

    # when
    reply = api.call("GET", "/v1/admin/organizations", token=token)

    # then
    assert_problem(reply, 403)


def test_a_token_of_a_staff_member_of_another_tenant_is_403(
    api: Api, make_tenant: Callable[..., str]
) -> None:
    # given acme's admin, with a token naming nordic
    make_tenant("acme")
    make_tenant("nordic")
    token = api.token("nordic", "admin@acme.example")

    # when
    reply = api.call("GET", "/v1/admin/organizations", token=token)

    # then
    assert_problem(reply, 403)


def test_a_token_for_a_tenant_that_does_not_exist_is_403(api: Api) -> None:
    # given
    token = api.token("ghost", "admin@ghost.example")

    # when
    reply = api.call("GET", "/v1/admin/organizations", token=token)

    # then
    assert_problem(reply, 403)


def test_a_disabled_staff_member_is_403(
    api: Api, make_tenant: Callable[..., str], make_staff: Callable[..., str]
) -> None:
    # given
    make_tenant("acme")
    token = make_staff("acme", "gone@acme.example", status="disabled")

    # when
    reply = api.call("GET", "/v1/admin/organizations", token=token)

    # then
    assert_problem(reply, 403)


def test_a_staff_member_without_a_role_granting_the_permission_is_403(
    api: Api, make_tenant: Callable[..., str], make_staff: Callable[..., str]
) -> None:
    # given
    make_tenant("acme")
    token = make_staff("acme", "nobody@acme.example", roles=())

    # when
    reply = api.call("GET", "/v1/admin/organizations", token=token)

    # then
    assert_problem(reply, 403)


# the ERP's routes take an integration key: a user's token there is 401 (tests/integration/test_erp.py)
USER_ROUTES = [spec for spec in TENANT_ROUTES if spec.permission is not Permission.ERP_MESSAGES]


@pytest.mark.parametrize("spec", USER_ROUTES, ids=lambda spec: spec.name)
def test_a_platform_operator_calling_a_tenant_route_is_403(
    api: Api, operator_token: str, spec: RouteSpec
) -> None:
    # when
    reply = api.call(spec.method, well_formed_path(spec.path), token=operator_token, body={})

    # then
    assert_problem(reply, 403)


@pytest.mark.parametrize("spec", PLATFORM_ROUTES + STORE_ROUTES, ids=lambda spec: spec.name)
def test_tenant_staff_calling_a_platform_or_storefront_route_is_403(
    api: Api, make_tenant: Callable[..., str], spec: RouteSpec
) -> None:
    # given
    token = make_tenant("acme")

    # when
    reply = api.call(spec.method, well_formed_path(spec.path), token=token, body={})

    # then
    assert_problem(reply, 403)


@pytest.mark.parametrize("spec", STORE_ROUTES, ids=lambda spec: spec.name)
def test_a_customer_user_without_the_routes_permission_is_403(
    api: Api,
    make_tenant: Callable[..., str],
    make_customer: Callable[..., dict[str, Any]],
    spec: RouteSpec,
) -> None:
    # given a customer user without any role assignment (who holds no permission at all)
    admin = make_tenant("acme")
    company = make_customer(admin)["id"]
    body = {"email": "nobody@globex.example", "name": "Nobody", "unit_id": company}
    assert api.call("POST", f"/v1/admin/customers/{company}/users", token=admin, body=body).status == 201

    # when
    reply = api.call(
        spec.method, well_formed_path(spec.path), token=api.token("acme", "nobody@globex.example"), body={}
    )

    # then
    assert_problem(reply, 403)


def test_the_platform_operator_role_means_nothing_outside_the_platform_tenant(
    api: Api, make_tenant: Callable[..., str], make_staff: Callable[..., str]
) -> None:
    # given a staff member of acme whose record carries the platform operator role
    make_tenant("acme")
    token = make_staff("acme", "sneaky@acme.example", roles=("tenant-administrator", "platform-operator"))

    # when
    reply = api.call("GET", "/v1/platform/tenants", token=token)

    # then
    assert_problem(reply, 403)


def test_every_route_declares_a_permission() -> None:
    # given the route table
    assert ROUTES

    # then
    for spec in ROUTES:
        assert isinstance(spec.permission, Permission | CustomerPermission), spec.name
    names = [spec.name for spec in ROUTES]
    assert len(names) == len(set(names)), "a route is declared twice"


def test_every_chalice_route_was_registered_through_the_route_decorator() -> None:
    # given the routes Chalice serves
    served = {
        f"{method} {path}": entry.view_function
        for path, methods in chalice_app.routes.items()
        for method, entry in methods.items()
    }

    # then each view is one of ours, and the two tables name the same routes
    for name, view in served.items():
        spec = getattr(view, "kontor_route", None)
        assert isinstance(spec, RouteSpec), f"{name} was registered without route(...)"
        assert spec.name == name
    assert set(served) == {spec.name for spec in ROUTES}
