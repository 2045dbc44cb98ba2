"""Reads and atomic writes on the single table, in terms of keys and plain records.

Services describe a change as a :class:`Transaction` (the entity writes plus the outbox event) and
commit it in one ``TransactWriteItems``. Each write carries the problem to raise when its condition
fails, so a taken hostname, a stale version and a lost race each surface as the right error.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.platform.errors import Conflict, NotFound, PreconditionFailed, Problem
from chalicelib.store.keys import Key
from chalicelib.store.table import Item, raw_connection

MAX_TRANSACTION_ITEMS = 100
_SENT_ORDER = {"condition_check": 0, "delete": 1, "save": 2, "update": 3}
FILTERED_PAGE_SIZE = 100


@dataclass(frozen=True)
class Record:
    key: Key
    type: str
    data: dict[str, Any]
    version: int
    indexes: dict[str, str] = field(default_factory=dict)
    expires_at: int | None = None
    tally: int | None = None  # a counter item's top-level number (changed by ADD only)

    @property
    def expired(self) -> bool:
        """Past its TTL: DynamoDB deletes such items only eventually, so readers skip them."""
        return self.expires_at is not None and self.expires_at <= int(time.time())


@dataclass(frozen=True)
class Page:
    records: list[Record]
    last_key: dict[str, Any] | None


def _record(item: Item) -> Record:
    indexes = {
        name: value
        for name in ("GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK")
        if (value := getattr(item, name)) is not None
    }
    return Record(
        key=Key(item.PK, item.SK),
        type=item.type,
        data=_plain(item.data),
        version=int(item.version),
        indexes=indexes,
        expires_at=int(item.expires_at.timestamp()) if item.expires_at is not None else None,
        tally=int(item.tally) if item.tally is not None else None,
    )


def _plain(value: Any) -> Any:
    """MapAttribute values as plain dicts and lists (numbers from DynamoDB come back as Decimal)."""
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def get(key: Key, *, consistent: bool = True) -> Record | None:
    try:
        return _record(Item.get(key.pk, key.sk, consistent_read=consistent))
    except DoesNotExist:
        return None


def query(
    partition: str,
    *,
    index: str | None = None,
    limit: int,
    start_key: dict[str, Any] | None = None,
    newest_first: bool = False,
    filters: dict[str, str] | None = None,
    keep: Callable[[Record], bool] | None = None,
    sk_prefix: str | None = None,
    sk_between: tuple[str, str] | None = None,
) -> Page:
    """One page of a partition, sorted by sort key; ``filters`` match fields of ``data`` exactly.

    ``keep`` filters in memory what an expression cannot say (a record's unit within a subtree).
    With filters each DynamoDB page reads ``FILTERED_PAGE_SIZE`` items (the filter applies after
    DynamoDB's ``Limit``: reading ``limit`` items a page would cost a round trip per few items skipped);
    the page still holds at most ``limit`` records and ``last_key`` points right after the last one returned.
    ``sk_between`` bounds the sort key (both ends included) instead of ``sk_prefix``.
    """
    condition: Condition | None = None
    for name, value in (filters or {}).items():
        clause = Item.data[name] == value
        condition = clause if condition is None else condition & clause
    source = getattr(Item, index) if index else Item
    filtered = condition is not None or keep is not None
    sort_key = getattr(Item, f"{index}SK" if index else "SK")
    results = source.query(
        partition,
        range_key_condition=(
            sort_key.between(*sk_between)
            if sk_between
            else sort_key.startswith(sk_prefix)
            if sk_prefix
            else None
        ),
        filter_condition=condition,
        limit=None if keep else limit,
        last_evaluated_key=start_key,
        scan_index_forward=not newest_first,
        page_size=max(limit, FILTERED_PAGE_SIZE) if filtered else limit,
        consistent_read=index is None,
    )
    records: list[Record] = []
    for item in results:
        record = _record(item)
        if keep is None or keep(record):
            records.append(record)
            if len(records) == limit:
                break  # the iterator's last key is now this record's: the next page starts after it
    return Page(records, results.last_evaluated_key if len(records) == limit else None)


def query_all(
    partition: str, *, page_size: int, index: str | None = None, filters: dict[str, str] | None = None
) -> list[Record]:
    """Every record of a partition, page after page (for partitions bounded by design, not lists)."""
    records: list[Record] = []
    start_key = None
    while True:
        page = query(partition, index=index, limit=page_size, start_key=start_key, filters=filters)
        records += page.records
        if page.last_key is None:
            return records
        start_key = page.last_key


def _item(
    key: Key,
    type: str,
    data: dict[str, Any],
    *,
    version: int,
    indexes: dict[str, str] | None = None,
    expires_at: int | None = None,
) -> Item:
    item = Item(key.pk, key.sk, type=type, data=data, version=version)
    for name, value in (indexes or {}).items():
        setattr(item, name, value)
    if expires_at is not None:
        item.expires_at = datetime.fromtimestamp(expires_at, UTC)
    return item


@dataclass
class _Write:
    item: Item
    action: str
    condition: Condition | None
    on_failure: Problem
    versioned: bool = False  # a failed version check reports the version stored now, not the one expected
    actions: list[Action] = field(default_factory=list)  # an update's, applied to the stored item


@dataclass
class Transaction:
    """Writes that succeed or fail together (one TransactWriteItems call)."""

    writes: list[_Write] = field(default_factory=list)

    def create(
        self,
        key: Key,
        type: str,
        data: dict[str, Any],
        *,
        indexes: dict[str, str] | None = None,
        expires_at: int | None = None,
        on_exists: Problem | None = None,
        replacing_expired: bool = False,
    ) -> None:
        """Write a new item; with ``replacing_expired``, one past its TTL counts as absent and is replaced."""
        item = _item(key, type, data, version=1, indexes=indexes, expires_at=expires_at)
        condition = Item.PK.does_not_exist()
        if replacing_expired:
            condition = condition | (Item.expires_at <= datetime.fromtimestamp(int(time.time()), UTC))
        self.writes.append(_Write(item, "save", condition, on_exists or Conflict(f"{type} already exists")))

    def replace(
        self,
        key: Key,
        type: str,
        data: dict[str, Any],
        *,
        expected_version: int,
        indexes: dict[str, str] | None = None,
        on_failure: Problem | None = None,
        counters: tuple[str, ...] = (),
    ) -> None:
        """Overwrite an item if it still has ``expected_version``; it gets the next version.

        A stale version is answered with the version stored now, unless ``on_failure`` says otherwise
        (a guard item whose version the client never saw). ``counters`` are fields of ``data`` that
        :meth:`increment` changes without a version: the overwrite also needs them as ``data`` has
        them, so it never undoes an increment made since the item was read.
        """
        item = _item(key, type, data, version=expected_version + 1, indexes=indexes)
        condition = Item.version == expected_version
        for counter in counters:
            value = data[counter]
            unchanged = Item.data[counter] == value
            condition &= (Item.data[counter].does_not_exist() | unchanged) if value == 0 else unchanged
        self.writes.append(
            _Write(
                item,
                "save",
                condition,
                on_failure or PreconditionFailed(expected_version),
                versioned=on_failure is None,
            )
        )

    def delete(
        self,
        key: Key,
        *,
        expected_version: int | None = None,
        data_equals: dict[str, str] | None = None,
        on_failure: Problem | None = None,
    ) -> None:
        """Delete an item that exists (with ``expected_version`` and these ``data`` fields, if given).

        As with :meth:`replace`, ``on_failure`` replaces the answer with the version stored now.
        """
        condition = _with_data(
            Item.PK.exists() if expected_version is None else Item.version == expected_version,
            data_equals or {},
        )
        failure = on_failure or (
            PreconditionFailed(expected_version)
            if expected_version is not None
            else Conflict("already deleted")
        )
        versioned = expected_version is not None and on_failure is None
        self.writes.append(_Write(Item(key.pk, key.sk), "delete", condition, failure, versioned=versioned))

    def put(
        self, key: Key, type: str, data: dict[str, Any], *, indexes: dict[str, str] | None = None
    ) -> None:
        """Write an item whatever is there (a derived item, such as a listing entry, rewritten whole)."""
        item = _item(key, type, data, version=1, indexes=indexes)
        self.writes.append(_Write(item, "save", None, Conflict(f"{type} could not be written")))

    def discard(self, key: Key) -> None:
        """Delete an item if it is there (a derived item the change no longer needs)."""
        self.writes.append(_Write(Item(key.pk, key.sk), "delete", None, Conflict("could not be deleted")))

    def put_guarded(
        self,
        key: Key,
        type: str,
        data: dict[str, Any],
        *,
        expected: dict[str, str] | None,
        on_failure: Problem,
    ) -> None:
        """Write an item whole if it is still as read: absent (``expected`` None), or with these ``data``
        fields (a digest of what was read, say)."""
        item = _item(key, type, data, version=1)
        condition = Item.PK.does_not_exist() if expected is None else _with_data(Item.PK.exists(), expected)
        self.writes.append(_Write(item, "save", condition, on_failure))

    def set_entry(self, key: Key, path: tuple[str, ...], value: Any, *, on_failure: Problem) -> None:
        """Set one entry of a map in an existing item's ``data`` (``("lists", "prl_...")``), leaving the
        map's other entries, the item's other fields and its ``version`` as they are."""
        self._update(key, [_data_path(path).set(value)], on_failure)

    def remove_entry(self, key: Key, path: tuple[str, ...], *, on_failure: Problem) -> None:
        """Remove one entry of a map in an existing item's ``data`` (as :meth:`set_entry` sets one)."""
        self._update(key, [_data_path(path).remove()], on_failure)

    def increment(self, key: Key, counter: str, *, on_failure: Problem) -> None:
        """Add 1 to the number ``data.<counter>`` of an existing item (0 if it has none yet).

        An update, not a rewrite: the item's other fields and its ``version`` stay as they are, so it
        never races a change made from another read of the item. Two counters of one item (a change
        counted by the catalog and by pricing) go in one update: a transaction names an item once.
        """
        self._update(key, [Item.data[counter].add(1)], on_failure)

    def increment_from(self, key: Key, counter: str, read: int, *, on_failure: Problem) -> None:
        """Add 1 to ``data.<counter>`` of an existing item if it is still ``read`` (0: or unset): of two
        changes that each read the counter and must not both pass on what they read, one fails."""
        current = Item.data[counter]
        unchanged = current == read
        condition = Item.PK.exists() & ((current.does_not_exist() | unchanged) if read == 0 else unchanged)
        self.writes.append(
            _Write(Item(key.pk, key.sk), "update", condition, on_failure, actions=[current.add(1)])
        )

    def _update(self, key: Key, actions: list[Action], on_failure: Problem) -> None:
        """Update an existing item; an update of the same item already in the transaction takes these
        actions too (DynamoDB refuses a transaction naming one item twice)."""
        for write in self.writes:
            if write.action == "update" and (write.item.PK, write.item.SK) == (key.pk, key.sk):
                write.actions.extend(actions)
                return
        write = _Write(Item(key.pk, key.sk), "update", Item.PK.exists(), on_failure, actions=actions)
        self.writes.append(write)

    def tally(self, key: Key, type: str, data: dict[str, Any], amount: int) -> None:
        """Add ``amount`` to the item's ``tally``, making the item (``type``, ``data``) if it is absent.

        No condition and no version: updates of one item add up instead of failing on each other, and
        two transactions touching it at the same instant conflict only for that instant (a counter
        spread over shard items keeps that rare).
        """
        self.writes.append(
            _Write(
                Item(key.pk, key.sk),
                "update",
                None,
                Conflict(f"{type} could not be counted"),
                actions=[
                    Item.type.set(Item.type | type),
                    Item.data.set(Item.data | data),
                    Item.version.set(Item.version | 1),
                    Item.tally.add(amount),
                ],
            )
        )

    def set_fields(
        self, key: Key, values: dict[str, Any], *, revision: str, expected_revision: int, on_failure: Problem
    ) -> None:
        """Set fields of an existing item's ``data`` and add 1 to its ``data.<revision>``, if that is still
        ``expected_revision`` (0: also when it has none yet).

        An update like :meth:`increment`: the item's ``version`` stays, so a client's ``If-Match`` of the
        item still holds; a rewrite of the item names ``revision`` in its ``counters`` (:meth:`replace`),
        so it never undoes these fields, and two such updates from one read cannot both succeed.
        """
        read = Item.data[revision] == expected_revision
        unchanged = (Item.data[revision].does_not_exist() | read) if expected_revision == 0 else read
        actions = [Item.data[name].set(value) for name, value in values.items()]
        self.writes.append(
            _Write(
                Item(key.pk, key.sk),
                "update",
                Item.PK.exists() & unchanged,
                on_failure,
                actions=[*actions, Item.data[revision].add(1)],
            )
        )

    def advance(
        self, key: Key, type: str, data: dict[str, Any], *, expected: int, on_failure: Problem
    ) -> None:
        """Add 1 to the item's ``tally`` if it is still ``expected`` (0: the item may not exist yet, and is
        made as ``type`` with ``data``): a sequence whose every number is taken by one transaction."""
        still = Item.tally == expected
        condition = (Item.tally.does_not_exist() | still) if expected == 0 else still
        actions: list[Action] = [
            Item.type.set(Item.type | type),
            Item.data.set(Item.data | data),
            Item.version.set(Item.version | 1),
            Item.tally.add(1),
        ]
        self.writes.append(_Write(Item(key.pk, key.sk), "update", condition, on_failure, actions=actions))

    def require_absent(self, key: Key, *, on_failure: Problem) -> None:
        """Guard: no item may exist at ``key`` (a condition check, nothing written there)."""
        self.writes.append(
            _Write(Item(key.pk, key.sk), "condition_check", Item.PK.does_not_exist(), on_failure)
        )

    def require(
        self, key: Key, *, data_equals: dict[str, str], on_failure: Problem, type: str | None = None
    ) -> None:
        """Delete-free guard: the item must exist with these ``data`` fields, and of ``type`` if given
        (a condition check)."""
        condition = _with_data(Item.PK.exists(), data_equals)
        if type is not None:
            condition = condition & (Item.type == type)
        self.writes.append(_Write(Item(key.pk, key.sk), "condition_check", condition, on_failure))

    def require_version(self, key: Key, version: int, *, on_failure: Problem) -> None:
        """Guard: the item must still be at ``version`` (as read), unchanged by anyone since (a
        condition check, nothing written there)."""
        self.writes.append(
            _Write(Item(key.pk, key.sk), "condition_check", Item.version == version, on_failure)
        )

    def room(self) -> int:
        """How many more writes the transaction takes."""
        return MAX_TRANSACTION_ITEMS - len(self.writes)

    def commit(self) -> None:
        if not self.writes:
            return
        if len(self.writes) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"a transaction holds at most {MAX_TRANSACTION_ITEMS} writes")
        try:
            # The token makes botocore's retries of a transaction whose answer timed out idempotent:
            # DynamoDB applies it once and answers the retry as it answered the first.
            token = uuid.uuid4().hex
            with TransactWrite(connection=raw_connection(), client_request_token=token) as transaction:
                for write in self.writes:
                    if write.action == "save":
                        transaction.save(write.item, condition=write.condition)
                    elif write.action == "delete":
                        transaction.delete(write.item, condition=write.condition)
                    elif write.action == "update":
                        transaction.update(write.item, write.actions, condition=write.condition)
                    else:
                        transaction.condition_check(
                            Item, write.item.PK, write.item.SK, condition=write.condition
                        )
        except TransactWriteError as error:
            raise self._failure(error) from error

    def _failure(self, error: TransactWriteError) -> Exception:
        # Reasons come in the order the items were sent, and PynamoDB sends condition checks first,
        # then deletes, then puts, then updates (each group in the order added): pair them so.
        sent = sorted(self.writes, key=lambda write: _SENT_ORDER[write.action])
        reasons = error.cancellation_reasons or []
        failed = [
            write
            for write, reason in zip(sent, reasons, strict=False)
            if reason is not None and reason.code == "ConditionalCheckFailed"
        ]
        # A stale version explains the transaction's other failed conditions (the concurrent write
        # that raised it changed what they guard, a hostname it released say): it is the answer.
        stale = next((write for write in failed if write.versioned), None)
        if stale is not None:
            return _stale(stale.item)
        if failed:
            return failed[0].on_failure
        # Cancelled for contention or throttling only: the store's neutral failure, which the API's one
        # mapping (platform.errors.unavailable_problem) answers with 503 and Retry-After.
        return error


def _data_path(path: tuple[str, ...]) -> Path:
    """``data.<a>.<b>...``, each name a placeholder in the expression."""
    nested = Item.data[path[0]]
    for name in path[1:]:
        nested = nested[name]
    return nested


def _with_data(condition: Condition, data_equals: dict[str, str]) -> Condition:
    for name, value in data_equals.items():
        condition = condition & (Item.data[name] == value)
    return condition


def _stale(item: Item) -> Problem:
    """The problem of a version check lost to a concurrent write: the version now, or gone (or, the
    version still the one expected, a counter changed meanwhile: retry)."""
    current = get(Key(item.PK, item.SK))
    if current is None:
        return NotFound("it was deleted meanwhile")
    if current.version == int(item.version) - 1:
        return Conflict("it changed meanwhile; retry", headers={"Retry-After": "1"})
    return PreconditionFailed(current.version)


def put_if_absent(
    key: Key, type: str, data: dict[str, Any], *, indexes: dict[str, str] | None = None
) -> bool:
    """Write an immutable item once; False if it was already there (idempotent consumers)."""
    item = _item(key, type, data, version=1, indexes=indexes)
    try:
        item.save(condition=Item.PK.does_not_exist())
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def get_many(key_list: list[Key], *, only: tuple[str, ...] | None = None) -> dict[Key, Record]:
    """Several items in one BatchGetItem (strongly consistent; 100 keys a call); missing keys are left
    out. With ``only``, the items hold just these paths of their ``data`` (``data.lists.prl_...``)
    besides their keys, type and version: a projection, so a large item costs what is read of it."""
    projection = None if only is None else ["PK", "SK", "type", "version", *only]
    found = Item.batch_get(
        [(key.pk, key.sk) for key in key_list], consistent_read=True, attributes_to_get=projection
    )
    records = (_record(item) for item in found)
    return {record.key: record for record in records}


def tallies(partition: str, *, page_size: int) -> dict[str, int]:
    """The ``tally`` of every item of a partition, by sort key (strongly consistent, every page)."""
    items = Item.query(partition, consistent_read=True, page_size=page_size)
    return {item.SK: int(item.tally) for item in items if item.tally is not None}


def count(partition: str, *, filters: dict[str, str] | None = None) -> int:
    """How many items of a partition have these ``data`` fields (Select=COUNT: nothing is sent back but
    the number; every page, strongly consistent)."""
    condition: Condition | None = None
    for name, value in (filters or {}).items():
        clause = Item.data[name] == value
        condition = clause if condition is None else condition & clause
    return int(Item.count(partition, filter_condition=condition, consistent_read=True))


def write_tallies(tallied: dict[Key, tuple[str, dict[str, Any], int]], discarded: list[Key]) -> None:
    """Set the tallies of items whatever they hold (``type``, ``data``, tally by key) and delete others,
    in BatchWriteItem calls (unprocessed items retried): a repair, not an atomic change."""
    with Item.batch_write() as batch:
        for key, (type, data, value) in tallied.items():
            item = _item(key, type, data, version=1)
            item.tally = value
            batch.save(item)
    discard_all(discarded)


def discard_all(key_list: list[Key]) -> None:
    """Delete items whether they are there or not, in BatchWriteItem calls (unprocessed items retried):
    what a deleted entity held that its own transaction had no room for."""
    with Item.batch_write() as batch:
        for key in key_list:
            batch.delete(Item(key.pk, key.sk))


def put_all(records: list[Record]) -> None:
    """Write whole items whatever is there, in BatchWriteItem calls (unprocessed items retried): records
    no transaction needs to guard (a message's import record, say)."""
    with Item.batch_write() as batch:
        for record in records:
            batch.save(
                _item(record.key, record.type, record.data, version=record.version, indexes=record.indexes)
            )
