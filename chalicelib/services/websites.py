"""Websites: one storefront per country or brand, with hostnames unique across the platform.

A hostname is claimed by a routing item ``HOST#<hostname>`` written in the website's own
transaction, on condition that no other website holds it; releasing one is conditional on owning it.
"""

from __future__ import annotations

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import StaffTarget
from chalicelib.domain.tenancy import (
    EffectiveSettings,
    Organization,
    PublicWebsite,
    Tenant,
    TenantSettings,
    Website,
    WebsiteFields,
    effective_settings,
    inherited_defaults_problems,
    public_view,
)
from chalicelib.platform.errors import Conflict, NotFound, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.context import Caller, require_reach
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.organizations import ORGANIZATION_TYPE
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

WEBSITE_TYPE = "website"
HOST_TYPE = "host"


def _inheritance(tenant_id: str, organization_id: str) -> tuple[TenantSettings, Organization]:
    """The tenant's settings and the organization, in one round trip; 422 if the organization is unknown."""
    tenant_key, organization_key = keys.tenant(tenant_id), keys.organization(tenant_id, organization_id)
    found = repository.get_many([tenant_key, organization_key])
    organization = found.get(organization_key)
    if organization is None or organization.type != ORGANIZATION_TYPE:
        raise Unprocessable.field("body.organization_id", "no such organization", "not_found")
    return (
        entities.to_model(found[tenant_key], Tenant).settings,
        entities.to_model(organization, Organization),
    )


def _check_inherited_defaults(
    tenant: TenantSettings, organization: Organization, website: WebsiteFields
) -> None:
    problems = inherited_defaults_problems(tenant, organization, website)
    if problems:
        raise Unprocessable(
            [{"loc": f"body.{name}", "msg": msg, "type": "value_error"} for name, msg in problems]
        )


def _hostname_writes(
    tenant_id: str, website_id: str, old: list[str], new: list[str], organization_id: str
) -> entities.ExtraWrites:
    """Claim added hostnames, release removed ones, and require the organization to still exist."""

    def add(transaction: Transaction) -> None:
        for hostname in sorted(set(new) - set(old)):
            transaction.create(
                keys.host(hostname),
                HOST_TYPE,
                {"hostname": hostname, "tenant_id": tenant_id, "website_id": website_id},
                on_exists=Conflict(f"hostname {hostname!r} is already taken"),
            )
        for hostname in sorted(set(old) - set(new)):
            transaction.delete(
                keys.host(hostname),
                data_equals={"website_id": website_id},
                on_failure=Conflict(f"hostname {hostname!r} is no longer held by this website"),
            )
        transaction.require(
            keys.organization(tenant_id, organization_id),
            data_equals={"id": organization_id},
            on_failure=Unprocessable.field("body.organization_id", "no such organization", "not_found"),
        )

    return add


def _require_organization(caller: Caller, organization_id: str) -> None:
    """A website may only be placed in an organization the caller's websites.write reaches."""
    hidden = Unprocessable.field("body.organization_id", "no such organization", "not_found")
    require_reach(
        caller.principal, Permission.WEBSITES_WRITE, StaffTarget(organization_id=organization_id), hidden
    )


def create_website(
    caller: Caller, body: WebsiteFields, idempotency: IdempotencyClaim | None = None
) -> Website:
    _require_organization(caller, body.organization_id)
    tenant, organization = _inheritance(caller.tenant_id, body.organization_id)
    _check_inherited_defaults(tenant, organization, body)
    website = Website.model_validate(
        {"id": new_id(WEBSITE_TYPE), "version": 1, **entities.timestamps(), **body.model_dump()}, strict=False
    )
    return entities.create(
        caller,
        key=keys.website(caller.tenant_id, website.id),
        entity_type=WEBSITE_TYPE,
        entity=website,
        extra_writes=_hostname_writes(
            caller.tenant_id, website.id, [], website.hostnames, body.organization_id
        ),
        idempotency=idempotency,
    )


def get_website(
    caller: Caller, website_id: str, permission: Permission = Permission.WEBSITES_READ
) -> Website:
    """A website of an organization the caller's ``permission`` reaches (404 if they may not see it)."""
    website = entities.load(keys.website(caller.tenant_id, website_id), Website, WEBSITE_TYPE)
    caller.require(permission, StaffTarget(organization_id=website.organization_id), "website")
    return website


def list_websites(caller: Caller, page: PageRequest, organization_id: str | None = None) -> Listing[Website]:
    """The websites of the organizations the caller reaches, of one of them if given."""
    filters = {"organization_id": organization_id} if organization_id else None
    return entities.listing(
        keys.website_collection(caller.tenant_id),
        Website,
        page,
        filters=filters,
        keep=caller.reachable(Permission.WEBSITES_READ, "organization_id"),
    )


def update_website(
    caller: Caller, website_id: str, patch: Input, expected_version: ExpectedVersion
) -> Website:
    current = get_website(caller, website_id, Permission.WEBSITES_WRITE)
    entities.check_version(current.version, expected_version)
    updated = entities.merge(current, patch, WebsiteFields)
    if updated.organization_id != current.organization_id:
        _require_organization(caller, updated.organization_id)
    tenant, organization = _inheritance(caller.tenant_id, updated.organization_id)
    _check_inherited_defaults(tenant, organization, updated)
    return entities.update(
        caller,
        key=keys.website(caller.tenant_id, website_id),
        entity_type=WEBSITE_TYPE,
        before=current,
        after=updated,
        extra_writes=_hostname_writes(
            caller.tenant_id, website_id, current.hostnames, updated.hostnames, updated.organization_id
        ),
    )


def delete_website(caller: Caller, website_id: str, expected_version: ExpectedVersion) -> None:
    current = get_website(caller, website_id, Permission.WEBSITES_WRITE)
    entities.check_version(current.version, expected_version)

    def release_hostnames(transaction: Transaction) -> None:
        for hostname in current.hostnames:
            transaction.delete(
                keys.host(hostname),
                data_equals={"website_id": website_id},
                on_failure=Conflict(f"hostname {hostname!r} is no longer held by this website"),
            )

    entities.delete(
        caller,
        key=keys.website(caller.tenant_id, website_id),
        entity_type=WEBSITE_TYPE,
        entity=current,
        extra_writes=release_hostnames,
    )


def get_effective_settings(caller: Caller, website_id: str) -> EffectiveSettings:
    website = get_website(caller, website_id)
    tenant, organization = _inheritance(caller.tenant_id, website.organization_id)
    return effective_settings(tenant, organization, website)


def get_public_website(hostname: str) -> PublicWebsite:
    """The public settings of the active website serving ``hostname`` (404 otherwise)."""
    route = repository.get(keys.host(hostname), consistent=False)
    if route is None:
        raise NotFound("no website serves this host")
    tenant_id, website_id = route.data["tenant_id"], route.data["website_id"]
    record = repository.get(keys.website(tenant_id, website_id), consistent=False)
    if record is None:
        raise NotFound("no website serves this host")
    website = entities.to_model(record, Website)
    if not website.active:
        raise NotFound("no website serves this host")
    tenant, organization = _inheritance(tenant_id, website.organization_id)
    return public_view(tenant, organization, website)
