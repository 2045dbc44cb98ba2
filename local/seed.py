"""Demo data: a platform operator, tenants ``acme`` and ``nordic``, their organizations and websites,
and acme's customer groups and customers (company trees three levels deep).

Written through the services layer with the caller a dev token of each user would get, so every
item comes with its outbox event and audit entry like a real write. Idempotent: what a previous run
seeded (matched by id or name) is kept, so a second run neither duplicates nor fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.domain.customer_users import CustomerUserFields
from chalicelib.domain.customers import CustomerFields, CustomerGroupFields, UnitFields
from chalicelib.domain.staff import StaffUserFields
from chalicelib.domain.tenancy import OrganizationFields, TenantCreate, WebsiteFields
from chalicelib.platform.dev_issuer import DEV_OPERATOR_EMAIL
from chalicelib.platform.dns import RecordsFile
from chalicelib.platform.errors import NotFound
from chalicelib.platform.pagination import MAX_LIMIT, PageRequest
from chalicelib.platform.principal import VerifiedToken
from chalicelib.platform.settings import DEV_ISSUER, get_settings
from chalicelib.services import (
    customer_groups,
    customer_users,
    customers,
    organizations,
    staff,
    tenants,
    websites,
)
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
class DemoUnit:
    """A customer's company (at the top) or a unit, with the units below it; ``group`` names a group."""

    fields: dict[str, Any]
    units: tuple[DemoUnit, ...] = ()
    group: str | None = None
    sales_reps: tuple[str, ...] = ()  # staff emails

    def resolved(self, group_ids: dict[str, str], staff_ids: dict[str, str]) -> dict[str, Any]:
        """The fields with the group and sales reps named by their ids."""
        fields = {**self.fields, "sales_rep_ids": [staff_ids[email] for email in self.sales_reps]}
        return {**fields, "customer_group_id": group_ids[self.group]} if self.group else fields


@dataclass(frozen=True)
class DemoUser:
    """A customer user with one role at their home unit (named by customer and unit name)."""

    email: str
    name: str
    customer: str
    unit: str
    role_id: str


@dataclass(frozen=True)
class DemoStaff:
    """A staff user with one role, limited to named organizations or to assigned customers if given."""

    email: str
    name: str
    role_id: str
    organizations: tuple[str, ...] = ()
    assigned_customers_only: bool = False


@dataclass(frozen=True)
class DemoTenant:
    tenant: dict[str, Any]
    organizations: tuple[DemoOrganization, ...]
    customer_groups: tuple[dict[str, Any], ...] = ()
    staff: tuple[DemoStaff, ...] = ()
    customers: tuple[DemoUnit, ...] = ()
    customer_users: tuple[DemoUser, ...] = ()

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
        customer_groups=(
            {
                "name": "Key accounts",
                "description": "Customers with negotiated prices and a dedicated sales rep",
            },
            {"name": "Standard", "description": "Customers buying at list prices"},
        ),
        staff=(
            DemoStaff(
                "sam.sales@acme.example", "Sam Sales", "sales-representative", assigned_customers_only=True
            ),
            DemoStaff(
                "olaf.org@acme.example",
                "Olaf Org",
                "organization-administrator",
                organizations=("Acme Europe",),
            ),
            DemoStaff("cleo.catalog@acme.example", "Cleo Catalog", "catalog-manager"),
        ),
        customers=(
            DemoUnit(
                fields={
                    "name": "Globex",
                    "tax_code": "DE811234567",
                    "payment_term": "net30",
                    "addresses": [
                        {
                            "kind": "billing",
                            "label": "Globex headquarters",
                            "line1": "Friedrichstrasse 100",
                            "city": "Berlin",
                            "postal_code": "10117",
                            "country": "DE",
                            "is_default": True,
                        }
                    ],
                    "external_id": "ERP-10001",
                },
                group="Key accounts",
                sales_reps=("sam.sales@acme.example",),
                units=(
                    DemoUnit(
                        fields={"name": "Globex Manufacturing", "kind": "division", "payment_term": "net60"},
                        units=(
                            DemoUnit(
                                fields={
                                    "name": "Plant Lyon",
                                    "kind": "branch",
                                    "tax_code": "FR40123456789",
                                    "addresses": [
                                        {
                                            "kind": "shipping",
                                            "label": "Plant Lyon, gate 2",
                                            "line1": "12 Rue de l'Industrie",
                                            "city": "Lyon",
                                            "postal_code": "69007",
                                            "country": "FR",
                                            "is_default": True,
                                        }
                                    ],
                                }
                            ),
                            DemoUnit(
                                fields={
                                    "name": "Plant Ohio",
                                    "kind": "branch",
                                    "addresses": [
                                        {
                                            "kind": "shipping",
                                            "label": "Plant Ohio, receiving",
                                            "line1": "4500 Industrial Parkway",
                                            "city": "Columbus",
                                            "postal_code": "43228",
                                            "region": "OH",
                                            "country": "US",
                                            "is_default": True,
                                        }
                                    ],
                                }
                            ),
                        ),
                    ),
                ),
            ),
            DemoUnit(
                fields={
                    "name": "Initech",
                    "payment_term": "net15",
                    "addresses": [
                        {
                            "kind": "billing",
                            "label": "Initech head office",
                            "line1": "4120 Freidrich Lane",
                            "city": "Austin",
                            "postal_code": "78744",
                            "region": "TX",
                            "country": "US",
                            "is_default": True,
                        }
                    ],
                },
                group="Standard",
            ),
        ),
        customer_users=(
            DemoUser("ava.admin@globex.example", "Ava Admin", "Globex", "Globex", "administrator"),
            DemoUser(
                "max.manager@globex.example",
                "Max Manager",
                "Globex",
                "Globex Manufacturing",
                "purchasing-manager",
            ),
            DemoUser("bob.buyer@globex.example", "Bob Buyer", "Globex", "Plant Lyon", "buyer"),
            DemoUser("olga.buyer@globex.example", "Olga Buyer", "Globex", "Plant Ohio", "buyer"),
            DemoUser("ina.admin@initech.example", "Ina Admin", "Initech", "Initech", "administrator"),
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
        admin = caller(demo.id, demo.admin_email)
        created += _seed_organizations(admin, demo.organizations)
        group_ids, created_groups = _seed_customer_groups(admin, demo.customer_groups)
        staff_ids, created_staff = _seed_staff(admin, demo.staff)
        created += (
            created_groups + created_staff + _seed_customers(admin, demo.customers, group_ids, staff_ids)
        )
        created += _seed_customer_users(admin, demo.customer_users)
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
                website = websites.create_website(
                    admin, WebsiteFields.model_validate({**fields, "organization_id": organization.id})
                )
                _verify_hostnames(admin, website.id)
                created += 1
    return created


def _verify_hostnames(admin: Caller, website_id: str) -> None:
    """Pass each hostname's DNS challenge as a tenant would: publish the record (in the local stack's
    stand-in for DNS), then verify it, so the demo websites serve their hosts."""
    records_file = get_settings().dns_records_file
    if records_file is None:
        raise RuntimeError("KONTOR_DNS_RECORDS_FILE is not set: the local stack has no DNS stand-in")
    for hostname in websites.get_hostnames(admin, website_id).items:
        RecordsFile(records_file).publish(hostname.challenge.name, hostname.challenge.value)
        websites.verify_hostname(admin, website_id, hostname.hostname)


def _seed_customer_groups(admin: Caller, demos: tuple[dict[str, Any], ...]) -> tuple[dict[str, str], int]:
    """The tenant's group ids by name, and how many of the demo groups were created."""
    group_ids = {g.name: g.id for g in customer_groups.list_customer_groups(admin, _EVERYTHING).items}
    created = 0
    for fields in demos:
        if fields["name"] not in group_ids:
            group = customer_groups.create_customer_group(admin, CustomerGroupFields.model_validate(fields))
            group_ids[group.name] = group.id
            created += 1
    return group_ids, created


def _seed_staff(admin: Caller, demos: tuple[DemoStaff, ...]) -> tuple[dict[str, str], int]:
    """The tenant's staff ids by email, and how many of the demo staff users were created."""
    staff_ids = {user.email: user.id for user in staff.list_staff_users(admin, _EVERYTHING).items}
    organization_ids = {o.name: o.id for o in organizations.list_organizations(admin, _EVERYTHING).items}
    created = 0
    for demo in demos:
        if demo.email in staff_ids:
            continue
        assignment = {"role_id": demo.role_id, "assigned_customers_only": demo.assigned_customers_only}
        if demo.organizations:
            assignment["organization_ids"] = [organization_ids[name] for name in demo.organizations]
        fields = {"email": demo.email, "name": demo.name, "assignments": [assignment]}
        staff_ids[demo.email] = staff.create_staff_user(admin, StaffUserFields.model_validate(fields)).id
        created += 1
    return staff_ids, created


def _seed_customers(
    admin: Caller, demos: tuple[DemoUnit, ...], group_ids: dict[str, str], staff_ids: dict[str, str]
) -> int:
    created = 0
    existing = {c.name: c.id for c in customers.list_customers(admin, _EVERYTHING).items}
    for demo in demos:
        customer_id = existing.get(demo.fields["name"])
        if customer_id is None:
            fields = CustomerFields.model_validate(demo.resolved(group_ids, staff_ids))
            customer_id = customers.create_customer(admin, fields).id
            created += 1
        present = {(u.parent_id, u.name): u.id for u in customers.list_units(admin, customer_id).items}
        created += _seed_units(admin, customer_id, customer_id, demo.units, (group_ids, staff_ids), present)
    return created


def _seed_units(
    admin: Caller,
    customer_id: str,
    parent_id: str,
    demos: tuple[DemoUnit, ...],
    ids: tuple[dict[str, str], dict[str, str]],
    present: dict[tuple[str | None, str], str],
) -> int:
    """Create the missing units below ``parent_id`` (matched by parent and name), depth-first."""
    created = 0
    for demo in demos:
        unit_id = present.get((parent_id, demo.fields["name"]))
        if unit_id is None:
            fields = UnitFields.model_validate({**demo.resolved(*ids), "parent_id": parent_id})
            unit_id = customers.create_unit(admin, customer_id, fields).id
            created += 1
        created += _seed_units(admin, customer_id, unit_id, demo.units, ids, present)
    return created


def _seed_customer_users(admin: Caller, demos: tuple[DemoUser, ...]) -> int:
    created = 0
    customer_ids = {c.name: c.id for c in customers.list_customers(admin, _EVERYTHING).items}
    for demo in demos:
        customer_id = customer_ids[demo.customer]
        present = {user.email for user in customer_users.list_users(admin, customer_id, _EVERYTHING).items}
        if demo.email in present:
            continue
        unit_id = next(u.id for u in customers.list_units(admin, customer_id).items if u.name == demo.unit)
        fields = {
            "email": demo.email,
            "name": demo.name,
            "unit_id": unit_id,
            "assignments": [{"role_id": demo.role_id, "unit_id": unit_id}],
        }
        customer_users.invite_user(admin, customer_id, CustomerUserFields.model_validate(fields))
        created += 1
    return created


def first_organization_id(tenant: DemoTenant) -> str:
    """The id of the tenant's first demo organization, as the store holds it (for example requests)."""
    admin = caller(tenant.id, tenant.admin_email)
    listed = organizations.list_organizations(admin, _EVERYTHING).items
    name = tenant.organizations[0].fields["name"]
    return next(o.id for o in listed if o.name == name)
