"""ERP operations: what a prices upsert writes (nothing for rows that did not change), and ``kontor erp
replay`` moving the inbound queue's dead letters back after a fix (run as ``kontor erp replay --stage
test``: the tests' queues and table, under moto).

What a message wrote is read from moto's table stream (every write adds a record), never by reading the
table through the API.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.cli import main
from chalicelib.platform.queues import ERP_INBOUND, dead_letter_name
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


def _dead_lettered(sender: Erp, aws: dict[str, str], *sent: dict[str, Any]) -> None:
    """The messages sent, taken off the inbound queue and put in its DLQ as SQS's redrive moves them."""
    sender.send(*sent)
    dead_letters = aws[dead_letter_name(get_settings().queue_name(ERP_INBOUND))]
    for queued in sender.outbox.receive(sender.queue_url):
        sender.outbox.aws.sqs.send_message(
            QueueUrl=dead_letters, MessageBody=queued["Body"], MessageAttributes=queued["MessageAttributes"]
        )


def test_erp_replay_moves_the_messages_named_back_and_reopens_their_records(
    erp: Erp,  # noqa: F811 - the fixture imported above
    aws: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given a stock update that failed (no such product yet), dead-lettered with a product upsert
    stock = message(
        "m-stock", 1, "inventory.update", {"sku": "BOLT-1", "inventory": {"status": "out_of_stock"}}
    )
    erp.send(stock)
    erp.consume()
    assert erp.fate("m-stock")["status"] == "failed"
    other = message(
        "m-other",
        1,
        "product.upsert",
        {"sku": "NUT-1", "organization_id": erp.organization, "name": {"en": "Nut"}},
    )
    _dead_lettered(erp, aws, stock, other)
    # and the fix: the product is there now
    erp.send(
        message(
            "m-bolt",
            1,
            "product.upsert",
            {"sku": "BOLT-1", "organization_id": erp.organization, "name": {"en": "Bolt"}},
        )
    )
    erp.consume()

    # when the stock update is replayed by its id
    exit_code = main(["erp", "replay", "--message-id", "m-stock", "--stage", "test"])

    # then it alone moved back, its record accepted again, and the worker applies it
    assert exit_code == 0
    assert capsys.readouterr().out.splitlines() == [
        "moved m-stock (inventory.update)",
        "moved 1 message(s) from kontor-test-erp-inbound-dlq",
    ]
    assert erp.fate("m-stock")["status"] == "accepted"
    erp.consume()
    assert erp.fate("m-stock")["status"] == "applied"
    assert erp.product("BOLT-1")["inventory"]["status"] == "out_of_stock"
    # and the product upsert not named is still in the DLQ
    left = erp.outbox.receive(aws[dead_letter_name(get_settings().queue_name(ERP_INBOUND))])
    assert [queued["MessageAttributes"]["message_id"]["StringValue"] for queued in left] == ["m-other"]


def test_erp_replay_by_type_moves_every_message_of_that_type(
    erp: Erp,  # noqa: F811 - the fixture imported above
    aws: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given two product upserts in the DLQ
    products = [
        message(
            f"m-{sku}",
            1,
            "product.upsert",
            {"sku": sku, "organization_id": erp.organization, "name": {"en": sku}},
        )
        for sku in ("NUT-1", "NUT-2")
    ]
    _dead_lettered(erp, aws, *products)

    # when every product upsert is replayed
    assert main(["erp", "replay", "--type", "product.upsert", "--stage", "test"]) == 0

    # then both are applied
    assert capsys.readouterr().out.splitlines()[-1] == "moved 2 message(s) from kontor-test-erp-inbound-dlq"
    erp.consume()
    assert [erp.fate(f"m-{sku}")["status"] for sku in ("NUT-1", "NUT-2")] == ["applied", "applied"]


def test_erp_replay_without_a_choice_moves_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    # given no --message-id, --type or --all
    # when the command runs
    exit_code = main(["erp", "replay", "--stage", "test"])

    # then it says what it needs, in one line
    assert exit_code == 1
    assert capsys.readouterr().err == "kontor: say which messages: --message-id, --type or --all\n"


def test_the_parts_of_one_prices_update_apply_in_any_order_and_an_older_one_is_stale(priced: Erp) -> None:
    # given update 2 of the list in two parts, the second part arriving first, then an update 1 late
    priced.send(_prices("p-2b", 2, _rows("3.00", SKUS[3:])))
    priced.consume()
    priced.send(_prices("p-2a", 2, _rows("3.00", SKUS[:3])), _prices("p-late", 1, _rows("9.99")))

    # when the worker applies them
    priced.consume()

    # then both parts are applied, the older update is stale: every product at the new price
    assert [priced.fate(message_id)["status"] for message_id in ("p-2a", "p-2b", "p-late")] == [
        "applied",
        "applied",
        "skipped_stale",
    ]
    lists = priced.api.call("GET", "/v1/admin/price-lists", token=priced.admin).body["items"]
    path = f"/v1/admin/price-lists/{lists[0]['id']}/prices"
    stored = priced.api.call("GET", path, token=priced.admin).body["items"]
    assert sorted(item["rows"][0]["value"] for item in stored) == ["3.00"] * len(SKUS)
