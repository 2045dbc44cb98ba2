"""Orders for the tests of the orders' read side, life cycle and workflow worker, written as placing
writes them: the header and line pages (``records.add_order``) with the tenant's next number
(``store.order_numbers.commit_numbered``) and the ``order.placed`` outbox event, in one transaction.

It stands in for the placing route until the checkout branch is merged; then these tests place their
orders through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ulid import ULID

from chalicelib.domain.customers import Address
from chalicelib.domain.money import MoneyView
from chalicelib.domain.orders.orders import Order, OrderLine, OrderPaymentTerm, OrderTotals
from chalicelib.domain.orders.workflow import ActorRole, HistoryEntry
from chalicelib.platform.ids import new_ulid, utc_now
from chalicelib.platform.principal import Principal
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.orders import records
from chalicelib.services.outbox import record_change
from chalicelib.store.order_numbers import commit_numbered
from chalicelib.store.repository import Transaction


@dataclass(frozen=True)
class Placement:
    """Who orders where: a buyer at a unit of a customer, on a website of an organization."""

    tenant_id: str
    customer_id: str
    unit_id: str
    buyer_id: str
    website_id: str
    organization_id: str
    currency: str = "EUR"


def _money(amount: Decimal, currency: str) -> MoneyView:
    return MoneyView(amount=format(amount, "f"), currency=currency)


def _address(kind: str) -> Address:
    return Address(
        kind=kind,
        label="Head office",
        line1="1 Rue de la Paix",
        city="Lyon",
        postal_code="69001",
        country="FR",
    )


def order_lines(
    currency: str,
    products: list[tuple[str, str]] | None = None,
    unit_price: str = "10.00",
    quantity: str = "2",
) -> list[OrderLine]:
    """Lines of (product id, SKU), each ``quantity`` each at ``unit_price``, untaxed."""
    named = products or [(f"prd_{new_ulid()}", "HB-100")]
    price = Decimal(unit_price)
    total = price * Decimal(quantity)
    zero = _money(Decimal("0.00"), currency)
    return [
        OrderLine(
            position=position,
            product_id=product_id,
            sku=sku,
            name=f"Product {sku}",
            unit="each",
            quantity=quantity,
            unit_price=_money(price, currency),
            price_list_id=None,
            subtotal=_money(total, currency),
            discount=zero,
            tax=zero,
            total=_money(total, currency),
        )
        for position, (product_id, sku) in enumerate(named, start=1)
    ]


def place_order(
    where: Placement,
    *,
    lines: list[OrderLine] | None = None,
    payment_kind: str = "net",
    requested_delivery_date: date | None = None,
    placed_at: datetime | None = None,
) -> Order:
    """An order placed by ``where``'s buyer, as placing writes it; returns its header."""
    placed_lines = lines or order_lines(where.currency)
    total = sum((Decimal(line.total.amount) for line in placed_lines), Decimal("0.00"))
    zero = _money(Decimal("0.00"), where.currency)
    now = placed_at or utc_now()
    order_id = f"ord_{ULID.from_timestamp(now.timestamp())}"  # its time is the time placed, as lists read it
    caller = Caller(Principal(kind="customer", tenant_id=where.tenant_id, subject=where.buyer_id))

    def build(number: int) -> Transaction:
        order = Order(
            id=order_id,
            version=1,
            created_at=now,
            updated_at=now,
            number=f"SO-{number:06d}",
            sequence=number,
            status="pending",
            history=[
                HistoryEntry(
                    transition="place",
                    from_status="pending",
                    to_status="pending",
                    event="order.placed",
                    actor_id=where.buyer_id,
                    acting_as=ActorRole.BUYER,
                    at=now,
                )
            ],
            customer_id=where.customer_id,
            unit_id=where.unit_id,
            buyer_id=where.buyer_id,
            placed_by=where.buyer_id,
            website_id=where.website_id,
            organization_id=where.organization_id,
            currency=where.currency,
            prices_include_tax=False,
            billing_address=_address("billing"),
            shipping_address=_address("shipping"),
            payment_term=OrderPaymentTerm(code=payment_kind, kind=payment_kind),  # type: ignore[arg-type]
            requested_delivery_date=requested_delivery_date,
            totals=OrderTotals(
                subtotal=_money(total, where.currency),
                discounts=zero,
                shipping=zero,
                net_total=_money(total, where.currency),
                tax_by_rate=[],
                tax_total=zero,
                grand_total=_money(total, where.currency),
            ),
            line_count=len(placed_lines),
        )
        transaction = Transaction()
        records.add_order(transaction, where.tenant_id, order, placed_lines)
        record_change(
            transaction,
            caller,
            action="created",
            entity_type="order",
            entity_id=order.id,
            before=None,
            after=entities.stored(order),
            event_type="order.placed",
            version=order.version,
        )
        built.append(order)
        return transaction

    built: list[Order] = []
    number = commit_numbered(where.tenant_id, build)
    return next(order for order in built if order.sequence == number)


def placed_event(table_events: list[dict[str, Any]], order_id: str) -> dict[str, Any]:
    """The ``order.placed`` event of an order, as the outbox holds it."""
    return next(
        event for event in table_events if event["type"] == "order.placed" and event["entity_id"] == order_id
    )
