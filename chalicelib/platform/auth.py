"""Bearer token verification: asymmetric JWTs from trusted issuers, keys from their JWKS.

Only RS256 and ES256 are accepted (never ``none`` or HS*). ``iss``, ``aud``, ``exp``, ``sub`` and the
tenant claim are required, ``nbf`` is honoured when present; clocks may differ by 60 seconds.
``email_verified`` must be JSON ``true``, or missing from an issuer that verifies every email. JWKS
are fetched once and cached per issuer. What a caller may do is read from the table, never from the token.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jwt

from chalicelib.platform.errors import ServiceUnavailable, Unauthorized
from chalicelib.platform.principal import VerifiedToken
from chalicelib.platform.settings import TrustedIssuer, get_settings

ALGORITHMS = ["RS256", "ES256"]
CLOCK_SKEW_SECONDS = 60
JWKS_CACHE_SECONDS = 300
JWKS_RETRY_SECONDS = 5
TIME_CLAIMS = ("exp", "nbf", "iat")
TENANT_ID_PATTERN = re.compile(r"^[a-z0-9-]{3,40}$")


@cache
def _jwks_client(jwks_uri: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(jwks_uri, cache_keys=True, lifespan=JWKS_CACHE_SECONDS)


def _signing_key(jwks_uri: str, kid: str, token: str) -> jwt.PyJWK:
    """The token's key from its issuer's JWKS: https in production, a file for the dev issuer."""
    if jwks_uri.startswith("file://"):
        return _file_jwks(jwks_uri)[kid]
    return _jwks_client(jwks_uri).get_signing_key_from_jwt(token)


@cache
def _file_jwks(jwks_uri: str) -> jwt.PyJWKSet:
    with open(jwks_uri.removeprefix("file://"), encoding="utf-8") as jwks:
        return jwt.PyJWKSet.from_json(jwks.read())


def _unverified_claims(token: str) -> dict[str, Any]:
    """The claims as sent, to find the issuer and to name a malformed time claim before PyJWT does."""
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        raise Unauthorized("malformed bearer token") from error
    for name in TIME_CLAIMS:
        value = claims.get(name)
        if name in claims and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise Unauthorized(f'the bearer token\'s "{name}" claim is not a time')
    return claims


def _issuer(claims: dict[str, Any]) -> TrustedIssuer:
    for issuer in get_settings().trusted_issuers:
        if issuer.issuer == claims.get("iss"):
            return issuer
    raise Unauthorized("token issuer is not trusted")


def _refusal(error: Exception) -> Unauthorized:
    """What is wrong with the token, in the client's terms (PyJWT's messages name its internals)."""
    match error:
        case jwt.ExpiredSignatureError():
            return Unauthorized("the bearer token has expired")
        case jwt.ImmatureSignatureError():
            return Unauthorized("the bearer token is not valid yet")
        case jwt.InvalidAudienceError():
            return Unauthorized("the bearer token is meant for another audience")
        case jwt.MissingRequiredClaimError(claim=claim):
            return Unauthorized(f'the bearer token has no "{claim}" claim')
        case jwt.InvalidSignatureError():
            return Unauthorized("the bearer token's signature does not verify with its issuer's key")
        case jwt.PyJWKClientError() | jwt.PyJWKSetError() | KeyError():
            return Unauthorized("the token's issuer publishes no key with the token's key id (kid)")
        case _:
            return Unauthorized("the bearer token is not valid")


def verify_bearer(authorization: str | None) -> VerifiedToken:
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required")
    token = token.strip()
    issuer = _issuer(_unverified_claims(token))
    header = jwt.get_unverified_header(token)
    if header.get("alg") not in ALGORITHMS:
        raise Unauthorized("token algorithm is not allowed")
    kid = header.get("kid")
    if not isinstance(kid, str):
        raise Unauthorized("the bearer token's header does not name its signing key (kid)")
    try:
        signing_key = _signing_key(issuer.jwks_uri, kid, token)
        if signing_key.algorithm_name != header["alg"]:
            raise Unauthorized("the bearer token's algorithm does not match its key")
        claims = jwt.decode(
            token,
            signing_key.key,
            algorithms=ALGORITHMS,
            audience=issuer.audience,
            issuer=issuer.issuer,
            leeway=CLOCK_SKEW_SECONDS,
            # nbf is checked when present: Cognito's ID tokens carry none.
            options={"require": ["exp", "iss", "aud", "sub", issuer.tenant_claim]},
        )
    except jwt.PyJWKClientConnectionError as error:
        # The issuer's key set is out of reach: not the client's fault, and worth a retry.
        raise ServiceUnavailable(retry_after_seconds=JWKS_RETRY_SECONDS) from error
    except (jwt.InvalidTokenError, jwt.PyJWKClientError, jwt.PyJWKSetError, KeyError) as error:
        raise _refusal(error) from error
    tenant_id = claims[issuer.tenant_claim]
    if not isinstance(tenant_id, str) or not TENANT_ID_PATTERN.fullmatch(tenant_id):
        raise Unauthorized("invalid tenant claim")
    if issuer.tenant_id is not None and tenant_id != issuer.tenant_id:
        raise Unauthorized("this issuer does not sign in users of that tenant")
    _require_verified_email(claims, issuer)
    email = claims.get(issuer.email_claim)
    return VerifiedToken(
        issuer=issuer.issuer,
        subject=str(claims["sub"]),
        tenant_id=tenant_id,
        email=email.lower() if isinstance(email, str) else None,
        signs_in=issuer.signs_in,
    )


def _require_verified_email(claims: dict[str, Any], issuer: TrustedIssuer) -> None:
    """``email_verified`` must be JSON ``true`` (not "true", 1...); it may be missing only where the
    issuer verifies every email: otherwise anyone could claim an invited user's email as their own."""
    if "email_verified" in claims:
        if claims["email_verified"] is not True:
            raise Unauthorized("the token's email address is not verified")
    elif not issuer.emails_verified:
        raise Unauthorized("the token does not say that its email address is verified")


def reset_key_cache() -> None:
    _jwks_client.cache_clear()
    _file_jwks.cache_clear()
