"""The inbound worker's work: apply one ERP message through the admin API's own services.

A message is applied once: its import record says when its fate is known (a redelivery then does
nothing), and for changes made in one transaction the record turns ``applied`` in that transaction.
Per tenant and entity an item holds the newest ``source_seq`` applied and the message that carried it
(``domain.erp.ordering``): a change writes it in its own transaction, conditional on the mark as read,
so an older update never overwrites a newer one, even when two arrive at once (the loser is retried
and then finds itself stale). A prices upsert is a part of its list's update: the parts of one update
share its ``source_seq``, so a part delayed by retries is not stale. It writes its rows in several
transactions (48 products each): a newer update's mark moves in the first of them, and only the
products whose rows differ from those stored are written, with events for those only (a redelivery
writes what is still missing). A newer update that changes no row still moves the mark, in one write
of its own: were it left behind, an older message arriving later would pass the guard and overwrite
the rows this newer one confirmed. So does a product, stock or price list upsert that leaves the
entity as it is: its mark and record move in one transaction, and the entity keeps its version, with
no event. A customer upsert takes its mark first, in a transaction of its own, then writes its company
and units, after checking the whole tree it asks for (``domain.erp_customers``), so a refused tree
changes nothing. An order status
update may take several workflow transitions, each its own transaction: the mark goes with the last
(a retry starts again from the status the order has reached).

A message that can never apply (a malformed payload, a product the tenant does not have, a type its
key may not send, a field the service refuses) gets ``failed`` with the reason and changes nothing;
what may pass later (a version changed meanwhile, throttling, an outage) is raised, so the consumer
retries it and dead-letters it after 5 receives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import to_json

from chalicelib.domain.base import ANY_VERSION, Stamped, TenantId
from chalicelib.domain.catalog.categories import CategoryFields, CategoryPatch
from chalicelib.domain.catalog.products import ProductChanges, ProductFields, ProductPatch
from chalicelib.domain.customer_users import Company, CustomerUserFields, CustomerUserPatch
from chalicelib.domain.customers import CustomerFields, CustomerPatch, Unit, UnitFields, UnitPatch
from chalicelib.domain.erp import (
    FINAL_STATUSES,
    CategoryUpsert,
    CustomerUpsert,
    CustomerUserUpsert,
    Envelope,
    ImportStatus,
    IntegrationSession,
    InventoryUpdate,
    InvoiceUpsert,
    Message,
    MessageType,
    OrderNamed,
    OrderStatusUpdate,
    PriceListUpsert,
    PricesUpsert,
    ProductDelete,
    ProductUpsert,
    SequenceMark,
    UnitUpsert,
    ordering,
    parse_message,
    usable_message_id,
    validation_reason,
)
from chalicelib.domain.erp_customers import PlanRefused, changes, plan_units, unit_ids_by_code, unit_values
from chalicelib.domain.orders.invoices import InvoiceFields
from chalicelib.domain.orders.orders import MAX_SHIPMENTS, Order
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.price_lists import (
    PriceListChanges,
    PriceListFields,
    PriceListPatch,
    PriceUpsert,
)
from chalicelib.domain.staff import ANY, StaffTarget
from chalicelib.platform.errors import Conflict, NotFound, Problem, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.platform.principal import Principal
from chalicelib.platform.queues import PermanentFailure
from chalicelib.services import customer_users, customers, entities
from chalicelib.services.catalog import categories, products
from chalicelib.services.context import Caller
from chalicelib.services.erp import imports
from chalicelib.services.orders import invoices, transitions
from chalicelib.services.orders import records as order_records
from chalicelib.services.pricing import price_lists, prices
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record, Transaction

ERP_SEQUENCE_TYPE = "erp_sequence"
ERP_REFERENCE_TYPE = "erp_reference"
PRICE_LIST_REFERENCE = "price_list"
CATEGORY_REFERENCE = "category"
Outcome = Literal["applied", "skipped_stale"]
MARK_MOVED = Conflict("the entity's ordering guard moved meanwhile; retry", headers={"Retry-After": "1"})


PayloadT = TypeVar("PayloadT", bound=BaseModel)


class Queued(BaseModel):
    """What the HTTP ingest queued: the message as sent, stamped with what it verified."""

    model_config = ConfigDict(extra="forbid")

    tenant_id: TenantId
    key_id: str
    scopes: list[MessageType]
    message: dict[str, Any]


@dataclass(frozen=True)
class Application:
    """One message on its way: who applies it, its record, and its entity's mark as read."""

    caller: Caller
    message: Message
    record: Record
    mark: SequenceMark | None

    @property
    def tenant_id(self) -> str:
        return self.caller.tenant_id

    def ordering(self) -> Literal["apply", "already_applied", "stale"]:
        return ordering(self.mark, self.message.source_seq, self.message.id)

    def take_mark(self, transaction: Transaction) -> None:
        """The entity's mark moves to this message, if it is still as read."""
        transaction.put_guarded(
            keys.erp_sequence(self.tenant_id, self.message.entity),
            ERP_SEQUENCE_TYPE,
            {
                "entity": self.message.entity,
                "source_seq": self.message.source_seq,
                "message_id": self.message.id,
            },
            expected=None if self.mark is None else {"message_id": self.mark.message_id},
            on_failure=MARK_MOVED,
        )

    def payload_of(self, kind: type[PayloadT]) -> PayloadT:
        """The message's payload, of the model its type names (``parse_message`` made it so)."""
        payload = self.message.payload
        assert isinstance(payload, kind)
        return payload

    def guard(self, transaction: Transaction) -> None:
        """What commits with the change: the mark, and the record saying ``applied``."""
        self.take_mark(transaction)
        record = imports.with_status(self.tenant_id, self.record, "applied")
        transaction.put(record.key, record.type, record.data, indexes=record.indexes)


def _mark(tenant_id: str, entity: str) -> SequenceMark | None:
    record = repository.get(keys.erp_sequence(tenant_id, entity))
    if record is None:
        return None
    return SequenceMark(int(record.data["source_seq"]), record.data["message_id"])


def _finish(tenant_id: str, record: Record, status: ImportStatus, reason: str | None = None) -> None:
    repository.put_all([imports.with_status(tenant_id, record, status, reason)])


def _transient(problem: Problem) -> bool:
    """Whether the same message may pass later: a version or guard that moved, throttling, an outage."""
    return problem.status in (412, 429) or problem.status >= 500 or "Retry-After" in problem.headers


def _problem_reason(problem: Problem) -> str:
    errors = problem.extensions.get("errors")
    detail = f"{problem.code}: {problem.detail or problem.title}"
    return f"{detail} {json.dumps(errors, default=str)}" if errors else detail


def handle_message(body: dict[str, Any]) -> None:
    """Apply one queued message, or record why it cannot be (see the module's docstring)."""
    queued = Queued.model_validate(body)
    tenant_id = queued.tenant_id
    message_id = usable_message_id(queued.message.get("id"))
    if message_id is None:
        raise PermanentFailure("bad shape: the message has no usable id")
    record = repository.get(keys.erp_import(tenant_id, message_id))
    if record is None:
        record = imports.import_record(
            tenant_id,
            message_id,
            message_type=imports.shown_type(queued.message.get("type")),
            status="accepted",
            key_id=queued.key_id,
        )
    elif record.data["status"] in FINAL_STATUSES:
        return  # a redelivery: its fate is known
    try:
        message = parse_message(Envelope.model_validate_json(to_json(queued.message)))
    except ValidationError as error:
        _finish(tenant_id, record, "failed", "invalid message: " + validation_reason(error))
        return
    if message.type not in queued.scopes:
        _finish(tenant_id, record, "failed", f"the key may not send {message.type.value} messages")
        return
    session = IntegrationSession(queued.key_id, frozenset(queued.scopes))
    principal = Principal(kind="integration", tenant_id=tenant_id, subject=queued.key_id, integration=session)
    application = Application(
        Caller(principal, correlation_id=message.id), message, record, _mark(tenant_id, message.entity)
    )
    try:
        outcome = APPLIERS[message.type](application)
    except Problem as problem:
        if _transient(problem):
            raise
        _finish(tenant_id, record, "failed", _problem_reason(problem))
        return
    if outcome == "skipped_stale":
        newest = application.mark
        reason = (
            None if newest is None else f"source_seq {newest.source_seq} ({newest.message_id}) was applied"
        )
        _finish(tenant_id, record, "skipped_stale", reason)


# --- each type ------------------------------------------------------------------------------------------


def _product_id(tenant_id: str, sku: str) -> str | None:
    found = repository.get(keys.sku(tenant_id, sku))
    return None if found is None else str(found.data["product_id"])


def _known_product(tenant_id: str, sku: str) -> str:
    product_id = _product_id(tenant_id, sku)
    if product_id is None:
        raise NotFound(f"the tenant has no product with the SKU {sku!r}")
    return product_id


def _unless_ordered(application: Application) -> Outcome | None:
    """The outcome without a change: stale, or applied already (its transaction said so); None to apply."""
    decision = application.ordering()
    if decision == "stale":
        return "skipped_stale"
    if decision == "already_applied":
        _finish(application.tenant_id, application.record, "applied")
        return "applied"
    return None


def _unchanged(current: Stamped, patch: BaseModel, fields_model: type[BaseModel]) -> bool:
    """Whether ``patch`` leaves the entity as it is (its version and time of change aside)."""
    volatile = {"version", "updated_at"}
    merged = entities.merge(current, patch, fields_model)
    return merged.model_dump(exclude=volatile) == current.model_dump(exclude=volatile)


def _mark_only(application: Application) -> Outcome:
    """A newer message that changes nothing: its mark and record move (one transaction), the entity,
    its version and its events stay as they are."""
    transaction = Transaction()
    application.guard(transaction)
    transaction.commit()
    return "applied"


def _apply_product_upsert(application: Application) -> Outcome:
    payload = application.payload_of(ProductUpsert)
    tenant_id, caller = application.tenant_id, application.caller
    fields = payload.model_dump(mode="json", exclude={"organization_id", "parent_sku"})
    product_id = _product_id(tenant_id, payload.sku)
    if product_id is None:
        parent_id = None if payload.parent_sku is None else _known_product(tenant_id, payload.parent_sku)
        body = ProductFields.model_validate(
            {**fields, "organization_id": payload.organization_id, "parent_id": parent_id}, strict=False
        )
        products.create_product(caller, body, guard=application.guard)
        return "applied"
    current = products.get_product(caller, product_id)
    if current.organization_id != payload.organization_id:
        raise Unprocessable.field(
            "payload.organization_id", "the product with this SKU is another organization's"
        )
    patch = ProductPatch.model_validate(fields, strict=False)  # every field sent: replaced whole
    if _unchanged(current, patch, ProductChanges):
        return _mark_only(application)
    products.update_product(caller, product_id, patch, ANY_VERSION, guard=application.guard)
    return "applied"


def _apply_product_delete(application: Application) -> Outcome:
    payload = application.payload_of(ProductDelete)
    product_id = _known_product(application.tenant_id, payload.sku)
    products.delete_product(application.caller, product_id, ANY_VERSION, guard=application.guard)
    return "applied"


def _apply_inventory_update(application: Application) -> Outcome:
    payload = application.payload_of(InventoryUpdate)
    product_id = _known_product(application.tenant_id, payload.sku)
    patch = ProductPatch.model_validate(
        {"inventory": payload.inventory.model_dump(mode="json")}, strict=False
    )
    if _unchanged(products.get_product(application.caller, product_id), patch, ProductChanges):
        return _mark_only(application)
    products.update_product(application.caller, product_id, patch, ANY_VERSION, guard=application.guard)
    return "applied"


def _price_list_id(tenant_id: str, code: str) -> str | None:
    found = repository.get(keys.erp_reference(tenant_id, PRICE_LIST_REFERENCE, code))
    return None if found is None else str(found.data["id"])


def _apply_price_list_upsert(application: Application) -> Outcome:
    payload = application.payload_of(PriceListUpsert)
    tenant_id, caller = application.tenant_id, application.caller
    fields = payload.model_dump(mode="json", exclude={"code", "organization_id"})
    price_list_id = _price_list_id(tenant_id, payload.code)
    if price_list_id is None:
        new_list_id = new_id("price_list")

        def name_it(transaction: Transaction) -> None:
            reference = keys.erp_reference(tenant_id, PRICE_LIST_REFERENCE, payload.code)
            data = {"code": payload.code, "id": new_list_id}
            transaction.create(reference, ERP_REFERENCE_TYPE, data, on_exists=MARK_MOVED)

        body = PriceListFields.model_validate(
            {**fields, "organization_id": payload.organization_id, "kind": "manual"}, strict=False
        )
        price_lists.create_price_list(
            caller, body, guard=entities.together(application.guard, name_it), price_list_id=new_list_id
        )
        return "applied"
    current = price_lists.get_price_list(caller, price_list_id)
    if current.organization_id != payload.organization_id:
        raise Unprocessable.field(
            "payload.organization_id", "the list with this code is another organization's"
        )
    patch = PriceListPatch.model_validate(fields, strict=False)
    if _unchanged(current, patch, PriceListChanges):
        return _mark_only(application)
    price_lists.update_price_list(caller, price_list_id, patch, ANY_VERSION, guard=application.guard)
    return "applied"


def _prices_ordering(application: Application) -> Literal["apply", "part", "stale"]:
    """A list's rows come in parts (at most 1,000 rows a message), and the parts of one update share its
    ``source_seq``: a newer update moves the mark; a part of the update the mark names (or a redelivery)
    is applied without moving it, in whatever order the parts arrive; an older update is stale."""
    mark, seq = application.mark, application.message.source_seq
    if mark is None or seq > mark.source_seq:
        return "apply"
    return "part" if seq == mark.source_seq else "stale"


def _apply_prices_upsert(application: Application) -> Outcome:
    decision = _prices_ordering(application)
    if decision == "stale":
        return "skipped_stale"
    payload = application.payload_of(PricesUpsert)
    price_list_id = _price_list_id(application.tenant_id, payload.price_list_code)
    if price_list_id is None:
        raise NotFound(f"the tenant has no price list with the ERP code {payload.price_list_code!r}")
    rows = PriceUpsert.model_validate({"rows": payload.model_dump(mode="json")["rows"]}, strict=False)
    guard = application.take_mark if decision == "apply" else None
    result = prices.upsert_prices(application.caller, price_list_id, rows, guard=guard)
    if guard is not None and not result.changed_product_ids:
        transaction = Transaction()
        guard(transaction)
        transaction.commit()
    _finish(application.tenant_id, application.record, "applied")
    return "applied"


def _category(tenant_id: str, code: str) -> tuple[str, str] | None:
    """The (organization, id) of the category with the ERP's code, if one was made."""
    found = repository.get(keys.erp_reference(tenant_id, CATEGORY_REFERENCE, code))
    return None if found is None else (str(found.data["organization_id"]), str(found.data["id"]))


def _apply_category_upsert(application: Application) -> Outcome:
    payload = application.payload_of(CategoryUpsert)
    tenant_id, caller, organization = application.tenant_id, application.caller, payload.organization_id
    parent_id = None
    if payload.parent_code is not None:
        parent = _category(tenant_id, payload.parent_code)
        if parent is None or parent[0] != organization:
            raise Unprocessable.field(
                "payload.parent_code",
                f"the organization has no category with the ERP code {payload.parent_code!r}",
            )
        parent_id = parent[1]
    fields = {
        **payload.model_dump(mode="json", exclude={"code", "organization_id", "parent_code"}),
        "parent_id": parent_id,
    }
    caller.require(Permission.CATALOG_WRITE, StaffTarget(organization_id=organization), "organization")
    existing = _category(tenant_id, payload.code)
    if existing is None:
        category_id = new_id("category")

        def name_it(transaction: Transaction) -> None:
            reference = keys.erp_reference(tenant_id, CATEGORY_REFERENCE, payload.code)
            data = {"code": payload.code, "id": category_id, "organization_id": organization}
            transaction.create(reference, ERP_REFERENCE_TYPE, data, on_exists=MARK_MOVED)

        body = CategoryFields.model_validate(fields, strict=False)
        guard = entities.together(application.guard, name_it)
        categories.create_category(caller, organization, body, guard=guard, category_id=category_id)
        return "applied"
    if existing[0] != organization:
        raise Unprocessable.field(
            "payload.organization_id", "the category with this code is another organization's"
        )
    patch = CategoryPatch.model_validate(fields, strict=False)
    categories.update_category(caller, organization, existing[1], patch, ANY_VERSION, guard=application.guard)
    return "applied"


CUSTOMER_REFERENCE = "customer"


def _naming(tenant_id: str, kind: str, code: str, record_id: str) -> entities.ExtraWrites:
    """Record that the ERP's ``code`` names ``record_id`` (with the change; a race is retried)."""

    def name_it(transaction: Transaction) -> None:
        key = keys.erp_reference(tenant_id, kind, code)
        transaction.create(key, ERP_REFERENCE_TYPE, {"code": code, "id": record_id}, on_exists=MARK_MOVED)

    return name_it


def _customer_id(tenant_id: str, code: str) -> str | None:
    found = repository.get(keys.erp_reference(tenant_id, CUSTOMER_REFERENCE, code))
    return None if found is None else str(found.data["id"])


def _known_customer(tenant_id: str, code: str) -> Company:
    customer_id = _customer_id(tenant_id, code)
    if customer_id is None:
        raise NotFound(f"the tenant has no customer with the ERP code {code!r}")
    return customers.load_company(tenant_id, customer_id)


def _refused(refused: PlanRefused) -> Unprocessable:
    return Unprocessable.field(refused.field, str(refused))


def _apply_customer_upsert(application: Application) -> Outcome:
    """Check the whole tree first, take the mark, then write the company and each unit that differs,
    parents first (a redelivery or retry writes only what is still missing; see the module's docstring)."""
    decision = application.ordering()
    if decision == "stale":
        return "skipped_stale"
    payload = application.payload_of(CustomerUpsert)
    tenant_id, caller = application.tenant_id, application.caller
    customer_id = _customer_id(tenant_id, payload.code)
    caller.require(Permission.CUSTOMERS_WRITE, StaffTarget(customer_id=customer_id or ANY), "customer")
    company = None if customer_id is None else customers.load_company(tenant_id, customer_id)
    group = payload.customer_group_id
    if group is not None and repository.get(keys.customer_group(tenant_id, group)) is None:
        raise Unprocessable.field("payload.customer_group_id", "no such customer group", "not_found")
    new_customer_id = customer_id or new_id("customer")
    try:
        steps = plan_units(payload, new_customer_id, {} if company is None else company.units)
    except PlanRefused as refused:
        raise _refused(refused) from refused
    if decision == "apply":
        transaction = Transaction()
        application.take_mark(transaction)
        transaction.commit()
    company_values = {
        **unit_values(payload),
        "customer_group_id": group,
        "external_id": payload.code,
    }
    if company is None:
        name_it = _naming(tenant_id, CUSTOMER_REFERENCE, payload.code, new_customer_id)
        body = CustomerFields.model_validate(company_values, strict=False)
        customers.create_customer(caller, body, guard=name_it, customer_id=new_customer_id)
    elif found := changes(company.units[new_customer_id], company_values):
        patch = CustomerPatch.model_validate(found, strict=False)
        customers.update_customer(caller, new_customer_id, patch, ANY_VERSION)
    stored = {} if company is None else company.units
    ids = unit_ids_by_code(stored, new_customer_id)
    for step in steps:
        _write_unit(caller, new_customer_id, payload.code, step.unit, ids, stored)
    _finish(tenant_id, application.record, "applied")
    return "applied"


def _write_unit(
    caller: Caller,
    customer_id: str,
    customer_code: str,
    unit: UnitUpsert,
    ids: dict[str, str],
    stored: Mapping[str, Unit],
) -> None:
    """Create or change one unit of a customer upsert (``ids``: the units by code, this one added;
    ``stored``: the units as read before the message's first write, each written at most once)."""
    parent_code = unit.parent_code
    parent_id = customer_id if parent_code in (None, customer_code) else ids[str(parent_code)]
    wanted = {**unit_values(unit), "kind": unit.kind, "parent_id": parent_id, "external_id": unit.code}
    unit_id = ids.get(unit.code)
    if unit_id is None:
        created = customers.create_unit(caller, customer_id, UnitFields.model_validate(wanted, strict=False))
        ids[unit.code] = created.id
        return
    found = changes(stored[unit_id], wanted)
    if found:
        patch = UnitPatch.model_validate(found, strict=False)
        customers.update_unit(caller, customer_id, unit_id, patch, ANY_VERSION)


def _apply_customer_user_upsert(application: Application) -> Outcome:
    payload = application.payload_of(CustomerUserUpsert)
    tenant_id, caller = application.tenant_id, application.caller
    company = _known_customer(tenant_id, payload.customer_code)
    customer_id = company.customer_id
    caller.require(Permission.CUSTOMERS_WRITE, StaffTarget(customer_id=customer_id), "customer")
    if payload.unit_code in (None, payload.customer_code):
        unit_id = customer_id
    elif (found := unit_ids_by_code(company.units, customer_id).get(payload.unit_code)) is not None:
        unit_id = found
    else:
        raise Unprocessable.field(
            "payload.unit_code",
            f"the customer has no unit with the ERP code {payload.unit_code!r}",
            "not_found",
        )
    fields = {
        "name": payload.name,
        "unit_id": unit_id,
        "assignments": [
            {"role_id": role, "unit_id": unit_id, "include_subunits": payload.include_subunits}
            for role in payload.roles
        ],
        "disabled": not payload.active,
    }
    current = customer_users.find_by_email(caller, payload.email)
    if current is None:
        body = CustomerUserFields.model_validate({**fields, "email": payload.email}, strict=False)
        customer_users.invite_user(caller, customer_id, body, guard=application.guard)
        return "applied"
    if current.customer_id != customer_id:
        raise Unprocessable.field("payload.email", "the user with this email is another customer's")
    patch = CustomerUserPatch.model_validate(fields, strict=False)
    customer_users.update_user(
        caller, customer_id, current.id, patch, ANY_VERSION, current=current, guard=application.guard
    )
    return "applied"


ORDER_REFERENCE = "order"
INVOICE_REFERENCE = "invoice"


def _erp_order(caller: Caller, payload: OrderNamed) -> tuple[Order, bool]:
    """The order the message names, and whether its ERP reference is new (to record with the change)."""
    tenant_id = caller.tenant_id
    reference, referenced = payload.erp_order_reference, None
    if reference is not None:
        found = repository.get(keys.erp_reference(tenant_id, ORDER_REFERENCE, reference))
        referenced = None if found is None else str(found.data["id"])
    if payload.order_id is not None and referenced not in (None, payload.order_id):
        raise Unprocessable.field("payload.erp_order_reference", "the reference names another order")
    order_id = payload.order_id or referenced
    if order_id is None:
        raise NotFound(f"the tenant has no order with the ERP reference {reference!r}")
    order = order_records.load_header(tenant_id, order_id)
    if order is None:
        raise NotFound(f"the tenant has no order {order_id}")
    if reference is not None and order.erp_reference not in (None, reference):
        raise Unprocessable.field(
            "payload.erp_order_reference", f"the order's ERP reference is {order.erp_reference}"
        )
    caller.require(Permission.ORDERS_WRITE, StaffTarget(organization_id=order.organization_id), "order")
    return order, reference is not None and referenced is None


def _apply_order_status_update(application: Application) -> Outcome:
    payload = application.payload_of(OrderStatusUpdate)
    tenant_id, caller = application.tenant_id, application.caller
    order, new_reference = _erp_order(caller, payload)
    extra: dict[str, Any] = {}
    guard: entities.ExtraWrites = application.guard
    if new_reference:
        reference = str(payload.erp_order_reference)
        extra["erp_reference"] = reference
        guard = entities.together(guard, _naming(tenant_id, ORDER_REFERENCE, reference, order.id))
    shipment = payload.shipment
    if shipment is not None and all(
        sent.tracking_number != shipment.tracking_number for sent in order.shipments
    ):
        if len(order.shipments) >= MAX_SHIPMENTS:
            raise Unprocessable.field("payload.shipment", f"an order keeps at most {MAX_SHIPMENTS} shipments")
        extra["shipments"] = [*order.shipments, shipment]
    transitions.erp_reached(caller, order, payload.status, payload.note, extra, guard)
    return "applied"


def _apply_invoice_upsert(application: Application) -> Outcome:
    """An invoice under its order (a reference new to the order is recorded by status updates only)."""
    payload = application.payload_of(InvoiceUpsert)
    tenant_id, caller = application.tenant_id, application.caller
    order, _ = _erp_order(caller, payload)
    issued = repository.get(keys.erp_reference(tenant_id, INVOICE_REFERENCE, payload.number))
    guard: entities.ExtraWrites = application.guard
    if issued is None:
        guard = entities.together(guard, _naming(tenant_id, INVOICE_REFERENCE, payload.number, order.id))
    elif issued.data["id"] != order.id:
        raise Unprocessable.field("payload.number", "the invoice with this number is another order's")
    fields = InvoiceFields.model_validate(
        payload.model_dump(mode="json", exclude={"order_id", "erp_order_reference"}), strict=False
    )
    invoices.upsert_invoice(caller, order, fields, guard, field="payload")
    return "applied"


def _in_order(apply: Callable[[Application], Outcome]) -> Callable[[Application], Outcome]:
    """``apply`` for a message its entity's mark orders alone: not when it is stale or applied already."""

    def applied_in_order(application: Application) -> Outcome:
        if (outcome := _unless_ordered(application)) is not None:
            return outcome
        return apply(application)

    return applied_in_order


APPLIERS: dict[MessageType, Callable[[Application], Outcome]] = {
    MessageType.PRODUCT_UPSERT: _in_order(_apply_product_upsert),
    MessageType.PRODUCT_DELETE: _in_order(_apply_product_delete),
    MessageType.INVENTORY_UPDATE: _in_order(_apply_inventory_update),
    MessageType.PRICE_LIST_UPSERT: _in_order(_apply_price_list_upsert),
    MessageType.PRICES_UPSERT: _apply_prices_upsert,
    MessageType.CATEGORY_UPSERT: _in_order(_apply_category_upsert),
    MessageType.CUSTOMER_UPSERT: _apply_customer_upsert,
    MessageType.CUSTOMER_USER_UPSERT: _in_order(_apply_customer_user_upsert),
    MessageType.ORDER_STATUS_UPDATE: _in_order(_apply_order_status_update),
    MessageType.INVOICE_UPSERT: _in_order(_apply_invoice_upsert),
}
