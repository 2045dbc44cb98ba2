"""Which roles grant which permissions: the one policy decision every route goes through.

Routes declare a permission; :func:`is_allowed` decides from the principal's kind and the roles the
table gives them. Customer roles with scopes arrive with the accounts capability.
"""

from __future__ import annotations

from enum import StrEnum


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
        }
    ),
}


def granted(roles: frozenset[str]) -> frozenset[Permission]:
    return frozenset().union(*(ROLE_PERMISSIONS.get(role, frozenset()) for role in roles))


def is_allowed(roles: frozenset[str], permission: Permission) -> bool:
    return permission is Permission.PUBLIC or permission in granted(roles)
