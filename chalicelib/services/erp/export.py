"""ERP export: the outbox events the ERP hears, as the CloudEvents the dispatcher sends to the
``erp-export`` queue (``domain.erp_export`` maps them; ``docs/erp-design.md``, "Outbound").

The only read: a placed order's lines, which its ``order.placed`` event does not hold (one Query of the
order's partition). An order's lines never change once placed, so the lines read now are the lines
placed, however late the dispatcher runs.

The export's models and the orders' store cost the dispatcher ~400 ms of CPU to import, more than the
rest of it: they are imported at the first event of an exported entity, not with the dispatcher, so a
container that dispatches none never pays for them.
"""

from __future__ import annotations

from typing import Any

# The entities whose events the ERP may hear (``domain.erp_export.is_exported`` decides which of their
# events it does): the test of the export keeps this the same as the domain's.
EXPORTED_ENTITIES = frozenset({"order", "customer_unit"})


class PlacedOrderMissing(Exception):
    """A placed order is not in the table: orders are never deleted, so the stream retries the event."""


def export_documents(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The CloudEvents (JSON documents) of an outbox event for the ERP; none for an event it does not hear."""
    if event.get("entity_type") not in EXPORTED_ENTITIES:
        return []
    from chalicelib.domain.erp_export import cloud_events, is_exported, needs_lines
    from chalicelib.platform.settings import get_settings
    from chalicelib.services.orders import records

    if not is_exported(event):
        return []
    lines = []
    if needs_lines(event):
        order = records.load_order(str(event["tenant_id"]), str(event["entity_id"]))
        if order is None:
            raise PlacedOrderMissing(f"order {event['entity_id']} of event {event['id']} is not in the table")
        lines = order.lines
    exported = cloud_events(event, get_settings().queue_prefix, lines)
    return [document.model_dump(mode="json") for document in exported]
