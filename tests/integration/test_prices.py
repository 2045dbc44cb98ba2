"""A price list's rows: bulk upsert and delete (checked whole, written per product with its price
sheet), and reads by product."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Table
from .support import assert_problem, error_locs

pytestmark = pytest.mark.shared_account

PRICE_LISTS = "/v1/admin/price-lists"
Make = Callable[..., dict[str, Any]]
KG = {"code": "kg", "label": {"en": "kg"}, "precision": 1, "conversion_factor": "1"}
EACH = {"code": "each", "label": {"en": "each"}}


@dataclass
class Acme:
    token: str
    price_list: str
    bolt: dict[str, Any]  # sold by the piece and by the kg (one decimal)
    nut: dict[str, Any]
    other_product: str  # of another organization

    @property
    def prices(self) -> str:
        return f"{PRICE_LISTS}/{self.price_list}/prices"


@pytest.fixture
def acme(make_tenant: Callable[..., str], make_organization: Make, make_product: Make, api: Api) -> Acme:
    token = make_tenant("acme")
    organization = make_organization(token)["id"]
    other = make_organization(token, name="Acme Nordics")["id"]
    body = {"name": "Base", "organization_id": organization, "currencies": ["EUR", "USD"]}
    price_list = api.call("POST", PRICE_LISTS, token=token, body=body).body["id"]
    return Acme(
        token,
        price_list,
        make_product(token, organization, sku="HB-M8", units=[EACH, KG]),
        make_product(token, organization, sku="NUT-M8"),
        make_product(token, other, sku="N-1")["id"],
    )


def row(product: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "product_id": product["id"],
        "unit": "each",
        "currency": "EUR",
        "min_quantity": "1",
        "value": "0.25",
        **overrides,
    }


def sheet(table: Table, product_id: str) -> dict[str, Any] | None:
    return table.get(f"T#acme#PRODUCT#{product_id}", "PRICES")


def test_upserted_rows_are_stored_per_product_and_in_the_product_s_price_sheet(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    rows = [
        row(acme.bolt),
        row(acme.bolt, min_quantity="100.0", value="0.20"),
        {**row(acme.nut), "product_id": None, "sku": "nut-m8", "currency": "USD"},
    ]
    rows[2].pop("product_id")

    # when
    reply = api.call("PUT", acme.prices, token=acme.token, body={"rows": rows})

    # then
    assert reply.status == 200, reply.body
    assert reply.body == {
        "price_list_id": acme.price_list,
        "changed_product_ids": [acme.bolt["id"], acme.nut["id"]],
        "unchanged_products": 0,
    }
    bolt_rows = [
        {"unit": "each", "currency": "EUR", "min_quantity": "1", "value": "0.25", "rule_id": None},
        {"unit": "each", "currency": "EUR", "min_quantity": "100", "value": "0.20", "rule_id": None},
    ]
    read = api.call("GET", f"{acme.prices}?product_id={acme.bolt['id']}", token=acme.token)
    assert read.body["items"] == [
        {"price_list_id": acme.price_list, "product_id": acme.bolt["id"], "rows": bolt_rows}
    ]
    stored = sheet(table, acme.bolt["id"])
    assert stored is not None
    assert stored["data"]["lists"][acme.price_list] == [
        {key: value for key, value in row.items() if value is not None} for row in bolt_rows
    ]


def test_a_list_s_prices_are_listed_product_by_product(api: Api, acme: Acme) -> None:
    # given
    api.call("PUT", acme.prices, token=acme.token, body={"rows": [row(acme.bolt), row(acme.nut)]})

    # when
    first = api.call("GET", f"{acme.prices}?limit=1", token=acme.token).body
    second = api.call("GET", f"{acme.prices}?limit=1&cursor={first['next_cursor']}", token=acme.token).body

    # then
    listed = [item["product_id"] for item in first["items"] + second["items"]]
    assert sorted(listed) == sorted([acme.bolt["id"], acme.nut["id"]])


def test_an_upsert_replaces_the_tier_s_value_and_leaves_unchanged_products_unwritten(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    api.call("PUT", acme.prices, token=acme.token, body={"rows": [row(acme.bolt), row(acme.nut)]})
    before = {item["PK"] for item in table.items() if item["type"] == "event"}

    # when
    reply = api.call(
        "PUT", acme.prices, token=acme.token, body={"rows": [row(acme.bolt, value="0.30"), row(acme.nut)]}
    )

    # then
    assert reply.body["changed_product_ids"] == [acme.bolt["id"]]
    assert reply.body["unchanged_products"] == 1
    written = [item["data"] for item in table.items() if item["type"] == "event" and item["PK"] not in before]
    assert [(event["type"], event["after"]["changed_product_ids"]) for event in written] == [
        ("price_list.prices_changed", [acme.bolt["id"]])
    ]
    item = table.get(f"T#acme#PRICELIST#{acme.price_list}", f"P#{acme.bolt['id']}")
    assert item is not None
    assert [r["value"] for r in item["data"]["rows"]] == ["0.30"]


def test_deleted_rows_leave_the_list_and_the_sheet(api: Api, acme: Acme, table: Table) -> None:
    # given
    api.call("PUT", acme.prices, token=acme.token, body={"rows": [row(acme.bolt), row(acme.nut)]})
    key = {key: value for key, value in row(acme.bolt).items() if key != "value"}

    # when
    reply = api.call("POST", f"{acme.prices}/delete", token=acme.token, body={"rows": [key]})
    again = api.call("POST", f"{acme.prices}/delete", token=acme.token, body={"rows": [key]})

    # then
    assert reply.body["changed_product_ids"] == [acme.bolt["id"]]
    assert again.body["changed_product_ids"] == []
    assert table.get(f"T#acme#PRICELIST#{acme.price_list}", f"P#{acme.bolt['id']}") is None
    stored = sheet(table, acme.bolt["id"])
    assert stored is not None
    assert acme.price_list not in stored["data"]["lists"]


def test_a_deleted_product_takes_its_prices_in_every_list(api: Api, acme: Acme, table: Table) -> None:
    # given the nut priced in the list
    assert api.call("PUT", acme.prices, token=acme.token, body={"rows": [row(acme.nut)]}).status == 200

    # when the nut is deleted
    deleted = api.call(
        "DELETE", f"/v1/admin/products/{acme.nut['id']}", token=acme.token, headers={"If-Match": "*"}
    )

    # then its sheet and its rows in the list are gone, and the list is empty again
    assert deleted.status == 204, deleted.body
    assert sheet(table, acme.nut["id"]) is None
    assert table.get(f"T#acme#PRICELIST#{acme.price_list}", f"P#{acme.nut['id']}") is None
    assert api.call("GET", acme.prices, token=acme.token).body["items"] == []


def test_a_list_with_prices_is_not_deleted(api: Api, acme: Acme) -> None:
    # given
    api.call("PUT", acme.prices, token=acme.token, body={"rows": [row(acme.bolt)]})

    # when
    reply = api.call(
        "DELETE", f"{PRICE_LISTS}/{acme.price_list}", token=acme.token, headers={"If-Match": '"1"'}
    )

    # then
    assert_problem(reply, 409)


def test_every_invalid_row_is_named_and_nothing_is_written(api: Api, acme: Acme, table: Table) -> None:
    # given
    before = table.writes()
    rows = [
        row(acme.bolt),
        row(acme.bolt, currency="GBP"),
        row(acme.bolt, unit="box"),
        row(acme.bolt, unit="kg", min_quantity="0.25"),
        row(acme.bolt, min_quantity="0"),
        {**row(acme.bolt), "product_id": acme.other_product},
        {"sku": "NOPE", "unit": "each", "currency": "EUR", "min_quantity": "1", "value": "1"},
        row(acme.bolt, min_quantity="1.0", value="0.5"),
    ]

    # when
    reply = api.call("PUT", acme.prices, token=acme.token, body={"rows": rows})

    # then
    assert error_locs(reply) == [
        "body.rows[1].currency",
        "body.rows[2].unit",
        "body.rows[3].min_quantity",
        "body.rows[4].min_quantity",
        "body.rows[5].product_id",
        "body.rows[6].sku",
        "body.rows[7].min_quantity",
    ]
    assert table.writes() == before


@pytest.mark.parametrize(
    ("case", "overrides", "loc"),
    [
        ("negative value", {"value": "-1"}, "body.rows[0].value"),
        ("a JSON number", {"value": 1.5}, "body.rows[0].value"),
        ("both product_id and sku", {"sku": "HB-M8"}, "body.rows[0]"),
    ],
)
def test_a_malformed_row_is_422_on_its_field(
    api: Api, acme: Acme, case: str, overrides: dict[str, Any], loc: str
) -> None:
    # when
    reply = api.call("PUT", acme.prices, token=acme.token, body={"rows": [row(acme.bolt, **overrides)]})

    # then
    assert error_locs(reply) == [loc], case


def test_more_than_1000_rows_are_refused(api: Api, acme: Acme) -> None:
    # when
    rows = [row(acme.bolt, min_quantity=str(n)) for n in range(1, 1002)]
    reply = api.call("PUT", acme.prices, token=acme.token, body={"rows": rows})

    # then
    assert error_locs(reply) == ["body.rows"]
