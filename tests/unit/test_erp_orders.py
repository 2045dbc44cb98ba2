"""ERP order status updates: the payload, the entity it orders by, and the way to the ERP's status."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.domain.erp import MessageType, OrderStatusUpdate, entity_of
from chalicelib.domain.orders.workflow import DEFAULT_WORKFLOW, Actor, ActorRole, TransitionRefused, path_to

ERP = Actor("int_01JD0000000000000000000000", frozenset({ActorRole.ERP}))
ORDER = "ord_01JD0000000000000000000000"


@pytest.mark.parametrize(
    ("status", "target", "steps"),
    [
        ("pending", "confirmed", ["confirm"]),
        ("pending", "shipped", ["confirm", "process", "ship"]),
        ("confirmed", "cancelled", ["cancel"]),
        ("shipped", "shipped", []),
    ],
)
def test_the_erp_takes_the_fewest_transitions_it_may_take(status: str, target: str, steps: list[str]) -> None:
    assert path_to(DEFAULT_WORKFLOW, status, target, ERP) == steps


@pytest.mark.parametrize(
    ("status", "target"),
    [("processing", "cancelled"), ("pending", "on_hold"), ("on_hold", "confirmed"), ("completed", "shipped")],
)
def test_a_status_no_erp_transition_leads_to_is_refused(status: str, target: str) -> None:
    with pytest.raises(TransitionRefused, match="no transitions yours") as refused:
        path_to(DEFAULT_WORKFLOW, status, target, ERP)

    assert refused.value.known


def test_a_status_the_workflow_lacks_is_unknown() -> None:
    with pytest.raises(TransitionRefused) as refused:
        path_to(DEFAULT_WORKFLOW, "pending", "teleported", ERP)

    assert not refused.value.known


def test_an_update_orders_by_the_erp_s_reference_when_it_has_one() -> None:
    by_both = OrderStatusUpdate(order_id=ORDER, erp_order_reference="4500012", status="shipped")
    by_id = OrderStatusUpdate(order_id=ORDER, status="shipped")

    assert entity_of(MessageType.ORDER_STATUS_UPDATE, by_both) == "order:ref:4500012"
    assert entity_of(MessageType.ORDER_STATUS_UPDATE, by_id) == f"order:{ORDER}"


def test_an_update_must_name_its_order() -> None:
    with pytest.raises(ValidationError, match="name the order"):
        OrderStatusUpdate(status="shipped")


def test_a_tracking_link_must_be_https() -> None:
    shipment = {"carrier": "DHL", "tracking_number": "1", "tracking_url": "http://dhl.example/1"}

    with pytest.raises(ValidationError, match="tracking_url"):
        OrderStatusUpdate.model_validate({"order_id": ORDER, "status": "shipped", "shipment": shipment})
