"""Turning a verified token into a principal whose roles come from the table (one GetItem)."""

from __future__ import annotations

from chalicelib.domain.permissions import PLATFORM_OPERATOR_ROLE
from chalicelib.platform.errors import Forbidden
from chalicelib.platform.principal import Principal, VerifiedToken
from chalicelib.store import keys, repository

STAFF_USER_TYPE = "staff_user"


def load_principal(token: VerifiedToken) -> Principal:
    """The staff member the token names in its tenant; 403 if unknown or disabled there."""
    if token.email is None:
        raise Forbidden("the token carries no email")
    record = repository.get(keys.staff_user(token.tenant_id, token.email))
    if record is None or record.type != STAFF_USER_TYPE or record.data.get("status") != "active":
        raise Forbidden("no active account for this token in its tenant")
    roles = frozenset(record.data.get("roles", []))
    if token.tenant_id != keys.PLATFORM_TENANT:
        # The operator role is the platform's own: a customer tenant's record can never grant it.
        roles -= {PLATFORM_OPERATOR_ROLE}
    is_operator = PLATFORM_OPERATOR_ROLE in roles
    return Principal(
        kind="platform_operator" if is_operator else "staff",
        tenant_id=token.tenant_id,
        subject=token.subject,
        email=token.email,
        roles=roles,
    )
