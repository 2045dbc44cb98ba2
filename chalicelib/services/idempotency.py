"""Idempotent creates: the first response is stored in the create's own transaction.

A key is scoped by tenant, principal and route. Replaying it with the same body returns the
stored response; with another body it is refused (422). Past its time to live a record counts as
absent, whether or not DynamoDB's TTL has deleted it yet, and the next create replaces it. Because
the record is written atomically with the entity and its event, a create either happened once with
its response stored, or not at all. An answer too large for an item (an order of hundreds of lines)
is kept without its lines, which a replay reads back from the order written in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from chalicelib.platform.errors import IdempotencyKeyReused, NotFound, Problem, Unprocessable
from chalicelib.platform.ids import utc_now
from chalicelib.platform.settings import get_settings
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

MAX_KEY_LENGTH = 255


class IdempotentRequestInFlight(Problem):
    """Another request with the same key committed first: replay its response instead."""

    status, code, title = 409, "idempotent-request-in-flight", "Request with this Idempotency-Key in progress"


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class IdempotencyClaim:
    tenant_id: str
    digest: str
    request_hash: str

    def record(
        self,
        transaction: Transaction,
        status: int,
        body: dict[str, Any],
        *,
        lines_of_order: str | None = None,
    ) -> None:
        """Keep the answer with the create. ``lines_of_order``: ``body`` leaves out its ``lines``, too
        many for an item, and a replay reads them back from that order's line pages (written in the
        same transaction, and never changed after)."""
        expires_at = int(utc_now().timestamp()) + get_settings().idempotency_ttl_seconds
        kept: dict[str, Any] = {"request_hash": self.request_hash, "status": status, "body": body}
        if lines_of_order is not None:
            kept["lines_of_order"] = lines_of_order
        transaction.create(
            keys.idempotency(self.tenant_id, self.digest),
            "idempotency",
            kept,
            expires_at=expires_at,
            on_exists=IdempotentRequestInFlight(),
            replacing_expired=True,
        )


def claim(*, tenant_id: str, actor: str, route: str, key: str, body: Any) -> IdempotencyClaim:
    """The claim of ``key`` for a request whose body is the JSON value ``body``.

    The body is fingerprinted as parsed JSON, so whitespace and the order of object members do not
    make a retry look like another request.
    """
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise Unprocessable.field(
            "header.Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} printable characters"
        )
    digest = hashlib.sha256("\x00".join((actor, route, key)).encode()).hexdigest()
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return IdempotencyClaim(tenant_id, digest, hashlib.sha256(canonical.encode()).hexdigest())


def find_replay(claim: IdempotencyClaim) -> StoredResponse | None:
    """The stored response for this key, or None; 422 if the key came with another body before."""
    record = repository.get(keys.idempotency(claim.tenant_id, claim.digest))
    # TTL deletion is lazy (and moto never deletes): an expired record counts as absent.
    if record is None or record.expired:
        return None
    if record.data["request_hash"] != claim.request_hash:
        raise IdempotencyKeyReused("this Idempotency-Key was used with a different request body")
    body = record.data["body"]
    if (order_id := record.data.get("lines_of_order")) is not None:
        body = {**body, "lines": _order_lines(claim.tenant_id, order_id)}
    return StoredResponse(int(record.data["status"]), body)


def _order_lines(tenant_id: str, order_id: str) -> list[dict[str, Any]]:
    """An order's lines as its placing answered them (one Query of the order's partition)."""
    # imported here: only a replay of a large order needs the orders' store, not every idempotent route
    from chalicelib.services.orders.records import load_order

    order = load_order(tenant_id, order_id)
    if order is None:  # written with the record in one transaction: only a hand-made deletion removes it
        raise NotFound("the order this request placed is gone")
    return [line.model_dump(mode="json") for line in order.lines]
