"""Checkouts: a buyer's order in the making on a website, read with live prices and totals.

A checkout lies in a partition of its own (``keys.checkout_partition``: its header and its lines in
chunks of 100), made from a shopping list the buyer sees or from quick-order lines, and changed step by
step (addresses, shipping method, payment term, review) at its version. Every read prices its lines
live for the buyer on the shop's website (``store_prices.price_lines``), offers the website's shipping
methods for that cart, and taxes it (``services.taxes.calculation``); the review records what the
buyer confirmed, which placing (``services.orders.placing``) compares with the prices then.

A sales representative works on a checkout *as the buyer* (ordering on behalf: the admin routes name
:class:`ActingFor` a buyer of a customer assigned to them, or :class:`ActingOn` a checkout of one):
:func:`acting_for` makes a caller whose principal carries the buyer's session (their company, roles,
catalog and prices, checkout permission and limits) beside the rep's own staff session, so every read
here is the one the buyer's own session would make, and the checkout, the order and their events name
both (the rep as ``created_by`` / ``placed_by`` / ``sales_rep_id`` and the actor, the buyer as
``buyer_id`` and ``on_behalf_of``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.domain.access import CustomerPermission, Target
from chalicelib.domain.base import ExpectedVersion
from chalicelib.domain.catalog.products import Product
from chalicelib.domain.catalog.storefront import localized
from chalicelib.domain.customer_users import CustomerSession, CustomerUser, UnitSummary, customer_access
from chalicelib.domain.customers import Address, AddressKind, effective_unit
from chalicelib.domain.money import Money
from chalicelib.domain.orders.checkout import (
    AddressChoice,
    Checkout,
    CheckoutCreate,
    CheckoutLine,
    CheckoutLineView,
    CheckoutPatch,
    CheckoutView,
    PaymentTermSummary,
    changes,
    chunks,
    completed,
    seen_of,
    totals_of,
)
from chalicelib.domain.orders.orders import MAX_LINES
from chalicelib.domain.orders.payment_terms import PaymentTermView, applying_term
from chalicelib.domain.orders.shipping import Cart, CartLine, ShippingMethod, ShippingOption, shipping_options
from chalicelib.domain.orders.workflow import DEFAULT_CHECKOUT_STEPS
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.resolve import PriceLine, ResolvedLine
from chalicelib.domain.shopping_lists import line_problem
from chalicelib.domain.staff import StaffTarget
from chalicelib.domain.taxes.calculation import TaxableLine, TaxableShipping, TaxCalculation
from chalicelib.domain.taxes.configuration import TaxAddress, tax_address
from chalicelib.domain.taxes.websites import WebsiteTaxes
from chalicelib.domain.tenancy import Tenant
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, Problem, Unprocessable
from chalicelib.platform.ids import new_id, utc_now
from chalicelib.platform.principal import Principal
from chalicelib.services import checkout_config, customer_users, customers, entities, shopping_lists
from chalicelib.services.catalog import storefront
from chalicelib.services.context import Caller, require_reach
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.outbox import Action, record_change
from chalicelib.services.pricing import store_prices
from chalicelib.services.taxes.calculation import buyer_tax_code, calculate_taxes, website_taxes_of
from chalicelib.services.tenants import TENANT_TYPE
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

CHECKOUT_TYPE = "checkout"
LINES_TYPE = "checkout_lines"
ON_BEHALF = Permission.ORDERS_PLACE_ON_BEHALF
NOT_FOUND = "checkout not found"


# --- who the checkout is for -----------------------------------------------------------------------


@dataclass(frozen=True)
class Buyer:
    """The caller as the buyer: a caller whose principal carries the buyer's session, and the sales
    representative acting for them (None: the buyer themselves)."""

    caller: Caller
    session: CustomerSession
    sales_rep_id: str | None = None
    checkout: Loaded | None = None  # the checkout read to find the buyer (:func:`acting_on`)

    @property
    def acting_id(self) -> str:
        return self.sales_rep_id or self.session.user.id


@dataclass(frozen=True)
class ActingFor:
    """A staff caller starting a checkout on behalf of a buyer of a customer (:func:`acting_for`)."""

    caller: Caller
    customer_id: str
    user_id: str


@dataclass(frozen=True)
class ActingOn:
    """A staff caller working on a buyer's existing checkout on their behalf (:func:`acting_on`)."""

    caller: Caller
    checkout_id: str


Who = Caller | Buyer | ActingFor | ActingOn
"""A storefront caller (the buyer themselves), a buyer a sales representative acts for, or the staff
request that names that buyer (a route's, resolved by :func:`as_buyer`)."""


def as_buyer(who: Who) -> Buyer:
    """The buyer: a storefront caller is a customer user (the route checked ``checkout.place_order``);
    a staff caller acts as the buyer named, or as the one of the checkout named."""
    if isinstance(who, Buyer):
        return who
    if isinstance(who, ActingFor):
        return acting_for(who.caller, who.customer_id, who.user_id)
    if isinstance(who, ActingOn):
        return acting_on(who.caller, who.checkout_id)
    return Buyer(who, customer_users.session_of(who))


def _buyer_session(caller: Caller, user: CustomerUser) -> CustomerSession:
    """The session the buyer's own sign-in would make: their company read now, their roles over it, and
    the tenant's generations (what the storefront caches check)."""
    tenant_id = caller.tenant_id
    company = customers.load_company(tenant_id, user.customer_id)
    tenant = entities.load(keys.tenant(tenant_id), Tenant, TENANT_TYPE)
    path = company.path(user.unit_id)
    return CustomerSession(
        user=user,
        access=customer_access(user, company.tree, custom_roles=company.roles),
        company_path=tuple(UnitSummary(id=unit.id, name=unit.name, kind=unit.kind) for unit in path),
        company=company,
        catalog_generation=tenant.catalog_generation,
        pricing_generation=tenant.pricing_generation,
        tax_generation=tenant.tax_generation,
    )


def acting_for(caller: Caller, customer_id: str, user_id: str) -> Buyer:
    """A sales representative (or other staff holding ``orders.place_on_behalf`` for the customer)
    acting as a buyer of that customer: refused as the buyer's own session would be (a disabled buyer,
    one without ``checkout.place_order``)."""
    staff = caller.principal.staff
    if staff is None:
        raise Forbidden("this is for staff users")
    require_reach(
        caller.principal, ON_BEHALF, StaffTarget(customer_id=customer_id), NotFound("customer not found")
    )
    user = customer_users.get_user(caller, customer_id, user_id)
    if user.disabled:
        raise Forbidden("the buyer's account is disabled")
    session = _buyer_session(caller, user)
    if not session.access.holds(CustomerPermission.CHECKOUT):
        raise Forbidden(f"the buyer does not hold {CustomerPermission.CHECKOUT.value!r}")
    principal = Principal(
        kind=caller.principal.kind,
        tenant_id=caller.principal.tenant_id,
        subject=caller.principal.subject,
        email=caller.principal.email,
        on_behalf_of=user.id,
        staff=staff,
        customer=session,
    )
    return Buyer(Caller(principal, caller.correlation_id), session, staff.user.id)


def acting_on(caller: Caller, checkout_id: str) -> Buyer:
    """The staff caller acting as the buyer of an existing checkout (404 when their grant does not reach
    its customer, or when there is no such checkout)."""
    loaded = _load(caller.tenant_id, checkout_id)  # whole: the services below read it no more
    if loaded is None:
        raise NotFound(NOT_FOUND)
    header = loaded.header
    require_reach(
        caller.principal, ON_BEHALF, StaffTarget(customer_id=header.customer_id), NotFound(NOT_FOUND)
    )
    return replace(acting_for(caller, header.customer_id, header.buyer_id), checkout=loaded)


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """A checkout as read: its header and its lines (one Query of its partition)."""

    header: Checkout
    lines: list[CheckoutLine]


def _load(tenant_id: str, checkout_id: str) -> Loaded | None:
    records = repository.query_all(keys.checkout_partition(tenant_id, checkout_id), page_size=MAX_LINES)
    header = next((record for record in records if record.type == CHECKOUT_TYPE), None)
    if header is None:
        return None
    lines = [
        CheckoutLine.of(line)
        for record in sorted(records, key=lambda record: record.key.sk)
        if record.type == LINES_TYPE
        for line in record.data["lines"]
    ]
    return Loaded(entities.to_model(header, Checkout), lines)


def load_for(buyer: Buyer, hostname: str, checkout_id: str) -> tuple[Loaded, storefront.Shop]:
    """The buyer's checkout on the shop's website; 404 for anyone else's, or on another website."""
    shop = storefront.shop_for(buyer.caller, hostname)
    known = buyer.checkout
    loaded = known if known and known.header.id == checkout_id else _load(buyer.caller.tenant_id, checkout_id)
    if (
        loaded is None
        or loaded.header.buyer_id != buyer.session.user.id
        or loaded.header.customer_id != buyer.session.company.customer_id
        or loaded.header.website_id != shop.website.id
    ):
        raise NotFound(NOT_FOUND)
    return loaded, shop


# --- pricing, shipping, payment and taxes now ------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """A checkout priced now: its lines as the buyer sees them, the products read, the shipping options
    for that cart, the payment term that applies, and the tax calculation (None while a line cannot be
    priced, or the taxes cannot be worked out yet: ``tax_problem`` says why)."""

    lines: list[CheckoutLineView]
    products: storefront.ShopProducts
    resolved: list[ResolvedLine | None]
    options: list[ShippingOption]
    term: PaymentTermView | None
    calculation: TaxCalculation | None
    tax_problem: Problem | None
    prices_include_tax: bool

    def chosen(self, method_id: str | None) -> ShippingOption | None:
        return next((option for option in self.options if option.method_id == method_id), None)


def _address(address: Address | None) -> TaxAddress | None:
    if address is None:
        return None
    try:
        return tax_address(address.country, address.region, address.postal_code)
    except ValueError as error:
        raise Unprocessable.field("body", str(error)) from error


def _line_views(
    catalog: storefront.Catalog, products: storefront.ShopProducts, lines: Sequence[CheckoutLine]
) -> tuple[list[CheckoutLineView], list[ResolvedLine | None]]:
    """Each line as the buyer sees it now, priced in one pass (none when they may not see prices)."""
    wanted = [
        (
            PriceLine(sku=line.sku, unit=line.unit, quantity=Decimal(line.quantity)),
            products.seen(line.product_id),
        )
        for line in lines
    ]
    sees = store_prices.sees_prices(catalog.caller)
    resolved: list[ResolvedLine | None] = (
        list(store_prices.price_lines(catalog, wanted)) if sees else [None] * len(lines)
    )
    views = []
    for line, price in zip(lines, resolved, strict=True):
        product = products.products.get(line.product_id)
        shown = products.seen(line.product_id)
        views.append(
            CheckoutLineView(
                position=line.position,
                product_id=line.product_id,
                sku=line.sku,
                name=localized(product.name, catalog.chain) if product else None,
                unit=line.unit,
                quantity=line.quantity,
                notes=line.notes,
                hidden=product is not None and shown is None,
                discontinued=product is not None and product.inventory.status == "discontinued",
                deleted=product is None,
                not_priced=shown is not None and (price is None or price.price() is None),
                price=price.price() if price is not None else None,
            )
        )
    return views, resolved


def _unit_weight(product: Product | None, unit_code: str) -> Decimal | None:
    """Kilograms one of the line's unit weighs (None: unknown, or the product is gone)."""
    unit = next((unit for unit in product.units if unit.code == unit_code), None) if product else None
    return Decimal(unit.weight) if unit is not None and unit.weight is not None else None


@dataclass(frozen=True)
class Conditions:
    """What a checkout is shipped, paid and taxed by besides its lines' products: the website's
    shipping methods (placing reads only the chosen one), the payment terms that may apply (the
    tenant's; placing reads only those the unit names and the buyer accepted), and the website's tax
    settings with the tenant's tax generation (None: read when the checkout is taxed)."""

    methods: Sequence[ShippingMethod]
    terms: Mapping[str, PaymentTermView]
    taxes: tuple[WebsiteTaxes, int] | None = None


def quote(
    buyer: Buyer,
    hostname: str,
    header: Checkout,
    lines: Sequence[CheckoutLine],
    known: storefront.ShopProducts | None = None,
    conditions: Conditions | None = None,
) -> Quote:
    """The checkout priced, shipped and taxed for the buyer now (see :class:`Quote`); the lines'
    products are read unless ``known`` (just read, for the lines' checks) holds them, and the website's
    shipping methods, the tenant's payment terms and the tax settings unless ``conditions`` does."""
    caller, tenant_id = buyer.caller, buyer.caller.tenant_id
    catalog = store_prices.shop_catalog(caller, hostname, header.currency)
    products = known or storefront.shop_products(
        caller, hostname, product_ids=[line.product_id for line in lines]
    )
    views, resolved = _line_views(catalog, products, lines)
    orderable = all(view.price is not None and not (view.hidden or view.discontinued) for view in views)
    subtotal = sum(
        (Money(Decimal(view.price.line_total.amount), header.currency) for view in views if view.price),
        Money.zero(header.currency),
    )
    cart = Cart(
        subtotal,
        tuple(
            CartLine(Decimal(line.quantity), _unit_weight(products.products.get(line.product_id), line.unit))
            for line in lines
        ),
    )
    conditions = conditions or Conditions(
        checkout_config.shipping_methods(tenant_id, header.website_id),
        checkout_config.payment_terms(tenant_id),
    )
    options = shipping_options(conditions.methods, cart)
    path = buyer.session.company.path(buyer.session.user.unit_id)
    term = applying_term(effective_unit(path).payment_term.value, conditions.terms)
    calculation, problem = None, None
    if orderable:
        try:
            calculation = _taxes(buyer, catalog, header, lines, views, products, options, conditions.taxes)
        except (Unprocessable, Conflict) as refused:
            problem = refused
    return Quote(
        views, products, resolved, options, term, calculation, problem, catalog.shop.prices_include_tax
    )


def _taxes(
    buyer: Buyer,
    catalog: storefront.Catalog,
    header: Checkout,
    lines: Sequence[CheckoutLine],
    views: Sequence[CheckoutLineView],
    products: storefront.ShopProducts,
    options: Sequence[ShippingOption],
    settings: tuple[WebsiteTaxes, int] | None,
) -> TaxCalculation:
    tenant_id = buyer.caller.tenant_id
    website_taxes, generation = settings or website_taxes_of(tenant_id, catalog.shop.website)
    chosen = next((option for option in options if option.method_id == header.shipping_method_id), None)
    taxable = []
    for line, view in zip(lines, views, strict=True):
        assert view.price is not None  # quote() taxes orderable checkouts only
        product = products.products[line.product_id]
        price = view.price.unit_price
        taxable.append(
            TaxableLine(
                key=str(line.position),
                unit_price=Money(Decimal(price.amount), price.currency),
                quantity=Decimal(line.quantity),
                product_tax_code=product.tax_code,
            )
        )
    shipping = (
        TaxableShipping(Money(Decimal(chosen.cost.amount), chosen.cost.currency))
        if chosen is not None
        else None
    )
    return calculate_taxes(
        tenant_id,
        generation,
        website_taxes,
        currency=header.currency,
        lines=taxable,
        customer_tax_code=buyer_tax_code(buyer.session),
        shipping_address=_address(header.shipping_address),
        billing_address=_address(header.billing_address),
        shipping=shipping,
    )


def view_of(header: Checkout, lines: Sequence[CheckoutLine], priced: Quote) -> CheckoutView:
    term = priced.term
    return CheckoutView(
        **header.model_dump(),
        tax_included=priced.prices_include_tax,
        lines=priced.lines,
        shipping_options=priced.options,
        payment_term=PaymentTermSummary(
            code=term.code,
            kind=term.kind,
            net_days=term.net_days,
            purchase_order_required=term.purchase_order_required,
        )
        if term is not None
        else None,
        missing_steps=DEFAULT_CHECKOUT_STEPS.missing(header.completed_steps),
        totals=totals_of(priced.calculation) if priced.calculation is not None else None,
        changes=changes([line.seen for line in lines], priced.lines)
        if header.seen_grand_total is not None
        else [],
    )


# --- writing ---------------------------------------------------------------------------------------


def _write_lines(
    transaction: Transaction, tenant_id: str, checkout_id: str, lines: Sequence[CheckoutLine]
) -> None:
    for number, chunk in enumerate(chunks(lines)):
        transaction.put(
            keys.checkout_lines(tenant_id, checkout_id, number),
            LINES_TYPE,
            {"lines": [line.stored() for line in chunk]},
        )


def _record(
    transaction: Transaction, caller: Caller, action: Action, before: Checkout | None, after: Checkout
) -> None:
    record_change(
        transaction,
        caller,
        action=action,
        entity_type=CHECKOUT_TYPE,
        entity_id=after.id,
        before=entities.stored(before) if before else None,
        after=entities.stored(after),
    )


def close_writes(
    transaction: Transaction, caller: Caller, before: Checkout, order_id: str, *, on_failure: Problem
) -> Checkout:
    """The checkout closed as ``ordered`` by ``order_id``, on condition it is still the version read
    (then still ``open``: only placing closes it), with its event; ``on_failure`` otherwise."""
    after = before.model_copy(
        update={
            "status": "ordered",
            "order_id": order_id,
            "version": before.version + 1,
            "updated_at": utc_now(),
        }
    )
    transaction.replace(
        keys.checkout(caller.tenant_id, before.id),
        CHECKOUT_TYPE,
        entities.stored(after),
        expected_version=before.version,
        on_failure=on_failure,
    )
    _record(transaction, caller, "updated", before, after)
    return after


def _too_many(count: int, location: str) -> None:
    if count > MAX_LINES:
        raise Unprocessable.field(
            location, f"an order holds at most {MAX_LINES} lines; this one would have {count}", "too_many"
        )


def _lines_from(
    buyer: Buyer, hostname: str, body: CheckoutCreate
) -> tuple[list[CheckoutLine], storefront.ShopProducts | None]:
    """The lines a new checkout copies: every line of the shopping list, or the quick-order lines, each
    checked against its product's unit as the buyer sees it (422 naming every bad line); and the
    products read for those checks (None: none read)."""
    if body.shopping_list_id is not None:
        try:
            listed = shopping_lists.lines_to_check_out(buyer.caller, hostname, body.shopping_list_id)
        except NotFound as error:
            raise Unprocessable.field(
                "body.shopping_list_id", "shopping list not found", "not_found"
            ) from error
        if not listed:
            raise Unprocessable.field("body.shopping_list_id", "the shopping list has no lines", "empty")
        _too_many(len(listed), "body.shopping_list_id")
        copied = [
            CheckoutLine(index, line.product_id, line.sku, line.unit, line.quantity, line.notes)
            for index, line in enumerate(listed, start=1)
        ]
        return copied, None
    assert body.lines is not None  # CheckoutCreate: one source or the other
    products = storefront.shop_products(buyer.caller, hostname, skus=[line.sku for line in body.lines])
    errors, lines = [], []
    for index, fields in enumerate(body.lines):
        product = products.seen(products.by_sku.get(fields.sku))
        problem = line_problem(product, fields.unit, fields.quantity)
        if problem is not None:
            field = "sku" if problem.field == "product" else problem.field
            errors.append(
                {"loc": f"body.lines[{index}].{field}", "msg": problem.message, "type": problem.code}
            )
            continue
        assert product is not None  # line_problem refuses a product the buyer does not see
        unit = fields.unit or product.primary_unit
        lines.append(CheckoutLine(index + 1, product.id, product.sku, unit, fields.quantity, fields.notes))
    if errors:
        raise Unprocessable(errors)
    return lines, products


def create_checkout(
    who: Who, hostname: str, body: CheckoutCreate, idempotency: IdempotencyClaim | None = None
) -> CheckoutView:
    """A new open checkout of the buyer's on the shop's website, its lines copied (one transaction)."""
    buyer = as_buyer(who)
    caller, session = buyer.caller, buyer.session
    shop = storefront.shop_for(caller, hostname)
    currency = shop.currency(body.currency)
    lines, products = _lines_from(buyer, hostname, body)
    header = Checkout.model_validate(
        {
            "id": new_id(CHECKOUT_TYPE),
            "version": 1,
            **entities.timestamps(),
            "status": "open",
            "customer_id": session.company.customer_id,
            "unit_id": session.user.unit_id,
            "buyer_id": session.user.id,
            "created_by": buyer.acting_id,
            "sales_rep_id": buyer.sales_rep_id,
            "website_id": shop.website.id,
            "organization_id": shop.website.organization_id,
            "currency": currency,
            "source": "shopping_list" if body.shopping_list_id else "quick_order",
            "shopping_list_id": body.shopping_list_id,
            "line_count": len(lines),
        },
        strict=False,
    )
    view = view_of(header, lines, quote(buyer, hostname, header, lines, products))
    transaction = Transaction()
    transaction.create(keys.checkout(caller.tenant_id, header.id), CHECKOUT_TYPE, entities.stored(header))
    _write_lines(transaction, caller.tenant_id, header.id, lines)
    _record(transaction, caller, "created", None, header)
    if idempotency:
        idempotency.record(transaction, 201, view.model_dump(mode="json"))
    transaction.commit()
    return view


def get_checkout(who: Who, hostname: str, checkout_id: str) -> CheckoutView:
    buyer = as_buyer(who)
    loaded, _ = load_for(buyer, hostname, checkout_id)
    return view_of(loaded.header, loaded.lines, quote(buyer, hostname, loaded.header, loaded.lines))


def _chosen_address(buyer: Buyer, kind: AddressKind, choice: AddressChoice, location: str) -> Address:
    """An address of the book that applies to the buyer's unit, or a new one (``addresses.manage``)."""
    session = buyer.session
    if choice.address is not None:
        target = Target(session.user.unit_id, owner_id=session.user.id)
        if not session.access.allows(CustomerPermission.ADDRESSES_MANAGE, target):
            raise Forbidden(f"a new address needs {CustomerPermission.ADDRESSES_MANAGE.value}")
        return choice.address.model_copy(update={"id": None, "kind": kind, "is_default": False})
    applying = effective_unit(session.company.path(session.user.unit_id)).addresses[kind].value
    found = next((address for address in applying if address.id == choice.address_id), None)
    if found is None:
        raise Unprocessable.field(
            f"{location}.address_id", f"no {kind} address of the buyer's unit", "not_found"
        )
    return found


def _not_in_past(shop: storefront.Shop, requested: Any) -> None:
    today = datetime.now(ZoneInfo(shop.time_zone)).date()
    if requested < today:
        raise Unprocessable.field("body.requested_delivery_date", "must not be in the past")


def _patched(buyer: Buyer, shop: storefront.Shop, before: Checkout, patch: CheckoutPatch) -> Checkout:
    """The header with the patch's choices, each checked (the shipping method against the cart later)."""
    sent = patch.model_fields_set - {"version", "reviewed"}
    changes_: dict[str, Any] = {}
    if patch.billing_address is not None:
        changes_["billing_address"] = _chosen_address(
            buyer, "billing", patch.billing_address, "body.billing_address"
        )
    if patch.shipping_address is not None:
        changes_["shipping_address"] = _chosen_address(
            buyer, "shipping", patch.shipping_address, "body.shipping_address"
        )
    if "shipping_method_id" in sent:
        changes_["shipping_method_id"] = patch.shipping_method_id
    if "notes" in sent:
        changes_["notes"] = patch.notes
    if "requested_delivery_date" in sent:
        if patch.requested_delivery_date is not None:
            _not_in_past(shop, patch.requested_delivery_date)
        changes_["requested_delivery_date"] = patch.requested_delivery_date
    if sent:
        changes_["seen_grand_total"] = None  # what the buyer reviewed is no longer what they order
    return before.model_copy(update=changes_)


def _pay(after: Checkout, patch: CheckoutPatch, term: PaymentTermView | None) -> Checkout:
    """The payment step: the unit's term accepted, with the purchase order number it may require."""
    if patch.payment is None:
        return after
    if term is None:
        raise Conflict("no payment term applies to the buyer's unit; the seller must set a default one")
    number = patch.payment.purchase_order_number
    if term.purchase_order_required and number is None:
        raise Unprocessable.field(
            "body.payment.purchase_order_number",
            f"the payment term {term.code} needs a purchase order number",
        )
    return after.model_copy(update={"payment_term_code": term.code, "purchase_order_number": number})


def update_checkout(
    who: Who, hostname: str, checkout_id: str, patch: CheckoutPatch, expected: ExpectedVersion
) -> CheckoutView:
    """Complete steps of an open checkout at the version the client read (see :class:`CheckoutPatch`)."""
    buyer = as_buyer(who)
    loaded, shop = load_for(buyer, hostname, checkout_id)
    before = loaded.header
    entities.check_version(before.version, expected)
    if before.status != "open":
        raise Conflict("the checkout is ordered already", extensions={"order_id": before.order_id})
    after = _patched(buyer, shop, before, patch)
    lines = loaded.lines
    priced = quote(buyer, hostname, after, lines)
    if after.shipping_method_id is not None and priced.chosen(after.shipping_method_id) is None:
        raise Unprocessable.field(
            "body.shipping_method_id", "not a shipping method offered for this checkout", "not_offered"
        )
    after = _pay(after, patch, priced.term)
    if patch.reviewed:
        lines, after = _reviewed(after, lines, priced)
    after = after.model_copy(
        update={"completed_steps": completed(after), "version": before.version + 1, "updated_at": utc_now()}
    )
    view = view_of(after, lines, priced)
    transaction = Transaction()
    transaction.replace(
        keys.checkout(buyer.caller.tenant_id, after.id),
        CHECKOUT_TYPE,
        entities.stored(after),
        expected_version=before.version,
    )
    if patch.reviewed:
        _write_lines(transaction, buyer.caller.tenant_id, after.id, lines)
    _record(transaction, buyer.caller, "updated", before, after)
    transaction.commit()
    return view


def _reviewed(
    after: Checkout, lines: list[CheckoutLine], priced: Quote
) -> tuple[list[CheckoutLine], Checkout]:
    """The review: the other steps done, every line orderable and the totals known; records what the
    buyer confirmed (each line's price and availability, the grand total)."""
    if missing := [step for step in DEFAULT_CHECKOUT_STEPS.missing(completed(after)) if step != "review"]:
        raise Unprocessable.field(
            "body.reviewed", f"complete these steps first: {', '.join(missing)}", "steps_missing"
        )
    if priced.calculation is None:
        if priced.tax_problem is not None:
            raise priced.tax_problem
        raise Unprocessable.field(
            "body.reviewed", "some lines cannot be ordered (hidden, discontinued, deleted or not priced)"
        )
    seen = [replace(line, seen=seen_of(view)) for line, view in zip(lines, priced.lines, strict=True)]
    grand_total = totals_of(priced.calculation).grand_total
    return seen, after.model_copy(update={"seen_grand_total": grand_total})
