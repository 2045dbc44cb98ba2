"""ERP export: the outbox events the ERP hears, as the CloudEvents the dispatcher sends to the
``erp-export`` queue (``domain.erp_export`` maps them; ``docs/erp-design.md``, "Outbound").

The only read: a placed order's lines, which its ``order.placed`` event does not hold (one Query of the
order's partition). An order's lines never change once placed, so the lines read now are the lines
placed, however late the dispatcher runs.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.erp_export import cloud_events, is_exported, needs_lines
from chalicelib.domain.orders.orders import OrderLine
from chalicelib.platform.settings import get_settings
from chalicelib.services.orders import records


class PlacedOrderMissing(Exception):
    """A placed order is not in the table: orders are never deleted, so the stream retries the event."""


def _placed_lines(event: dict[str, Any]) -> list[OrderLine]:
    order = records.load_order(str(event["tenant_id"]), str(event["entity_id"]))
    if order is None:
        raise PlacedOrderMissing(f"order {event['entity_id']} of event {event['id']} is not in the table")
    return order.lines


def export_documents(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The CloudEvents (JSON documents) of an outbox event for the ERP; none for an event it does not hear."""
    if not is_exported(event):
        return []
    lines = _placed_lines(event) if needs_lines(event) else []
    exported = cloud_events(event, get_settings().queue_prefix, lines)
    return [document.model_dump(mode="json") for document in exported]
