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
    from chalicelib.domain.staff import StaffTarget
    from chalicelib.store.repository import Record


def require_reach(principal: Principal, permission: Permission, target: StaffTarget, hidden: Problem) -> None:
    """A staff grant must reach the record: ``hidden`` when the caller may not see it, else 403."""
    if principal.staff is None:
        raise Forbidden("this is for staff users")
    decision = principal.staff.access.decide(permission, target)
    if decision is Decision.HIDDEN:
        raise hidden
    if decision is Decision.FORBIDDEN:
        raise Forbidden(f"this needs {permission.value!r} where this record belongs")


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
        staff = self.principal.staff
        within = None if staff is None else staff.access.within(permission)
        if within is None:
            return None
        return lambda record: record.data[field] in within
