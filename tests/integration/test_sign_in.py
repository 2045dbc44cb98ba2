"""Signing in: staff users bound to their first sign-in like customer users, and issuers that sign in
only the kinds of user their configuration names (a customer's own SSO never signs in the seller's staff)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chalicelib.platform.errors import Conflict
from chalicelib.platform.principal import VerifiedToken
from chalicelib.platform.settings import DEV_AUDIENCE, EVERY_USER_KIND, reset_settings
from chalicelib.store import keys

from .conftest import Api, Globex, Table
from .support import assert_problem

ADMIN = "admin@acme.example"
BUYER = "bob.buyer@globex.example"
STAFF = "sam.sales@acme.example"
SSO = "https://sso.acme.example"
Mint = Callable[..., str]


@pytest.fixture
def trust_issuer(api: Api, dev_issuer_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Mint]:
    """Trust one more issuer (it signs with the dev key) configured as given; returns a minter of its
    tokens for ``(email, subject)``, saying the email is verified."""

    def trust(**config: Any) -> Mint:
        issuer = {"issuer": SSO, "audience": DEV_AUDIENCE, "jwks_uri": f"file://{dev_issuer_dir}/jwks.json"}
        monkeypatch.setenv("KONTOR_ISSUERS", json.dumps([{**issuer, **config}]))
        reset_settings()

        def mint(email: str, subject: str = "sso|1") -> str:
            claims = {"iss": SSO, "sub": subject, "email_verified": True}
            return api.token("acme", email, extra_claims=claims)

        return mint

    return trust


def _staff_user(table: Table, email: str) -> dict[str, Any]:
    key = keys.staff_user("acme", email)
    item = table.get(key.pk, key.sk)
    assert item is not None
    return item


# --- staff users are bound to their first sign-in ---------------------------------------------------------


def test_a_staff_user_is_unbound_until_their_first_sign_in(
    api: Api, make_tenant: Callable[..., str], make_staff_user: Callable[..., dict[str, Any]]
) -> None:
    # given acme's admin
    admin = make_tenant("acme")

    # when they add a staff user
    user = make_staff_user(admin)

    # then the user is bound to no sign-in yet
    assert user["binding"] is None


def test_the_first_sign_in_binds_the_tenants_first_administrator(
    api: Api, make_tenant: Callable[..., str]
) -> None:
    # given acme, whose first Tenant Administrator the platform made (make_tenant signs them in once)
    token = make_tenant("acme")

    # when the administrator reads their account
    reply = api.call("GET", "/v1/admin/me", token=token)

    # then they are bound to that sign-in, and shown so
    assert reply.status == 200, reply.body
    assert reply.body["user"]["binding"] == {
        "issuer": "https://dev-issuer.kontor.local",
        "subject": f"dev|{ADMIN}",
    }


def test_a_staff_users_binding_shows_where_staff_users_are_read(
    api: Api, make_tenant: Callable[..., str], make_staff_user: Callable[..., dict[str, Any]]
) -> None:
    # given sam, added by acme's admin, who signs in once
    admin = make_tenant("acme")
    sam = make_staff_user(admin)
    assert api.call("GET", "/v1/admin/me", token=api.token("acme", sam["email"])).status == 200

    # when the admin reads him
    reply = api.call("GET", f"/v1/admin/staff-users/{sam['id']}", token=admin)

    # then his binding is there
    assert reply.status == 200, reply.body
    assert reply.body["binding"]["subject"] == f"dev|{sam['email']}"


def test_another_subject_with_a_bound_staff_users_email_is_refused(
    api: Api, make_tenant: Callable[..., str], table: Table
) -> None:
    # given acme's admin, bound to their first sign-in
    token = make_tenant("acme")
    assert api.call("GET", "/v1/admin/me", token=token).status == 200
    before = _staff_user(table, ADMIN)

    # when a token of the same issuer and email but another subject arrives
    other = api.token("acme", ADMIN, extra_claims={"sub": "dev|someone-else"})
    reply = api.call("GET", "/v1/admin/me", token=other)

    # then it is refused, saying why, and the binding stays
    assert assert_problem(reply, 403)["detail"] == "this account is bound to another sign-in"
    assert _staff_user(table, ADMIN) == before


def test_another_issuer_with_a_bound_staff_users_email_and_subject_is_refused(
    api: Api, make_tenant: Callable[..., str], trust_issuer: Callable[..., Mint]
) -> None:
    # given acme's admin bound to the dev issuer, and another issuer trusted to sign in staff
    token = make_tenant("acme")
    assert api.call("GET", "/v1/admin/me", token=token).status == 200
    mint = trust_issuer(signs_in=["staff"])

    # when that issuer names the admin's email and the very same subject
    reply = api.call("GET", "/v1/admin/me", token=mint(ADMIN, subject=f"dev|{ADMIN}"))

    # then it is refused
    assert assert_problem(reply, 403)["detail"] == "this account is bound to another sign-in"


def test_the_first_sign_in_is_recorded_as_a_change_of_the_staff_user(
    api: Api, make_tenant: Callable[..., str], make_staff_user: Callable[..., dict[str, Any]], table: Table
) -> None:
    # given sam, added by acme's admin, never signed in
    sam = make_staff_user(make_tenant("acme"), STAFF)

    # when he signs in
    assert api.call("GET", "/v1/admin/me", token=api.token("acme", STAFF)).status == 200

    # then the binding is a new version of him, with its event
    assert _staff_user(table, STAFF)["version"] == 2
    [event] = [e for e in table.events("acme") if e["entity_id"] == sam["id"] and e["action"] == "updated"]
    assert event["after"]["binding"] == {
        "issuer": "https://dev-issuer.kontor.local",
        "subject": f"dev|{STAFF}",
    }


def test_two_first_sign_ins_racing_bind_the_staff_user_once(
    api: Api, make_tenant: Callable[..., str], make_staff_user: Callable[..., dict[str, Any]], table: Table
) -> None:
    # given sam, added by acme's admin, as two first sign-ins both read him, unbound
    from chalicelib.domain.staff import StaffUser
    from chalicelib.platform.principal import Principal
    from chalicelib.services import entities, staff
    from chalicelib.services.context import Caller

    make_staff_user(make_tenant("acme"), STAFF)
    unbound = entities.load(keys.staff_user("acme", STAFF), StaffUser, staff.STAFF_USER_TYPE)
    caller = Caller(Principal(kind="staff", tenant_id="acme", subject="race", email=STAFF))

    def sign_in(subject: str) -> VerifiedToken:
        return VerifiedToken("https://dev-issuer.kontor.local", subject, "acme", STAFF, EVERY_USER_KIND)

    staff.bind_on_first_sign_in(unbound, sign_in("dev|first"), caller)

    # when the second one binds from what it read
    # then it is told to retry, and the first binding stands
    with pytest.raises(Conflict, match="retry"):
        staff.bind_on_first_sign_in(unbound, sign_in("dev|second"), caller)
    assert _staff_user(table, STAFF)["data"]["binding"]["subject"] == "dev|first"


# --- which issuer signs in which kind of user -------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "kind", "status"),
    [
        pytest.param({"tenant_id": "acme"}, "staff", 401, id="tenant-issuer-by-default-refuses-staff"),
        pytest.param(
            {"tenant_id": "acme"}, "customer", 200, id="tenant-issuer-by-default-signs-in-customers"
        ),
        pytest.param({"signs_in": ["customer"]}, "staff", 401, id="customer-issuer-refuses-staff"),
        pytest.param({"signs_in": ["customer"]}, "customer", 200, id="customer-issuer-signs-in-customers"),
        pytest.param({"signs_in": ["staff"]}, "staff", 200, id="staff-issuer-signs-in-staff"),
        pytest.param({"signs_in": ["staff"]}, "customer", 401, id="staff-issuer-refuses-customers"),
        pytest.param({}, "staff", 200, id="platform-issuer-by-default-signs-in-staff"),
        pytest.param({}, "customer", 200, id="platform-issuer-by-default-signs-in-customers"),
        pytest.param(
            {"tenant_id": "acme", "signs_in": ["staff", "customer"]},
            "staff",
            200,
            id="tenant-issuer-for-both-staff",
        ),
        pytest.param(
            {"tenant_id": "acme", "signs_in": ["staff", "customer"]},
            "customer",
            200,
            id="tenant-issuer-for-both-customers",
        ),
    ],
)
def test_an_issuer_signs_in_only_the_kinds_of_user_it_is_trusted_with(
    api: Api,
    globex: Globex,
    invite: Callable[..., dict[str, Any]],
    make_staff_user: Callable[..., dict[str, Any]],
    trust_issuer: Callable[..., Mint],
    table: Table,
    config: dict[str, Any],
    kind: str,
    status: int,
) -> None:
    # given a staff user and an invited buyer of acme, neither signed in yet, and an issuer
    invite(BUYER, "buyer", "lyon")
    make_staff_user(globex.admin, STAFF)
    mint = trust_issuer(**config)
    email, path = (STAFF, "/v1/admin/me") if kind == "staff" else (BUYER, "/v1/store/me")
    before = table.writes()

    # when the issuer's token names the user
    reply = api.call("GET", path, token=mint(email))

    # then the user is signed in (and bound), or the token is refused and nobody is bound
    if status == 200:
        assert reply.status == 200, reply.body
        assert reply.body["user"]["binding"] == {"issuer": SSO, "subject": "sso|1"}
    else:
        assert assert_problem(reply, 401)["detail"] == f"this token's issuer does not sign in {kind} users"
        assert table.writes() == before
