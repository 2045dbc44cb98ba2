"""How an order is written and read: its header, its line pages (``docs/orders-design.md``) and the
invoices the ERP issued for it (``services.orders.invoices``).

Placing writes :func:`add_order`'s items inside its own transaction (with the number, the checkout,
the outbox event); a status change replaces the header only (:func:`replace_header`), at the version
read; every read of one order is one Query of its partition (:func:`load_order`).
"""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.domain.orders.invoices import Invoice
from chalicelib.domain.orders.orders import MAX_PAGES, Order, OrderDetail, OrderLine, joined, line_pages
from chalicelib.platform.errors import Conflict
from chalicelib.services import entities
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

ORDER_TYPE = "order"
LINES_TYPE = "order_lines"
INVOICE_TYPE = "invoice"


def indexes(tenant_id: str, order: Order) -> dict[str, str]:
    """The order's listing entries: its company's (GSI1), its organization's (GSI2), its tenant's (GSI3)."""
    return {
        "GSI1PK": keys.orders_of_company(tenant_id, order.customer_id),
        "GSI1SK": order.id,
        "GSI2PK": keys.orders_of_organization(tenant_id, order.organization_id),
        "GSI2SK": order.id,
        "GSI3PK": keys.orders_of_tenant(tenant_id),
        "GSI3SK": order.id,
    }


def add_order(transaction: Transaction, tenant_id: str, order: Order, lines: Sequence[OrderLine]) -> None:
    """The header and the line pages of a new order (the caller adds the number, checkout and event)."""
    transaction.create(
        keys.order(tenant_id, order.id),
        ORDER_TYPE,
        entities.stored(order),
        indexes=indexes(tenant_id, order),
        on_exists=Conflict("the order already exists"),
    )
    for page, page_lines in enumerate(line_pages(lines)):
        transaction.create(
            keys.order_lines(tenant_id, order.id, page),
            LINES_TYPE,
            {"lines": [line.model_dump(mode="json") for line in page_lines]},
        )


def replace_header(transaction: Transaction, tenant_id: str, before: Order, after: Order) -> None:
    """The header as changed (status, history), on condition it is still the version read."""
    transaction.replace(
        keys.order(tenant_id, after.id),
        ORDER_TYPE,
        entities.stored(after),
        expected_version=before.version,
        indexes=indexes(tenant_id, after),
    )


def load_order(tenant_id: str, order_id: str) -> OrderDetail | None:
    """The order with all its lines (one Query of its partition), or None."""
    records = repository.query_all(keys.order_partition(tenant_id, order_id), page_size=MAX_PAGES + 1)
    header = next((record for record in records if record.type == ORDER_TYPE), None)
    if header is None:
        return None
    pages = [
        (
            int(record.key.sk.removeprefix(keys.ORDER_LINES_PREFIX)),
            [OrderLine.model_validate(line) for line in record.data["lines"]],
        )
        for record in records
        if record.type == LINES_TYPE
    ]
    order = entities.to_model(header, Order)
    invoices = [entities.to_model(record, Invoice) for record in records if record.type == INVOICE_TYPE]
    return OrderDetail(**order.model_dump(), lines=joined(pages), invoices=invoices)


def load_header(tenant_id: str, order_id: str) -> Order | None:
    """The order's header alone (a status change does not need the lines)."""
    record = repository.get(keys.order(tenant_id, order_id))
    return entities.to_model(record, Order) if record is not None and record.type == ORDER_TYPE else None
