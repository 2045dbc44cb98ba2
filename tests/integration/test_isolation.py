"""Tenant isolation on every tenant route: another tenant's objects are 404, never listed, never changed.

The routes come from the route table, so a new tenant route is covered (or fails here) automatically.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app import app as chalice_app  # noqa: F401 - registers every route in ROUTES
from chalicelib.api.routing import ROUTES, RouteSpec
from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.permissions import Permission

from .checkout_world import one_product_shop
from .conftest import Api, Outbox, Table, Worlds
from .orders_support import Placement, place_order
from .support import (
    assert_problem,
    customer_body,
    error_locs,
    product_body,
    staff_user_body,
    tax_configuration_body,
    unit_body,
    website_body,
)

# Every test here starts from a world this module builds once: see conftest.
pytestmark = pytest.mark.shared_account

# Staff routes of a tenant (storefront routes, the customer users' own, are walked at the end).
TENANT_ROUTES = [
    spec
    for spec in ROUTES
    if isinstance(spec.permission, Permission)
    and spec.permission
    not in (Permission.PUBLIC, Permission.PLATFORM_TENANTS, Permission.CUSTOMER_SELF, Permission.ERP_MESSAGES)
]  # the ERP's routes take an integration key, whose tenant is its own: tests/integration/test_erp.py
ITEM_ROUTES = [spec for spec in TENANT_ROUTES if "{" in spec.path]
# Routes naming their records in the query, not the path: another tenant's ids there are 404.
QUERY_ITEM_ROUTES = {
    "GET /v1/admin/prices/explain": (
        "?customer={customer_id}&unit={unit_id}&product={product_id}&website={website_id}"
        "&product_unit=each&quantity=1"
    ),
}
LIST_ROUTES = [
    spec
    for spec in TENANT_ROUTES
    if "{" not in spec.path and spec.method == "GET" and spec.query and spec.name not in QUERY_ITEM_ROUTES
]
# Routes on the caller's own tenant (no id, no list): the tenant comes from the token alone.
OWN_TENANT_ROUTES = [
    spec
    for spec in TENANT_ROUTES
    if "{" not in spec.path
    and spec.method in ("GET", "PATCH")
    and not spec.query
    and spec.path.endswith("/tenant")
]
# The caller's tenant's exchange rates: one resource per tenant, the tenant from the token alone.
EXCHANGE_RATE_ROUTES = [spec for spec in TENANT_ROUTES if spec.path == "/v1/admin/exchange-rates"]
# The caller's tenant's tax configuration: likewise.
TAX_CONFIGURATION_ROUTES = [spec for spec in TENANT_ROUTES if spec.path == "/v1/admin/tax/configuration"]
# The caller's own account and lists short enough to come in one answer (no cursor).
SELF_ROUTES = [spec for spec in TENANT_ROUTES if spec.permission is Permission.STAFF_SELF]
UNPAGED_LISTS = [spec for spec in TENANT_ROUTES if spec.name == "GET /v1/admin/roles"]
CREATE_ROUTES = [spec for spec in TENANT_ROUTES if "{" not in spec.path and spec.method == "POST"]

MEDIA = {"kind": "image", "filename": "a.png", "content_type": "image/png", "size": 8, "title": {"en": "A"}}
# A body each changing item route accepts (a cross-tenant attempt must fail for the object, not the body).
SHIPPING_METHOD = {"name": {"en": "Standard"}, "rates": {"kind": "flat", "costs": {"EUR": "9.90"}}}
ORDER_LIMITS = {"limits": {"EUR": {"minimum": "1"}}}
PAYMENT_TERM = {"code": "acme-net30", "name": {"en": "Net 30"}, "kind": "net", "net_days": 30}
INTEGRATION_KEY = {"name": "SAP", "scopes": ["product.delete"]}
ERP_MESSAGES = {
    "messages": [
        {
            "type": "product.delete",
            "id": "erp-1",
            "source_seq": 1,
            "occurred_at": "2026-12-01T10:00:00Z",
            "payload": {"sku": "NOPE"},
        }
    ]
}
CHANGE_BODIES: dict[str, dict[str, Any]] = {
    "POST /v1/admin/orders/{order_id}/transitions": {"transition": "cancel", "version": 1},
    "PATCH /v1/admin/organizations/{organization_id}": {"name": "Hijacked", "version": 1},
    "PATCH /v1/admin/websites/{website_id}": {
        "name": "Hijacked",
        "hostnames": ["evil.example"],
        "version": 1,
    },
    "PATCH /v1/admin/customer-groups/{group_id}": {"name": "Hijacked", "version": 1},
    "PATCH /v1/admin/customers/{customer_id}": {"name": "Hijacked", "version": 1},
    "POST /v1/admin/customers/{customer_id}/units": unit_body("cus_01J00000000000000000000000"),
    "PATCH /v1/admin/customers/{customer_id}/units/{unit_id}": {"name": "Hijacked", "version": 1},
    "POST /v1/admin/customers/{customer_id}/users": {
        "email": "mallory@nordic.example",
        "name": "Mallory",
        "unit_id": "unt_01J00000000000000000000000",
    },
    "PATCH /v1/admin/customers/{customer_id}/users/{user_id}": {"disabled": True, "version": 1},
    "PATCH /v1/admin/staff-users/{staff_id}": {"status": "disabled", "version": 1},
    "PATCH /v1/admin/roles/{role_id}": {"permissions": ["audit.read"], "version": 1},
    "POST /v1/admin/roles/{role_id}/copies": {"name": "Stolen"},
    "PATCH /v1/admin/selections/{selection_id}": {"name": "Hijacked", "category_ids": [], "version": 1},
    "PATCH /v1/admin/price-lists/{price_list_id}": {"name": "Hijacked", "version": 1},
    "PUT /v1/admin/price-lists/{price_list_id}": {"name": "Hijacked", "currencies": ["EUR"], "version": 1},
    "PUT /v1/admin/price-lists/{price_list_id}/prices": {
        "rows": [
            {
                "product_id": "prd_01J00000000000000000000000",
                "unit": "each",
                "currency": "EUR",
                "min_quantity": "1",
                "value": "0",
            }
        ]
    },
    "POST /v1/admin/price-lists/{price_list_id}/prices/delete": {
        "rows": [
            {
                "product_id": "prd_01J00000000000000000000000",
                "unit": "each",
                "currency": "EUR",
                "min_quantity": "1",
            }
        ]
    },
    "PUT /v1/admin/websites/{website_id}/price-lists": {"fallback": "this_level_only", "lists": []},
    "PUT /v1/admin/customer-groups/{group_id}/price-lists": {"fallback": "this_level_only", "lists": []},
    "PUT /v1/admin/customers/{customer_id}/units/{unit_id}/price-lists": {
        "fallback": "this_level_only",
        "lists": [],
    },
    "PUT /v1/admin/products/{product_id}/visibility": {
        "website_id": "{website_id}",
        "level": "all",
        "visibility": "hidden",
    },
    "PUT /v1/admin/organizations/{organization_id}/categories/{category_id}/visibility": {
        "website_id": "{website_id}",
        "level": "all",
        "visibility": "hidden",
    },
    "POST /v1/admin/products/{product_id}/media": MEDIA,
    "PATCH /v1/admin/products/{product_id}/media/{media_id}": {"title": {"en": "Hijacked"}, "version": 1},
    "PATCH /v1/admin/attributes/{attribute_code}": {"label": {"en": "Hijacked"}, "version": 1},
    "PATCH /v1/admin/products/{product_id}": {"name": {"en": "Hijacked"}, "version": 1},
    "POST /v1/admin/organizations/{organization_id}/categories": {
        "name": {"en": "Stolen"},
        "slug": {"en": "stolen"},
    },
    "PATCH /v1/admin/organizations/{organization_id}/categories/{category_id}": {
        "name": {"en": "Hijacked"},
        "parent_id": None,
        "version": 1,
    },
    "POST /v1/admin/websites/{website_id}/shipping-methods": SHIPPING_METHOD,
    "PATCH /v1/admin/websites/{website_id}/shipping-methods/{shipping_method_id}": {
        "active": False,
        "version": 1,
    },
    "PUT /v1/admin/websites/{website_id}/order-limits": ORDER_LIMITS,
    "PATCH /v1/admin/payment-terms/{payment_term_code}": {"is_default": True, "version": 1},
    "POST /v1/admin/customers/{customer_id}/users/{user_id}/checkouts": {
        "lines": [{"sku": "CHK-1", "quantity": "1"}]
    },
    "PATCH /v1/admin/checkouts/{checkout_id}": {"notes": "Hijacked", "version": 1},
    "POST /v1/admin/checkouts/{checkout_id}/order": {
        "grand_total": {"amount": "1.00", "currency": "EUR"},
        "version": 1,
    },
    "PUT /v1/admin/customers/{customer_id}/units/{unit_id}/order-limits": ORDER_LIMITS,
}
# The query an item route needs besides its path (acme's ids filled in).
ITEM_QUERIES = {
    "GET /v1/admin/products/{product_id}/visibility/explanation": (
        "?website_id={website_id}&customer_id={customer_id}&unit_id={unit_id}"
    ),
}
# How each create route could reach another tenant's objects: a body referring to them and the field
# that refers (None: it cannot).
CROSS_TENANT_CREATES: dict[str, tuple[Callable[[dict[str, str]], dict[str, Any]], str] | None] = {
    "POST /v1/admin/tax/preview": (
        lambda ids: {
            "website_id": ids["website_id"],
            "currency": "EUR",
            "lines": [{"key": "a", "unit_price": "10.00", "quantity": "1"}],
            "shipping_address": {"country": "DE"},
        },
        "body.website_id",
    ),
    "POST /v1/admin/organizations": None,
    "POST /v1/admin/websites": (
        lambda ids: website_body(ids["organization_id"], hostnames=["evil.nordic.se"]),
        "body.organization_id",
    ),
    "POST /v1/admin/customer-groups": None,
    "POST /v1/admin/customers": (
        lambda ids: customer_body(customer_group_id=ids["group_id"]),
        "body.customer_group_id",
    ),
    "POST /v1/admin/staff-users": (
        lambda ids: staff_user_body(
            "olaf.org@nordic.example",
            assignments=[
                {"role_id": "organization-administrator", "organization_ids": [ids["organization_id"]]}
            ],
        ),
        "body.assignments[0].organization_ids[0]",
    ),
    "POST /v1/admin/roles": None,
    "POST /v1/admin/selections": (
        lambda ids: {"name": "Stolen", "organization_id": ids["organization_id"], "mode": "exclude"},
        "body.organization_id",
    ),
    "POST /v1/admin/attributes": None,
    "POST /v1/admin/products": (lambda ids: product_body(ids["organization_id"]), "body.organization_id"),
    "POST /v1/admin/price-lists": (
        lambda ids: {"name": "Stolen", "organization_id": ids["organization_id"], "currencies": ["EUR"]},
        "body.organization_id",
    ),
    "POST /v1/admin/payment-terms": None,
    "POST /v1/admin/integrations": None,
}

# Lists filtered by acme's ids or names: nordic must find nothing with them.
FILTERED_LISTS: dict[str, Callable[[dict[str, str]], str]] = {
    "websites of an organization": lambda ids: f"/v1/admin/websites?organization_id={ids['organization_id']}",
    "audit of an organization": lambda ids: f"/v1/admin/audit?entity_id={ids['organization_id']}",
    "audit of a website": lambda ids: f"/v1/admin/audit?entity_id={ids['website_id']}",
    "audit of an actor": lambda ids: "/v1/admin/audit?actor=staff:admin@acme.example",
    "audit of an entity type": lambda ids: "/v1/admin/audit?entity_type=website",
    "audit of a customer": lambda ids: f"/v1/admin/audit?entity_id={ids['customer_id']}",
    "products of an organization": lambda ids: f"/v1/admin/products?organization_id={ids['organization_id']}",
    "orders of a customer": lambda ids: f"/v1/admin/orders?customer={ids['customer_id']}",
}


# The path parameters the acme fixture has an object for.
ACME_OBJECTS = (
    "organization_id",
    "website_id",
    "group_id",
    "customer_id",
    "unit_id",
    "user_id",
    "staff_id",
    "role_id",
    "hostname",
    "selection_id",
    "product_id",
    "media_id",
    "attribute_code",
    "category_id",
    "price_list_id",
    "shipping_method_id",
    "payment_term_code",
    "order_id",
    "integration_id",
    "checkout_id",
)


@dataclass
class Acme:
    """acme's admin token and its objects: one organization with one website and one category, and one
    customer group with one customer that has one unit."""

    token: str
    ids: dict[str, str]  # path parameter -> acme's object id


@dataclass
class World:
    """acme (its objects) and nordic's administrator's token; the storefront world adds Initech and
    the signed-in administrators of Globex and of a nordic company."""

    acme: Acme
    nordic: str
    initech: Initech | None = None
    globex_admin: str = ""
    nordic_admin: str = ""


# The fixtures a test asks for to get the storefront world (the other tests get acme and nordic alone).
STOREFRONT_FIXTURES = {"initech", "globex_admin", "nordic_admin"}


@pytest.fixture
def world(
    request: pytest.FixtureRequest,
    api: Api,
    worlds: Worlds,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    make_customer_group: Callable[..., dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
    make_unit: Callable[..., dict[str, Any]],
    make_customer_user: Callable[..., dict[str, Any]],
    make_staff_user: Callable[..., dict[str, Any]],
    make_staff_role: Callable[..., dict[str, Any]],
    make_selection: Callable[..., dict[str, Any]],
    make_attribute: Callable[..., dict[str, Any]],
    make_product: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> World:
    """This test's world, built once for the module and put back before each test."""

    def acme() -> Acme:
        token = make_tenant("acme")
        organization = make_organization(token)
        website = make_website(token, organization["id"])
        group = make_customer_group(token)
        customer = make_customer(token, customer_group_id=group["id"])
        unit = make_unit(token, customer["id"], customer["id"])
        user = make_customer_user(token, customer["id"], unit["id"])
        staff = make_staff_user(token)
        role = make_staff_role(token)
        selection = make_selection(token, organization["id"], customer_group_ids=[group["id"]])
        attribute = make_attribute(token)
        product = make_product(token, organization["id"])
        media = api.call("POST", f"/v1/admin/products/{product['id']}/media", token=token, body=MEDIA).body
        categories = f"/v1/admin/organizations/{organization['id']}/categories"
        category = api.call(
            "POST", categories, token=token, body={"name": {"en": "Tools"}, "slug": {"en": "tools"}}
        )
        price_list = api.call(
            "POST",
            "/v1/admin/price-lists",
            token=token,
            body={"name": "Base", "organization_id": organization["id"], "currencies": ["EUR"]},
        ).body
        methods = f"/v1/admin/websites/{website['id']}/shipping-methods"
        method = api.call("POST", methods, token=token, body=SHIPPING_METHOD).body
        term = api.call("POST", "/v1/admin/payment-terms", token=token, body=PAYMENT_TERM).body
        placed = Placement("acme", customer["id"], unit["id"], user["id"], website["id"], organization["id"])
        order = place_order(placed).id
        integration = api.call("POST", "/v1/admin/integrations", token=token, body=INTEGRATION_KEY).body
        sent = api.call("POST", "/v1/erp/messages", token=integration["secret"], body=ERP_MESSAGES)
        assert sent.status == 200, sent.body  # its record: acme's imports list is not empty
        checkout = _checkout(token, website, organization["id"])
        return Acme(
            token,
            ids={
                "organization_id": organization["id"],
                "website_id": website["id"],
                "group_id": group["id"],
                "customer_id": customer["id"],
                "unit_id": unit["id"],
                "user_id": user["id"],
                "staff_id": staff["id"],
                "role_id": role["id"],
                "hostname": website["hostnames"][0],
                "selection_id": selection["id"],
                "attribute_code": attribute["code"],
                "product_id": product["id"],
                "media_id": media["id"],
                "category_id": category.body["id"],
                "price_list_id": price_list["id"],
                "shipping_method_id": method["id"],
                "payment_term_code": term["code"],
                "order_id": order,
                "integration_id": integration["id"],
                "checkout_id": checkout,
            },
        )

    def _checkout(token: str, website: dict[str, Any], organization: str) -> str:
        """A checkout made for a buyer of a customer of its own (in no group: the group's include
        selection would hide the product), on the website (its host verified, one product)."""
        host = website["hostnames"][0]
        verify_hostname(token, website["id"], host)
        sku = one_product_shop(api, token, website["id"], organization, sku="CHK-1")
        customer = make_customer(token, name="Hooli")["id"]
        email = "olga.orders@hooli.example"
        buyer = make_customer_user(token, customer, customer, email=email, role_id="purchasing-manager")["id"]
        assert api.call("GET", "/v1/store/me", token=api.token("acme", email)).status == 200
        made = api.call(
            "POST",
            f"/v1/admin/customers/{customer}/users/{buyer}/checkouts",
            token=token,
            body={"lines": [{"sku": sku, "quantity": "1"}]},
            headers={"X-Kontor-Host": host},
        )
        assert made.status == 201, made.body
        return str(made.body["id"])

    def tenants() -> World:
        return World(acme(), make_tenant("nordic"))

    def signed_in(tenant_id: str, email: str) -> str:
        token = api.token(tenant_id, email)
        assert api.call("GET", "/v1/store/me", token=token).status == 200
        return token

    def initech(acme: Acme) -> Initech:
        company = make_customer(acme.token, name="Initech")["id"]
        unit = make_unit(acme.token, company, company, name="Initech Labs")["id"]
        user = make_customer_user(acme.token, company, unit, email="ian@initech.example")["id"]
        make_customer_user(acme.token, company, company, email=INITECH_ADMIN, role_id="administrator")
        role = api.call(
            "POST",
            "/v1/store/company/roles",
            token=api.token("acme", INITECH_ADMIN),
            body={"name": "Initech only", "grants": {"catalog.view": "unit"}},
        )
        assert role.status == 201, role.body
        return Initech(acme.token, {"unit_id": unit, "user_id": user, "role_id": role.body["id"]})

    def storefront() -> World:
        world = worlds.world("acme and nordic", tenants)
        world.initech = initech(world.acme)
        customer = world.acme.ids["customer_id"]
        make_customer_user(
            world.acme.token, customer, customer, email="ava.admin@globex.example", role_id="administrator"
        )
        world.globex_admin = signed_in("acme", "ava.admin@globex.example")
        company = make_customer(world.nordic, name="Nordic Customer")["id"]
        make_customer_user(
            world.nordic, company, company, email="nina@nordic.example", role_id="administrator"
        )
        world.nordic_admin = signed_in("nordic", "nina@nordic.example")
        return world

    if STOREFRONT_FIXTURES & set(request.fixturenames):
        return worlds.world("storefront", storefront)
    return worlds.world("acme and nordic", tenants)


@pytest.fixture
def acme(world: World) -> Acme:
    return world.acme


@pytest.fixture
def nordic(world: World) -> str:
    return world.nordic


@pytest.fixture
def audited(world: World, worlds: Worlds, outbox: Outbox) -> Acme:
    """acme, its changes in its audit log too: the world's outbox drained once, when it is first asked for."""
    worlds.world("acme and nordic, audited", outbox.drain, on="acme and nordic")
    return world.acme


def _path_parameters(spec: RouteSpec) -> list[str]:
    return re.findall(r"{(\w+)}", spec.path)


def test_every_tenant_route_is_covered_here() -> None:
    # given the tenant routes: items by id, lists and creates
    assert TENANT_ROUTES

    # then each is one of the kinds tested below, with what its test needs
    for spec in TENANT_ROUTES:
        if spec in ITEM_ROUTES:
            assert set(_path_parameters(spec)) <= set(ACME_OBJECTS), (
                f"{spec.name}: give the acme fixture an object for its path parameter"
            )
            assert spec.body is None or spec.name in CHANGE_BODIES, (
                f"{spec.name}: add a body to CHANGE_BODIES"
            )
        elif spec in CREATE_ROUTES:
            assert spec.name in CROSS_TENANT_CREATES, (
                f"{spec.name}: say in CROSS_TENANT_CREATES what it refers to"
            )
        else:
            assert (
                spec
                in LIST_ROUTES
                + OWN_TENANT_ROUTES
                + SELF_ROUTES
                + UNPAGED_LISTS
                + EXCHANGE_RATE_ROUTES
                + TAX_CONFIGURATION_ROUTES
                or spec.name in QUERY_ITEM_ROUTES
            ), f"{spec.name} is neither an item, a list, a create nor an own-tenant route"


@pytest.mark.parametrize("spec", ITEM_ROUTES, ids=lambda spec: spec.name)
def test_another_tenants_object_is_404_and_stays_unchanged(
    api: Api, acme: Acme, nordic: str, table: Table, spec: RouteSpec
) -> None:
    # given acme's objects as they are
    writes = table.writes()
    path = spec.path.format(**{name: acme.ids[name] for name in _path_parameters(spec)})
    path += ITEM_QUERIES.get(spec.name, "").format(**acme.ids)
    body = {
        name: value.format(**acme.ids) if isinstance(value, str) else value
        for name, value in CHANGE_BODIES.get(spec.name, {}).items()
    }

    # when nordic's admin calls the route with acme's ids (with the right version, as a thief would)
    reply = api.call(spec.method, path, token=nordic, body=body or None, headers={"If-Match": '"1"'})

    # then nothing was written
    assert_problem(reply, 404)
    assert table.writes() == writes


@pytest.mark.parametrize("name", sorted(QUERY_ITEM_ROUTES))
def test_another_tenants_objects_named_in_a_query_are_404(
    api: Api, acme: Acme, nordic: str, name: str
) -> None:
    # given acme's ids in the route's query
    path = name.split(" ", 1)[1] + QUERY_ITEM_ROUTES[name].format(**acme.ids)

    # when nordic's admin calls it
    reply = api.call("GET", path, token=nordic)

    # then nothing of acme's is found, nor named
    assert_problem(reply, 404)
    for acme_id in acme.ids.values():
        assert acme_id not in str(reply.body)


@pytest.mark.parametrize("spec", OWN_TENANT_ROUTES, ids=lambda spec: spec.name)
def test_own_tenant_routes_reach_only_the_callers_tenant(
    api: Api, acme: Acme, nordic: str, spec: RouteSpec
) -> None:
    # given acme's tenant as it is
    before = api.call("GET", spec.path, token=acme.token).body

    # when nordic's admin calls the route
    body = {"name": "Renamed", "version": 1} if spec.method == "PATCH" else None
    reply = api.call(spec.method, spec.path, token=nordic, body=body)

    # then it answers about nordic, and acme's tenant is unchanged
    assert reply.status == 200, reply.body
    assert reply.body["id"] == "nordic"
    assert api.call("GET", spec.path, token=acme.token).body == before


def test_exchange_rates_are_the_callers_tenant_s_only(api: Api, acme: Acme, nordic: str) -> None:
    # given acme's rates
    rates = {"rates": [{"from_currency": "EUR", "to_currency": "USD", "rate": "1.08"}]}
    assert api.call("PUT", "/v1/admin/exchange-rates", token=acme.token, body=rates).status == 200

    # when nordic's admin reads and replaces theirs
    read = api.call("GET", "/v1/admin/exchange-rates", token=nordic)
    replaced = api.call("PUT", "/v1/admin/exchange-rates", token=nordic, body={"rates": []})

    # then they see none of acme's, and acme's are unchanged
    assert (read.body, replaced.status) == ({"rates": []}, 200)
    assert api.call("GET", "/v1/admin/exchange-rates", token=acme.token).body == rates


def test_the_tax_configuration_is_the_callers_tenant_s_only(api: Api, acme: Acme, nordic: str) -> None:
    # given acme's configuration
    path = "/v1/admin/tax/configuration"
    put = api.call("PUT", path, token=acme.token, body=tax_configuration_body(), headers={"If-Match": "0"})
    assert put.status == 200, put.body

    # when nordic's admin reads and replaces theirs
    read = api.call("GET", path, token=nordic)
    replaced = api.call("PUT", path, token=nordic, body={}, headers={"If-Match": "0"})

    # then they see none of acme's, and acme's is unchanged
    assert (read.body["rules"], read.body["version"], replaced.status) == ([], 0, 200)
    assert api.call("GET", path, token=acme.token).body == put.body


@pytest.mark.parametrize("spec", SELF_ROUTES, ids=lambda spec: spec.name)
def test_the_callers_own_account_shows_nothing_of_another_tenant(
    api: Api, acme: Acme, nordic: str, spec: RouteSpec
) -> None:
    # when nordic's admin asks for their own account
    reply = api.call("GET", spec.path, token=nordic)

    # then it is theirs, with nothing of acme's
    assert reply.status == 200, reply.body
    assert reply.body["user"]["email"] == "admin@nordic.example"
    for acme_id in acme.ids.values():
        assert acme_id not in str(reply.body)


@pytest.mark.parametrize("spec", LIST_ROUTES + UNPAGED_LISTS, ids=lambda spec: spec.name)
def test_another_tenants_objects_are_never_listed(
    api: Api, audited: Acme, nordic: str, spec: RouteSpec
) -> None:
    # given acme's changes are in its audit log too
    acme = audited
    assert api.call("GET", spec.path, token=acme.token).body["items"]

    # when
    reply = api.call("GET", spec.path, token=nordic)

    # then nothing of acme's shows (nordic's own tenant creation is its only audit entry)
    assert reply.status == 200, reply.body
    for acme_id in acme.ids.values():
        assert acme_id not in str(reply.body)
    assert "acme" not in str(reply.body)


@pytest.mark.parametrize("query", sorted(FILTERED_LISTS), ids=str)
def test_filtering_a_list_by_another_tenants_ids_finds_nothing(
    api: Api, audited: Acme, nordic: str, query: str
) -> None:
    # given acme's changes are in its audit log
    acme = audited
    path = FILTERED_LISTS[query](acme.ids)
    assert api.call("GET", path, token=acme.token).body["items"]

    # when
    reply = api.call("GET", path, token=nordic)

    # then
    assert reply.body == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("name", sorted(name for name, body in CROSS_TENANT_CREATES.items() if body))
def test_a_create_referring_to_another_tenants_object_is_422_and_writes_nothing(
    api: Api, acme: Acme, nordic: str, table: Table, name: str
) -> None:
    # given
    reference = CROSS_TENANT_CREATES[name]
    assert reference is not None
    build, field = reference
    method, path = name.split(" ", 1)
    writes = table.writes()

    # when
    reply = api.call(method, path, token=nordic, body=build(acme.ids))

    # then nothing was written
    assert error_locs(reply) == [field]
    assert table.writes() == writes


def test_a_website_cannot_move_to_another_tenants_organization(
    api: Api,
    acme: Acme,
    nordic: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given nordic's own website
    website = make_website(nordic, make_organization(nordic)["id"], hostnames=["shop.nordic.se"])
    writes = table.writes()

    # when nordic moves it under acme's organization
    reply = api.call(
        "PATCH",
        f"/v1/admin/websites/{website['id']}",
        token=nordic,
        body={"organization_id": acme.ids["organization_id"], "version": 1},
    )

    # then
    assert error_locs(reply) == ["body.organization_id"]
    assert table.writes() == writes


def test_a_unit_cannot_move_under_another_tenants_unit(
    api: Api,
    acme: Acme,
    nordic: str,
    make_customer: Callable[..., dict[str, Any]],
    make_unit: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given nordic's own customer with a unit
    customer = make_customer(nordic, name="Nordic Customer")
    unit = make_unit(nordic, customer["id"], customer["id"])
    writes = table.writes()

    # when nordic moves it under acme's unit
    reply = api.call(
        "PATCH",
        f"/v1/admin/customers/{customer['id']}/units/{unit['id']}",
        token=nordic,
        body={"parent_id": acme.ids["unit_id"], "version": 1},
    )

    # then
    assert error_locs(reply) == ["body.parent_id"]
    assert table.writes() == writes


def test_the_same_ids_in_two_tenants_never_meet(
    api: Api, acme: Acme, nordic: str, make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given each tenant's organization
    nordic_organization = make_organization(nordic, name="Nordic AB")

    # when each reads the other's id
    acme_reads = api.call("GET", f"/v1/admin/organizations/{nordic_organization['id']}", token=acme.token)
    nordic_reads = api.call("GET", f"/v1/admin/organizations/{acme.ids['organization_id']}", token=nordic)

    # then
    assert_problem(acme_reads, 404)
    assert_problem(nordic_reads, 404)


# --- storefront: a customer user's company is the whole world to them ------------------------------------

STORE_ROUTES = [spec for spec in ROUTES if isinstance(spec.permission, CustomerPermission)]
# The company's objects; the catalog's routes (products and categories of the shop, not of a company)
# are walked with another tenant's host and another company's rules in test_storefront_catalog.py.
STORE_ITEM_ROUTES = [
    spec for spec in STORE_ROUTES if "{" in spec.path and spec.path.startswith("/v1/store/company")
]
# A body each changing storefront item route accepts (so a refusal is for the object, not the body).
STORE_CHANGE_BODIES: dict[str, dict[str, Any]] = {
    "PATCH /v1/store/company/units/{unit_id}": {"name": "Hijacked", "version": 1},
    "PUT /v1/store/company/units/{unit_id}/addresses": {"addresses": [], "version": 1},
    "PATCH /v1/store/company/users/{user_id}": {"disabled": True, "version": 1},
    "PATCH /v1/store/company/roles/{role_id}": {"name": "Hijacked", "version": 1},
    "POST /v1/store/company/roles/{role_id}/copies": {"name": "Stolen"},
}
# Bodies that refer to another company's unit from the caller's own objects, and the field that refers.
STORE_CROSS_COMPANY_REFERENCES: dict[str, tuple[str, Callable[[dict[str, str]], dict[str, Any]], str]] = {
    "POST /v1/store/company/units": (
        "/v1/store/company/units",
        lambda ids: {"name": "Intrusion", "kind": "team", "parent_id": ids["unit_id"]},
        "body.parent_id",
    ),
    "POST /v1/store/company/users": (
        "/v1/store/company/users",
        lambda ids: {"email": "mallory@globex.example", "name": "Mallory", "unit_id": ids["unit_id"]},
        "body.unit_id",
    ),
    "PATCH /v1/store/company/units/{unit_id}": (
        "/v1/store/company/units/{own_unit}",
        lambda ids: {"parent_id": ids["unit_id"], "version": 1},
        "body.parent_id",
    ),
    "PATCH /v1/store/company/users/{user_id}": (
        "/v1/store/company/users/{own_user}",
        lambda ids: {"unit_id": ids["unit_id"], "version": 1},
        "body.unit_id",
    ),
}
INITECH_ADMIN = "ina.admin@initech.example"


@dataclass
class Initech:
    """A second company of acme, with a unit, a user and a custom role of its own."""

    admin: str  # acme's staff token
    ids: dict[str, str]  # path parameter -> Initech's object id


@pytest.fixture
def initech(world: World) -> Initech:
    assert world.initech is not None
    return world.initech


@pytest.fixture
def globex_admin(world: World) -> str:
    """A signed-in administrator of acme's first customer (Globex), holding everything there."""
    return world.globex_admin


def test_every_storefront_item_route_is_covered_here() -> None:
    # then each storefront item route names objects the Initech fixture has, and a body if it takes one
    for spec in STORE_ITEM_ROUTES:
        assert set(_path_parameters(spec)) <= {"unit_id", "user_id", "role_id"}, spec.name
        assert spec.body is None or spec.name in STORE_CHANGE_BODIES, f"{spec.name}: add a body"


@pytest.fixture
def nordic_admin(world: World) -> str:
    """A signed-in administrator of a company of another tenant (nordic)."""
    return world.nordic_admin


@pytest.mark.parametrize("outsider", ["globex_admin", "nordic_admin"], ids=["same-tenant", "other-tenant"])
@pytest.mark.parametrize("spec", STORE_ITEM_ROUTES, ids=lambda spec: spec.name)
def test_another_companys_object_is_404_to_a_company_administrator_and_stays_unchanged(
    api: Api, initech: Initech, table: Table, request: pytest.FixtureRequest, outsider: str, spec: RouteSpec
) -> None:
    # given Initech's objects as they are, and an administrator of another company
    token = request.getfixturevalue(outsider)
    writes = table.writes()
    path = spec.path.format(**{name: initech.ids[name] for name in _path_parameters(spec)})

    # when they call the route with Initech's ids (and the right version)
    reply = api.call(
        spec.method, path, token=token, body=STORE_CHANGE_BODIES.get(spec.name), headers={"If-Match": '"1"'}
    )

    # then
    assert_problem(reply, 404)
    assert table.writes() == writes


@pytest.mark.parametrize("name", sorted(STORE_CROSS_COMPANY_REFERENCES))
def test_a_storefront_change_referring_to_another_companys_unit_is_422_and_writes_nothing(
    api: Api, acme: Acme, initech: Initech, globex_admin: str, table: Table, name: str
) -> None:
    # given Globex's own unit and user, and Initech's unit
    template, build, field = STORE_CROSS_COMPANY_REFERENCES[name]
    path = template.format(own_unit=acme.ids["unit_id"], own_user=acme.ids["user_id"])
    writes = table.writes()

    # when Globex's administrator refers to Initech's unit
    reply = api.call(name.split(" ", 1)[0], path, token=globex_admin, body=build(initech.ids))

    # then
    assert error_locs(reply) == [field]
    assert table.writes() == writes
