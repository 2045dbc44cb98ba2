"""chalicelib.domain.permissions: the role x permission policy table."""

from __future__ import annotations

import pytest

from chalicelib.domain.permissions import (
    PLATFORM_OPERATOR_ROLE,
    TENANT_ADMIN_ROLE,
    Permission,
    granted,
    is_allowed,
)

ADMIN_PERMISSIONS = {
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
OPERATOR_PERMISSIONS = {Permission.PLATFORM_TENANTS}

ROLE_CASES = [
    (frozenset({TENANT_ADMIN_ROLE}), ADMIN_PERMISSIONS),
    (frozenset({PLATFORM_OPERATOR_ROLE}), OPERATOR_PERMISSIONS),
    (frozenset({TENANT_ADMIN_ROLE, PLATFORM_OPERATOR_ROLE}), ADMIN_PERMISSIONS | OPERATOR_PERMISSIONS),
    (frozenset({"no-such-role"}), set()),
    (frozenset({"Tenant-Admin"}), set()),  # role names are exact
    (frozenset(), set()),
]


@pytest.mark.parametrize(
    ("roles", "permission", "allowed"),
    [
        pytest.param(
            roles,
            permission,
            permission is Permission.PUBLIC or permission in expected,
            id=f"{'+'.join(sorted(roles)) or 'no-role'}:{permission.value}",
        )
        for roles, expected in ROLE_CASES
        for permission in Permission
    ],
)
def test_is_allowed(roles: frozenset[str], permission: Permission, allowed: bool) -> None:
    # given a principal's roles and the permission a route declares
    # when the policy decides
    decision = is_allowed(roles, permission)
    # then only the permissions the roles grant (and PUBLIC) are allowed
    assert decision is allowed


@pytest.mark.parametrize(("roles", "expected"), ROLE_CASES)
def test_granted_is_the_union_of_the_roles(roles: frozenset[str], expected: set[Permission]) -> None:
    # given a set of roles
    # when their permissions are collected
    permissions = granted(roles)
    # then it is the union of what each role grants, unknown roles granting nothing
    assert permissions == expected


def test_no_role_grants_public_explicitly() -> None:
    # given every role's permissions
    # when PUBLIC is looked for
    found = Permission.PUBLIC in granted(frozenset({TENANT_ADMIN_ROLE, PLATFORM_OPERATOR_ROLE}))
    # then it is absent: PUBLIC is allowed by the policy itself, not by a role
    assert found is False
