"""ERP inbound messages: the envelope, each type's payload, the entity a message changes, and the
ordering guard's decision. Pure: the worker and the HTTP ingest validate with these same models, and
``events/schemas/erp/`` holds their JSON Schemas (``make erp-schemas``; a test checks for drift).

An ERP numbers its updates of one entity with ``source_seq``, increasing. Kontor keeps, per tenant and
entity, the newest ``source_seq`` applied and the id of the message that carried it
(:class:`SequenceMark`); :func:`ordering` decides what a message meets there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self, cast

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
    model_validator,
)

from chalicelib.domain.access import PREDEFINED_ROLES
from chalicelib.domain.base import (
    Email,
    Input,
    LocalizedLongText,
    LocalizedText,
    Name,
    Stamped,
    Timestamp,
    View,
)
from chalicelib.domain.catalog.categories import MAX_POSITION, LocalizedSlug
from chalicelib.domain.catalog.products import Inventory, ProductChanges, Sku
from chalicelib.domain.customer_users import MAX_ASSIGNMENTS
from chalicelib.domain.customers import AddressList, CustomerGroupId, PaymentTerm, SubUnitKind, TaxCode
from chalicelib.domain.orders.invoices import InvoiceFields
from chalicelib.domain.orders.orders import Shipment
from chalicelib.domain.orders.workflow import StatusName
from chalicelib.domain.permissions import READ_OF, Permission
from chalicelib.domain.pricing.price_lists import MAX_ROWS_PER_CALL, PriceListChanges, PriceRowInput
from chalicelib.domain.staff import Grant, OrganizationId, Reach, StaffAccess

MAX_MESSAGES_PER_CALL = 500
MESSAGE_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
MessageId = Annotated[str, StringConstraints(pattern=MESSAGE_ID_PATTERN)]
"""The ERP's own id of a message: what makes a resend recognizable (letters, digits, ``._:-``)."""
ErpCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")]
"""The ERP's own code of a record Kontor gives an id of its own to (a price list)."""
SourceSeq = Annotated[int, Field(ge=0, le=2**63 - 1)]


class MessageType(StrEnum):
    PRODUCT_UPSERT = "product.upsert"
    PRODUCT_DELETE = "product.delete"
    INVENTORY_UPDATE = "inventory.update"
    PRICE_LIST_UPSERT = "price_list.upsert"
    PRICES_UPSERT = "prices.upsert"
    CATEGORY_UPSERT = "category.upsert"
    CUSTOMER_UPSERT = "customer.upsert"
    CUSTOMER_USER_UPSERT = "customer_user.upsert"
    ORDER_STATUS_UPDATE = "order.status_update"
    INVOICE_UPSERT = "invoice.upsert"


ImportStatus = Literal["accepted", "applied", "skipped_stale", "failed"]
FINAL_STATUSES: frozenset[str] = frozenset({"applied", "skipped_stale", "failed"})


# --- payloads ---------------------------------------------------------------------------------------------


class ProductUpsert(ProductChanges):
    """A product by its SKU: created in ``organization_id`` if the tenant has no product with that SKU,
    else replaced by these fields (a variant names its configurable parent by ``parent_sku``)."""

    organization_id: OrganizationId
    parent_sku: Sku | None = None


class ProductDelete(Input):
    sku: Sku


class InventoryUpdate(Input):
    """A product's stock, by SKU (its ``inventory``; nothing else of it changes)."""

    sku: Sku
    inventory: Inventory


class PriceListUpsert(PriceListChanges):
    """A manual price list by the ERP's code: created in ``organization_id`` the first time, then replaced
    (rules and all, as the admin API's replacement does)."""

    code: ErpCode
    organization_id: OrganizationId


class PricesUpsert(Input):
    """Rows of the price list with the ERP's code ``price_list_code`` (products by SKU or id)."""

    price_list_code: ErpCode
    rows: list[PriceRowInput] = Field(min_length=1, max_length=MAX_ROWS_PER_CALL)


class CategoryUpsert(Input):
    """A category by the ERP's code: created in ``organization_id`` the first time (under the category
    with the ERP's code ``parent_code``, or as a root), then replaced (moved, when its parent changed)."""

    code: ErpCode
    organization_id: OrganizationId
    parent_code: ErpCode | None = None
    name: LocalizedText
    slug: LocalizedSlug = Field(description="unique among the category's siblings, per locale")
    description: LocalizedLongText | None = None
    position: int = Field(default=0, ge=0, le=MAX_POSITION, description="order among siblings, lowest first")


MAX_UNITS_PER_MESSAGE = 500
KEPT = "left out: the stored value is kept"


class CompanyTerms(Input):
    """What the ERP sets of a customer's company or unit (a value left unset is inherited from above)."""

    name: Name
    active: bool = Field(default=True, description="inactive blocks ordering for the whole subtree")
    tax_code: TaxCode | None = None
    payment_term: PaymentTerm | None = Field(default=None, description="like net30")
    addresses: AddressList | None = Field(default=None, description=f"sent: replaces the own ones; {KEPT}")


class UnitUpsert(CompanyTerms):
    """A unit of the customer by the ERP's code, under the unit with ``parent_code`` (None: the company)."""

    code: ErpCode
    kind: SubUnitKind = "division"
    parent_code: ErpCode | None = None


class CustomerUpsert(CompanyTerms):
    """A customer (its company) by the ERP's code and its units by theirs: created the first time, then
    set to these values; units move where ``parent_code`` says. A unit the message leaves out is kept
    as it is (deleting one is the admin API's: its users and orders decide whether it may go)."""

    code: ErpCode
    customer_group_id: CustomerGroupId | None = None
    units: list[UnitUpsert] = Field(default_factory=list, max_length=MAX_UNITS_PER_MESSAGE)

    @model_validator(mode="after")
    def _distinct_codes(self) -> Self:
        codes = [unit.code for unit in self.units]
        if len(set(codes)) != len(codes):
            raise ValueError("units must not repeat a code")
        if self.code in codes:
            raise ValueError("a unit's code cannot be the customer's")
        return self


def _predefined(roles: list[str]) -> list[str]:
    if unknown := sorted(set(roles) - set(PREDEFINED_ROLES)):
        raise ValueError(
            f"not a predefined role: {', '.join(unknown)} (one of {', '.join(PREDEFINED_ROLES)})"
        )
    if len(set(roles)) != len(roles):
        raise ValueError("roles must not repeat a role")
    return roles


class CustomerUserUpsert(Input):
    """A user of the customer with the ERP's code ``customer_code``, by email (the sign-in identity,
    which never changes): invited the first time, then set to these values. ``roles`` are held at the
    home unit (and below it with ``include_subunits``), replacing the user's assignments."""

    customer_code: ErpCode
    email: Email
    name: Name
    unit_code: ErpCode | None = Field(
        default=None, description="the home unit's ERP code (None: the company)"
    )
    roles: Annotated[list[str], Field(max_length=MAX_ASSIGNMENTS), AfterValidator(_predefined)] = Field(
        default_factory=list, description=f"predefined role ids: {', '.join(PREDEFINED_ROLES)}"
    )
    include_subunits: bool = False
    active: bool = Field(default=True, description="an inactive user is refused on every request")


class OrderNamed(Input):
    """An order by Kontor's id, by the ERP's reference, or both (the first message naming both records
    the reference for those naming it alone)."""

    order_id: Annotated[str, StringConstraints(pattern=r"^ord_[0-9A-HJKMNP-TV-Z]{26}$")] | None = None
    erp_order_reference: ErpCode | None = Field(default=None, description="the ERP's own order number")

    @model_validator(mode="after")
    def _names_the_order(self) -> Self:
        if self.order_id is None and self.erp_order_reference is None:
            raise ValueError("name the order by order_id, erp_order_reference or both")
        return self


class OrderStatusUpdate(OrderNamed):
    """The status an order has in the ERP now: Kontor takes the fewest workflow transitions the ERP may
    take to reach it (none when the order is there already)."""

    status: StatusName
    note: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    shipment: Shipment | None = Field(default=None, description="added to the order's shipments (once)")


class InvoiceUpsert(OrderNamed, InvoiceFields):
    """An invoice of the order by its number (unique in the tenant): created the first time, then
    replaced; its totals in the order's currency."""


PAYLOADS: dict[MessageType, type[Input]] = {
    MessageType.PRODUCT_UPSERT: ProductUpsert,
    MessageType.PRODUCT_DELETE: ProductDelete,
    MessageType.INVENTORY_UPDATE: InventoryUpdate,
    MessageType.PRICE_LIST_UPSERT: PriceListUpsert,
    MessageType.PRICES_UPSERT: PricesUpsert,
    MessageType.CATEGORY_UPSERT: CategoryUpsert,
    MessageType.CUSTOMER_UPSERT: CustomerUpsert,
    MessageType.CUSTOMER_USER_UPSERT: CustomerUserUpsert,
    MessageType.ORDER_STATUS_UPDATE: OrderStatusUpdate,
    MessageType.INVOICE_UPSERT: InvoiceUpsert,
}

PERMISSIONS: dict[MessageType, Permission] = {
    MessageType.PRODUCT_UPSERT: Permission.CATALOG_WRITE,
    MessageType.PRODUCT_DELETE: Permission.CATALOG_WRITE,
    MessageType.INVENTORY_UPDATE: Permission.CATALOG_WRITE,
    MessageType.PRICE_LIST_UPSERT: Permission.PRICES_WRITE,
    MessageType.PRICES_UPSERT: Permission.PRICES_WRITE,
    MessageType.CATEGORY_UPSERT: Permission.CATALOG_WRITE,
    MessageType.CUSTOMER_UPSERT: Permission.CUSTOMERS_WRITE,
    MessageType.CUSTOMER_USER_UPSERT: Permission.CUSTOMERS_WRITE,
    MessageType.ORDER_STATUS_UPDATE: Permission.ORDERS_WRITE,
    MessageType.INVOICE_UPSERT: Permission.ORDERS_WRITE,
}
"""What applying each type needs, through the same services (and checks) as staff's admin API."""


def entity_of(message_type: MessageType, payload: Input) -> str:
    """The entity whose ``source_seq`` orders a message: a product's SKU (case-folded, as SKUs are
    unique), its stock apart from its other fields, a price list's code, and its rows as one; a
    customer's code (its units with it), a customer user's email (case-folded); an order's status by
    the ERP's reference when the message has one, else by the order's id (an ERP names an order the
    same way in all its updates); an invoice's number."""
    match payload:
        case ProductUpsert(sku=sku) | ProductDelete(sku=sku):
            return f"product:{sku.casefold()}"
        case InventoryUpdate(sku=sku):
            return f"inventory:{sku.casefold()}"
        case PriceListUpsert(code=code):
            return f"price_list:{code}"
        case PricesUpsert(price_list_code=code):
            return f"prices:{code}"
        case CategoryUpsert(code=code):
            return f"category:{code}"
        case CustomerUpsert(code=code):
            return f"customer:{code}"
        case CustomerUserUpsert(email=email):
            return f"customer_user:{email.casefold()}"
        case OrderStatusUpdate(erp_order_reference=str() as reference):
            return f"order:ref:{reference}"
        case OrderStatusUpdate(order_id=str() as order_id):
            return f"order:{order_id}"
        case InvoiceUpsert(number=number):
            return f"invoice:{number}"
    raise TypeError(f"no entity for {message_type}")


# --- the envelope -----------------------------------------------------------------------------------------


class Envelope(Input):
    """What the ERP sends for every message; ``payload`` is checked against its type's model."""

    type: MessageType
    id: MessageId
    source_seq: SourceSeq = Field(description="increases with every update the ERP makes of the entity")
    occurred_at: AwareDatetime = Field(strict=False, description="when the ERP made the change (RFC 3339)")
    payload: dict[str, Any]


def usable_message_id(sent: Any) -> str | None:
    """A message's id as sent, if it is one (a rejected message with one gets a record by it)."""
    return sent if isinstance(sent, str) and re.fullmatch(MESSAGE_ID_PATTERN, sent) else None


@dataclass(frozen=True)
class Message:
    """An envelope whose payload its type's model accepted."""

    type: MessageType
    id: str
    source_seq: int
    occurred_at: datetime
    payload: Input

    @property
    def entity(self) -> str:
        return entity_of(self.type, self.payload)


def parse_message(envelope: Envelope) -> Message:
    """The message with its typed payload (a pydantic ValidationError names what is wrong with it)."""
    from pydantic_core import to_json

    payload = PAYLOADS[envelope.type].model_validate_json(to_json(envelope.payload))
    return Message(envelope.type, envelope.id, envelope.source_seq, envelope.occurred_at, payload)


def validation_reason(error: ValidationError, prefix: str = "") -> str:
    """What a model refused, field by field, for a message's recorded reason (never the input)."""
    return "; ".join(
        f"{prefix}{'.'.join(str(part) for part in detail['loc']) or '(root)'}: {detail['msg']}"
        for detail in error.errors(include_input=False, include_url=False)
    )


def envelope_models() -> dict[MessageType, type[BaseModel]]:
    """One envelope model per type, its ``payload`` that type's model: what ``events/schemas/erp/`` holds."""
    return {
        message_type: create_model(
            f"ErpMessage_{message_type.value.replace('.', '_')}",
            __base__=Input,
            __doc__=f"An ERP message of type {message_type.value}.",
            type=(cast(Any, Literal)[message_type.value], ...),
            id=(MessageId, ...),
            source_seq=(SourceSeq, ...),
            occurred_at=(AwareDatetime, ...),
            payload=(payload, ...),
        )
        for message_type, payload in PAYLOADS.items()
    }


def schema_documents() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema (2020-12) of each type's envelope."""
    documents: dict[str, dict[str, Any]] = {}
    for message_type, model in envelope_models().items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://kontor.dev/schemas/erp/{message_type.value}.json"
        documents[f"{message_type.value}.json"] = schema
    return documents


# --- the ordering guard -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SequenceMark:
    """The newest update applied to an entity: its ``source_seq`` and the message that carried it."""

    source_seq: int
    message_id: str


Ordering = Literal["apply", "already_applied", "stale"]


def ordering(mark: SequenceMark | None, source_seq: int, message_id: str) -> Ordering:
    """What a message meets at its entity's mark: newer than the mark (or none yet) is applied; the very
    message that set the mark was applied already (a redelivery); anything else is stale, an equal
    ``source_seq`` from another message included (the first to arrive won)."""
    if mark is None or source_seq > mark.source_seq:
        return "apply"
    if source_seq == mark.source_seq and message_id == mark.message_id:
        return "already_applied"
    return "stale"


def final_state(updates: list[tuple[int, str, Any]]) -> Any:
    """The entity's state after ``updates`` (``(source_seq, message_id, state)``) arrive in this order,
    each through :func:`ordering`: the reference the guard's property test compares with the newest."""
    mark: SequenceMark | None = None
    state = None
    for source_seq, message_id, value in updates:
        if ordering(mark, source_seq, message_id) == "apply":
            mark, state = SequenceMark(source_seq, message_id), value
    return state


# --- what the ingest answers and the imports show --------------------------------------------------------


class IngestRequest(Input):
    """Up to 500 messages; each is answered on its own (accepted or rejected with the reason)."""

    messages: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_MESSAGES_PER_CALL)


class MessageOutcome(View):
    index: int = Field(description="the message's place in the request, from 0")
    id: str | None = Field(description="the message's id, when it had a usable one")
    status: Literal["accepted", "rejected", "applied", "skipped_stale", "failed"]
    duplicate: bool = Field(default=False, description="this id was sent before: its fate so far")
    reason: str | None = None


class IngestResult(View):
    accepted: int
    rejected: int
    results: list[MessageOutcome]


class ErpImport(View):
    """One message's fate, as admins and the ERP read it."""

    id: str
    type: str
    status: ImportStatus
    reason: str | None = None
    entity: str | None = None
    source_seq: int | None = None
    occurred_at: str | None = None
    received_at: Timestamp
    updated_at: Timestamp
    key_id: str


# --- integration keys ---------------------------------------------------------------------------------------

KeyStatus = Literal["active", "revoked"]
Scopes = Annotated[list[MessageType], Field(min_length=1, max_length=len(MessageType))]


class IntegrationKeyFields(Input):
    name: Name
    description: Annotated[str, StringConstraints(max_length=500)] | None = None
    scopes: Scopes = Field(description="the message types the key may send and read")


class IntegrationKey(View):
    """An integration key as shown (never its secret, which only its create answers once)."""

    id: str
    name: str
    description: str | None = None
    scopes: list[MessageType]
    status: KeyStatus
    secret_hint: str = Field(description="the secret's last 4 characters, to tell keys apart")
    created_at: Timestamp
    updated_at: Timestamp
    revoked_at: Timestamp | None = None
    last_used_at: Timestamp | None = Field(
        default=None, description="recorded at most once a minute per key (a write each time would cost more)"
    )
    version: int


class StoredIntegrationKey(Stamped):
    """An integration key as its item holds it: the SHA-256 of its secret, never the secret."""

    name: str
    description: str | None = None
    scopes: list[MessageType]
    status: KeyStatus
    secret_hint: str
    secret_sha256: str
    revoked_at: Timestamp | None = None
    last_used_at: Timestamp | None = None

    def view(self) -> IntegrationKey:
        return IntegrationKey.model_validate(self.model_dump(exclude={"secret_sha256"}), strict=False)


class CreatedIntegrationKey(IntegrationKey):
    secret: str = Field(description="send as 'Authorization: Bearer <secret>'; shown this once only")


@dataclass(frozen=True)
class IntegrationSession:
    """An ERP calling with its integration key: the key, the message types it may send and read, the
    grants its messages are applied with (tenant-wide, only what those types need), and when the key
    was last used, as its request found it."""

    key_id: str
    scopes: frozenset[MessageType]
    last_used_at: datetime | None = None

    @property
    def access(self) -> StaffAccess:
        permissions = {PERMISSIONS[scope] for scope in self.scopes}
        reads = {READ_OF[permission] for permission in permissions}
        return StaffAccess(
            self.key_id, tuple(Grant(permission, Reach()) for permission in sorted(permissions | reads))
        )
