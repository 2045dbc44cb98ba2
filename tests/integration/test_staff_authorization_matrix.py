"""The staff authorization matrix: every staff route x predefined staff role x where the record lies.

Each actor is a staff user of acme holding one predefined role: a Tenant Administrator; an
Organization Administrator limited to organization A; a Sales Representative limited to assigned
customers, whom customer Globex names in its ``sales_rep_ids``; a Catalog Manager; a Pricing Manager;
a Content Editor. The records a route is called on lie at every position relative to the actor's limit:

    own           organization A, a website of A, customer Globex with its units and users
                  (inside the limit); for a tenant-wide record: acme's own
    other         organization B, a website of B, customer Initech: the same tenant, outside the limit
    other tenant  nordic's organization, website, customer, customer group, staff user, staff role

The expected answers are written out by hand below, not derived from the policy:

    A  allowed (2xx; in a list: the record is listed)
    F  403: the caller may know the record, not act on it (also: a route their roles never allow)
    H  404: the caller may not know the record exists (in a list: not listed)
    U  422 on the body field naming a record the caller may not know
    C  409: allowed, but the record still has dependents
    N  401: the route takes an integration key, which a staff token is not
    -  does not apply (a tenant-wide record has no "other" position)

A create naming its record in the body (a website's ``organization_id``) is called with the record
at each position. Every refusal must change nothing in the table and name nothing of the record it
refused. ``tests/integration/test_authorization_matrix.py`` is the storefront's matrix.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

import pytest

from app import app as chalice_app  # noqa: F401 - registers every route in ROUTES
from chalicelib.api.routing import ROUTES
from chalicelib.domain.permissions import Permission

from .conftest import Api, Factories, Outbox, Table, Worlds, create_selection, upload_as_browser
from .orders_support import Placement, place_order
from .support import (
    attribute_body,
    customer_body,
    organization_body,
    product_body,
    tax_configuration_body,
    unit_body,
    website_body,
)

Make = Callable[..., dict[str, Any]]
POSITIONS = ("own", "other", "other tenant")
ON_BEHALF_SHOP = "shop.acme.example"
ROLES = (
    "tenant-administrator",
    "organization-administrator",
    "sales-representative",
    "catalog-manager",
    "pricing-manager",
    "content-editor",
)
ACTOR = "actor@acme.example"
NOT_STAFF = {Permission.PUBLIC, Permission.PLATFORM_TENANTS, Permission.CUSTOMER_SELF}
STAFF_ROUTES = sorted(
    spec.name
    for spec in ROUTES
    if isinstance(spec.permission, Permission) and spec.permission not in NOT_STAFF
)
ADMIN = "/v1/admin"


@dataclass
class World:
    """acme (organizations A and B, a website each, Globex and Initech, a customer group, a staff user
    and a staff role) and nordic (one of each), and the actor: a staff user of acme holding ``role``.

    ``records[kind][position]`` is the record of that kind lying at the position; ``admins`` is each
    tenant's administrator, who reads the records' versions and makes spare records for writes.
    """

    api: Api
    table: Table
    role: str
    actor: str
    actor_id: str
    admins: dict[str, str]
    records: dict[str, dict[str, str]]
    serial: Iterator[int] = dataclass_field(default_factory=itertools.count)

    def admin(self, position: str) -> str:
        return self.admins["nordic" if position == "other tenant" else "acme"]

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.serial)}"

    def if_match(self, path: str, position: str) -> dict[str, str]:
        """The If-Match of the record at ``path``, as its tenant's administrator reads it now."""
        reply = self.api.call("GET", path, token=self.admin(position))
        assert reply.status == 200, reply.body
        return {"If-Match": f'"{reply.body["version"]}"'}

    def make(self, position: str, path: str, body: dict[str, Any]) -> str:
        """A spare record made by the administrator of the position's tenant; returns its id."""
        reply = self.api.call("POST", path, token=self.admin(position), body=body)
        assert reply.status == 201, reply.body
        return str(reply.body["id"])


@pytest.fixture
def world_for(
    module_factories: Factories, module_table: Table, worlds: Worlds, module_media_bucket: str
) -> Callable[[str], World]:
    """The world of an actor holding ``role``: the records are built once for the module, each role's
    actor once on them (and named by Globex as its sales representative), as built for every test."""
    make = module_factories

    def build_records() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """Each tenant's administrator and the records at every position, without the actor."""
        acme, nordic = make.tenant("acme"), make.tenant("nordic")
        a = make.organization(acme, name="Acme Europe")["id"]
        b = make.organization(acme, name="Acme Nordics")["id"]
        n = make.organization(nordic, name="Nordic Europe")["id"]
        customers = {
            "own": make.customer(acme, name="Globex")["id"],
            "other": make.customer(acme, name="Initech")["id"],
            "other tenant": make.customer(nordic, name="Fjord")["id"],
        }
        units, users = {}, {}
        for position, customer in customers.items():
            token = nordic if position == "other tenant" else acme
            units[position] = make.unit(token, customer, customer)["id"]
            email = f"user.{position.replace(' ', '.')}@example.com"
            users[position] = make.customer_user(token, customer, units[position], email=email)["id"]
        other_staff = {"assignments": [{"role_id": "catalog-manager"}]}
        organizations = {"own": a, "other": b, "other tenant": n}
        categories = {
            position: make._created(
                f"{ADMIN}/organizations/{organization}/categories",
                nordic if position == "other tenant" else acme,
                {"name": {"en": "Tools"}, "slug": {"en": "tools"}},
            )["id"]
            for position, organization in organizations.items()
        }
        records = {
            "organization": {"own": a, "other": b, "other tenant": n},
            "website": {
                "own": make.website(acme, a, name="Acme Germany", hostnames=["a.acme.example"])["id"],
                "other": make.website(acme, b, name="Acme Sweden", hostnames=["b.acme.example"])["id"],
                "other tenant": make.website(nordic, n, name="Nordic", hostnames=["n.nordic.example"])["id"],
            },
            "customer": customers,
            "unit": units,
            "user": users,
            "group": {
                "own": make.customer_group(acme)["id"],
                "other tenant": make.customer_group(nordic)["id"],
            },
            "staff": {
                "own": make.staff_user(acme, "stan.staff@acme.example", **other_staff)["id"],
                "other tenant": make.staff_user(nordic, "stan.staff@nordic.example", **other_staff)["id"],
            },
            "role": {
                "own": make.staff_role(acme)["id"],
                "other tenant": make.staff_role(nordic)["id"],
            },
            "selection": {
                "own": create_selection(make.api, acme, a)["id"],
                "other": create_selection(make.api, acme, b)["id"],
                "other tenant": create_selection(make.api, nordic, n)["id"],
            },
            "category": categories,
        }
        # the shop and the buyers of the on-behalf checkout rows, which no other row changes or deletes
        shop = make.website(acme, a, name="Acme Shop", hostnames=[ON_BEHALF_SHOP])["id"]
        verified = make.api.call(
            "POST", _published_challenge(make.api, acme, shop) + "/verification", token=acme
        )
        assert verified.status == 200, verified.body
        records["orderer"] = {
            position: make.customer_user(
                nordic if position == "other tenant" else acme,
                customer,
                units[position],
                email=f"orderer.{position.replace(' ', '.')}@example.com",
            )["id"]
            for position, customer in customers.items()
        }
        records["attribute"] = {
            "own": _created(make.api, acme, "attributes", attribute_body("finish")),
            "other tenant": _created(make.api, nordic, "attributes", attribute_body("grade")),
        }
        records["product"] = {
            "own": _created(make.api, acme, "products", product_body(a, sku="A-1")),
            "other": _created(make.api, acme, "products", product_body(b, sku="B-1")),
            "other tenant": _created(make.api, nordic, "products", product_body(n, sku="N-1")),
        }
        records["media"] = {
            position: _new_media(make.api, nordic if position == "other tenant" else acme, product)["id"]
            for position, product in records["product"].items()
        }
        records["price_list"] = {
            position: _created(
                make.api,
                nordic if position == "other tenant" else acme,
                "price-lists",
                _price_list_body(organization),
            )
            for position, organization in organizations.items()
        }
        records["order"] = {
            position: place_order(
                Placement(
                    "nordic" if position == "other tenant" else "acme",
                    customers[position],
                    units[position],
                    users[position],
                    records["website"][position],
                    organization,
                )
            ).id
            for position, organization in organizations.items()
        }
        return {"acme": acme, "nordic": nordic}, records

    def build(role: str, admins: dict[str, str], records: dict[str, dict[str, str]]) -> World:
        acme, globex = admins["acme"], records["customer"]["own"]
        assignment: dict[str, Any] = {"role_id": role}
        if role == "organization-administrator":
            assignment["organization_ids"] = [records["organization"]["own"]]
        if role == "sales-representative":
            assignment["assigned_customers_only"] = True
        actor_id = make.staff_user(acme, ACTOR, name="Actor", assignments=[assignment])["id"]
        if role == "sales-representative":
            reply = make.api.call(
                "PATCH",
                f"{ADMIN}/customers/{globex}",
                token=acme,
                body={"sales_rep_ids": [actor_id]},
                headers={"If-Match": '"1"'},
            )
            assert reply.status == 200, reply.body
        actor = make.api.token("acme", ACTOR)
        assert make.api.call("GET", f"{ADMIN}/me", token=actor).status == 200  # binds the actor's sign-in
        return World(make.api, module_table, role, actor, actor_id, admins, records)

    def world(role: str) -> World:
        admins, records = worlds.world("records", build_records)
        return worlds.world(role, lambda: build(role, admins, records), on="records")

    return world


def _selection_body(organization_id: str, name: str) -> dict[str, Any]:
    return {"name": name, "organization_id": organization_id, "mode": "include"}


def _price_list_body(organization_id: str) -> dict[str, Any]:
    return {"name": "Base", "organization_id": organization_id, "currencies": ["EUR"]}


def _created(api: Api, token: str, collection: str, body: dict[str, Any]) -> str:
    """A catalog record made by a tenant's administrator; returns its id."""
    reply = api.call("POST", f"{ADMIN}/{collection}", token=token, body=body)
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    record: str  # the id of the record at the position: a refusal must not show it
    body: dict[str, Any] | None = None
    field: str | None = None  # the body field naming the record (a 422 must point at it)
    headers: dict[str, str] = dataclass_field(default_factory=dict)


Request = Callable[[World, str], Call]
RENAME = {"name": "Renamed"}


def _on(
    kind: str, collection: str, method: str, suffix: str = "", body: dict[str, Any] | None = None
) -> Request:
    """A call on the record of ``kind`` at the position, found at ``collection/<id>``."""

    def call(world: World, position: str) -> Call:
        record = world.records[kind][position]
        path = f"{ADMIN}/{collection}/{record}"
        headers = world.if_match(path, position) if method in ("PATCH", "DELETE") else {}
        return Call(method, path + suffix, record, body, headers=headers)

    return call


def _spare(kind: str, collection: str, body: Callable[[World, str], dict[str, Any]]) -> Request:
    """DELETE on a spare record of ``kind`` just made at the position (version 1)."""

    def call(world: World, position: str) -> Call:
        record = world.make(position, f"{ADMIN}/{collection}", body(world, position))
        return Call("DELETE", f"{ADMIN}/{collection}/{record}", record, headers={"If-Match": '"1"'})

    return call


def _customer(method: str, suffix: str = "", body: dict[str, Any] | None = None) -> Request:
    return _on("customer", "customers", method, suffix, body)


def _of_customer(kind: str, method: str, suffix: str = "", body: dict[str, Any] | None = None) -> Request:
    """A call on the unit or user of the customer at the position (``kind``: units or users)."""

    def call(world: World, position: str) -> Call:
        customer = world.records["customer"][position]
        record = world.records["unit" if kind == "units" else "user"][position]
        path = f"{ADMIN}/customers/{customer}/{kind}/{record}"
        headers = world.if_match(path, position) if method in ("PATCH", "DELETE") else {}
        return Call(method, path + suffix, customer, body, headers=headers)

    return call


def _spare_of_customer(kind: str) -> Request:
    """DELETE on a spare unit or user just made under the company of the customer at the position."""

    def call(world: World, position: str) -> Call:
        customer = world.records["customer"][position]
        body = (
            unit_body(customer, name=world.fresh("Spare "))
            if kind == "units"
            else _user_body(world.fresh("spare"), customer)
        )
        record = world.make(position, f"{ADMIN}/customers/{customer}/{kind}", body)
        path = f"{ADMIN}/customers/{customer}/{kind}/{record}"
        return Call("DELETE", path, customer, headers={"If-Match": '"1"'})

    return call


def _user_body(name: str, unit: str) -> dict[str, Any]:
    return {
        "email": f"{name}@example.com",
        "name": name,
        "unit_id": unit,
        "assignments": [{"role_id": "buyer", "unit_id": unit}],
    }


def _under_customer(kind: str) -> Request:
    """POST a new unit or user under the company of the customer at the position."""

    def call(world: World, position: str) -> Call:
        customer = world.records["customer"][position]
        body = (
            unit_body(customer, name=world.fresh("New "))
            if kind == "units"
            else _user_body(world.fresh("new"), customer)
        )
        return Call("POST", f"{ADMIN}/customers/{customer}/{kind}", customer, body)

    return call


def _new_website(world: World, position: str) -> Call:
    organization = world.records["organization"][position]
    name = world.fresh("new")
    body = website_body(organization, name=name, hostnames=[f"{name}.example"])
    return Call("POST", f"{ADMIN}/websites", organization, body, "body.organization_id")


def _published_challenge(api: Api, token: str, website: str) -> str:
    """The path of the website's one hostname, its DNS challenge published (as the tenant would)."""
    from chalicelib.platform.dns import RecordsFile
    from chalicelib.platform.settings import get_settings

    path = f"{ADMIN}/websites/{website}/hostnames"
    (item,) = api.call("GET", path, token=token).body["items"]
    RecordsFile(str(get_settings().dns_records_file)).publish(
        item["challenge"]["name"], item["challenge"]["value"]
    )
    return f"{path}/{item['hostname']}"


def _verification(world: World, position: str) -> Call:
    """POST the verification of the website's hostname at the position, its DNS challenge published."""
    website = world.records["website"][position]
    hostname_path = _published_challenge(world.api, world.admin(position), website)
    return Call("POST", f"{hostname_path}/verification", website)


def _spare_website(world: World, position: str) -> dict[str, Any]:
    name = world.fresh("spare")
    return website_body(world.records["organization"][position], name=name, hostnames=[f"{name}.example"])


PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
MEDIA = {
    "kind": "image",
    "filename": "a.png",
    "content_type": "image/png",
    "size": len(PNG),
    "title": {"en": "A"},
}


def _new_media(api: Api, token: str, product: str) -> dict[str, Any]:
    reply = api.call("POST", f"{ADMIN}/products/{product}/media", token=token, body=MEDIA)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def _media(method: str, body: dict[str, Any] | None = None) -> Request:
    """A call on the media of the product at the position."""

    def call(world: World, position: str) -> Call:
        product = world.records["product"][position]
        path = f"{ADMIN}/products/{product}/media/{world.records['media'][position]}"
        headers = world.if_match(path, position) if method == "PATCH" else {}
        return Call(method, path, product, body, headers=headers)

    return call


def _categories(method: str, body: Callable[[World], dict[str, Any]] | None = None) -> Request:
    """A call on the category tree of the organization at the position (the organization is the record)."""

    def call(world: World, position: str) -> Call:
        organization = world.records["organization"][position]
        path = f"{ADMIN}/organizations/{organization}/categories"
        return Call(method, path, organization, body(world) if body else None)

    return call


def _category(method: str, body: dict[str, Any] | None = None) -> Request:
    """A call on the category of the organization at the position."""

    def call(world: World, position: str) -> Call:
        organization = world.records["organization"][position]
        path = f"{ADMIN}/organizations/{organization}/categories/{world.records['category'][position]}"
        headers = world.if_match(path, position) if method == "PATCH" else {}
        return Call(method, path, organization, body, headers=headers)

    return call


def _product_media(method: str) -> Request:
    """A call on the media collection of the product at the position (a create sends one)."""

    def call(world: World, position: str) -> Call:
        product = world.records["product"][position]
        body = MEDIA if method == "POST" else None
        return Call(method, f"{ADMIN}/products/{product}/media", product, body)

    return call


def _uploaded_media(world: World, position: str) -> Call:
    """POST the completion of a spare media of the product at the position, its file uploaded."""
    product = world.records["product"][position]
    media = _new_media(world.api, world.admin(position), product)
    upload_as_browser(media["upload"], PNG)
    return Call("POST", f"{ADMIN}/products/{product}/media/{media['id']}/completion", product)


def _spare_media(world: World, position: str) -> Call:
    product = world.records["product"][position]
    media = _new_media(world.api, world.admin(position), product)["id"]
    path = f"{ADMIN}/products/{product}/media/{media}"
    return Call("DELETE", path, product, headers={"If-Match": '"1"'})


def _new_product(world: World, position: str) -> Call:
    organization = world.records["organization"][position]
    body = product_body(organization, sku=world.fresh("NEW-"))
    return Call("POST", f"{ADMIN}/products", organization, body, "body.organization_id")


def _spare_product(world: World, position: str) -> dict[str, Any]:
    return product_body(world.records["organization"][position], sku=world.fresh("SPARE-"))


def _spare_category(world: World, position: str) -> Call:
    """DELETE on a spare category just made in the organization at the position (version 1)."""
    organization = world.records["organization"][position]
    path = f"{ADMIN}/organizations/{organization}/categories"
    record = world.make(position, path, _new_category(world))
    return Call("DELETE", f"{path}/{record}", organization, headers={"If-Match": '"1"'})


def _new_category(world: World) -> dict[str, Any]:
    slug = world.fresh("category-")
    return {"name": {"en": slug}, "slug": {"en": slug}}


# How to call each route on the record at a position.
RECORD_REQUESTS: dict[str, Request] = {
    "GET /v1/admin/organizations/{organization_id}": _on("organization", "organizations", "GET"),
    "PATCH /v1/admin/organizations/{organization_id}": _on(
        "organization", "organizations", "PATCH", body=RENAME
    ),
    # Organizations A and B have a website each: an allowed delete is 409.
    "DELETE /v1/admin/organizations/{organization_id}": _on("organization", "organizations", "DELETE"),
    "POST /v1/admin/websites": _new_website,
    "GET /v1/admin/websites/{website_id}": _on("website", "websites", "GET"),
    "GET /v1/admin/websites/{website_id}/effective-settings": _on(
        "website", "websites", "GET", "/effective-settings"
    ),
    "PATCH /v1/admin/websites/{website_id}": _on("website", "websites", "PATCH", body=RENAME),
    "GET /v1/admin/websites/{website_id}/hostnames": _on("website", "websites", "GET", "/hostnames"),
    "POST /v1/admin/websites/{website_id}/hostnames/{hostname}/verification": _verification,
    "DELETE /v1/admin/websites/{website_id}": _spare("website", "websites", _spare_website),
    "GET /v1/admin/customers/{customer_id}": _customer("GET"),
    "PATCH /v1/admin/customers/{customer_id}": _customer("PATCH", body=RENAME),
    # Every customer has a unit and users: an allowed delete is 409.
    "DELETE /v1/admin/customers/{customer_id}": _customer("DELETE"),
    "GET /v1/admin/customers/{customer_id}/units": _customer("GET", "/units"),
    "POST /v1/admin/customers/{customer_id}/units": _under_customer("units"),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}": _of_customer("units", "GET"),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}/effective": _of_customer(
        "units", "GET", "/effective"
    ),
    "PATCH /v1/admin/customers/{customer_id}/units/{unit_id}": _of_customer("units", "PATCH", body=RENAME),
    "DELETE /v1/admin/customers/{customer_id}/units/{unit_id}": _spare_of_customer("units"),
    "GET /v1/admin/customers/{customer_id}/users": _customer("GET", "/users"),
    "POST /v1/admin/customers/{customer_id}/users": _under_customer("users"),
    "GET /v1/admin/customers/{customer_id}/users/{user_id}": _of_customer("users", "GET"),
    "PATCH /v1/admin/customers/{customer_id}/users/{user_id}": _of_customer("users", "PATCH", body=RENAME),
    "DELETE /v1/admin/customers/{customer_id}/users/{user_id}": _spare_of_customer("users"),
    "GET /v1/admin/customer-groups/{group_id}": _on("group", "customer-groups", "GET"),
    "PATCH /v1/admin/customer-groups/{group_id}": _on("group", "customer-groups", "PATCH", body=RENAME),
    "DELETE /v1/admin/customer-groups/{group_id}": _spare(
        "group", "customer-groups", lambda world, _: {"name": world.fresh("Spare group ")}
    ),
    "POST /v1/admin/selections": lambda world, position: Call(
        "POST",
        f"{ADMIN}/selections",
        world.records["organization"][position],
        _selection_body(world.records["organization"][position], world.fresh("New ")),
        "body.organization_id",
    ),
    "GET /v1/admin/selections/{selection_id}": _on("selection", "selections", "GET"),
    "PATCH /v1/admin/selections/{selection_id}": _on("selection", "selections", "PATCH", body=RENAME),
    "DELETE /v1/admin/selections/{selection_id}": _spare(
        "selection",
        "selections",
        lambda world, position: _selection_body(
            world.records["organization"][position], world.fresh("Spare ")
        ),
    ),
    "GET /v1/admin/staff-users/{staff_id}": _on("staff", "staff-users", "GET"),
    "PATCH /v1/admin/staff-users/{staff_id}": _on("staff", "staff-users", "PATCH", body=RENAME),
    "DELETE /v1/admin/staff-users/{staff_id}": _spare(
        "staff",
        "staff-users",
        lambda world, _: {
            "email": f"{world.fresh('spare')}@staff.example",
            "name": "Spare",
            "assignments": [{"role_id": "catalog-manager"}],
        },
    ),
    "GET /v1/admin/roles/{role_id}": _on("role", "roles", "GET"),
    "PATCH /v1/admin/roles/{role_id}": _on("role", "roles", "PATCH", body=RENAME),
    "DELETE /v1/admin/roles/{role_id}": _spare(
        "role",
        "roles",
        lambda world, _: {"name": world.fresh("Spare "), "permissions": ["customers.read"]},
    ),
    "POST /v1/admin/roles/{role_id}/copies": _on("role", "roles", "POST", "/copies", {"name": "Copied"}),
    "POST /v1/admin/products/{product_id}/media": _product_media("POST"),
    "GET /v1/admin/products/{product_id}/media": _product_media("GET"),
    "GET /v1/admin/products/{product_id}/media/{media_id}": _media("GET"),
    "PATCH /v1/admin/products/{product_id}/media/{media_id}": _media("PATCH", {"title": {"en": "B"}}),
    "POST /v1/admin/products/{product_id}/media/{media_id}/completion": _uploaded_media,
    "DELETE /v1/admin/products/{product_id}/media/{media_id}": _spare_media,
    "GET /v1/admin/attributes/{attribute_code}": _on("attribute", "attributes", "GET"),
    "PATCH /v1/admin/attributes/{attribute_code}": _on(
        "attribute", "attributes", "PATCH", body={"label": {"en": "Renamed"}}
    ),
    "DELETE /v1/admin/attributes/{attribute_code}": _spare(
        "attribute", "attributes", lambda world, _: attribute_body(world.fresh("spare_"))
    ),
    "POST /v1/admin/products": _new_product,
    "GET /v1/admin/products/{product_id}": _on("product", "products", "GET"),
    "PATCH /v1/admin/products/{product_id}": _on("product", "products", "PATCH", body={"brand": "Renamed"}),
    "DELETE /v1/admin/products/{product_id}": _spare("product", "products", _spare_product),
    "POST /v1/admin/organizations/{organization_id}/categories": _categories("POST", _new_category),
    "GET /v1/admin/organizations/{organization_id}/categories": _categories("GET"),
    "GET /v1/admin/organizations/{organization_id}/categories/{category_id}": _category("GET"),
    "PATCH /v1/admin/organizations/{organization_id}/categories/{category_id}": _category(
        "PATCH", {"name": {"en": "Renamed"}}
    ),
    "DELETE /v1/admin/organizations/{organization_id}/categories/{category_id}": _spare_category,
}


def _tenant_patch(world: World) -> Call:
    return Call("PATCH", f"{ADMIN}/tenant", "acme", RENAME, headers=world.if_match(f"{ADMIN}/tenant", "own"))


# How to call each route that takes no record (creates, /v1/admin/me, the caller's own tenant).
ROUTE_REQUESTS: dict[str, Callable[[World], Call]] = {
    "GET /v1/admin/me": lambda world: Call("GET", f"{ADMIN}/me", ""),
    "GET /v1/admin/tenant": lambda world: Call("GET", f"{ADMIN}/tenant", ""),
    "PATCH /v1/admin/tenant": _tenant_patch,
    "POST /v1/admin/organizations": lambda world: Call(
        "POST", f"{ADMIN}/organizations", "", organization_body(name="Acme Iberia")
    ),
    "POST /v1/admin/customers": lambda world: Call(
        "POST", f"{ADMIN}/customers", "", customer_body(name="Umbrella")
    ),
    "POST /v1/admin/customer-groups": lambda world: Call(
        "POST", f"{ADMIN}/customer-groups", "", {"name": "Wholesale"}
    ),
    "POST /v1/admin/staff-users": lambda world: Call(
        "POST",
        f"{ADMIN}/staff-users",
        "",
        {"email": "new.staff@acme.example", "name": "New", "assignments": [{"role_id": "content-editor"}]},
    ),
    "POST /v1/admin/roles": lambda world: Call(
        "POST", f"{ADMIN}/roles", "", {"name": "Auditor", "permissions": ["audit.read"]}
    ),
    "POST /v1/admin/attributes": lambda world: Call(
        "POST", f"{ADMIN}/attributes", "", attribute_body(world.fresh("new_"))
    ),
}

# Lists whose items lie at positions: the kind of record listed, and the query that lists it.
LISTS: dict[str, tuple[str, str]] = {
    "GET /v1/admin/organizations": ("organization", ""),
    "GET /v1/admin/websites": ("website", ""),
    "GET /v1/admin/customers": ("customer", ""),
    "GET /v1/admin/customer-groups": ("group", ""),
    "GET /v1/admin/selections": ("selection", ""),
    "GET /v1/admin/staff-users": ("staff", ""),
    "GET /v1/admin/roles": ("role", ""),
    "GET /v1/admin/attributes": ("attribute", ""),
    "GET /v1/admin/products": ("product", ""),
    # The audit entries of the organizations' creation (the entry's entity_id is the organization's).
    "GET /v1/admin/audit": ("organization", "?entity_type=organization&limit=100"),
}


def row(ta: str, oa: str, sr: str, cm: str, pm: str, ce: str) -> dict[str, str]:
    """A route's answers for each role, in the order of ROLES."""
    return dict(zip(ROLES, (ta, oa, sr, cm, pm, ce), strict=True))


NO_ROUTE = "FFF"  # the role never allows the route: 403 whatever the record
NO_TENANT_ROUTE = "F-F"  # the same, for a tenant-wide record (no "other" position)
# route -> role -> the answer at each position, in the order of POSITIONS (own, other, other tenant);
# a route without a record has one answer per role.
MATRIX: dict[str, dict[str, str]] = {
    # --- the signed-in staff user and their tenant ---
    "GET /v1/admin/me": row(ta="A", oa="A", sr="A", cm="A", pm="A", ce="A"),
    "GET /v1/admin/tenant": row(ta="A", oa="A", sr="A", cm="A", pm="A", ce="A"),
    "PATCH /v1/admin/tenant": row(ta="A", oa="F", sr="F", cm="F", pm="F", ce="F"),
    "GET /v1/admin/audit": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    # --- organizations ---
    # Creating and deleting an organization change which organizations there are: tenant-wide only.
    "POST /v1/admin/organizations": row(ta="A", oa="F", sr="F", cm="F", pm="F", ce="F"),
    "GET /v1/admin/organizations": row(ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm="AAH", ce="AAH"),
    "GET /v1/admin/organizations/{organization_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm="AAH", ce="AAH"
    ),
    "PATCH /v1/admin/organizations/{organization_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "DELETE /v1/admin/organizations/{organization_id}": row(
        ta="CCH", oa=NO_ROUTE, sr=NO_ROUTE, cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    # --- websites: the organization's reach, checked in the service ---
    "POST /v1/admin/websites": row(ta="AAU", oa="AUU", sr=NO_ROUTE, cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE),
    "GET /v1/admin/websites": row(ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm="AAH", ce="AAH"),
    "GET /v1/admin/websites/{website_id}": row(ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm="AAH", ce="AAH"),
    "GET /v1/admin/websites/{website_id}/effective-settings": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm="AAH", ce="AAH"
    ),
    "PATCH /v1/admin/websites/{website_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "GET /v1/admin/websites/{website_id}/hostnames": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm="AAH", ce="AAH"
    ),
    "POST /v1/admin/websites/{website_id}/hostnames/{hostname}/verification": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "DELETE /v1/admin/websites/{website_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    # --- categories: an organization's records; every role reads them, catalog.write changes them ---
    "POST /v1/admin/organizations/{organization_id}/categories": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "GET /v1/admin/organizations/{organization_id}/categories": row(
        ta="AAH", oa="AHH", sr="AAH", cm="AAH", pm="AAH", ce="AAH"
    ),
    "GET /v1/admin/organizations/{organization_id}/categories/{category_id}": row(
        ta="AAH", oa="AHH", sr="AAH", cm="AAH", pm="AAH", ce="AAH"
    ),
    "PATCH /v1/admin/organizations/{organization_id}/categories/{category_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "DELETE /v1/admin/organizations/{organization_id}/categories/{category_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm=NO_ROUTE, ce=NO_ROUTE
    ),
    # --- customers, their units and users: a sales representative sees only the assigned ones ---
    "POST /v1/admin/customers": row(ta="A", oa="F", sr="F", cm="F", pm="F", ce="F"),
    "GET /v1/admin/customers": row(ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE),
    "GET /v1/admin/customers/{customer_id}": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE
    ),
    "PATCH /v1/admin/customers/{customer_id}": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "DELETE /v1/admin/customers/{customer_id}": row(
        ta="CCH", oa=NO_ROUTE, sr="CHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "GET /v1/admin/customers/{customer_id}/units": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE
    ),
    "POST /v1/admin/customers/{customer_id}/units": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE
    ),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}/effective": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE
    ),
    "PATCH /v1/admin/customers/{customer_id}/units/{unit_id}": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "DELETE /v1/admin/customers/{customer_id}/units/{unit_id}": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "GET /v1/admin/customers/{customer_id}/users": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE
    ),
    "POST /v1/admin/customers/{customer_id}/users": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "GET /v1/admin/customers/{customer_id}/users/{user_id}": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE
    ),
    "PATCH /v1/admin/customers/{customer_id}/users/{user_id}": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "DELETE /v1/admin/customers/{customer_id}/users/{user_id}": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    # --- customer groups: tenant-wide; read by whoever reads customers or prices ---
    "POST /v1/admin/customer-groups": row(ta="A", oa="F", sr="F", cm="F", pm="A", ce="F"),
    "GET /v1/admin/customer-groups": row(
        ta="A-H", oa=NO_TENANT_ROUTE, sr="A-H", cm=NO_TENANT_ROUTE, pm="A-H", ce=NO_TENANT_ROUTE
    ),
    "GET /v1/admin/customer-groups/{group_id}": row(
        ta="A-H", oa=NO_TENANT_ROUTE, sr="A-H", cm=NO_TENANT_ROUTE, pm="A-H", ce=NO_TENANT_ROUTE
    ),
    "PATCH /v1/admin/customer-groups/{group_id}": row(
        ta="A-H", oa=NO_TENANT_ROUTE, sr=NO_TENANT_ROUTE, cm=NO_TENANT_ROUTE, pm="A-H", ce=NO_TENANT_ROUTE
    ),
    "DELETE /v1/admin/customer-groups/{group_id}": row(
        ta="A-H", oa=NO_TENANT_ROUTE, sr=NO_TENANT_ROUTE, cm=NO_TENANT_ROUTE, pm="A-H", ce=NO_TENANT_ROUTE
    ),
    # --- product selections: the records of their organization ---
    "POST /v1/admin/selections": row(ta="AAU", oa="AUU", sr=NO_ROUTE, cm="AAU", pm=NO_ROUTE, ce=NO_ROUTE),
    "GET /v1/admin/selections": row(ta="AAH", oa="AHH", sr="AAH", cm="AAH", pm="AAH", ce="AAH"),
    "GET /v1/admin/selections/{selection_id}": row(
        ta="AAH", oa="AHH", sr="AAH", cm="AAH", pm="AAH", ce="AAH"
    ),
    "PATCH /v1/admin/selections/{selection_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "DELETE /v1/admin/selections/{selection_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm=NO_ROUTE, ce=NO_ROUTE
    ),
    # --- staff users and roles: the Tenant Administrator's alone ---
    "POST /v1/admin/staff-users": row(ta="A", oa="F", sr="F", cm="F", pm="F", ce="F"),
    "GET /v1/admin/staff-users": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    "GET /v1/admin/staff-users/{staff_id}": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    "PATCH /v1/admin/staff-users/{staff_id}": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    "DELETE /v1/admin/staff-users/{staff_id}": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    "POST /v1/admin/roles": row(ta="A", oa="F", sr="F", cm="F", pm="F", ce="F"),
    "GET /v1/admin/roles": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    "GET /v1/admin/roles/{role_id}": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    "PATCH /v1/admin/roles/{role_id}": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    "DELETE /v1/admin/roles/{role_id}": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    "POST /v1/admin/roles/{role_id}/copies": row(
        ta="A-H",
        oa=NO_TENANT_ROUTE,
        sr=NO_TENANT_ROUTE,
        cm=NO_TENANT_ROUTE,
        pm=NO_TENANT_ROUTE,
        ce=NO_TENANT_ROUTE,
    ),
    # --- catalog attributes: tenant-wide definitions; changed only by a grant reaching every organization ---
    "POST /v1/admin/attributes": row(ta="A", oa="F", sr="F", cm="A", pm="F", ce="F"),
    "GET /v1/admin/attributes": row(ta="A-H", oa="A-H", sr="A-H", cm="A-H", pm="A-H", ce="A-H"),
    "GET /v1/admin/attributes/{attribute_code}": row(
        ta="A-H", oa="A-H", sr="A-H", cm="A-H", pm="A-H", ce="A-H"
    ),
    "PATCH /v1/admin/attributes/{attribute_code}": row(
        ta="A-H", oa=NO_TENANT_ROUTE, sr=NO_TENANT_ROUTE, cm="A-H", pm=NO_TENANT_ROUTE, ce=NO_TENANT_ROUTE
    ),
    "DELETE /v1/admin/attributes/{attribute_code}": row(
        ta="A-H", oa=NO_TENANT_ROUTE, sr=NO_TENANT_ROUTE, cm="A-H", pm=NO_TENANT_ROUTE, ce=NO_TENANT_ROUTE
    ),
    # --- products: the records of their organization, checked in the service ---
    "POST /v1/admin/products": row(ta="AAU", oa="AUU", sr=NO_ROUTE, cm="AAU", pm=NO_ROUTE, ce=NO_ROUTE),
    "GET /v1/admin/products": row(ta="AAH", oa="AHH", sr="AAH", cm="AAH", pm="AAH", ce="AAH"),
    "GET /v1/admin/products/{product_id}": row(ta="AAH", oa="AHH", sr="AAH", cm="AAH", pm="AAH", ce="AAH"),
    "PATCH /v1/admin/products/{product_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "DELETE /v1/admin/products/{product_id}": row(
        ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm=NO_ROUTE, ce=NO_ROUTE
    ),
}
# --- products' media: the product's organization, checked in the service once the product is read ---
CATALOG_READ_ROW = row(ta="AAH", oa="AHH", sr="AAH", cm="AAH", pm="AAH", ce="AAH")
CATALOG_WRITE_ROW = row(ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm=NO_ROUTE, ce=NO_ROUTE)
MATRIX |= {
    "POST /v1/admin/products/{product_id}/media": CATALOG_WRITE_ROW,
    "GET /v1/admin/products/{product_id}/media": CATALOG_READ_ROW,
    "GET /v1/admin/products/{product_id}/media/{media_id}": CATALOG_READ_ROW,
    "PATCH /v1/admin/products/{product_id}/media/{media_id}": CATALOG_WRITE_ROW,
    "POST /v1/admin/products/{product_id}/media/{media_id}/completion": CATALOG_WRITE_ROW,
    "DELETE /v1/admin/products/{product_id}/media/{media_id}": CATALOG_WRITE_ROW,
}


# --- visibility rules, selections' members and "why visible" (the product's, category's or selection's
# organization; a unit's: also the customer, as a sales representative's grant reaches only theirs) ---
def _rule(world: World, position: str) -> dict[str, Any]:
    return {"website_id": world.records["website"][position], "level": "all", "visibility": "hidden"}


def _product_rules(method: str) -> Request:
    def call(world: World, position: str) -> Call:
        product = world.records["product"][position]
        body = _rule(world, position) if method == "PUT" else None
        return Call(method, f"{ADMIN}/products/{product}/visibility", product, body)

    return call


def _category_rules(method: str) -> Request:
    def call(world: World, position: str) -> Call:
        organization, category = world.records["organization"][position], world.records["category"][position]
        path = f"{ADMIN}/organizations/{organization}/categories/{category}/visibility"
        return Call(method, path, organization, _rule(world, position) if method == "PUT" else None)

    return call


def _explanation(world: World, position: str) -> Call:
    """Why the product at the position is shown to the unit of the customer at the position."""
    records = world.records
    product = records["product"][position]
    query = (
        f"website_id={records['website'][position]}&customer_id={records['customer'][position]}"
        f"&unit_id={records['unit'][position]}"
    )
    return Call("GET", f"{ADMIN}/products/{product}/visibility/explanation?{query}", product)


def _selection_member(method: str, member: str) -> Request:
    """The product at the position in (or the unit at the position assigned to) the selection there."""

    def call(world: World, position: str) -> Call:
        records = world.records
        selection = records["selection"][position]
        path = f"{ADMIN}/selections/{selection}"
        if member == "products":
            path += "/products" if method == "GET" else f"/products/{records['product'][position]}"
        else:
            path += f"/units/{records['customer'][position]}/{records['unit'][position]}"
        return Call(method, path, selection)

    return call


RECORD_REQUESTS |= {
    "GET /v1/admin/products/{product_id}/visibility": _product_rules("GET"),
    "PUT /v1/admin/products/{product_id}/visibility": _product_rules("PUT"),
    "GET /v1/admin/products/{product_id}/visibility/explanation": _explanation,
    "GET /v1/admin/organizations/{organization_id}/categories/{category_id}/visibility": _category_rules(
        "GET"
    ),
    "PUT /v1/admin/organizations/{organization_id}/categories/{category_id}/visibility": _category_rules(
        "PUT"
    ),
    "GET /v1/admin/selections/{selection_id}/products": _selection_member("GET", "products"),
    "PUT /v1/admin/selections/{selection_id}/products/{product_id}": _selection_member("PUT", "products"),
    "DELETE /v1/admin/selections/{selection_id}/products/{product_id}": _selection_member(
        "DELETE", "products"
    ),
    "PUT /v1/admin/selections/{selection_id}/units/{customer_id}/{unit_id}": _selection_member(
        "PUT", "units"
    ),
    "DELETE /v1/admin/selections/{selection_id}/units/{customer_id}/{unit_id}": _selection_member(
        "DELETE", "units"
    ),
}
MATRIX |= {
    "GET /v1/admin/products/{product_id}/visibility": CATALOG_READ_ROW,
    "PUT /v1/admin/products/{product_id}/visibility": CATALOG_WRITE_ROW,
    # a sales representative: only for the customers assigned to them
    "GET /v1/admin/products/{product_id}/visibility/explanation": row(
        ta="AAH", oa="AHH", sr="AHH", cm="AAH", pm="AAH", ce="AAH"
    ),
    "GET /v1/admin/organizations/{organization_id}/categories/{category_id}/visibility": CATALOG_READ_ROW,
    "PUT /v1/admin/organizations/{organization_id}/categories/{category_id}/visibility": CATALOG_WRITE_ROW,
    "GET /v1/admin/selections/{selection_id}/products": CATALOG_READ_ROW,
    "PUT /v1/admin/selections/{selection_id}/products/{product_id}": CATALOG_WRITE_ROW,
    "DELETE /v1/admin/selections/{selection_id}/products/{product_id}": CATALOG_WRITE_ROW,
    "PUT /v1/admin/selections/{selection_id}/units/{customer_id}/{unit_id}": CATALOG_WRITE_ROW,
    "DELETE /v1/admin/selections/{selection_id}/units/{customer_id}/{unit_id}": CATALOG_WRITE_ROW,
}


# --- price lists and their prices (the list's organization); assignments: a website's (its
# organization), a customer group's (tenant-wide: lists of any organization), a unit's (the customer,
# as customers.read reaches it: a sales representative's only theirs) ---
def _prices(method: str, suffix: str = "") -> Request:
    """The rows of the product at the position in the list at the position (same organization)."""

    def call(world: World, position: str) -> Call:
        price_list = world.records["price_list"][position]
        row = {"product_id": world.records["product"][position], "unit": "each", "currency": "EUR"}
        row["min_quantity"] = "1"
        if method == "PUT":
            row["value"] = "1.50"
        body = None if method == "GET" else {"rows": [row]}
        return Call(method, f"{ADMIN}/price-lists/{price_list}/prices{suffix}", price_list, body)

    return call


ASSIGNED_NOTHING = {"fallback": "this_level_only", "lists": []}


def _website_price_lists(method: str) -> Request:
    def call(world: World, position: str) -> Call:
        website = world.records["website"][position]
        assigned = [{"price_list_id": world.records["price_list"][position], "priority": 1}]
        body = {"fallback": "next", "lists": assigned} if method == "PUT" else None
        return Call(method, f"{ADMIN}/websites/{website}/price-lists", website, body)

    return call


def _group_price_lists(method: str) -> Request:
    def call(world: World, position: str) -> Call:
        group = world.records["group"][position]
        body = ASSIGNED_NOTHING if method == "PUT" else None
        return Call(method, f"{ADMIN}/customer-groups/{group}/price-lists", group, body)

    return call


def _unit_price_lists(method: str) -> Request:
    def call(world: World, position: str) -> Call:
        customer, unit = world.records["customer"][position], world.records["unit"][position]
        body = ASSIGNED_NOTHING if method == "PUT" else None
        return Call(method, f"{ADMIN}/customers/{customer}/units/{unit}/price-lists", customer, body)

    return call


RECORD_REQUESTS |= {
    "POST /v1/admin/price-lists": lambda world, position: Call(
        "POST",
        f"{ADMIN}/price-lists",
        world.records["organization"][position],
        _price_list_body(world.records["organization"][position]),
        "body.organization_id",
    ),
    "GET /v1/admin/price-lists/{price_list_id}": _on("price_list", "price-lists", "GET"),
    "PATCH /v1/admin/price-lists/{price_list_id}": _on("price_list", "price-lists", "PATCH", body=RENAME),
    "DELETE /v1/admin/price-lists/{price_list_id}": _spare(
        "price_list",
        "price-lists",
        lambda world, position: _price_list_body(world.records["organization"][position]),
    ),
    "PUT /v1/admin/price-lists/{price_list_id}/prices": _prices("PUT"),
    "POST /v1/admin/price-lists/{price_list_id}/prices/delete": _prices("POST", "/delete"),
    "GET /v1/admin/price-lists/{price_list_id}/prices": _prices("GET"),
    "GET /v1/admin/websites/{website_id}/price-lists": _website_price_lists("GET"),
    "PUT /v1/admin/websites/{website_id}/price-lists": _website_price_lists("PUT"),
    "GET /v1/admin/customer-groups/{group_id}/price-lists": _group_price_lists("GET"),
    "PUT /v1/admin/customer-groups/{group_id}/price-lists": _group_price_lists("PUT"),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}/price-lists": _unit_price_lists("GET"),
    "PUT /v1/admin/customers/{customer_id}/units/{unit_id}/price-lists": _unit_price_lists("PUT"),
}


def _explain(world: World, position: str) -> Call:
    """Why the position's customer unit gets the position's product on the position's website (all
    three of one organization, within or outside the actor's limit together)."""
    records = world.records
    query = (
        f"customer={records['customer'][position]}&unit={records['unit'][position]}"
        f"&product={records['product'][position]}&website={records['website'][position]}"
        "&product_unit=each&quantity=1"
    )
    return Call("GET", f"{ADMIN}/prices/explain?{query}", records["product"][position])


RECORD_REQUESTS["GET /v1/admin/prices/explain"] = _explain
ROUTE_REQUESTS |= {
    "GET /v1/admin/exchange-rates": lambda world: Call("GET", f"{ADMIN}/exchange-rates", ""),
    "PUT /v1/admin/exchange-rates": lambda world: Call(
        "PUT",
        f"{ADMIN}/exchange-rates",
        "",
        {"rates": [{"from_currency": "EUR", "to_currency": "USD", "rate": "1.08"}]},
    ),
}
LISTS["GET /v1/admin/price-lists"] = ("price_list", "")
PRICES_READ_ROW = row(ta="AAH", oa="AHH", sr="AAH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE)
PRICES_WRITE_ROW = row(ta="AAH", oa="AHH", sr=NO_ROUTE, cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE)
MATRIX |= {
    "POST /v1/admin/price-lists": row(ta="AAU", oa="AUU", sr=NO_ROUTE, cm=NO_ROUTE, pm="AAU", ce=NO_ROUTE),
    "GET /v1/admin/price-lists": PRICES_READ_ROW,
    "GET /v1/admin/price-lists/{price_list_id}": PRICES_READ_ROW,
    "PATCH /v1/admin/price-lists/{price_list_id}": PRICES_WRITE_ROW,
    "DELETE /v1/admin/price-lists/{price_list_id}": PRICES_WRITE_ROW,
    "PUT /v1/admin/price-lists/{price_list_id}/prices": PRICES_WRITE_ROW,
    "POST /v1/admin/price-lists/{price_list_id}/prices/delete": PRICES_WRITE_ROW,
    "GET /v1/admin/price-lists/{price_list_id}/prices": PRICES_READ_ROW,
    "GET /v1/admin/websites/{website_id}/price-lists": PRICES_READ_ROW,
    "PUT /v1/admin/websites/{website_id}/price-lists": PRICES_WRITE_ROW,
    # a group's lists may be of any organization: a grant limited to some does not see them
    "GET /v1/admin/customer-groups/{group_id}/price-lists": row(
        ta="A-H", oa="H-H", sr="A-H", cm=NO_TENANT_ROUTE, pm="A-H", ce=NO_TENANT_ROUTE
    ),
    "PUT /v1/admin/customer-groups/{group_id}/price-lists": row(
        ta="A-H", oa="H-H", sr=NO_TENANT_ROUTE, cm=NO_TENANT_ROUTE, pm="A-H", ce=NO_TENANT_ROUTE
    ),
    # a unit's: the customer as customers.read reaches it (an Organization Administrator holds none)
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}/price-lists": row(
        ta="AAH", oa="HHH", sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE
    ),
    "PUT /v1/admin/customers/{customer_id}/units/{unit_id}/price-lists": row(
        ta="AAH", oa="HHH", sr=NO_ROUTE, cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE
    ),
    # the tenant's exchange rates serve every organization: a grant limited to some neither reads nor
    # changes them
    "GET /v1/admin/exchange-rates": row(ta="A", oa="F", sr="A", cm="F", pm="A", ce="F"),
    "PUT /v1/admin/exchange-rates": row(ta="A", oa="F", sr="F", cm="F", pm="A", ce="F"),
    # the product and website's organization, and the customer: an Organization Administrator reaches
    # A's, a Sales Representative only Globex (his customer)
    "GET /v1/admin/prices/explain": row(ta="AAH", oa="AHH", sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE),
}
ROUTE_REQUESTS |= {
    "GET /v1/admin/tax/configuration": lambda world: Call("GET", f"{ADMIN}/tax/configuration", ""),
    "PUT /v1/admin/tax/configuration": lambda world: Call(
        "PUT", f"{ADMIN}/tax/configuration", "", tax_configuration_body(), headers={"If-Match": "*"}
    ),
}
RECORD_REQUESTS |= {
    # a sale on the website at the position (a tenant without rules: untaxed)
    "POST /v1/admin/tax/preview": lambda world, position: Call(
        "POST",
        f"{ADMIN}/tax/preview",
        world.records["website"][position],
        {
            "website_id": world.records["website"][position],
            "currency": "EUR",
            "lines": [{"key": "a", "unit_price": "10.00", "quantity": "1"}],
            "shipping_address": {"country": "DE"},
        },
        field="body.website_id",
    ),
}
# the tenant's taxes serve every organization: only a grant without limits holds taxes.*
MATRIX |= {
    "GET /v1/admin/tax/configuration": row(ta="A", oa="F", sr="F", cm="F", pm="A", ce="F"),
    "PUT /v1/admin/tax/configuration": row(ta="A", oa="F", sr="F", cm="F", pm="A", ce="F"),
    "POST /v1/admin/tax/preview": row(ta="AAU", oa="FFF", sr="FFF", cm="FFF", pm="AAU", ce="FFF"),
}


# --- a price list replaced whole (its fields and rules): as its PATCH ---
def _replaced_price_list(world: World, position: str) -> Call:
    price_list = world.records["price_list"][position]
    path = f"{ADMIN}/price-lists/{price_list}"
    body = {"name": "Replaced", "currencies": ["EUR"]}
    return Call("PUT", path, price_list, body, headers=world.if_match(path, position))


RECORD_REQUESTS["PUT /v1/admin/price-lists/{price_list_id}"] = _replaced_price_list
MATRIX["PUT /v1/admin/price-lists/{price_list_id}"] = PRICES_WRITE_ROW


# --- checkout configuration: a website's shipping methods and order limits (its organization, as
# websites.read/write reach it), the tenant's payment terms (tenant.read: everyone; tenant.write: only
# a grant without limits), a unit's order limits (the customer, as customers.read/write reach it) ---
SHIPPING_METHOD = {"name": {"en": "Standard"}, "rates": {"kind": "flat", "costs": {"EUR": "9.90"}}}
ORDER_LIMITS = {"limits": {"EUR": {"minimum": "10"}}}


def _shipping_methods(method: str) -> Request:
    """A call on the shipping methods of the website at the position (the website is the record)."""

    def call(world: World, position: str) -> Call:
        website = world.records["website"][position]
        body = SHIPPING_METHOD if method == "POST" else None
        return Call(method, f"{ADMIN}/websites/{website}/shipping-methods", website, body)

    return call


def _shipping_method(method: str, body: dict[str, Any] | None = None) -> Request:
    """A call on a spare shipping method just made on the website at the position (version 1)."""

    def call(world: World, position: str) -> Call:
        website = world.records["website"][position]
        collection = f"{ADMIN}/websites/{website}/shipping-methods"
        record = world.make(position, collection, SHIPPING_METHOD)
        headers = {"If-Match": '"1"'} if method in ("PATCH", "DELETE") else {}
        return Call(method, f"{collection}/{record}", record, body, headers=headers)

    return call


def _website_limits(method: str) -> Request:
    def call(world: World, position: str) -> Call:
        website = world.records["website"][position]
        body = ORDER_LIMITS if method == "PUT" else None
        return Call(method, f"{ADMIN}/websites/{website}/order-limits", website, body)

    return call


def _payment_term(method: str, body: dict[str, Any] | None = None) -> Request:
    """A call on a spare payment term just made in the position's tenant (version 1)."""

    def call(world: World, position: str) -> Call:
        code = world.make(position, f"{ADMIN}/payment-terms", _payment_term_body(world))
        headers = {"If-Match": '"1"'} if method in ("PATCH", "DELETE") else {}
        return Call(method, f"{ADMIN}/payment-terms/{code}", code, body, headers=headers)

    return call


def _payment_term_body(world: World) -> dict[str, Any]:
    return {"code": world.fresh("term"), "name": {"en": "Net 30"}, "kind": "net", "net_days": 30}


def _unit_limits(method: str) -> Request:
    def call(world: World, position: str) -> Call:
        customer, unit = world.records["customer"][position], world.records["unit"][position]
        body = ORDER_LIMITS if method == "PUT" else None
        return Call(method, f"{ADMIN}/customers/{customer}/units/{unit}/order-limits", customer, body)

    return call


SHIPPING = f"{ADMIN}/websites/{{website_id}}/shipping-methods"
RECORD_REQUESTS |= {
    f"POST {SHIPPING}": _shipping_methods("POST"),
    f"GET {SHIPPING}": _shipping_methods("GET"),
    f"GET {SHIPPING}/{{shipping_method_id}}": _shipping_method("GET"),
    f"PATCH {SHIPPING}/{{shipping_method_id}}": _shipping_method("PATCH", {"active": False}),
    f"DELETE {SHIPPING}/{{shipping_method_id}}": _shipping_method("DELETE"),
    "GET /v1/admin/websites/{website_id}/order-limits": _website_limits("GET"),
    "PUT /v1/admin/websites/{website_id}/order-limits": _website_limits("PUT"),
    "GET /v1/admin/payment-terms/{payment_term_code}": _payment_term("GET"),
    "PATCH /v1/admin/payment-terms/{payment_term_code}": _payment_term(
        "PATCH", {"purchase_order_required": True}
    ),
    "DELETE /v1/admin/payment-terms/{payment_term_code}": _payment_term("DELETE"),
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}/order-limits": _unit_limits("GET"),
    "PUT /v1/admin/customers/{customer_id}/units/{unit_id}/order-limits": _unit_limits("PUT"),
}
ROUTE_REQUESTS |= {
    "POST /v1/admin/payment-terms": lambda world: Call(
        "POST", f"{ADMIN}/payment-terms", "", _payment_term_body(world)
    ),
    "GET /v1/admin/payment-terms": lambda world: Call("GET", f"{ADMIN}/payment-terms", ""),
}
WEBSITES_READ_ROW = row(ta="AAH", oa="AHH", sr=NO_ROUTE, cm="AAH", pm="AAH", ce="AAH")
WEBSITES_WRITE_ROW = row(ta="AAH", oa="AHH", sr=NO_ROUTE, cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE)
TENANT_WRITE_ROW = row(
    ta="A-H",
    oa=NO_TENANT_ROUTE,
    sr=NO_TENANT_ROUTE,
    cm=NO_TENANT_ROUTE,
    pm=NO_TENANT_ROUTE,
    ce=NO_TENANT_ROUTE,
)
MATRIX |= {
    f"POST {SHIPPING}": WEBSITES_WRITE_ROW,
    f"GET {SHIPPING}": WEBSITES_READ_ROW,
    f"GET {SHIPPING}/{{shipping_method_id}}": WEBSITES_READ_ROW,
    f"PATCH {SHIPPING}/{{shipping_method_id}}": WEBSITES_WRITE_ROW,
    f"DELETE {SHIPPING}/{{shipping_method_id}}": WEBSITES_WRITE_ROW,
    "GET /v1/admin/websites/{website_id}/order-limits": WEBSITES_READ_ROW,
    "PUT /v1/admin/websites/{website_id}/order-limits": WEBSITES_WRITE_ROW,
    "POST /v1/admin/payment-terms": row(ta="A", oa="F", sr="F", cm="F", pm="F", ce="F"),
    "GET /v1/admin/payment-terms": row(ta="A", oa="A", sr="A", cm="A", pm="A", ce="A"),
    "GET /v1/admin/payment-terms/{payment_term_code}": row(
        ta="A-H", oa="A-H", sr="A-H", cm="A-H", pm="A-H", ce="A-H"
    ),
    "PATCH /v1/admin/payment-terms/{payment_term_code}": TENANT_WRITE_ROW,
    "DELETE /v1/admin/payment-terms/{payment_term_code}": TENANT_WRITE_ROW,
    "GET /v1/admin/customers/{customer_id}/units/{unit_id}/order-limits": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm="AAH", ce=NO_ROUTE
    ),
    "PUT /v1/admin/customers/{customer_id}/units/{unit_id}/order-limits": row(
        ta="AAH", oa=NO_ROUTE, sr="AHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
}

# Orders: the order at each position lies on that position's website (its organization) and belongs to
# its customer: an Organization Administrator reaches A's, a Sales Representative only Globex's.
ORDERS_ROW = row(ta="AAH", oa="AHH", sr="AHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE)
RECORD_REQUESTS |= {
    "GET /v1/admin/orders/{order_id}": _on("order", "orders", "GET"),
    "POST /v1/admin/orders/{order_id}/transitions": lambda world, position: Call(
        "POST",
        f"{ADMIN}/orders/{world.records['order'][position]}/transitions",
        world.records["order"][position],
        {"transition": "hold", "note": "checking stock"},
        headers={"If-Match": '"1"'},
    ),
}
LISTS["GET /v1/admin/orders"] = ("order", "")
MATRIX |= {
    "GET /v1/admin/orders": ORDERS_ROW,
    "GET /v1/admin/orders/{order_id}": ORDERS_ROW,
    "POST /v1/admin/orders/{order_id}/transitions": ORDERS_ROW,
}

STATUS = {"F": 403, "H": 404, "U": 422, "C": 409, "N": 401}

# --- integration keys and the ERP imports: tenant-wide (integrations.*: a grant without limits); the
# ERP's own routes take an integration key, so a staff token is not one (N: 401) ---
INTEGRATION_KEY = {"name": "SAP", "scopes": ["product.upsert"]}


def _integration_key(suffix: str, method: str) -> Request:
    """A call on a spare integration key just made in the position's tenant."""

    def call(world: World, position: str) -> Call:
        key = world.make(position, f"{ADMIN}/integrations", INTEGRATION_KEY)
        return Call(method, f"{ADMIN}/integrations/{key}{suffix}", key)

    return call


RECORD_REQUESTS |= {
    "GET /v1/admin/integrations/{integration_id}": _integration_key("", "GET"),
    "POST /v1/admin/integrations/{integration_id}/revocation": _integration_key("/revocation", "POST"),
}
ROUTE_REQUESTS |= {
    "POST /v1/admin/integrations": lambda world: Call("POST", f"{ADMIN}/integrations", "", INTEGRATION_KEY),
    "GET /v1/admin/integrations": lambda world: Call("GET", f"{ADMIN}/integrations", ""),
    "GET /v1/admin/erp/imports": lambda world: Call("GET", f"{ADMIN}/erp/imports?status=failed", ""),
    "POST /v1/erp/messages": lambda world: Call("POST", "/v1/erp/messages", "", {"messages": [{}]}),
    "GET /v1/erp/messages/{message_id}": lambda world: Call("GET", "/v1/erp/messages/erp-1", ""),
}
NOT_AN_INTEGRATION = row(ta="N", oa="N", sr="N", cm="N", pm="N", ce="N")
MATRIX |= {
    "GET /v1/admin/integrations/{integration_id}": TENANT_WRITE_ROW,
    "POST /v1/admin/integrations/{integration_id}/revocation": TENANT_WRITE_ROW,
    "POST /v1/admin/integrations": row(ta="A", oa="F", sr="F", cm="F", pm="F", ce="F"),
    "GET /v1/admin/integrations": row(ta="A", oa="F", sr="F", cm="F", pm="F", ce="F"),
    "GET /v1/admin/erp/imports": row(ta="A", oa="F", sr="F", cm="F", pm="F", ce="F"),
    "POST /v1/erp/messages": NOT_AN_INTEGRATION,
    "GET /v1/erp/messages/{message_id}": NOT_AN_INTEGRATION,
}


# --- ordering on behalf (orders.place_on_behalf: the Tenant Administrator, a Sales Representative for
# his assigned customers). The buyers here (``orderer``) are predefined Buyers, who check out their own
# lists: once the customer is reached, the shop is read — ON_BEHALF_SHOP, verified when the world is
# built and changed by no other row, offers no product A-1 (422) — and this world holds no checkout: a
# checkout's routes are 404 for whoever holds the permission.
# tests/integration/test_checkout.py places orders on behalf on a real shop, and walks a rep of another
# customer and a buyer without checkout ---
def _checkout_for(world: World, position: str) -> Call:
    customer, user = world.records["customer"][position], world.records["orderer"][position]
    path = f"{ADMIN}/customers/{customer}/users/{user}/checkouts"
    body = {"lines": [{"sku": "A-1", "quantity": "1"}]}
    return Call("POST", path, customer, body, "body.lines[0].sku", headers={"X-Kontor-Host": ON_BEHALF_SHOP})


UNKNOWN_CHECKOUT = f"{ADMIN}/checkouts/chk_01J00000000000000000000000"
ON_A_SHOP = {"X-Kontor-Host": ON_BEHALF_SHOP}
RECORD_REQUESTS["POST /v1/admin/customers/{customer_id}/users/{user_id}/checkouts"] = _checkout_for
ROUTE_REQUESTS |= {
    "GET /v1/admin/checkouts/{checkout_id}": lambda world: Call(
        "GET", UNKNOWN_CHECKOUT, "", headers=ON_A_SHOP
    ),
    "PATCH /v1/admin/checkouts/{checkout_id}": lambda world: Call(
        "PATCH", UNKNOWN_CHECKOUT, "", {"notes": "Gate 4"}, headers={"If-Match": '"1"', **ON_A_SHOP}
    ),
    "POST /v1/admin/checkouts/{checkout_id}/order": lambda world: Call(
        "POST",
        UNKNOWN_CHECKOUT + "/order",
        "",
        {"grand_total": {"amount": "1.00", "currency": "EUR"}},
        headers={"If-Match": '"1"', **ON_A_SHOP},
    ),
}
NO_SUCH_CHECKOUT = row(ta="H", oa="F", sr="H", cm="F", pm="F", ce="F")
MATRIX |= {
    "POST /v1/admin/customers/{customer_id}/users/{user_id}/checkouts": row(
        ta="UUH", oa=NO_ROUTE, sr="UHH", cm=NO_ROUTE, pm=NO_ROUTE, ce=NO_ROUTE
    ),
    "GET /v1/admin/checkouts/{checkout_id}": NO_SUCH_CHECKOUT,
    "PATCH /v1/admin/checkouts/{checkout_id}": NO_SUCH_CHECKOUT,
    "POST /v1/admin/checkouts/{checkout_id}/order": NO_SUCH_CHECKOUT,
}


def test_every_staff_route_is_in_the_matrix() -> None:
    # given the staff routes
    assert STAFF_ROUTES

    # then each has a row per role and a way to be called: on each position's record, or once
    for name in STAFF_ROUTES:
        assert set(MATRIX.get(name, {})) == set(ROLES), f"{name}: add its row to MATRIX"
        ways = [name in RECORD_REQUESTS, name in ROUTE_REQUESTS, name in LISTS]
        assert ways.count(True) == 1, (
            f"{name}: say in one of RECORD_REQUESTS, ROUTE_REQUESTS, LISTS how to call it"
        )
        width = 1 if name in ROUTE_REQUESTS else len(POSITIONS)
        assert all(len(answers) == width for answers in MATRIX[name].values()), name
    assert set(MATRIX) == set(STAFF_ROUTES), "MATRIX names a route that is gone"


def _mismatch(name: str, position: str, expected: str, status: int, body: Any) -> str:
    return f"{name} @ {position}: expected {expected}, got {status} {json.dumps(body)[:200]}"


def _check(world: World, name: str, position: str, expected: str, call: Call, mismatches: list[str]) -> None:
    """Make the call as the actor; note a mismatch; a refusal must write nothing and name nothing."""
    writes = world.table.writes()
    reply = world.api.call(call.method, call.path, token=world.actor, body=call.body, headers=call.headers)
    if expected == "A":
        if not 200 <= reply.status < 300:
            mismatches.append(_mismatch(name, position, expected, reply.status, reply.body))
        return
    assert world.table.writes() == writes, f"{name} @ {position}: the refusal wrote to the table"
    if reply.status != STATUS[expected]:
        mismatches.append(_mismatch(name, position, expected, reply.status, reply.body))
    if expected == "U" and reply.status == 422:
        assert [error["loc"] for error in reply.body["errors"]] == [call.field], reply.body
    if call.record:
        assert call.record not in json.dumps(reply.body), f"{name} @ {position}: leaked"


@pytest.mark.parametrize("role", ROLES)
def test_a_route_on_each_position_answers_as_the_matrix_says_and_a_refusal_changes_nothing(
    world_for: Callable[[str], World], role: str
) -> None:
    # given an actor holding the role, and a record of each kind at every position
    world = world_for(role)
    mismatches: list[str] = []

    for name, request in RECORD_REQUESTS.items():
        for position, expected in zip(POSITIONS, MATRIX[name][role], strict=True):
            if expected == "-":
                continue
            # when the actor calls the route on the record at that position
            # then the answer is the matrix's; a refusal writes nothing and names nothing of the record
            _check(world, name, position, expected, request(world, position), mismatches)
    assert mismatches == []


@pytest.mark.parametrize("role", ROLES)
def test_a_route_without_a_record_answers_as_the_matrix_says(
    world_for: Callable[[str], World], role: str
) -> None:
    # given an actor holding the role
    world = world_for(role)
    mismatches: list[str] = []

    # when they call each route that takes no record
    # then the answer is the matrix's; a refusal writes nothing
    for name, request in ROUTE_REQUESTS.items():
        _check(world, name, "-", MATRIX[name][role], request(world), mismatches)
    assert mismatches == []


@pytest.mark.parametrize("role", ROLES)
def test_a_list_shows_the_records_of_exactly_the_positions_the_matrix_says(
    world_for: Callable[[str], World], module_outbox: Outbox, role: str
) -> None:
    # given an actor holding the role, a record of each kind at every position, and their audit entries
    world = world_for(role)
    if "A" in MATRIX["GET /v1/admin/audit"][role]:
        module_outbox.drain()  # the audit entries are only looked for in a list the role may read
    mismatches: list[str] = []

    for name, (kind, query) in LISTS.items():
        answers = MATRIX[name][role]
        method, path = name.split(" ", 1)
        refused = set(answers) <= {"F", "-"}
        writes = world.table.writes()

        # when they list
        reply = world.api.call(method, path + query, token=world.actor)

        # then exactly the positions marked A are listed (F: the whole list is refused, writing nothing)
        if refused:
            assert world.table.writes() == writes, f"{name}: the refusal wrote to the table"
            if reply.status != 403:
                mismatches.append(_mismatch(name, "-", "F", reply.status, reply.body))
            continue
        if reply.status != 200:
            mismatches.append(_mismatch(name, "-", "A", reply.status, reply.body))
            continue
        items = reply.body["items"]
        listed = {item["entity_id"] if name == "GET /v1/admin/audit" else item["id"] for item in items}
        cells = dict(zip(POSITIONS, answers, strict=True))
        shown = {
            position
            for position, record in world.records[kind].items()
            if cells[position] != "-" and record in listed
        }
        expected = {position for position, answer in cells.items() if answer == "A"}
        if shown != expected:
            mismatches.append(f"{name}: expected {sorted(expected)} listed, got {sorted(shown)}")
    assert mismatches == []
