"""ERP operations: what a prices upsert writes (nothing for rows that did not change), and ``kontor erp
replay`` moving the inbound queue's dead letters back after a fix.

What a message wrote is read from moto's table stream (every write adds a record), never by reading the
table through the API.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.platform.settings import get_settings

from .conftest import AwsCalls, Moto
from .test_erp import Erp, erp, message  # noqa: F401 - erp: the fixture, shared with test_erp.py

pytestmark = pytest.mark.shared_account

LIST_CODE = "PL-EU"
SKUS = [f"BOLT-{number}" for number in range(1, 6)]


class Writes:
    """The types of the items written to the table since the last :meth:`since`, from moto's stream."""

    def __init__(self, mocked_aws: Moto) -> None:
        self._model = lambda: mocked_aws.table_model(get_settings().table_name)
        self._seen = 0

    def since(self) -> None:
        self._seen = len(self._model().stream_shard.items)

    def types(self) -> list[str]:
        changes = [stream.record["dynamodb"] for stream in self._model().stream_shard.items[self._seen :]]
        return sorted((change.get("NewImage") or change["OldImage"])["type"]["S"] for change in changes)


@pytest.fixture
def writes(mocked_aws: Moto) -> Writes:
    return Writes(mocked_aws)


def _rows(value: str, skus: list[str] = SKUS) -> list[dict[str, Any]]:
    return [
        {"sku": sku, "unit": "each", "currency": "EUR", "min_quantity": "1", "value": value} for sku in skus
    ]


def _prices(message_id: str, seq: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return message(message_id, seq, "prices.upsert", {"price_list_code": LIST_CODE, "rows": rows})


@pytest.fixture
def priced(erp: Erp) -> Erp:  # noqa: F811 - the fixture imported above
    """Five products in a list of the ERP's code, each priced 2.50 (message p-1, source_seq 1)."""
    products = [
        message(
            f"m-{sku}",
            1,
            "product.upsert",
            {"sku": sku, "organization_id": erp.organization, "name": {"en": sku}},
        )
        for sku in SKUS
    ]
    price_list = {
        "code": LIST_CODE,
        "organization_id": erp.organization,
        "name": "Europe",
        "currencies": ["EUR"],
    }
    erp.send(*products, message("m-list", 1, "price_list.upsert", price_list))
    erp.consume()
    erp.send(_prices("p-1", 1, _rows("2.50")))
    erp.consume()
    assert erp.fate("p-1")["status"] == "applied"
    return erp


def test_prices_sent_again_unchanged_write_only_the_message_s_record_and_mark(
    priced: Erp, writes: Writes
) -> None:
    # given the same rows sent again in a newer message
    priced.send(_prices("p-2", 2, _rows("2.50")))
    writes.since()

    # when the worker applies it
    priced.consume()

    # then it wrote its import record (applied) and moved the list's ordering mark: no price, no event
    assert priced.fate("p-2")["status"] == "applied"
    assert writes.types() == ["erp_import", "erp_sequence"]


def test_prices_with_one_changed_row_write_only_that_product_with_the_mark(
    priced: Erp, writes: Writes, aws_calls: AwsCalls
) -> None:
    # given the rows sent again with one value changed
    priced.send(_prices("p-2", 2, _rows("2.50", SKUS[:-1]) + _rows("3.00", SKUS[-1:])))
    writes.since()
    aws_calls.clear()

    # when the worker applies it
    priced.consume()

    # then one product's items, the mark and one event were written in one transaction, and the record
    assert aws_calls.of("dynamodb").count("TransactWriteItems") == 1
    assert priced.fate("p-2")["status"] == "applied"
    assert writes.types() == ["erp_import", "erp_sequence", "event", "price_list_product", "price_sheet"]


def test_a_product_sent_again_unchanged_keeps_its_version_and_writes_no_event(
    priced: Erp, writes: Writes
) -> None:
    # given a product sent again as it is, in a newer message
    before = priced.product(SKUS[0])
    name = {"sku": SKUS[0], "organization_id": priced.organization, "name": {"en": SKUS[0]}}
    priced.send(message("m-again", 2, "product.upsert", name))
    writes.since()

    # when the worker applies it
    priced.consume()

    # then only its mark and its record were written: the product keeps its version
    assert priced.fate("m-again")["status"] == "applied"
    assert writes.types() == ["erp_import", "erp_sequence"]
    assert priced.product(SKUS[0]) == before
