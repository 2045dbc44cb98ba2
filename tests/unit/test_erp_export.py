"""The ERP export's mapping of outbox events to CloudEvents, its committed schemas, and what a consumer
does with the events: rebuild an order from them in any arrival order, duplicates included (hypothesis),
and see which versions have not arrived."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.erp_export import (
    CUSTOMER_ENTITY,
    ORDER_ENTITY,
    cloud_events,
    exported_event,
    is_exported,
    missing_versions,
    rebuild_order,
    schema_documents,
)
from chalicelib.domain.orders.orders import OrderLine
from chalicelib.services.erp.export import EXPORTED_ENTITIES

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "events" / "schemas" / "erp-export"
PREFIX = "kontor-test"
TRANSITIONS = [("confirm", "pending", "confirmed"), ("process", "confirmed", "processing")]


def placed_event() -> dict[str, Any]:
    """The ``order.placed`` outbox event of the committed sample."""
    sample = json.loads((ROOT / "events" / "sqs-order-placed.json").read_text())
    event: dict[str, Any] = json.loads(sample["Records"][0]["body"])
    return event


def changed_event(before: dict[str, Any], number: int) -> dict[str, Any]:
    """The outbox event of the ``number``-th transition of ``TRANSITIONS`` after ``before``."""
    transition, source, target = TRANSITIONS[number]
    entry = {
        "transition": transition,
        "from_status": source,
        "to_status": target,
        "event": f"order.{target}",
        "actor_id": "sam@acme.example",
        "acting_as": "staff",
        "at": f"2026-12-05T13:0{number}:00.000000Z",
        "note": None,
    }
    after = {**before["after"], "status": target, "history": [*before["after"]["history"], entry]}
    return {
        **before,
        "id": f"evt_change_{number}",
        "type": entry["event"],
        "action": "updated",
        "after": after,
        "version": before["version"] + 1,
    }


def lines(count: int) -> list[OrderLine]:
    money = {"amount": "10.00", "currency": "EUR"}
    return [
        OrderLine.model_validate(
            {
                "position": position,
                "product_id": f"prd_{position}",
                "sku": f"SKU-{position}",
                "name": f"Product {position}",
                "unit": "each",
                "quantity": "1",
                "unit_price": money,
                "price_list_id": None,
                "subtotal": money,
                "discount": {"amount": "0.00", "currency": "EUR"},
                "tax": {"amount": "0.00", "currency": "EUR"},
                "total": money,
            }
        )
        for position in range(1, count + 1)
    ]


def documents(events: list[tuple[dict[str, Any], list[OrderLine]]]) -> list[dict[str, Any]]:
    return [
        document.model_dump(mode="json")
        for event, event_lines in events
        for document in cloud_events(event, PREFIX, event_lines)
    ]


@functools.cache
def an_order_s_documents(line_count: int) -> list[dict[str, Any]]:
    """An order of ``line_count`` lines placed, confirmed and processed, as exported (made once: read
    only)."""
    placed = placed_event()
    confirmed = changed_event(placed, 0)
    processed = changed_event(confirmed, 1)
    return documents([(placed, lines(line_count)), (confirmed, []), (processed, [])])


# --- the mapping --------------------------------------------------------------------------------------


def test_a_placed_order_of_many_lines_is_exported_a_hundred_lines_an_event() -> None:
    # given the placed event of an order of 250 lines
    event = placed_event()

    # when it is mapped
    exported = documents([(event, lines(250))])

    # then the placed event carries the header and the first 100 lines, two line pages the rest
    assert [(document["id"], document["type"]) for document in exported] == [
        (event["id"], "com.kontor.order.placed"),
        (f"{event['id']}.1", "com.kontor.order.lines"),
        (f"{event['id']}.2", "com.kontor.order.lines"),
    ]
    assert [len(document["data"]["lines"]) for document in exported] == [100, 100, 50]
    assert {document["aggregateversion"] for document in exported} == {1}
    assert exported[0]["data"]["order"]["version"] == 1


def test_a_status_change_carries_the_header_after_it_and_its_history_entry() -> None:
    # given an order confirmed
    confirmed = changed_event(placed_event(), 0)

    # when its event is mapped
    [exported] = documents([(confirmed, [])])

    # then it is the order's second version, subject the order, with its new status and history entry
    assert (exported["type"], exported["subject"]) == (
        "com.kontor.order.status_changed",
        confirmed["entity_id"],
    )
    assert exported["aggregateversion"] == exported["data"]["order"]["version"] == 2
    assert exported["data"]["order"]["status"] == "confirmed"
    assert exported["data"]["transition"]["transition"] == "confirm"
    assert (exported["tenantid"], exported["source"]) == ("acme", f"/{PREFIX}/tenants/acme")


def test_a_shipment_recorded_without_a_status_change_is_the_order_s_next_version() -> None:
    # given an order confirmed, then updated with a shipment while its status stays confirmed
    confirmed = changed_event(placed_event(), 0)
    shipment = {"carrier": "DHL", "tracking_number": "00340434161094042557"}
    updated = {
        **confirmed,
        "id": "evt_updated",
        "type": "order.updated",
        "after": {**confirmed["after"], "shipments": [shipment]},
        "version": confirmed["version"] + 1,
    }

    # when its event is mapped
    [exported] = documents([(updated, [])])

    # then it is an update of version 3 (the history still holds two entries) with the shipment
    assert exported["type"] == "com.kontor.order.updated"
    assert exported["aggregateversion"] == exported["data"]["order"]["version"] == 3
    assert len(exported["data"]["order"]["history"]) == 2
    assert exported["data"]["order"]["shipments"][0]["tracking_number"] == "00340434161094042557"


def test_the_erp_hears_orders_and_customers_only() -> None:
    # given an order's placing and confirmation, the export request beside it, another event about the
    # order that wrote no header, a unit's event and a website's
    placed = placed_event()
    confirmed = changed_event(placed, 0)
    export_requested = {**confirmed, "type": "order.export_requested"}
    other = {**confirmed, "type": "order.invoice_attached"}
    unit_created = {**placed, "type": "customer_unit.created", "entity_type": "customer_unit"}
    website_updated = {**placed, "type": "website.updated", "entity_type": "website", "action": "updated"}
    events = (placed, confirmed, export_requested, other, unit_created, website_updated)

    # when each is asked whether the ERP hears it
    heard = [is_exported(event) for event in events]

    # then the ERP hears the events that wrote the order's header, and the unit's
    assert heard == [True, True, False, False, True, False]


# --- what a consumer does ----------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_an_order_rebuilt_from_its_events_in_any_order_is_the_same(data: st.DataObject) -> None:
    # given an order of 230 lines placed, confirmed and processed, as exported in order
    exported = an_order_s_documents(230)
    in_order = rebuild_order(exported, exported[0]["subject"])
    assert in_order is not None

    # when its events arrive in any order, some of them more than once
    repeats = data.draw(st.lists(st.sampled_from(exported), max_size=6))
    arrival = data.draw(st.permutations(exported + repeats))

    # then the rebuilt order is the newest header with every line
    rebuilt = rebuild_order(arrival, exported[0]["subject"])
    assert rebuilt == in_order
    assert rebuilt["status"] == "processing"
    assert rebuilt["version"] == 3
    assert [line["position"] for line in rebuilt["lines"]] == list(range(1, 231))


def test_an_order_is_not_rebuilt_before_all_its_lines_arrived() -> None:
    # given an order of 230 lines whose second line page has not arrived
    exported = an_order_s_documents(230)
    arrived = [document for document in exported if not document["id"].endswith(".2")]

    # when it is rebuilt
    rebuilt = rebuild_order(arrived, exported[0]["subject"])

    # then it is not yet
    assert rebuilt is None


def test_a_version_that_has_not_arrived_is_seen_as_missing() -> None:
    # given an order's events without its confirmation (version 2)
    exported = an_order_s_documents(1)
    arrived = [document for document in exported if document["aggregateversion"] != 2]

    # when a consumer looks for gaps
    missing = missing_versions(arrived, exported[0]["subject"])

    # then version 2 is missing
    assert missing == [2]


# --- the committed schemas ------------------------------------------------------------------------


def test_the_committed_schemas_are_the_models() -> None:
    # given the JSON Schemas generated from the exported events' models
    generated = schema_documents()
    # when the committed files are read
    committed = {path.name: json.loads(path.read_text()) for path in SCHEMAS.glob("*.json")}
    # then they are the same (run `make erp-schemas` after changing a model)
    assert committed == generated


def test_the_committed_samples_are_exported_events() -> None:
    # given the samples of what the ERP receives
    samples = sorted(ROOT.glob("events/erp-export-*.json"))
    # when each is read as an exported event
    read = [exported_event(json.loads(path.read_text())) for path in samples]
    # then each is one, as it was written
    assert [event.model_dump(mode="json") for event in read] == [
        json.loads(path.read_text()) for path in samples
    ]
    assert samples


def test_the_dispatcher_s_first_filter_names_the_exported_entities() -> None:
    # given the entities the dispatcher lets through to the export, and those the export maps
    # then they are the same
    assert {ORDER_ENTITY, CUSTOMER_ENTITY} == EXPORTED_ENTITIES
