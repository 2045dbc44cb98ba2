"""Demo data: a platform operator, tenants ``acme`` and ``nordic``, their organizations and websites,
acme's customer groups and customers (company trees three levels deep), Acme Europe's catalog
(:mod:`local.demo_catalog`: attributes, 35 categories, 351 products with variant families and
documents, offered by its websites) with a product selection, and acme's taxes
(:mod:`local.demo_taxes`: German VAT 19/7, California with San Francisco's local rate, French and Swiss
VAT, Ohio's sales tax).

Written through the services layer with the caller a dev token of each user would get, so every
item comes with its outbox event and audit entry like a real write. What a run made is recorded by its
demo key in a ledger (:class:`Ledger`) and found by its id on the next run, however a user renamed,
moved or deleted it since: a second run neither duplicates nor fails, and says what it left out.

So that Globex's and Initech's buyers see different catalogs: the selection leaves hydraulics out for
the Standard group (Initech), and a unit rule hides hand protection from Globex's Plant Lyon (Bob) on
Acme Germany (``shop.acme.de``), while Plant Ohio (Olga) sees it. Bob and Olga each keep a shopping
list there (Olga's shared with Plant Ohio).

Orders, each placed through checkout as its buyer would and moved through its transitions: Ava's four
on shop.acme.de (EUR completed, USD shipped, GBP cancelled, EUR pending) and one on Acme Switzerland
(shop.acme.ch) in CHF, processing; Bob's of his list, shipped to Plant Lyon; Olga's of her list in USD,
pending for the order workflow worker to confirm.

Every run ends the catalog by recounting its products per category (what the storefront's tree reads),
so data seeded before products were counted shows its tree; on counts already right it writes nothing.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from chalicelib.domain.catalog.attributes import AttributeFields
from chalicelib.domain.catalog.categories import CategoryFields
from chalicelib.domain.catalog.media import MediaFields
from chalicelib.domain.catalog.products import ProductFields
from chalicelib.domain.catalog.rules import VisibilityRuleChange
from chalicelib.domain.catalog.selections import SelectionFields
from chalicelib.domain.customer_users import CustomerUserFields
from chalicelib.domain.customers import CustomerFields, CustomerGroupFields, UnitFields
from chalicelib.domain.orders.checkout import CheckoutCreate, CheckoutPatch, PlaceOrder
from chalicelib.domain.orders.limits import OrderLimits
from chalicelib.domain.orders.payment_terms import PaymentTermCreate
from chalicelib.domain.orders.shipping import ShippingMethodFields
from chalicelib.domain.pricing.price_lists import (
    ExchangeRates,
    PriceListAssignment,
    PriceListFields,
    PriceUpsert,
)
from chalicelib.domain.shopping_lists import LinesFields, ShoppingListFields
from chalicelib.domain.staff import StaffUserFields
from chalicelib.domain.taxes.configuration import TaxConfigurationBody
from chalicelib.domain.tenancy import OrganizationFields, TenantCreate, WebsiteFields, WebsitePatch
from chalicelib.platform.dev_issuer import DEV_OPERATOR_EMAIL, dev_subject
from chalicelib.platform.dns import RecordsFile
from chalicelib.platform.errors import Conflict, NotFound, Problem, unavailable_problem
from chalicelib.platform.pagination import PageRequest
from chalicelib.platform.principal import VerifiedToken
from chalicelib.platform.settings import DEV_ISSUER, EVERY_USER_KIND, get_settings
from chalicelib.services import (
    checkout_config,
    company_admin,
    customer_groups,
    customer_users,
    customers,
    organizations,
    shopping_lists,
    staff,
    tenants,
    websites,
)
from chalicelib.services.catalog import (
    attributes,
    categories,
    category_counts,
    media,
    products,
    selections,
    visibility,
)
from chalicelib.services.context import Caller
from chalicelib.services.orders import checkout, orders, placing
from chalicelib.services.orders import transitions as order_transitions
from chalicelib.services.pricing import assignments, exchange_rates, price_lists, prices
from chalicelib.services.principals import load_principal
from chalicelib.services.taxes import configuration as tax_configuration
from chalicelib.store.keys import PLATFORM_TENANT
from local.demo_catalog import PRODUCTS_PER_LEAF, DemoCatalog, DemoProduct, demo_catalog
from local.demo_pricing import (
    DEMO_ASSIGNMENTS,
    EXCHANGE_RATES,
    DemoAssignment,
    DemoPriceList,
    demo_price_lists,
)
from local.demo_taxes import BERLIN_SITE, ZURICH_SITE, demo_tax_configuration

OPERATOR_NAME = "Platform Operator"
# What checkout reads, the same for every demo tenant and website: the terms the demo units name,
# a flat rate and a weight table on each website (in each of its currencies), and its order limits.
DEMO_PAYMENT_TERMS = (
    {"code": "net15", "name": {"en": "Net 15 days"}, "kind": "net", "net_days": 15},
    {"code": "net30", "name": {"en": "Net 30 days"}, "kind": "net", "net_days": 30, "is_default": True},
    {"code": "net60", "name": {"en": "Net 60 days"}, "kind": "net", "net_days": 60},
    {"code": "account", "name": {"en": "On account"}, "kind": "on_account", "purchase_order_required": True},
)


def demo_shipping_methods(currencies: list[str]) -> dict[str, dict[str, Any]]:
    bands = [{"from_value": "0", "cost": "6"}, {"from_value": "30", "cost": "45"}]
    return {
        "standard": {
            "name": {"en": "Standard"},
            "rates": {"kind": "flat", "costs": dict.fromkeys(currencies, "10")},
        },
        "freight": {
            "name": {"en": "Freight by weight", "de": "Spedition nach Gewicht"},
            "position": 1,
            "rates": {"kind": "table", "by": "weight", "bands": dict.fromkeys(currencies, bands)},
        },
    }


def demo_order_limits(currencies: list[str]) -> dict[str, Any]:
    return {"limits": dict.fromkeys(currencies, {"minimum": "50", "maximum": "100000"})}


ModelT = TypeVar("ModelT", bound=BaseModel)
# Threads making demo products: DynamoDB Local serves transactions side by side, up to a point
# (on two cores: 4 threads made a product every 245 ms, 1 thread every 405 ms, 8 every 335 ms).
SEED_WORKERS = 4
SEED_ATTEMPTS = 5


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
        """The fields with the group and sales reps named by their ids (those the seed has)."""
        reps = [staff_ids[email] for email in self.sales_reps if email in staff_ids]
        fields = {**self.fields, "sales_rep_ids": reps}
        return {**fields, "customer_group_id": group_ids[self.group]} if self.group in group_ids else fields


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
class DemoSelection:
    """A selection of the catalog's organization: categories by demo key, groups by name."""

    name: str
    mode: str
    category_keys: tuple[str, ...]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class DemoUnitRule:
    """A unit's own visibility rule of a category (by demo key) on one website (by name)."""

    customer: str
    unit: str
    website: str
    category_key: str
    visibility: str


@dataclass(frozen=True)
class DemoCatalogPlacement:
    """Where the demo catalog goes: an organization (by name), the websites offering its roots, the
    selections made of it and the rules of single units."""

    organization: str
    websites: tuple[str, ...]
    selections: tuple[DemoSelection, ...] = ()
    unit_rules: tuple[DemoUnitRule, ...] = ()


@dataclass(frozen=True)
class DemoShoppingList:
    """A buyer's list on a shop, with ``lines`` of the demo catalog's products they see there (the
    first simple, enabled ones of the leaf categories named, in each product's primary unit, at its
    smallest allowed quantity)."""

    email: str
    host: str
    name: str
    category_keys: tuple[str, ...]
    lines: int = 2
    shared: bool = False


@dataclass(frozen=True)
class DemoOrder:
    """An order a buyer placed on a shop: ``lines`` of the demo catalog's products they see there (as a
    shopping list's), or their demo ``shopping_list`` of that name, checked out in ``currency`` to
    ``address`` (billing and shipping; None: the company's billing and shipping addresses that apply to
    their unit, as a buyer without ``addresses.manage`` picks them), then moved by the tenant's
    administrator through ``transitions`` (``cancel``: by the buyer). One left ``pending`` is confirmed
    by the order workflow worker once the stack's pollers run."""

    email: str
    host: str
    currency: str
    category_keys: tuple[str, ...]
    address: dict[str, Any] | None
    transitions: tuple[str, ...] = ()
    lines: int = 2
    shopping_list: str | None = None


@dataclass(frozen=True)
class DemoTenant:
    tenant: dict[str, Any]
    organizations: tuple[DemoOrganization, ...]
    customer_groups: tuple[dict[str, Any], ...] = ()
    staff: tuple[DemoStaff, ...] = ()
    customers: tuple[DemoUnit, ...] = ()
    customer_users: tuple[DemoUser, ...] = ()
    catalog: DemoCatalogPlacement | None = None
    shopping_lists: tuple[DemoShoppingList, ...] = ()
    taxes: dict[str, Any] | None = None  # its tax configuration (PUT /v1/admin/tax/configuration)
    orders: tuple[DemoOrder, ...] = ()  # placed once the taxes are there

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
                        "currencies": ["EUR", "USD", "GBP"],
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
        catalog=DemoCatalogPlacement(
            organization="Acme Europe",
            websites=("Acme Germany", "Acme France", "Acme Switzerland"),
            selections=(
                DemoSelection(
                    "Standard customers: no hydraulics",
                    "exclude",
                    category_keys=("hydraulics",),
                    groups=("Standard",),
                ),
            ),
            unit_rules=(
                DemoUnitRule(
                    "Globex", "Plant Lyon", "Acme Germany", "safety-equipment/hand-protection", "hidden"
                ),
            ),
        ),
        shopping_lists=(
            DemoShoppingList(
                "bob.buyer@globex.example",
                "shop.acme.de",
                "Plant Lyon restock",
                ("hand-tools/wrenches/open-end-wrenches",),
            ),
            DemoShoppingList(
                "olga.buyer@globex.example",
                "shop.acme.de",
                "Gloves for Ohio",
                ("safety-equipment/hand-protection/cut-resistant-gloves",),
                shared=True,
            ),
        ),
        taxes=demo_tax_configuration(),
        orders=tuple(
            DemoOrder(
                "ava.admin@globex.example",
                "shop.acme.de",
                currency,
                (categories,),
                BERLIN_SITE,
                transitions,
            )
            for currency, categories, transitions in (
                ("EUR", "hand-tools/wrenches/open-end-wrenches", ("confirm", "process", "ship", "complete")),
                (
                    "USD",
                    "safety-equipment/hand-protection/cut-resistant-gloves",
                    ("confirm", "process", "ship"),
                ),
                ("GBP", "hand-tools/wrenches/open-end-wrenches", ("cancel",)),
                ("EUR", "safety-equipment/hand-protection/cut-resistant-gloves", ()),
            )
        )
        + (
            # Ava's order on Acme Switzerland in its own currency, shipped to Zurich (Swiss VAT)
            DemoOrder(
                "ava.admin@globex.example",
                "shop.acme.ch",
                "CHF",
                ("hand-tools/wrenches/open-end-wrenches",),
                ZURICH_SITE,
                ("confirm", "process"),
            ),
            # Bob's and Olga's lists checked out by themselves, to their plants (French VAT, Ohio's tax)
            DemoOrder(
                "bob.buyer@globex.example",
                "shop.acme.de",
                "EUR",
                (),
                None,
                ("confirm", "process", "ship"),
                shopping_list="Plant Lyon restock",
            ),
            DemoOrder(
                "olga.buyer@globex.example",
                "shop.acme.de",
                "USD",
                (),
                None,
                shopping_list="Gloves for Ohio",
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
    token = VerifiedToken(
        issuer=DEV_ISSUER,
        subject=dev_subject(email),
        tenant_id=tenant_id,
        email=email,
        signs_in=EVERY_USER_KIND,
    )
    return Caller(load_principal(token), correlation_id="local-seed")


class Ledger:
    """The ids of what the seed made, by demo key: a demo entity's identity, whatever a user changes.

    Kept as JSON beside the data it describes (``path``), or in memory for a table that is not kept.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.ids: dict[str, str] = json.loads(path.read_text()) if path and path.exists() else {}

    def record(self, key: str, entity_id: str) -> None:
        self.ids[key] = entity_id
        if self.path:
            partial = self.path.with_suffix(".tmp")
            partial.write_text(json.dumps(self.ids, indent=2, sort_keys=True))
            os.replace(partial, self.path)  # whole or not at all: a torn ledger would lose identities

    def forget(self) -> None:
        """For a new table: the ids recorded name nothing in it."""
        self.ids = {}
        if self.path:
            self.path.unlink(missing_ok=True)


@dataclass
class SeedReport:
    created: int = 0
    skipped: list[str] = field(default_factory=list)


def organization_key(tenant: DemoTenant, name: str) -> str:
    return f"{tenant.id}/organization/{name}"


class _Seeding:
    """One run of the seed: each demo entity is found by its ledger key, or made and recorded.

    What was seeded and has since been deleted stays deleted, and what the data no longer allows to be
    made (a hostname or email taken meanwhile, a parent gone) is left out: both are reported, and
    neither stops the stack. What a user renamed, moved or changed is kept as they left it.
    """

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.report = SeedReport()
        self.recording = threading.Lock()  # products are made by several threads

    def skip(self, what: str, reason: str) -> None:
        with self.recording:
            self.report.skipped.append(f"{what}: {reason}")

    def ensure(
        self, key: str, what: str, exists: Callable[[str], object], create: Callable[[], str]
    ) -> str | None:
        """The id of the demo entity ``key`` if it is (or now is) in the table, else None."""
        known = self.ledger.ids.get(key)
        if known is not None:
            try:
                exists(known)
            except NotFound:
                self.skip(what, "deleted since it was seeded")
                return None
            return known
        try:
            created = create()
        except Problem as problem:
            self.skip(what, str(problem))
            return None
        with self.recording:
            self.ledger.record(key, created)
            self.report.created += 1
        return created

    def tenant(self, operator: Caller, demo: DemoTenant) -> None:
        """A demo tenant is found by its id (the demo fixes it, nobody changes it), then what it holds."""
        try:
            tenants.get_tenant(demo.id)
        except NotFound:
            try:
                tenants.create_tenant(operator, TenantCreate.model_validate(demo.tenant))
            except Problem as problem:
                self.skip(f"tenant {demo.id}", str(problem))
                return
            self.report.created += 1
        admin = caller(demo.id, demo.admin_email)
        for organization in demo.organizations:
            self.organization(admin, demo, organization)
        self.payment_terms(admin, demo)
        group_ids = {
            fields["name"]: self.customer_group(admin, demo, fields) for fields in demo.customer_groups
        }
        staff_ids = {user.email: self.staff_user(admin, demo, user) for user in demo.staff}
        unit_ids: dict[tuple[str, str], str | None] = {}
        for customer in demo.customers:
            self.customer(admin, demo, customer, _present(group_ids), _present(staff_ids), unit_ids)
        for user in demo.customer_users:
            self.customer_user(admin, demo, user, unit_ids)
        if demo.catalog is not None:
            self.catalog(admin, demo, demo.catalog, _present(group_ids), unit_ids)
            self.pricing(admin, demo, demo.catalog, _present(group_ids), unit_ids)
        for shopping_list in demo.shopping_lists:
            self.shopping_list(demo, shopping_list)
        if demo.taxes is not None:
            self.taxes(admin, demo, demo.taxes)
        for number, order in enumerate(demo.orders):
            self.order(demo, admin, number, order)

    def taxes(self, admin: Caller, demo: DemoTenant, configuration: dict[str, Any]) -> None:
        """The tenant's taxes, put only while it has none: a configuration someone changed stays."""
        if tax_configuration.get_tax_configuration(admin).version:
            return
        try:
            tax_configuration.replace_tax_configuration(
                admin, as_sent(TaxConfigurationBody, configuration), 0
            )
        except Problem as problem:
            self.skip(f"{demo.id}: taxes", str(problem))
            return
        self.report.created += 1

    def organization(self, admin: Caller, tenant: DemoTenant, demo: DemoOrganization) -> None:
        name = demo.fields["name"]
        organization_id = self.ensure(
            organization_key(tenant, name),
            f"{tenant.id}: organization {name!r}",
            lambda known: organizations.get_organization(admin, known),
            lambda: (
                organizations.create_organization(admin, OrganizationFields.model_validate(demo.fields)).id
            ),
        )
        for fields in demo.websites:
            what = f"{tenant.id}: website {fields['name']!r}"
            if organization_id is None:
                self.skip(what, f"its organization {name!r} is not there")
            else:
                self.website(admin, tenant, organization_id, fields, what)

    def website(
        self, admin: Caller, tenant: DemoTenant, organization_id: str, fields: dict[str, Any], what: str
    ) -> None:
        body = {**fields, "organization_id": organization_id}

        def create() -> str:
            website_id = websites.create_website(admin, WebsiteFields.model_validate(body)).id
            self.verify_hostnames(admin, website_id, what)
            return website_id

        website_id = self.ensure(
            f"{tenant.id}/website/{fields['name']}",
            what,
            lambda known: websites.get_website(admin, known),
            create,
        )
        if website_id is not None:
            self.checkout_config(
                admin, f"{tenant.id}/website/{fields['name']}", website_id, fields["currencies"]
            )

    def checkout_config(self, admin: Caller, key: str, website_id: str, currencies: list[str]) -> None:
        """A new website's shipping methods (a flat rate, a weight table) and order limits."""
        for name, body in demo_shipping_methods(currencies).items():

            def create_method(body: dict[str, Any] = body) -> str:
                fields = as_sent(ShippingMethodFields, body)
                return checkout_config.create_shipping_method(admin, website_id, fields).id

            self.ensure(
                f"{key}/shipping/{name}",
                f"{key}: shipping method {name!r}",
                lambda known: checkout_config.get_shipping_method(admin, website_id, known),
                create_method,
            )
        if f"{key}/order-limits" not in self.ledger.ids:
            limits = as_sent(OrderLimits, demo_order_limits(currencies))
            checkout_config.set_website_limits(admin, website_id, limits)
            with self.recording:
                self.ledger.record(f"{key}/order-limits", website_id)
                self.report.created += 1

    def payment_terms(self, admin: Caller, tenant: DemoTenant) -> None:
        for body in DEMO_PAYMENT_TERMS:

            def create_term(body: dict[str, Any] = body) -> str:
                return checkout_config.create_payment_term(admin, as_sent(PaymentTermCreate, body)).id

            code = str(body["code"])
            self.ensure(
                f"{tenant.id}/payment_term/{code}",
                f"{tenant.id}: payment term {code!r}",
                lambda known: checkout_config.get_payment_term(admin, known),
                create_term,
            )

    def verify_hostnames(self, admin: Caller, website_id: str, what: str) -> None:
        """Pass a new website's DNS challenges as a tenant would: publish each record in the local
        stack's stand-in for DNS, then verify it, so the demo websites serve their hosts."""
        records_file = get_settings().dns_records_file
        if records_file is None:
            raise RuntimeError("KONTOR_DNS_RECORDS_FILE is not set: the local stack has no DNS stand-in")
        for hostname in websites.get_hostnames(admin, website_id).items:
            RecordsFile(records_file).publish(hostname.challenge.name, hostname.challenge.value)
            try:
                websites.verify_hostname(admin, website_id, hostname.hostname)
            except Problem as problem:
                self.skip(f"{what}: hostname {hostname.hostname!r}", str(problem))

    def customer_group(self, admin: Caller, tenant: DemoTenant, fields: dict[str, Any]) -> str | None:
        return self.ensure(
            f"{tenant.id}/customer-group/{fields['name']}",
            f"{tenant.id}: customer group {fields['name']!r}",
            lambda known: customer_groups.get_customer_group(admin, known),
            lambda: (
                customer_groups.create_customer_group(admin, CustomerGroupFields.model_validate(fields)).id
            ),
        )

    def staff_user(self, admin: Caller, tenant: DemoTenant, demo: DemoStaff) -> str | None:
        what = f"{tenant.id}: staff user {demo.email}"
        organization_ids = [
            self.ledger.ids.get(organization_key(tenant, name)) for name in demo.organizations
        ]
        if None in organization_ids:
            self.skip(what, f"one of its organizations {list(demo.organizations)} is not there")
            return None
        assignment = {"role_id": demo.role_id, "assigned_customers_only": demo.assigned_customers_only}
        if organization_ids:
            assignment["organization_ids"] = organization_ids
        fields = {"email": demo.email, "name": demo.name, "assignments": [assignment]}
        return self.ensure(
            f"{tenant.id}/staff-user/{demo.email}",
            what,
            lambda known: staff.get_staff_user(admin, known),
            lambda: staff.create_staff_user(admin, StaffUserFields.model_validate(fields)).id,
        )

    def customer(
        self,
        admin: Caller,
        tenant: DemoTenant,
        demo: DemoUnit,
        group_ids: dict[str, str],
        staff_ids: dict[str, str],
        unit_ids: dict[tuple[str, str], str | None],
    ) -> None:
        name = demo.fields["name"]
        customer_id = self.ensure(
            f"{tenant.id}/customer/{name}",
            f"{tenant.id}: customer {name!r}",
            lambda known: customers.get_customer(admin, known),
            lambda: (
                customers.create_customer(
                    admin, CustomerFields.model_validate(demo.resolved(group_ids, staff_ids))
                ).id
            ),
        )
        unit_ids[(name, name)] = customer_id
        self.units(
            admin,
            tenant,
            (name, customer_id),
            name,
            customer_id,
            demo.units,
            (group_ids, staff_ids),
            unit_ids,
        )

    def units(
        self,
        admin: Caller,
        tenant: DemoTenant,
        customer: tuple[str, str | None],
        parent_path: str,
        parent_id: str | None,
        demos: tuple[DemoUnit, ...],
        ids: tuple[dict[str, str], dict[str, str]],
        unit_ids: dict[tuple[str, str], str | None],
    ) -> None:
        """The demo units below ``parent_path``, depth-first (a unit's key is its demo path)."""
        customer_name, customer_id = customer
        for demo in demos:
            path = f"{parent_path}/{demo.fields['name']}"
            unit_id = None
            if customer_id is None or parent_id is None:
                self.skip(f"{tenant.id}: unit {path!r}", "the unit above it is not there")
            else:
                fields = {**demo.resolved(*ids), "parent_id": parent_id}
                unit_id = self.unit(admin, tenant, customer_id, path, fields)
            unit_ids[(customer_name, demo.fields["name"])] = unit_id
            self.units(admin, tenant, customer, path, unit_id, demo.units, ids, unit_ids)

    def unit(
        self, admin: Caller, tenant: DemoTenant, customer_id: str, path: str, fields: dict[str, Any]
    ) -> str | None:
        return self.ensure(
            f"{tenant.id}/unit/{path}",
            f"{tenant.id}: unit {path!r}",
            lambda known: customers.get_unit(admin, customer_id, known),
            lambda: customers.create_unit(admin, customer_id, UnitFields.model_validate(fields)).id,
        )

    def customer_user(
        self, admin: Caller, tenant: DemoTenant, demo: DemoUser, unit_ids: dict[tuple[str, str], str | None]
    ) -> None:
        what = f"{tenant.id}: customer user {demo.email}"
        customer_id, unit_id = (
            unit_ids.get((demo.customer, demo.customer)),
            unit_ids.get((demo.customer, demo.unit)),
        )
        if customer_id is None or unit_id is None:
            self.skip(what, f"its unit {demo.customer}/{demo.unit} is not there")
            return
        fields = {
            "email": demo.email,
            "name": demo.name,
            "unit_id": unit_id,
            "assignments": [{"role_id": demo.role_id, "unit_id": unit_id}],
        }
        self.ensure(
            f"{tenant.id}/customer-user/{demo.email}",
            what,
            lambda known: customer_users.get_user(admin, customer_id, known),
            lambda: (
                customer_users.invite_user(admin, customer_id, CustomerUserFields.model_validate(fields)).id
            ),
        )

    def catalog(
        self,
        admin: Caller,
        tenant: DemoTenant,
        placement: DemoCatalogPlacement,
        group_ids: dict[str, str],
        unit_ids: dict[tuple[str, str], str | None],
    ) -> None:
        """The demo catalog in its organization, through the catalog services (the API's checks)."""
        organization_id = self.ledger.ids.get(organization_key(tenant, placement.organization))
        if organization_id is None:
            self.skip(f"{tenant.id}: catalog", f"its organization {placement.organization!r} is not there")
            return
        data = demo_catalog(_products_per_leaf())
        for fields in data.attributes:
            self.ensure(
                f"{tenant.id}/attribute/{fields['code']}",
                f"{tenant.id}: attribute {fields['code']!r}",
                lambda known: attributes.get_attribute(admin, known),
                partial(_new_attribute, admin, fields),
            )
        category_ids = self.demo_categories(admin, tenant, organization_id, data)
        for website in placement.websites:
            self.offer_roots(admin, tenant, website, data, category_ids)
        self.demo_products(admin, tenant, organization_id, data, category_ids)
        for selection in placement.selections:
            self.selection(admin, tenant, organization_id, selection, category_ids, group_ids)
        for rule in placement.unit_rules:
            self.unit_rule(admin, tenant, organization_id, rule, category_ids, unit_ids)
        # the counts the storefront's tree reads, for data seeded before products were counted
        category_counts.recount(tenant.id, organization_id)

    def demo_categories(
        self, admin: Caller, tenant: DemoTenant, organization_id: str, data: DemoCatalog
    ) -> dict[str, str]:
        """The demo categories' ids by demo key (parents first; one below a missing one is left out)."""
        present = {category.id for category in categories.get_category_tree(admin, organization_id).items}
        ids: dict[str, str] = {}
        for demo in data.categories:
            what = f"{tenant.id}: category {demo.key!r}"
            parent_id = ids.get(demo.parent_key) if demo.parent_key else None
            if demo.parent_key and parent_id is None:
                self.skip(what, "the category above it is not there")
                continue
            body = {**demo.fields, "parent_id": parent_id}
            made = self.ensure(
                f"{tenant.id}/category/{demo.key}",
                what,
                _one_of(present, "category"),
                partial(_new_category, admin, organization_id, body),
            )
            if made is not None:
                ids[demo.key] = made
        return ids

    def offer_roots(
        self, admin: Caller, tenant: DemoTenant, website: str, data: DemoCatalog, category_ids: dict[str, str]
    ) -> None:
        """A demo website offers the demo's root categories, once: a user may change that afterwards."""
        website_id = self.ledger.ids.get(f"{tenant.id}/website/{website}")
        what = f"{tenant.id}: website {website!r} offering the demo categories"
        if website_id is None:
            self.skip(what, "the website is not there")
            return
        roots = [
            category_ids[c.key] for c in data.categories if c.parent_key is None and c.key in category_ids
        ]

        def offer() -> str:
            current = websites.get_website(admin, website_id).category_root_ids
            patch = as_sent(WebsitePatch, {"category_root_ids": [*current, *roots]})
            return websites.update_website(admin, website_id, patch, "*").id

        self.ensure(f"{tenant.id}/website-roots/{website}", what, lambda known: None, offer)

    def demo_products(
        self,
        admin: Caller,
        tenant: DemoTenant,
        organization_id: str,
        data: DemoCatalog,
        category_ids: dict[str, str],
    ) -> None:
        """The demo products and their media records (pending: the demo uploads no files).

        What exists is read with the organization's product list (a page of 100 per Query), not one
        read per product. Products are made by :data:`SEED_WORKERS` threads (each product is its own
        transaction, so this is the API's bulk path as a client would take it): first the simple and
        configurable ones, then the variants, which name their parents."""
        present = _organization_products(admin, organization_id)
        product_ids: dict[str, str] = {}

        def ensure_product(demo: DemoProduct) -> tuple[str, str | None]:
            what = f"{tenant.id}: product {demo.sku}"
            parent_id = product_ids.get(demo.parent_sku) if demo.parent_sku else None
            if demo.parent_sku and parent_id is None:
                self.skip(what, f"its configurable product {demo.parent_sku} is not there")
                return demo.sku, None
            body = as_sent(ProductFields, demo.resolved(organization_id, category_ids, parent_id))
            return demo.sku, self.ensure(
                f"{tenant.id}/product/{demo.sku}",
                what,
                _one_of(present, "product"),
                lambda: _retried(lambda: products.create_product(admin, body).id),
            )

        with ThreadPoolExecutor(SEED_WORKERS, thread_name_prefix="seed") as pool:
            for variants in (False, True):
                wave = [demo for demo in data.products if (demo.parent_sku is not None) == variants]
                made = pool.map(ensure_product, wave)
                product_ids |= {sku: product_id for sku, product_id in made if product_id is not None}
        for demo in data.products:
            if (product_id := product_ids.get(demo.sku)) is not None:
                for item in demo.media:
                    self.ensure(
                        f"{tenant.id}/media/{demo.sku}/{item.key}",
                        f"{tenant.id}: media {item.key}",
                        partial(media.get_media, admin, product_id),
                        partial(_new_media, admin, product_id, item.fields),
                    )

    def selection(
        self,
        admin: Caller,
        tenant: DemoTenant,
        organization_id: str,
        demo: DemoSelection,
        category_ids: dict[str, str],
        group_ids: dict[str, str],
    ) -> None:
        what = f"{tenant.id}: selection {demo.name!r}"
        missing = [key for key in demo.category_keys if key not in category_ids]
        missing += [name for name in demo.groups if name not in group_ids]
        if missing:
            self.skip(what, f"{', '.join(missing)} not there")
            return
        body = {
            "organization_id": organization_id,
            "name": demo.name,
            "mode": demo.mode,
            "category_ids": [category_ids[key] for key in demo.category_keys],
            "customer_group_ids": [group_ids[name] for name in demo.groups],
        }
        self.ensure(
            f"{tenant.id}/selection/{demo.name}",
            what,
            lambda known: selections.get_selection(admin, known),
            lambda: selections.create_selection(admin, as_sent(SelectionFields, body)).id,
        )

    def unit_rule(
        self,
        admin: Caller,
        tenant: DemoTenant,
        organization_id: str,
        demo: DemoUnitRule,
        category_ids: dict[str, str],
        unit_ids: dict[tuple[str, str], str | None],
    ) -> None:
        """A unit's rule of a category. Once made it is left as a user leaves it: a rule removed since
        (``inherit``) stays removed, as a deleted entity does."""
        what = f"{tenant.id}: {demo.visibility} {demo.category_key!r} for {demo.unit!r} on {demo.website!r}"
        customer_id, unit_id = (
            unit_ids.get((demo.customer, demo.customer)),
            unit_ids.get((demo.customer, demo.unit)),
        )
        website_id = self.ledger.ids.get(f"{tenant.id}/website/{demo.website}")
        category_id = category_ids.get(demo.category_key)
        if customer_id is None or unit_id is None or website_id is None or category_id is None:
            self.skip(what, "its unit, website or category is not there")
            return
        body = {
            "website_id": website_id,
            "level": "unit",
            "customer_id": customer_id,
            "unit_id": unit_id,
            "visibility": demo.visibility,
        }

        def create() -> str:
            change = as_sent(VisibilityRuleChange, body)
            visibility.set_category_rule(admin, organization_id, category_id, change)
            return category_id

        self.ensure(
            f"{tenant.id}/unit-rule/{demo.customer}/{demo.unit}/{demo.website}/{demo.category_key}",
            what,
            lambda known: None,
            create,
        )

    def pricing(
        self,
        admin: Caller,
        tenant: DemoTenant,
        placement: DemoCatalogPlacement,
        group_ids: dict[str, str],
        unit_ids: dict[tuple[str, str], str | None],
    ) -> None:
        """The demo's price lists with their rows, their assignments and the exchange rates
        (:mod:`local.demo_pricing`); each made once, then left as a user leaves it."""
        organization_id = self.ledger.ids.get(organization_key(tenant, placement.organization))
        if organization_id is None:
            self.skip(f"{tenant.id}: prices", f"its organization {placement.organization!r} is not there")
            return
        rates = [
            {"from_currency": "EUR", "to_currency": currency, "rate": str(rate)}
            for currency, rate in EXCHANGE_RATES.items()
        ]
        self.ensure(
            f"{tenant.id}/exchange-rates",
            f"{tenant.id}: exchange rates",
            lambda known: None,
            partial(self.exchange_rates, admin, tenant, rates),
        )
        catalog = demo_catalog(_products_per_leaf())
        category_ids = {
            key.split("/category/", 1)[1]: entity_id
            for key, entity_id in self.ledger.ids.items()
            if key.startswith(f"{tenant.id}/category/")
        }
        list_ids: dict[str, str | None] = {}
        for demo in demo_price_lists(datetime.now(UTC).date()):
            ids = (category_ids, _present(list_ids))
            list_ids[demo.name] = self.price_list(admin, tenant, organization_id, demo, catalog, ids)
        for assignment in DEMO_ASSIGNMENTS:
            self.price_assignment(admin, tenant, assignment, _present(list_ids), group_ids, unit_ids)

    @staticmethod
    def exchange_rates(admin: Caller, tenant: DemoTenant, rates: list[dict[str, str]]) -> str:
        exchange_rates.set_exchange_rates(admin, as_sent(ExchangeRates, {"rates": rates}))
        return tenant.id

    def price_list(
        self,
        admin: Caller,
        tenant: DemoTenant,
        organization_id: str,
        demo: DemoPriceList,
        catalog: DemoCatalog,
        ids: tuple[dict[str, str], dict[str, str]],
    ) -> str | None:
        """A demo list with its rows; a rule-based one once the category and lists it names are there."""
        what = f"{tenant.id}: price list {demo.name!r}"
        try:
            body = demo.fields(organization_id, *ids)
        except KeyError as missing:
            self.skip(what, f"{missing} is not there")
            return None

        def create() -> str:
            price_list_id = price_lists.create_price_list(admin, as_sent(PriceListFields, body)).id
            for rows in demo.calls(catalog):
                prices.upsert_prices(admin, price_list_id, as_sent(PriceUpsert, {"rows": rows}))
            return price_list_id

        return self.ensure(
            f"{tenant.id}/price-list/{demo.name}",
            what,
            lambda known: price_lists.get_price_list(admin, known),
            create,
        )

    def price_assignment(
        self,
        admin: Caller,
        tenant: DemoTenant,
        demo: DemoAssignment,
        list_ids: dict[str, str],
        group_ids: dict[str, str],
        unit_ids: dict[tuple[str, str], str | None],
    ) -> None:
        what = f"{tenant.id}: price lists of {demo.level} {'/'.join(demo.owner)!r}"
        customer_id = unit_ids.get((demo.owner[0], demo.owner[0]))
        owner_id = {
            "website": self.ledger.ids.get(f"{tenant.id}/website/{demo.owner[0]}"),
            "customer_group": group_ids.get(demo.owner[0]),
            "unit": unit_ids.get((demo.owner[0], demo.owner[-1])) if customer_id else None,
        }[demo.level]
        missing = [name for name in demo.lists if name not in list_ids]
        if owner_id is None or missing:
            self.skip(what, f"{', '.join(missing or ['its owner'])} not there")
            return
        lists = [{"price_list_id": list_ids[name], "priority": 10 * n} for n, name in enumerate(demo.lists)]
        body = as_sent(PriceListAssignment, {"fallback": "next", "lists": lists})

        def assign() -> str:
            if demo.level == "website":
                assignments.set_website_price_lists(admin, owner_id, body)
            elif demo.level == "customer_group":
                assignments.set_group_price_lists(admin, owner_id, body)
            else:
                assignments.set_unit_price_lists(admin, str(customer_id), owner_id, body)
            return owner_id

        self.ensure(
            f"{tenant.id}/price-assignment/{demo.level}/{'/'.join(demo.owner)}",
            what,
            lambda known: None,
            assign,
        )

    def shopping_list(self, tenant: DemoTenant, demo: DemoShoppingList) -> None:
        """A buyer's list made with its lines, as the buyer would make it on the shop."""
        what = f"{tenant.id}: {demo.email}'s shopping list {demo.name!r}"
        try:
            buyer = caller(tenant.id, demo.email)
        except Problem as problem:  # the buyer deleted or disabled since the seed made them
            self.skip(what, str(problem))
            return
        lines = _demo_lines(demo.category_keys, demo.lines)

        def create() -> str:
            made = shopping_lists.create_list(
                buyer, demo.host, as_sent(ShoppingListFields, {"name": demo.name, "shared": demo.shared})
            )
            shopping_lists.add_lines(buyer, demo.host, made.id, as_sent(LinesFields, {"lines": lines}), None)
            return made.id

        self.ensure(
            f"{tenant.id}/shopping-list/{demo.email}/{demo.name}",
            what,
            lambda known: shopping_lists.get_list(
                buyer, demo.host, known, PageRequest(1, None, "local-seed")
            ),
            create,
        )

    def order(self, tenant: DemoTenant, admin: Caller, number: int, demo: DemoOrder) -> None:
        """A buyer's checkout of the demo lines, completed, reviewed and placed as they would on the
        shop, then moved through its transitions."""
        what = f"{tenant.id}: {demo.email}'s order {number} in {demo.currency}"
        try:
            buyer = caller(tenant.id, demo.email)
        except Problem as problem:  # the buyer deleted or disabled since the seed made them
            self.skip(what, str(problem))
            return
        if demo.shopping_list is None:
            source: dict[str, Any] = {"lines": _demo_lines(demo.category_keys, demo.lines)}
        else:
            list_id = self.ledger.ids.get(f"{tenant.id}/shopping-list/{demo.email}/{demo.shopping_list}")
            if list_id is None:
                self.skip(what, f"the shopping list {demo.shopping_list!r} is not there")
                return
            source = {"shopping_list_id": list_id}

        def create() -> str:
            made = checkout.create_checkout(
                buyer, demo.host, as_sent(CheckoutCreate, {**source, "currency": demo.currency})
            )
            steps = {
                **_demo_addresses(buyer, demo.address),
                "shipping_method_id": made.shipping_options[0].method_id,
                "payment": {"purchase_order_number": f"PO-DEMO-{number + 1}"},
                "reviewed": True,
            }
            reviewed = checkout.update_checkout(
                buyer, demo.host, made.id, as_sent(CheckoutPatch, steps), made.version
            )
            if reviewed.totals is None:  # a line unpriced or untaxed: the review was not recorded
                raise Conflict("the demo checkout cannot be priced and taxed")
            seen = {"grand_total": reviewed.totals.grand_total.model_dump()}
            placed = placing.place_order(
                buyer, demo.host, made.id, as_sent(PlaceOrder, seen), reviewed.version
            )
            return placed.id

        key = f"{tenant.id}/order/{demo.email}/{number}"
        order_id = self.ensure(key, what, lambda known: orders.get_order(buyer, known), create)
        if order_id is None or not demo.transitions:
            return

        def move() -> str:
            """The order's transitions, once (a restart finds them recorded and leaves the order be)."""
            version = orders.get_order(buyer, order_id).version
            for name in demo.transitions:
                moved = (
                    order_transitions.cancel(buyer, order_id, version, None)
                    if name == "cancel"
                    else order_transitions.transition(admin, order_id, name, version, None)
                )
                version = moved.version
            return order_id

        self.ensure(f"{key}/moved", f"{what}: {', '.join(demo.transitions)}", lambda known: None, move)


def _demo_addresses(buyer: Caller, address: dict[str, Any] | None) -> dict[str, Any]:
    """The checkout's address steps: ``address`` as a new one (billing and shipping), or the company's
    first billing and shipping addresses that apply to the buyer's unit."""
    if address is not None:
        return {
            "billing_address": {"address": {**address, "kind": "billing"}},
            "shipping_address": {"address": address},
        }
    session = customer_users.session_of(buyer)
    book = company_admin.get_unit_addresses(buyer, session.user.unit_id).effective
    return {
        "billing_address": {"address_id": book["billing"].value[0].id},
        "shipping_address": {"address_id": book["shipping"].value[0].id},
    }


def _demo_lines(category_keys: tuple[str, ...], count: int) -> list[dict[str, str]]:
    """Lines (SKU, smallest quantity) of the first ``count`` simple, enabled demo products of the leaf
    categories named: what a demo shopping list or order holds."""
    return [
        {"sku": product.sku, "quantity": _smallest_quantity(product)}
        for product in demo_catalog(_products_per_leaf()).products
        if product.category_keys[:1]
        and product.category_keys[0] in category_keys
        and product.parent_sku is None
        and product.fields.get("status") == "enabled"
    ][:count]


def _smallest_quantity(product: DemoProduct) -> str:
    """The least a line of the product's primary unit may hold: its minimum, else its increment, else 1."""
    units = {unit["code"]: unit for unit in product.fields.get("units", [])}
    unit = units.get(product.fields.get("primary_unit", "each"), {})
    return str(unit.get("min_order_quantity") or unit.get("order_increment") or "1")


def _retried(create: Callable[[], str]) -> str:
    """``create``, tried again as a client tries a 503 again: the seed's threads make products side by
    side, and a transaction cancelled for contention with another's (a category's count) wrote nothing."""
    for attempt in range(SEED_ATTEMPTS - 1):
        try:
            return create()
        except Exception as error:  # only what the API would answer with a 503 is tried again
            if unavailable_problem(error) is None:
                raise
            time.sleep(0.1 * 2**attempt)
    return create()


def demo_products() -> int:
    """How many products the demo catalog of this start holds (351 unless made smaller)."""
    return len(demo_catalog(_products_per_leaf()).products)


def _products_per_leaf() -> int:
    """``KONTOR_DEMO_PRODUCTS_PER_LEAF`` simple products in each leaf category (15 unless set): tests that
    start stacks of their own seed a smaller catalog of the same shape. Keep it the same across restarts
    of one data folder, or the next start adds the difference."""
    return int(os.environ.get("KONTOR_DEMO_PRODUCTS_PER_LEAF", PRODUCTS_PER_LEAF))


def _new_attribute(admin: Caller, fields: dict[str, Any]) -> str:
    return attributes.create_attribute(admin, as_sent(AttributeFields, fields)).id


def _new_category(admin: Caller, organization_id: str, fields: dict[str, Any]) -> str:
    return categories.create_category(admin, organization_id, as_sent(CategoryFields, fields)).id


def _new_media(admin: Caller, product_id: str, fields: dict[str, Any]) -> str:
    return media.create_media(admin, product_id, as_sent(MediaFields, fields)).id


def as_sent(model: type[ModelT], body: dict[str, Any]) -> ModelT:
    """``body`` parsed as the API parses a request's JSON (strict models, JSON's types)."""
    return model.model_validate_json(json.dumps(body))


def _one_of(present: set[str], what: str) -> Callable[[str], None]:
    """An existence check against ids read in bulk beforehand."""

    def exists(known: str) -> None:
        if known not in present:
            raise NotFound(f"{what} not found")

    return exists


def _organization_products(admin: Caller, organization_id: str) -> set[str]:
    ids: set[str] = set()
    cursor: str | None = None
    while True:
        page = products.list_products(admin, PageRequest(100, cursor, "local-seed"), organization_id)
        ids.update(product.id for product in page.items)
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def _present(ids: dict[str, str | None]) -> dict[str, str]:
    return {name: entity_id for name, entity_id in ids.items() if entity_id is not None}


def seed(ledger: Ledger) -> SeedReport:
    """Create whatever demo data is missing and was never seeded; says what it made and what it left out."""
    tenants.ensure_platform_operator(DEV_OPERATOR_EMAIL, OPERATOR_NAME)
    operator = caller(PLATFORM_TENANT, DEV_OPERATOR_EMAIL)
    seeding = _Seeding(ledger)
    for demo in DEMO_TENANTS:
        seeding.tenant(operator, demo)
    return seeding.report
