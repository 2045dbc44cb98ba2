"""Turning a verified token into a principal whose access comes from the table.

Staff and customer users are both found by the token's email in one BatchGetItem, which also reads
the tenant's own staff roles and the tenant itself (a suspended tenant's users are refused). A
customer user's company tree comes with one more Query; so do the customers of a staff user whose
roles are limited to assigned customers. An invited customer user is
bound to the first verified token with their email; a disabled user is refused at once (nothing is
cached across requests).
"""

from __future__ import annotations

from chalicelib.domain.customer_users import CustomerSession, CustomerUser, UnitSummary, customer_access
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import RoleCatalog, StaffSession, StaffUser, staff_access
from chalicelib.platform.errors import Forbidden, TenantSuspended
from chalicelib.platform.principal import Principal, VerifiedToken
from chalicelib.services import customer_users, customers, entities, staff
from chalicelib.services.context import Caller
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record


def load_principal(token: VerifiedToken) -> Principal:
    """The staff member or customer user the token names in its tenant; 403 if unknown or disabled."""
    if token.email is None:
        raise Forbidden("the token carries no email")
    tenant_id = token.tenant_id
    staff_key = keys.staff_user(tenant_id, token.email)
    customer_key = keys.customer_user(tenant_id, token.email)
    roles_key = keys.staff_roles(tenant_id)
    tenant_key = keys.tenant(tenant_id)  # its status, in the same round trip
    found = repository.get_many([staff_key, customer_key, roles_key, tenant_key])
    tenant = found.get(tenant_key)
    if tenant is not None and tenant.data["status"] == "suspended":
        raise TenantSuspended()
    if customer_key in found:
        return _customer_principal(token, found[customer_key])
    record = found.get(staff_key)
    if record is None or record.type != staff.STAFF_USER_TYPE:
        raise Forbidden("no active account for this token in its tenant")
    user = entities.to_model(record, StaffUser)
    if user.status != "active":
        raise Forbidden("this account is disabled")
    stored_roles = found.get(roles_key)
    catalog = RoleCatalog.of(
        stored_roles.version if stored_roles else None,
        stored_roles.data.get("roles", {}) if stored_roles else {},
        platform=tenant_id == keys.PLATFORM_TENANT,
    )
    access = staff_access(user.id, user.assignments, catalog.roles)
    if access.needs_assigned_customers:
        customers = staff.assigned_customers(tenant_id, user.id)
        access = staff_access(user.id, user.assignments, catalog.roles, customers)
    operator = access.holds(Permission.PLATFORM_TENANTS)
    return Principal(
        kind="platform_operator" if operator else "staff",
        tenant_id=tenant_id,
        subject=token.subject,
        email=token.email,
        staff=StaffSession(user=user, access=access, roles=catalog),
    )


def _customer_principal(token: VerifiedToken, record: Record) -> Principal:
    user = entities.to_model(record, CustomerUser)
    if user.disabled:
        raise Forbidden("this account is disabled")
    if user.binding is None:
        caller = Caller(
            Principal(kind="customer", tenant_id=token.tenant_id, subject=token.subject, email=user.email)
        )
        user = customer_users.bind_on_first_sign_in(user, token, caller)
    elif (user.binding.issuer, user.binding.subject) != (token.issuer, token.subject):
        raise Forbidden("this account is bound to another sign-in")
    company = customers.load_company(token.tenant_id, user.customer_id)
    access = customer_access(user, company.tree, custom_roles=company.roles)
    path = tuple(
        UnitSummary(id=unit.id, name=unit.name, kind=unit.kind) for unit in company.path(user.unit_id)
    )
    return Principal(
        kind="customer",
        tenant_id=token.tenant_id,
        subject=token.subject,
        email=user.email,
        customer=CustomerSession(user=user, access=access, company_path=path, company=company),
    )
