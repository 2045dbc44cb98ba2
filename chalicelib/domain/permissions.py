"""Which roles grant which permissions: the gate every route goes through.

Routes declare a permission. Staff routes declare a :class:`Permission`, granted by staff roles read
from the table; storefront routes declare a customer permission (``domain.access``), held through the
customer user's role assignments, and then decide per record with ``access.decide``.
:func:`may_call` is that gate: a principal never reaches a route of the other audience.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib.domain.access import CustomerPermission

if TYPE_CHECKING:
    from chalicelib.platform.principal import Principal


class Permission(StrEnum):
    PUBLIC = "public"
    PLATFORM_TENANTS = "platform.tenants.manage"
    TENANT_READ = "tenant.read"
    TENANT_WRITE = "tenant.write"
    ORGANIZATIONS_READ = "organizations.read"
    ORGANIZATIONS_WRITE = "organizations.write"
    WEBSITES_READ = "websites.read"
    WEBSITES_WRITE = "websites.write"
    AUDIT_READ = "audit.read"
    CUSTOMER_SELF = "customer.self"  # any signed-in customer user, whatever their roles (GET /v1/store/me)
    CUSTOMERS_READ = "customers.read"
    CUSTOMERS_WRITE = "customers.write"
    CUSTOMER_GROUPS_READ = "customer_groups.read"
    CUSTOMER_GROUPS_WRITE = "customer_groups.write"


PLATFORM_OPERATOR_ROLE = "platform-operator"
TENANT_ADMIN_ROLE = "tenant-admin"

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    PLATFORM_OPERATOR_ROLE: frozenset({Permission.PLATFORM_TENANTS}),
    TENANT_ADMIN_ROLE: frozenset(
        {
            Permission.TENANT_READ,
            Permission.TENANT_WRITE,
            Permission.ORGANIZATIONS_READ,
            Permission.ORGANIZATIONS_WRITE,
            Permission.WEBSITES_READ,
            Permission.WEBSITES_WRITE,
            Permission.AUDIT_READ,
            Permission.CUSTOMERS_READ,
            Permission.CUSTOMERS_WRITE,
            Permission.CUSTOMER_GROUPS_READ,
            Permission.CUSTOMER_GROUPS_WRITE,
        }
    ),
}


def granted(roles: frozenset[str]) -> frozenset[Permission]:
    return frozenset().union(*(ROLE_PERMISSIONS.get(role, frozenset()) for role in roles))


def is_allowed(roles: frozenset[str], permission: Permission) -> bool:
    return permission is Permission.PUBLIC or permission in granted(roles)


def may_call(principal: Principal, permission: Permission | CustomerPermission) -> bool:
    """Whether the principal may call a route that declares ``permission`` at all."""
    if permission is Permission.PUBLIC:
        return True
    session = principal.customer
    if session is not None:
        return permission is Permission.CUSTOMER_SELF or (
            isinstance(permission, CustomerPermission) and session.access.holds(permission)
        )
    return isinstance(permission, Permission) and is_allowed(principal.roles, permission)
