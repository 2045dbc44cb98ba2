"""Staff permissions, what each one is bounded by, and the gate every route goes through.

Routes declare a permission. Staff routes declare a :class:`Permission`, granted by staff roles
(``domain.staff``) whose assignments may be limited to some organizations or to the customers a sales
representative is assigned to; storefront routes declare a customer permission (``domain.access``),
held through the customer user's role assignments. :func:`may_call` is the gate: a principal never
reaches a route of the other audience, nor one whose permission they hold nowhere.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from chalicelib.domain.access import CustomerPermission

if TYPE_CHECKING:
    from chalicelib.platform.principal import Principal


class Permission(StrEnum):
    """What staff may be granted, by resource (``<resource>.<read|write>``)."""

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
    STAFF_SELF = "staff.self"  # any signed-in staff user, whatever their roles (GET /v1/admin/me)
    CUSTOMERS_READ = "customers.read"
    CUSTOMERS_WRITE = "customers.write"
    CUSTOMER_GROUPS_READ = "customer_groups.read"
    CUSTOMER_GROUPS_WRITE = "customer_groups.write"
    STAFF_USERS_READ = "staff_users.read"
    STAFF_USERS_WRITE = "staff_users.write"
    STAFF_ROLES_READ = "staff_roles.read"
    STAFF_ROLES_WRITE = "staff_roles.write"
    # Held by roles today, declared by the catalog, pricing and content routes as they come.
    CATALOG_READ = "catalog.read"
    CATALOG_WRITE = "catalog.write"
    PRICES_READ = "prices.read"
    PRICES_WRITE = "prices.write"
    CONTENT_READ = "content.read"
    CONTENT_WRITE = "content.write"
    TAXES_READ = "taxes.read"
    TAXES_WRITE = "taxes.write"
    ORDERS_READ = "orders.read"
    ORDERS_WRITE = "orders.write"
    INTEGRATIONS_READ = "integrations.read"  # integration keys and the ERP imports' fates
    INTEGRATIONS_MANAGE = "integrations.manage"
    ERP_MESSAGES = "erp.messages"  # an integration key's routes (/v1/erp/...): only integrations call them
    # A sales representative's checkout and order for a buyer of an assigned customer, as the buyer.
    ORDERS_PLACE_ON_BEHALF = "orders.place_on_behalf"


class Bound(StrEnum):
    """Which limit of a grant applies to a permission's records."""

    TENANT = "tenant"  # tenant-wide records: only a grant without limits holds the permission
    NONE = "none"  # reference data any grant may read, whatever its limits
    ORGANIZATION = "organization"  # records of an organization: a grant limited to organizations
    CUSTOMER = "customer"  # records of a customer: a grant limited to assigned customers


PERMISSION_BOUNDS: dict[Permission, Bound] = {
    Permission.TENANT_READ: Bound.NONE,
    Permission.CUSTOMER_GROUPS_READ: Bound.NONE,
    Permission.ORGANIZATIONS_READ: Bound.ORGANIZATION,
    Permission.ORGANIZATIONS_WRITE: Bound.ORGANIZATION,
    Permission.WEBSITES_READ: Bound.ORGANIZATION,
    Permission.WEBSITES_WRITE: Bound.ORGANIZATION,
    Permission.CATALOG_READ: Bound.ORGANIZATION,
    Permission.CATALOG_WRITE: Bound.ORGANIZATION,
    Permission.PRICES_READ: Bound.ORGANIZATION,
    Permission.PRICES_WRITE: Bound.ORGANIZATION,
    Permission.CONTENT_READ: Bound.ORGANIZATION,
    Permission.CONTENT_WRITE: Bound.ORGANIZATION,
    Permission.CUSTOMERS_READ: Bound.CUSTOMER,
    Permission.CUSTOMERS_WRITE: Bound.CUSTOMER,
    # an order lies in its website's organization and belongs to a customer: a grant limited to
    # organizations reaches their orders, a sales representative's only his customers' orders
    Permission.ORDERS_READ: Bound.ORGANIZATION,
    Permission.ORDERS_WRITE: Bound.ORGANIZATION,
    Permission.ORDERS_PLACE_ON_BEHALF: Bound.CUSTOMER,
}
"""Every other permission is :attr:`Bound.TENANT`."""

READ_OF: dict[Permission, Permission] = {
    Permission.TENANT_WRITE: Permission.TENANT_READ,
    Permission.ORGANIZATIONS_WRITE: Permission.ORGANIZATIONS_READ,
    Permission.WEBSITES_WRITE: Permission.WEBSITES_READ,
    Permission.CUSTOMERS_WRITE: Permission.CUSTOMERS_READ,
    Permission.CUSTOMER_GROUPS_WRITE: Permission.CUSTOMER_GROUPS_READ,
    Permission.STAFF_USERS_WRITE: Permission.STAFF_USERS_READ,
    Permission.STAFF_ROLES_WRITE: Permission.STAFF_ROLES_READ,
    Permission.CATALOG_WRITE: Permission.CATALOG_READ,
    Permission.PRICES_WRITE: Permission.PRICES_READ,
    Permission.CONTENT_WRITE: Permission.CONTENT_READ,
    Permission.TAXES_WRITE: Permission.TAXES_READ,
    Permission.ORDERS_WRITE: Permission.ORDERS_READ,
    Permission.INTEGRATIONS_MANAGE: Permission.INTEGRATIONS_READ,
}
"""The permission that makes a record visible to whoever may not change it (403 rather than 404)."""

NOT_GRANTABLE = frozenset(
    {
        Permission.PUBLIC,
        Permission.PLATFORM_TENANTS,
        Permission.CUSTOMER_SELF,
        Permission.STAFF_SELF,
        Permission.ERP_MESSAGES,
    }
)
"""Permissions no tenant role carries: everyone's, the platform's own, customer users' and integrations'."""


def bound_of(permission: Permission) -> Bound:
    return PERMISSION_BOUNDS.get(permission, Bound.TENANT)


def may_call(principal: Principal, permission: Permission | CustomerPermission) -> bool:
    """Whether the principal may call a route that declares ``permission`` at all."""
    if permission is Permission.PUBLIC:
        return True
    if principal.integration is not None or permission is Permission.ERP_MESSAGES:
        # an integration key reaches its own routes and nothing else, and nobody else reaches those
        return principal.integration is not None and permission is Permission.ERP_MESSAGES
    session = principal.customer
    if session is not None:
        return permission is Permission.CUSTOMER_SELF or (
            isinstance(permission, CustomerPermission) and session.access.holds(permission)
        )
    staff = principal.staff
    if staff is None or not isinstance(permission, Permission):
        return False
    if permission is Permission.STAFF_SELF:
        return principal.kind == "staff"
    return staff.access.holds(permission)
