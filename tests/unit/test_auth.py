"""chalicelib.platform.auth.verify_bearer against tokens of the dev issuer (ES256, file JWKS)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from chalicelib.platform.auth import verify_bearer
from chalicelib.platform.dev_issuer import KEY_ID, PRIVATE_KEY_FILE, ensure_key_pair, mint_token
from chalicelib.platform.errors import ServiceUnavailable, Unauthorized
from chalicelib.platform.principal import VerifiedToken
from chalicelib.platform.settings import DEV_AUDIENCE, DEV_ISSUER, reset_settings


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**changes: Any) -> dict[str, Any]:
    """Valid dev-issuer claims; a change to None removes the claim."""
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "sub": "dev|ann@acme.example",
        "email": "ann@acme.example",
        "tenant": "acme",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def signed(directory: Path, payload: dict[str, Any], *, kid: str = KEY_ID) -> str:
    private_key = (directory / PRIVATE_KEY_FILE).read_bytes()
    return jwt.encode(payload, private_key, algorithm="ES256", headers={"kid": kid})


def hand_made(header: dict[str, Any], payload: dict[str, Any], key: bytes | None) -> str:
    """A token built byte by byte, for algorithms PyJWT refuses to produce (none, HS256 with a PEM)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key is not None else b""
    return f"{signing_input}.{_b64(signature)}"


def public_pem(directory: Path) -> bytes:
    private_key = serialization.load_pem_private_key((directory / PRIVATE_KEY_FILE).read_bytes(), None)
    return private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_valid_token_is_verified(dev_issuer: Path) -> None:
    # given a token minted by the dev issuer
    token = mint_token(dev_issuer, tenant_id="acme", email="ann@acme.example")
    # when it is verified
    verified = verify_bearer(f"Bearer {token}")
    # then issuer, subject, tenant and email come from it, with the kinds of user the issuer signs in
    assert verified == VerifiedToken(
        issuer=DEV_ISSUER,
        subject="dev|ann@acme.example",
        tenant_id="acme",
        email="ann@acme.example",
        signs_in=frozenset({"staff", "customer"}),
    )


def test_email_claim_is_lowercased(dev_issuer: Path) -> None:
    # given a token whose email claim is in mixed case
    token = signed(dev_issuer, claims(email="Ann@Acme.EXAMPLE"))
    # when it is verified
    verified = verify_bearer(f"Bearer {token}")
    # then the email is lowercase
    assert verified.email == "ann@acme.example"


@pytest.mark.parametrize("email", [None, 42])
def test_email_claim_absent_or_not_text_is_none(dev_issuer: Path, email: Any) -> None:
    # given a token without a usable email claim
    token = signed(dev_issuer, claims(email=email))
    # when it is verified
    verified = verify_bearer(f"Bearer {token}")
    # then there is no email
    assert verified.email is None


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("Bearer", id="scheme-only"),
        pytest.param("Basic YWxhZGRpbjpvcGVuc2VzYW1l", id="basic"),
        pytest.param("Token abc.def.ghi", id="other-scheme"),
    ],
)
def test_missing_or_non_bearer_authorization_is_refused(dev_issuer: Path, header: str | None) -> None:
    # given no bearer credentials
    # when / then they are refused
    with pytest.raises(Unauthorized, match="a bearer token is required"):
        verify_bearer(header)


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "Bearer"])
def test_malformed_token_is_refused(dev_issuer: Path, token: str) -> None:
    # given a bearer value that is not a JWT
    # when / then it is refused
    with pytest.raises(Unauthorized, match="malformed bearer token"):
        verify_bearer(f"Bearer {token}")


def test_bearer_scheme_is_case_insensitive(dev_issuer: Path) -> None:
    # given a valid token sent with the scheme in lowercase
    token = mint_token(dev_issuer, tenant_id="acme", email="ann@acme.example")
    # when it is verified
    verified = verify_bearer(f"bearer {token}")
    # then it is accepted like "Bearer"
    assert verified.tenant_id == "acme"


@pytest.mark.parametrize(
    ("exp_offset", "nbf_offset"),
    [
        pytest.param(-30, -3600, id="expired-30s-ago-within-skew"),
        pytest.param(3600, 30, id="not-before-in-30s-within-skew"),
        pytest.param(1, 0, id="expires-in-1s"),
    ],
)
def test_clock_skew_of_60_seconds_is_tolerated(dev_issuer: Path, exp_offset: int, nbf_offset: int) -> None:
    # given a token just outside its validity, by less than the 60 s skew
    now = int(time.time())
    token = signed(dev_issuer, claims(exp=now + exp_offset, nbf=now + nbf_offset, iat=now + nbf_offset))
    # when it is verified
    verified = verify_bearer(f"Bearer {token}")
    # then it is accepted
    assert verified.tenant_id == "acme"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"exp": -90}, "the bearer token has expired", id="expired-beyond-skew"),
        pytest.param({"nbf": 120}, "the bearer token is not valid yet", id="not-before-beyond-skew"),
    ],
)
def test_token_outside_validity_beyond_skew_is_refused(
    dev_issuer: Path, changes: dict[str, int], message: str
) -> None:
    # given a token expired, or not yet valid, by more than 60 s
    now = int(time.time())
    token = signed(dev_issuer, claims(**{name: now + offset for name, offset in changes.items()}))
    # when / then it is refused
    with pytest.raises(Unauthorized, match=message):
        verify_bearer(f"Bearer {token}")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"aud": "another-api"}, "the bearer token is meant for another audience", id="wrong-audience"
        ),
        pytest.param({"aud": None}, 'the bearer token has no "aud" claim', id="no-audience"),
        pytest.param({"iss": "https://evil.example"}, "token issuer is not trusted", id="untrusted-issuer"),
        pytest.param({"iss": None}, "token issuer is not trusted", id="no-issuer"),
        pytest.param({"sub": None}, 'the bearer token has no "sub" claim', id="no-subject"),
        pytest.param({"exp": None}, 'the bearer token has no "exp" claim', id="no-expiry"),
        pytest.param({"tenant": None}, 'the bearer token has no "tenant" claim', id="no-tenant"),
    ],
)
def test_token_with_wrong_or_missing_claims_is_refused(
    dev_issuer: Path, changes: dict[str, Any], message: str
) -> None:
    # given a correctly signed token whose claims are wrong or incomplete
    token = signed(dev_issuer, claims(**changes))
    # when / then it is refused
    with pytest.raises(Unauthorized, match=message):
        verify_bearer(f"Bearer {token}")


@pytest.mark.parametrize(
    "tenant",
    [
        pytest.param("Acme", id="uppercase"),
        pytest.param("ac", id="too-short"),
        pytest.param("a" * 41, id="too-long"),
        pytest.param("acme#WEBSITE", id="key-separator"),
        pytest.param("acme_eu", id="underscore"),
        pytest.param(42, id="not-text"),
        pytest.param(["acme"], id="list"),
    ],
)
def test_tenant_claim_outside_the_id_pattern_is_refused(dev_issuer: Path, tenant: Any) -> None:
    # given a signed token whose tenant claim is not a tenant id
    token = signed(dev_issuer, claims(tenant=tenant))
    # when / then it is refused
    with pytest.raises(Unauthorized, match="invalid tenant claim"):
        verify_bearer(f"Bearer {token}")


def test_tenant_claim_with_trailing_newline_is_refused(dev_issuer: Path) -> None:
    # given a signed token whose tenant claim ends in a newline
    token = signed(dev_issuer, claims(tenant="acme\n"))
    # when / then it is refused
    with pytest.raises(Unauthorized, match="invalid tenant claim"):
        verify_bearer(f"Bearer {token}")


def test_unknown_key_id_is_refused(dev_issuer: Path) -> None:
    # given a token signed by the dev key but naming a key the JWKS does not hold
    token = signed(dev_issuer, claims(), kid="kontor-dev-unknown")
    # when / then it is refused, saying so
    with pytest.raises(Unauthorized, match="the token's issuer publishes no key with the token's key id"):
        verify_bearer(f"Bearer {token}")


def test_a_token_without_key_id_is_refused_in_the_clients_terms(dev_issuer: Path) -> None:
    # given a token signed by the dev key whose header names no key (no kid)
    private_key = (dev_issuer / PRIVATE_KEY_FILE).read_bytes()
    token = jwt.encode(claims(), private_key, algorithm="ES256")
    # when it is refused
    with pytest.raises(Unauthorized) as refused:
        verify_bearer(f"Bearer {token}")
    # then the problem says what is missing, not what the key set library found
    assert refused.value.detail == "the bearer token's header does not name its signing key (kid)"


def test_token_signed_by_another_key_is_refused(dev_issuer: Path, tmp_path: Path) -> None:
    # given a token with the dev key id, signed by a different ES256 key
    ensure_key_pair(tmp_path)
    token = signed(tmp_path, claims())
    # when / then its signature does not verify
    with pytest.raises(Unauthorized, match="the bearer token's signature does not verify"):
        verify_bearer(f"Bearer {token}")


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"exp": "tomorrow"}, id="expiry-not-a-number"),
        pytest.param({"iat": "today"}, id="issued-at-not-a-number"),
        pytest.param({"nbf": [1]}, id="not-before-not-a-number"),
    ],
)
def test_a_time_claim_that_is_not_a_number_is_refused_in_the_clients_terms(
    dev_issuer: Path, changes: dict[str, Any]
) -> None:
    # given a correctly signed token with a time claim that is not a number
    token = signed(dev_issuer, claims(**changes))
    # when it is refused
    with pytest.raises(Unauthorized) as refused:
        verify_bearer(f"Bearer {token}")
    # then the problem names the claim
    [claim] = changes
    assert refused.value.detail == f'the bearer token\'s "{claim}" claim is not a time'


def test_an_unreachable_key_set_is_503_not_the_clients_fault(
    trust_issuer: Callable[..., str], dev_issuer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an issuer whose JWKS endpoint cannot be reached
    issuer = trust_issuer(jwks_uri="https://sso.globex.example/jwks.json", emails_verified=True)

    def unreachable(client: jwt.PyJWKClient) -> Any:
        raise jwt.PyJWKClientConnectionError("Fail to fetch data from the url, err: timed out")

    monkeypatch.setattr(jwt.PyJWKClient, "fetch_data", unreachable)
    token = signed(dev_issuer, claims(iss=issuer))
    # when / then the caller is told to retry
    with pytest.raises(ServiceUnavailable) as refused:
        verify_bearer(f"Bearer {token}")
    assert "Retry-After" in refused.value.headers


@pytest.mark.parametrize(
    ("alg", "key_of"),
    [
        pytest.param("HS256", public_pem, id="hs256-signed-with-public-pem"),
        pytest.param("HS256", lambda directory: (directory / "jwks.json").read_bytes(), id="hs256-with-jwks"),
        pytest.param("none", lambda directory: None, id="alg-none"),
    ],
)
def test_algorithm_confusion_is_refused(dev_issuer: Path, alg: str, key_of: Any) -> None:
    # given a token whose header claims another algorithm, keyed with public material or nothing
    token = hand_made({"alg": alg, "typ": "JWT", "kid": KEY_ID}, claims(), key_of(dev_issuer))
    # when / then it is refused
    with pytest.raises(Unauthorized, match="token algorithm is not allowed"):
        verify_bearer(f"Bearer {token}")


def test_allowed_algorithm_not_matching_the_key_is_refused(dev_issuer: Path) -> None:
    # given a token claiming RS256 while its kid names the dev issuer's EC (ES256) key
    token = hand_made({"alg": "RS256", "typ": "JWT", "kid": KEY_ID}, claims(), b"")
    # when / then it is refused as an invalid token
    with pytest.raises(Unauthorized, match="the bearer token's algorithm does not match its key"):
        verify_bearer(f"Bearer {token}")


@pytest.mark.parametrize("alg", ["HS256", "none"])
def test_symmetric_and_none_algorithms_are_refused_before_any_key_lookup(dev_issuer: Path, alg: str) -> None:
    # given a token whose header says HS256 or none
    token = hand_made({"alg": alg, "typ": "JWT", "kid": KEY_ID}, claims(), b"secret")
    # when / then the algorithm alone refuses it
    with pytest.raises(Unauthorized, match="token algorithm is not allowed"):
        verify_bearer(f"Bearer {token}")


def test_dev_issuer_is_not_trusted_without_its_key_folder(
    dev_issuer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a dev token, and settings that do not configure the dev issuer
    token = mint_token(dev_issuer, tenant_id="acme", email="ann@acme.example")
    monkeypatch.delenv("KONTOR_DEV_ISSUER_DIR")
    reset_settings()
    # when / then the token's issuer is not trusted
    with pytest.raises(Unauthorized, match="token issuer is not trusted"):
        verify_bearer(f"Bearer {token}")


def test_unauthorized_carries_the_bearer_challenge(dev_issuer: Path) -> None:
    # given a request without credentials
    # when it is refused
    with pytest.raises(Unauthorized) as raised:
        verify_bearer(None)
    # then the problem carries a WWW-Authenticate challenge
    assert raised.value.headers == {"WWW-Authenticate": 'Bearer realm="kontor"'}


SSO_ISSUER = "https://sso.globex.example"


@pytest.fixture
def trust_issuer(dev_issuer: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., str]:
    """Trust one more issuer (signing with the dev key) configured as given; returns its issuer URL."""

    def trust(**config: Any) -> str:
        issuer = {
            "issuer": SSO_ISSUER,
            "audience": DEV_AUDIENCE,
            "jwks_uri": f"file://{dev_issuer}/jwks.json",
        }
        monkeypatch.setenv("KONTOR_ISSUERS", json.dumps([{**issuer, **config}]))
        reset_settings()
        return SSO_ISSUER

    return trust


NOT_TRUE = [
    pytest.param(False, id="false"),
    pytest.param("false", id="string-false"),
    pytest.param("true", id="string-true"),
    pytest.param(0, id="zero"),
    pytest.param(1, id="one"),
    pytest.param("", id="empty-string"),
    pytest.param(None, id="null"),
    pytest.param([True], id="list"),
    pytest.param({}, id="object"),
]


@pytest.mark.parametrize("email_verified", NOT_TRUE)
def test_email_verified_other_than_true_is_refused_from_the_dev_issuer(
    dev_issuer: Path, email_verified: Any
) -> None:
    # given a token of an issuer whose emails are verified by construction, with a claim saying otherwise
    token = signed(dev_issuer, {**claims(), "email_verified": email_verified})
    # when / then it does not sign anyone in
    with pytest.raises(Unauthorized, match="the token's email address is not verified"):
        verify_bearer(f"Bearer {token}")


@pytest.mark.parametrize("email_verified", NOT_TRUE)
def test_email_verified_other_than_true_is_refused_from_a_configured_issuer(
    dev_issuer: Path, trust_issuer: Callable[..., str], email_verified: Any
) -> None:
    # given a tenant's own issuer, and its token whose email_verified claim is not JSON true
    issuer = trust_issuer(tenant_id="acme")
    token = signed(dev_issuer, {**claims(iss=issuer), "email_verified": email_verified})
    # when / then it does not sign anyone in
    with pytest.raises(Unauthorized, match="the token's email address is not verified"):
        verify_bearer(f"Bearer {token}")


def test_email_verified_true_is_accepted_from_a_configured_issuer(
    dev_issuer: Path, trust_issuer: Callable[..., str]
) -> None:
    # given a tenant's own issuer, and its token saying the email address is verified
    issuer = trust_issuer(tenant_id="acme")
    token = signed(dev_issuer, claims(iss=issuer, email_verified=True))
    # when it is verified
    verified = verify_bearer(f"Bearer {token}")
    # then it names its user
    assert verified.email == "ann@acme.example"


def test_a_missing_email_verified_is_refused_from_an_issuer_that_does_not_verify_emails(
    dev_issuer: Path, trust_issuer: Callable[..., str]
) -> None:
    # given a tenant's own issuer, not configured as verifying emails, and its token without the claim
    issuer = trust_issuer(tenant_id="acme")
    token = signed(dev_issuer, claims(iss=issuer))
    # when / then it does not sign anyone in
    with pytest.raises(Unauthorized, match="does not say that its email address is verified"):
        verify_bearer(f"Bearer {token}")


def test_a_missing_email_verified_is_accepted_from_an_issuer_whose_emails_are_verified(
    dev_issuer: Path, trust_issuer: Callable[..., str]
) -> None:
    # given an issuer configured as verifying every email (as a user pool with verified sign-up does)
    issuer = trust_issuer(emails_verified=True)
    token = signed(dev_issuer, claims(iss=issuer))
    # when it is verified
    verified = verify_bearer(f"Bearer {token}")
    # then it names its user
    assert verified.email == "ann@acme.example"


def test_a_missing_email_verified_is_accepted_from_the_dev_issuer(dev_issuer: Path) -> None:
    # given a dev token, which never carries email_verified (the dev issuer vouches for its emails)
    token = mint_token(dev_issuer, tenant_id="acme", email="ann@acme.example")
    # when it is verified
    verified = verify_bearer(f"Bearer {token}")
    # then it names its user
    assert verified.email == "ann@acme.example"


def test_tenant_bound_issuer_cannot_sign_in_another_tenant(
    dev_issuer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an issuer trusted only for the tenant "globex" (a tenant's own SSO)
    bound = {"issuer": "https://sso.globex.example", "audience": DEV_AUDIENCE, "tenant_id": "globex"}
    bound["jwks_uri"] = f"file://{dev_issuer}/jwks.json"
    monkeypatch.setenv("KONTOR_ISSUERS", json.dumps([bound]))
    reset_settings()
    token = signed(dev_issuer, claims(iss="https://sso.globex.example", tenant="acme"))
    # when / then its token naming another tenant is refused
    with pytest.raises(Unauthorized, match="does not sign in users of that tenant"):
        verify_bearer(f"Bearer {token}")


def test_a_token_without_not_before_is_accepted(dev_issuer: Path) -> None:
    # given a token without nbf, as Cognito issues its ID tokens
    token = signed(dev_issuer, claims(nbf=None))
    # when it is verified
    verified = verify_bearer(f"Bearer {token}")
    # then it signs its user in
    assert verified.tenant_id == "acme"
