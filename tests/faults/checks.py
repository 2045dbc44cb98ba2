"""What the fault tier checks after each request and each drain, read from moto's backend itself.

``WriteLog`` records every write moto applied to the table (one ``Unit`` per PutItem, UpdateItem,
DeleteItem or TransactWriteItems: the stream records it appended). The checks are plain functions
returning what is wrong (an empty list: nothing), so the tier's own tests can show each one failing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import patch

from moto.dynamodb.models import DynamoDBBackend

from chalicelib.services.audit import AUDIT_TYPE
from chalicelib.services.outbox import EVENT_TYPE

SERVICE_UNAVAILABLE = "https://kontor.dev/problems/service-unavailable"
PROBLEM_JSON = "application/problem+json"
# Items a change writes beside its entity, never an entity of their own: the stored response of an
# idempotent create (in the create's transaction).
BESIDE_A_CHANGE = frozenset({"idempotency"})
# Items a consumer writes: their check is delivery's, not the outbox's. An ERP message's import record
# and its entity's ordering mark are bookkeeping of the inbound path (the ingest writes the records too).
CONSUMER_ITEMS = frozenset({AUDIT_TYPE, "erp_import", "erp_sequence"})
_WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")


@dataclass(frozen=True)
class Change:
    """One item's change, as the table's stream carries it."""

    event_name: str  # INSERT, MODIFY, REMOVE
    pk: str
    sk: str
    type: str
    data: dict[str, Any]  # the new image's data (the old one's for a REMOVE), plain
    before: dict[str, Any]  # the old image's data ({} for an INSERT)

    @classmethod
    def of(cls, record: dict[str, Any]) -> Change:
        change = record["dynamodb"]
        image = change.get("NewImage") or change.get("OldImage") or {}
        return cls(
            record["eventName"],
            change["Keys"]["PK"]["S"],
            change["Keys"]["SK"]["S"],
            image.get("type", {}).get("S", ""),
            _plain(image.get("data", {"M": {}})),
            _plain(change.get("OldImage", {}).get("data", {"M": {}})),
        )


@dataclass(frozen=True)
class Unit:
    """What one write call changed (every item of a transaction together)."""

    operation: str
    changes: tuple[Change, ...]


@dataclass
class WriteLog:
    """Every write moto applies to the table named, as units, in order."""

    table_name: str
    units: list[Unit] = field(default_factory=list)

    def mark(self) -> int:
        return len(self.units)

    def since(self, mark: int) -> list[Unit]:
        return self.units[mark:]

    @contextmanager
    def recording(self) -> Iterator[WriteLog]:
        originals = {name: getattr(DynamoDBBackend, name) for name in _WRITES}

        depth = [0]  # moto's transaction applies its items through put_item & co: one unit, not several

        def recorded(name: str) -> Any:
            def write(backend: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
                table = backend.tables.get(self.table_name)
                before = len(table.stream_shard.items) if table is not None else 0
                depth[0] += 1
                try:
                    result = originals[name](backend, *args, **kwargs)
                finally:
                    depth[0] -= 1
                table = backend.tables.get(self.table_name)
                if depth[0]:
                    return result
                if table is not None and len(table.stream_shard.items) > before:
                    records = table.stream_shard.items[before:]
                    self.units.append(Unit(name, tuple(Change.of(record.to_json()) for record in records)))
                return result

            return write

        with patch.multiple(DynamoDBBackend, **{name: recorded(name) for name in _WRITES}):
            yield self


def _plain(value: dict[str, Any]) -> Any:
    """A DynamoDB AttributeValue as a plain value (enough of it to name ids)."""
    [(tag, inner)] = value.items()
    if tag == "M":
        return {name: _plain(member) for name, member in inner.items()}
    if tag == "L":
        return [_plain(member) for member in inner]
    if tag == "NULL":
        return None
    return inner


# --- 1. every request completed, or failed cleanly and completed when retried --------------------------


def reply_problems(
    status: int, headers: dict[str, str], body: Any, *, expected: int, faulted: bool
) -> list[str]:
    """What is wrong with one answer: the expected status, or (under a fault) a clean 503."""
    if status == expected:
        return []
    if status != 503:
        cause = "under an injected fault" if faulted else "with no fault injected"
        return [f"answered {status} (expected {expected}) {cause}: {body}"]
    problems = [] if faulted else ["answered 503 with no fault injected"]
    if not re.fullmatch(r"[1-9][0-9]*", headers.get("Retry-After", "")):
        problems.append(f"503 without a Retry-After of whole seconds: {headers}")
    if headers.get("Content-Type") != PROBLEM_JSON:
        problems.append(f"503 not as {PROBLEM_JSON}: {headers.get('Content-Type')}")
    if not isinstance(body, dict) or body.get("type") != SERVICE_UNAVAILABLE or body.get("status") != 503:
        problems.append(f"503 whose problem is not service-unavailable: {body}")
    return problems


# --- 2. the table never holds half a change ------------------------------------------------------------


def _names(change: Change, entity_id: str) -> bool:
    """The item is the entity's, or holds it, before or after (a tenant's roles live in one item, keyed
    by role id)."""
    in_key = entity_id in change.pk or entity_id in change.sk
    return in_key or _holds(change.data, entity_id) or _holds(change.before, entity_id)


def _holds(value: Any, entity_id: str) -> bool:
    if isinstance(value, dict):
        return entity_id in value or any(_holds(member, entity_id) for member in value.values())
    if isinstance(value, list):
        return any(_holds(member, entity_id) for member in value)
    return bool(value == entity_id)


def outbox_problems(units: list[Unit]) -> list[str]:
    """Each write that changes an entity puts its event in the same call, and each event put names an
    entity changed in that call."""
    problems = []
    for unit in units:
        events = [change for change in unit.changes if change.type == EVENT_TYPE]
        entities = [
            change
            for change in unit.changes
            if change.type not in {EVENT_TYPE, *BESIDE_A_CHANGE, *CONSUMER_ITEMS}
        ]
        if entities and not events:
            written = ", ".join(f"{change.type} {change.pk}|{change.sk}" for change in entities)
            problems.append(f"{unit.operation} changed {written} without an outbox event")
        for event in events:
            if event.event_name != "INSERT":
                problems.append(f"{unit.operation} changed an event already written: {event.pk}")
            elif not any(_names(change, str(event.data.get("entity_id"))) for change in entities):
                named = f"{event.data.get('type')} of {event.data.get('entity_id')}"
                problems.append(f"{unit.operation} put the event {named} without changing it")
    return problems


# --- 3. each consumer keeps its contract ---------------------------------------------------------------
#
# The audit consumer: one entry per committed event (the pricing consumer's events too). The pricing
# consumer: convergent and idempotent; handling every message it took once more, calmly, writes nothing
# (so the rows it left are what one clean handling of them makes), and nothing was dead-lettered.


def committed_events(units: list[Unit]) -> list[str]:
    """The ids of the outbox events the units committed, in order."""
    return [
        str(change.data["id"])
        for unit in units
        for change in unit.changes
        if change.type == EVENT_TYPE and change.event_name == "INSERT"
    ]


def audit_deliveries(units: list[Unit]) -> list[str]:
    """The event id of each audit entry write (a second write of one entry counts twice)."""
    return [
        str(change.data["id"])
        for unit in units
        for change in unit.changes
        if change.type == AUDIT_TYPE and change.event_name in {"INSERT", "MODIFY"}
    ]


def delivery_problems(
    consumer: str, committed: list[str], delivered: list[str], dead_letters: int
) -> list[str]:
    """``consumer`` took each committed event once, nothing else, and dead-lettered nothing."""
    problems = []
    counts = Counter(delivered)
    missing = [event for event in committed if counts[event] == 0]
    twice = sorted(event for event, count in counts.items() if count > 1)
    foreign = sorted(set(counts) - set(committed))
    if missing:
        problems.append(f"{consumer}: {len(missing)} committed events never taken: {missing}")
    if twice:
        problems.append(f"{consumer}: events taken more than once: {twice}")
    if foreign:
        problems.append(f"{consumer}: events taken that no change committed: {foreign}")
    if dead_letters:
        problems.append(f"{consumer}: {dead_letters} messages dead-lettered for transient faults")
    return problems


@dataclass(frozen=True)
class Replay:
    """A consumer's taken messages handled once more with the backends calm (what they sent drained)."""

    units: list[Unit]  # what the table took meanwhile
    failed: int  # messages the handler failed
    dead_letters: int


@dataclass(frozen=True)
class Consumed:
    """What one consumer did in a run: the run's writes (the request's and every consumer's, every
    wave), its DLQ's count, and its replay (run only by the contracts that read it)."""

    consumer: str
    units: list[Unit]
    dead_letters: int
    replay: Callable[[], Replay]


def exactly_once_entries(consumed: Consumed) -> list[str]:
    """One audit entry per event the run committed, none for another, nothing dead-lettered."""
    committed = committed_events(consumed.units)
    delivered = audit_deliveries(consumed.units)
    return delivery_problems(consumed.consumer, committed, delivered, consumed.dead_letters)


def idempotent_replay(consumed: Consumed) -> list[str]:
    """Nothing dead-lettered; every message taken, handled once more calmly, fails none and writes
    nothing (the stored rows are already what a clean handling makes)."""
    consumer = consumed.consumer
    problems = []
    if consumed.dead_letters:
        problems.append(f"{consumer}: {consumed.dead_letters} messages dead-lettered for transient faults")
    replay = consumed.replay()
    if replay.units:
        written = sorted(
            {f"{change.type} {change.pk}|{change.sk}" for unit in replay.units for change in unit.changes}
        )
        problems.append(
            f"{consumer}: its messages handled once more wrote {len(replay.units)} times: {written}"
        )
    if replay.failed:
        problems.append(f"{consumer}: {replay.failed} messages failed once more with the backends calm")
    if replay.dead_letters:
        problems.append(f"{consumer}: {replay.dead_letters} messages dead-lettered when handled once more")
    return problems


# consumer -> its contract (a new consumer adds its own here, or the tier fails)
CONTRACTS: dict[str, Callable[[Consumed], list[str]]] = {
    "audit": exactly_once_entries,
    "pricing": idempotent_replay,
    # confirms or holds each placed order once: a replay finds it past pending and writes nothing
    "order-workflow": idempotent_replay,
    "erp-inbound": idempotent_replay,
}
