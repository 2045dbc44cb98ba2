"""Demo data: a platform operator, tenants ``acme`` and ``nordic``, their organizations and websites.

Written through the services layer with the caller a dev token of each user would get, so every
item comes with its outbox event and audit entry like a real write. Idempotent: what a previous run
seeded (matched by id or name) is kept, so a second run neither duplicates nor fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.tenancy import OrganizationFields, TenantCreate, WebsiteFields
from chalicelib.platform.dev_issuer import DEV_OPERATOR_EMAIL
from chalicelib.platform.errors import NotFound
from chalicelib.platform.pagination import MAX_LIMIT, PageRequest
from chalicelib.platform.principal import VerifiedToken
from chalicelib.platform.settings import DEV_ISSUER
from chalicelib.services import organizations, tenants, websites
from chalicelib.services.context import Caller
from chalicelib.services.principals import load_principal
from chalicelib.store.keys import PLATFORM_TENANT

OPERATOR_NAME = "Platform Operator"
# The demo stays far below one page of a list, so one page shows everything seeded.
_EVERYTHING = PageRequest(limit=MAX_LIMIT, cursor=None, binding="seed")


@dataclass(frozen=True)
class DemoOrganization:
    fields: dict[str, Any]
    websites: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class DemoTenant:
    tenant: dict[str, Any]
    organizations: tuple[DemoOrganization, ...]

    @property
    def id(self) -> str:
        return str(self.tenant["id"])

    @property
    def admin_email(self) -> str:
        return str(self.tenant["admin_email"])


DEMO_TENANTS = (
    DemoTenant(
        tenant={
            "id": "acme",
            "name": "Acme Industrial",
            "settings": {"default_currency": "EUR", "default_locale": "en", "timezone": "Europe/Berlin"},
            "admin_email": "admin@acme.example",
            "admin_name": "Ada Acme",
        },
        organizations=(
            DemoOrganization(
                fields={
                    "name": "Acme Europe",
                    "legal_name": "Acme Europe GmbH",
                    "default_currency": "EUR",
                    "default_locale": "de-DE",
                },
                websites=(
                    {
                        "name": "Acme Germany",
                        "country": "DE",
                        "hostnames": ["shop.acme.de"],
                        "currencies": ["EUR"],
                        "locales": ["de-DE", "en"],
                    },
                    {
                        "name": "Acme France",
                        "country": "FR",
                        "hostnames": ["shop.acme.fr"],
                        "currencies": ["EUR"],
                        "locales": ["fr-FR", "en"],
                        "default_locale": "fr-FR",
                        "timezone": "Europe/Paris",
                    },
                    {
                        "name": "Acme Switzerland",
                        "country": "CH",
                        "hostnames": ["shop.acme.ch"],
                        "currencies": ["CHF", "EUR"],
                        "default_currency": "CHF",
                        "locales": ["de-CH", "fr-CH", "en"],
                        "default_locale": "de-CH",
                        "timezone": "Europe/Zurich",
                    },
                ),
            ),
            DemoOrganization(
                fields={
                    "name": "Acme International",
                    "legal_name": "Acme International Ltd",
                    "default_currency": "GBP",
                    "default_locale": "en-GB",
                    "timezone": "Europe/London",
                },
                websites=(
                    {
                        "name": "Acme United Kingdom",
                        "country": "GB",
                        "hostnames": ["shop.acme.co.uk"],
                        "currencies": ["GBP"],
                        "locales": ["en-GB"],
                    },
                    {
                        "name": "Acme United States",
                        "country": "US",
                        "hostnames": ["shop.acme.com"],
                        "currencies": ["USD"],
                        "default_currency": "USD",
                        "locales": ["en-US"],
                        "default_locale": "en-US",
                        "timezone": "America/New_York",
                        "guest_browsing": True,
                    },
                ),
            ),
        ),
    ),
    DemoTenant(
        tenant={
            "id": "nordic",
            "name": "Nordic Supply",
            "settings": {
                "default_currency": "SEK",
                "default_locale": "sv-SE",
                "timezone": "Europe/Stockholm",
            },
            "admin_email": "admin@nordic.example",
            "admin_name": "Nils Nordic",
        },
        organizations=(
            DemoOrganization(
                fields={
                    "name": "Nordic Supply",
                    "legal_name": "Nordic Supply AB",
                    "default_currency": "SEK",
                    "default_locale": "sv-SE",
                },
                websites=(
                    {
                        "name": "Nordic Sweden",
                        "country": "SE",
                        "hostnames": ["shop.nordic.se"],
                        "currencies": ["SEK"],
                        "locales": ["sv-SE", "en"],
                    },
                ),
            ),
        ),
    ),
)


def caller(tenant_id: str, email: str) -> Caller:
    """The caller a request with this user's dev token gets: roles are read from the table."""
    token = VerifiedToken(issuer=DEV_ISSUER, subject=f"dev|{email}", tenant_id=tenant_id, email=email)
    return Caller(load_principal(token), correlation_id="local-seed")


def seed() -> int:
    """Create whatever demo data is missing; returns how many entities were created."""
    tenants.ensure_platform_operator(DEV_OPERATOR_EMAIL, OPERATOR_NAME)
    operator = caller(PLATFORM_TENANT, DEV_OPERATOR_EMAIL)
    created = 0
    for demo in DEMO_TENANTS:
        try:
            tenants.get_tenant(demo.id)
        except NotFound:
            tenants.create_tenant(operator, TenantCreate.model_validate(demo.tenant))
            created += 1
        created += _seed_organizations(caller(demo.id, demo.admin_email), demo.organizations)
    return created


def _seed_organizations(admin: Caller, demos: tuple[DemoOrganization, ...]) -> int:
    created = 0
    existing = {o.name: o for o in organizations.list_organizations(admin, _EVERYTHING).items}
    for demo in demos:
        organization = existing.get(demo.fields["name"])
        if organization is None:
            organization = organizations.create_organization(
                admin, OrganizationFields.model_validate(demo.fields)
            )
            created += 1
        present = {w.name for w in websites.list_websites(admin, _EVERYTHING, organization.id).items}
        for fields in demo.websites:
            if fields["name"] not in present:
                websites.create_website(
                    admin, WebsiteFields.model_validate({**fields, "organization_id": organization.id})
                )
                created += 1
    return created


def first_organization_id(tenant: DemoTenant) -> str:
    """The id of the tenant's first demo organization, as the store holds it (for example requests)."""
    admin = caller(tenant.id, tenant.admin_email)
    listed = organizations.list_organizations(admin, _EVERYTHING).items
    name = tenant.organizations[0].fields["name"]
    return next(o.id for o in listed if o.name == name)
