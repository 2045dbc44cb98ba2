"""ERP order messages: status updates (the entity they order by, the way to the ERP's status) and invoices
(what an invoice must be, who sees it)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.access import PREDEFINED_ROLES, Assignment, CompanyTree, CustomerAccess, Role, Scope
from chalicelib.domain.access import CustomerPermission as P
from chalicelib.domain.erp import MessageType, OrderStatusUpdate, entity_of
from chalicelib.domain.orders.invoices import InvoiceFields
from chalicelib.domain.orders.orders import Order
from chalicelib.domain.orders.reach import customer_sees_invoices
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


# --- invoices ---------------------------------------------------------------------------------------------

COMPANY, LYON = "cus_globex", "unt_lyon"
TREE = CompanyTree({COMPANY: None, LYON: COMPANY})
ORDERER = Role("orderer", "Orderer", {P.ORDERS_VIEW: Scope.UNIT})


def invoice(**fields: Any) -> dict[str, Any]:
    return {
        "number": "RE-1",
        "issue_date": "2026-12-02",
        "status": "open",
        "net_total": {"amount": "100.00", "currency": "EUR"},
        "tax_total": {"amount": "19.00", "currency": "EUR"},
        "grand_total": {"amount": "119.00", "currency": "EUR"},
        **fields,
    }


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        pytest.param(
            {"grand_total": {"amount": "118.00", "currency": "EUR"}}, "net_total", id="not adding up"
        ),
        pytest.param(
            {"tax_total": {"amount": "19.00", "currency": "USD"}}, "one currency", id="two currencies"
        ),
        pytest.param({"net_total": {"amount": "100.001", "currency": "EUR"}}, "decimals", id="sub-cent"),
        pytest.param({"net_total": {"amount": 100, "currency": "EUR"}}, "decimal string", id="a JSON number"),
        pytest.param({"due_date": "2026-12-01"}, "due_date", id="due before issued"),
        pytest.param({"document_url": "ftp://erp.example/RE-1"}, "document_url", id="not https"),
    ],
)
def test_an_invoice_that_cannot_be_is_refused(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        InvoiceFields.model_validate_json(json.dumps(invoice(**fields)))


def test_a_yen_invoice_has_no_decimals() -> None:
    yen = {"amount": "100", "currency": "JPY"}
    fields = InvoiceFields.model_validate_json(
        json.dumps(invoice(net_total=yen, tax_total={**yen, "amount": "0"}, grand_total=yen))
    )

    assert fields.currency == "JPY"


@pytest.mark.parametrize(
    ("role_id", "sees"),
    [("purchasing-manager", True), ("administrator", True), ("orderer", False), ("buyer", False)],
)
def test_a_customer_user_sees_an_order_s_invoices_with_invoices_view(role_id: str, sees: bool) -> None:
    access = CustomerAccess(
        "usr_bob", TREE, (Assignment(role_id, LYON),), {**PREDEFINED_ROLES, "orderer": ORDERER}
    )
    order = Order.model_construct(customer_id=COMPANY, unit_id=LYON, buyer_id="usr_bob")

    assert customer_sees_invoices(access, order) is sees
