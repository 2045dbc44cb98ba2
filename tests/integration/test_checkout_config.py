"""What checkout reads, through the admin API: a website's shipping methods and order limits, the
tenant's payment terms and a unit's order limits; and the answers checkout gets from them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chalicelib.domain.money import Money
from chalicelib.domain.orders.shipping import Cart, CartLine
from chalicelib.services import checkout_config, customers

from .conftest import Api, Factories, Table
from .support import assert_problem, error_locs

pytestmark = pytest.mark.shared_account
ADMIN = "/v1/admin"
FLAT = {"name": {"en": "Standard"}, "rates": {"kind": "flat", "costs": {"EUR": "9.90"}}}
BY_WEIGHT = {
    "name": {"en": "Freight", "de": "Spedition"},
    "position": 1,
    "rates": {
        "kind": "table",
        "by": "weight",
        "bands": {"EUR": [{"from_value": "0", "cost": "5.00"}, {"from_value": "30", "cost": "49.00"}]},
    },
}


@pytest.fixture
def shop(factories: Factories) -> dict[str, str]:
    """acme's administrator and a website selling in EUR."""
    token = factories.tenant("acme")
    organization = factories.organization(token)["id"]
    website = factories.website(token, organization)["id"]
    return {"token": token, "website": website}


def _methods(shop: dict[str, str]) -> str:
    return f"{ADMIN}/websites/{shop['website']}/shipping-methods"


def test_a_website_offers_its_shipping_methods_with_their_costs(api: Api, shop: dict[str, str]) -> None:
    # given a flat method and a weight table on the website
    for body in (FLAT, BY_WEIGHT):
        reply = api.call("POST", _methods(shop), token=shop["token"], body=body)
        assert reply.status == 201, reply.body
        assert reply.body["website_id"] == shop["website"]

    # when a 40 kg cart of 250 EUR asks checkout's question
    cart = Cart(Money(Decimal("250"), "EUR"), (CartLine(Decimal("8"), Decimal("5")),))
    options = checkout_config.shipping_options_for("acme", shop["website"], cart)

    # then both, by position, each with its cost in the cart's currency
    assert [(option.name["en"], option.cost.amount) for option in options] == [
        ("Standard", "9.90"),
        ("Freight", "49.00"),
    ]
    listed = api.call("GET", _methods(shop), token=shop["token"])
    assert [method["name"]["en"] for method in listed.body["items"]] == ["Standard", "Freight"]


def test_a_shipping_method_is_changed_at_its_version_and_deleted(api: Api, shop: dict[str, str]) -> None:
    # given a flat method
    created = api.call("POST", _methods(shop), token=shop["token"], body=FLAT).body
    path = f"{_methods(shop)}/{created['id']}"

    # when it is switched off, then deleted
    changed = api.call("PATCH", path, token=shop["token"], body={"active": False, "version": 1})
    stale = api.call("PATCH", path, token=shop["token"], body={"active": True, "version": 1})
    deleted = api.call("DELETE", path, token=shop["token"], headers={"If-Match": '"2"'})

    # then each at the version read, and gone after
    assert (changed.status, changed.body["active"], changed.body["version"]) == (200, False, 2)
    assert_problem(stale, 412)
    assert deleted.status == 204
    assert_problem(api.call("GET", path, token=shop["token"]), 404)


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({**FLAT, "rates": {"kind": "flat", "costs": {"USD": "9.90"}}}, "body.rates"),
        ({**FLAT, "rates": {"kind": "flat", "costs": {"EUR": "9.999"}}}, "body.rates.flat"),
        ({**FLAT, "rates": {"kind": "flat", "costs": {"EUR": 9.9}}}, "body.rates.flat.costs.EUR"),
        ({**FLAT, "rates": {"kind": "pigeon"}}, "body.rates"),
        ({**FLAT, "name": {}}, "body.name"),
    ],
    ids=["unsold-currency", "sub-cent", "float", "unknown-kind", "no-name"],
)
def test_bad_rates_are_422_and_change_nothing(
    api: Api, shop: dict[str, str], table: Table, body: dict[str, Any], location: str
) -> None:
    writes = table.writes()
    reply = api.call("POST", _methods(shop), token=shop["token"], body=body)
    assert location in error_locs(reply)
    assert table.writes() == writes


def test_the_default_payment_term_is_one_and_applies_where_a_unit_names_none(
    api: Api, shop: dict[str, str]
) -> None:
    # given net 30 as the default, then prepayment made the default
    net30 = {"code": "net30", "name": {"en": "Net 30"}, "kind": "net", "net_days": 30, "is_default": True}
    prepay = {"code": "prepay", "name": {"en": "Prepayment"}, "kind": "prepayment", "is_default": True}
    for body in (net30, prepay):
        assert api.call("POST", f"{ADMIN}/payment-terms", token=shop["token"], body=body).status == 201

    # then net 30 is no longer the default, and a unit naming none pays on prepayment
    terms = api.call("GET", f"{ADMIN}/payment-terms", token=shop["token"]).body["items"]
    assert {term["code"]: term["is_default"] for term in terms} == {"net30": False, "prepay": True}
    applying = checkout_config.payment_term_for("acme", None)
    assert applying is not None
    assert applying.code == "prepay"
    named = checkout_config.payment_term_for("acme", "net30")
    assert named is not None
    assert named.net_days == 30


def test_a_payment_term_code_is_taken_once(api: Api, shop: dict[str, str]) -> None:
    body = {"code": "net30", "name": {"en": "Net 30"}, "kind": "net", "net_days": 30}
    assert api.call("POST", f"{ADMIN}/payment-terms", token=shop["token"], body=body).status == 201
    assert_problem(api.call("POST", f"{ADMIN}/payment-terms", token=shop["token"], body=body), 409)


def test_order_limits_of_a_website_and_a_unit_decide_together(
    api: Api, shop: dict[str, str], factories: Factories
) -> None:
    # given a website's limits and a company whose division allows larger orders
    token = shop["token"]
    website_limits = f"{ADMIN}/websites/{shop['website']}/order-limits"
    body = {"limits": {"EUR": {"minimum": "50", "maximum": "10000"}}, "version": 0}
    set_website = api.call("PUT", website_limits, token=token, body=body)
    company = factories.customer(token)["id"]
    division = factories.unit(token, company, company)["id"]
    unit_limits = f"{ADMIN}/customers/{company}/units/{division}/order-limits"
    set_unit = api.call("PUT", unit_limits, token=token, body={"limits": {"EUR": {"maximum": "50000"}}})

    # when orders of the division are checked
    loaded = customers.load_company("acme", company)
    path = [loaded.units[unit_id] for unit_id in loaded.tree.path(division)]
    records = checkout_config.repository.query_all(f"T#acme#CUST#{company}", page_size=100)

    def check(amount: str) -> Any:
        return checkout_config.limit_breach_for(
            "acme", shop["website"], path, records, Money(Decimal(amount), "EUR")
        )

    # then the division's own limit replaces the website's
    assert (set_website.status, set_website.body["version"]) == (200, 1)
    assert (set_unit.status, set_unit.body["owner_id"], set_unit.body["version"]) == (200, division, 1)
    assert check("20000") is None
    assert check("10") is None
    over = check("50000.01")
    assert over is not None
    assert (over.bound, over.limit.amount, over.source) == ("maximum", "50000", division)
    assert api.call("GET", unit_limits, token=token).body["limits"] == {
        "EUR": {"minimum": None, "maximum": "50000"}
    }


def test_order_limits_are_replaced_at_the_version_read(api: Api, shop: dict[str, str], table: Table) -> None:
    path = f"{ADMIN}/websites/{shop['website']}/order-limits"
    body = {"limits": {"EUR": {"minimum": "50"}}, "version": 0}
    assert api.call("PUT", path, token=shop["token"], body=body).status == 200
    writes = table.writes()
    assert_problem(api.call("PUT", path, token=shop["token"], body=body), 412)
    assert "body.limits" in error_locs(
        api.call("PUT", path, token=shop["token"], body={"limits": {"USD": {"minimum": "1"}}, "version": 1})
    )
    assert table.writes() == writes
    cleared = api.call("PUT", path, token=shop["token"], body={"limits": {}, "version": 1})
    assert (cleared.status, cleared.body["limits"], cleared.body["version"]) == (200, {}, 0)
