"""Outbox: every change puts an event item in the same transaction as the change itself.

The table stream carries each new event item to the dispatcher, which sends it to the queues
subscribed to its type; nothing is lost if a function dies between the commit and the send.
"""

from __future__ import annotations

from typing import Any, Literal

from chalicelib.platform.ids import new_id, rfc3339, utc_now
from chalicelib.platform.settings import get_settings
from chalicelib.services.context import Caller
from chalicelib.store import keys
from chalicelib.store.repository import Transaction

EVENT_TYPE = "event"
Action = Literal["created", "updated", "deleted"]


def record_change(
    transaction: Transaction,
    caller: Caller,
    *,
    action: Action,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    tenant_id: str | None = None,
    event_type: str | None = None,
    version: int | None = None,
) -> str:
    """Add the event of a change to ``transaction`` (its type ``<entity_type>.<action>`` unless
    ``event_type`` names a more precise one; ``version``: the entity's after the change, which its
    stored fields do not hold, for consumers that order an entity's events by it); returns the event id."""
    event_id = new_id("event")
    owner = tenant_id or caller.tenant_id
    now = utc_now()
    transaction.create(
        keys.event(owner, event_id),
        EVENT_TYPE,
        {
            "id": event_id,
            "type": event_type or f"{entity_type}.{action}",
            "tenant_id": owner,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "actor": caller.principal.actor,
            "on_behalf_of": caller.principal.on_behalf_of,
            "correlation_id": caller.correlation_id,
            "occurred_at": rfc3339(now),
            "before": before,
            "after": after,
            **({"version": version} if version is not None else {}),
        },
        expires_at=int(now.timestamp()) + get_settings().event_ttl_seconds,
    )
    return event_id
