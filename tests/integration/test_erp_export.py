"""The ERP export: orders placed and changing status, and customers changed, reach the ``erp-export``
queue from the outbox as CloudEvents, and an order rebuilt from its events alone (shuffled, delivered
twice) is the order the admin API answers."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.domain.erp_export import exported_event, missing_versions, rebuild_order
from chalicelib.platform.queues import ERP_EXPORT
from chalicelib.platform.settings import get_settings

from .conftest import Api, Outbox
from .orders_support import Placement, order_lines, place_order
from .support import organization_body

pytestmark = pytest.mark.shared_account

CUSTOMERS = "/v1/admin/customers"


@dataclass
class Acme:
    api: Api
    admin: str
    where: Placement
    outbox: Outbox
    export_queue: str

    def exported(self) -> list[dict[str, Any]]:
        """The outbox's new events through the dispatcher; the CloudEvents on the export queue."""
        assert self.outbox.dispatch() == {"batchItemFailures": []}
        return [json.loads(message["Body"]) for message in self.outbox.receive(self.export_queue)]

    def move(self, order_id: str, transition: str, version: int) -> None:
        reply = self.api.call(
            "POST",
            f"/v1/admin/orders/{order_id}/transitions",
            token=self.admin,
            body={"transition": transition},
            headers={"If-Match": f'"{version}"'},
        )
        assert reply.status == 200, reply.body

    def rename_customer(self, name: str) -> dict[str, Any]:
        """The customer (its company unit, at version 1) renamed; the unit as answered."""
        reply = self.api.call(
            "PATCH",
            f"{CUSTOMERS}/{self.where.customer_id}",
            token=self.admin,
            body={"name": name},
            headers={"If-Match": '"1"'},
        )
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def order(self, order_id: str) -> dict[str, Any]:
        reply = self.api.call("GET", f"/v1/admin/orders/{order_id}", token=self.admin)
        assert reply.status == 200, reply.body
        return dict(reply.body)


@pytest.fixture
def acme(
    api: Api,
    aws: dict[str, str],
    outbox: Outbox,
    make_buyer_placement: Callable[[str], tuple[str, Placement]],
) -> Acme:
    admin, where = make_buyer_placement("acme")
    acme = Acme(api, admin, where, outbox, aws[get_settings().queue_name(ERP_EXPORT)])
    acme.exported()  # what building the world exported (and what earlier tests left) is not the test's
    return acme


def test_an_order_rebuilt_from_its_exported_events_is_the_order_the_api_answers(acme: Acme) -> None:
    # given an order of 120 lines (two line pages) placed, confirmed, processed and shipped
    products = [(f"prd_{number:026d}", f"SKU-{number}") for number in range(120)]
    order = place_order(acme.where, lines=order_lines("EUR", products))
    exported = acme.exported()
    for version, transition in enumerate(["confirm", "process", "ship"], start=1):
        acme.move(order.id, transition, version)
        exported += acme.exported()

    # when a consumer receives its events shuffled, some twice, and rebuilds the order from them
    arrival = exported + random.Random(12).sample(exported, 3)
    random.Random(7).shuffle(arrival)
    rebuilt = rebuild_order(arrival, order.id)

    # then it is the order as the admin API answers it (less what the caller may do with it now, and the
    # invoices, which the ERP issued and which are not the order's header)
    answered = acme.order(order.id)
    del answered["available_transitions"], answered["invoices"]
    assert rebuilt == answered
    assert [(event["type"], event["aggregateversion"]) for event in exported] == [
        ("com.kontor.order.placed", 1),
        ("com.kontor.order.lines", 1),
        ("com.kontor.order.status_changed", 2),
        ("com.kontor.order.status_changed", 3),
        ("com.kontor.order.status_changed", 4),
    ]
    assert missing_versions(arrival, order.id) == []


def test_every_exported_event_is_a_cloud_event_of_its_schema(acme: Acme) -> None:
    # given an order placed and confirmed, and a customer changed
    order = place_order(acme.where)
    acme.move(order.id, "confirm", 1)
    acme.rename_customer("Globex Europe")

    # when the outbox is dispatched
    exported = acme.exported()

    # then each is a CloudEvent 1.0 of its type, named by the outbox event, for the tenant
    assert {event["specversion"] for event in exported} == {"1.0"}
    assert {event["tenantid"] for event in exported} == {"acme"}
    assert {event["source"] for event in exported} == {f"/{get_settings().queue_prefix}/tenants/acme"}
    for event in exported:
        assert exported_event(event).model_dump(mode="json") == event
    assert sorted(event["type"] for event in exported) == [
        "com.kontor.customer.updated",
        "com.kontor.order.placed",
        "com.kontor.order.status_changed",
    ]


def test_a_customer_s_events_carry_its_units_with_their_versions(acme: Acme) -> None:
    # given a customer renamed, then a unit added below it and deleted
    customer_id = acme.where.customer_id
    renamed = acme.rename_customer("Globex Europe")
    unit = acme.api.call(
        "POST",
        f"{CUSTOMERS}/{customer_id}/units",
        token=acme.admin,
        body={"name": "Plant Lyon", "kind": "division", "parent_id": customer_id},
    )
    assert unit.status == 201, unit.body
    deleted = acme.api.call(
        "DELETE",
        f"{CUSTOMERS}/{customer_id}/units/{unit.body['id']}",
        token=acme.admin,
        headers={"If-Match": '"1"'},
    )
    assert deleted.status == 204, deleted.body

    # when the outbox is dispatched
    exported = acme.exported()

    # then the ERP hears each change of each unit, numbered by the unit's version, with the unit
    assert [(event["type"], event["subject"], event["aggregateversion"]) for event in exported] == [
        ("com.kontor.customer.updated", customer_id, 2),
        ("com.kontor.customer.created", unit.body["id"], 1),
        ("com.kontor.customer.deleted", unit.body["id"], 2),
    ]
    assert exported[0]["data"]["unit"] == renamed
    assert exported[1]["data"]["unit"] == unit.body


def test_events_the_erp_does_not_hear_stay_off_its_queue(acme: Acme) -> None:
    # given a change no ERP hears: an organization created
    created = acme.api.call("POST", "/v1/admin/organizations", token=acme.admin, body=organization_body())
    assert created.status == 201, created.body

    # when the outbox is dispatched
    exported = acme.exported()

    # then nothing reached the export queue
    assert exported == []
