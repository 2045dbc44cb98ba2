"""The order workflow worker: fed from the outbox (``order.placed`` -> the ``order-workflow`` queue), it
confirms each placed order, or holds it when one of the tenant's checks stops it; a replay changes
nothing, and a batch with a failing message reports only that one."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.platform.ids import utc_now
from chalicelib.platform.settings import get_settings

from .conftest import Api, Outbox, Table
from .orders_support import Placement, order_lines, place_order

pytestmark = pytest.mark.shared_account

CONSUMER = "order-workflow"
CUSTOMER = "the ordering customer"


@dataclass
class Acme:
    api: Api
    admin: str
    where: Placement

    def settings(self, **checks: Any) -> None:
        """The tenant's order checks, set through its settings."""
        tenant = self.api.call("GET", "/v1/admin/tenant", token=self.admin).body
        settings = {**tenant["settings"], "order_checks": checks}
        reply = self.api.call(
            "PATCH",
            "/v1/admin/tenant",
            token=self.admin,
            body={"settings": settings},
            headers={"If-Match": "*"},
        )
        assert reply.status == 200, reply.body

    def order(self, order_id: str) -> dict[str, Any]:
        reply = self.api.call("GET", f"/v1/admin/orders/{order_id}", token=self.admin)
        assert reply.status == 200, reply.body
        return dict(reply.body)


@pytest.fixture
def acme(api: Api, make_buyer_placement: Callable[[str], tuple[str, Placement]]) -> Acme:
    return Acme(api, *make_buyer_placement("acme"))


@pytest.fixture
def worker_queue(aws: dict[str, str]) -> str:
    return aws[get_settings().queue_name(CONSUMER)]


def _worker_messages(outbox: Outbox, queue: str) -> list[str]:
    """The outbox's new events through the dispatcher; the bodies waiting on the worker's queue."""
    assert outbox.dispatch() == {"batchItemFailures": []}
    return [message["Body"] for message in outbox.receive(queue)]


def _consume(api: Api, bodies: list[str]) -> Any:
    event = api.client.events.generate_sqs_event(
        message_bodies=bodies, queue_name=get_settings().queue_name(CONSUMER)
    )
    for number, record in enumerate(event["Records"], start=1):
        record["messageId"] = f"message-{number}"
    return api.invoke("order_workflow_consumer", event)


def test_a_placed_order_without_checks_is_confirmed_and_handed_to_the_export(
    acme: Acme, api: Api, outbox: Outbox, table: Table, worker_queue: str
) -> None:
    # given a placed order, and a tenant without order checks
    order = place_order(acme.where)

    # when the worker takes its order.placed event from its queue
    bodies = _worker_messages(outbox, worker_queue)
    result = _consume(api, bodies)

    # then the order is confirmed by the worker, and its events say so
    assert result == {"batchItemFailures": []}
    assert [json.loads(body)["type"] for body in bodies] == ["order.placed"]
    confirmed = acme.order(order.id)
    assert confirmed["status"] == "confirmed"
    assert (confirmed["history"][-1]["actor_id"], confirmed["history"][-1]["acting_as"]) == (
        "worker",
        "worker",
    )
    events = [event["type"] for event in table.events("acme") if event["entity_id"] == order.id]
    assert events == ["order.placed", "order.confirmed", "order.export_requested"]


def test_an_order_above_the_review_threshold_is_held_with_the_reason(
    acme: Acme, api: Api, outbox: Outbox, table: Table, worker_queue: str
) -> None:
    # given a review threshold of 100 EUR and an order of 120 EUR
    acme.settings(review_above={"EUR": "100.00"})
    order = place_order(acme.where, lines=order_lines("EUR", unit_price="60.00", quantity="2"))

    # when the worker takes it
    assert _consume(api, _worker_messages(outbox, worker_queue)) == {"batchItemFailures": []}

    # then it is on hold, the note says why, and no export is requested
    held = acme.order(order.id)
    assert held["status"] == "on_hold"
    assert "above the review threshold 100.00" in held["history"][-1]["note"]
    events = [event["type"] for event in table.events("acme") if event["entity_id"] == order.id]
    assert events == ["order.placed", "order.held"]


SOON = utc_now().date() + timedelta(days=2)


@pytest.mark.parametrize(
    ("checks", "placed"),
    [
        pytest.param({"accounts_on_hold": [CUSTOMER]}, {}, id="its customer on hold"),
        pytest.param({"hold_prepayment": True}, {"payment_kind": "prepayment"}, id="paid in advance"),
        pytest.param({"min_lead_days": 5}, {"requested_delivery_date": SOON}, id="sooner than the lead time"),
    ],
)
def test_an_order_a_configured_check_stops_is_held(
    acme: Acme, api: Api, outbox: Outbox, worker_queue: str, checks: dict[str, Any], placed: dict[str, Any]
) -> None:
    # given the tenant's check (CUSTOMER: the ordering customer), and an order it stops
    named = {
        name: [acme.where.customer_id] if value == [CUSTOMER] else value for name, value in checks.items()
    }
    acme.settings(**named)
    order = place_order(acme.where, **placed)

    # when the worker takes it
    assert _consume(api, _worker_messages(outbox, worker_queue)) == {"batchItemFailures": []}

    # then
    assert acme.order(order.id)["status"] == "on_hold"


def test_a_replayed_order_placed_changes_nothing(
    acme: Acme, api: Api, outbox: Outbox, table: Table, worker_queue: str
) -> None:
    # given a placed order the worker confirmed
    place_order(acme.where)
    bodies = _worker_messages(outbox, worker_queue)
    assert _consume(api, bodies) == {"batchItemFailures": []}
    before = table.writes()

    # when the same message comes again
    result = _consume(api, bodies)

    # then it is done, not failed, and nothing is written
    assert result == {"batchItemFailures": []}
    assert table.writes() == before


def test_staff_release_a_held_order_and_it_is_handed_to_the_export(
    acme: Acme, api: Api, outbox: Outbox, table: Table, worker_queue: str
) -> None:
    # given an order held for its customer's account
    acme.settings(accounts_on_hold=[acme.where.customer_id])
    order = place_order(acme.where)
    assert _consume(api, _worker_messages(outbox, worker_queue)) == {"batchItemFailures": []}

    # when staff release it
    reply = api.call(
        "POST",
        f"/v1/admin/orders/{order.id}/transitions",
        token=acme.admin,
        body={"transition": "release", "note": "payment received"},
        headers={"If-Match": '"2"'},
    )

    # then it is confirmed, and the export is requested now
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "confirmed"
    events = [event["type"] for event in table.events("acme") if event["entity_id"] == order.id]
    assert events == ["order.placed", "order.held", "order.released", "order.export_requested"]


def test_an_unreadable_message_fails_alone_and_the_rest_of_the_batch_is_handled(
    acme: Acme, api: Api, outbox: Outbox, worker_queue: str
) -> None:
    # given a placed order's message, and a message that is not an event
    order = place_order(acme.where)
    bodies = _worker_messages(outbox, worker_queue)

    # when both come in one batch
    result = _consume(api, ["not json", *bodies])

    # then the bad one is set aside as permanent (not retried), and the order is confirmed
    assert result == {"batchItemFailures": []}
    assert acme.order(order.id)["status"] == "confirmed"
