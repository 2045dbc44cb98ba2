"""Turning a verified token into a principal whose access comes from the table.

Staff and customer users are both found by the token's email in one BatchGetItem, which also reads
the tenant's own staff roles and the tenant itself (a suspended tenant's users are refused). A
customer user's company tree comes with one more Query; so do the customers of a staff user whose
roles are limited to assigned customers. Staff and customer users alike are bound to the issuer and
subject of the first verified token with their email (one conditional write), from an issuer trusted
to sign in their kind of user; a disabled user is refused at once (nothing is cached across requests).
"""

from __future__ import annotations

from chalicelib.domain.base import SignInBinding
from chalicelib.domain.customer_users import CustomerSession, CustomerUser, UnitSummary, customer_access
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import RoleCatalog, StaffSession, StaffUser, staff_access
from chalicelib.platform.errors import Forbidden, TenantSuspended, Unauthorized
from chalicelib.platform.principal import Principal, PrincipalKind, VerifiedToken
from chalicelib.platform.settings import UserKind
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
        counters = tenant.data if tenant is not None else {}
        return _customer_principal(
            token,
            found[customer_key],
            int(counters.get("catalog_generation", 0)),
            int(counters.get("pricing_generation", 0)),
            int(counters.get("tax_generation", 0)),
        )
    record = found.get(staff_key)
    if record is None or record.type != staff.STAFF_USER_TYPE:
        raise Forbidden("no active account for this token in its tenant")
    _may_sign_in(token, "staff")
    user = entities.to_model(record, StaffUser)
    if user.status != "active":
        raise Forbidden("this account is disabled")
    unbound = _first_sign_in(user.binding, token)
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
    kind: PrincipalKind = "platform_operator" if access.holds(Permission.PLATFORM_TENANTS) else "staff"
    if unbound:
        caller = Caller(Principal(kind=kind, tenant_id=tenant_id, subject=token.subject, email=user.email))
        user = staff.bind_on_first_sign_in(user, token, caller)
    return Principal(
        kind=kind,
        tenant_id=tenant_id,
        subject=token.subject,
        email=token.email,
        staff=StaffSession(user=user, access=access, roles=catalog),
    )


def _may_sign_in(token: VerifiedToken, kind: UserKind) -> None:
    """The token's issuer must be trusted to sign in this kind of user (a customer's own SSO never
    signs in the seller's staff)."""
    if kind not in token.signs_in:
        raise Unauthorized(f"this token's issuer does not sign in {kind} users")


def _first_sign_in(binding: SignInBinding | None, token: VerifiedToken) -> bool:
    """Whether the account is still to be bound; 403 if it is bound to another issuer or subject."""
    if binding is None:
        return True
    if (binding.issuer, binding.subject) != (token.issuer, token.subject):
        raise Forbidden("this account is bound to another sign-in")
    return False


def _customer_principal(
    token: VerifiedToken,
    record: Record,
    catalog_generation: int,
    pricing_generation: int,
    tax_generation: int,
) -> Principal:
    _may_sign_in(token, "customer")
    user = entities.to_model(record, CustomerUser)
    if user.disabled:
        raise Forbidden("this account is disabled")
    if _first_sign_in(user.binding, token):
        caller = Caller(
            Principal(kind="customer", tenant_id=token.tenant_id, subject=token.subject, email=user.email)
        )
        user = customer_users.bind_on_first_sign_in(user, token, caller)
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
        customer=CustomerSession(
            user=user,
            access=access,
            company_path=path,
            company=company,
            catalog_generation=catalog_generation,
            pricing_generation=pricing_generation,
            tax_generation=tax_generation,
        ),
    )
