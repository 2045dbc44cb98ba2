"""Price lists assigned to a website, a customer group and a customer unit; websites' merge strategy;
the tenant's exchange rates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Table
from .support import error_locs

pytestmark = pytest.mark.shared_account

ADMIN = "/v1/admin"
Make = Callable[..., dict[str, Any]]


@dataclass
class Acme:
    token: str
    website: dict[str, Any]  # of organization A, in EUR
    euro_list: str  # of A, EUR
    pound_list: str  # of A, GBP only: no website of A offers it
    other_list: str  # of organization B, EUR
    group: str
    customer: str
    plant: str


@pytest.fixture
def acme(
    api: Api,
    make_tenant: Callable[..., str],
    make_organization: Make,
    make_website: Make,
    make_customer_group: Make,
    make_customer: Make,
    make_unit: Make,
) -> Acme:
    token = make_tenant("acme")
    a, b = make_organization(token)["id"], make_organization(token, name="Acme Nordics")["id"]

    def price_list(organization: str, currency: str) -> str:
        body = {"name": currency, "organization_id": organization, "currencies": [currency]}
        return str(api.call("POST", f"{ADMIN}/price-lists", token=token, body=body).body["id"])

    customer = make_customer(token)["id"]
    return Acme(
        token,
        make_website(token, a),
        price_list(a, "EUR"),
        price_list(a, "GBP"),
        price_list(b, "EUR"),
        make_customer_group(token)["id"],
        customer,
        make_unit(token, customer, customer, name="Plant Lyon", kind="branch")["id"],
    )


def assignment(*lists: str, fallback: str = "next", merge_allowed: bool = True) -> dict[str, Any]:
    return {
        "fallback": fallback,
        "lists": [
            {"price_list_id": list_id, "priority": priority, "merge_allowed": merge_allowed}
            for priority, list_id in enumerate(lists, start=1)
        ],
    }


def pricing_generation(table: Table) -> tuple[int, int]:
    tenant = table.get("T#acme#TENANT", "TENANT")
    assert tenant is not None
    return int(tenant["data"].get("pricing_generation", 0)), int(tenant["version"])


def test_a_website_s_lists_are_replaced_whole_and_count_a_pricing_change(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    path = f"{ADMIN}/websites/{acme.website['id']}/price-lists"
    before, version = pricing_generation(table)

    # when
    put = api.call("PUT", path, token=acme.token, body=assignment(acme.euro_list, fallback="this_level_only"))
    read = api.call("GET", path, token=acme.token)

    # then
    assert put.status == 200, put.body
    assert read.body == {
        "level": "website",
        "owner_id": acme.website["id"],
        "customer_id": None,
        "fallback": "this_level_only",
        "lists": [{"price_list_id": acme.euro_list, "priority": 1, "merge_allowed": True}],
    }
    assert pricing_generation(table) == (before + 1, version)  # the tenant's own version is left alone


def test_a_level_without_lists_reads_as_falling_back(api: Api, acme: Acme) -> None:
    # when
    read = api.call("GET", f"{ADMIN}/customer-groups/{acme.group}/price-lists", token=acme.token)

    # then
    assert (read.body["fallback"], read.body["lists"]) == ("next", [])


@pytest.mark.parametrize(
    ("case", "lists", "loc"),
    [
        ("another organization's list", ["other_list"], "body.lists[0].price_list_id"),
        ("no currency of the website", ["pound_list"], "body.lists[0].price_list_id"),
        ("an unknown list", ["prl_01J00000000000000000000000"], "body.lists[0].price_list_id"),
        ("a list twice", ["euro_list", "euro_list"], "body.lists"),
    ],
)
def test_an_invalid_website_assignment_is_422_and_writes_nothing(
    api: Api, acme: Acme, table: Table, case: str, lists: list[str], loc: str
) -> None:
    # given
    before = table.writes()
    named = [getattr(acme, name) if not name.startswith("prl_") else name for name in lists]

    # when
    reply = api.call(
        "PUT", f"{ADMIN}/websites/{acme.website['id']}/price-lists", token=acme.token, body=assignment(*named)
    )

    # then
    assert error_locs(reply) == [loc], case
    assert table.writes() == before


def test_a_group_s_lists_need_a_currency_some_website_of_their_organization_offers(
    api: Api, acme: Acme
) -> None:
    # given
    path = f"{ADMIN}/customer-groups/{acme.group}/price-lists"

    # when
    refused = api.call("PUT", path, token=acme.token, body=assignment(acme.pound_list))
    accepted = api.call("PUT", path, token=acme.token, body=assignment(acme.euro_list, merge_allowed=False))

    # then
    assert error_locs(refused) == ["body.lists[0].price_list_id"]
    assert accepted.status == 200, accepted.body
    assert accepted.body["lists"][0]["merge_allowed"] is False


def test_a_unit_s_lists_ride_in_its_company_read_with_the_principal(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    from chalicelib.services.customers import load_company

    path = f"{ADMIN}/customers/{acme.customer}/units/{acme.plant}/price-lists"
    before, _ = pricing_generation(table)

    # when
    put = api.call("PUT", path, token=acme.token, body=assignment(acme.euro_list))
    company = load_company("acme", acme.customer)

    # then
    assert put.status == 200, put.body
    assert api.call("GET", path, token=acme.token).body["lists"] == put.body["lists"]
    assigned = company.price_lists[acme.plant]
    assert (assigned.fallback, [item.price_list_id for item in assigned.lists]) == ("next", [acme.euro_list])
    assert pricing_generation(table)[0] == before  # the company's partition is read fresh every request


def test_emptying_a_level_removes_its_assignment(api: Api, acme: Acme, table: Table) -> None:
    # given
    path = f"{ADMIN}/customers/{acme.customer}/units/{acme.plant}/price-lists"
    api.call("PUT", path, token=acme.token, body=assignment(acme.euro_list))

    # when
    reply = api.call("PUT", path, token=acme.token, body=assignment())

    # then
    assert reply.status == 200, reply.body
    assert table.get(f"T#acme#CUST#{acme.customer}", f"PRC#{acme.plant}") is None


def test_an_unknown_unit_is_404(api: Api, acme: Acme) -> None:
    # when
    path = f"{ADMIN}/customers/{acme.customer}/units/unt_01J00000000000000000000000/price-lists"
    reply = api.call("PUT", path, token=acme.token, body=assignment(acme.euro_list))

    # then
    assert reply.status == 404


def test_a_website_s_merge_strategy_is_minimal_until_changed_which_counts_a_pricing_change(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    path = f"{ADMIN}/websites/{acme.website['id']}"
    before, _ = pricing_generation(table)

    # when
    changed = api.call(
        "PATCH", path, token=acme.token, body={"price_merge_strategy": "priority"}, headers={"If-Match": "*"}
    )
    wrong = api.call(
        "PATCH", path, token=acme.token, body={"price_merge_strategy": "cheapest"}, headers={"If-Match": "*"}
    )

    # then
    assert acme.website["price_merge_strategy"] == "minimal"
    assert changed.body["price_merge_strategy"] == "priority"
    assert pricing_generation(table)[0] == before + 1
    assert error_locs(wrong) == ["body.price_merge_strategy"]


def test_exchange_rates_are_replaced_whole_and_count_a_pricing_change(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    rates = [
        {"from_currency": "EUR", "to_currency": "USD", "rate": "1.0832"},
        {"from_currency": "EUR", "to_currency": "GBP", "rate": "0.86"},
    ]
    before, _ = pricing_generation(table)

    # when
    put = api.call("PUT", f"{ADMIN}/exchange-rates", token=acme.token, body={"rates": rates})
    read = api.call("GET", f"{ADMIN}/exchange-rates", token=acme.token)

    # then
    assert put.status == 200, put.body
    assert read.body == {"rates": rates}
    assert pricing_generation(table)[0] == before + 1


@pytest.mark.parametrize(
    ("case", "rates", "loc"),
    [
        ("one currency", [{"from_currency": "EUR", "to_currency": "EUR", "rate": "1"}], "body.rates[0]"),
        ("zero", [{"from_currency": "EUR", "to_currency": "USD", "rate": "0"}], "body.rates[0]"),
        (
            "a JSON number",
            [{"from_currency": "EUR", "to_currency": "USD", "rate": 1.08}],
            "body.rates[0].rate",
        ),
        (
            "a pair twice",
            [{"from_currency": "EUR", "to_currency": "USD", "rate": "1.08"}] * 2,
            "body.rates",
        ),
    ],
)
def test_invalid_exchange_rates_are_422(
    api: Api, acme: Acme, table: Table, case: str, rates: list[dict[str, Any]], loc: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("PUT", f"{ADMIN}/exchange-rates", token=acme.token, body={"rates": rates})

    # then
    assert error_locs(reply) == [loc], case
    assert table.writes() == before


@pytest.mark.parametrize(("mode", "status"), [("half_even", 200), ("bankers", 422)])
def test_the_tenant_chooses_its_rounding_mode(api: Api, acme: Acme, mode: str, status: int) -> None:
    # given
    tenant = api.call("GET", f"{ADMIN}/tenant", token=acme.token).body
    settings = {**tenant["settings"], "rounding_mode": mode}

    # when
    reply = api.call(
        "PATCH", f"{ADMIN}/tenant", token=acme.token, body={"settings": settings}, headers={"If-Match": "*"}
    )

    # then
    assert reply.status == status, reply.body
    if status == 200:
        assert reply.body["settings"]["rounding_mode"] == mode
    else:
        assert error_locs(reply) == ["body.settings.rounding_mode"]
