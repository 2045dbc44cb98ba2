"""A shop to check out in, shared by the checkout tests and the round-trip counts.

acme's shop.acme.de (EUR, USD; German VAT from the demo tax configuration, prices excluding tax)
offering Fasteners: a bolt HB-100 sold by the box (at least 10, in steps of 5; 1.2 kg) or by the piece,
a nut HN-200, ``extra`` more products for long orders (P-0001...); the website's price list (the bolt
4.00 EUR a box, 3.50 from 20, 0.45 each; the nut 0.10; each extra 1.00); a flat shipping method (9.90
EUR) and an inactive one; the payment term net30 (the default). Globex (billing and shipping address on
the company; Manufacturing > Plant Lyon, Plant Ohio) with Bob (Lyon) and Olga (Ohio), who
hold the company's role Orderer (a buyer who checks out, as the predefined Buyer does), Ava (company
administrator) and Rita (Reader: catalog and prices, Lyon); Initech with Ina (purchasing manager) and
an address of its own; Sam, a sales representative assigned to Globex, and Sid, one assigned to nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from local.demo_taxes import demo_tax_configuration

from .conftest import Api
from .support import address_body, product_body

HOST = "shop.acme.de"
CHECKOUTS = "/v1/store/checkouts"
BOX = {
    "code": "box",
    "label": {"en": "box"},
    "min_order_quantity": "10",
    "order_increment": "5",
    "weight": "1.2",
}
EACH = {"code": "each", "label": {"en": "each"}}
Make = Callable[..., Any]


@dataclass
class CheckoutShop:
    api: Api
    admin: str
    website: str
    products: dict[str, str]  # by SKU
    tokens: dict[str, str]  # by first name
    ids: dict[str, str]  # units, users, addresses, shipping methods, price list
    extra_skus: list[str] = field(default_factory=list)

    def call(self, who: str, method: str, path: str, body: Any = None, **headers: str) -> Any:
        return self.api.call(
            method, path, token=self.tokens[who], body=body, headers={"X-Kontor-Host": HOST, **headers}
        )

    def start(self, who: str, *lines: tuple[str, str, str], path: str = CHECKOUTS) -> dict[str, Any]:
        """A checkout of (SKU, unit, quantity) lines."""
        body = {"lines": [{"sku": sku, "unit": unit, "quantity": quantity} for sku, unit, quantity in lines]}
        reply = self.call(who, "POST", path, body)
        assert reply.status == 201, reply.body
        return dict(reply.body)

    def steps(self) -> dict[str, Any]:
        """Every step's choice: the company's addresses, the flat method, the payment term."""
        return {
            "billing_address": {"address_id": self.ids["billing"]},
            "shipping_address": {"address_id": self.ids["shipping"]},
            "shipping_method_id": self.ids["flat"],
            "payment": {},
        }

    def reviewed(self, who: str, checkout: dict[str, Any], prefix: str = CHECKOUTS) -> dict[str, Any]:
        """The checkout with every step done and reviewed."""
        path = f"{prefix}/{checkout['id']}"
        body = {**self.steps(), "reviewed": True}
        reply = self.call(who, "PATCH", path, body, **{"If-Match": f'"{checkout["version"]}"'})
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def place(self, who: str, checkout: dict[str, Any], prefix: str = CHECKOUTS, **headers: str) -> Any:
        body = {"grand_total": checkout["totals"]["grand_total"]}
        headers = {"If-Match": f'"{checkout["version"]}"', **headers}
        return self.call(who, "POST", f"{prefix}/{checkout['id']}/order", body, **headers)

    def set_price(self, sku: str, unit: str, value: str) -> None:
        row = {"sku": sku, "unit": unit, "currency": "EUR", "min_quantity": "1", "value": value}
        path = f"/v1/admin/price-lists/{self.ids['price_list']}/prices"
        reply = self.api.call("PUT", path, token=self.admin, body={"rows": [row]})
        assert reply.status == 200, reply.body


def build_checkout_shop(api: Api, make: Callable[[str], Make], extra: int = 0) -> CheckoutShop:
    """The world (see the module's docstring); ``make`` gives the factory fixture of a name."""
    admin = make("make_tenant")("acme")
    organization = make("make_organization")(admin)["id"]
    website = make("make_website")(admin, organization, currencies=["EUR", "USD"], default_currency="EUR")[
        "id"
    ]
    make("verify_hostname")(admin, website, HOST)
    root = make("make_category")(admin, organization, "Fasteners")
    offered = api.call(
        "PATCH",
        f"/v1/admin/websites/{website}",
        token=admin,
        body={"category_root_ids": [root]},
        headers={"If-Match": "*"},
    )
    assert offered.status == 200, offered.body
    taxes = api.call(
        "PUT",
        "/v1/admin/tax/configuration",
        token=admin,
        body=demo_tax_configuration(),
        headers={"If-Match": "0"},
    )
    assert taxes.status == 200, taxes.body
    make_product = make("make_product")
    made: dict[str, dict[str, Any]] = {"HB-100": {"units": [BOX, EACH], "primary_unit": "box"}, "HN-200": {}}
    extra_skus = [f"P-{number:04d}" for number in range(1, extra + 1)]
    made |= {sku: {} for sku in extra_skus}
    products = {
        sku: make_product(admin, organization, sku=sku, primary_category_id=root, **fields)["id"]
        for sku, fields in made.items()
    }
    price_list = _price_the_website(api, admin, organization, website, extra_skus)
    ids = {"price_list": price_list, **_checkout_settings(api, admin, website)}
    ids |= _companies(api, make, admin)
    tokens = _people(api, make, admin, ids)
    return CheckoutShop(api, admin, website, products, tokens, ids, extra_skus)


def _price_the_website(api: Api, admin: str, organization: str, website: str, extra_skus: list[str]) -> str:
    rows = [
        ("HB-100", "box", "1", "4.00"),
        ("HB-100", "box", "20", "3.50"),
        ("HB-100", "each", "1", "0.45"),
        ("HN-200", "each", "1", "0.10"),
    ] + [(sku, "each", "1", "1.00") for sku in extra_skus]
    body = {"name": "Web", "organization_id": organization, "currencies": ["EUR", "USD"]}
    created = api.call("POST", "/v1/admin/price-lists", token=admin, body=body)
    assert created.status == 201, created.body
    list_id = str(created.body["id"])
    prices = [
        {"sku": sku, "unit": unit, "currency": "EUR", "min_quantity": minimum, "value": value}
        for sku, unit, minimum, value in rows
    ]
    for start in range(0, len(prices), 100):  # small calls: a loaded DynamoDB Local answers in time
        put = api.call(
            "PUT",
            f"/v1/admin/price-lists/{list_id}/prices",
            token=admin,
            body={"rows": prices[start : start + 100]},
        )
        assert put.status == 200, put.body
    assignment = {"fallback": "next", "lists": [{"price_list_id": list_id, "priority": 1}]}
    assigned = api.call("PUT", f"/v1/admin/websites/{website}/price-lists", token=admin, body=assignment)
    assert assigned.status == 200, assigned.body
    return list_id


def _checkout_settings(api: Api, admin: str, website: str) -> dict[str, str]:
    methods = f"/v1/admin/websites/{website}/shipping-methods"
    flat = {"name": {"en": "Standard"}, "rates": {"kind": "flat", "costs": {"EUR": "9.90"}}}
    inactive = {**flat, "name": {"en": "Retired"}, "active": False}
    ids = {}
    for name, body in (("flat", flat), ("inactive", inactive)):
        reply = api.call("POST", methods, token=admin, body=body)
        assert reply.status == 201, reply.body
        ids[name] = str(reply.body["id"])
    term = {"code": "net30", "name": {"en": "Net 30"}, "kind": "net", "net_days": 30, "is_default": True}
    reply = api.call("POST", "/v1/admin/payment-terms", token=admin, body=term)
    assert reply.status == 201, reply.body
    return ids


def _addresses(api: Api, admin: str, customer: str) -> dict[str, str]:
    reply = api.call("GET", f"/v1/admin/customers/{customer}", token=admin)
    assert reply.status == 200, reply.body
    return {address["kind"]: address["id"] for address in reply.body["addresses"]}


def _companies(api: Api, make: Callable[[str], Make], admin: str) -> dict[str, str]:
    staff = {}
    for name, email in (("sam", "sam.sales@acme.example"), ("sid", "sid.sales@acme.example")):
        staff[name] = make("make_staff_user")(admin, email, name=name.title())["id"]
    german = {"line1": "Industriestr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}
    book = [
        address_body(kind="billing", label="Head office", is_default=True, **german),
        address_body(kind="shipping", label="Warehouse", is_default=True, **german),
    ]
    company = make("make_customer")(admin, addresses=book, sales_rep_ids=[staff["sam"]])["id"]
    manufacturing = make("make_unit")(admin, company, company)["id"]
    lyon = make("make_unit")(admin, company, manufacturing, name="Plant Lyon", kind="branch")["id"]
    ohio = make("make_unit")(admin, company, manufacturing, name="Plant Ohio", kind="branch")["id"]
    initech = make("make_customer")(admin, name="Initech", addresses=[address_body(kind="shipping")])["id"]
    found = _addresses(api, admin, company)
    return {
        "company": company,
        "manufacturing": manufacturing,
        "lyon": lyon,
        "ohio": ohio,
        "initech": initech,
        "billing": found["billing"],
        "shipping": found["shipping"],
        "initech_shipping": _addresses(api, admin, initech)["shipping"],
        **staff,
    }


# Globex's own roles: one that checks out its own lists and follows its orders, and one that only reads
# (no checkout).
ROLES = {
    "orderer": {
        "catalog.view": "unit",
        "prices.view": "unit",
        "addresses.view": "unit",
        "shopping_lists.view": "own",
        "shopping_lists.manage": "own",
        "checkout.place_order": "own",
        "orders.view": "own",
    },
    "reader": {"catalog.view": "unit", "prices.view": "unit"},
}


def _company_role(api: Api, token: str, name: str, grants: dict[str, str]) -> str:
    reply = api.call(
        "POST", "/v1/store/company/roles", token=token, body={"name": name.title(), "grants": grants}
    )
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def _people(api: Api, make: Callable[[str], Make], admin: str, ids: dict[str, str]) -> dict[str, str]:
    make_user = make("make_customer_user")
    emails = {"ava": "ava@globex.example", "ina": "ina@initech.example"}
    ids["user_ava"] = make_user(
        admin, ids["company"], ids["company"], email=emails["ava"], role_id="administrator"
    )["id"]
    ids["user_ina"] = make_user(
        admin, ids["initech"], ids["initech"], email=emails["ina"], role_id="purchasing-manager"
    )["id"]
    ava = api.token("acme", emails["ava"])
    roles = {name: _company_role(api, ava, name, grants) for name, grants in ROLES.items()}
    for name, unit, role in (
        ("bob", "lyon", "orderer"),
        ("olga", "ohio", "orderer"),
        ("rita", "lyon", "reader"),
    ):
        emails[name] = f"{name}@globex.example"
        user = make_user(admin, ids["company"], ids[unit], email=emails[name], role_id=roles[role])
        ids[f"user_{name}"] = user["id"]
    tokens = {name: api.token("acme", email) for name, email in emails.items()}
    tokens |= {
        "sam": api.token("acme", "sam.sales@acme.example"),
        "sid": api.token("acme", "sid.sales@acme.example"),
    }
    for name, token in tokens.items():  # the first sign-in binds each account (a write): done here once
        path = "/v1/admin/me" if name in ("sam", "sid") else "/v1/store/me"
        assert api.call("GET", path, token=token).status == 200, name
    return tokens


def one_product_shop(api: Api, admin: str, website: str, organization: str, sku: str = "HB-M8x40") -> str:
    """``website`` (its hostname verified) offering a category with one product (``sku``); returns the
    SKU: enough to start a checkout there (prices and steps aside)."""
    category = api.call(
        "POST",
        f"/v1/admin/organizations/{organization}/categories",
        token=admin,
        body={"name": {"en": "Bolts"}, "slug": {"en": "bolts"}},
    )
    assert category.status == 201, category.body
    product = api.call(
        "POST",
        "/v1/admin/products",
        token=admin,
        body=product_body(organization, sku=sku, primary_category_id=category.body["id"]),
    )
    assert product.status == 201, product.body
    offered = api.call(
        "PATCH",
        f"/v1/admin/websites/{website}",
        token=admin,
        body={"category_root_ids": [category.body["id"]]},
        headers={"If-Match": "*"},
    )
    assert offered.status == 200, offered.body
    return str(product.body["sku"])
