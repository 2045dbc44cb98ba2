"""Who is calling: the verified token's identity and the principal the table makes of it.

Kept apart from token verification so that importing the API does not import PyJWT and
cryptography (their import costs cold start; only authenticated requests need them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from chalicelib.domain.customer_users import CustomerSession
    from chalicelib.domain.erp import IntegrationSession
    from chalicelib.domain.staff import StaffSession
    from chalicelib.platform.settings import UserKind

PrincipalKind = Literal["platform_operator", "staff", "customer", "integration", "anonymous"]


@dataclass(frozen=True)
class VerifiedToken:
    issuer: str
    subject: str
    tenant_id: str
    email: str | None
    signs_in: frozenset[UserKind]  # the kinds of user its issuer may sign in


@dataclass(frozen=True)
class Principal:
    """Who is calling, with the access the table gives them in their tenant."""

    kind: PrincipalKind
    tenant_id: str | None
    subject: str
    email: str | None = None
    on_behalf_of: str | None = None
    staff: StaffSession | None = None  # a staff user's (or platform operator's) account and grants
    customer: CustomerSession | None = None  # a customer user's account, company and access
    integration: IntegrationSession | None = None  # an ERP's integration key and its scopes

    @property
    def actor(self) -> str:
        """How audit entries and idempotency scopes name this principal."""
        return f"{self.kind}:{self.email or self.subject}"


ANONYMOUS = Principal(kind="anonymous", tenant_id=None, subject="anonymous")
