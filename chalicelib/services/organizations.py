"""Organizations of a tenant: legal entities that own websites."""

from __future__ import annotations

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import StaffTarget
from chalicelib.domain.tenancy import (
    Organization,
    OrganizationFields,
    Tenant,
    Website,
    inherited_defaults_problems,
)
from chalicelib.platform.errors import Conflict, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import MAX_LIMIT, Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.context import Caller, require_reach
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.tenants import TENANT_TYPE
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

ORGANIZATION_TYPE = "organization"


def no_such_organization() -> Unprocessable:
    """The answer to a body naming an organization that does not exist or that the caller may not reach."""
    return Unprocessable.field("body.organization_id", "no such organization", "not_found")


def require_organization_reach(caller: Caller, permission: Permission, organization_id: str) -> None:
    """The caller's ``permission`` reaches the organization a body names (else 422, as if unknown)."""
    target = StaffTarget(organization_id=organization_id)
    require_reach(caller.principal, permission, target, no_such_organization())


def require_organization(transaction: Transaction, tenant_id: str, organization_id: str) -> None:
    """The organization a body names still exists when ``transaction`` commits."""
    transaction.require(
        keys.organization(tenant_id, organization_id),
        data_equals={"id": organization_id},
        on_failure=no_such_organization(),
    )


def create_organization(
    caller: Caller, body: OrganizationFields, idempotency: IdempotencyClaim | None = None
) -> Organization:
    organization = Organization.model_validate(
        {"id": new_id(ORGANIZATION_TYPE), "version": 1, **entities.timestamps(), **body.model_dump()},
        strict=False,
    )
    return entities.create(
        caller,
        key=keys.organization(caller.tenant_id, organization.id),
        entity_type=ORGANIZATION_TYPE,
        entity=organization,
        idempotency=idempotency,
    )


def get_organization(caller: Caller, organization_id: str) -> Organization:
    return entities.load(
        keys.organization(caller.tenant_id, organization_id), Organization, ORGANIZATION_TYPE
    )


def list_organizations(caller: Caller, page: PageRequest) -> Listing[Organization]:
    """The organizations the caller's organizations.read reaches."""
    return entities.listing(
        keys.organization_collection(caller.tenant_id),
        Organization,
        page,
        keep=caller.reachable(Permission.ORGANIZATIONS_READ, "id"),
    )


def update_organization(
    caller: Caller, organization_id: str, patch: Input, expected_version: ExpectedVersion
) -> Organization:
    current = get_organization(caller, organization_id)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, OrganizationFields)
    if (updated.default_currency, updated.default_locale, updated.tax_basis) != (
        current.default_currency,
        current.default_locale,
        current.tax_basis,
    ):
        _refuse_defaults_websites_do_not_offer(caller, updated)
    return entities.update(
        caller,
        key=keys.organization(caller.tenant_id, organization_id),
        entity_type=ORGANIZATION_TYPE,
        before=current,
        after=updated,
    )


def _refuse_defaults_websites_do_not_offer(caller: Caller, organization: Organization) -> None:
    """409 if a website inheriting the default currency or locale does not offer the new value, or
    inheriting an origin tax basis has no ``tax_origin``."""
    tenant = entities.load(keys.tenant(caller.tenant_id), Tenant, TENANT_TYPE).settings
    broken = [
        f"{website.id} ({', '.join(name for name, _ in problems)})"
        for website in websites_of(caller.tenant_id, organization.id)
        if (problems := inherited_defaults_problems(tenant, organization, website))
    ]
    if broken:
        raise Conflict(
            "websites inherit this setting but cannot take it (a default they do not offer, an origin tax "
            "basis without their tax_origin); set their own or complete them first: " + ", ".join(broken)
        )


def websites_of(tenant_id: str, organization_id: str) -> list[Website]:
    """Every website of the organization (strongly consistent: delete guards rely on it)."""
    records = repository.query_all(
        keys.website_collection(tenant_id), page_size=MAX_LIMIT, filters={"organization_id": organization_id}
    )
    return [entities.to_model(record, Website) for record in records]


def delete_organization(caller: Caller, organization_id: str, expected_version: ExpectedVersion) -> None:
    current = get_organization(caller, organization_id)
    entities.check_version(current.version, expected_version)
    websites = repository.query(
        keys.website_collection(caller.tenant_id), limit=1, filters={"organization_id": organization_id}
    )
    if websites.records:
        raise Conflict("the organization still has websites; delete or move them first")
    # The category partition holds the TREE item (sorted first) and the categories: two items tell.
    categories = repository.query(keys.category_partition(caller.tenant_id, organization_id), limit=2)
    if any(record.key.sk != keys.CATEGORY_TREE for record in categories.records):
        raise Conflict("the organization still has categories; delete them first")
    structure = next(iter(categories.records), None)

    def release_category_tree(transaction: Transaction) -> None:
        # Deleted at the version read: a category created meanwhile makes the delete fail instead.
        if structure is not None:
            transaction.delete(
                structure.key,
                expected_version=structure.version,
                on_failure=Conflict("categories were made meanwhile; retry", headers={"Retry-After": "1"}),
            )

    entities.delete(
        caller,
        key=keys.organization(caller.tenant_id, organization_id),
        entity_type=ORGANIZATION_TYPE,
        entity=current,
        extra_writes=release_category_tree,
    )
