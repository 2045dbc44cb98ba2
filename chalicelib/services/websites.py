"""Websites: one storefront per country or brand, and the hostnames that serve them.

A website names hostnames freely: each stays *pending*, serves nothing and blocks nobody, until its
tenant proves control of the domain (a DNS TXT challenge, :mod:`chalicelib.domain.hostnames`). The
verification claims the global routing item ``HOST#<hostname>`` in the website's own transaction, on
condition that no website holds it yet: a verified hostname is one website's, and naming it elsewhere
is 409. Releasing one (a website dropping it, or deleted) is conditional on holding it.
"""

from __future__ import annotations

from chalicelib.domain import hostnames
from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.hostnames import HostnameStatus, WebsiteHostnames
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
from chalicelib.platform.dns import txt_resolver
from chalicelib.platform.errors import Conflict, HostnameNotProven, NotFound, Unprocessable
from chalicelib.platform.ids import new_id, utc_now
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.platform.settings import get_settings
from chalicelib.services import entities
from chalicelib.services.catalog import categories
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.organizations import (
    ORGANIZATION_TYPE,
    no_such_organization,
    require_organization,
    require_organization_reach,
)
from chalicelib.services.tenants import count_pricing_change
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record, Transaction

WEBSITE_TYPE = "website"
HOST_TYPE = "host"


def _inheritance(tenant_id: str, organization_id: str) -> tuple[Tenant, Organization]:
    """The tenant and the organization, in one round trip; 422 if the organization is unknown."""
    tenant_key, organization_key = keys.tenant(tenant_id), keys.organization(tenant_id, organization_id)
    found = repository.get_many([tenant_key, organization_key])
    organization = found.get(organization_key)
    if organization is None or organization.type != ORGANIZATION_TYPE:
        raise no_such_organization()
    return entities.to_model(found[tenant_key], Tenant), entities.to_model(organization, Organization)


def _check_inherited_defaults(
    tenant: TenantSettings, organization: Organization, website: WebsiteFields
) -> None:
    problems = inherited_defaults_problems(tenant, organization, website)
    if problems:
        raise Unprocessable(
            [{"loc": f"body.{name}", "msg": msg, "type": "value_error"} for name, msg in problems]
        )


def _refuse_reserved(names: list[str], added: set[str]) -> None:
    """422 for each added hostname no tenant may claim (localhost, IP addresses, the platform's domains)."""
    platform_domains = get_settings().platform_domains
    errors = [
        {"loc": f"body.hostnames[{index}]", "msg": reason, "type": "value_error"}
        for index, name in enumerate(names)
        if name in added and (reason := hostnames.refusal(name, platform_domains))
    ]
    if errors:
        raise Unprocessable(errors)


def _served_elsewhere(hostname: str) -> Conflict:
    return Conflict(f"hostname {hostname!r} is already served by another website")


def _release(transaction: Transaction, website_id: str, released: list[str]) -> None:
    for hostname in released:
        transaction.delete(
            keys.host(hostname),
            data_equals={"website_id": website_id},
            on_failure=Conflict(f"hostname {hostname!r} is no longer held by this website"),
        )


def _hostname_writes(
    tenant_id: str, website_id: str, added: set[str], released: list[str], organization_id: str
) -> entities.ExtraWrites:
    """Added hostnames must not be served by a website yet (pending ones block nobody); verified ones
    the website drops are released; and the organization must still exist."""

    def add(transaction: Transaction) -> None:
        for hostname in sorted(added):
            transaction.require_absent(keys.host(hostname), on_failure=_served_elsewhere(hostname))
        _release(transaction, website_id, released)
        require_organization(transaction, tenant_id, organization_id)

    return add


def create_website(
    caller: Caller, body: WebsiteFields, idempotency: IdempotencyClaim | None = None
) -> Website:
    require_organization_reach(caller, Permission.WEBSITES_WRITE, body.organization_id)
    _refuse_reserved(body.hostnames, set(body.hostnames))
    tenant, organization = _inheritance(caller.tenant_id, body.organization_id)
    _check_inherited_defaults(tenant.settings, organization, body)
    website = Website.model_validate(
        {"id": new_id(WEBSITE_TYPE), "version": 1, **entities.timestamps(), **body.model_dump()}, strict=False
    )
    return entities.create(
        caller,
        key=keys.website(caller.tenant_id, website.id),
        entity_type=WEBSITE_TYPE,
        entity=website,
        extra_writes=entities.together(
            _hostname_writes(caller.tenant_id, website.id, set(website.hostnames), [], body.organization_id),
            categories.website_catalog_writes(caller.tenant_id, None, website),
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
        require_organization_reach(caller, Permission.WEBSITES_WRITE, updated.organization_id)
    added = set(updated.hostnames) - set(current.hostnames)
    _refuse_reserved(updated.hostnames, added)
    tenant, organization = _inheritance(caller.tenant_id, updated.organization_id)
    _check_inherited_defaults(tenant.settings, organization, updated)
    kept = [hostname for hostname in current.verified_hostnames if hostname in updated.hostnames]
    released = [hostname for hostname in current.verified_hostnames if hostname not in kept]
    return entities.update(
        caller,
        key=keys.website(caller.tenant_id, website_id),
        entity_type=WEBSITE_TYPE,
        before=current,
        after=updated.model_copy(update={"verified_hostnames": kept}),
        extra_writes=entities.together(
            _hostname_writes(caller.tenant_id, website_id, added, released, updated.organization_id),
            categories.website_catalog_writes(caller.tenant_id, current, updated),
            _pricing_writes(caller.tenant_id, current, updated),
        ),
    )


def _pricing_writes(tenant_id: str, before: Website, after: Website | None) -> entities.ExtraWrites:
    """A website's merge strategy is part of the pricing chain warm functions cache, and its
    ``prices_include_tax`` of the shop they cache: a change of either, or the website's deletion, counts
    the tenant's pricing generation (in the same update of the tenant item as a catalog change, if the
    write counts one too)."""

    def add(transaction: Transaction) -> None:
        if (
            after is None
            or after.price_merge_strategy != before.price_merge_strategy
            or after.prices_include_tax != before.prices_include_tax
        ):
            count_pricing_change(transaction, tenant_id)

    return add


def delete_website(caller: Caller, website_id: str, expected_version: ExpectedVersion) -> None:
    current = get_website(caller, website_id, Permission.WEBSITES_WRITE)
    entities.check_version(current.version, expected_version)

    def release_hostnames(transaction: Transaction) -> None:
        _release(transaction, website_id, current.verified_hostnames)

    entities.delete(
        caller,
        key=keys.website(caller.tenant_id, website_id),
        entity_type=WEBSITE_TYPE,
        entity=current,
        extra_writes=entities.together(
            release_hostnames,
            categories.website_catalog_writes(caller.tenant_id, current, None),
            _pricing_writes(caller.tenant_id, current, None),
        ),
    )


def website_with(
    caller: Caller, website_id: str, permission: Permission, key: Key
) -> tuple[Website, Record | None]:
    """A website the caller's ``permission`` reaches (404 otherwise) and the item at ``key`` (None if
    absent), in one BatchGetItem."""
    website_key = keys.website(caller.tenant_id, website_id)
    found = repository.get_many([website_key, key])
    record = found.get(website_key)
    if record is None or record.type != WEBSITE_TYPE:
        raise NotFound("website not found")
    website = entities.to_model(record, Website)
    caller.require(permission, StaffTarget(organization_id=website.organization_id), "website")
    return website, found.get(key)


def _website_and_tenant(caller: Caller, website_id: str, permission: Permission) -> tuple[Website, Tenant]:
    """A website the caller's ``permission`` reaches (404 otherwise) and its tenant, in one round trip."""
    website, tenant = website_with(caller, website_id, permission, keys.tenant(caller.tenant_id))
    if tenant is None:  # never for a signed-in caller: their principal was loaded with it
        raise NotFound("tenant not found")
    return website, entities.to_model(tenant, Tenant)


def get_hostnames(caller: Caller, website_id: str) -> WebsiteHostnames:
    """Each hostname of the website, pending or verified, with the DNS record that proves it."""
    website, tenant = _website_and_tenant(caller, website_id, Permission.WEBSITES_READ)
    items = hostnames.statuses(
        website.hostnames, website.verified_hostnames, tenant.domain_verification_token
    )
    return WebsiteHostnames(website_id=website.id, items=items)


def verify_hostname(caller: Caller, website_id: str, hostname: str) -> HostnameStatus:
    """Look the hostname's challenge up in DNS and, if published, let the hostname serve the website.

    Claiming the routing item is atomic with the website's new version: the first tenant to verify a
    hostname holds it (409 for any other, whose claim stays pending); verifying again changes nothing.
    """
    website, tenant = _website_and_tenant(caller, website_id, Permission.WEBSITES_WRITE)
    hostname = hostname.lower()
    if hostname not in website.hostnames:
        raise NotFound("this website names no such hostname")
    token = tenant.domain_verification_token
    if hostname in website.verified_hostnames:
        return hostnames.statuses([hostname], [hostname], token)[0]
    reason = hostnames.refusal(hostname, get_settings().platform_domains)
    if reason:
        raise Unprocessable.field("path.hostname", reason)
    expected = hostnames.challenge(hostname, token)
    if not hostnames.proven(expected, txt_resolver().txt(expected.name)):
        raise HostnameNotProven(
            f"no TXT record {expected.name} holding {expected.value!r} was found; publish it and "
            "retry (a DNS change can take a while to be seen)"
        )
    verified = {*website.verified_hostnames, hostname}
    after = website.model_copy(
        update={
            "verified_hostnames": [name for name in website.hostnames if name in verified],
            "version": website.version + 1,
            "updated_at": utc_now(),
        }
    )

    def claim(transaction: Transaction) -> None:
        transaction.create(
            keys.host(hostname),
            HOST_TYPE,
            {"hostname": hostname, "tenant_id": caller.tenant_id, "website_id": website_id},
            on_exists=_served_elsewhere(hostname),
        )

    entities.update(
        caller,
        key=keys.website(caller.tenant_id, website_id),
        entity_type=WEBSITE_TYPE,
        before=website,
        after=after,
        extra_writes=claim,
    )
    return hostnames.statuses([hostname], [hostname], token)[0]


def get_effective_settings(caller: Caller, website_id: str) -> EffectiveSettings:
    website = get_website(caller, website_id)
    tenant, organization = _inheritance(caller.tenant_id, website.organization_id)
    return effective_settings(tenant.settings, organization, website)


def get_public_website(hostname: str) -> PublicWebsite:
    """The public settings of the active website a verified ``hostname`` serves, unless its tenant is
    suspended (404 otherwise: a pending hostname has no routing item)."""
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
    if tenant.status == "suspended":
        raise NotFound("no website serves this host")
    return public_view(tenant.settings, organization, website)
