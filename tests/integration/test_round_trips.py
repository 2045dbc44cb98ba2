"""DynamoDB round trips per request, counted on the botocore client (the table is the truth).

Every authenticated request starts with one BatchGetItem (the token's staff and customer-user records
by email, the tenant's own staff roles and the tenant, for its status); a customer user adds one
Query (their company), and so does a staff user limited to assigned customers (those customers). The
figures are what the request costs in the steady state; the table of all of them is printed in the
terminal summary of the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from app import app as chalice_app  # noqa: F401 - registers every route in ROUTES
from chalicelib.api.routing import ROUTES

from .conftest import MEASURED_ROUND_TRIPS, PLATFORM_OPERATOR, Api, AwsCalls, Worlds, upload_as_browser
from .orders_support import Placement, order_lines, place_order
from .support import (
    address_body,
    attribute_body,
    customer_body,
    organization_body,
    product_body,
    staff_role_body,
    staff_user_body,
    tax_configuration_body,
    tenant_body,
    unit_body,
    website_body,
)

MANAGER = "max.manager@globex.example"
ADMINISTRATOR = "ava.admin@globex.example"
SALES_REP = "sam.sales@acme.example"
REQUESTER = {"name": "Requester", "grants": {"catalog.view": "unit"}}
PRINCIPAL = "BatchGetItem"  # the caller's staff and customer-user records, by the token's email
GET, BATCH_GET, QUERY, WRITE = "GetItem", "BatchGetItem", "Query", "TransactWriteItems"
SHOP_HOST = "shop.acme.de"
SHOP = (("X-Kontor-Host", SHOP_HOST),)

# Every test here starts from a world this module builds once (acme; with customers; with staff too).
pytestmark = pytest.mark.shared_account


@dataclass
class World:
    """acme with two organizations (the second without websites) and a website of the first, plus
    a website of another organization ahead of it, so filters have something to skip."""

    token: str
    ids: dict[str, str]


@pytest.fixture
def world(
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    publish_txt: Callable[[str, str], None],
    api: Api,
    worlds: Worlds,
) -> World:
    def build() -> World:
        token = make_tenant("acme")
        # the platform operator has signed in once: their requests count no binding write
        operator = api.token("platform", PLATFORM_OPERATOR)
        assert api.call("GET", "/v1/platform/tenants", token=operator).status == 200
        other = make_organization(token, name="Other")
        others = [make_website(token, other["id"], hostnames=[f"other-{n}.acme.de"]) for n in range(5)]
        verify_hostname(token, others[0]["id"], "other-0.acme.de")  # served: the public lookup finds it
        organization = make_organization(token)
        spare = make_organization(token, name="Spare")
        website = make_website(token, organization["id"])
        # shop.acme.de stays pending, its DNS challenge published: ready to be verified
        pending = api.call("GET", f"/v1/admin/websites/{website['id']}/hostnames", token=token)
        challenge = pending.body["items"][0]["challenge"]
        publish_txt(challenge["name"], challenge["value"])
        return World(
            token,
            {
                "organization": organization["id"],
                "spare": spare["id"],
                "website": website["id"],
                "other": other["id"],
            },
        )

    return worlds.world("acme", build)


@pytest.fixture
def customers(
    api: Api,
    world: World,
    make_customer_group: Callable[..., dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
    make_unit: Callable[..., dict[str, Any]],
    make_customer_user: Callable[..., dict[str, Any]],
    worlds: Worlds,
) -> dict[str, str]:
    """acme's two customer groups, a customer of the first with a division and a plant below it, and a
    customer without units (made for the cases of customer routes only)."""

    def build() -> dict[str, str]:
        group = make_customer_group(world.token)
        spare_group = make_customer_group(world.token, name="Spare")
        customer = make_customer(world.token, customer_group_id=group["id"])
        division = make_unit(world.token, customer["id"], customer["id"])
        plant = make_unit(world.token, customer["id"], division["id"], name="Plant Lyon", kind="branch")
        spare_customer = make_customer(world.token, name="Initech")
        manager = make_customer_user(
            world.token, customer["id"], division["id"], email=MANAGER, role_id="purchasing-manager"
        )
        make_customer_user(
            world.token, customer["id"], customer["id"], email=ADMINISTRATOR, role_id="administrator"
        )
        # ava has signed in once: her account is bound, so her requests count no binding write
        ava = api.token("acme", ADMINISTRATOR)
        assert api.call("GET", "/v1/store/me", token=ava).status == 200
        role = api.call("POST", "/v1/store/company/roles", token=ava, body=REQUESTER)
        assert role.status == 201, role.body
        return {
            "role": role.body["id"],
            "user": manager["id"],
            "group": group["id"],
            "spare_group": spare_group["id"],
            "customer": customer["id"],
            "division": division["id"],
            "plant": plant["id"],
            "spare_customer": spare_customer["id"],
        }

    return worlds.world("acme with customers", build, on="acme")


@pytest.fixture
def staff(
    api: Api,
    world: World,
    customers: dict[str, str],
    make_staff_user: Callable[..., dict[str, Any]],
    make_staff_role: Callable[..., dict[str, Any]],
    worlds: Worlds,
) -> dict[str, str]:
    """sam, a Sales Representative of the customer (named by its company), a spare staff user and role."""

    def build() -> dict[str, str]:
        sam = make_staff_user(world.token, SALES_REP)
        reply = api.call(
            "PATCH",
            f"/v1/admin/customers/{customers['customer']}",
            token=world.token,
            body={"sales_rep_ids": [sam["id"]], "version": 1},
        )
        assert reply.status == 200, reply.body
        spare = make_staff_user(world.token, "spare@acme.example")
        return {
            "staff": sam["id"],
            "spare_staff": spare["id"],
            "staff_role": make_staff_role(world.token)["id"],
        }

    return worlds.world("acme with customers and staff", build, on="acme with customers")


@pytest.fixture
def selections(
    world: World,
    categories: dict[str, str],
    make_selection: Callable[..., dict[str, Any]],
    worlds: Worlds,
) -> dict[str, str]:
    """A selection of the organization listing one of its categories, and a spare one."""

    def build() -> dict[str, str]:
        organization, listed = world.ids["organization"], [categories["category"]]
        return {
            "selection": make_selection(world.token, organization, category_ids=listed)["id"],
            "spare_selection": make_selection(world.token, organization, name="Spare")["id"],
        }

    return worlds.extend("selections", build)


@pytest.fixture
def pricing(api: Api, world: World, catalog: dict[str, str], worlds: Worlds) -> dict[str, str]:
    """A price list of the organization (EUR, the website's currency) pricing the catalog's product,
    and a spare list."""

    def build() -> dict[str, str]:
        def created(name: str) -> str:
            body = {"name": name, "organization_id": world.ids["organization"], "currencies": ["EUR"]}
            reply = api.call("POST", "/v1/admin/price-lists", token=world.token, body=body)
            assert reply.status == 201, reply.body
            return str(reply.body["id"])

        price_list = created("Base")
        row = {"product_id": catalog["product"], "unit": "each", "currency": "EUR", "min_quantity": "1"}
        reply = api.call(
            "PUT",
            f"/v1/admin/price-lists/{price_list}/prices",
            token=world.token,
            body={"rows": [row | {"value": "1.00"}]},
        )
        assert reply.status == 200, reply.body
        return {"price_list": price_list, "spare_price_list": created("Spare"), "product": catalog["product"]}

    return worlds.extend("a price list", build)


def price_row(ids: dict[str, str], **fields: str) -> dict[str, str]:
    return {"product_id": ids["product"], "unit": "each", "currency": "EUR", "min_quantity": "1", **fields}


def assigned(ids: dict[str, str]) -> dict[str, Any]:
    return {"fallback": "next", "lists": [{"price_list_id": ids["price_list"], "priority": 1}]}


PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


def media_body() -> dict[str, Any]:
    return {
        "kind": "image",
        "filename": "a.png",
        "content_type": "image/png",
        "size": len(PNG),
        "title": {"en": "A"},
    }


@pytest.fixture
def media(api: Api, world: World, media_bucket: str, catalog: dict[str, str]) -> dict[str, str]:
    """A media of the catalog's product whose file is uploaded, not yet completed."""
    product = catalog["product"]
    reply = api.call("POST", f"/v1/admin/products/{product}/media", token=world.token, body=media_body())
    assert reply.status == 201, reply.body
    upload_as_browser(reply.body["upload"], PNG)
    return {"media": reply.body["id"]}


@pytest.fixture
def categories(api: Api, world: World, worlds: Worlds) -> dict[str, str]:
    """The organization's category tree: two roots (tools, fasteners), a child and a spare leaf of tools."""

    def build() -> dict[str, str]:
        path = f"/v1/admin/organizations/{world.ids['organization']}/categories"

        def make(slug: str, parent_id: str | None = None) -> str:
            body = {"name": {"en": slug.title()}, "slug": {"en": slug}, "parent_id": parent_id}
            reply = api.call("POST", path, token=world.token, body=body)
            assert reply.status == 201, reply.body
            return str(reply.body["id"])

        tools = make("tools")
        return {
            "root": tools,
            "other_root": make("fasteners"),
            "category": make("drills", tools),
            "spare_category": make("saws", tools),
        }

    return worlds.extend("categories", build)


@pytest.fixture
def catalog(api: Api, world: World, categories: dict[str, str], worlds: Worlds) -> dict[str, str]:
    """acme's attributes colour (used) and spare, a category, a simple product in it, a spare product,
    and a configurable T-shirt by colour with one variant."""

    def build() -> dict[str, str]:
        def created(collection: str, body: dict[str, Any]) -> str:
            reply = api.call("POST", f"/v1/admin/{collection}", token=world.token, body=body)
            assert reply.status == 201, reply.body
            return str(reply.body["id"])

        organization = world.ids["organization"]
        category = categories["category"]
        colour = created("attributes", attribute_body("colour"))
        parent = created("products", product_body(organization, sku="TS", variant_attributes=["colour"]))
        return {
            "category": category,
            "attribute": colour,
            "spare_attribute": created("attributes", attribute_body("spare")),
            "product": created(
                "products",
                product_body(organization, primary_category_id=category, attributes={"colour": "red"}),
            ),
            "spare_product": created("products", product_body(organization, sku="SPARE")),
            "parent": parent,
            "variant": created(
                "products",
                product_body(organization, sku="TS-RED", parent_id=parent, attributes={"colour": "red"}),
            ),
        }

    return worlds.extend("a catalog", build)


@pytest.fixture
def storefront(
    api: Api,
    world: World,
    categories: dict[str, str],
    catalog: dict[str, str],
    pricing: dict[str, str],
    worlds: Worlds,
) -> dict[str, str]:
    """shop.acme.de verified, offering the tools root (the catalog's product sits in drills below it),
    open to guests, its prices the pricing's list (the catalog's product priced)."""

    def build() -> dict[str, str]:
        website = world.ids["website"]
        lists = api.call(
            "PUT", f"/v1/admin/websites/{website}/price-lists", token=world.token, body=assigned(pricing)
        )
        assert lists.status == 200, lists.body
        verified = api.call(
            "POST", f"/v1/admin/websites/{website}/hostnames/{SHOP_HOST}/verification", token=world.token
        )
        assert verified.status == 200, verified.body
        body = {"category_root_ids": [categories["root"]], "guest_browsing": True}
        reply = api.call(
            "PATCH", f"/v1/admin/websites/{website}", token=world.token, body=body, headers={"If-Match": "*"}
        )
        assert reply.status == 200, reply.body
        return {}

    return worlds.extend("the shop open", build)


@pytest.fixture
def shopping(api: Api, storefront: dict[str, str], catalog: dict[str, str], worlds: Worlds) -> dict[str, str]:
    """The purchasing manager's shopping list on shop.acme.de with a line of the catalog's product, and a
    spare empty list (made over the shop: its cache is warm for the case)."""

    def build() -> dict[str, str]:
        manager = api.token("acme", MANAGER)

        def made(name: str) -> str:
            reply = api.call(
                "POST", "/v1/store/shopping-lists", token=manager, body={"name": name}, headers=dict(SHOP)
            )
            assert reply.status == 201, reply.body
            return str(reply.body["id"])

        shopping_list, spare = made("Project"), made("Spare")
        body = {"lines": [{"product_id": catalog["product"], "quantity": "2"}]}
        reply = api.call(
            "POST",
            f"/v1/store/shopping-lists/{shopping_list}/lines",
            token=manager,
            body=body,
            headers=dict(SHOP),
        )
        assert reply.status == 200, reply.body
        line = reply.body["lines"][0]["id"]
        return {"list": shopping_list, "spare_list": spare, "line": line, "product": catalog["product"]}

    return worlds.extend("shopping lists", build)


@pytest.fixture
def checkout(api: Api, world: World, worlds: Worlds) -> dict[str, str]:
    """Two shipping methods of the website (one spare) and two payment terms (one spare)."""

    def build() -> dict[str, str]:
        methods = f"/v1/admin/websites/{world.ids['website']}/shipping-methods"
        made = {}
        for name in ("method", "spare_method"):
            reply = api.call("POST", methods, token=world.token, body=SHIPPING_METHOD)
            assert reply.status == 201, reply.body
            made[name] = str(reply.body["id"])
        for name, code in (("term", "net30"), ("spare_term", "net60")):
            body = {"code": code, "name": {"en": code}, "kind": "net", "net_days": 30}
            assert api.call("POST", "/v1/admin/payment-terms", token=world.token, body=body).status == 201
            made[name] = code
        return made

    return worlds.extend("shipping methods and terms", build)


@pytest.fixture
def orders(
    world: World, customers: dict[str, str], shopping: dict[str, str], worlds: Worlds
) -> dict[str, str]:
    """Orders of the customer placed as placing writes them: five by the purchasing manager at his
    division, of the catalog's product, and one at the plant below (a unit's list reads them all); and
    his shopping list, to reorder into."""

    def build() -> dict[str, str]:
        where = Placement(
            "acme",
            customers["customer"],
            customers["division"],
            customers["user"],
            world.ids["website"],
            world.ids["organization"],
        )
        lines = order_lines("EUR", [(shopping["product"], "SKU-1")])
        placed = [place_order(where, lines=lines).id for _ in range(5)]
        place_order(Placement(**{**where.__dict__, "unit_id": customers["plant"]}), lines=lines)
        return {"order": placed[0], "list": shopping["list"]}

    return worlds.extend("orders", build)


@pytest.fixture
def erp(api: Api, world: World, worlds: Worlds) -> dict[str, str]:
    """Two integration keys (one spare, to revoke) and a message the first sent (its use recorded)."""

    def build() -> dict[str, str]:
        made = {}
        for name in ("integration", "spare_integration"):
            body = {"name": name, "scopes": ["product.upsert", "product.delete"]}
            reply = api.call("POST", "/v1/admin/integrations", token=world.token, body=body)
            assert reply.status == 201, reply.body
            made[name], made[f"{name}_key"] = str(reply.body["id"]), str(reply.body["secret"])
        message = {
            "type": "product.delete",
            "id": "erp-1",
            "source_seq": 1,
            "occurred_at": "2026-12-01T10:00:00Z",
        }
        sent = {"messages": [{**message, "payload": {"sku": "HB-M8"}}]}
        assert api.call("POST", "/v1/erp/messages", token=made["integration_key"], body=sent).status == 200
        return made

    return worlds.extend("integration keys", build)


@pytest.fixture
def ordering(
    api: Api,
    world: World,
    customers: dict[str, str],
    shopping: dict[str, str],
    checkout: dict[str, str],
    worlds: Worlds,
) -> dict[str, str]:
    """The purchasing manager's checkout of the shopping list (every step done and reviewed): net30 made
    the default term, the customer given a billing and a shipping address."""

    def build() -> dict[str, str]:
        made = api.call(
            "PATCH",
            "/v1/admin/payment-terms/net30",
            token=world.token,
            body={"is_default": True, "version": 1},
        )
        assert made.status == 200, made.body
        book = [address_body(kind="billing", label="Office"), address_body(kind="shipping")]
        customer = api.call(
            "PATCH",
            f"/v1/admin/customers/{customers['customer']}",
            token=world.token,
            body={"addresses": book},
            headers={"If-Match": "*"},
        )
        assert customer.status == 200, customer.body
        address = {item["kind"]: item["id"] for item in customer.body["addresses"]}
        manager = api.token("acme", MANAGER)
        started = api.call(
            "POST",
            "/v1/store/checkouts",
            token=manager,
            body={"shopping_list_id": shopping["list"]},
            headers=dict(SHOP),
        )
        assert started.status == 201, started.body
        steps = {
            "billing_address": {"address_id": address["billing"]},
            "shipping_address": {"address_id": address["shipping"]},
            "shipping_method_id": checkout["method"],
            "payment": {},
            "reviewed": True,
            "version": 1,
        }
        path = f"/v1/store/checkouts/{started.body['id']}"
        reviewed = api.call("PATCH", path, token=manager, body=steps, headers=dict(SHOP))
        assert reviewed.status == 200, reviewed.body
        # sam (when the case's world has him) has signed in once: his requests count no binding write
        api.call("GET", "/v1/admin/me", token=api.token("acme", SALES_REP))
        return {
            "list": shopping["list"],
            "checkout": started.body["id"],
            "checkout_version": str(reviewed.body["version"]),
            "grand_total": reviewed.body["totals"]["grand_total"]["amount"],
            "buyer": customers["user"],
        }

    return worlds.extend("a checkout reviewed", build)


SHIPPING_METHOD = {"name": {"en": "Standard"}, "rates": {"kind": "flat", "costs": {"EUR": "9.90"}}}
ORDER_LIMITS = {"limits": {"EUR": {"minimum": "50", "maximum": "10000"}}}


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # {organization}, {spare}, {website}, {other}: the world's objects; {customer}...: customers
    expected: tuple[str, ...]  # the DynamoDB operations, in order
    body: Callable[[dict[str, str]], Any] | None = None
    headers: tuple[tuple[str, str], ...] = ()
    token: str = "tenant"  # tenant, operator, customer (a purchasing manager of the customer), none or
    # integration (an integration key of acme's)
    status: int = 200
    replay: bool = False  # send the request twice with an Idempotency-Key; count the second


ROUND_TRIPS: dict[str, Case] = {
    # staff users and roles (a sales rep's principal adds one Query: the customers assigned to them;
    # counted on the second request: the first sign-in binds the account with a write)
    "GET /v1/admin/me": Case("GET", "/v1/admin/me", (PRINCIPAL,)),
    "GET /v1/admin/me as a sales rep": Case(
        "GET", "/v1/admin/me", (PRINCIPAL, QUERY), token="sales rep", replay=True
    ),
    "GET /v1/admin/customers as a sales rep": Case(
        "GET", "/v1/admin/customers", (PRINCIPAL, QUERY, BATCH_GET), token="sales rep", replay=True
    ),
    "GET /v1/admin/customers/{customer_id} as a sales rep": Case(
        "GET", "/v1/admin/customers/{customer}", (PRINCIPAL, QUERY, GET), token="sales rep", replay=True
    ),
    "POST /v1/admin/staff-users": Case(
        "POST",
        "/v1/admin/staff-users",
        (PRINCIPAL, WRITE),
        lambda _: staff_user_body("new.rep@acme.example"),
        status=201,
    ),
    "POST /v1/admin/staff-users limited to an organization": Case(
        "POST",
        "/v1/admin/staff-users",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda ids: staff_user_body(
            "olaf.org@acme.example",
            assignments=[
                {"role_id": "organization-administrator", "organization_ids": [ids["organization"]]}
            ],
        ),
        status=201,
    ),
    "GET /v1/admin/staff-users": Case("GET", "/v1/admin/staff-users", (PRINCIPAL, QUERY)),
    "GET /v1/admin/staff-users/{staff_id}": Case(
        "GET", "/v1/admin/staff-users/{staff}", (PRINCIPAL, GET, GET)
    ),
    "PATCH /v1/admin/staff-users/{staff_id}": Case(
        "PATCH",
        "/v1/admin/staff-users/{staff}",
        (PRINCIPAL, GET, GET, WRITE),
        lambda _: {"name": "Samuel Sales", "version": 1},
    ),
    "PATCH /v1/admin/staff-users/{staff_id} (roles)": Case(
        "PATCH",
        "/v1/admin/staff-users/{staff}",
        (PRINCIPAL, GET, GET, WRITE),
        lambda _: {"assignments": [{"role_id": "catalog-manager"}], "version": 1},
    ),
    "DELETE /v1/admin/staff-users/{staff_id}": Case(
        "DELETE",
        "/v1/admin/staff-users/{spare_staff}",
        (PRINCIPAL, GET, GET, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    "GET /v1/admin/roles": Case("GET", "/v1/admin/roles", (PRINCIPAL,)),
    "POST /v1/admin/roles": Case(
        "POST", "/v1/admin/roles", (PRINCIPAL, WRITE), lambda _: staff_role_body(), status=201
    ),
    "GET /v1/admin/roles/{role_id}": Case("GET", "/v1/admin/roles/{staff_role}", (PRINCIPAL,)),
    "POST /v1/admin/roles/{role_id}/copies": Case(
        "POST",
        "/v1/admin/roles/pricing-manager/copies",
        (PRINCIPAL, WRITE),
        lambda _: {"name": "Pricing (EU)"},
        status=201,
    ),
    "PATCH /v1/admin/roles/{role_id}": Case(
        "PATCH",
        "/v1/admin/roles/{staff_role}",
        (PRINCIPAL, WRITE),
        lambda _: {"name": "Care", "version": 1},
    ),
    "DELETE /v1/admin/roles/{role_id}": Case(
        "DELETE",
        "/v1/admin/roles/{staff_role}",
        (PRINCIPAL, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    # products' media: the product and the media in one BatchGetItem (S3 calls are not DynamoDB's)
    "POST /v1/admin/products/{product_id}/media": Case(
        "POST",
        "/v1/admin/products/{product}/media",
        (PRINCIPAL, GET, WRITE),
        lambda _: media_body(),
        status=201,
    ),
    "GET /v1/admin/products/{product_id}/media": Case(
        "GET", "/v1/admin/products/{product}/media", (PRINCIPAL, GET, QUERY)
    ),
    "GET /v1/admin/products/{product_id}/media/{media_id}": Case(
        "GET", "/v1/admin/products/{product}/media/{media}", (PRINCIPAL, BATCH_GET)
    ),
    "PATCH /v1/admin/products/{product_id}/media/{media_id}": Case(
        "PATCH",
        "/v1/admin/products/{product}/media/{media}",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda _: {"title": {"en": "B"}, "version": 1},
    ),
    "POST /v1/admin/products/{product_id}/media/{media_id}/completion": Case(
        "POST", "/v1/admin/products/{product}/media/{media}/completion", (PRINCIPAL, BATCH_GET, WRITE)
    ),
    "DELETE /v1/admin/products/{product_id}/media/{media_id}": Case(
        "DELETE",
        "/v1/admin/products/{product}/media/{media}",
        (PRINCIPAL, BATCH_GET, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    # public
    "GET /v1/health": Case("GET", "/v1/health", (), token="none"),
    "GET /v1/health/ready": Case("GET", "/v1/health/ready", (GET,), token="none"),
    "GET /v1/public/websites/by-host/{hostname}": Case(
        "GET", "/v1/public/websites/by-host/other-0.acme.de", (GET, GET, BATCH_GET), token="none"
    ),
    # platform
    "POST /v1/platform/tenants": Case(
        "POST",
        "/v1/platform/tenants",
        (PRINCIPAL, WRITE),
        lambda _: tenant_body("nordic"),
        token="operator",
        status=201,
    ),
    "POST /v1/platform/tenants + Idempotency-Key": Case(
        "POST",
        "/v1/platform/tenants",
        (PRINCIPAL, GET, WRITE),
        lambda _: tenant_body("nordic"),
        (("Idempotency-Key", "t-1"),),
        token="operator",
        status=201,
    ),
    "GET /v1/platform/tenants": Case("GET", "/v1/platform/tenants", (PRINCIPAL, QUERY), token="operator"),
    "GET /v1/platform/tenants/{tenant_id}": Case(
        "GET", "/v1/platform/tenants/acme", (PRINCIPAL, GET), token="operator"
    ),
    "PATCH /v1/platform/tenants/{tenant_id}": Case(
        "PATCH",
        "/v1/platform/tenants/acme",
        (PRINCIPAL, GET, WRITE),
        lambda _: {"status": "suspended", "version": 1},
        token="operator",
    ),
    # the caller's tenant
    "GET /v1/admin/tenant": Case("GET", "/v1/admin/tenant", (PRINCIPAL, GET)),
    "PATCH /v1/admin/tenant": Case(
        "PATCH", "/v1/admin/tenant", (PRINCIPAL, GET, WRITE), lambda _: {"name": "Acme Group", "version": 1}
    ),
    # organizations
    "POST /v1/admin/organizations": Case(
        "POST", "/v1/admin/organizations", (PRINCIPAL, WRITE), lambda _: organization_body(), status=201
    ),
    "POST /v1/admin/organizations + Idempotency-Key": Case(
        "POST",
        "/v1/admin/organizations",
        (PRINCIPAL, GET, WRITE),
        lambda _: organization_body(),
        (("Idempotency-Key", "o-1"),),
        status=201,
    ),
    "POST /v1/admin/organizations, replayed": Case(
        "POST",
        "/v1/admin/organizations",
        (PRINCIPAL, GET),
        lambda _: organization_body(),
        (("Idempotency-Key", "o-1"),),
        status=201,
        replay=True,
    ),
    "GET /v1/admin/organizations": Case("GET", "/v1/admin/organizations", (PRINCIPAL, QUERY)),
    "GET /v1/admin/organizations/{organization_id}": Case(
        "GET", "/v1/admin/organizations/{organization}", (PRINCIPAL, GET)
    ),
    "PATCH /v1/admin/organizations/{organization_id}": Case(
        "PATCH",
        "/v1/admin/organizations/{organization}",
        (PRINCIPAL, GET, WRITE),
        lambda _: {"name": "Renamed", "version": 1},
    ),
    "DELETE /v1/admin/organizations/{organization_id}": Case(
        "DELETE",
        "/v1/admin/organizations/{spare}",
        (PRINCIPAL, GET, QUERY, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    # websites
    "POST /v1/admin/websites": Case(
        "POST",
        "/v1/admin/websites",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda ids: website_body(ids["organization"], hostnames=["new.acme.de"]),
        status=201,
    ),
    "POST /v1/admin/websites + Idempotency-Key": Case(
        "POST",
        "/v1/admin/websites",
        (PRINCIPAL, GET, BATCH_GET, WRITE),
        lambda ids: website_body(ids["organization"], hostnames=["new.acme.de"]),
        (("Idempotency-Key", "w-1"),),
        status=201,
    ),
    "GET /v1/admin/websites": Case("GET", "/v1/admin/websites", (PRINCIPAL, QUERY)),
    "GET /v1/admin/websites?organization_id=": Case(
        "GET", "/v1/admin/websites?organization_id={organization}", (PRINCIPAL, QUERY)
    ),
    "GET /v1/admin/websites?organization_id=&limit=1 (skipping 5 of another)": Case(
        "GET", "/v1/admin/websites?organization_id={organization}&limit=1", (PRINCIPAL, QUERY)
    ),
    "GET /v1/admin/websites/{website_id}": Case("GET", "/v1/admin/websites/{website}", (PRINCIPAL, GET)),
    "PATCH /v1/admin/websites/{website_id}": Case(
        "PATCH",
        "/v1/admin/websites/{website}",
        (PRINCIPAL, GET, BATCH_GET, WRITE),
        lambda _: {"hostnames": ["www.acme.de"], "version": 1},
    ),
    "DELETE /v1/admin/websites/{website_id}": Case(
        "DELETE",
        "/v1/admin/websites/{website}",
        (PRINCIPAL, GET, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    "GET /v1/admin/websites/{website_id}/effective-settings": Case(
        "GET", "/v1/admin/websites/{website}/effective-settings", (PRINCIPAL, GET, BATCH_GET)
    ),
    "GET /v1/admin/websites/{website_id}/hostnames": Case(
        "GET", "/v1/admin/websites/{website}/hostnames", (PRINCIPAL, BATCH_GET)
    ),
    # the DNS look-up is no DynamoDB round trip (the records file stands in for DNS here)
    "POST /v1/admin/websites/{website_id}/hostnames/{hostname}/verification": Case(
        "POST",
        "/v1/admin/websites/{website}/hostnames/shop.acme.de/verification",
        (PRINCIPAL, BATCH_GET, WRITE),
    ),
    "PATCH /v1/admin/websites/{website_id} (offering root categories)": Case(
        "PATCH",
        "/v1/admin/websites/{website}",
        (PRINCIPAL, GET, BATCH_GET, BATCH_GET, WRITE),
        lambda ids: {"category_root_ids": [ids["root"], ids["other_root"]], "version": 1},
    ),
    # categories: the whole tree is one Query; a structure change reads it, a rename the category only
    "POST /v1/admin/organizations/{organization_id}/categories": Case(
        "POST",
        "/v1/admin/organizations/{organization}/categories",
        (PRINCIPAL, QUERY, WRITE),
        lambda ids: {"name": {"en": "Bits"}, "slug": {"en": "bits"}, "parent_id": ids["category"]},
        status=201,
    ),
    "GET /v1/admin/organizations/{organization_id}/categories": Case(
        "GET", "/v1/admin/organizations/{organization}/categories", (PRINCIPAL, QUERY)
    ),
    "GET /v1/admin/organizations/{organization_id}/categories/{category_id}": Case(
        "GET", "/v1/admin/organizations/{organization}/categories/{category}", (PRINCIPAL, GET)
    ),
    "PATCH /v1/admin/organizations/{organization_id}/categories/{category_id}": Case(
        "PATCH",
        "/v1/admin/organizations/{organization}/categories/{category}",
        (PRINCIPAL, GET, WRITE),
        lambda _: {"name": {"en": "Drills and drivers"}, "position": 2, "version": 1},
    ),
    "PATCH /v1/admin/organizations/{organization_id}/categories/{category_id} (move)": Case(
        "PATCH",
        "/v1/admin/organizations/{organization}/categories/{category}",
        (PRINCIPAL, QUERY, WRITE),
        lambda ids: {"parent_id": ids["other_root"], "version": 1},
    ),
    "DELETE /v1/admin/organizations/{organization_id}/categories/{category_id}": Case(
        "DELETE",
        "/v1/admin/organizations/{organization}/categories/{spare_category}",
        (PRINCIPAL, QUERY, QUERY, QUERY, WRITE),  # the tree, its products, its units' rules
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    "422 (category moved under a descendant)": Case(
        "PATCH",
        "/v1/admin/organizations/{organization}/categories/{root}",
        (PRINCIPAL, QUERY),
        lambda ids: {"parent_id": ids["category"], "version": 1},
        status=422,
    ),
    # customer groups
    "POST /v1/admin/customer-groups": Case(
        "POST", "/v1/admin/customer-groups", (PRINCIPAL, WRITE), lambda _: {"name": "Standard"}, status=201
    ),
    "GET /v1/admin/customer-groups": Case("GET", "/v1/admin/customer-groups", (PRINCIPAL, QUERY)),
    "GET /v1/admin/customer-groups/{group_id}": Case(
        "GET", "/v1/admin/customer-groups/{group}", (PRINCIPAL, GET)
    ),
    "PATCH /v1/admin/customer-groups/{group_id}": Case(
        "PATCH",
        "/v1/admin/customer-groups/{group}",
        (PRINCIPAL, GET, WRITE),
        lambda _: {"name": "Renamed", "version": 1},
    ),
    "DELETE /v1/admin/customer-groups/{group_id}": Case(
        "DELETE",
        "/v1/admin/customer-groups/{spare_group}",
        (PRINCIPAL, GET, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    # customers and their units
    "POST /v1/admin/customers": Case(
        "POST",
        "/v1/admin/customers",
        (PRINCIPAL, WRITE),
        lambda ids: customer_body(customer_group_id=ids["group"]),
        status=201,
    ),
    "POST /v1/admin/customers + Idempotency-Key": Case(
        "POST",
        "/v1/admin/customers",
        (PRINCIPAL, GET, WRITE),
        lambda _: customer_body(),
        (("Idempotency-Key", "c-1"),),
        status=201,
    ),
    "GET /v1/admin/customers": Case("GET", "/v1/admin/customers", (PRINCIPAL, QUERY)),
    "GET /v1/admin/customers/{customer_id}": Case("GET", "/v1/admin/customers/{customer}", (PRINCIPAL, GET)),
    "PATCH /v1/admin/customers/{customer_id}": Case(
        "PATCH",
        "/v1/admin/customers/{customer}",
        (PRINCIPAL, GET, WRITE),
        lambda _: {"name": "Renamed", "version": 1},
    ),
    "DELETE /v1/admin/customers/{customer_id}": Case(
        "DELETE",
        "/v1/admin/customers/{spare_customer}",
        (PRINCIPAL, QUERY, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    "POST /v1/admin/customers/{customer_id}/units": Case(
        "POST",
        "/v1/admin/customers/{customer}/units",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda ids: unit_body(ids["plant"], name="Line 1", kind="team", customer_group_id=ids["group"]),
        status=201,
    ),
    "GET /v1/admin/customers/{customer_id}/units": Case(
        "GET", "/v1/admin/customers/{customer}/units", (PRINCIPAL, QUERY)
    ),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}": Case(
        "GET", "/v1/admin/customers/{customer}/units/{plant}", (PRINCIPAL, GET)
    ),
    "PATCH /v1/admin/customers/{customer_id}/units/{unit_id}": Case(
        "PATCH",
        "/v1/admin/customers/{customer}/units/{plant}",
        (PRINCIPAL, GET, WRITE),
        lambda ids: {"name": "Usine de Lyon", "customer_group_id": ids["spare_group"], "version": 1},
    ),
    "PATCH /v1/admin/customers/{customer_id}/units/{unit_id} (move)": Case(
        "PATCH",
        "/v1/admin/customers/{customer}/units/{plant}",
        (PRINCIPAL, QUERY, WRITE),
        lambda ids: {"parent_id": ids["customer"], "version": 1},
    ),
    "DELETE /v1/admin/customers/{customer_id}/units/{unit_id}": Case(
        "DELETE",
        "/v1/admin/customers/{customer}/units/{plant}",
        (PRINCIPAL, QUERY, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}/effective": Case(
        "GET", "/v1/admin/customers/{customer}/units/{plant}/effective", (PRINCIPAL, QUERY)
    ),
    # customer users (a company load checks units and roles; users are keyed by email, ids point there)
    "POST /v1/admin/customers/{customer_id}/users": Case(
        "POST",
        "/v1/admin/customers/{customer}/users",
        (PRINCIPAL, QUERY, WRITE),
        lambda ids: {"email": "new@globex.example", "name": "New", "unit_id": ids["plant"]},
        status=201,
    ),
    "GET /v1/admin/customers/{customer_id}/users": Case(
        "GET", "/v1/admin/customers/{customer}/users", (PRINCIPAL, QUERY, QUERY)
    ),
    "GET /v1/admin/customers/{customer_id}/users/{user_id}": Case(
        "GET", "/v1/admin/customers/{customer}/users/{user}", (PRINCIPAL, GET, GET)
    ),
    "PATCH /v1/admin/customers/{customer_id}/users/{user_id}": Case(
        "PATCH",
        "/v1/admin/customers/{customer}/users/{user}",
        (PRINCIPAL, GET, GET, QUERY, WRITE),
        lambda _: {"name": "Max Manager", "version": 1},
    ),
    "DELETE /v1/admin/customers/{customer_id}/users/{user_id}": Case(
        "DELETE",
        "/v1/admin/customers/{customer}/users/{user}",
        (PRINCIPAL, GET, GET, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    # storefront (counted on the second request: the first sign-in binds the account with a write)
    "GET /v1/store/me": Case("GET", "/v1/store/me", (PRINCIPAL, QUERY), token="customer", replay=True),
    "GET /v1/store/company/users": Case(
        "GET", "/v1/store/company/users", (PRINCIPAL, QUERY, QUERY), token="customer", replay=True
    ),
    "GET /v1/store/company/roles": Case(
        "GET", "/v1/store/company/roles", (PRINCIPAL, QUERY), token="company admin"
    ),
    "POST /v1/store/company/roles": Case(
        "POST",
        "/v1/store/company/roles",
        (PRINCIPAL, QUERY, WRITE),
        lambda _: {"name": "Requester", "grants": {"catalog.view": "unit"}},
        token="company admin",
        status=201,
    ),
    "POST /v1/store/company/units": Case(
        "POST",
        "/v1/store/company/units",
        (PRINCIPAL, QUERY, WRITE),
        lambda ids: {"name": "Team", "kind": "team", "parent_id": ids["plant"]},
        token="company admin",
        status=201,
    ),
    "POST /v1/store/company/users": Case(
        "POST",
        "/v1/store/company/users",
        (PRINCIPAL, QUERY, WRITE),
        lambda ids: {"email": "new@globex.example", "name": "New", "unit_id": ids["plant"]},
        token="company admin",
        status=201,
    ),
    "GET /v1/store/company/units": Case(
        "GET", "/v1/store/company/units", (PRINCIPAL, QUERY), token="company admin"
    ),
    "GET /v1/store/company/units/{unit_id}": Case(
        "GET", "/v1/store/company/units/{plant}", (PRINCIPAL, QUERY), token="company admin"
    ),
    "PATCH /v1/store/company/units/{unit_id}": Case(
        "PATCH",
        "/v1/store/company/units/{plant}",
        (PRINCIPAL, QUERY, WRITE),
        lambda _: {"name": "Usine de Lyon", "version": 1},
        token="company admin",
    ),
    "PATCH /v1/store/company/units/{unit_id} (move)": Case(
        "PATCH",
        "/v1/store/company/units/{plant}",
        (PRINCIPAL, QUERY, WRITE),
        lambda ids: {"parent_id": ids["customer"], "version": 1},
        token="company admin",
    ),
    "DELETE /v1/store/company/units/{unit_id}": Case(
        "DELETE",
        "/v1/store/company/units/{plant}",
        (PRINCIPAL, QUERY, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        token="company admin",
        status=204,
    ),
    "GET /v1/store/company/units/{unit_id}/addresses": Case(
        "GET", "/v1/store/company/units/{plant}/addresses", (PRINCIPAL, QUERY), token="company admin"
    ),
    "PUT /v1/store/company/units/{unit_id}/addresses": Case(
        "PUT",
        "/v1/store/company/units/{plant}/addresses",
        (PRINCIPAL, QUERY, WRITE),
        lambda _: {"addresses": [address_body()], "version": 1},
        token="company admin",
    ),
    "GET /v1/store/company/users/{user_id}": Case(
        "GET", "/v1/store/company/users/{user}", (PRINCIPAL, QUERY, GET, GET), token="company admin"
    ),
    "PATCH /v1/store/company/users/{user_id}": Case(
        "PATCH",
        "/v1/store/company/users/{user}",
        (PRINCIPAL, QUERY, GET, GET, WRITE),
        lambda ids: {
            "unit_id": ids["plant"],
            "assignments": [{"role_id": "buyer", "unit_id": ids["plant"]}],
            "version": 1,
        },
        token="company admin",
    ),
    "DELETE /v1/store/company/users/{user_id}": Case(
        "DELETE",
        "/v1/store/company/users/{user}",
        (PRINCIPAL, QUERY, GET, GET, WRITE),
        headers=(("If-Match", '"1"'),),
        token="company admin",
        status=204,
    ),
    "GET /v1/store/company/roles/{role_id}": Case(
        "GET", "/v1/store/company/roles/{role}", (PRINCIPAL, QUERY), token="company admin"
    ),
    "PATCH /v1/store/company/roles/{role_id}": Case(
        "PATCH",
        "/v1/store/company/roles/{role}",
        (PRINCIPAL, QUERY, WRITE),
        lambda _: {"name": "Requisitioner", "version": 1},
        token="company admin",
    ),
    "PATCH /v1/store/company/roles/{role_id} (grants: its holders are read)": Case(
        "PATCH",
        "/v1/store/company/roles/{role}",
        (PRINCIPAL, QUERY, QUERY, WRITE),
        lambda _: {"grants": {"catalog.view": "subtree"}, "version": 1},
        token="company admin",
    ),
    "DELETE /v1/store/company/roles/{role_id}": Case(
        "DELETE",
        "/v1/store/company/roles/{role}",
        (PRINCIPAL, QUERY, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        token="company admin",
        status=204,
    ),
    "POST /v1/store/company/roles/{role_id}/copies": Case(
        "POST",
        "/v1/store/company/roles/purchasing-manager/copies",
        (PRINCIPAL, QUERY, WRITE),
        lambda _: {"name": "Purchasing lead"},
        token="company admin",
        status=201,
    ),
    # product selections (a write checks its organization, categories and groups and advances the
    # tenant's catalog generation, all in its one transaction)
    "POST /v1/admin/selections": Case(
        "POST",
        "/v1/admin/selections",
        (PRINCIPAL, WRITE),
        lambda ids: {"name": "Assortment", "organization_id": ids["organization"], "mode": "exclude"},
        status=201,
    ),
    "GET /v1/admin/selections": Case("GET", "/v1/admin/selections", (PRINCIPAL, QUERY)),
    "GET /v1/admin/selections/{selection_id}": Case(
        "GET", "/v1/admin/selections/{selection}", (PRINCIPAL, GET)
    ),
    "PATCH /v1/admin/selections/{selection_id}": Case(
        "PATCH",
        "/v1/admin/selections/{selection}",
        (PRINCIPAL, GET, WRITE),
        lambda ids: {"category_ids": [], "version": 1},
    ),
    "DELETE /v1/admin/selections/{selection_id}": Case(
        "DELETE",
        "/v1/admin/selections/{spare_selection}",
        (PRINCIPAL, GET, QUERY, QUERY, WRITE),  # its unit assignments and its products go with it
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    # a selection's own products (one BatchGetItem reads the product, its RULES item and the membership;
    # the write puts both sides) and its units (an item in the unit's company partition)
    "GET /v1/admin/selections/{selection_id}/products": Case(
        "GET", "/v1/admin/selections/{selection}/products", (PRINCIPAL, GET, QUERY)
    ),
    "PUT /v1/admin/selections/{selection_id}/products/{product_id}": Case(
        "PUT", "/v1/admin/selections/{selection}/products/{product}", (PRINCIPAL, GET, BATCH_GET, WRITE)
    ),
    "DELETE /v1/admin/selections/{selection_id}/products/{product_id}": Case(
        "DELETE",
        "/v1/admin/selections/{selection}/products/{product}",
        (PRINCIPAL, GET, BATCH_GET),  # not listed: nothing to write
        status=204,
    ),
    "PUT /v1/admin/selections/{selection_id}/units/{customer_id}/{unit_id}": Case(
        "PUT", "/v1/admin/selections/{selection}/units/{customer}/{plant}", (PRINCIPAL, GET, GET, WRITE)
    ),
    "DELETE /v1/admin/selections/{selection_id}/units/{customer_id}/{unit_id}": Case(
        "DELETE",
        "/v1/admin/selections/{selection}/units/{customer}/{plant}",
        (PRINCIPAL, GET, GET),  # not assigned: nothing to write
        status=204,
    ),
    # visibility rules: a change reads the subject and its unit rules, writes its one rule and answers
    # all the rules from what it read (nothing read after the commit: no 503 for a change made); the
    # explanation reads the product, its RULES item and the website at once,
    # then the company's partition, the category tree and the selections
    "GET /v1/admin/products/{product_id}/visibility": Case(
        "GET", "/v1/admin/products/{product}/visibility", (PRINCIPAL, BATCH_GET, QUERY)
    ),
    "PUT /v1/admin/products/{product_id}/visibility": Case(
        "PUT",
        "/v1/admin/products/{product}/visibility",
        (PRINCIPAL, BATCH_GET, QUERY, WRITE),
        lambda ids: {"website_id": ids["website"], "level": "all", "visibility": "hidden"},
    ),
    "GET /v1/admin/products/{product_id}/visibility/explanation": Case(
        "GET",
        "/v1/admin/products/{product}/visibility/explanation"
        "?website_id={website}&customer_id={customer}&unit_id={plant}",
        (PRINCIPAL, QUERY, BATCH_GET, QUERY, QUERY, QUERY),
        token="sales rep",
        replay=True,
    ),
    "GET /v1/admin/organizations/{organization_id}/categories/{category_id}/visibility": Case(
        "GET",
        "/v1/admin/organizations/{organization}/categories/{category}/visibility",
        (PRINCIPAL, GET, QUERY),
    ),
    "PUT /v1/admin/organizations/{organization_id}/categories/{category_id}/visibility": Case(
        "PUT",
        "/v1/admin/organizations/{organization}/categories/{category}/visibility",
        (PRINCIPAL, BATCH_GET, QUERY, WRITE),
        lambda ids: {"website_id": ids["website"], "level": "all", "visibility": "hidden"},
    ),
    # catalog attributes
    "POST /v1/admin/attributes": Case(
        "POST", "/v1/admin/attributes", (PRINCIPAL, WRITE), lambda _: attribute_body("size"), status=201
    ),
    "GET /v1/admin/attributes": Case("GET", "/v1/admin/attributes", (PRINCIPAL, QUERY)),
    "GET /v1/admin/attributes/{attribute_code}": Case(
        "GET", "/v1/admin/attributes/{attribute}", (PRINCIPAL, GET)
    ),
    "PATCH /v1/admin/attributes/{attribute_code}": Case(
        "PATCH",
        "/v1/admin/attributes/{attribute}",
        (PRINCIPAL, GET, WRITE),
        lambda _: {"label": {"en": "Colour", "de": "Farbe"}, "version": 1},
    ),
    "DELETE /v1/admin/attributes/{attribute_code}": Case(
        "DELETE",
        "/v1/admin/attributes/{spare_attribute}",
        (PRINCIPAL, GET, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    # products: the organization, the attributes used and a variant's parent in one BatchGetItem
    "POST /v1/admin/products": Case(
        "POST",
        "/v1/admin/products",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda ids: product_body(
            ids["organization"],
            sku="NEW-1",
            primary_category_id=ids["category"],
            attributes={"colour": "blue"},
        ),
        status=201,
    ),
    "POST /v1/admin/products (a variant)": Case(
        "POST",
        "/v1/admin/products",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda ids: product_body(
            ids["organization"], sku="TS-BLUE", parent_id=ids["parent"], attributes={"colour": "blue"}
        ),
        status=201,
    ),
    "GET /v1/admin/products": Case(
        "GET", "/v1/admin/products?organization_id={organization}", (PRINCIPAL, QUERY)
    ),
    "GET /v1/admin/products/{product_id}": Case("GET", "/v1/admin/products/{product}", (PRINCIPAL, GET)),
    "GET /v1/admin/products/{product_id} (configurable: its variants)": Case(
        "GET", "/v1/admin/products/{parent}", (PRINCIPAL, GET, QUERY)
    ),
    "PATCH /v1/admin/products/{product_id}": Case(
        "PATCH",
        "/v1/admin/products/{product}",
        (PRINCIPAL, GET, BATCH_GET, WRITE),
        lambda _: {"sku": "HB-M8x45", "name": {"en": "Hex bolt M8 x 45"}, "version": 1},
    ),
    "DELETE /v1/admin/products/{product_id}": Case(
        "DELETE",
        "/v1/admin/products/{spare_product}",
        (PRINCIPAL, BATCH_GET, QUERY, WRITE),  # the product and its RULES item; its unit rules
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    "DELETE /v1/admin/products/{product_id} (a variant: its parent names the combination)": Case(
        "DELETE",
        "/v1/admin/products/{variant}",
        (PRINCIPAL, BATCH_GET, GET, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    "409 (duplicate SKU)": Case(
        "POST",
        "/v1/admin/products",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda ids: product_body(ids["organization"], sku="spare"),
        status=409,
    ),
    "422 (attribute value of the wrong type)": Case(
        "POST",
        "/v1/admin/products",
        (PRINCIPAL, BATCH_GET),
        lambda ids: product_body(ids["organization"], sku="NEW-2", attributes={"colour": True}),
        status=422,
    ),
    "422 (unit conversion of zero)": Case(
        "POST",
        "/v1/admin/products",
        (PRINCIPAL,),
        lambda ids: product_body(
            ids["organization"],
            sku="NEW-3",
            units=[
                {"code": "each", "label": {"en": "each"}},
                {"code": "box", "label": {"en": "box"}, "conversion_factor": "0"},
            ],
        ),
        status=422,
    ),
    "422 (unknown category)": Case(
        "POST",
        "/v1/admin/products",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda ids: product_body(
            ids["organization"], sku="NEW-4", primary_category_id="cat_01JD0000000000000000000000"
        ),
        status=422,
    ),
    # the storefront catalog, warm (the first request fills the shop's cache: no round trip for the
    # website, its category tree and selections while the catalog generation stays); a buyer's unit
    # rules and selections came with the principal's company Query; the tree reads the organization's
    # product counts per category fresh (one Query)
    "GET /v1/store/catalog/categories": Case(
        "GET",
        "/v1/store/catalog/categories",
        (PRINCIPAL, QUERY, QUERY),
        headers=SHOP,
        token="customer",
        replay=True,
    ),
    "GET /v1/store/catalog/categories/{category_id}/products": Case(
        "GET",
        "/v1/store/catalog/categories/{category}/products?sort=newest",
        (PRINCIPAL, QUERY, QUERY, BATCH_GET, BATCH_GET),  # the shown products' price sheets
        headers=SHOP,
        token="customer",
        replay=True,
    ),
    "GET /v1/store/catalog/products/{product_id}": Case(
        "GET",
        "/v1/store/catalog/products/{product}",
        (PRINCIPAL, QUERY, QUERY),
        headers=SHOP,
        token="customer",
        replay=True,
    ),
    "GET /v1/store/catalog/products/{product_id} (in no offered category: 404)": Case(
        "GET",
        "/v1/store/catalog/products/{parent}",
        (PRINCIPAL, QUERY, QUERY),
        headers=SHOP,
        token="customer",
        replay=True,
        status=404,  # the T-shirt is in no category the website offers
    ),
    "POST /v1/store/catalog/sku-lookup": Case(
        "POST",
        "/v1/store/catalog/sku-lookup",
        (PRINCIPAL, QUERY, BATCH_GET, BATCH_GET, BATCH_GET),
        lambda _: {"skus": ["HB-M8x40", "NOPE"]},
        headers=SHOP,
        token="customer",
        replay=True,
    ),
    "GET /v1/store/catalog/search": Case(
        "GET",
        "/v1/store/catalog/search?q=hex",
        (PRINCIPAL, QUERY, QUERY, BATCH_GET, BATCH_GET, BATCH_GET),  # TS-RED matches: its parent; sheets
        headers=SHOP,
        token="customer",
        replay=True,
    ),
    "GET /v1/public/catalog/categories": Case(
        "GET", "/v1/public/catalog/categories", (QUERY,), headers=SHOP, token="none", replay=True
    ),
    "GET /v1/public/catalog/categories/{category_id}/products": Case(
        "GET",
        "/v1/public/catalog/categories/{category}/products",
        (QUERY, BATCH_GET, BATCH_GET),
        headers=SHOP,
        token="none",
        replay=True,
    ),
    "GET /v1/public/catalog/products/{product_id}": Case(
        "GET", "/v1/public/catalog/products/{product}", (QUERY,), headers=SHOP, token="none", replay=True
    ),
    "POST /v1/public/catalog/sku-lookup": Case(
        "POST",
        "/v1/public/catalog/sku-lookup",
        (BATCH_GET, BATCH_GET, BATCH_GET),
        lambda _: {"skus": ["HB-M8x40"]},
        headers=SHOP,
        token="none",
        replay=True,
    ),
    "GET /v1/public/catalog/search": Case(
        "GET",
        "/v1/public/catalog/search?q=hex",
        (QUERY, BATCH_GET, BATCH_GET, BATCH_GET),
        headers=SHOP,
        token="none",
        replay=True,
    ),
    "GET /v1/store/catalog/categories (cold: the shop read)": Case(
        "GET",
        "/v1/store/catalog/categories",
        (PRINCIPAL, QUERY, GET, BATCH_GET, QUERY, GET, QUERY, QUERY),
        headers=SHOP,
        token="company admin",
    ),
    # the buyer's prices of lines: the SKU items, the products and their rules, the sheets (warm: the
    # chain's pricing partition and lists are cached while the pricing generation stays)
    "POST /v1/store/prices/resolve": Case(
        "POST",
        "/v1/store/prices/resolve",
        (PRINCIPAL, QUERY, BATCH_GET, BATCH_GET, BATCH_GET),
        lambda _: {
            "lines": [
                {"sku": "HB-M8x40", "unit": "each", "quantity": "3"},
                {"sku": "NOPE", "unit": "each", "quantity": "1"},
            ]
        },
        headers=SHOP,
        token="customer",
        replay=True,
    ),
    "POST /v1/public/prices/resolve": Case(
        "POST",
        "/v1/public/prices/resolve",
        (BATCH_GET, BATCH_GET, BATCH_GET),
        lambda _: {"lines": [{"sku": "HB-M8x40", "unit": "each", "quantity": "3"}]},
        headers=SHOP,
        token="none",
        replay=True,
    ),
    # why a unit gets its price: the product, its sheet, the website and the tenant; the website's
    # organization; the company; the tenant's pricing partition and lists (read fresh)
    "GET /v1/admin/prices/explain": Case(
        "GET",
        "/v1/admin/prices/explain?customer={customer}&unit={plant}&product={product}&website={website}"
        "&product_unit=each&quantity=2",
        (PRINCIPAL, BATCH_GET, GET, QUERY, QUERY, QUERY),
    ),
    # audit
    "GET /v1/admin/audit": Case("GET", "/v1/admin/audit", (PRINCIPAL, QUERY)),
    "GET /v1/admin/audit?entity_type=&actor=": Case(
        "GET", "/v1/admin/audit?entity_type=organization&actor=staff:admin@acme.example", (PRINCIPAL, QUERY)
    ),
    # refusals
    "401 (no token)": Case("GET", "/v1/admin/organizations", (), token="none", status=401),
    "403 (operator on a tenant route)": Case(
        "GET", "/v1/admin/organizations", (PRINCIPAL,), token="operator", status=403
    ),
    "404 (unknown website)": Case(
        "GET", "/v1/admin/websites/web_01J00000000000000000000000", (PRINCIPAL, GET), status=404
    ),
    "409 (hostname taken)": Case(
        "POST",
        "/v1/admin/websites",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda ids: website_body(ids["organization"], hostnames=["other-0.acme.de"]),
        status=409,
    ),
    "412 (stale version)": Case(
        "PATCH",
        "/v1/admin/organizations/{organization}",
        (PRINCIPAL, GET),
        lambda _: {"version": 9},
        status=412,
    ),
    "409 (customer group still in use)": Case(
        "DELETE",
        "/v1/admin/customer-groups/{group}",
        (PRINCIPAL, GET, QUERY),
        headers=(("If-Match", '"1"'),),
        status=409,
    ),
    "409 (unit with sub-units)": Case(
        "DELETE",
        "/v1/admin/customers/{customer}/units/{division}",
        (PRINCIPAL, QUERY, QUERY),
        headers=(("If-Match", '"1"'),),
        status=409,
    ),
    "422 (move under a descendant)": Case(
        "PATCH",
        "/v1/admin/customers/{customer}/units/{division}",
        (PRINCIPAL, QUERY),
        lambda ids: {"parent_id": ids["plant"], "version": 1},
        status=422,
    ),
    "422 (invalid body)": Case(
        "POST", "/v1/admin/organizations", (PRINCIPAL,), lambda _: {"name": ""}, status=422
    ),
    # price lists (a write checks its organization in its one transaction)
    "POST /v1/admin/price-lists": Case(
        "POST",
        "/v1/admin/price-lists",
        (PRINCIPAL, WRITE),
        lambda ids: {"name": "Contract", "organization_id": ids["organization"], "currencies": ["EUR"]},
        status=201,
    ),
    "GET /v1/admin/price-lists": Case("GET", "/v1/admin/price-lists", (PRINCIPAL, QUERY)),
    "GET /v1/admin/price-lists/{price_list_id}": Case(
        "GET", "/v1/admin/price-lists/{price_list}", (PRINCIPAL, GET)
    ),
    "PATCH /v1/admin/price-lists/{price_list_id}": Case(
        "PATCH",
        "/v1/admin/price-lists/{price_list}",
        (PRINCIPAL, GET, WRITE),
        lambda _: {"active": False, "version": 1},
    ),
    "DELETE /v1/admin/price-lists/{price_list_id}": Case(
        "DELETE",
        "/v1/admin/price-lists/{spare_price_list}",
        # the Query: does it still price anything? then the tenant's pricing generation and its lists:
        # is a rule based on it?
        (PRINCIPAL, GET, QUERY, GET, QUERY, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    # prices: the list, the products named (by id: one BatchGetItem; by SKU one more before it), the
    # sheets' entries of this list, then a transaction per 48 changed products
    "PUT /v1/admin/price-lists/{price_list_id}/prices": Case(
        "PUT",
        "/v1/admin/price-lists/{price_list}/prices",
        (PRINCIPAL, GET, BATCH_GET, BATCH_GET, WRITE),
        lambda ids: {"rows": [price_row(ids, value="2.00")]},
    ),
    "POST /v1/admin/price-lists/{price_list_id}/prices/delete": Case(
        "POST",
        "/v1/admin/price-lists/{price_list}/prices/delete",
        (PRINCIPAL, GET, BATCH_GET, BATCH_GET, WRITE),
        lambda ids: {"rows": [price_row(ids)]},
    ),
    "GET /v1/admin/price-lists/{price_list_id}/prices": Case(
        "GET", "/v1/admin/price-lists/{price_list}/prices", (PRINCIPAL, GET, QUERY)
    ),
    # assignments: the level's owner, the lists named (one BatchGetItem), for a group or a unit the
    # tenant's websites (their currencies), then the one transaction
    "GET /v1/admin/websites/{website_id}/price-lists": Case(
        "GET", "/v1/admin/websites/{website}/price-lists", (PRINCIPAL, GET, GET)
    ),
    "PUT /v1/admin/websites/{website_id}/price-lists": Case(
        "PUT", "/v1/admin/websites/{website}/price-lists", (PRINCIPAL, GET, BATCH_GET, GET, WRITE), assigned
    ),
    "GET /v1/admin/customer-groups/{group_id}/price-lists": Case(
        "GET", "/v1/admin/customer-groups/{group}/price-lists", (PRINCIPAL, GET, GET)
    ),
    "PUT /v1/admin/customer-groups/{group_id}/price-lists": Case(
        "PUT",
        "/v1/admin/customer-groups/{group}/price-lists",
        (PRINCIPAL, GET, BATCH_GET, QUERY, GET, WRITE),
        assigned,
    ),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}/price-lists": Case(
        "GET", "/v1/admin/customers/{customer}/units/{plant}/price-lists", (PRINCIPAL, BATCH_GET)
    ),
    # the tenant's exchange rates: one item, put whole with the pricing generation's count
    "GET /v1/admin/exchange-rates": Case("GET", "/v1/admin/exchange-rates", (PRINCIPAL, GET)),
    "PUT /v1/admin/exchange-rates": Case(
        "PUT",
        "/v1/admin/exchange-rates",
        (PRINCIPAL, GET, WRITE),
        lambda _: {"rates": [{"from_currency": "EUR", "to_currency": "GBP", "rate": "0.86"}]},
    ),
    "PUT /v1/admin/customers/{customer_id}/units/{unit_id}/price-lists": Case(
        "PUT",
        "/v1/admin/customers/{customer}/units/{plant}/price-lists",
        (PRINCIPAL, BATCH_GET, BATCH_GET, QUERY, WRITE),
        assigned,
    ),
    # shopping lists, on the shop (warm): a list is one Query of its partition (header and chunks); the
    # products of the lines read or checked are one BatchGetItem (by SKU: the SKU items' one first); a
    # change is one transaction, committed after its answer is read (so a read that fails answers 503
    # only for a change not made): the caller's default list (GetItem) and the products of the first
    # page of lines (BatchGetItem); the page's lines (and a quick order's valid rows) are priced in one
    # pass: their products' price sheets, one BatchGetItem more (the chain costs nothing warm)
    "POST /v1/store/shopping-lists": Case(
        "POST",
        "/v1/store/shopping-lists",
        (PRINCIPAL, QUERY, GET, WRITE),
        lambda _: {"name": "New"},
        headers=SHOP,
        token="customer",
        status=201,
    ),
    "GET /v1/store/shopping-lists": Case(
        "GET",
        "/v1/store/shopping-lists",
        (PRINCIPAL, QUERY, QUERY, GET),
        headers=SHOP,
        token="customer",
    ),
    "GET /v1/store/shopping-lists/{shopping_list_id}": Case(
        "GET",
        "/v1/store/shopping-lists/{list}",
        (PRINCIPAL, QUERY, QUERY, GET, BATCH_GET, BATCH_GET),
        headers=SHOP,
        token="customer",
    ),
    "PATCH /v1/store/shopping-lists/{shopping_list_id}": Case(
        "PATCH",
        "/v1/store/shopping-lists/{list}",
        (PRINCIPAL, QUERY, QUERY, GET, WRITE),
        lambda _: {"name": "Renamed", "version": 2},
        headers=SHOP,
        token="customer",
    ),
    "DELETE /v1/store/shopping-lists/{shopping_list_id}": Case(
        "DELETE",
        "/v1/store/shopping-lists/{spare_list}",
        (PRINCIPAL, QUERY, QUERY, GET, WRITE),
        token="customer",
        status=204,
        headers=SHOP + (("If-Match", '"1"'),),
    ),
    "POST /v1/store/shopping-lists/{shopping_list_id}/default": Case(
        "POST",
        "/v1/store/shopping-lists/{spare_list}/default",
        (PRINCIPAL, QUERY, QUERY, GET, WRITE),
        headers=SHOP,
        token="customer",
    ),
    "POST /v1/store/shopping-lists/{shopping_list_id}/copies": Case(
        "POST",
        "/v1/store/shopping-lists/{list}/copies",
        (PRINCIPAL, QUERY, QUERY, GET, BATCH_GET, BATCH_GET, WRITE),
        lambda _: {},
        headers=SHOP,
        token="customer",
        status=201,
    ),
    "POST /v1/store/shopping-lists/{shopping_list_id}/merge": Case(
        "POST",
        "/v1/store/shopping-lists/{spare_list}/merge",
        (PRINCIPAL, QUERY, QUERY, QUERY, GET, BATCH_GET, BATCH_GET, WRITE),
        lambda ids: {"source_list_id": ids["list"]},
        headers=SHOP,
        token="customer",
    ),
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines": Case(
        "POST",
        "/v1/store/shopping-lists/{list}/lines",
        (PRINCIPAL, QUERY, BATCH_GET, QUERY, GET, BATCH_GET, WRITE),
        lambda ids: {"lines": [{"product_id": ids["product"], "quantity": "1"}]},
        headers=SHOP,
        token="customer",
    ),
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines (by SKU)": Case(
        "POST",
        "/v1/store/shopping-lists/{list}/lines",
        (PRINCIPAL, QUERY, BATCH_GET, BATCH_GET, QUERY, GET, BATCH_GET, WRITE),
        lambda _: {"lines": [{"sku": "HB-M8x40", "quantity": "1"}]},
        headers=SHOP,
        token="customer",
    ),
    "POST /v1/store/default-shopping-list/lines": Case(
        "POST",
        "/v1/store/default-shopping-list/lines",
        (PRINCIPAL, QUERY, BATCH_GET, GET, BATCH_GET, WRITE),
        lambda ids: {"lines": [{"product_id": ids["product"], "quantity": "1"}]},
        headers=SHOP,
        token="customer",
    ),
    "PATCH /v1/store/shopping-lists/{shopping_list_id}/lines/{line_id}": Case(
        "PATCH",
        "/v1/store/shopping-lists/{list}/lines/{line}",
        (PRINCIPAL, QUERY, QUERY, BATCH_GET, GET, BATCH_GET, WRITE),
        lambda _: {"quantity": "3"},
        headers=SHOP,
        token="customer",
    ),
    "DELETE /v1/store/shopping-lists/{shopping_list_id}/lines/{line_id}": Case(
        "DELETE",
        "/v1/store/shopping-lists/{list}/lines/{line}",
        (PRINCIPAL, QUERY, QUERY, WRITE),
        headers=SHOP,
        token="customer",
        status=204,
    ),
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines/transfers": Case(
        "POST",
        "/v1/store/shopping-lists/{list}/lines/transfers",
        (PRINCIPAL, QUERY, QUERY, QUERY, GET, BATCH_GET, BATCH_GET, WRITE),
        lambda ids: {"line_ids": [ids["line"]], "target_list_id": ids["spare_list"]},
        headers=SHOP,
        token="customer",
    ),
    "POST /v1/store/shopping-lists/{shopping_list_id}/lines/quick": Case(
        "POST",
        "/v1/store/shopping-lists/{list}/lines/quick",
        (PRINCIPAL, QUERY, BATCH_GET, BATCH_GET, BATCH_GET, QUERY, GET, BATCH_GET, WRITE),
        lambda _: {"content": "HB-M8x40 1\nNOPE 1"},
        headers=SHOP,
        token="customer",
    ),
    "POST /v1/store/quick-order/parse": Case(
        "POST",
        "/v1/store/quick-order/parse",
        (PRINCIPAL, QUERY, BATCH_GET, BATCH_GET, BATCH_GET),
        lambda _: {"content": "HB-M8x40 1\nNOPE 1"},
        headers=SHOP,
        token="customer",
    ),
    # the tenant's tax configuration: one item, put whole with the tax generation's count
    "GET /v1/admin/tax/configuration": Case("GET", "/v1/admin/tax/configuration", (PRINCIPAL, GET)),
    "PUT /v1/admin/tax/configuration": Case(
        "PUT",
        "/v1/admin/tax/configuration",
        (PRINCIPAL, GET, WRITE),
        lambda _: tax_configuration_body(),
        headers=(("If-Match", "*"),),
    ),
    # the website, then the tenant and its organization in one BatchGetItem; the rules come from the
    # process's cache while the tax generation holds (the first call reads them: counted is the second)
    "POST /v1/admin/tax/preview": Case(
        "POST",
        "/v1/admin/tax/preview",
        (PRINCIPAL, GET, BATCH_GET),
        lambda ids: {
            "website_id": ids["website"],
            "currency": "EUR",
            "lines": [{"key": "a", "unit_price": "10.00", "quantity": "1"}],
            "shipping_address": {"country": "DE"},
        },
        replay=True,
    ),
    # a list replaced whole; a rule-based list's save reads the tenant's pricing generation and every
    # list of the tenant (its rules' bases and cycles) before its transaction
    "PUT /v1/admin/price-lists/{price_list_id}": Case(
        "PUT",
        "/v1/admin/price-lists/{price_list}",
        (PRINCIPAL, GET, WRITE),
        lambda _: {"name": "Base", "currencies": ["EUR"]},
        headers=(("If-Match", "*"),),
    ),
    "POST /v1/admin/price-lists as a rule-based list": Case(
        "POST",
        "/v1/admin/price-lists",
        (PRINCIPAL, GET, QUERY, WRITE),
        lambda ids: {
            "name": "Contract",
            "organization_id": ids["organization"],
            "currencies": ["EUR"],
            "kind": "rule_based",
            "rules": [{"based_on": ids["price_list"], "formula": "base.value * 0.9"}],
        },
        status=201,
    ),
}
# checkout configuration: a website's method or limits read with the website in one BatchGetItem; a
# payment term's change reads the tenant's terms (one Query: the default is one) first
SHIPPING = "/v1/admin/websites/{website_id}/shipping-methods"
METHODS = "/v1/admin/websites/{website}/shipping-methods"
ROUND_TRIPS |= {
    f"POST {SHIPPING}": Case("POST", METHODS, (PRINCIPAL, GET, WRITE), lambda _: SHIPPING_METHOD, status=201),
    f"GET {SHIPPING}": Case("GET", METHODS, (PRINCIPAL, GET, QUERY)),
    f"GET {SHIPPING}/{{shipping_method_id}}": Case("GET", METHODS + "/{method}", (PRINCIPAL, BATCH_GET)),
    f"PATCH {SHIPPING}/{{shipping_method_id}}": Case(
        "PATCH",
        METHODS + "/{method}",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda _: {"active": False, "version": 1},
    ),
    f"DELETE {SHIPPING}/{{shipping_method_id}}": Case(
        "DELETE",
        METHODS + "/{spare_method}",
        (PRINCIPAL, BATCH_GET, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    "GET /v1/admin/websites/{website_id}/order-limits": Case(
        "GET", "/v1/admin/websites/{website}/order-limits", (PRINCIPAL, BATCH_GET)
    ),
    "PUT /v1/admin/websites/{website_id}/order-limits": Case(
        "PUT",
        "/v1/admin/websites/{website}/order-limits",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda _: ORDER_LIMITS,
    ),
    "POST /v1/admin/payment-terms": Case(
        "POST",
        "/v1/admin/payment-terms",
        (PRINCIPAL, QUERY, WRITE),
        lambda _: {"code": "prepay", "name": {"en": "Prepayment"}, "kind": "prepayment"},
        status=201,
    ),
    "GET /v1/admin/payment-terms": Case("GET", "/v1/admin/payment-terms", (PRINCIPAL, QUERY)),
    "GET /v1/admin/payment-terms/{payment_term_code}": Case(
        "GET", "/v1/admin/payment-terms/{term}", (PRINCIPAL, GET)
    ),
    "PATCH /v1/admin/payment-terms/{payment_term_code}": Case(
        "PATCH",
        "/v1/admin/payment-terms/{term}",
        (PRINCIPAL, QUERY, WRITE),
        lambda _: {"is_default": True, "version": 1},
    ),
    "DELETE /v1/admin/payment-terms/{payment_term_code}": Case(
        "DELETE",
        "/v1/admin/payment-terms/{spare_term}",
        (PRINCIPAL, GET, WRITE),
        headers=(("If-Match", '"1"'),),
        status=204,
    ),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}/order-limits": Case(
        "GET", "/v1/admin/customers/{customer}/units/{plant}/order-limits", (PRINCIPAL, BATCH_GET)
    ),
    "PUT /v1/admin/customers/{customer_id}/units/{unit_id}/order-limits": Case(
        "PUT",
        "/v1/admin/customers/{customer}/units/{plant}/order-limits",
        (PRINCIPAL, BATCH_GET, WRITE),
        lambda _: ORDER_LIMITS,
    ),
    # integration keys; the ERP's requests start with the key's item and the tenant (one BatchGetItem),
    # its last use written at most once a minute (already this minute here)
    "POST /v1/admin/integrations": Case(
        "POST",
        "/v1/admin/integrations",
        (PRINCIPAL, WRITE),
        lambda _: {"name": "SAP", "scopes": ["product.upsert"]},
        status=201,
    ),
    "GET /v1/admin/integrations": Case("GET", "/v1/admin/integrations", (PRINCIPAL, QUERY)),
    "GET /v1/admin/integrations/{integration_id}": Case(
        "GET", "/v1/admin/integrations/{integration}", (PRINCIPAL, GET)
    ),
    "POST /v1/admin/integrations/{integration_id}/revocation": Case(
        "POST", "/v1/admin/integrations/{spare_integration}/revocation", (PRINCIPAL, GET, WRITE)
    ),
    "GET /v1/admin/erp/imports": Case("GET", "/v1/admin/erp/imports?status=accepted", (PRINCIPAL, QUERY)),
    # the messages' records known (BatchGetItem), the new ones written (BatchWriteItem); SQS aside
    "POST /v1/erp/messages": Case(
        "POST",
        "/v1/erp/messages",
        (BATCH_GET, BATCH_GET, "BatchWriteItem"),
        lambda ids: {
            "messages": [
                {
                    "type": "product.upsert",
                    "id": f"erp-{n}",
                    "source_seq": n,
                    "occurred_at": "2026-12-01T10:00:00Z",
                    "payload": {
                        "sku": f"ERP-{n % 3}",
                        "organization_id": ids["organization"],
                        "name": {"en": "Bolt"},
                    },
                }
                for n in range(2, 12)
            ]
        },
        token="integration",
    ),
    "GET /v1/erp/messages/{message_id}": Case(
        "GET", "/v1/erp/messages/erp-1", (BATCH_GET, GET), token="integration"
    ),
}

# orders: a list is the principal's two and one Query of the company's orders (GSI1; a unit's scope kept
# in memory), or of the tenant's (GSI3) for staff without limits, of each assigned customer's for a
# sales rep; an order is one Query of its partition (header and line pages); a transition adds the
# one transaction (header at the version read and its events); a reorder reads the shop's products
# for the order's lines, then the shopping list's own add path (which reads them again: 9 in all)
ROUND_TRIPS |= {
    "GET /v1/store/orders": Case("GET", "/v1/store/orders", (PRINCIPAL, QUERY, QUERY), token="customer"),
    "GET /v1/store/orders/{order_id}": Case(
        "GET", "/v1/store/orders/{order}", (PRINCIPAL, QUERY, QUERY), token="customer"
    ),
    "POST /v1/store/orders/{order_id}/cancel": Case(
        "POST",
        "/v1/store/orders/{order}/cancel",
        (PRINCIPAL, QUERY, QUERY, WRITE),
        lambda _: {"note": "ordered twice"},
        headers=(("If-Match", '"1"'),),
        token="customer",
    ),
    "POST /v1/store/orders/{order_id}/reorder": Case(
        "POST",
        "/v1/store/orders/{order}/reorder",
        (PRINCIPAL, QUERY, QUERY, BATCH_GET, BATCH_GET, QUERY, GET, BATCH_GET, WRITE),
        lambda ids: {"shopping_list_id": ids["list"]},
        headers=SHOP,
        token="customer",
    ),
    "GET /v1/admin/orders": Case("GET", "/v1/admin/orders", (PRINCIPAL, QUERY)),
    "GET /v1/admin/orders (sales rep)": Case(
        "GET", "/v1/admin/orders", (PRINCIPAL, QUERY, QUERY), token="sales rep", replay=True
    ),
    "GET /v1/admin/orders/{order_id}": Case("GET", "/v1/admin/orders/{order}", (PRINCIPAL, QUERY)),
    "POST /v1/admin/orders/{order_id}/transitions": Case(
        "POST",
        "/v1/admin/orders/{order}/transitions",
        (PRINCIPAL, QUERY, WRITE),
        lambda _: {"transition": "confirm"},
        headers=(("If-Match", '"1"'),),
    ),
}


# checkout and placing, on the shop (warm): a checkout is one Query of its partition; pricing it reads
# its products with their RULES items (one BatchGetItem) and their price sheets (one more), the website's
# checkout partition (one Query: shipping methods), the payment terms (one Query) and the website's tax
# settings (the tenant and organization: one BatchGetItem; the rules are cached). Placing reads the
# checkout (Query), then with the products and their RULES items in one BatchGetItem the tenant and the
# organization (tax settings, number format), the counter, the website's and the units' order limits,
# the chosen shipping method and the payment terms the unit names and the buyer accepted; then the
# price sheets and the one transaction. A sales representative's principal adds the customers
# assigned to him (Query); acting as the buyer reads the checkout (Query, which the services reuse),
# the buyer (two GetItems), their company (Query) and the tenant (GetItem). Quick-order lines read their
# SKU items (BatchGetItem) and products once, for their checks and their prices.
CHECKOUT = "/v1/store/checkouts/{checkout}"
PRICED = (QUERY, BATCH_GET, BATCH_GET, QUERY, QUERY, BATCH_GET)
AS_BUYER = (PRINCIPAL, QUERY, QUERY, GET, GET, QUERY, GET)
ON_BEHALF = "/v1/admin/checkouts/{checkout}"


def _placing(ids: dict[str, str]) -> dict[str, Any]:
    return {
        "grand_total": {"amount": ids["grand_total"], "currency": "EUR"},
        "version": int(ids["checkout_version"]),
    }


ROUND_TRIPS |= {
    "POST /v1/store/checkouts": Case(
        "POST",
        "/v1/store/checkouts",
        (PRINCIPAL, QUERY, QUERY, *PRICED[1:], WRITE),
        lambda ids: {"shopping_list_id": ids["list"]},
        headers=SHOP,
        token="customer",
        status=201,
    ),
    "GET /v1/store/checkouts/{checkout_id}": Case(
        "GET", CHECKOUT, (PRINCIPAL, QUERY, *PRICED), headers=SHOP, token="customer"
    ),
    "PATCH /v1/store/checkouts/{checkout_id}": Case(
        "PATCH",
        CHECKOUT,
        (PRINCIPAL, QUERY, *PRICED, WRITE),
        lambda ids: {"notes": "Gate 4", "version": int(ids["checkout_version"])},
        headers=SHOP,
        token="customer",
    ),
    "POST /v1/store/checkouts/{checkout_id}/order": Case(
        "POST",
        CHECKOUT + "/order",
        (PRINCIPAL, QUERY, QUERY, BATCH_GET, BATCH_GET, WRITE),
        _placing,
        headers=SHOP,
        token="customer",
        status=201,
    ),
    "POST /v1/admin/customers/{customer_id}/users/{user_id}/checkouts": Case(
        "POST",
        "/v1/admin/customers/{customer}/users/{buyer}/checkouts",
        (
            PRINCIPAL,
            QUERY,
            GET,
            GET,
            QUERY,
            GET,
            BATCH_GET,
            BATCH_GET,
            BATCH_GET,
            QUERY,
            QUERY,
            BATCH_GET,
            WRITE,
        ),
        lambda _: {"lines": [{"sku": "HB-M8x40", "quantity": "3"}]},
        headers=SHOP,
        token="sales rep",
        status=201,
    ),
    "GET /v1/admin/checkouts/{checkout_id}": Case(
        "GET", ON_BEHALF, (*AS_BUYER, *PRICED[1:]), headers=SHOP, token="sales rep"
    ),
    "PATCH /v1/admin/checkouts/{checkout_id}": Case(
        "PATCH",
        ON_BEHALF,
        (*AS_BUYER, *PRICED[1:], WRITE),
        lambda ids: {"notes": "Gate 4", "version": int(ids["checkout_version"])},
        headers=SHOP,
        token="sales rep",
    ),
    "POST /v1/admin/checkouts/{checkout_id}/order": Case(
        "POST",
        ON_BEHALF + "/order",
        (*AS_BUYER, BATCH_GET, BATCH_GET, WRITE),
        _placing,
        headers=SHOP,
        token="sales rep",
        status=201,
    ),
}

# reorder into a checkout: the order (Query), its products as the buyer sees them (with their rules)
# and their price sheets, then the checkouts' own creation path, which reads them again by their SKU
# items (as quick-order lines do), ships and taxes the cart, and writes it in one transaction: 12, the
# creation from a list's 9 and the three reads that leave out what cannot be ordered
ROUND_TRIPS |= {
    "POST /v1/store/orders/{order_id}/checkouts": Case(
        "POST",
        "/v1/store/orders/{order}/checkouts",
        (PRINCIPAL, QUERY, QUERY, BATCH_GET, BATCH_GET, BATCH_GET, *PRICED[1:], WRITE),
        lambda _: {},
        headers=SHOP,
        token="customer",
        status=201,
    ),
}


@dataclass(frozen=True)
class Prepared:
    """A case's request, ready to send in the world its path names (built by the module's fixtures)."""

    case: Case
    path: str
    token: str | None
    body: Any
    headers: dict[str, str]


def prepare(
    api: Api, world: World, operator_token: str, request: pytest.FixtureRequest, name: str
) -> Prepared:
    """Build the worlds a case needs (through the fixtures named here) and its request; the fault tier
    (tests/faults) sends the same requests."""
    case = ROUND_TRIPS[name]
    needs_customers = any(name in case.path for name in ("/customer", "{customer}"))
    # customers and staff are worlds of their own: put back first, before any step is built on them
    needs_customers = needs_customers or case.token in ("customer", "company admin")
    needs_customers = needs_customers or "/orders" in case.path or "checkouts" in case.path
    needs_staff = any(name in case.path for name in ("{staff}", "{staff_role}", "{spare_staff}"))
    needs_staff = needs_staff or case.token == "sales rep"
    ids = world.ids | (request.getfixturevalue("customers") if needs_customers or needs_staff else {})
    ids |= request.getfixturevalue("staff") if needs_staff else {}
    ids |= request.getfixturevalue("selections") if "selection}" in case.path else {}
    needs_categories = "/categories" in case.path or "root categories" in name
    ids |= request.getfixturevalue("categories") if needs_categories else {}
    ids |= (
        request.getfixturevalue("catalog") if "/products" in case.path or "/attributes" in case.path else {}
    )
    ids |= (
        request.getfixturevalue("storefront") if "/catalog/" in case.path or "/resolve" in case.path else {}
    )
    ids |= (
        request.getfixturevalue("shopping")
        if "shopping-list" in case.path or "quick-order" in case.path
        else {}
    )
    ids |= request.getfixturevalue("pricing") if "price" in case.path else {}
    ids |= request.getfixturevalue("orders") if "/orders" in case.path else {}
    needs_checkout = "/shipping-methods/" in case.path or "/payment-terms/" in case.path
    ids |= request.getfixturevalue("checkout") if needs_checkout else {}
    ids |= request.getfixturevalue("erp") if "/erp/" in case.path or "/integrations" in case.path else {}
    ids |= request.getfixturevalue("ordering") if "checkouts" in case.path else {}
    # last: its upload is no part of a world (S3), so no world may be put back after it
    ids |= request.getfixturevalue("media") if "{media}" in case.path else {}
    token = {
        "tenant": world.token,
        "operator": operator_token,
        "customer": api.token("acme", MANAGER),
        "company admin": api.token("acme", ADMINISTRATOR),
        "sales rep": api.token("acme", SALES_REP),
        "none": None,
        "integration": ids.get("integration_key"),
    }[case.token]
    body = case.body(ids) if case.body else None
    return Prepared(case, case.path.format(**ids), token, body, dict(case.headers))


@pytest.mark.parametrize("name", list(ROUND_TRIPS))
def test_round_trips_per_request(
    api: Api,
    world: World,
    operator_token: str,
    aws_calls: AwsCalls,
    request: pytest.FixtureRequest,
    name: str,
) -> None:
    # given
    prepared = prepare(api, world, operator_token, request, name)
    case, path, token, body = prepared.case, prepared.path, prepared.token, prepared.body
    if case.replay:
        api.call(case.method, path, token=token, body=body, headers=prepared.headers)
    aws_calls.clear()

    # when
    reply = api.call(case.method, path, token=token, body=body, headers=dict(case.headers))

    # then
    operations = aws_calls.of("dynamodb")
    MEASURED_ROUND_TRIPS.append((name, operations))
    assert reply.status == case.status, reply.body
    assert operations == list(case.expected)


def test_every_route_has_a_round_trip_figure() -> None:
    # given the routes (the API's own documents aside: they read no table)
    routes = {spec.name for spec in ROUTES if "meta" not in spec.tags}

    # then each has a case named after it
    assert routes - set(ROUND_TRIPS) == set()


def test_a_priced_category_page_of_50_products_for_a_buyer_with_unit_rules_costs_5_round_trips(
    api: Api,
    world: World,
    customers: dict[str, str],
    categories: dict[str, str],
    storefront: dict[str, str],
    pricing: dict[str, str],
    set_catalog_rule: Callable[..., None],
    aws_calls: AwsCalls,
) -> None:
    # given 50 more products in drills (51 there), rules of the buyer's unit for two of them (one
    # hidden, one visible), their prices in the website's list and in a list of the buyer's unit, and
    # the shop's and the pricing's caches warm
    made = [
        api.call(
            "POST",
            "/v1/admin/products",
            token=world.token,
            body=product_body(
                world.ids["organization"], sku=f"P-{n:02}", primary_category_id=categories["category"]
            ),
        )
        for n in range(50)
    ]
    assert {reply.status for reply in made} == {201}
    for product, rule in ((made[0], "hidden"), (made[1], "visible")):
        set_catalog_rule(
            world.token,
            "unit",
            customer=customers["customer"],
            unit=customers["division"],
            website=world.ids["website"],
            product=product.body["id"],
            visibility=rule,
        )
    rows = [
        price_row({"product": reply.body["id"]}, value=value, min_quantity=tier)
        for reply in made
        for tier, value in (("1", "5.00"), ("10", "4.50"))
    ]
    for list_id, some in ((pricing["price_list"], rows), (pricing["spare_price_list"], rows[::7])):
        put = api.call(
            "PUT", f"/v1/admin/price-lists/{list_id}/prices", token=world.token, body={"rows": some}
        )
        assert put.status == 200, put.body
    unit_lists = api.call(
        "PUT",
        f"/v1/admin/customers/{customers['customer']}/units/{customers['division']}/price-lists",
        token=world.token,
        body=assigned({"price_list": pricing["spare_price_list"]}),
    )
    assert unit_lists.status == 200, unit_lists.body
    manager = api.token("acme", MANAGER)
    path = f"/v1/store/catalog/categories/{categories['category']}/products?limit=50&sort=sku"
    assert api.call("GET", path, token=manager, headers=dict(SHOP)).status == 200
    aws_calls.clear()

    # when the buyer reads the page
    reply = api.call("GET", path, token=manager, headers=dict(SHOP))

    # then the unit's rule applies, every shown product carries its prices, and the page cost the
    # principal's two round trips and three more (the listing, the rules, the sheets)
    operations = aws_calls.of("dynamodb")
    MEASURED_ROUND_TRIPS.append(("a priced category page of 50 products, unit rules", operations))
    assert reply.status == 200, reply.body
    assert len(reply.body["items"]) == 49
    assert made[0].body["sku"] not in {item["sku"] for item in reply.body["items"]}
    assert all(item["price"] is not None for item in reply.body["items"])
    assert operations == [PRINCIPAL, QUERY, QUERY, BATCH_GET, BATCH_GET]


PRICED_PRODUCTS = 200


@pytest.fixture
def priced_products(
    api: Api, world: World, categories: dict[str, str], pricing: dict[str, str], worlds: Worlds
) -> list[str]:
    """200 products of drills (SKUs ``P-000``...), each at 2.50 EUR in the website's price list."""

    def build() -> list[str]:
        skus = [f"P-{n:03}" for n in range(PRICED_PRODUCTS)]
        for sku in skus:
            made = api.call(
                "POST",
                "/v1/admin/products",
                token=world.token,
                body=product_body(
                    world.ids["organization"], sku=sku, primary_category_id=categories["category"]
                ),
            )
            assert made.status == 201, made.body
        rows = [
            {"sku": sku, "unit": "each", "currency": "EUR", "min_quantity": "1", "value": "2.50"}
            for sku in skus
        ]
        path = f"/v1/admin/price-lists/{pricing['price_list']}/prices"
        assert api.call("PUT", path, token=world.token, body={"rows": rows}).status == 200
        return skus

    return worlds.extend("200 priced products", build)


def test_a_resolve_of_500_lines_reads_skus_products_and_sheets_in_batches_of_100_keys(
    api: Api,
    world: World,
    customers: dict[str, str],
    storefront: dict[str, str],
    priced_products: list[str],
    aws_calls: AwsCalls,
) -> None:
    # given 100 products in drills, each priced in the website's list, 400 SKUs naming nothing, and the
    # caches warm (500 lines of 500 products cost 5 + 10 + 5 batch reads: `make bench-storefront`)
    skus = priced_products[:100]
    manager = api.token("acme", MANAGER)
    asked = skus + [f"NONE-{n:03}" for n in range(400)]
    body = {"lines": [{"sku": sku, "unit": "each", "quantity": "4"} for sku in asked]}
    headers = dict(SHOP)
    assert (
        api.call("POST", "/v1/store/prices/resolve", token=manager, body=body, headers=headers).status == 200
    )
    aws_calls.clear()

    # when the buyer resolves the 500 lines
    reply = api.call("POST", "/v1/store/prices/resolve", token=manager, body=body, headers=headers)

    # then the known ones are priced: after the principal's two round trips, 5 batch reads of the SKU
    # items, 2 of the products and their rules, 1 of the sheets
    operations = aws_calls.of("dynamodb")
    MEASURED_ROUND_TRIPS.append(("a resolve of 500 lines, 100 products", operations))
    assert reply.status == 200, reply.body
    totals = [
        line["line_total"]["amount"] if line["line_total"] else line["error"] for line in reply.body["lines"]
    ]
    assert totals == ["10.00"] * 100 + ["unknown-sku"] * 400
    assert operations == [PRINCIPAL, QUERY] + [BATCH_GET] * 8


def test_a_list_of_200_lines_is_priced_a_page_of_100_lines_at_a_time(
    api: Api,
    world: World,
    customers: dict[str, str],
    storefront: dict[str, str],
    priced_products: list[str],
    aws_calls: AwsCalls,
) -> None:
    # given 200 products in drills, each priced in the website's list, all in one list of the purchasing
    # manager, and the caches warm
    skus = priced_products
    manager, headers = api.token("acme", MANAGER), dict(SHOP)
    made_list = api.call(
        "POST", "/v1/store/shopping-lists", token=manager, body={"name": "Drills"}, headers=headers
    )
    assert made_list.status == 201, made_list.body
    path = f"/v1/store/shopping-lists/{made_list.body['id']}"
    lines = {"lines": [{"sku": sku, "quantity": "3"} for sku in skus]}
    added = api.call("POST", f"{path}/lines", token=manager, body=lines, headers=headers)
    assert added.status == 200, added.body
    assert api.call("GET", f"{path}?limit=100", token=manager, headers=headers).status == 200
    aws_calls.clear()

    # when the buyer reads the list's two pages of 100 priced lines
    first = api.call("GET", f"{path}?limit=100", token=manager, headers=headers)
    first_page = aws_calls.of("dynamodb")
    aws_calls.clear()
    second = api.call(
        "GET", f"{path}?limit=100&cursor={first.body['next_cursor']}", token=manager, headers=headers
    )
    second_page = aws_calls.of("dynamodb")

    # then every line is priced, and each page cost 7 round trips: the principal's, two Queries and a
    # GetItem for the list and its page of lines, two batch reads of its 100 products and their rules
    # (100 keys a call), and one of their price sheets
    MEASURED_ROUND_TRIPS.append(("a list of 200 lines priced, its first page of 100", first_page))
    MEASURED_ROUND_TRIPS.append(("a list of 200 lines priced, its second page of 100", second_page))
    assert (first.status, second.status) == (200, 200), (first.body, second.body)
    priced = [line for page in (first, second) for line in page.body["lines"] if line["price"] is not None]
    assert sorted(line["sku"] for line in priced) == skus
    assert second.body["next_cursor"] is None
    assert first_page == second_page == [PRINCIPAL, QUERY, QUERY, GET, BATCH_GET, BATCH_GET, BATCH_GET]
