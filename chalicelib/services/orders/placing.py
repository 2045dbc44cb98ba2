"""Placing an order: a reviewed checkout becomes an order in ONE transaction (``docs/orders-design.md``,
"Placing an order: one atomic step").

Before anything is written, everything the buyer agreed to is worked out again *now*: the lines' prices
and availability, the shipping method's cost, the payment term, the taxes and the grand total. Any
difference from the review is refused whole (409 ``checkout-changed`` listing every changed line), so
an order never charges what the buyer did not see; then the steps, the quantities, the order limits,
the buyer's unit and account are checked. The transaction (built by ``commit_numbered``, which takes
the tenant's next number in it) holds: the idempotency record, the order's header and line pages, the
checkout closed at the version read, the guards on the buyer's company tree, unit path and account as
read, the ``order.placed`` event, and the counter.

Twenty concurrent placements of one checkout: all read its version; the first commit changes it, so
every other transaction fails on the checkout (409), or on the idempotency record when sent with the
same ``Idempotency-Key`` (the route then answers the first placement's 201 again).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from chalicelib.domain.base import ExpectedVersion
from chalicelib.domain.customers import Unit, effective_unit
from chalicelib.domain.money import Money, MoneyView
from chalicelib.domain.orders.checkout import (
    Checkout,
    CheckoutLine,
    CheckoutLineView,
    PlaceOrder,
    changes,
    totals_of,
)
from chalicelib.domain.orders.orders import (
    MAX_LINES,
    Order,
    OrderDetail,
    OrderLine,
    OrderPaymentTerm,
    OrderShipping,
)
from chalicelib.domain.orders.workflow import (
    DEFAULT_CHECKOUT_STEPS,
    DEFAULT_WORKFLOW,
    ActorRole,
    HistoryEntry,
)
from chalicelib.domain.shopping_lists import line_problem
from chalicelib.domain.taxes.calculation import TaxCalculation
from chalicelib.domain.tenancy import Tenant
from chalicelib.platform.errors import CheckoutChanged, Conflict, Forbidden, Unprocessable
from chalicelib.platform.ids import new_id, utc_now
from chalicelib.services import checkout_config, entities
from chalicelib.services.catalog import storefront
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.orders import records
from chalicelib.services.orders.checkout import (
    Buyer,
    Conditions,
    Loaded,
    Quote,
    Who,
    as_buyer,
    close_writes,
    load_for,
    quote,
)
from chalicelib.services.outbox import record_change
from chalicelib.services.taxes.calculation import website_tax_keys, website_taxes_in
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.order_numbers import commit_numbered, last_number_of
from chalicelib.store.repository import Record, Transaction

MAX_REPLAYED_BYTES = 300_000  # an idempotency record holds the answer within DynamoDB's 400 KB an item
CHANGED_MEANWHILE = "the buyer's company or account changed while the order was placed; place it again"


@dataclass(frozen=True)
class _Read:
    """What placing reads besides the checkout and the lines' price sheets, in one BatchGetItem (one
    more per 100 keys): the lines' products as the buyer sees them, the conditions the checkout is
    shipped, paid and taxed by, and the items the limits, the number and its format come from."""

    found: Mapping[Key, Record]
    products: storefront.ShopProducts
    conditions: Conditions
    tenant: Tenant
    website_limits: Record | None


def _read(
    buyer: Buyer,
    hostname: str,
    shop: storefront.Shop,
    header: Checkout,
    lines: Sequence[CheckoutLine],
    path: Sequence[Unit],
) -> _Read:
    """The lines' products and their RULES items, the tenant (its tax settings and number format) and
    the website's organization (its tax settings), the tenant's order counter, the website's and the
    units' order limits, the chosen shipping method, and the payment terms the unit names and the buyer
    accepted: independent keys, one BatchGetItem (the product keys first: past 100 keys, the
    configuration's few share the last call).

    Only the chosen method and those terms are needed: an option's cost depends on its method and the
    cart alone, and the term the unit names applies if active, else the tenant's one default, which the
    accepted term is if it says so (a default is made in one transaction with the old one's change);
    any other case is a term other than the accepted one, refused alike."""
    tenant_id = buyer.caller.tenant_id
    products = [line.product_id for line in lines]
    codes = dict.fromkeys(
        code for code in (header.payment_term_code, effective_unit(path).payment_term.value) if code
    )
    chosen = header.shipping_method_id
    website_limits = keys.website_order_limits(tenant_id, header.website_id)
    configuration = [
        *website_tax_keys(tenant_id, shop.website),
        keys.order_counter(tenant_id),
        website_limits,
        *(keys.unit_order_limits(tenant_id, header.customer_id, unit.id) for unit in path),
        *(keys.payment_term(tenant_id, code) for code in codes),
        *([keys.shipping_method(tenant_id, header.website_id, chosen)] if chosen else []),
    ]
    found = repository.get_many([*storefront.product_keys(tenant_id, products), *configuration])
    conditions = Conditions(
        checkout_config.methods_in(found.values()),
        checkout_config.terms_in(found.values()),
        website_taxes_in(found, tenant_id, shop.website),
    )
    return _Read(
        found,
        storefront.shop_products(buyer.caller, hostname, product_ids=products, read=found),
        conditions,
        entities.to_model(found[keys.tenant(tenant_id)], Tenant),
        found.get(website_limits),
    )


def _refuse_unorderable(buyer: Buyer, loaded: Loaded) -> None:
    """The checkout is open, within the line cap, its steps done; the buyer's unit is active."""
    header = loaded.header
    if header.status != "open":
        raise Conflict("the checkout is ordered already", extensions={"order_id": header.order_id})
    if len(loaded.lines) > MAX_LINES:
        raise Unprocessable.field(
            "checkout.lines", f"an order holds at most {MAX_LINES} lines; this one has {len(loaded.lines)}"
        )
    session = buyer.session
    if session.user.disabled:
        raise Forbidden("the buyer's account is disabled")
    if effective_unit(session.company.path(session.user.unit_id)).status.value == "inactive":
        raise Forbidden("the buyer's unit is inactive")
    if missing := DEFAULT_CHECKOUT_STEPS.missing(header.completed_steps):
        raise Unprocessable.field(
            "checkout.completed_steps", f"complete these steps first: {', '.join(missing)}", "steps_missing"
        )


def _refuse_bad_quantities(loaded: Loaded, priced: Quote) -> None:
    """Each line's quantity valid for its unit now (zero, or a fraction of a whole unit: 422)."""
    errors = []
    for line in loaded.lines:
        product = priced.products.seen(line.product_id)
        problem = line_problem(product, line.unit, line.quantity) if product is not None else None
        if problem is not None:
            errors.append(
                {
                    "loc": f"checkout.lines[{line.position}].{problem.field}",
                    "msg": problem.message,
                    "type": problem.code,
                }
            )
    if errors:
        raise Unprocessable(errors)


def _refuse_changes(loaded: Loaded, priced: Quote, seen_total: MoneyView) -> TaxCalculation:
    """The calculation now, if every line is as reviewed and the grand total the one the buyer saw;
    else 409 listing every change (nothing written)."""
    found = [
        change.model_dump(mode="json") for change in changes([li.seen for li in loaded.lines], priced.lines)
    ]
    total = totals_of(priced.calculation).grand_total if priced.calculation is not None else None
    if total is None or (total.currency, Decimal(total.amount)) != (
        seen_total.currency,
        Decimal(seen_total.amount),
    ):
        found.append(
            {
                "change": "grand_total_changed",
                "seen": seen_total.model_dump(),
                "now": total and total.model_dump(),
            }
        )
    if found:
        raise CheckoutChanged(found, total.model_dump() if total else None)
    assert priced.calculation is not None  # a total was worked out
    return priced.calculation


def _order_lines(
    loaded: Loaded, views: list[CheckoutLineView], priced: Quote, calculation: TaxCalculation
) -> list[OrderLine]:
    lines = []
    for line, view, tax in zip(loaded.lines, views, calculation.lines, strict=True):
        assert view.price is not None  # every line is priced (_refuse_changes)
        product = priced.products.products[line.product_id]
        unit = next(unit for unit in product.units if unit.code == line.unit)
        lines.append(
            OrderLine(
                position=line.position,
                product_id=line.product_id,
                sku=line.sku,
                name=(view.name or line.sku)[:200],
                unit=line.unit,
                quantity=line.quantity,
                unit_price=view.price.unit_price,
                price_list_id=view.price.tier.price_list_id,
                subtotal=MoneyView.of(tax.amount),
                discount=MoneyView.of(tax.discount),
                product_tax_code=tax.product_tax_code,
                tax_rate=tax.rate,
                tax=MoneyView.of(tax.tax),
                total=MoneyView.of(tax.gross),
                unit_weight=unit.weight,
                notes=line.notes,
            )
        )
    return lines


def _keep_answer(idempotency: IdempotencyClaim, transaction: Transaction, detail: OrderDetail) -> None:
    """The idempotency record of the placement: the whole answer when it fits an item, else the answer
    without its lines, which a replay reads back from the order's line pages (never changed after
    placing; the header is kept as answered, since a status change rewrites the order's)."""
    answer = detail.model_dump(mode="json")
    if len(json.dumps(answer)) <= MAX_REPLAYED_BYTES:
        idempotency.record(transaction, 201, answer)
        return
    header = {name: value for name, value in answer.items() if name != "lines"}
    idempotency.record(transaction, 201, header, lines_of_order=detail.id)


def place_order(
    who: Who,
    hostname: str,
    checkout_id: str,
    body: PlaceOrder,
    expected: ExpectedVersion,
    idempotency: IdempotencyClaim | None = None,
) -> OrderDetail:
    """The reviewed checkout placed as an order (see the module's docstring)."""
    buyer = as_buyer(who)
    caller, session = buyer.caller, buyer.session
    tenant_id = caller.tenant_id
    loaded, shop = load_for(buyer, hostname, checkout_id)
    header = loaded.header
    entities.check_version(header.version, expected)
    _refuse_unorderable(buyer, loaded)
    path = session.company.path(session.user.unit_id)
    read = _read(buyer, hostname, shop, header, loaded.lines, path)
    priced = quote(buyer, hostname, header, loaded.lines, read.products, read.conditions)
    calculation = _refuse_changes(loaded, priced, body.grand_total)
    _refuse_bad_quantities(loaded, priced)
    shipping = priced.chosen(header.shipping_method_id)
    if shipping is None:
        raise Unprocessable.field("checkout.shipping_method_id", "the shipping method is no longer offered")
    term = priced.term
    if term is None or term.code != header.payment_term_code:
        raise Unprocessable.field("checkout.payment", "the payment term changed; accept the new one")
    totals = totals_of(calculation)
    grand_total = Money(Decimal(totals.grand_total.amount), totals.grand_total.currency)
    breach = checkout_config.limit_breach_in(
        header.website_id, path, read.found.values(), read.website_limits, grand_total
    )
    if breach is not None:
        raise Unprocessable.field(
            "checkout.grand_total",
            f"the order's total is {'below' if breach.bound == 'minimum' else 'above'} the {breach.bound} "
            f"order amount ({breach.limit.amount} {breach.limit.currency}, set by {breach.source})",
            f"order_{breach.bound}",
        )
    tenant = read.tenant
    lines = _order_lines(loaded, priced.lines, priced, calculation)
    order_id, now = new_id("order"), utc_now()
    entry = HistoryEntry(
        transition="place",
        from_status="checkout",
        to_status=DEFAULT_WORKFLOW.start,
        event="order.placed",
        actor_id=buyer.acting_id,
        acting_as=ActorRole.STAFF if buyer.sales_rep_id else ActorRole.BUYER,
        at=now,
    )
    placed: list[OrderDetail] = []

    def build(number: int) -> Transaction:
        order = Order(
            id=order_id,
            version=1,
            created_at=now,
            updated_at=now,
            number=tenant.settings.order_numbers.format(number),
            sequence=number,
            status=DEFAULT_WORKFLOW.start,
            history=[entry],
            customer_id=header.customer_id,
            unit_id=header.unit_id,
            buyer_id=header.buyer_id,
            placed_by=buyer.acting_id,
            sales_rep_id=buyer.sales_rep_id,
            website_id=header.website_id,
            organization_id=header.organization_id,
            checkout_id=header.id,
            currency=header.currency,
            prices_include_tax=priced.prices_include_tax,
            billing_address=header.billing_address,
            shipping_address=header.shipping_address,
            shipping=OrderShipping(method_id=shipping.method_id, name=shipping.name, cost=shipping.cost),
            payment_term=OrderPaymentTerm(
                code=term.code,
                kind=term.kind,
                net_days=term.net_days,
                purchase_order_number=header.purchase_order_number,
            ),
            notes=header.notes,
            requested_delivery_date=header.requested_delivery_date,
            totals=totals,
            line_count=len(lines),
        )
        detail = OrderDetail(**order.model_dump(), lines=lines)
        transaction = Transaction()
        if idempotency:  # first: a concurrent twin's failure on it is what the route replays
            _keep_answer(idempotency, transaction, detail)
        records.add_order(transaction, tenant_id, order, lines)
        close_writes(
            transaction,
            caller,
            header,
            order_id,
            on_failure=Conflict("the checkout was placed or changed meanwhile"),
        )
        changed = Conflict(CHANGED_MEANWHILE)
        transaction.require_version(
            keys.customer_tree(tenant_id, header.customer_id),
            session.company.structure_version,
            on_failure=changed,
        )
        for unit in path:
            transaction.require_version(
                keys.customer_unit(tenant_id, header.customer_id, unit.id), unit.version, on_failure=changed
            )
        transaction.require_version(
            keys.customer_user(tenant_id, session.user.email), session.user.version, on_failure=changed
        )
        record_change(
            transaction,
            caller,
            action="created",
            entity_type="order",
            entity_id=order_id,
            before=None,
            after={**entities.stored(order), "line_count": order.line_count},
            event_type="order.placed",
            version=order.version,
        )
        placed[:] = [detail]
        return transaction

    commit_numbered(tenant_id, build, last=last_number_of(read.found.get(keys.order_counter(tenant_id))))
    return placed[0]
