"""The tenant's tax configuration (replaced whole with its version) and the tax preview on a website.

The world (built once): tenant acme with German VAT 19/7 and California with San Francisco's ZIP
range, a website listing net prices and one listing gross prices, both shipping-based.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Api, Table, Worlds
from .support import assert_problem, error_locs, tax_configuration_body

pytestmark = pytest.mark.shared_account

CONFIGURATION = "/v1/admin/tax/configuration"
PREVIEW = "/v1/admin/tax/preview"
Make = Callable[..., dict[str, Any]]
BERLIN = {"country": "DE", "postal_code": "10115"}
SAN_FRANCISCO = {"country": "US", "region": "US-CA", "postal_code": "94103"}


@dataclass
class Acme:
    token: str
    net_website: str
    gross_website: str
    organization: str


@pytest.fixture
def acme(
    api: Api, worlds: Worlds, make_tenant: Callable[..., str], make_organization: Make, make_website: Make
) -> Acme:
    def build() -> Acme:
        token = make_tenant("acme")
        organization = make_organization(token)["id"]
        net = make_website(token, organization, currencies=["EUR", "USD"])["id"]
        gross = make_website(token, organization, name="Acme B2C", hostnames=[], prices_include_tax=True)[
            "id"
        ]
        reply = api.call(
            "PUT", CONFIGURATION, token=token, body=tax_configuration_body(), headers={"If-Match": "0"}
        )
        assert reply.status == 200, reply.body
        return Acme(token, net, gross, organization)

    return worlds.world("acme", build)


def tax_generation(table: Table) -> int:
    tenant = table.get("T#acme#TENANT", "TENANT")
    assert tenant is not None
    return int(tenant["data"].get("tax_generation", 0))


def preview(api: Api, acme: Acme, **overrides: Any) -> Any:
    body = {
        "website_id": acme.net_website,
        "currency": "EUR",
        "lines": [
            {"key": "bolts", "unit_price": "100.00", "quantity": "1", "product_tax_code": "standard"},
            {"key": "manual", "unit_price": "10.00", "quantity": "3", "product_tax_code": "reduced"},
        ],
        "shipping_address": BERLIN,
        **overrides,
    }
    return api.call("POST", PREVIEW, token=acme.token, body=body)


# --- the configuration -----------------------------------------------------------------------------


# worlds saves the empty account when first asked for: before this test's tenant, not after
@pytest.mark.usefixtures("worlds")
def test_a_tenant_without_taxes_has_an_empty_configuration_at_version_0(
    api: Api, make_tenant: Callable[..., str]
) -> None:
    # given
    token = make_tenant("acme")
    # when
    reply = api.call("GET", CONFIGURATION, token=token)
    # then
    assert reply.status == 200, reply.body
    assert (reply.body["version"], reply.body["rules"], reply.headers["ETag"]) == (0, [], '"0"')


def test_the_configuration_is_replaced_whole_and_counts_a_tax_change(
    api: Api, acme: Acme, table: Table
) -> None:
    # given
    before = tax_generation(table)
    rates = [
        {**rate, "percentage": "7.5"} if rate["code"] == "de-reduced" else rate
        for rate in tax_configuration_body()["rates"]
    ]
    body = tax_configuration_body(rates=rates)
    # when
    put = api.call("PUT", CONFIGURATION, token=acme.token, body=body, headers={"If-Match": '"1"'})
    read = api.call("GET", CONFIGURATION, token=acme.token)
    # then
    assert put.status == 200, put.body
    assert read.body == put.body
    assert read.body["version"] == 2
    assert read.body["rates"][1] == {"code": "de-reduced", "name": "VAT 7 %", "percentage": "7.5"}
    assert tax_generation(table) == before + 1


@pytest.mark.parametrize(
    ("headers", "status"),
    [pytest.param({}, 428, id="no version"), pytest.param({"If-Match": '"7"'}, 412, id="a stale version")],
)
def test_a_replacement_needs_the_version_read(
    api: Api, acme: Acme, table: Table, headers: dict[str, str], status: int
) -> None:
    # given
    before = table.writes()
    # when
    reply = api.call("PUT", CONFIGURATION, token=acme.token, body=tax_configuration_body(), headers=headers)
    # then
    assert_problem(reply, status)
    assert table.writes() == before


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        pytest.param(
            {"rules": [{"product_tax_code": "standard", "jurisdiction": "de", "rate": "nine"}]},
            "body.rules.0.rate",
            id="a rule naming an unknown rate",
        ),
        pytest.param(
            {"rules": [{"product_tax_code": "standard", "jurisdiction": "jp", "rate": "de-standard"}]},
            "body.rules.0.jurisdiction",
            id="a rule naming an unknown jurisdiction",
        ),
        pytest.param(
            {"default_customer_tax_code": "vip"}, "body.default_customer_tax_code", id="an unknown default"
        ),
        pytest.param(
            {"jurisdictions": [{"code": "x", "country": "US", "region": "DE-BY"}]},
            "body.jurisdictions[0].region",
            id="a region of another country",
        ),
    ],
)
def test_a_configuration_naming_what_it_does_not_define_is_422(
    api: Api, acme: Acme, table: Table, changes: dict[str, Any], loc: str
) -> None:
    # given
    before = table.writes()
    # when
    reply = api.call(
        "PUT",
        CONFIGURATION,
        token=acme.token,
        body=tax_configuration_body(**changes),
        headers={"If-Match": "1"},
    )
    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before


def test_a_configuration_too_large_for_its_item_is_422(api: Api, acme: Acme, table: Table) -> None:
    # given 290 jurisdictions with long names and many postal patterns (~200 KB, within the body limit)
    patterns = [{"pattern": f"{n:02d}345678901234567*"} for n in range(12)]
    jurisdictions = [
        {"code": f"j{n}", "name": "x" * 200, "country": "DE", "postal_codes": patterns} for n in range(290)
    ]
    before = table.writes()
    # when
    reply = api.call(
        "PUT",
        CONFIGURATION,
        token=acme.token,
        body=tax_configuration_body(
            jurisdictions=[*tax_configuration_body()["jurisdictions"], *jurisdictions]
        ),
        headers={"If-Match": "1"},
    )
    # then
    assert error_locs(reply) == ["body"]
    assert table.writes() == before


def test_deleting_a_code_a_rule_uses_is_409(api: Api, acme: Acme, table: Table) -> None:
    # given the reduced code dropped, its rule kept
    before = table.writes()
    body = tax_configuration_body(product_tax_codes=[{"code": "standard"}, {"code": "shipping"}])
    # when
    reply = api.call("PUT", CONFIGURATION, token=acme.token, body=body, headers={"If-Match": "1"})
    # then
    assert "reduced" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before


# --- the preview -----------------------------------------------------------------------------------


def test_a_preview_adds_german_vat_to_net_prices(api: Api, acme: Acme) -> None:
    # given / when
    reply = preview(api, acme, shipping={"amount": "5.00", "tax_code": "shipping"})
    # then
    assert reply.status == 200, reply.body
    totals = {
        name: reply.body[name]["amount"]
        for name in ("subtotal", "shipping_total", "tax_total", "grand_total")
    }
    assert totals == {
        "subtotal": "130.00",
        "shipping_total": "5.00",
        "tax_total": "22.05",
        "grand_total": "157.05",
    }
    assert [(rate["rate"], rate["tax"]["amount"]) for rate in reply.body["tax_by_rate"]] == [
        ("de-standard", "19.95"),
        ("de-reduced", "2.10"),
    ]


def test_a_preview_extracts_vat_from_gross_prices(api: Api, acme: Acme) -> None:
    # given / when
    reply = preview(
        api,
        acme,
        website_id=acme.gross_website,
        lines=[{"key": "bolts", "unit_price": "119.00", "quantity": "1", "product_tax_code": "standard"}],
    )
    # then
    assert reply.status == 200, reply.body
    line = reply.body["lines"][0]
    assert (line["net"]["amount"], line["tax"]["amount"], line["gross"]["amount"]) == (
        "100.00",
        "19.00",
        "119.00",
    )
    assert reply.body["grand_total"]["amount"] == "119.00"


def test_a_preview_takes_the_zip_ranges_local_rate(api: Api, acme: Acme) -> None:
    # given / when
    reply = preview(
        api,
        acme,
        currency="USD",
        lines=[{"key": "bolts", "unit_price": "100.00", "quantity": "1"}],
        shipping_address=SAN_FRANCISCO,
    )
    # then
    assert reply.status == 200, reply.body
    assert reply.body["lines"][0]["rate"] == {
        "rate": "us-ca-sf",
        "percentage": "8.625",
        "jurisdiction": "us-ca-sf",
    }
    assert reply.body["tax_total"] == {"amount": "8.63", "currency": "USD"}


def test_a_line_no_rule_covers_is_422(api: Api, acme: Acme) -> None:
    # given / when
    reply = preview(api, acme, shipping_address={"country": "JP", "postal_code": "100-0001"})
    # then
    assert error_locs(reply) == ["lines.bolts", "lines.manual"]


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        pytest.param({"currency": "GBP"}, "body.currency", id="a currency the website does not sell in"),
        pytest.param(
            {"website_id": "web_01JD0000000000000000000000"}, "body.website_id", id="an unknown website"
        ),
        pytest.param({"shipping_address": None}, "shipping_address", id="no address for the tax basis"),
        pytest.param(
            {"lines": [{"key": "a", "unit_price": 10, "quantity": "1"}]},
            "body.lines[0].unit_price",
            id="a JSON number",
        ),
        pytest.param(
            {"lines": [{"key": "a", "unit_price": "10", "quantity": "1", "discount": "11"}]},
            "lines",
            id="a discount above its line",
        ),
    ],
)
def test_a_bad_preview_is_422(api: Api, acme: Acme, overrides: dict[str, Any], loc: str) -> None:
    # given / when
    reply = preview(api, acme, **overrides)
    # then
    assert error_locs(reply) == [loc]


def test_rounding_per_total_is_the_tenants_choice(api: Api, acme: Acme) -> None:
    # given the tenant rounds per total
    tenant = api.call("GET", "/v1/admin/tenant", token=acme.token).body
    settings = {**tenant["settings"], "tax_rounding": "per_total"}
    changed = api.call(
        "PATCH", "/v1/admin/tenant", token=acme.token, body={"settings": settings}, headers={"If-Match": "*"}
    )
    assert changed.status == 200, changed.body
    lines = [
        {"key": key, "unit_price": "1.05", "quantity": "1", "product_tax_code": "reduced"} for key in "abc"
    ]
    # when
    reply = preview(api, acme, lines=lines)
    # then three lines of 0.0735 tax are 0.22 together, not 3 x 0.07
    assert reply.body["tax_total"]["amount"] == "0.22"


def test_a_website_taxed_at_its_origin_needs_one(api: Api, acme: Acme) -> None:
    # given
    path = f"/v1/admin/websites/{acme.net_website}"
    # when
    refused = api.call(
        "PATCH", path, token=acme.token, body={"tax_basis": "origin"}, headers={"If-Match": "*"}
    )
    taken = api.call(
        "PATCH",
        path,
        token=acme.token,
        body={"tax_basis": "origin", "tax_origin": BERLIN},
        headers={"If-Match": "*"},
    )
    taxed = preview(api, acme, shipping_address=SAN_FRANCISCO)
    # then
    assert error_locs(refused) == ["body.tax_origin"]
    assert taken.status == 200, taken.body
    assert taxed.body["tax_total"]["amount"] == "21.10"


def test_an_organization_taxing_at_the_origin_needs_it_on_its_websites(api: Api, acme: Acme) -> None:
    # given websites of the organization without a tax_origin
    path = f"/v1/admin/organizations/{acme.organization}"
    # when
    reply = api.call("PATCH", path, token=acme.token, body={"tax_basis": "origin"}, headers={"If-Match": "*"})
    # then
    assert acme.net_website in assert_problem(reply, 409)["detail"]
