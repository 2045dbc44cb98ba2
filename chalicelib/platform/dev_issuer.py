"""The local development token issuer: an ES256 key pair under ``.local/`` and its JWKS.

Trusted only in the ``local`` and ``test`` stages (enforced in settings). ``kontor dev token`` and
the tests mint tokens with :func:`mint_token`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from chalicelib.platform.settings import DEV_AUDIENCE, DEV_ISSUER

KEY_ID = "kontor-dev-1"
DEV_OPERATOR_EMAIL = "operator@kontor.example"
PRIVATE_KEY_FILE = "private_key.pem"
JWKS_FILE = "jwks.json"


def ensure_key_pair(directory: Path) -> None:
    """Create the key pair and its JWKS once; later calls keep the existing keys."""
    private_path = directory / PRIVATE_KEY_FILE
    if private_path.exists():
        return
    directory.mkdir(parents=True, exist_ok=True)
    private_key = ec.generate_private_key(ec.SECP256R1())
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private_key.public_key()))
    public_jwk.update({"kid": KEY_ID, "use": "sig", "alg": "ES256"})
    private_path.write_bytes(pem)
    private_path.chmod(0o600)
    (directory / JWKS_FILE).write_text(json.dumps({"keys": [public_jwk]}))


def read_jwks(directory: Path) -> dict[str, object]:
    jwks: dict[str, object] = json.loads((directory / JWKS_FILE).read_text())
    return jwks


def dev_subject(email: str) -> str:
    """The subject the dev issuer gives an email: what a user signing in with it is bound to."""
    return f"dev|{email.lower()}"


def mint_token(
    directory: Path,
    *,
    tenant_id: str,
    email: str,
    lifetime_seconds: int = 12 * 3600,
    extra_claims: dict[str, object] | None = None,
) -> str:
    ensure_key_pair(directory)
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "sub": dev_subject(email),
        "email": email.lower(),
        "tenant": tenant_id,
        "iat": now,
        "nbf": now,
        "exp": now + lifetime_seconds,
        **(extra_claims or {}),
    }
    private_key = (directory / PRIVATE_KEY_FILE).read_bytes()
    return jwt.encode(claims, private_key, algorithm="ES256", headers={"kid": KEY_ID})
