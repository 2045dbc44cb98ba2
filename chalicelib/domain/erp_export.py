"""ERP export: the outbox events an ERP hears, as CloudEvents 1.0 (JSON format) on the ``erp-export``
queue. Pure: the models, the mapping of an outbox event to its CloudEvents, and the reducer a consumer
can use to rebuild an order from its events alone. ``docs/erp-design.md`` ("Outbound") has the design;
``events/schemas/erp-export/`` holds the JSON Schema of every type (``make erp-schemas``).

Every CloudEvent carries state, not a delta (event-carried state transfer): an order's events carry its
whole header as it was after the change, the placed event its lines too; a customer's events carry the
unit. With the extension ``aggregateversion`` (the aggregate's version after the change, 1, 2, 3...
per order and per unit, what ``GET`` answers as ``version``), a consumer keeps the newest state whatever
the order and the duplicates of the deliveries, and sees a gap as a version it has not received.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from chalicelib.domain.base import View
from chalicelib.domain.customers import Unit
from chalicelib.domain.orders.orders import Order, OrderLine
from chalicelib.domain.orders.workflow import HistoryEntry

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
ORDER_PLACED = "com.kontor.order.placed"
ORDER_LINES = "com.kontor.order.lines"
ORDER_STATUS_CHANGED = "com.kontor.order.status_changed"
ORDER_UPDATED = "com.kontor.order.updated"
CUSTOMER_CREATED = "com.kontor.customer.created"
CUSTOMER_UPDATED = "com.kontor.customer.updated"
CUSTOMER_DELETED = "com.kontor.customer.deleted"

ORDER_ENTITY = "order"
CUSTOMER_ENTITY = "customer_unit"  # a customer is its company unit and the units below it
PLACED_EVENT = "order.placed"
UPDATED_EVENT = "order.updated"  # header fields set without a status change (the ERP's shipments)
CUSTOMER_TYPES = {"created": CUSTOMER_CREATED, "updated": CUSTOMER_UPDATED, "deleted": CUSTOMER_DELETED}

# Lines per CloudEvent: 100 lines of the longest names and notes stay under 256 KiB, SQS's message size.
LINES_PER_EVENT = 100

AggregateVersion = Annotated[
    int, Field(ge=1, description="the aggregate's version after the change: 1, 2, 3... per order, per unit")
]


class CloudEvent(View):
    """The CloudEvents 1.0 attributes every exported event carries (JSON format)."""

    specversion: Literal["1.0"]
    id: str = Field(description="the outbox event's id (its line pages: the id, '.', the page)")
    source: str = Field(description="/<stage prefix>/tenants/<tenant>")
    type: str
    subject: str = Field(description="the aggregate: the order's id, or the unit's")
    time: str = Field(
        description="when the change happened, RFC 3339 UTC", json_schema_extra={"format": "date-time"}
    )
    datacontenttype: Literal["application/json"]
    tenantid: str = Field(description="extension: the tenant")
    aggregateversion: AggregateVersion = Field(description="extension: the aggregate's version")


class OrderPlacedData(View):
    order: Order = Field(description="the header as placed (version 1)")
    lines: list[OrderLine] = Field(description="the first page of lines")
    line_page: Literal[0] = 0
    line_pages: int = Field(ge=1, description="pages of lines: the rest come as com.kontor.order.lines")


class OrderLinesData(View):
    order_id: str
    line_page: int = Field(ge=1)
    line_pages: int = Field(ge=2)
    lines: list[OrderLine]


class OrderStatusChangedData(View):
    order: Order = Field(description="the header after the change (its status and whole history)")
    transition: HistoryEntry = Field(description="the history entry this change added")


class OrderUpdatedData(View):
    order: Order = Field(description="the header after the change (its status unchanged)")


class CustomerData(View):
    unit: Unit = Field(
        description="the unit after the change (deleted: as it was); kind company: the customer"
    )


class OrderPlaced(CloudEvent):
    type: Literal["com.kontor.order.placed"]
    data: OrderPlacedData


class OrderLines(CloudEvent):
    type: Literal["com.kontor.order.lines"]
    data: OrderLinesData


class OrderStatusChanged(CloudEvent):
    type: Literal["com.kontor.order.status_changed"]
    data: OrderStatusChangedData


class OrderUpdated(CloudEvent):
    type: Literal["com.kontor.order.updated"]
    data: OrderUpdatedData


class CustomerCreated(CloudEvent):
    type: Literal["com.kontor.customer.created"]
    data: CustomerData


class CustomerUpdated(CloudEvent):
    type: Literal["com.kontor.customer.updated"]
    data: CustomerData


class CustomerDeleted(CloudEvent):
    type: Literal["com.kontor.customer.deleted"]
    data: CustomerData


EXPORT_MODELS: dict[str, type[CloudEvent]] = {
    ORDER_PLACED: OrderPlaced,
    ORDER_LINES: OrderLines,
    ORDER_STATUS_CHANGED: OrderStatusChanged,
    ORDER_UPDATED: OrderUpdated,
    CUSTOMER_CREATED: CustomerCreated,
    CUSTOMER_UPDATED: CustomerUpdated,
    CUSTOMER_DELETED: CustomerDeleted,
}
ExportedEvent = Annotated[
    OrderPlaced
    | OrderLines
    | OrderStatusChanged
    | OrderUpdated
    | CustomerCreated
    | CustomerUpdated
    | CustomerDeleted,
    Field(discriminator="type"),
]


def exported_event(document: Mapping[str, Any]) -> CloudEvent:
    """An exported event read back (a consumer's check of what it received)."""
    event: CloudEvent = TypeAdapter(ExportedEvent).validate_python(document, strict=False)
    return event


def schema_documents() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema (2020-12) of each exported type, envelope and data."""
    documents: dict[str, dict[str, Any]] = {}
    for event_type, model in EXPORT_MODELS.items():
        schema = model.model_json_schema(mode="serialization")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://kontor.dev/schemas/erp-export/{event_type}.json"
        documents[f"{event_type}.json"] = schema
    return documents


# --- outbox event -> CloudEvents -------------------------------------------------------------------------


def is_exported(event: Mapping[str, Any]) -> bool:
    """Whether the ERP hears an outbox event: an order placed, changing status or updated, a customer
    changed."""
    if event.get("entity_type") == ORDER_ENTITY:
        # each write of the order's header: placing it, a status change (the event of its newest history
        # entry) or an update; not the export request written beside a confirmation at the same version
        history = (event.get("after") or {}).get("history") or [{}]
        return event["type"] == UPDATED_EVENT or bool(history[-1].get("event") == event["type"])
    return event.get("entity_type") == CUSTOMER_ENTITY and event.get("action") in CUSTOMER_TYPES


def needs_lines(event: Mapping[str, Any]) -> bool:
    """Whether the event's CloudEvents carry the order's lines, which its outbox event does not hold."""
    return is_exported(event) and event["type"] == PLACED_EVENT


def cloud_events(
    event: Mapping[str, Any], source_prefix: str, lines: Sequence[OrderLine] = ()
) -> list[CloudEvent]:
    """The CloudEvents of an exported outbox event (``lines``: the placed order's, in order)."""
    tenant_id = str(event["tenant_id"])
    common = {
        "specversion": SPEC_VERSION,
        "source": f"/{source_prefix}/tenants/{tenant_id}",
        "subject": str(event["entity_id"]),
        "time": str(event["occurred_at"]),
        "datacontenttype": CONTENT_TYPE,
        "tenantid": tenant_id,
    }
    if event["entity_type"] == CUSTOMER_ENTITY:
        unit = event["after"] if event["after"] is not None else event["before"]
        version = int(event["version"])
        data = CustomerData(unit=Unit.model_validate({**unit, "version": version}, strict=False))
        event_type = CUSTOMER_TYPES[event["action"]]
        document = {
            **common,
            "id": event["id"],
            "type": event_type,
            "aggregateversion": version,
            "data": data,
        }
        return [EXPORT_MODELS[event_type].model_validate(document)]
    version = int(event["version"])
    order = Order.model_validate({**event["after"], "version": version}, strict=False)
    if event["type"] == UPDATED_EVENT:
        updated = OrderUpdatedData(order=order)
        return [
            OrderUpdated(**common, id=event["id"], type=ORDER_UPDATED, aggregateversion=version, data=updated)
        ]
    if event["type"] != PLACED_EVENT:
        changed = OrderStatusChangedData(order=order, transition=order.history[-1])
        return [
            OrderStatusChanged(
                **common, id=event["id"], type=ORDER_STATUS_CHANGED, aggregateversion=version, data=changed
            )
        ]
    pages = [list(lines[start : start + LINES_PER_EVENT]) for start in range(0, len(lines), LINES_PER_EVENT)]
    placed = OrderPlacedData(order=order, lines=pages[0] if pages else [], line_pages=max(len(pages), 1))
    exported: list[CloudEvent] = [
        OrderPlaced(**common, id=event["id"], type=ORDER_PLACED, aggregateversion=version, data=placed)
    ]
    exported += [
        OrderLines(
            **common,
            id=f"{event['id']}.{page}",
            type=ORDER_LINES,
            aggregateversion=version,
            data=OrderLinesData(order_id=order.id, line_page=page, line_pages=len(pages), lines=page_lines),
        )
        for page, page_lines in enumerate(pages[1:], start=1)
    ]
    return exported


# --- what a consumer does with them ----------------------------------------------------------------------


def rebuild_order(documents: Iterable[Mapping[str, Any]], order_id: str) -> dict[str, Any] | None:
    """An order's state from its exported events alone, received in any order and any number of times:
    the header of its newest version, and its lines from the placed event and its line pages. None
    while the placed event or one of its line pages has not arrived."""
    received = {str(document["id"]): document for document in documents if document["subject"] == order_id}
    headers = [document for document in received.values() if "order" in document["data"]]
    pages = {
        int(document["data"]["line_page"]): document["data"]
        for document in received.values()
        if document["type"] in (ORDER_PLACED, ORDER_LINES)
    }
    if 0 not in pages or len(pages) < pages[0]["line_pages"] or not headers:
        return None
    newest = max(headers, key=lambda document: int(document["aggregateversion"]))
    lines = [line for _, page in sorted(pages.items()) for line in page["lines"]]
    return {**newest["data"]["order"], "lines": lines}


def missing_versions(documents: Iterable[Mapping[str, Any]], subject: str) -> list[int]:
    """The versions of an aggregate below the newest received that have not arrived (yet): each change
    of an order or a unit is exported, so a version missing here is a delivery still to come."""
    seen = {int(document["aggregateversion"]) for document in documents if document["subject"] == subject}
    return sorted(set(range(1, max(seen, default=0) + 1)) - seen)
