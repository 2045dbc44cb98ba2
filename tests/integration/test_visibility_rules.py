"""A product's visibility rules at each level, and the "why visible" explanation through the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Table, Worlds
from .support import error_locs

Make = Callable[..., dict[str, Any]]
UNKNOWN_GROUP = "cgr_01J00000000000000000000000"
UNKNOWN_UNIT = "unt_01J00000000000000000000000"
UNKNOWN_CUSTOMER = "cus_01J00000000000000000000000"
UNKNOWN_WEBSITE = "web_01J00000000000000000000000"


# Every test here starts from the world this module builds once: see conftest.
pytestmark = pytest.mark.shared_account


@dataclass
class World:
    token: str
    product: str
    category: str
    website: str
    other_website: str  # of another organization
    group: str
    customer: str
    division: str  # under the customer, in the group
    plant: str  # under the division
    sibling: str  # another plant under the division

    @property
    def rules(self) -> str:
        return f"/v1/admin/products/{self.product}/visibility"

    def explanation(self, unit: str | None = None) -> str:
        return (
            f"{self.rules}/explanation?website_id={self.website}"
            f"&customer_id={self.customer}&unit_id={unit or self.plant}"
        )


@pytest.fixture
def world(
    make_tenant: Callable[..., str],
    make_organization: Make,
    make_website: Make,
    make_customer: Make,
    make_unit: Make,
    make_customer_group: Make,
    make_category: Callable[..., str],
    make_product: Make,
    worlds: Worlds,
) -> World:
    def build() -> World:
        token = make_tenant("acme")
        organization = make_organization(token)["id"]
        other = make_organization(token, name="Acme Nordics")["id"]
        category = make_category(token, organization)
        product = make_product(token, organization, primary_category_id=category)["id"]
        website = make_website(token, organization)["id"]
        other_website = make_website(
            token, other, name="Acme Sweden", country="SE", hostnames=["shop.acme.se"]
        )["id"]
        group = make_customer_group(token)["id"]
        customer = make_customer(token)["id"]
        division = make_unit(token, customer, customer, customer_group_id=group)["id"]
        plant = make_unit(token, customer, division, name="Plant Lyon", kind="branch")["id"]
        sibling = make_unit(token, customer, division, name="Plant Ohio", kind="branch")["id"]
        return World(
            token, product, category, website, other_website, group, customer, division, plant, sibling
        )

    return worlds.world("acme with customers and a product", build)


def put_rule(api: Api, world: World, level: str, visibility: str, **names: str) -> Any:
    body = {"website_id": world.website, "level": level, "visibility": visibility, **names}
    return api.call("PUT", world.rules, token=world.token, body=body)


def explain(api: Api, world: World, unit: str | None = None) -> dict[str, Any]:
    reply = api.call("GET", world.explanation(unit), token=world.token)
    assert reply.status == 200, reply.body
    return dict(reply.body)


def decided_by(explanation: dict[str, Any]) -> tuple[str, str, str]:
    last = explanation["levels"][-1]
    return last["level"], last["at"], last["rule"]


def test_a_website_rule_is_listed_with_the_product_rules(api: Api, world: World) -> None:
    # when
    reply = put_rule(api, world, "all", "hidden")

    # then
    assert reply.status == 200, reply.body
    assert reply.body["websites"] == {world.website: {"all": "hidden", "groups": {}}}
    assert api.call("GET", world.rules, token=world.token).body == reply.body


def test_inherit_removes_a_group_rule(api: Api, world: World) -> None:
    # given
    put_rule(api, world, "group", "hidden", customer_group_id=world.group)

    # when
    reply = put_rule(api, world, "group", "inherit", customer_group_id=world.group)

    # then
    assert reply.status == 200, reply.body
    assert reply.body["websites"] == {}


def test_a_unit_rule_is_an_item_of_the_company_listed_by_the_product(
    api: Api, world: World, table: Table
) -> None:
    # when
    reply = put_rule(api, world, "unit", "hidden", customer_id=world.customer, unit_id=world.plant)

    # then
    assert reply.status == 200, reply.body
    assert reply.body["units"] == [
        {
            "website_id": world.website,
            "customer_id": world.customer,
            "unit_id": world.plant,
            "visibility": "hidden",
        }
    ]
    sort_key = f"VIS#{world.plant}#{world.website}#P#{world.product}"
    assert table.get(f"T#acme#CUST#{world.customer}", sort_key) is not None


def test_inherit_deletes_a_unit_rule(api: Api, world: World, table: Table) -> None:
    # given
    put_rule(api, world, "unit", "hidden", customer_id=world.customer, unit_id=world.plant)

    # when
    reply = put_rule(api, world, "unit", "inherit", customer_id=world.customer, unit_id=world.plant)

    # then
    assert reply.body["units"] == []
    assert (
        table.get(f"T#acme#CUST#{world.customer}", f"VIS#{world.plant}#{world.website}#P#{world.product}")
        is None
    )


@pytest.mark.parametrize(
    ("names", "field"),
    [
        ({"level": "group", "customer_group_id": UNKNOWN_GROUP}, "body.customer_group_id"),
        ({"level": "unit", "customer_id": "{customer}", "unit_id": UNKNOWN_UNIT}, "body.unit_id"),
        ({"level": "unit", "customer_id": UNKNOWN_CUSTOMER, "unit_id": UNKNOWN_UNIT}, "body.customer_id"),
        ({"level": "all", "website_id": UNKNOWN_WEBSITE}, "body.website_id"),
        ({"level": "all", "website_id": "{other_website}"}, "body.website_id"),
    ],
)
def test_an_unknown_reference_is_refused_and_changes_nothing(
    api: Api, world: World, names: dict[str, str], field: str
) -> None:
    # given
    filled = {name: value.format(**vars(world)) for name, value in names.items()}
    body = {"website_id": world.website, "visibility": "hidden", **filled}

    # when
    reply = api.call("PUT", world.rules, token=world.token, body=body)

    # then
    assert error_locs(reply) == [field]
    assert api.call("GET", world.rules, token=world.token).body == {
        "id": world.product,
        "websites": {},
        "units": [],
    }


def test_a_level_without_its_subject_is_refused(api: Api, world: World) -> None:
    # when
    reply = put_rule(api, world, "unit", "hidden", customer_id=world.customer)

    # then
    assert error_locs(reply) == ["body"]


def test_with_no_rule_the_website_default_decides(api: Api, world: World) -> None:
    # when
    explanation = explain(api, world)

    # then
    assert explanation["shown"] is True
    assert decided_by(explanation) == ("default", world.website, "visible")
    assert [step["level"] for step in explanation["levels"]] == [
        "unit", "unit", "unit", "group", "website",  # the product's own levels
        "unit", "unit", "unit", "group", "website",  # its primary category's
        "default",
    ]  # fmt: skip


def test_a_unit_rule_is_inherited_down_the_tree_but_not_by_a_sibling(api: Api, world: World) -> None:
    # given
    put_rule(api, world, "unit", "hidden", customer_id=world.customer, unit_id=world.division)

    # when
    plant, sibling_of_division = explain(api, world, world.plant), explain(api, world, world.customer)

    # then
    assert decided_by(plant) == ("unit", world.division, "hidden")
    assert plant["shown"] is False
    assert sibling_of_division["shown"] is True


def test_a_unit_own_rule_beats_its_ancestor(api: Api, world: World) -> None:
    # given
    put_rule(api, world, "unit", "hidden", customer_id=world.customer, unit_id=world.division)
    put_rule(api, world, "unit", "visible", customer_id=world.customer, unit_id=world.plant)

    # when
    plant, sibling = explain(api, world, world.plant), explain(api, world, world.sibling)

    # then
    assert (decided_by(plant), plant["shown"]) == (("unit", world.plant, "visible"), True)
    assert (decided_by(sibling), sibling["shown"]) == (("unit", world.division, "hidden"), False)


def test_the_effective_group_rule_decides_below_the_group(api: Api, world: World) -> None:
    # given
    put_rule(api, world, "group", "hidden", customer_group_id=world.group)

    # when
    explanation = explain(api, world)

    # then
    assert decided_by(explanation) == ("group", world.group, "hidden")


def test_the_website_rule_decides_without_a_more_specific_one(api: Api, world: World) -> None:
    # given
    put_rule(api, world, "all", "hidden")

    # when
    explanation = explain(api, world)

    # then
    assert decided_by(explanation) == ("website", world.website, "hidden")


def test_an_include_selection_of_the_group_leaving_the_product_out_hides_it(
    api: Api, world: World, make_category: Callable[..., str], make_selection: Make
) -> None:
    # given
    organization = api.call("GET", f"/v1/admin/products/{world.product}", token=world.token).body[
        "organization_id"
    ]
    elsewhere = make_category(world.token, organization, name="Elsewhere")
    selection = make_selection(
        world.token, organization, category_ids=[elsewhere], customer_group_ids=[world.group]
    )["id"]

    # when
    explanation = explain(api, world)

    # then
    assert (explanation["visibility"], explanation["admitted"], explanation["shown"]) == (
        "visible",
        False,
        False,
    )
    assert explanation["selections"] == [
        {
            "selection_id": selection,
            "mode": "include",
            "assigned_to": world.group,
            "contains": False,
            "through": None,
        }
    ]


def test_an_explanation_for_an_unknown_unit_is_refused(api: Api, world: World) -> None:
    # when
    reply = api.call("GET", world.explanation(UNKNOWN_UNIT), token=world.token)

    # then
    assert error_locs(reply) == ["query.unit_id"]


def category_rules(world: World, organization: str) -> str:
    return f"/v1/admin/organizations/{organization}/categories/{world.category}/visibility"


def organization_of(api: Api, world: World) -> str:
    return str(
        api.call("GET", f"/v1/admin/products/{world.product}", token=world.token).body["organization_id"]
    )


def test_a_category_rule_keeps_the_category_version_and_advances_the_catalog_generation(
    api: Api, world: World, table: Table
) -> None:
    # given
    organization = organization_of(api, world)
    category = f"/v1/admin/organizations/{organization}/categories/{world.category}"
    version = api.call("GET", category, token=world.token).body["version"]
    generation = table.get("T#acme#TENANT", "TENANT")["data"].get("catalog_generation", 0)  # type: ignore[index]

    # when
    body = {"website_id": world.website, "level": "all", "visibility": "hidden"}
    reply = api.call("PUT", category_rules(world, organization), token=world.token, body=body)

    # then
    assert reply.status == 200, reply.body
    assert reply.body["websites"] == {world.website: {"all": "hidden", "groups": {}}}
    after = api.call("GET", category, token=world.token).body
    assert (after["version"], after["websites"][world.website]["all"]) == (version, "hidden")
    tenant = table.get("T#acme#TENANT", "TENANT")
    assert tenant is not None
    assert tenant["data"]["catalog_generation"] == generation + 1


def test_a_category_change_keeps_its_rules(api: Api, world: World) -> None:
    # given a rule set after the category was read
    organization = organization_of(api, world)
    category = f"/v1/admin/organizations/{organization}/categories/{world.category}"
    version = api.call("GET", category, token=world.token).body["version"]
    body = {"website_id": world.website, "level": "all", "visibility": "hidden"}
    api.call("PUT", category_rules(world, organization), token=world.token, body=body)

    # when
    reply = api.call(
        "PATCH",
        category,
        token=world.token,
        body={"name": {"en": "Renamed"}},
        headers={"If-Match": f'"{version}"'},
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["websites"][world.website]["all"] == "hidden"


def test_the_primary_category_decides_without_a_rule_of_the_product(api: Api, world: World) -> None:
    # given
    organization = organization_of(api, world)
    body = {
        "website_id": world.website,
        "level": "group",
        "customer_group_id": world.group,
        "visibility": "hidden",
    }
    api.call("PUT", category_rules(world, organization), token=world.token, body=body)

    # when
    explanation = explain(api, world)

    # then
    last = explanation["levels"][-1]
    assert (last["subject_id"], last["level"], last["rule"]) == (world.category, "group", "hidden")
    assert explanation["shown"] is False


def test_a_unit_rule_of_the_category_is_listed_and_decides_for_the_unit(api: Api, world: World) -> None:
    # given
    organization = organization_of(api, world)
    body = {
        "website_id": world.website,
        "level": "unit",
        "customer_id": world.customer,
        "unit_id": world.division,
        "visibility": "hidden",
    }

    # when
    reply = api.call("PUT", category_rules(world, organization), token=world.token, body=body)

    # then
    assert [rule["unit_id"] for rule in reply.body["units"]] == [world.division]
    last = explain(api, world)["levels"][-1]
    assert (last["subject_id"], last["at"], last["rule"]) == (world.category, world.division, "hidden")


def test_a_product_rule_comes_before_its_category_rule(api: Api, world: World) -> None:
    # given
    organization = organization_of(api, world)
    body = {
        "website_id": world.website,
        "level": "unit",
        "customer_id": world.customer,
        "unit_id": world.plant,
    }
    api.call(
        "PUT", category_rules(world, organization), token=world.token, body={**body, "visibility": "hidden"}
    )
    put_rule(api, world, "all", "visible")

    # when
    explanation = explain(api, world)

    # then
    assert decided_by(explanation) == ("website", world.website, "visible")
    assert explanation["shown"] is True
