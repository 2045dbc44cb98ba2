"""An order's life cycle: every status change goes through ``domain.orders.workflow`` (who may take
which transition from which status) and is one transaction — the header at the version read, its
history entry appended, and the transition's event (``order.confirmed``, ``order.cancelled``...).

Reaching ``confirmed`` (confirmed by the worker, staff or the ERP, or released from a hold) also
writes ``order.export_requested``: the order is ready for the ERP export, whose consumer subscribes to
that event (an order is never exported twice for one confirmation, whoever confirmed it).

The order workflow worker (``workers.order_workflow``) hears ``order.placed`` and takes the order
through its automatic steps: the tenant's checks (``domain.orders.checks``) hold it, or it is
confirmed. A replayed or late ``order.placed`` finds the order past ``pending`` and does nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.domain.base import ExpectedVersion
from chalicelib.domain.orders.checks import hold_note, stops
from chalicelib.domain.orders.orders import Order, OrderDetail
from chalicelib.domain.orders.reach import OrderAnswer
from chalicelib.domain.orders.workflow import (
    DEFAULT_WORKFLOW,
    Actor,
    ActorRole,
    TransitionRefused,
    apply,
    path_to,
)
from chalicelib.domain.tenancy import Tenant
from chalicelib.platform.errors import (
    Forbidden,
    PreconditionFailed,
    Problem,
    TransitionNotAllowed,
    Unprocessable,
)
from chalicelib.platform.ids import utc_now
from chalicelib.platform.observability import logger
from chalicelib.platform.principal import Principal
from chalicelib.platform.queues import PermanentFailure
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.orders import records
from chalicelib.services.orders.orders import actor_of, answer, header_of, visible_order
from chalicelib.services.outbox import record_change
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

PLACED = "order.placed"
EXPORT_REQUESTED = "order.export_requested"
READY_FOR_EXPORT = "confirmed"  # the status whose reaching hands the order to the ERP export
WORKER_SUBJECT = "order-workflow"
WORKER = Actor("worker", frozenset({ActorRole.WORKER}))
CANCEL = "cancel"


def _refusal_problem(refused: TransitionRefused, name: str, status: str) -> Problem:
    """What a refused transition answers: 422 for one the workflow lacks, 409 naming the statuses that
    allow it, 403 for one the caller may not take."""
    if not refused.known:
        return Unprocessable.field("body.transition", str(refused), "unknown_transition")
    transition = DEFAULT_WORKFLOW.transition(name)
    assert transition is not None  # known
    if status not in transition.sources:
        return TransitionNotAllowed(str(refused), status, sorted(transition.sources))
    return Forbidden(str(refused))


def _changed(
    caller: Caller,
    before: Order,
    name: str,
    actor: Actor,
    note: str | None,
    *,
    extra: Mapping[str, Any] | None = None,
    guard: entities.ExtraWrites | None = None,
) -> Order:
    """Take transition ``name``: the header at the version read and the transition's event (and the
    export request on reaching ``confirmed``), in one transaction (``extra``: other header fields the
    change sets; ``guard``: the caller's writes that commit with it). Returns the header as written."""
    now = utc_now()
    try:
        applied = apply(DEFAULT_WORKFLOW, before.status, name, actor, at=now, note=note)
    except TransitionRefused as refused:
        raise _refusal_problem(refused, name, before.status) from refused
    after = before.model_copy(
        update={
            "status": applied.status,
            "history": [*before.history, applied.entry],
            "updated_at": now,
            "version": before.version + 1,
            **(extra or {}),
        }
    )
    transaction = Transaction()
    records.replace_header(transaction, caller.tenant_id, before, after)
    stored_before, stored_after = entities.stored(before), entities.stored(after)
    change: dict[str, Any] = {"action": "updated", "entity_type": "order", "entity_id": after.id}
    record_change(
        transaction,
        caller,
        **change,
        before=stored_before,
        after=stored_after,
        event_type=applied.entry.event,
        version=after.version,
    )
    if applied.status == READY_FOR_EXPORT:
        record_change(
            transaction,
            caller,
            **change,
            before=stored_before,
            after=stored_after,
            event_type=EXPORT_REQUESTED,
        )
    if guard is not None:
        guard(transaction)
    transaction.commit()
    return after


def _take(
    caller: Caller, order_id: str, name: str, expected: ExpectedVersion, note: str | None
) -> OrderAnswer:
    order = visible_order(caller, order_id)
    entities.check_version(order.version, expected)
    before = header_of(order)
    after = _changed(caller, before, name, actor_of(caller.principal, before), note)
    return answer(
        caller.principal, OrderDetail(**after.model_dump(), lines=order.lines, invoices=order.invoices)
    )


def transition(
    caller: Caller, order_id: str, name: str, expected: ExpectedVersion, note: str | None
) -> OrderAnswer:
    """A staff user moves an order (``orders.write`` where it belongs; 404 where ``orders.read`` is not)."""
    return _take(caller, order_id, name, expected, note)


def cancel(caller: Caller, order_id: str, expected: ExpectedVersion, note: str | None) -> OrderAnswer:
    """The buyer, or a customer user whose ``orders.manage`` reaches the order's unit, cancels it."""
    return _take(caller, order_id, CANCEL, expected, note)


# --- the ERP -------------------------------------------------------------------------------------------


def erp_reached(
    caller: Caller,
    order: Order,
    target: str,
    note: str | None,
    extra: Mapping[str, Any],
    guard: entities.ExtraWrites,
) -> Order:
    """The ERP says the order is in ``target``: take the fewest transitions the workflow lets the ERP
    take to get there, each one transaction with its event; ``extra`` header fields and ``guard`` go
    with the last (or, with the order there already and ``extra`` to set, with a plain update).
    Refused (422, 409) when no such transitions lead there."""
    actor = Actor(caller.principal.subject, frozenset({ActorRole.ERP}))
    try:
        steps = path_to(DEFAULT_WORKFLOW, order.status, target, actor)
    except TransitionRefused as refused:
        if not refused.known:
            raise Unprocessable.field("payload.status", str(refused), "unknown_status") from refused
        leading = {
            t for t in DEFAULT_WORKFLOW.transitions if t.target == target and ActorRole.ERP in t.actors
        }
        sources = sorted({source for transition in leading for source in transition.sources})
        raise TransitionNotAllowed(str(refused), order.status, sources) from refused
    if not steps:
        return _annotated(caller, order, extra, guard)
    for step in steps[:-1]:
        order = _changed(caller, order, step, actor, note)
    return _changed(caller, order, steps[-1], actor, note, extra=extra, guard=guard)


def _annotated(caller: Caller, before: Order, extra: Mapping[str, Any], guard: entities.ExtraWrites) -> Order:
    """The header with ``extra`` set and no transition (an ``order.updated`` event), or, with nothing
    to set, only ``guard`` written."""
    transaction = Transaction()
    if not extra:
        guard(transaction)
        transaction.commit()
        return before
    after = before.model_copy(update={**extra, "updated_at": utc_now(), "version": before.version + 1})
    records.replace_header(transaction, caller.tenant_id, before, after)
    record_change(
        transaction,
        caller,
        action="updated",
        entity_type="order",
        entity_id=after.id,
        before=entities.stored(before),
        after=entities.stored(after),
        version=after.version,
    )
    guard(transaction)
    transaction.commit()
    return after


# --- the order workflow worker ----------------------------------------------------------------------


def _worker(tenant_id: str) -> Caller:
    return Caller(Principal(kind="integration", tenant_id=tenant_id, subject=WORKER_SUBJECT))


def _checks_of(tenant_id: str) -> Tenant:
    record = repository.get(keys.tenant(tenant_id), consistent=False)
    if record is None:
        raise PermanentFailure("bad tenant: no such tenant")
    return entities.to_model(record, Tenant)


def advance_placed(event: dict[str, Any]) -> str | None:
    """Confirm or hold a placed order; the transition taken, or None when there was nothing to do (the
    order gone, or already past ``pending``: a replay, or staff were quicker)."""
    if event["type"] != PLACED:
        return None
    tenant_id, order_id = str(event["tenant_id"]), str(event["entity_id"])
    caller = _worker(tenant_id)
    for attempt in range(2):  # a change landing between the read and the write: read again, once
        order = records.load_header(tenant_id, order_id)
        if order is None or order.status != DEFAULT_WORKFLOW.start:
            return None
        found = stops(_checks_of(tenant_id).settings.order_checks, order)
        name, note = ("hold", hold_note(found)) if found else ("confirm", None)
        try:
            _changed(caller, order, name, WORKER, note)
        except PreconditionFailed:
            if attempt:
                raise  # transient: the message comes back
            continue
        logger().info("order advanced", extra={"order_id": order_id, "transition": name})
        return name
    return None
