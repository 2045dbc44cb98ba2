"""Products through the admin API: SKUs, localized text, typed attributes, units, categories, variant
families, and what a product's transaction writes beside it (listing items, search tokens, usages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Table
from .support import assert_problem, attribute_body, error_locs, product_body, ulid_of

PRODUCTS = "/v1/admin/products"
ATTRIBUTES = "/v1/admin/attributes"


@dataclass
class Shop:
    token: str
    organization: str
    other_organization: str
    category: str
    other_category: str  # a category of the other organization


@pytest.fixture
def shop(
    api: Api,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_category: Callable[..., str],
) -> Shop:
    """acme with two organizations, a category in each, and attributes: colour and size (enum),
    length (number, mm), coated (boolean), material (text), features (multi_enum)."""
    token = make_tenant("acme")
    organization = make_organization(token)["id"]
    other = make_organization(token, name="Acme Nordics")["id"]
    for body in (
        attribute_body("colour"),
        attribute_body(
            "size", options=[{"code": code, "label": {"en": code.upper()}} for code in ("s", "m", "l")]
        ),
        {"code": "length", "kind": "number", "unit": "mm", "label": {"en": "Length"}},
        {"code": "coated", "kind": "boolean", "label": {"en": "Coated"}},
        {"code": "material", "kind": "text", "label": {"en": "Material", "de": "Werkstoff"}},
        attribute_body(
            "features",
            kind="multi_enum",
            options=[
                {"code": "rust-free", "label": {"en": "Rust-free"}},
                {"code": "din", "label": {"en": "DIN"}},
            ],
        ),
    ):
        reply = api.call("POST", ATTRIBUTES, token=token, body=body)
        assert reply.status == 201, reply.body
    return Shop(
        token,
        organization,
        other,
        make_category(token, organization),
        make_category(token, other, "Tools"),
    )


def _create(api: Api, shop: Shop, **overrides: Any) -> dict[str, Any]:
    reply = api.call("POST", PRODUCTS, token=shop.token, body=product_body(shop.organization, **overrides))
    assert reply.status == 201, reply.body
    return dict(reply.body)


def _product_keys(table: Table, product_id: str) -> set[tuple[str, str]]:
    """Every item that names the product: its own, its SKU, listing items, tokens, usages."""
    return {
        (item["PK"], item["SK"])
        for item in table.items()
        if product_id in (item["PK"] + item["SK"]) or item.get("data", {}).get("product_id") == product_id
    }


def test_a_product_is_created_with_its_sku_listing_items_tokens_and_usages(
    api: Api, shop: Shop, table: Table
) -> None:
    # given a product body with every kind of field
    body = product_body(
        shop.organization,
        name={"en": "Hex bolt M8", "de-DE": "Sechskantschraube M8"},
        long_description={"en": "Zinc plated.\nDIN 933."},
        brand="Würth",
        inventory={"status": "backorder", "quantity": "120"},
        units=[
            {"code": "each", "label": {"en": "each"}},
            {
                "code": "box",
                "label": {"en": "box of 12"},
                "conversion_factor": "12",
                "min_order_quantity": "1",
                "max_order_quantity": "9",
                "order_increment": "2",
            },
        ],
        primary_category_id=shop.category,
        attributes={
            "colour": "red",
            "length": "40",
            "coated": True,
            "material": "steel",
            "features": ["din"],
        },
        tax_code="standard",
    )

    # when it is created
    reply = api.call("POST", PRODUCTS, token=shop.token, body=body)

    # then it is stored with its derived items beside it, in one transaction with its event
    assert reply.status == 201, reply.body
    product = reply.body
    assert ulid_of("prd").match(product["id"])
    assert (product["kind"], product["version"], product["long_description"]) == (
        "simple",
        1,
        {"en": "Zinc plated.\nDIN 933."},
    )
    assert table.get("T#acme#SKU#hb-m8x40", "SKU")["data"]["product_id"] == product["id"]  # type: ignore[index]
    listing = table.get(f"T#acme#CATEGORY#{shop.category}", f"P#{product['id']}")
    assert listing is not None
    assert listing["data"]["name"] == body["name"]
    assert listing["GSI1SK"] == f"sechskantschraube m8#{product['id']}"  # the organization's locale: de-DE
    tokens = {item["SK"].split("#")[0] for item in table.items() if "#SEARCH#" in item["PK"]}
    assert tokens == {"hb-m8x40", "hex", "bolt", "m8", "sechskantschraube"}
    usages = {item["PK"] for item in table.items() if "#ATTRUSE#" in item["PK"]}
    assert len(usages) == 5
    assert [event["type"] for event in table.events("acme")][-1] == "product.created"


def test_get_and_list_by_organization(api: Api, shop: Shop) -> None:
    # given a product in each organization
    mine = _create(api, shop)
    other = product_body(shop.other_organization, sku="OTHER-1")
    assert api.call("POST", PRODUCTS, token=shop.token, body=other).status == 201

    # when one organization's products are listed and one is read
    listed = api.call("GET", f"{PRODUCTS}?organization_id={shop.organization}", token=shop.token)
    read = api.call("GET", f"{PRODUCTS}/{mine['id']}", token=shop.token)

    # then the list holds that organization's only, and the read gives the product as created
    assert [item["id"] for item in listed.body["items"]] == [mine["id"]]
    assert read.status == 200
    assert read.body == {**mine, "variants": []}
    assert read.headers["ETag"] == '"1"'


def test_a_duplicate_sku_is_409_whatever_its_case_and_changes_nothing(
    api: Api, shop: Shop, table: Table
) -> None:
    # given a product with a SKU
    _create(api, shop)
    before = table.writes()

    # when another product takes the same SKU in other letter case, in another organization
    reply = api.call(
        "POST", PRODUCTS, token=shop.token, body=product_body(shop.other_organization, sku="hb-M8X40")
    )

    # then it is a conflict, and nothing was written
    assert "SKU" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


@pytest.mark.parametrize(
    ("attributes", "location"),
    [
        pytest.param({"length": 40}, "body.attributes.length", id="number-as-json-number"),
        pytest.param({"length": "forty"}, "body.attributes.length", id="number-not-decimal"),
        pytest.param({"coated": "yes"}, "body.attributes.coated", id="boolean-as-text"),
        pytest.param({"colour": "green"}, "body.attributes.colour", id="unknown-option"),
        pytest.param({"features": "din"}, "body.attributes.features", id="multi-enum-not-a-list"),
        pytest.param({"weight": "1"}, "body.attributes.weight", id="unknown-attribute"),
    ],
)
def test_an_attribute_value_that_does_not_fit_its_definition_is_422_naming_it(
    api: Api, shop: Shop, table: Table, attributes: dict[str, Any], location: str
) -> None:
    # given the tenant's attribute definitions
    before = table.writes()

    # when a product is created with a value its definition refuses
    reply = api.call(
        "POST", PRODUCTS, token=shop.token, body=product_body(shop.organization, attributes=attributes)
    )

    # then the field is named and nothing was written
    assert location in error_locs(reply)
    assert table.writes() == before


@pytest.mark.parametrize("factor", ["0", "0.000", "-1"])
def test_a_unit_conversion_of_zero_or_less_is_422_and_changes_nothing(
    api: Api, shop: Shop, table: Table, factor: str
) -> None:
    # given a second unit converting to zero (or a negative number of) primary units
    units = [
        {"code": "each", "label": {"en": "each"}},
        {"code": "box", "label": {"en": "box"}, "conversion_factor": factor},
    ]
    before = table.writes()

    # when the product is created
    reply = api.call("POST", PRODUCTS, token=shop.token, body=product_body(shop.organization, units=units))

    # then the factor is named and nothing was written
    assert error_locs(reply) == ["body.units[1].conversion_factor"]
    assert table.writes() == before


def test_an_unknown_category_or_one_of_another_organization_is_422_and_changes_nothing(
    api: Api, shop: Shop, table: Table
) -> None:
    # given a category of another organization and a category id that names nothing
    before = table.writes()
    missing = "cat_01JD0000000000000000000000"

    # when a product is created in either
    foreign = api.call(
        "POST",
        PRODUCTS,
        token=shop.token,
        body=product_body(shop.organization, primary_category_id=shop.other_category),
    )
    unknown = api.call(
        "POST",
        PRODUCTS,
        token=shop.token,
        body=product_body(shop.organization, primary_category_id=shop.category, category_ids=[missing]),
    )

    # then each names its field, and nothing was written
    assert error_locs(foreign) == ["body.primary_category_id"]
    assert error_locs(unknown) == ["body.category_ids[0]"]
    assert table.writes() == before


def test_more_categories_than_the_cap_are_422(api: Api, shop: Shop) -> None:
    # given a primary category and six others (the cap is six in all)
    others = [f"cat_01JD000000000000000000000{n}" for n in range(6)]

    # when the product is created
    reply = api.call(
        "POST",
        PRODUCTS,
        token=shop.token,
        body=product_body(shop.organization, primary_category_id=shop.category, category_ids=others),
    )

    # then the list is refused
    assert error_locs(reply) == ["body.category_ids"]


def test_a_sku_change_moves_the_sku_item_and_frees_the_old_sku(api: Api, shop: Shop, table: Table) -> None:
    # given a product listed in a category
    product = _create(api, shop, primary_category_id=shop.category)

    # when its SKU changes
    reply = api.call(
        "PATCH", f"{PRODUCTS}/{product['id']}", token=shop.token, body={"sku": "HB-M8x45", "version": 1}
    )

    # then the new SKU is its, the old one is free again, and its listing and tokens follow
    assert reply.status == 200, reply.body
    assert table.get("T#acme#SKU#hb-m8x40", "SKU") is None
    assert table.get("T#acme#SKU#hb-m8x45", "SKU") is not None
    listing = table.get(f"T#acme#CATEGORY#{shop.category}", f"P#{product['id']}")
    assert listing["data"]["sku"] == "HB-M8x45"  # type: ignore[index]
    tokens = {item["SK"].split("#")[0] for item in table.items() if "#SEARCH#" in item["PK"]}
    assert "hb-m8x45" in tokens
    assert "hb-m8x40" not in tokens
    _create(api, shop)  # the old SKU can be taken again


def test_a_category_change_moves_the_listing_item(
    api: Api, shop: Shop, table: Table, make_category: Callable[..., str]
) -> None:
    # given a product listed in a category, and another category of its organization
    product = _create(api, shop, primary_category_id=shop.category)
    second = make_category(shop.token, shop.organization, "Screws")

    # when its primary category changes
    reply = api.call(
        "PATCH",
        f"{PRODUCTS}/{product['id']}",
        token=shop.token,
        body={"primary_category_id": second},
        headers={"If-Match": '"1"'},
    )

    # then it is listed in the new category only
    assert reply.status == 200, reply.body
    assert table.get(f"T#acme#CATEGORY#{shop.category}", f"P#{product['id']}") is None
    assert table.get(f"T#acme#CATEGORY#{second}", f"P#{product['id']}") is not None


def test_a_stale_version_is_412_and_changes_nothing(api: Api, shop: Shop, table: Table) -> None:
    # given a product at version 1
    product = _create(api, shop)
    before = table.writes()

    # when a change is sent against version 2
    reply = api.call(
        "PATCH", f"{PRODUCTS}/{product['id']}", token=shop.token, body={"brand": "X", "version": 2}
    )

    # then it is refused with the current version
    assert assert_problem(reply, 412)["current_version"] == 1
    assert table.writes() == before


def test_delete_removes_the_product_and_everything_derived_from_it(
    api: Api, shop: Shop, table: Table
) -> None:
    # given a product with a category, attributes and tokens
    product = _create(api, shop, primary_category_id=shop.category, attributes={"colour": "red"})
    assert len(_product_keys(table, product["id"])) > 3

    # when it is deleted
    reply = api.call("DELETE", f"{PRODUCTS}/{product['id']}", token=shop.token, headers={"If-Match": '"1"'})

    # then nothing naming it is left, and its SKU is free
    assert reply.status == 204
    assert _product_keys(table, product["id"]) == set()
    _create(api, shop)


def _family(api: Api, shop: Shop) -> dict[str, Any]:
    return _create(api, shop, sku="TS", name={"en": "T-shirt"}, variant_attributes=["size", "colour"])


def _variant(api: Api, shop: Shop, parent: dict[str, Any], sku: str, size: str, colour: str) -> Any:
    body = product_body(
        shop.organization, sku=sku, parent_id=parent["id"], attributes={"size": size, "colour": colour}
    )
    return api.call("POST", PRODUCTS, token=shop.token, body=body)


def test_a_configurable_product_lists_its_variants_by_sku(api: Api, shop: Shop) -> None:
    # given a configurable T-shirt by size and colour, and two variants
    parent = _family(api, shop)
    assert parent["kind"] == "configurable"
    assert _variant(api, shop, parent, "TS-M-BLUE", "m", "blue").status == 201
    assert _variant(api, shop, parent, "TS-L-RED", "l", "red").status == 201

    # when the parent is read
    reply = api.call("GET", f"{PRODUCTS}/{parent['id']}", token=shop.token)

    # then its variants are listed by SKU
    assert [(v["sku"], v["kind"]) for v in reply.body["variants"]] == [
        ("TS-L-RED", "variant"),
        ("TS-M-BLUE", "variant"),
    ]


def test_a_second_variant_with_the_same_values_is_409_and_changes_nothing(
    api: Api, shop: Shop, table: Table
) -> None:
    # given a variant M / blue
    parent = _family(api, shop)
    assert _variant(api, shop, parent, "TS-M-BLUE", "m", "blue").status == 201
    before = table.writes()

    # when another variant takes M / blue
    reply = _variant(api, shop, parent, "TS-M-BLUE-2", "m", "blue")

    # then it is a conflict and nothing was written
    assert_problem(reply, 409)
    assert table.writes() == before


def test_a_variant_without_a_value_of_a_variant_attribute_is_422(api: Api, shop: Shop) -> None:
    # given a family by size and colour
    parent = _family(api, shop)

    # when a variant names its size only
    body = product_body(shop.organization, sku="TS-M", parent_id=parent["id"], attributes={"size": "m"})
    reply = api.call("POST", PRODUCTS, token=shop.token, body=body)

    # then the missing value is named
    assert error_locs(reply) == ["body.attributes.colour"]


def test_a_parent_with_variants_is_not_deleted(api: Api, shop: Shop) -> None:
    # given a family with a variant
    parent = _family(api, shop)
    assert _variant(api, shop, parent, "TS-S-RED", "s", "red").status == 201

    # when the parent is deleted
    reply = api.call("DELETE", f"{PRODUCTS}/{parent['id']}", token=shop.token, headers={"If-Match": '"1"'})

    # then it is a conflict
    assert_problem(reply, 409)


def test_a_variant_changing_its_values_frees_the_old_combination(api: Api, shop: Shop) -> None:
    # given a variant S / red
    parent = _family(api, shop)
    variant = _variant(api, shop, parent, "TS-S-RED", "s", "red").body

    # when it becomes S / blue
    reply = api.call(
        "PATCH",
        f"{PRODUCTS}/{variant['id']}",
        token=shop.token,
        body={"attributes": {"size": "s", "colour": "blue"}, "version": 1},
    )

    # then S / red can be another variant's
    assert reply.status == 200, reply.body
    assert _variant(api, shop, parent, "TS-S-RED-2", "s", "red").status == 201


def test_a_catalog_manager_limited_to_an_organization_cannot_create_in_another(
    api: Api, shop: Shop, make_staff_user: Callable[..., dict[str, Any]]
) -> None:
    # given an Organization Administrator limited to the first organization
    make_staff_user(
        shop.token,
        "olaf.org@acme.example",
        assignments=[{"role_id": "organization-administrator", "organization_ids": [shop.organization]}],
    )
    olaf = api.token("acme", "olaf.org@acme.example")

    # when they create a product in the other organization, then in theirs
    refused = api.call("POST", PRODUCTS, token=olaf, body=product_body(shop.other_organization))
    allowed = api.call("POST", PRODUCTS, token=olaf, body=product_body(shop.organization))

    # then the other organization is as unknown to them as one that does not exist
    assert error_locs(refused) == ["body.organization_id"]
    assert allowed.status == 201, allowed.body
