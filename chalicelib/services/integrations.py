"""Integration keys: how an ERP signs its calls, and the principal a key makes.

A key is ``ik.<tenant>.<key id>.<secret>``: the tenant and the key's item come from the key itself (one
BatchGetItem with the tenant, whose suspension refuses it too), never from a message or a header. The
secret is 256 random bits, so its SHA-256 is what the item keeps (a slow KDF protects guessable
passwords; nothing guesses 2^256) and the comparison takes constant time. A revoked key is refused at
the next request: nothing is cached. ``last_used_at`` is written once a request of the key was answered
(a refused one, bad input or a forbidden type, writes nothing), at most once a minute per key, so a
busy ERP does not cost a write per request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from chalicelib.domain.erp import (
    CreatedIntegrationKey,
    IntegrationKey,
    IntegrationKeyFields,
    IntegrationSession,
    StoredIntegrationKey,
)
from chalicelib.platform.errors import Conflict, NotFound, TenantSuspended, Unauthorized
from chalicelib.platform.ids import new_id, utc_now
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.platform.principal import Principal
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

INTEGRATION_KEY_TYPE = "integration_key"
KEY_PREFIX = "ik"
KEY_PATTERN = re.compile(
    r"^ik\.(?P<tenant>[a-z0-9-]{3,40})\.(?P<key_id>int_[0-9A-HJKMNP-TV-Z]{26})\.(?P<secret>[A-Za-z0-9_-]{43})$"
)
LAST_USE_RESOLUTION = timedelta(minutes=1)
NOT_A_KEY = "an integration key is required (Authorization: Bearer ik....)"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(caller: Caller, body: IntegrationKeyFields) -> CreatedIntegrationKey:
    """A new key; its secret is in this answer only (not idempotent: a replay would have to keep it)."""
    secret = secrets.token_urlsafe(32)
    key_id = new_id(INTEGRATION_KEY_TYPE)
    stored = StoredIntegrationKey.model_validate(
        {
            "id": key_id,
            "version": 1,
            **entities.timestamps(),
            **body.model_dump(),
            "status": "active",
            "secret_hint": secret[-4:],
            "secret_sha256": _digest(secret),
        },
        strict=False,
    )
    entities.create(
        caller,
        key=keys.integration_key(caller.tenant_id, key_id),
        entity_type=INTEGRATION_KEY_TYPE,
        entity=stored,
    )
    token = f"{KEY_PREFIX}.{caller.tenant_id}.{key_id}.{secret}"
    return CreatedIntegrationKey.model_validate({**stored.view().model_dump(), "secret": token}, strict=False)


def _stored(caller: Caller, key_id: str) -> StoredIntegrationKey:
    return entities.load(
        keys.integration_key(caller.tenant_id, key_id), StoredIntegrationKey, INTEGRATION_KEY_TYPE
    )


def get_key(caller: Caller, key_id: str) -> IntegrationKey:
    return _stored(caller, key_id).view()


def list_keys(caller: Caller, page: PageRequest) -> Listing[IntegrationKey]:
    stored = entities.listing(keys.integration_key_collection(caller.tenant_id), StoredIntegrationKey, page)
    return Listing[IntegrationKey](items=[key.view() for key in stored.items], next_cursor=stored.next_cursor)


def revoke_key(caller: Caller, key_id: str) -> IntegrationKey:
    """Refuse the key from now on (for good: a new key replaces it)."""
    current = _stored(caller, key_id)
    if current.status == "revoked":
        raise Conflict("the key is revoked already")
    now = utc_now()
    revoked = current.model_copy(
        update={"status": "revoked", "revoked_at": now, "updated_at": now, "version": current.version + 1}
    )
    entities.update(
        caller,
        key=keys.integration_key(caller.tenant_id, key_id),
        entity_type=INTEGRATION_KEY_TYPE,
        before=current,
        after=revoked,
    )
    return revoked.view()


def load_integration(authorization: str | None) -> Principal:
    """The principal of the integration key in the ``Authorization`` header (401 for anything else)."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    match = KEY_PATTERN.fullmatch(token.strip()) if scheme.lower() == "bearer" else None
    if match is None:
        raise Unauthorized(NOT_A_KEY)
    tenant_id, key_id = match["tenant"], match["key_id"]
    key, tenant_key = keys.integration_key(tenant_id, key_id), keys.tenant(tenant_id)
    found = repository.get_many([key, tenant_key])
    record = found.get(key)
    if record is None or record.type != INTEGRATION_KEY_TYPE:
        raise Unauthorized("unknown integration key")
    if not hmac.compare_digest(record.data["secret_sha256"], _digest(match["secret"])):
        raise Unauthorized("unknown integration key")
    if record.data["status"] != "active":
        raise Unauthorized("this integration key is revoked")
    tenant = found.get(tenant_key)
    if tenant is not None and tenant.data["status"] == "suspended":
        raise TenantSuspended()
    stored = entities.to_model(record, StoredIntegrationKey)
    return Principal(
        kind="integration",
        tenant_id=tenant_id,
        subject=key_id,
        integration=IntegrationSession(key_id, frozenset(stored.scopes), stored.last_used_at),
    )


def record_use(principal: Principal) -> None:
    """Set the calling key's ``last_used_at``, once its request was answered, unless it was set within the
    last minute (an update: the key's version, which a revocation is conditional on, stays)."""
    session, tenant_id, now = principal.integration, principal.tenant_id, utc_now()
    if session is None or tenant_id is None:
        return
    if session.last_used_at is not None and now - session.last_used_at < LAST_USE_RESOLUTION:
        return
    transaction = Transaction()
    transaction.set_entry(
        keys.integration_key(tenant_id, session.key_id),
        ("last_used_at",),
        now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        on_failure=NotFound("integration key not found"),
    )
    transaction.commit()
