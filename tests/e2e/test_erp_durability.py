"""An ERP import on the local stack survives what goes wrong (issue 12's "done when"):

- a poison message (one that fails every time it is tried) goes to the erp-inbound DLQ after its 5
  receives while the rest of its batch is applied, and ``kontor erp replay`` brings it back once the
  cause is fixed;
- the stack killed while its worker applies a few thousand price rows (one update of a list in 6
  parts), and started again on the same data folder, loses no row and applies no message twice.

The module runs its own stack (it is killed), with consumers' retry delays of 0 s
(``KONTOR_RETRY_BASE_SECONDS``) so that five receives take a moment, not five minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from chalicelib.platform.queues import ERP_INBOUND, dead_letter_name
from chalicelib.store import keys

from .stack import PROJECT_ROOT, SMALL_CATALOG, Stack, eventually

pytestmark = pytest.mark.e2e

ENVIRONMENT = {**SMALL_CATALOG, "KONTOR_RETRY_BASE_SECONDS": "0"}
ACME_ADMIN = "admin@acme.example"
SCOPES = ["product.upsert", "inventory.update", "price_list.upsert", "prices.upsert"]
APPLIED_WITHIN_SECONDS = 300  # a loaded machine: fails only when nothing moves for so long
TIERS = 50  # rows per product in the import: 60 products, 3,000 rows
IMPORT_PRODUCTS = 60
ROWS_PER_MESSAGE = 500
MESSAGES_PER_CALL = 10  # a call of 60 took over the client's 10 s on a machine loaded 20 times over
ATTEMPTS = 5


def _message(message_id: str, seq: int, message_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": message_type,
        "id": message_id,
        "source_seq": seq,
        "occurred_at": "2026-12-06T10:00:00Z",
        "payload": payload,
    }


@dataclass
class Erp:
    """A stack (started again by :meth:`restart`), its admin, and an integration key of acme."""

    data: Path
    stack: Stack
    admin: str = ""
    key: str = ""
    organization: str = ""

    def __post_init__(self) -> None:
        self.admin = self.stack.token("acme", ACME_ADMIN)
        created = self.ok("POST", "/v1/admin/integrations", json={"name": "durability", "scopes": SCOPES})
        self.key = created["secret"]
        self.organization = self.ok("GET", "/v1/admin/organizations")["items"][0]["id"]

    def ok(self, method: str, path: str, token: str | None = None, **options: Any) -> Any:
        """One call, asked again when the loaded stack times out or answers 5xx (the calls made here are
        reads, or ERP messages: a message sent again is answered by its fate, never queued twice)."""
        for _ in range(ATTEMPTS):
            try:
                response = self.stack.call(method, path, token=token or self.admin, **options)
            except requests.Timeout:
                continue
            if response.status_code < 500:
                break
        assert response.status_code < 300, f"{method} {path}: {response.text}"
        return response.json()

    def send(self, *messages: dict[str, Any]) -> None:
        for start in range(0, len(messages), MESSAGES_PER_CALL):
            batch = list(messages[start : start + MESSAGES_PER_CALL])
            answer = self.ok("POST", "/v1/erp/messages", token=self.key, json={"messages": batch})
            assert answer["rejected"] == 0, answer

    def fate(self, message_id: str) -> str:
        return str(self.ok("GET", f"/v1/erp/messages/{message_id}", token=self.key)["status"])

    def fates(self, *message_ids: str) -> list[str] | None:
        """Every message's fate once none is ``accepted`` any more, else None."""
        found = [self.fate(message_id) for message_id in message_ids]
        return None if "accepted" in found else found

    def products(self, *skus: str, name: str = "Part") -> None:
        """The products, sent and applied."""
        upserts = [
            _message(
                f"p-{sku}",
                1,
                "product.upsert",
                {"sku": sku, "organization_id": self.organization, "name": {"en": name}},
            )
            for sku in skus
        ]
        self.send(*upserts)
        eventually(
            lambda: self.fates(*(m["id"] for m in upserts)),
            timeout=APPLIED_WITHIN_SECONDS,
            what="the products",
        )

    def price_list(self, code: str) -> str:
        """A list of the ERP's code, sent and applied; its id."""
        payload = {
            "code": code,
            "organization_id": self.organization,
            "name": f"List {code}",
            "currencies": ["EUR"],
        }
        self.send(_message(f"l-{code}", 1, "price_list.upsert", payload))
        assert eventually(
            lambda: self.fates(f"l-{code}"), timeout=APPLIED_WITHIN_SECONDS, what="the list"
        ) == ["applied"]
        listed = self.ok("GET", "/v1/admin/price-lists", params={"limit": 100})["items"]
        return str(next(item["id"] for item in listed if item["name"] == f"List {code}"))

    def product_ids(self) -> dict[str, str]:
        found: dict[str, str] = {}
        params: dict[str, Any] = {"limit": 100}
        while True:
            page = self.ok("GET", "/v1/admin/products", params=params)
            found |= {item["sku"]: item["id"] for item in page["items"]}
            if page["next_cursor"] is None:
                return found
            params["cursor"] = page["next_cursor"]

    def rows(self, list_id: str) -> dict[str, list[dict[str, Any]]]:
        """The list's rows, by product id."""
        found: dict[str, list[dict[str, Any]]] = {}
        params: dict[str, Any] = {"limit": 100}
        while True:
            page = self.ok("GET", f"/v1/admin/price-lists/{list_id}/prices", params=params)
            found |= {item["product_id"]: item["rows"] for item in page["items"]}
            if page["next_cursor"] is None:
                return found
            params["cursor"] = page["next_cursor"]

    def _backend(self, factory: str, service: str) -> Any:
        """A boto3 client or resource (``factory``) of the stack's DynamoDB Local or SQS server."""
        import boto3

        return getattr(boto3, factory)(
            service,
            endpoint_url=self.stack.environment[f"KONTOR_{service.upper()}_ENDPOINT"],
            region_name=self.stack.environment["AWS_REGION"],
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def table(self) -> Any:
        return self._backend("resource", "dynamodb").Table(self.stack.environment["KONTOR_TABLE"])

    def dead_letters(self) -> int:
        sqs = self._backend("client", "sqs")
        name = dead_letter_name(f"{self.stack.environment['KONTOR_QUEUE_PREFIX']}-{ERP_INBOUND}")
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(attributes["Attributes"]["ApproximateNumberOfMessages"])

    def kontor(self, *arguments: str) -> str:
        """``kontor`` run as an operator would, on this stack's queues and table; its output."""
        environment = {**os.environ, **self.stack.environment}
        done = subprocess.run(
            [sys.executable, "-m", "chalicelib.cli", *arguments],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def restart(self) -> None:
        self.stack.kill()
        self.stack = Stack(self.data, ENVIRONMENT)


@pytest.fixture(scope="module")
def erp(seeded_data: Callable[[str], Path]) -> Iterator[Erp]:
    data = seeded_data("erp-durability")
    running = Erp(data, Stack(data, ENVIRONMENT))
    yield running
    assert running.stack.stop() == 0, running.stack.output()


def _rows(sku: str, value: str, tiers: int = 1) -> list[dict[str, Any]]:
    return [
        {"sku": sku, "unit": "each", "currency": "EUR", "min_quantity": str(tier), "value": value}
        for tier in range(1, tiers + 1)
    ]


def test_a_poison_message_is_dead_lettered_after_its_receives_and_replayed_after_the_fix(erp: Erp) -> None:
    # given three products and a list, and a stray row item of the list for the second product (the
    # product's price sheet does not have it): every write of its prices fails on its guard
    erp.products("POISON-1", "POISON-2", "POISON-3")
    list_id = erp.price_list("PL-POISON")
    product = erp.product_ids()["POISON-2"]
    stray = keys.price_list_product("acme", list_id, product)
    data = {"price_list_id": list_id, "product_id": product, "rows": [], "digest": "stray"}
    erp.table().put_item(
        Item={"PK": stray.pk, "SK": stray.sk, "type": "price_list_product", "data": data, "version": 1}
    )

    # when the ERP sends the poison between two good messages, in one call
    stock = {"sku": "POISON-1", "inventory": {"status": "out_of_stock"}}
    renamed = {"sku": "POISON-3", "organization_id": erp.organization, "name": {"en": "Renamed"}}
    poison = {"price_list_code": "PL-POISON", "rows": _rows("POISON-2", "4.20")}
    erp.send(
        _message("good-1", 1, "inventory.update", stock),
        _message("poison", 1, "prices.upsert", poison),
        _message("good-2", 2, "product.upsert", renamed),
    )

    # then the good ones are applied, the poison lands in the DLQ (its fate still accepted)
    assert eventually(
        lambda: erp.fates("good-1", "good-2"), timeout=APPLIED_WITHIN_SECONDS, what="the good messages"
    ) == [
        "applied",
        "applied",
    ]
    eventually(
        lambda: erp.dead_letters() == 1, timeout=APPLIED_WITHIN_SECONDS, what="the poison's dead letter"
    )
    assert erp.fate("poison") == "accepted"

    # when the cause is fixed and the poison replayed by its id
    erp.table().delete_item(Key={"PK": stray.pk, "SK": stray.sk})
    output = erp.kontor("erp", "replay", "--message-id", "poison")

    # then it moved back and is applied: the product has its price
    assert "moved poison (prices.upsert)" in output.splitlines()
    assert eventually(lambda: erp.fates("poison"), timeout=APPLIED_WITHIN_SECONDS, what="the replay") == [
        "applied"
    ]
    assert [row["value"] for row in erp.rows(list_id)[product]] == ["4.20"]
    assert erp.dead_letters() == 0


def test_an_import_killed_midway_and_started_again_loses_nothing_and_applies_nothing_twice(erp: Erp) -> None:
    # given 60 products and a list
    skus = [f"IMPORT-{number:02d}" for number in range(IMPORT_PRODUCTS)]
    erp.products(*skus)
    list_id = erp.price_list("PL-IMPORT")
    # and 3,000 rows of them (50 tiers each): one update of the list in 6 parts
    rows = [row for sku in skus for row in _rows(sku, "1.50", TIERS)]
    parts = {"price_list_code": "PL-IMPORT"}
    messages = [
        _message(
            f"import-{part}", 1, "prices.upsert", {**parts, "rows": rows[start : start + ROWS_PER_MESSAGE]}
        )
        for part, start in enumerate(range(0, len(rows), ROWS_PER_MESSAGE), start=1)
    ]
    ids = [message["id"] for message in messages]

    # when they are sent and the stack is killed once the worker has applied the first
    for message in messages:
        erp.send(message)
    eventually(
        lambda: erp.fate(ids[0]) == "applied", timeout=APPLIED_WITHIN_SECONDS, what="the first message"
    )
    erp.restart()

    # then every message is applied, each once: every product holds its 50 rows, changed by one event
    assert (
        eventually(lambda: erp.fates(*ids), timeout=APPLIED_WITHIN_SECONDS, what="every message")
        == ["applied"] * 6
    )
    product_ids = erp.product_ids()
    stored = erp.rows(list_id)
    assert {sku: len(stored.get(product_ids[sku], [])) for sku in skus} == dict.fromkeys(skus, TIERS)
    changed = Counter(product for event in _price_events(erp, list_id) for product in event)
    assert changed == Counter({product_ids[sku]: 1 for sku in skus})
    # and the list's ordering mark names the update, taken by one of its parts
    mark_key = keys.erp_sequence("acme", "prices:PL-IMPORT")
    mark = erp.table().get_item(Key={"PK": mark_key.pk, "SK": mark_key.sk})["Item"]
    assert int(mark["data"]["source_seq"]) == 1
    assert mark["data"]["message_id"] in ids


def _price_events(erp: Erp, list_id: str) -> list[list[str]]:
    """The products each ``price_list.prices_changed`` event of the list names (its outbox items)."""
    found: list[list[str]] = []
    scan: dict[str, Any] = {"FilterExpression": "#t = :t", "ExpressionAttributeNames": {"#t": "type"}}
    scan["ExpressionAttributeValues"] = {":t": "event"}
    table = erp.table()
    while True:
        page = table.scan(**scan)
        for item in page["Items"]:
            event = item["data"]
            if event.get("type") == "price_list.prices_changed" and event.get("entity_id") == list_id:
                found.append(list(event["after"]["changed_product_ids"]))
        if "LastEvaluatedKey" not in page:
            return found
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
