"""A selection's products and unit assignments: the items they write, and how the explanation uses them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Table, Worlds
from .support import assert_problem, error_locs

Make = Callable[..., dict[str, Any]]
UNKNOWN_UNIT = "unt_01J00000000000000000000000"


# Every test here starts from the world this module builds once: see conftest.
pytestmark = pytest.mark.shared_account


@dataclass
class World:
    token: str
    organization: str
    product: str
    other_product: str  # of another organization
    website: str
    customer: str
    plant: str
    selection: str  # include, of the organization, assigned to nobody yet

    @property
    def products(self) -> str:
        return f"/v1/admin/selections/{self.selection}/products"

    def unit(self, unit: str | None = None) -> str:
        return f"/v1/admin/selections/{self.selection}/units/{self.customer}/{unit or self.plant}"

    def explanation(self) -> str:
        return (
            f"/v1/admin/products/{self.product}/visibility/explanation"
            f"?website_id={self.website}&customer_id={self.customer}&unit_id={self.plant}"
        )


@pytest.fixture
def world(
    make_tenant: Callable[..., str],
    make_organization: Make,
    make_website: Make,
    make_customer: Make,
    make_unit: Make,
    make_product: Make,
    make_selection: Make,
    worlds: Worlds,
) -> World:
    def build() -> World:
        token = make_tenant("acme")
        organization = make_organization(token)["id"]
        other = make_organization(token, name="Acme Nordics")["id"]
        customer = make_customer(token)["id"]
        return World(
            token,
            organization,
            make_product(token, organization)["id"],
            make_product(token, other, sku="OTHER-1")["id"],
            make_website(token, organization)["id"],
            customer,
            make_unit(token, customer, customer, name="Plant Lyon", kind="branch")["id"],
            make_selection(token, organization)["id"],
        )

    return worlds.world("acme with a selection", build)


def test_a_listed_product_is_named_by_its_rules_and_the_selection(
    api: Api, world: World, table: Table
) -> None:
    # when
    reply = api.call("PUT", f"{world.products}/{world.product}", token=world.token)

    # then
    assert reply.status == 200, reply.body
    rules = table.get(f"T#acme#PRODUCT#{world.product}", "RULES")
    assert rules is not None
    assert rules["data"]["selections"] == [world.selection]
    listed = api.call("GET", world.products, token=world.token).body["items"]
    assert [item["product_id"] for item in listed] == [world.product]


def test_a_removed_product_leaves_the_selection_and_its_rules(api: Api, world: World, table: Table) -> None:
    # given
    api.call("PUT", f"{world.products}/{world.product}", token=world.token)

    # when
    reply = api.call("DELETE", f"{world.products}/{world.product}", token=world.token)

    # then
    assert reply.status == 204
    rules = table.get(f"T#acme#PRODUCT#{world.product}", "RULES")
    assert rules is not None
    assert rules["data"]["selections"] == []
    assert api.call("GET", world.products, token=world.token).body["items"] == []


def test_a_product_of_another_organization_is_refused_and_nothing_changes(
    api: Api, world: World, table: Table
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("PUT", f"{world.products}/{world.other_product}", token=world.token)

    # then
    assert error_locs(reply) == ["path.product_id"]
    assert table.writes() == before


def test_an_assignment_to_an_unknown_unit_is_refused_and_nothing_changes(
    api: Api, world: World, table: Table
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("PUT", world.unit(UNKNOWN_UNIT), token=world.token)

    # then
    assert_problem(reply, 404)
    assert table.writes() == before


def test_an_include_selection_assigned_to_the_unit_admits_a_listed_product(api: Api, world: World) -> None:
    # given
    api.call("PUT", f"{world.products}/{world.product}", token=world.token)

    # when
    assigned = api.call("PUT", world.unit(), token=world.token)

    # then
    assert assigned.status == 200, assigned.body
    explanation = api.call("GET", world.explanation(), token=world.token).body
    assert explanation["selections"] == [
        {
            "selection_id": world.selection,
            "mode": "include",
            "assigned_to": world.plant,
            "contains": True,
            "through": world.product,
        }
    ]
    assert explanation["shown"] is True


def test_an_include_selection_assigned_to_the_unit_leaves_out_an_unlisted_product(
    api: Api, world: World
) -> None:
    # given
    api.call("PUT", world.unit(), token=world.token)

    # when
    explanation = api.call("GET", world.explanation(), token=world.token).body

    # then
    assert (explanation["visibility"], explanation["admitted"], explanation["shown"]) == (
        "visible",
        False,
        False,
    )


def test_an_unassigned_selection_no_longer_applies(api: Api, world: World) -> None:
    # given
    api.call("PUT", world.unit(), token=world.token)

    # when
    reply = api.call("DELETE", world.unit(), token=world.token)

    # then
    assert reply.status == 204
    assert api.call("GET", world.explanation(), token=world.token).body["selections"] == []
