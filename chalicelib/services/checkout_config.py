"""What checkout will read: a website's shipping methods and order limits, the tenant's payment terms,
a unit's order limits; and the three answers checkout asks of them (:func:`shipping_options_for`,
:func:`payment_term_for`, :func:`limit_breach_for`).

A website's checkout configuration lies in one partition of its own (``keys.website_checkout``: its
shipping methods and its limits), read by checkout with one Query. A unit's limits are an item of its
company's partition (``LIM#<unit>``), which a customer user's principal reads anyway. Payment terms are
few per tenant (at most 50), in one partition; units name theirs by code in ``payment_term``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from chalicelib.domain.base import ExpectedVersion, Input
from chalicelib.domain.customers import Unit
from chalicelib.domain.money import Money
from chalicelib.domain.orders.limits import (
    LimitBreach,
    LimitLevel,
    LimitSource,
    OrderLimits,
    OrderLimitsView,
    breach,
)
from chalicelib.domain.orders.payment_terms import (
    MAX_PAYMENT_TERMS,
    PaymentTermCreate,
    PaymentTermFields,
    PaymentTermView,
    applying_term,
)
from chalicelib.domain.orders.shipping import (
    Cart,
    ShippingMethod,
    ShippingMethodFields,
    ShippingOption,
    shipping_options,
)
from chalicelib.domain.permissions import Permission
from chalicelib.domain.staff import StaffTarget
from chalicelib.domain.tenancy import Website
from chalicelib.platform.errors import Conflict, NotFound, PreconditionFailed, Unprocessable
from chalicelib.platform.ids import new_id
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.customers import UNIT_TYPE
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.outbox import Action, record_change
from chalicelib.services.websites import WEBSITE_TYPE, get_website, website_with
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record, Transaction

SHIPPING_METHOD_TYPE = "shipping_method"
PAYMENT_TERM_TYPE = "payment_term"
WEBSITE_LIMITS_TYPE = "website_order_limits"
UNIT_LIMITS_TYPE = "unit_order_limits"


# --- shipping methods of a website --------------------------------------------------------------------


def _offered_currencies(website: Website, method: ShippingMethodFields) -> None:
    if unknown := sorted(method.currencies() - set(website.currencies)):
        raise Unprocessable.field("body.rates", f"the website does not sell in {', '.join(unknown)}")


def _website_exists(tenant_id: str, website: Website) -> entities.ExtraWrites:
    """A condition check: the website is still there, in the organization read."""

    def add(transaction: Transaction) -> None:
        transaction.require(
            keys.website(tenant_id, website.id),
            data_equals={"id": website.id, "organization_id": website.organization_id},
            type=WEBSITE_TYPE,
            on_failure=NotFound("website not found"),
        )

    return add


def create_shipping_method(
    caller: Caller, website_id: str, body: ShippingMethodFields, idempotency: IdempotencyClaim | None = None
) -> ShippingMethod:
    website = get_website(caller, website_id, Permission.WEBSITES_WRITE)
    _offered_currencies(website, body)
    method = ShippingMethod.model_validate(
        {
            "id": new_id(SHIPPING_METHOD_TYPE),
            "version": 1,
            "website_id": website_id,
            **entities.timestamps(),
            **body.model_dump(),
        },
        strict=False,
    )
    return entities.create(
        caller,
        key=keys.shipping_method(caller.tenant_id, website_id, method.id),
        entity_type=SHIPPING_METHOD_TYPE,
        entity=method,
        extra_writes=_website_exists(caller.tenant_id, website),
        idempotency=idempotency,
    )


def _method(
    caller: Caller, website_id: str, method_id: str, permission: Permission
) -> tuple[Website, ShippingMethod]:
    """The website the caller's ``permission`` reaches and its method (404 for either), one BatchGetItem."""
    key = keys.shipping_method(caller.tenant_id, website_id, method_id)
    website, record = website_with(caller, website_id, permission, key)
    if record is None or record.type != SHIPPING_METHOD_TYPE:
        raise NotFound("shipping_method not found")
    return website, entities.to_model(record, ShippingMethod)


def get_shipping_method(caller: Caller, website_id: str, method_id: str) -> ShippingMethod:
    return _method(caller, website_id, method_id, Permission.WEBSITES_READ)[1]


def list_shipping_methods(caller: Caller, website_id: str, page: PageRequest) -> Listing[ShippingMethod]:
    get_website(caller, website_id, Permission.WEBSITES_READ)
    return entities.listing(
        keys.website_checkout(caller.tenant_id, website_id),
        ShippingMethod,
        page,
        sk_prefix=keys.SHIPPING_METHOD_PREFIX,
    )


def update_shipping_method(
    caller: Caller, website_id: str, method_id: str, patch: Input, expected_version: ExpectedVersion
) -> ShippingMethod:
    website, current = _method(caller, website_id, method_id, Permission.WEBSITES_WRITE)
    entities.check_version(current.version, expected_version)
    after = entities.merge(current, patch, ShippingMethodFields)
    _offered_currencies(website, after)
    return entities.update(
        caller,
        key=keys.shipping_method(caller.tenant_id, website_id, method_id),
        entity_type=SHIPPING_METHOD_TYPE,
        before=current,
        after=after,
    )


def delete_shipping_method(
    caller: Caller, website_id: str, method_id: str, expected_version: ExpectedVersion
) -> None:
    _, current = _method(caller, website_id, method_id, Permission.WEBSITES_WRITE)
    entities.check_version(current.version, expected_version)
    entities.delete(
        caller,
        key=keys.shipping_method(caller.tenant_id, website_id, method_id),
        entity_type=SHIPPING_METHOD_TYPE,
        entity=current,
    )


# --- payment terms of the tenant ----------------------------------------------------------------------


def _terms(tenant_id: str) -> dict[str, PaymentTermView]:
    return terms_in(
        repository.query_all(keys.payment_term_collection(tenant_id), page_size=MAX_PAYMENT_TERMS)
    )


def terms_in(records: Iterable[Record]) -> dict[str, PaymentTermView]:
    """The payment terms among ``records`` (a tenant's partition, or some read by key), by code."""
    return {
        record.key.sk: entities.to_model(record, PaymentTermView)
        for record in records
        if record.type == PAYMENT_TERM_TYPE
    }


def _one_default(caller: Caller, terms: dict[str, PaymentTermView], code: str) -> entities.ExtraWrites:
    """The term ``code`` becomes the default: the one that was loses it, at the version read."""

    def add(transaction: Transaction) -> None:
        for other in terms.values():
            if other.is_default and other.id != code:
                demoted = other.model_copy(update={"is_default": False, "version": other.version + 1})
                transaction.replace(
                    keys.payment_term(caller.tenant_id, other.id),
                    PAYMENT_TERM_TYPE,
                    entities.stored(demoted),
                    expected_version=other.version,
                    on_failure=Conflict("the default payment term changed meanwhile; retry"),
                )

    return add


def create_payment_term(
    caller: Caller, body: PaymentTermCreate, idempotency: IdempotencyClaim | None = None
) -> PaymentTermView:
    terms = _terms(caller.tenant_id)
    if len(terms) >= MAX_PAYMENT_TERMS:
        raise Conflict(f"a tenant has at most {MAX_PAYMENT_TERMS} payment terms")
    term = PaymentTermView.model_validate(
        {"id": body.code, "version": 1, **entities.timestamps(), **body.model_dump()}, strict=False
    )
    return entities.create(
        caller,
        key=keys.payment_term(caller.tenant_id, body.code),
        entity_type=PAYMENT_TERM_TYPE,
        entity=term,
        extra_writes=_one_default(caller, terms, body.code) if body.is_default else None,
        idempotency=idempotency,
        on_exists=Conflict(f"the payment term {body.code} exists already"),
    )


def get_payment_term(caller: Caller, code: str) -> PaymentTermView:
    return entities.load(keys.payment_term(caller.tenant_id, code), PaymentTermView, PAYMENT_TERM_TYPE)


def list_payment_terms(caller: Caller, page: PageRequest) -> Listing[PaymentTermView]:
    return entities.listing(keys.payment_term_collection(caller.tenant_id), PaymentTermView, page)


def update_payment_term(
    caller: Caller, code: str, patch: Input, expected_version: ExpectedVersion
) -> PaymentTermView:
    terms = _terms(caller.tenant_id)
    current = terms.get(code)
    if current is None:
        raise NotFound("payment_term not found")
    entities.check_version(current.version, expected_version)
    after = entities.merge(current, patch, PaymentTermFields)
    return entities.update(
        caller,
        key=keys.payment_term(caller.tenant_id, code),
        entity_type=PAYMENT_TERM_TYPE,
        before=current,
        after=after,
        extra_writes=_one_default(caller, terms, code) if after.is_default else None,
    )


def delete_payment_term(caller: Caller, code: str, expected_version: ExpectedVersion) -> None:
    """Delete a term; units still naming it get the default term at checkout (their code is kept)."""
    current = get_payment_term(caller, code)
    entities.check_version(current.version, expected_version)
    entities.delete(
        caller, key=keys.payment_term(caller.tenant_id, code), entity_type=PAYMENT_TERM_TYPE, entity=current
    )


# --- order limits of a website and of a unit ----------------------------------------------------------


def _limits_view(
    level: LimitLevel, owner_id: str, record: Record | None, customer_id: str | None = None
) -> OrderLimitsView:
    limits = record.data["limits"] if record is not None else {}
    version = record.version if record is not None else 0
    return OrderLimitsView.model_validate(
        {
            "level": level,
            "owner_id": owner_id,
            "customer_id": customer_id,
            "limits": limits,
            "version": version,
        },
        strict=False,
    )


def _replace_limits(
    caller: Caller,
    key: Key,
    entity_type: str,
    owner: dict[str, str],
    body: OrderLimits,
    current: Record | None,
    owner_check: entities.ExtraWrites,
) -> Record | None:
    """Write a level's limits whole (delete them when none are left), at the version read (0: none yet)."""
    read = current.version if current is not None else 0
    if body.version is not None and body.version != read:
        raise PreconditionFailed(read)
    after = {**owner, "limits": body.model_dump(mode="json")["limits"]} if body.limits else None
    before = {**current.data} if current is not None else None
    if after is None and before is None:
        return None
    transaction = Transaction()
    if after is not None and current is None:
        transaction.create(key, entity_type, after, on_exists=PreconditionFailed(0))
    elif after is not None:
        transaction.replace(key, entity_type, after, expected_version=read)
    else:
        transaction.delete(key, expected_version=read)
    owner_check(transaction)
    owner_id = next(iter(owner.values()))
    action: Action = "updated" if before and after else "created" if after else "deleted"
    record_change(
        transaction,
        caller,
        action=action,
        entity_type=entity_type,
        entity_id=owner_id,
        before={"id": owner_id, **before} if before else None,
        after={"id": owner_id, **after} if after else None,
    )
    transaction.commit()
    return None if after is None else Record(key, entity_type, after, read + 1)


def get_website_limits(caller: Caller, website_id: str) -> OrderLimitsView:
    key = keys.website_order_limits(caller.tenant_id, website_id)
    _, record = website_with(caller, website_id, Permission.WEBSITES_READ, key)
    return _limits_view("website", website_id, record)


def set_website_limits(caller: Caller, website_id: str, body: OrderLimits) -> OrderLimitsView:
    key = keys.website_order_limits(caller.tenant_id, website_id)
    website, current = website_with(caller, website_id, Permission.WEBSITES_WRITE, key)
    if unknown := sorted(set(body.limits) - set(website.currencies)):
        raise Unprocessable.field("body.limits", f"the website does not sell in {', '.join(unknown)}")
    stored = _replace_limits(
        caller,
        key,
        WEBSITE_LIMITS_TYPE,
        {"website_id": website_id},
        body,
        current,
        _website_exists(caller.tenant_id, website),
    )
    return _limits_view("website", website_id, stored)


def _unit_limits(
    caller: Caller, customer_id: str, unit_id: str, permission: Permission
) -> tuple[Key, Record | None]:
    """The key of a unit's limits and its item, once the unit is known to exist (one BatchGetItem);
    the route checked the caller's reach of the customer."""
    caller.require(permission, StaffTarget(customer_id=customer_id), "customer")
    key = keys.unit_order_limits(caller.tenant_id, customer_id, unit_id)
    unit_key = keys.customer_unit(caller.tenant_id, customer_id, unit_id)
    found = repository.get_many([unit_key, key])
    unit = found.get(unit_key)
    if unit is None or unit.type != UNIT_TYPE:
        raise NotFound("unit not found")
    return key, found.get(key)


def get_unit_limits(caller: Caller, customer_id: str, unit_id: str) -> OrderLimitsView:
    _, record = _unit_limits(caller, customer_id, unit_id, Permission.CUSTOMERS_READ)
    return _limits_view("unit", unit_id, record, customer_id)


def set_unit_limits(caller: Caller, customer_id: str, unit_id: str, body: OrderLimits) -> OrderLimitsView:
    key, current = _unit_limits(caller, customer_id, unit_id, Permission.CUSTOMERS_WRITE)

    def unit_exists(transaction: Transaction) -> None:
        transaction.require(
            keys.customer_unit(caller.tenant_id, customer_id, unit_id),
            data_equals={"id": unit_id},
            type=UNIT_TYPE,
            on_failure=NotFound("unit not found"),
        )

    owner = {"unit_id": unit_id, "customer_id": customer_id}
    stored = _replace_limits(caller, key, UNIT_LIMITS_TYPE, owner, body, current, unit_exists)
    return _limits_view("unit", unit_id, stored, customer_id)


# --- what checkout asks -------------------------------------------------------------------------------


def _checkout_records(tenant_id: str, website_id: str) -> list[Record]:
    return repository.query_all(keys.website_checkout(tenant_id, website_id), page_size=100)


def methods_in(records: Iterable[Record]) -> list[ShippingMethod]:
    """The shipping methods among ``records`` (a website's checkout partition, or some read by key)."""
    return [
        entities.to_model(record, ShippingMethod) for record in records if record.type == SHIPPING_METHOD_TYPE
    ]


def shipping_methods(tenant_id: str, website_id: str) -> list[ShippingMethod]:
    """The website's shipping methods (one Query)."""
    return methods_in(_checkout_records(tenant_id, website_id))


def shipping_options_for(tenant_id: str, website_id: str, cart: Cart) -> list[ShippingOption]:
    """The website's shipping methods offered for ``cart`` with their costs (one Query)."""
    return shipping_options(shipping_methods(tenant_id, website_id), cart)


def payment_terms(tenant_id: str) -> dict[str, PaymentTermView]:
    """The tenant's payment terms by code (one Query)."""
    return _terms(tenant_id)


def payment_term_for(tenant_id: str, effective_code: str | None) -> PaymentTermView | None:
    """The term a unit pays on: its effective ``payment_term`` (``domain.customers.effective_unit``) if
    the tenant has it active, else the tenant's default; None when the tenant has neither."""
    return applying_term(effective_code, _terms(tenant_id))


def _limit_source(level: LimitLevel, owner_id: str, data: dict[str, Any] | None) -> LimitSource:
    limits = OrderLimits.model_validate({"limits": (data or {}).get("limits", {})}, strict=False)
    return LimitSource(level, owner_id, limits.limits)


def limit_breach_for(
    tenant_id: str,
    website_id: str,
    unit_path: Sequence[Unit],
    company_records: Sequence[Record],
    amount: Money,
) -> LimitBreach | None:
    """How an order's ``amount`` falls outside the limits of its website and units (the company's
    records as the principal read them: the units' ``LIM#`` items are among them; the website's are
    read here, one GetItem)."""
    website = repository.get(keys.website_order_limits(tenant_id, website_id))
    return limit_breach_in(website_id, unit_path, company_records, website, amount)


def limit_breach_in(
    website_id: str,
    unit_path: Sequence[Unit],
    unit_records: Iterable[Record],
    website_limits: Record | None,
    amount: Money,
) -> LimitBreach | None:
    """:func:`limit_breach_for` from items read already: the units' ``LIM#`` items among
    ``unit_records`` and the website's ``LIMITS`` item (None: absent, no limit)."""
    own = {record.key.sk: record.data for record in unit_records if record.type == UNIT_LIMITS_TYPE}
    path = [
        _limit_source("unit", unit.id, own.get(f"{keys.UNIT_ORDER_LIMITS_PREFIX}{unit.id}"))
        for unit in unit_path
    ]
    website = website_limits.data if website_limits is not None else None
    return breach(amount, _limit_source("website", website_id, website), path)
