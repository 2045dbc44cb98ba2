"""Invoices the ERP issues for an order: one item each under the order (``INVOICE#<number>``), created
or replaced at its version with ``invoice.created`` / ``invoice.updated``; the same invoice sent again
writes nothing but the caller's ``guard``. Read with the order (``records.load_order``)."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.orders.invoices import Invoice, InvoiceFields
from chalicelib.domain.orders.orders import Order
from chalicelib.platform.errors import Unprocessable
from chalicelib.platform.ids import utc_now
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.orders.records import INVOICE_TYPE
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

STAMPS = {"version", "created_at", "updated_at"}


def _values(order: Order, fields: InvoiceFields) -> dict[str, Any]:
    return {
        "id": fields.number,
        "order_id": order.id,
        "number": fields.number,
        "issue_date": fields.issue_date,
        "due_date": fields.due_date,
        "status": fields.status,
        "currency": fields.currency,
        "net_total": fields.net_total.view(),
        "tax_total": fields.tax_total.view(),
        "grand_total": fields.grand_total.view(),
        "document_url": fields.document_url,
        "document_key": fields.document_key,
    }


def upsert_invoice(
    caller: Caller, order: Order, fields: InvoiceFields, guard: entities.ExtraWrites, field: str = "body"
) -> Invoice:
    """The order's invoice ``fields.number`` as sent, in the order's currency (422 otherwise, at
    ``field``); ``guard`` commits with it (alone, when the invoice is unchanged)."""
    if fields.currency != order.currency:
        raise Unprocessable.field(f"{field}.grand_total.currency", f"the order is in {order.currency}")
    key = keys.order_invoice(caller.tenant_id, order.id, fields.number)
    values = _values(order, fields)
    record = repository.get(key)
    if record is None:
        invoice = Invoice.model_validate({**values, "version": 1, **entities.timestamps()}, strict=False)
        return entities.create(caller, key=key, entity_type=INVOICE_TYPE, entity=invoice, extra_writes=guard)
    current = entities.to_model(record, Invoice)
    wanted = Invoice.model_validate({**current.model_dump(), **values}, strict=False)
    if wanted.model_dump(exclude=STAMPS) == current.model_dump(exclude=STAMPS):
        transaction = Transaction()
        guard(transaction)
        transaction.commit()
        return current
    after = wanted.model_copy(update={"updated_at": utc_now(), "version": current.version + 1})
    return entities.update(
        caller, key=key, entity_type=INVOICE_TYPE, before=current, after=after, extra_writes=guard
    )
