"""Product attributes through the admin API: defined once per tenant, changed only additively."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Api, Table
from .support import assert_problem, attribute_body, error_locs, product_body

ATTRIBUTES = "/v1/admin/attributes"


@pytest.fixture
def acme(make_tenant: Callable[..., str]) -> str:
    return make_tenant("acme")


def _define(api: Api, token: str, body: dict[str, Any]) -> dict[str, Any]:
    reply = api.call("POST", ATTRIBUTES, token=token, body=body)
    assert reply.status == 201, reply.body
    return dict(reply.body)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"code": "material", "kind": "text", "label": {"en": "Material"}}, id="text"),
        pytest.param(
            {"code": "length", "kind": "number", "unit": "mm", "label": {"en": "Length"}}, id="number"
        ),
        pytest.param({"code": "coated", "kind": "boolean", "label": {"en": "Coated"}}, id="boolean"),
        pytest.param(attribute_body("colour"), id="enum"),
        pytest.param(attribute_body("features", kind="multi_enum"), id="multi-enum"),
    ],
)
def test_an_attribute_of_each_kind_is_defined_and_read_back(
    api: Api, acme: str, body: dict[str, Any]
) -> None:
    # given a definition of one kind
    # when it is created
    created = _define(api, acme, body)

    # then it reads back by its code, and the list holds it
    assert created["id"] == created["code"] == body["code"]
    read = api.call("GET", f"{ATTRIBUTES}/{body['code']}", token=acme)
    assert read.body == created
    assert [item["code"] for item in api.call("GET", ATTRIBUTES, token=acme).body["items"]] == [body["code"]]


@pytest.mark.parametrize(
    ("body", "location"),
    [
        pytest.param(attribute_body(options=[]), "body", id="enum-without-options"),
        pytest.param(
            {"code": "x", "kind": "text", "unit": "mm", "label": {"en": "X"}}, "body", id="unit-on-text"
        ),
        pytest.param({"code": "Colour", "kind": "text", "label": {"en": "X"}}, "body.code", id="code-case"),
        pytest.param({"code": "x", "kind": "date", "label": {"en": "X"}}, "body.kind", id="unknown-kind"),
    ],
)
def test_a_definition_that_breaks_its_kinds_rules_is_422(
    api: Api, acme: str, body: dict[str, Any], location: str
) -> None:
    # when a definition breaking its rules is sent
    reply = api.call("POST", ATTRIBUTES, token=acme, body=body)

    # then it is named
    assert location in error_locs(reply)


def test_a_code_is_one_attribute(api: Api, acme: str) -> None:
    # given an attribute colour
    _define(api, acme, attribute_body("colour"))

    # when colour is defined again
    reply = api.call("POST", ATTRIBUTES, token=acme, body=attribute_body("colour", kind="multi_enum"))

    # then it is a conflict
    assert_problem(reply, 409)


def test_options_may_be_added_and_relabelled(api: Api, acme: str) -> None:
    # given colour with red and blue
    _define(api, acme, attribute_body("colour"))
    options = [
        {"code": "red", "label": {"en": "Signal red"}},
        {"code": "blue", "label": {"en": "Blue"}},
        {"code": "green", "label": {"en": "Green"}},
    ]

    # when red is relabelled and green added
    reply = api.call("PATCH", f"{ATTRIBUTES}/colour", token=acme, body={"options": options, "version": 1})

    # then the definition has three options
    assert reply.status == 200, reply.body
    assert reply.body["options"] == options
    assert reply.body["version"] == 2


def test_removing_an_option_is_409_and_changes_nothing(api: Api, acme: str, table: Table) -> None:
    # given colour with red and blue
    _define(api, acme, attribute_body("colour"))
    before = table.writes()

    # when blue is left out
    body = {"options": [{"code": "red", "label": {"en": "Red"}}], "version": 1}
    reply = api.call("PATCH", f"{ATTRIBUTES}/colour", token=acme, body=body)

    # then it is refused, naming the option
    assert "blue" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


def test_the_kind_never_changes(api: Api, acme: str) -> None:
    # given colour, an enum
    _define(api, acme, attribute_body("colour"))

    # when its kind is sent
    reply = api.call("PATCH", f"{ATTRIBUTES}/colour", token=acme, body={"kind": "text", "version": 1})

    # then the field is unknown to a change
    assert error_locs(reply) == ["body.kind"]


def test_an_attribute_a_product_uses_is_not_deleted_until_the_product_lets_it_go(
    api: Api, acme: str, make_organization: Callable[..., dict[str, Any]]
) -> None:
    # given colour, used by a product
    _define(api, acme, attribute_body("colour"))
    organization = make_organization(acme)["id"]
    product = api.call(
        "POST",
        "/v1/admin/products",
        token=acme,
        body=product_body(organization, attributes={"colour": "red"}),
    ).body

    # when colour is deleted while used, then after the product dropped its value
    refused = api.call("DELETE", f"{ATTRIBUTES}/colour", token=acme, headers={"If-Match": '"1"'})
    dropped = api.call(
        "PATCH", f"/v1/admin/products/{product['id']}", token=acme, body={"attributes": {}, "version": 1}
    )
    deleted = api.call("DELETE", f"{ATTRIBUTES}/colour", token=acme, headers={"If-Match": '"1"'})

    # then the first is a conflict, the second goes through
    assert product["id"] in assert_problem(refused, 409)["detail"]
    assert dropped.status == 200, dropped.body
    assert deleted.status == 204
