"""Who a service call is for: the principal, the request's correlation id, and what staff may reach."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain.access import Decision
from chalicelib.platform.errors import Forbidden, NotFound, Problem
from chalicelib.platform.principal import Principal

if TYPE_CHECKING:
    from chalicelib.domain.permissions import Permission
    from chalicelib.domain.staff import StaffAccess, StaffTarget
    from chalicelib.store.repository import Record


def require_reach(principal: Principal, permission: Permission, target: StaffTarget, hidden: Problem) -> None:
    """A staff grant (or an integration's, applying its messages) must reach the record: ``hidden`` when
    the caller may not see it, else 403."""
    access = staff_access_of(principal)
    if access is None:
        raise Forbidden("this is for staff users")
    decision = access.decide(permission, target)
    if decision is Decision.HIDDEN:
        raise hidden
    if decision is Decision.FORBIDDEN:
        raise Forbidden(f"this needs {permission.value!r} where this record belongs")


def staff_access_of(principal: Principal) -> StaffAccess | None:
    """The grants a staff user holds, or those an integration's messages are applied with."""
    if principal.staff is not None:
        return principal.staff.access
    return principal.integration.access if principal.integration is not None else None


@dataclass(frozen=True)
class Caller:
    principal: Principal
    correlation_id: str | None = None

    @property
    def tenant_id(self) -> str:
        """The tenant every key of this call is built from (never taken from a body)."""
        if self.principal.tenant_id is None:
            raise Forbidden("this call needs a tenant")
        return self.principal.tenant_id

    def require(self, permission: Permission, target: StaffTarget, noun: str) -> None:
        """The caller's staff grant reaches the record (404 when it may not know it, 403 otherwise)."""
        require_reach(self.principal, permission, target, NotFound(f"{noun} not found"))

    def reachable(self, permission: Permission, field: str) -> Callable[[Record], bool] | None:
        """A list filter keeping records whose organization or customer ``field`` the grant reaches."""
        access = staff_access_of(self.principal)
        within = None if access is None else access.within(permission)
        if within is None:
            return None
        return lambda record: record.data[field] in within
