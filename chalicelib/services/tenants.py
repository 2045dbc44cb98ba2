"""Tenants: created by platform operators, each with its first tenant administrator."""

from __future__ import annotations

import secrets

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.staff import PLATFORM_OPERATOR, TENANT_ADMINISTRATOR
from chalicelib.domain.tenancy import Tenant, TenantCreate, TenantFields, TenantStatusChange
from chalicelib.platform.errors import Conflict, NotFound
from chalicelib.platform.ids import utc_now
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities, staff
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.store import keys
from chalicelib.store.repository import Transaction

TENANT_TYPE = "tenant"
# Incremented by catalog (pricing) changes without the tenant's version (count_catalog_change): a rewrite of
# the tenant keeps them as they are, or fails if one changed since it was read.
TENANT_COUNTERS = ("catalog_generation", "pricing_generation", "tax_generation")


def _indexes(tenant_id: str) -> dict[str, str]:
    """The tenant's entry in the platform's tenant list (every write of the item must keep it)."""
    return {"GSI1PK": keys.tenants_index(), "GSI1SK": tenant_id}


def create_tenant(caller: Caller, body: TenantCreate, idempotency: IdempotencyClaim | None = None) -> Tenant:
    now = utc_now()
    tenant = Tenant(
        id=body.id,
        name=body.name,
        settings=body.settings,
        status="active",
        domain_verification_token=secrets.token_hex(16),
        catalog_generation=0,
        pricing_generation=0,
        tax_generation=0,
        version=1,
        created_at=now,
        updated_at=now,
    )

    administrator = staff.new_staff_user(
        {
            "email": body.admin_email,
            "name": body.admin_name,
            "assignments": [{"role_id": TENANT_ADMINISTRATOR.id}],
        }
    )

    def add_administrator(transaction: Transaction) -> None:
        staff.add_staff_user(transaction, body.id, administrator)

    return entities.create(
        caller,
        key=keys.tenant(body.id),
        entity_type=TENANT_TYPE,
        entity=tenant,
        indexes=_indexes(body.id),
        extra_writes=add_administrator,
        idempotency=idempotency,
        tenant_id=body.id,
        on_exists=Conflict(f"tenant {body.id!r} already exists"),
    )


def get_tenant(tenant_id: str) -> Tenant:
    return entities.load(keys.tenant(tenant_id), Tenant, TENANT_TYPE)


def get_own_tenant(caller: Caller) -> Tenant:
    return get_tenant(caller.tenant_id)


def update_own_tenant(caller: Caller, patch: Input, expected_version: ExpectedVersion) -> Tenant:
    """Change the caller's tenant: its name and the settings every organization and website inherit."""
    current = get_own_tenant(caller)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, TenantFields)
    return entities.update(
        caller,
        key=keys.tenant(caller.tenant_id),
        entity_type=TENANT_TYPE,
        before=current,
        after=updated,
        indexes=_indexes(caller.tenant_id),
        counters=TENANT_COUNTERS,
    )


def change_tenant_status(
    caller: Caller, tenant_id: str, change: TenantStatusChange, expected_version: ExpectedVersion
) -> Tenant:
    """Suspend or reactivate a tenant (a platform operator's call), audited in the tenant's own log.

    The status lives on the tenant's item, which the principal's BatchGetItem and the public host
    lookup read anyway: a suspension takes effect on the next request, at no extra round trip.
    """
    current = get_tenant(tenant_id)
    entities.check_version(current.version, expected_version)
    if change.status == current.status:
        return current
    updated = current.model_copy(
        update={"status": change.status, "version": current.version + 1, "updated_at": utc_now()}
    )
    return entities.update(
        caller,
        key=keys.tenant(tenant_id),
        entity_type=TENANT_TYPE,
        before=current,
        after=updated,
        indexes=_indexes(tenant_id),
        tenant_id=tenant_id,
        counters=TENANT_COUNTERS,
    )


def list_tenants(page: PageRequest) -> Listing[Tenant]:
    return entities.listing(keys.tenants_index(), Tenant, page, index="GSI1")


def ensure_platform_operator(email: str, name: str) -> None:
    """Bootstrap: the first platform operator (used by the local seed and deployment scripts)."""
    staff.ensure_staff_user(keys.PLATFORM_TENANT, email, name, PLATFORM_OPERATOR)


def count_catalog_change(transaction: Transaction, tenant_id: str) -> None:
    """Add one to the tenant's ``catalog_generation`` in a catalog change's own transaction.

    Storefront caches of the category tree and the websites' catalog settings are checked against it
    (the principal's BatchGetItem reads the tenant item anyway); the tenant's version is left alone.
    """
    transaction.increment(
        keys.tenant(tenant_id), "catalog_generation", on_failure=NotFound("tenant not found")
    )


def count_pricing_change(transaction: Transaction, tenant_id: str) -> None:
    """Add one to the tenant's ``pricing_generation`` in a pricing change's own transaction (price
    lists, website and customer group assignments, exchange rates, websites' merge strategy): what
    per-process caches of the assignment chain are checked against, as :func:`count_catalog_change` is
    for the catalog."""
    transaction.increment(
        keys.tenant(tenant_id), "pricing_generation", on_failure=NotFound("tenant not found")
    )


def count_tax_change(transaction: Transaction, tenant_id: str) -> None:
    """Add one to the tenant's ``tax_generation`` in a tax configuration change's own transaction: what
    per-process caches of the configuration are checked against (``services.taxes.calculation``)."""
    transaction.increment(keys.tenant(tenant_id), "tax_generation", on_failure=NotFound("tenant not found"))
