"""ERP inbound: order status updates and invoices, by Kontor's order id and the ERP's own reference.

Each test starts from the empty account with one tenant, its organization, a key for every type
(``test_erp``'s ``Erp``) and one pending order of a customer's purchasing manager on shop.acme.de.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from . import test_erp
from .conftest import Table
from .orders_support import Placement, place_order
from .test_erp import Erp, except_imports, message

pytestmark = pytest.mark.shared_account

erp = test_erp.erp  # the fixture: a tenant, its organization, a key for every message type
HOST = "shop.acme.de"
BUYER = "max@hooli.example"
TRACKING = {
    "carrier": "DHL",
    "tracking_number": "JD0146000033",
    "tracking_url": "https://dhl.example/JD0146000033",
}


@dataclass
class Shop:
    erp: Erp
    where: Placement
    order_id: str

    def order(self) -> dict[str, Any]:
        reply = self.erp.api.call("GET", f"/v1/admin/orders/{self.order_id}", token=self.erp.admin)
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def apply(self, *messages: dict[str, Any]) -> None:
        self.erp.send(*messages)
        assert self.erp.consume() == [{"batchItemFailures": []}]


@pytest.fixture
def shop(
    erp: Erp,
    make_website: Callable[..., dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
    make_customer_user: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> Shop:
    website = make_website(erp.admin, erp.organization)["id"]
    verify_hostname(erp.admin, website, HOST)
    company = make_customer(erp.admin)["id"]
    buyer = make_customer_user(erp.admin, company, company, email=BUYER, role_id="purchasing-manager")["id"]
    where = Placement("acme", company, company, buyer, website, erp.organization)
    return Shop(erp, where, place_order(where).id)


def status_update(message_id: str, seq: int, **payload: Any) -> dict[str, Any]:
    return message(message_id, seq, "order.status_update", payload)


def test_the_erp_s_status_is_reached_through_the_transitions_it_may_take(shop: Shop) -> None:
    # given a pending order the ERP says is shipped, with its tracking number and its own reference
    update = status_update(
        "s-1", 1, order_id=shop.order_id, erp_order_reference="4500012", status="shipped", shipment=TRACKING
    )

    # when the worker applies it
    shop.apply(update)

    # then the order went confirm, process, ship as the ERP, and shows the shipment and the reference
    order = shop.order()
    assert order["status"] == "shipped"
    assert [(entry["transition"], entry["acting_as"]) for entry in order["history"][1:]] == [
        ("confirm", "erp"),
        ("process", "erp"),
        ("ship", "erp"),
    ]
    assert order["shipments"] == [{**TRACKING, "shipped_at": None}]
    assert order["erp_reference"] == "4500012"


def test_a_later_update_may_name_the_order_by_the_erp_s_reference_alone(shop: Shop) -> None:
    # given an update that recorded the ERP's reference
    shop.apply(
        status_update("s-1", 1, order_id=shop.order_id, erp_order_reference="4500012", status="shipped")
    )

    # when the next one names the reference only
    shop.apply(status_update("s-2", 2, erp_order_reference="4500012", status="completed"))

    # then it reached the order
    assert shop.order()["status"] == "completed"
    assert shop.erp.fate("s-2")["status"] == "applied"


@pytest.mark.parametrize(
    ("status", "reason"),
    [("cancelled", "no transitions yours"), ("on_hold", "no transitions yours"), ("lost", "no status")],
)
def test_a_status_the_erp_cannot_reach_fails_and_changes_nothing(
    shop: Shop, table: Table, status: str, reason: str
) -> None:
    # given a shipped order, and an update to a status the ERP may not lead it to
    shop.apply(status_update("s-1", 1, order_id=shop.order_id, status="shipped"))
    shop.erp.send(status_update("s-2", 2, order_id=shop.order_id, status=status))
    before = table.items()

    # when the worker applies it
    shop.erp.consume()

    # then it failed with the reason, and nothing but its record changed
    fate = shop.erp.fate("s-2")
    assert fate["status"] == "failed"
    assert reason in fate["reason"]
    assert except_imports(table.items()) == except_imports(before)


def test_an_older_status_never_overwrites_a_newer_one(shop: Shop) -> None:
    # given the newer status applied
    shop.apply(status_update("s-2", 2, order_id=shop.order_id, status="processing"))

    # when an older one arrives
    shop.apply(status_update("s-1", 1, order_id=shop.order_id, status="confirmed"))

    # then it is skipped as stale
    assert shop.erp.fate("s-1")["status"] == "skipped_stale"
    assert shop.order()["status"] == "processing"


def test_the_status_the_order_has_already_adds_only_a_new_shipment(shop: Shop) -> None:
    # given a shipped order
    shop.apply(status_update("s-1", 1, order_id=shop.order_id, status="shipped", shipment=TRACKING))
    version = shop.order()["version"]

    # when the ERP reports the same status with a second parcel, then the first parcel again
    second = {**TRACKING, "tracking_number": "JD0146000034"}
    shop.apply(status_update("s-2", 2, order_id=shop.order_id, status="shipped", shipment=second))
    shop.apply(status_update("s-3", 3, order_id=shop.order_id, status="shipped", shipment=TRACKING))

    # then the order has both parcels, written once, and its status history did not grow
    order = shop.order()
    assert [sent["tracking_number"] for sent in order["shipments"]] == ["JD0146000033", "JD0146000034"]
    assert (order["version"], len(order["history"])) == (version + 1, 4)


def test_an_unknown_reference_fails(shop: Shop) -> None:
    shop.apply(status_update("s-1", 1, erp_order_reference="NOPE", status="confirmed"))

    fate = shop.erp.fate("s-1")
    assert fate["status"] == "failed"
    assert "NOPE" in fate["reason"]


def test_another_tenant_s_order_is_unreachable(
    shop: Shop,
    table: Table,
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    make_customer: Callable[..., dict[str, Any]],
    make_customer_user: Callable[..., dict[str, Any]],
) -> None:
    # given another tenant's order, and an update naming it through this tenant's key
    admin = make_tenant("globex")
    organization = make_organization(admin)["id"]
    company = make_customer(admin)["id"]
    buyer = make_customer_user(admin, company, company, email="bo@globex.example")["id"]
    website = make_website(admin, organization, hostnames=["shop.globex.example"])["id"]
    theirs = place_order(Placement("globex", company, company, buyer, website, organization)).id
    shop.erp.send(status_update("s-1", 1, order_id=theirs, status="confirmed"))
    before = table.items()

    # when the worker applies it
    shop.erp.consume()

    # then it failed as an unknown order, and nothing changed
    assert shop.erp.fate("s-1")["status"] == "failed"
    assert theirs in shop.erp.fate("s-1")["reason"]
    assert except_imports(table.items()) == except_imports(before)


def test_an_update_naming_no_order_is_rejected(erp: Erp) -> None:
    answer = erp.send(status_update("s-1", 1, status="confirmed"))

    assert answer["results"][0]["status"] == "rejected"
    assert "order_id" in answer["results"][0]["reason"]


# --- invoice.upsert -------------------------------------------------------------------------------------


def invoice_upsert(message_id: str, seq: int, **fields: Any) -> dict[str, Any]:
    payload = {
        "number": "RE-2026-0001",
        "issue_date": "2026-12-02",
        "due_date": "2027-01-01",
        "status": "open",
        "net_total": {"amount": "100.00", "currency": "EUR"},
        "tax_total": {"amount": "19.00", "currency": "EUR"},
        "grand_total": {"amount": "119.00", "currency": "EUR"},
        "document_url": "https://erp.example/invoices/RE-2026-0001.pdf",
        **fields,
    }
    return message(message_id, seq, "invoice.upsert", payload)


def test_an_invoice_is_shown_on_its_order_to_staff_and_to_the_buyer_with_invoices_view(shop: Shop) -> None:
    # given an invoice of the order sent by the ERP
    shop.apply(invoice_upsert("i-1", 1, order_id=shop.order_id))

    # when staff and the purchasing manager who placed it read the order
    staff = shop.order()
    token = shop.erp.api.token("acme", BUYER)
    mine = shop.erp.api.call(
        "GET", f"/v1/store/orders/{shop.order_id}", token=token, headers={"X-Kontor-Host": HOST}
    )

    # then both see the invoice with its totals
    assert mine.status == 200, mine.body
    for order in (staff, mine.body):
        (invoice,) = order["invoices"]
        assert (invoice["number"], invoice["status"]) == ("RE-2026-0001", "open")
        assert invoice["grand_total"] == {"amount": "119.00", "currency": "EUR"}


def test_a_newer_invoice_upsert_replaces_it_and_an_older_one_is_stale(shop: Shop) -> None:
    # given an open invoice, then the ERP saying it is paid
    shop.apply(invoice_upsert("i-1", 1, order_id=shop.order_id))
    shop.apply(invoice_upsert("i-3", 3, order_id=shop.order_id, status="paid"))

    # when an older state arrives late
    shop.apply(invoice_upsert("i-2", 2, order_id=shop.order_id, status="overdue"))

    # then the invoice is paid, once
    assert [invoice["status"] for invoice in shop.order()["invoices"]] == ["paid"]
    assert shop.erp.fate("i-2")["status"] == "skipped_stale"


def test_an_invoice_in_another_currency_than_its_order_fails_and_changes_nothing(
    shop: Shop, table: Table
) -> None:
    # given an invoice in USD for an order in EUR
    usd = {
        "net_total": {"amount": "1.00", "currency": "USD"},
        "tax_total": {"amount": "0.00", "currency": "USD"},
    }
    shop.erp.send(
        invoice_upsert(
            "i-1", 1, order_id=shop.order_id, **usd, grand_total={"amount": "1.00", "currency": "USD"}
        )
    )
    before = table.items()

    # when the worker applies it
    shop.erp.consume()

    # then it failed naming the order's currency, and nothing changed
    fate = shop.erp.fate("i-1")
    assert fate["status"] == "failed"
    assert "EUR" in fate["reason"]
    assert except_imports(table.items()) == except_imports(before)


def test_an_invoice_of_an_unknown_order_fails(shop: Shop) -> None:
    shop.apply(invoice_upsert("i-1", 1, erp_order_reference="NOPE"))

    assert shop.erp.fate("i-1")["status"] == "failed"
    assert "NOPE" in shop.erp.fate("i-1")["reason"]


def test_an_invoice_whose_totals_do_not_add_up_is_rejected(erp: Erp) -> None:
    order_id = "ord_01JD0000000000000000000000"
    answer = erp.send(
        invoice_upsert("i-1", 1, order_id=order_id, grand_total={"amount": "120.00", "currency": "EUR"})
    )

    assert answer["results"][0]["status"] == "rejected"
    assert "grand_total" in answer["results"][0]["reason"]
