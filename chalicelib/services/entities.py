"""Create, update and delete of versioned entities, each with its outbox event in one transaction.

The services of each area describe their entity (key, type, model, extra writes); this module does
the bookkeeping they share: ids, timestamps, versions, events and idempotency records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chalicelib.domain.base import ANY_VERSION, ExpectedVersion, SignInBinding, Stamped
from chalicelib.platform.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Problem,
    validation_problem,
)
from chalicelib.platform.ids import utc_now
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.platform.principal import VerifiedToken
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.outbox import Action, record_change
from chalicelib.store import repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record, Transaction

ModelT = TypeVar("ModelT", bound=Stamped)
ExtraWrites = Callable[[Transaction], None]


def to_model(record: Record, model: type[ModelT]) -> ModelT:
    return model.model_validate({**record.data, "version": record.version}, strict=False)


def load(key: Key, model: type[ModelT], entity_type: str) -> ModelT:
    """The entity at ``key``, or 404 (also what another tenant's id gives)."""
    record = repository.get(key)
    if record is None or record.type != entity_type:
        raise NotFound(f"{entity_type} not found")
    return to_model(record, model)


def stored(entity: BaseModel) -> dict[str, Any]:
    """The fields an item keeps: not the version (an item attribute) nor what is computed from the rest."""
    return entity.model_dump(mode="json", exclude={"version", *type(entity).model_computed_fields})


def create(
    caller: Caller,
    *,
    key: Key,
    entity_type: str,
    entity: ModelT,
    indexes: dict[str, str] | None = None,
    extra_writes: ExtraWrites | None = None,
    idempotency: IdempotencyClaim | None = None,
    tenant_id: str | None = None,
    on_exists: Problem | None = None,
    answer: BaseModel | None = None,
) -> ModelT:
    """Store a new entity (version 1) and its ``<type>.created`` event (``answer``: what a retry of the
    create answers, when the API's form of the entity is not the stored one)."""
    transaction = Transaction()
    after = stored(entity)
    transaction.create(key, entity_type, after, indexes=indexes, on_exists=on_exists)
    if idempotency:
        idempotency.record(transaction, 201, (answer or entity).model_dump(mode="json"))
    commit_change(
        transaction, caller, "created", entity_type, None, after, extra_writes, tenant_id, entity.version
    )
    return entity


def commit_change(
    transaction: Transaction,
    caller: Caller,
    action: Action,
    entity_type: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    extra_writes: ExtraWrites | None = None,
    tenant_id: str | None = None,
    version: int | None = None,
) -> None:
    """Add the area's own writes and the change's outbox event (``version``: the entity's after the
    change), then commit them all at once."""
    if extra_writes:
        extra_writes(transaction)
    entity_id = (after or before or {})["id"]
    record_change(
        transaction,
        caller,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=before,
        after=after,
        tenant_id=tenant_id,
        version=version,
    )
    transaction.commit()


def check_version(current: int, expected: ExpectedVersion) -> None:
    """Go on only with the version the client read (or any, for ``*``): the write is then conditional
    on the version this request read, so a change landing in between still fails."""
    if expected is None:
        raise PreconditionRequired()
    if expected not in (ANY_VERSION, current):
        raise PreconditionFailed(current)


def merge(current: ModelT, patch: BaseModel, fields_model: type[BaseModel]) -> ModelT:
    """Apply the fields sent in ``patch`` and re-check the whole entity as if it were created so."""
    changes = patch.model_dump(include=patch.model_fields_set - {"version"})
    merged = {**current.model_dump(exclude=set(type(current).model_computed_fields)), **changes}
    try:
        fields_model.model_validate({k: merged[k] for k in fields_model.model_fields}, strict=False)
    except ValidationError as error:
        raise validation_problem(error, "body") from error
    merged["updated_at"] = utc_now()
    merged["version"] = current.version + 1
    return type(current).model_validate(merged, strict=False)


def update(
    caller: Caller,
    *,
    key: Key,
    entity_type: str,
    before: ModelT,
    after: ModelT,
    indexes: dict[str, str] | None = None,
    extra_writes: ExtraWrites | None = None,
    on_failure: Problem | None = None,
    tenant_id: str | None = None,
    counters: tuple[str, ...] = (),
) -> ModelT:
    """Replace the entity if its version is still the one read, with a ``<type>.updated`` event
    (in ``tenant_id``'s outbox when a platform operator changes a tenant, else the caller's;
    ``on_failure`` answers a stale version instead of 412 with the version stored now; ``counters``
    must still be as read, see :meth:`Transaction.replace`)."""
    transaction = Transaction()
    old, new = stored(before), stored(after)
    transaction.replace(
        key,
        entity_type,
        new,
        expected_version=before.version,
        indexes=indexes,
        on_failure=on_failure,
        counters=counters,
    )
    commit_change(
        transaction, caller, "updated", entity_type, old, new, extra_writes, tenant_id, after.version
    )
    return after


def bind_sign_in(
    caller: Caller,
    *,
    key: Key,
    entity_type: str,
    user: ModelT,
    token: VerifiedToken,
    indexes: dict[str, str] | None = None,
) -> ModelT:
    """Bind a staff or customer user to the issuer and subject of their first sign-in.

    The write is conditional on the version read without a binding: of two first sign-ins racing,
    one binds and the other is told to retry (and then finds the account bound, to it or not).
    """
    bound = user.model_copy(
        update={
            "binding": SignInBinding(issuer=token.issuer, subject=token.subject),
            "version": user.version + 1,
            "updated_at": utc_now(),
        }
    )
    return update(
        caller,
        key=key,
        entity_type=entity_type,
        before=user,
        after=bound,
        indexes=indexes,
        on_failure=Conflict("this account was signed in to meanwhile; retry", headers={"Retry-After": "1"}),
    )


def delete(
    caller: Caller,
    *,
    key: Key,
    entity_type: str,
    entity: ModelT,
    extra_writes: ExtraWrites | None = None,
    belongings: Sequence[Key] = (),
) -> None:
    """Delete the entity if its version is still the one read, with a ``<type>.deleted`` event.

    ``belongings`` are items that exist only for the entity (rules naming it, say) and that nothing can
    add once it is gone: those the transaction has room for go with it, the rest are deleted right after
    it commits (a crash in between leaves them to point at nothing).
    """
    transaction = Transaction()
    transaction.delete(key, expected_version=entity.version)
    if extra_writes:
        extra_writes(transaction)
    together_with = max(transaction.room() - 1, 0)  # the event takes the last place
    for belonging in belongings[:together_with]:
        transaction.discard(belonging)
    # a deletion is a change too: the version it makes is one more than the last written
    commit_change(
        transaction, caller, "deleted", entity_type, stored(entity), None, version=entity.version + 1
    )
    if belongings[together_with:]:
        repository.discard_all(list(belongings[together_with:]))


def together(*parts: ExtraWrites | None) -> ExtraWrites:
    """Several areas' extra writes as one, added in the order given (a None part adds nothing)."""

    def add(transaction: Transaction) -> None:
        for part in parts:
            if part is not None:
                part(transaction)

    return add


def releasing(*released: Key) -> ExtraWrites:
    """Extra writes deleting the items an entity holds beside it (its id item, say) with it."""

    def release(transaction: Transaction) -> None:
        for key in released:
            transaction.delete(key)

    return release


def timestamps() -> dict[str, datetime]:
    now = utc_now()
    return {"created_at": now, "updated_at": now}


def listing(
    partition: str,
    model: type[ModelT],
    page: PageRequest,
    *,
    index: str | None = None,
    filters: dict[str, str] | None = None,
    newest_first: bool = False,
    keep: Callable[[Record], bool] | None = None,
    sk_prefix: str | None = None,
) -> Listing[ModelT]:
    """One page of a partition's entities as ``model`` (those whose sort key starts with ``sk_prefix``,
    if given), with the cursor to the next page."""
    result = repository.query(
        partition,
        index=index,
        limit=page.limit,
        start_key=page.start_key(),
        filters=filters,
        newest_first=newest_first,
        keep=keep,
        sk_prefix=sk_prefix,
    )
    return Listing[model](  # type: ignore[valid-type]
        items=[to_model(record, model) for record in result.records],
        next_cursor=page.next_cursor(result.last_key),
    )
