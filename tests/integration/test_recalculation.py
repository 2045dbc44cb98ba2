"""The pricing consumer: rule-based lists' rows recalculated from the outbox events that move them.

The outbox runs as Lambda runs it (table stream -> dispatcher -> the pricing queue), and the consumer
is called with SQS-shaped events of what the queue holds, until nothing is left (waves included).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.platform.settings import get_settings
from chalicelib.services.pricing import recalculation

from .conftest import Api, AwsCalls, Outbox, Table

pytestmark = pytest.mark.shared_account

PRICE_LISTS = "/v1/admin/price-lists"
Make = Callable[..., dict[str, Any]]
MAX_WAVES = 20


@dataclass
class Pricing:
    """The pricing consumer fed from the outbox; ``handled``: every message body it was given."""

    api: Api
    outbox: Outbox
    queue_url: str
    handled: list[str] = field(default_factory=list)

    def settle(self) -> list[dict[str, Any]]:
        """Dispatch the new events and consume the pricing queue until it stays empty; the messages."""
        messages: list[dict[str, Any]] = []
        for _ in range(MAX_WAVES):
            self.dispatch()
            bodies = [message["Body"] for message in self.outbox.receive(self.queue_url)]
            if not bodies:
                return messages
            self.consume(bodies)
            messages += [json.loads(body) for body in bodies]
        raise AssertionError(f"the recalculation did not settle in {MAX_WAVES} waves")

    def dispatch(self) -> None:
        """The new stream records to the dispatcher (Powertools refuses an empty batch)."""
        if records := self.outbox.stream_records():
            assert self.outbox.dispatch(records) == {"batchItemFailures": []}

    def consume(self, bodies: list[str]) -> None:
        for start in range(0, len(bodies), 10):
            event = self.api.client.events.generate_sqs_event(
                message_bodies=bodies[start : start + 10], queue_name=get_settings().queue_name("pricing")
            )
            assert self.api.invoke("pricing_consumer", event) == {"batchItemFailures": []}
        self.handled += bodies


@dataclass
class Acme:
    token: str
    organization: str
    base: str
    bolt: str
    nut: str

    def prices(self, api: Api, price_list: str, product: str) -> list[dict[str, Any]]:
        reply = api.call("GET", f"{PRICE_LISTS}/{price_list}/prices?product_id={product}", token=self.token)
        assert reply.status == 200, reply.body
        return [row for item in reply.body["items"] for row in item["rows"]]

    def set_base(self, api: Api, **values: str) -> None:
        rows = [
            {
                "product_id": getattr(self, name),
                "unit": "each",
                "currency": "EUR",
                "min_quantity": "1",
                "value": value,
            }
            for name, value in values.items()
        ]
        reply = api.call("PUT", f"{PRICE_LISTS}/{self.base}/prices", token=self.token, body={"rows": rows})
        assert reply.status == 200, reply.body

    def rule_list(self, api: Api, **overrides: Any) -> str:
        body = {
            "name": "Contract",
            "organization_id": self.organization,
            "currencies": ["EUR"],
            "kind": "rule_based",
            "rules": [{"based_on": self.base, "formula": "base.value * 0.9"}],
            **overrides,
        }
        reply = api.call("POST", PRICE_LISTS, token=self.token, body=body)
        assert reply.status == 201, reply.body
        return str(reply.body["id"])


@pytest.fixture
def pricing(api: Api, outbox: Outbox, aws: dict[str, str]) -> Pricing:
    pricing = Pricing(api, outbox, aws[get_settings().queue_name("pricing")])
    pricing.dispatch()
    outbox.receive(pricing.queue_url)  # what earlier tests of the module left
    return pricing


@pytest.fixture
def acme(make_tenant: Callable[..., str], make_organization: Make, make_product: Make, api: Api) -> Acme:
    token = make_tenant("acme")
    organization = make_organization(token)["id"]
    body = {"name": "Base", "organization_id": organization, "currencies": ["EUR"]}
    base = api.call("POST", PRICE_LISTS, token=token, body=body).body["id"]
    bolt = make_product(token, organization, sku="HB-M8", brand="ACME")["id"]
    nut = make_product(token, organization, sku="NUT-M8", brand="Bosch")["id"]
    acme = Acme(token, organization, base, bolt, nut)
    acme.set_base(api, bolt="10.00", nut="20.00")
    return acme


def values(rows: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(row["value"], row.get("rule_id")) for row in rows]


def test_a_new_rule_list_prices_every_product_of_its_organization(
    api: Api, acme: Acme, pricing: Pricing
) -> None:
    # given
    contract = acme.rule_list(api)

    # when
    pricing.settle()

    # then
    rule_id = api.call("GET", f"{PRICE_LISTS}/{contract}", token=acme.token).body["rules"][0]["id"]
    assert values(acme.prices(api, contract, acme.bolt)) == [("9.00", rule_id)]
    assert values(acme.prices(api, contract, acme.nut)) == [("18.00", rule_id)]


def test_a_base_price_change_moves_exactly_the_dependent_rows(
    api: Api, acme: Acme, pricing: Pricing, table: Table
) -> None:
    # given
    contract = acme.rule_list(api)
    pricing.settle()
    nut_item = table.get(f"T#acme#PRICELIST#{contract}", f"P#{acme.nut}")

    # when
    acme.set_base(api, bolt="8.00")
    messages = pricing.settle()

    # then
    assert values(acme.prices(api, contract, acme.bolt))[0][0] == "7.20"
    assert table.get(f"T#acme#PRICELIST#{contract}", f"P#{acme.nut}") == nut_item
    changes = [
        message["after"]["changed_product_ids"]
        for message in messages
        if message["type"] == "price_list.prices_changed" and message["entity_id"] == contract
    ]
    assert changes == [[acme.bolt]]


def test_a_replay_writes_nothing(api: Api, acme: Acme, pricing: Pricing, aws_calls: AwsCalls) -> None:
    # given
    acme.rule_list(api)
    pricing.settle()
    acme.set_base(api, bolt="8.00", nut="16.00")
    pricing.settle()
    replayed = list(pricing.handled)
    aws_calls.clear()

    # when
    pricing.consume(replayed)

    # then
    assert "TransactWriteItems" not in aws_calls.of("dynamodb")


def test_lists_based_on_a_rule_list_follow_in_waves(api: Api, acme: Acme, pricing: Pricing) -> None:
    # given
    contract = acme.rule_list(api)
    special = acme.rule_list(api, name="Special", rules=[{"based_on": contract, "formula": "base.value - 1"}])
    pricing.settle()

    # when
    acme.set_base(api, bolt="20.00")
    pricing.settle()

    # then
    assert values(acme.prices(api, special, acme.bolt))[0][0] == "17.00"


def test_manual_rows_of_a_rule_list_are_kept_beside_the_generated_ones(
    api: Api, acme: Acme, pricing: Pricing
) -> None:
    # given
    contract = acme.rule_list(api)
    pricing.settle()
    manual = {
        "product_id": acme.bolt,
        "unit": "each",
        "currency": "EUR",
        "min_quantity": "1",
        "value": "5.00",
    }
    api.call("PUT", f"{PRICE_LISTS}/{contract}/prices", token=acme.token, body={"rows": [manual]})

    # when
    acme.set_base(api, bolt="30.00")
    pricing.settle()

    # then
    rows = values(acme.prices(api, contract, acme.bolt))
    assert rows[0] == ("5.00", None)
    assert rows[1][0] == "27.00"


def test_a_whole_list_is_recalculated_a_page_per_message(
    api: Api, acme: Acme, pricing: Pricing, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setattr(recalculation, "PRODUCTS_PAGE", 1)

    # when
    contract = acme.rule_list(api)
    messages = pricing.settle()

    # then
    continued = [message for message in messages if message["type"] == recalculation.RECALCULATE]
    assert len(continued) == 1
    assert continued[0]["price_list_id"] == contract
    assert acme.prices(api, contract, acme.nut) != []


def test_a_product_change_the_rules_read_recalculates_it_and_another_change_writes_nothing(
    api: Api, acme: Acme, pricing: Pricing, aws_calls: AwsCalls
) -> None:
    # given
    contract = acme.rule_list(api, product_assignment_rule="product.brand == 'ACME'")
    pricing.settle()
    assert acme.prices(api, contract, acme.nut) == []
    path = f"/v1/admin/products/{acme.nut}"

    # when
    renamed = api.call("PATCH", path, token=acme.token, body={"name": {"en": "Nut"}, "version": 1})
    aws_calls.clear()
    pricing.settle()
    written_for_a_name = aws_calls.of("dynamodb").count("TransactWriteItems")
    rebranded = api.call("PATCH", path, token=acme.token, body={"brand": "ACME", "version": 2})
    pricing.settle()

    # then
    assert renamed.status == rebranded.status == 200
    assert written_for_a_name == 0
    assert values(acme.prices(api, contract, acme.nut))[0][0] == "18.00"


def test_a_rule_that_cannot_price_a_product_is_logged_with_its_ids_and_leaves_the_row_out(
    api: Api, acme: Acme, pricing: Pricing, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    rules = [
        {
            "based_on": acme.base,
            "formula": "product.attributes.cost * 1.2",
            "condition": "product.sku == 'HB-M8'",
        }
    ]
    contract = acme.rule_list(api, rules=rules)

    # when
    pricing.settle()

    # then
    problems = [
        record for record in caplog.records if record.getMessage() == "a price rule cannot price a product"
    ]
    assert [(record.price_list_id, record.product_id) for record in problems] == [(contract, acme.bolt)]
    assert acme.prices(api, contract, acme.bolt) == []


def test_exchange_rates_set_later_price_the_rows_a_rule_converts(
    api: Api, acme: Acme, pricing: Pricing
) -> None:
    # given a rule pricing in USD from the EUR base, without a rate yet
    rules = [{"based_on": acme.base, "formula": "base.value", "currency": "USD"}]
    contract = acme.rule_list(api, currencies=["USD"], rules=rules)
    pricing.settle()
    assert acme.prices(api, contract, acme.bolt) == []

    # when
    rates = {"rates": [{"from_currency": "EUR", "to_currency": "USD", "rate": "1.10"}]}
    assert api.call("PUT", "/v1/admin/exchange-rates", token=acme.token, body=rates).status == 200
    pricing.settle()

    # then
    assert values(acme.prices(api, contract, acme.bolt))[0][0] == "11.00"


def test_another_rounding_mode_reprices_every_rule_list(api: Api, acme: Acme, pricing: Pricing) -> None:
    # given a third of 10.00 (3.33 rounding half up)
    contract = acme.rule_list(api, rules=[{"based_on": acme.base, "formula": "base.value / 3"}])
    pricing.settle()
    assert values(acme.prices(api, contract, acme.bolt))[0][0] == "3.33"
    tenant = api.call("GET", "/v1/admin/tenant", token=acme.token).body

    # when
    body = {"settings": {**tenant["settings"], "rounding_mode": "up"}}
    api.call("PATCH", "/v1/admin/tenant", token=acme.token, body=body, headers={"If-Match": "*"})
    pricing.settle()

    # then
    assert values(acme.prices(api, contract, acme.bolt))[0][0] == "3.34"


def test_a_manual_list_s_change_reads_nothing_for_the_recalculation(
    api: Api, acme: Acme, pricing: Pricing, aws_calls: AwsCalls
) -> None:
    # given
    path = f"{PRICE_LISTS}/{acme.base}"
    api.call("PATCH", path, token=acme.token, body={"name": "Base 2", "version": 1})
    pricing.dispatch()
    bodies = [message["Body"] for message in pricing.outbox.receive(pricing.queue_url)]
    aws_calls.clear()

    # when
    pricing.consume(bodies)

    # then
    assert [json.loads(body)["type"] for body in bodies] == ["price_list.updated"]
    assert aws_calls.of("dynamodb") == []
