"""Orders as their buyers and the seller's staff read them: lists within the caller's reach, newest
first, and one order with its lines, history and the transitions the caller may take now.

Round trips, the principal's two included: a storefront list is 3 (one Query of the company's orders,
GSI1, each kept if ``orders.view`` reaches its unit and buyer); a staff list is 3 for a grant without
limits (the tenant's orders, GSI3), 2 + one Query per organization (GSI2) or per assigned customer
(GSI1) otherwise, merged by order id; an order is 3 (one Query of its partition: header and lines).
A time window is a key range on the order id (a ULID); other filters are matched on each order read.
Reordering into a shopping list goes through the shopping lists' own add path
(``services.shopping_lists.add_lines``), into a checkout through the checkouts' own creation path
(``services.orders.checkout.create_checkout``): each checks every line against the catalog again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from chalicelib.domain.access import Decision
from chalicelib.domain.orders.checkout import CheckoutCreate, QuickLine
from chalicelib.domain.orders.orders import Order, OrderDetail, OrderLine
from chalicelib.domain.orders.reach import (
    BEFORE,
    OrderAnswer,
    OrderFilters,
    ReorderCheckout,
    ReorderResult,
    ReorderSkip,
    customer_decision,
    customer_decision_of,
    customer_roles,
    customer_sees_invoices,
    id_bounds,
    staff_roles,
    staff_sees,
    staff_sources,
)
from chalicelib.domain.orders.workflow import DEFAULT_WORKFLOW, Actor, available
from chalicelib.domain.pricing.resolve import PriceLine
from chalicelib.domain.shopping_lists import (
    MAX_BATCH,
    LineFields,
    LinesFields,
    ShoppingListFields,
    line_problem,
)
from chalicelib.platform.errors import Forbidden, NotFound, Unprocessable
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.platform.principal import Principal
from chalicelib.services import customer_users, entities, shopping_lists
from chalicelib.services.catalog import storefront
from chalicelib.services.context import Caller
from chalicelib.services.orders import checkout, records
from chalicelib.services.pricing import store_prices
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record

ORDER_NOT_FOUND = "order not found"


def header_of(order: OrderDetail) -> Order:
    return Order.model_validate(order.model_dump(exclude={"lines"}))


def actor_of(principal: Principal, order: Order) -> Actor:
    """The caller as the workflow sees them on this order: their id and the roles they hold on it."""
    if principal.customer is not None:
        access = principal.customer.access
        return Actor(access.user_id, customer_roles(access, order))
    if principal.staff is not None:
        return Actor(principal.staff.access.staff_id, staff_roles(principal.staff.access, order))
    return Actor(principal.subject, frozenset())


def answer(principal: Principal, order: OrderDetail) -> OrderAnswer:
    """The order as the caller may see it: a customer user sees its invoices with ``invoices.view``."""
    transitions = available(DEFAULT_WORKFLOW, order.status, actor_of(principal, order))
    customer = principal.customer
    hidden = customer is not None and not customer_sees_invoices(customer.access, order)
    shown = order.model_copy(update={"invoices": []}) if hidden else order
    return OrderAnswer(**shown.model_dump(), available_transitions=transitions)


def visible_order(caller: Caller, order_id: str) -> OrderDetail:
    """The order if the caller may see it (one Query), else 404 — also another company's or tenant's."""
    order = records.load_order(caller.tenant_id, order_id)
    if order is None or not _sees(caller.principal, order):
        raise NotFound(ORDER_NOT_FOUND)
    return order


def _sees(principal: Principal, order: Order) -> bool:
    if principal.customer is not None:
        return customer_decision(principal.customer.access, order) is not Decision.HIDDEN
    if principal.staff is not None:
        return staff_sees(principal.staff.access, order.organization_id, order.customer_id)
    return False


def get_order(caller: Caller, order_id: str) -> OrderAnswer:
    return answer(caller.principal, visible_order(caller, order_id))


# --- lists ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    partition: str
    index: str


def _page(
    page: PageRequest,
    sources: list[_Source],
    filters: OrderFilters,
    keep: Callable[[Record], bool],
) -> Listing[Order]:
    """One page of orders, newest first, merged from ``sources`` (each read below the cursor's id)."""
    position = page.start_key() or {}
    before = position.get(BEFORE)
    bounds = id_bounds(filters.placed_from, filters.placed_to, before if isinstance(before, str) else None)
    fields = filters.fields()

    def kept(record: Record) -> bool:
        return record.type == records.ORDER_TYPE and record.data["id"] != before and keep(record)

    found: dict[str, Record] = {}
    for source in sources:
        read = repository.query(
            source.partition,
            index=source.index,
            limit=page.limit + 1,
            newest_first=True,
            filters=fields,
            keep=kept,
            sk_between=bounds,
        )
        found.update((record.data["id"], record) for record in read.records)
    ordered = [found[order_id] for order_id in sorted(found, reverse=True)]
    shown = ordered[: page.limit]
    more = len(ordered) > page.limit
    return Listing[Order](
        items=[entities.to_model(record, Order) for record in shown],
        next_cursor=page.next_cursor({BEFORE: shown[-1].data["id"]}) if more else None,
    )


def list_store_orders(caller: Caller, page: PageRequest, filters: OrderFilters) -> Listing[Order]:
    """The company's orders the caller may see (own, unit or subtree, as their roles say)."""
    session = customer_users.session_of(caller)
    access = session.access

    def keep(record: Record) -> bool:
        data = record.data
        seen = customer_decision_of(access, data["customer_id"], data["unit_id"], data["buyer_id"])
        return seen is not Decision.HIDDEN

    company = _Source(keys.orders_of_company(caller.tenant_id, access.tree.root), "GSI1")
    return _page(page, [company], filters, keep)


def list_staff_orders(caller: Caller, page: PageRequest, filters: OrderFilters) -> Listing[Order]:
    """The tenant's orders the caller's ``orders.read`` reaches: every one, their organizations', or
    their assigned customers'."""
    staff = caller.principal.staff
    if staff is None:
        raise Forbidden("this is for staff users")
    access = staff.access
    tenant_id = caller.tenant_id
    sources = staff_sources(access, filters.customer_id)
    partitions = (
        ([_Source(keys.orders_of_tenant(tenant_id), "GSI3")] if sources.tenant else [])
        + [
            _Source(keys.orders_of_organization(tenant_id, organization), "GSI2")
            for organization in sorted(sources.organizations)
        ]
        + [
            _Source(keys.orders_of_company(tenant_id, customer), "GSI1")
            for customer in sorted(sources.customers)
        ]
    )

    def keep(record: Record) -> bool:
        return staff_sees(access, record.data["organization_id"], record.data["customer_id"])

    return _page(page, partitions, filters, keep)


# --- reorder --------------------------------------------------------------------------------------


def _skip(line: OrderLine, reason: str) -> ReorderSkip:
    return ReorderSkip(
        position=line.position,
        product_id=line.product_id,
        sku=line.sku,
        unit=line.unit,
        quantity=line.quantity,
        reason=reason,
    )


def _reorderable(
    caller: Caller, hostname: str, order: OrderDetail
) -> tuple[list[OrderLine], list[ReorderSkip], storefront.ShopProducts]:
    """The order's lines the caller may order today on the shop's website, those they may not, and the
    products read to tell."""
    products = storefront.shop_products(
        caller, hostname, product_ids=[line.product_id for line in order.lines]
    )
    lines, skipped = [], []
    for line in order.lines:
        product = products.seen(line.product_id)
        problem = line_problem(product, line.unit, line.quantity)
        reason: str | None = problem.code if problem is not None else None
        if product is not None and product.inventory.status == "discontinued":
            reason = "discontinued"
        if reason is None:
            lines.append(line)
        else:
            skipped.append(_skip(line, reason))
    return lines, skipped, products


def _nothing_left(skipped: list[ReorderSkip]) -> Unprocessable:
    return Unprocessable(
        [
            {"loc": f"order.lines[{skip.position}]", "msg": "cannot be ordered now", "type": skip.reason}
            for skip in skipped
        ],
        "none of the order's lines can be ordered now",
    )


def reorder(
    caller: Caller, hostname: str, order_id: str, list_id: str | None, list_name: str | None
) -> ReorderResult:
    """The order's lines into a shopping list the caller may change (or a new one), through the
    shopping lists' own add path; lines that cannot be added today are answered, not refused."""
    order = visible_order(caller, order_id)
    reordered, skipped, _ = _reorderable(caller, hostname, order)
    if not reordered:
        raise _nothing_left(skipped)
    if list_id is None:
        name = list_name or f"Reorder of {order.number}"
        list_id = shopping_lists.create_list(caller, hostname, ShoppingListFields(name=name)).id
    lines = [
        LineFields(product_id=line.product_id, unit=line.unit, quantity=line.quantity) for line in reordered
    ]
    batches = [
        LinesFields(lines=lines[start : start + MAX_BATCH]) for start in range(0, len(lines), MAX_BATCH)
    ]
    details = [shopping_lists.add_lines(caller, hostname, list_id, batch, None) for batch in batches]
    return ReorderResult(shopping_list=details[-1], skipped=skipped)


def _priced(
    catalog: storefront.Catalog, products: storefront.ShopProducts, lines: list[OrderLine]
) -> tuple[list[OrderLine], list[ReorderSkip]]:
    """The lines the caller has a price for in the catalog's currency, and the others (``not_priced``);
    a caller who sees no prices keeps every line, as their checkout shows them."""
    if not store_prices.sees_prices(catalog.caller):
        return lines, []
    wanted = [
        (
            PriceLine(sku=line.sku, unit=line.unit, quantity=Decimal(line.quantity)),
            products.seen(line.product_id),
        )
        for line in lines
    ]
    priced, skipped = [], []
    for line, resolved in zip(lines, store_prices.price_lines(catalog, wanted), strict=True):
        if resolved.price() is None:
            skipped.append(_skip(line, "not_priced"))
        else:
            priced.append(line)
    return priced, skipped


def _sku_now(products: storefront.ShopProducts, line: OrderLine) -> str:
    product = products.seen(line.product_id)
    assert product is not None  # _reorderable kept only the products the caller sees
    return product.sku


def reorder_into_checkout(
    caller: Caller, hostname: str, order_id: str, currency: str | None
) -> ReorderCheckout:
    """A new checkout of the order's lines on the shop's website, made by the checkouts' own creation
    path (which checks every line again); lines hidden, gone, discontinued, no longer valid for their
    unit or without a price today are answered, not refused. The currency: the one asked for, else the
    order's where the website sells in it, else the website's own."""
    order = visible_order(caller, order_id)
    offered = storefront.shop_for(caller, hostname).website.currencies
    if currency is not None and currency not in offered:
        raise Unprocessable.field("body.currency", "not one of the website's currencies", "not_offered")
    if currency is None and order.currency in offered:
        currency = order.currency
    catalog = store_prices.shop_catalog(caller, hostname, currency)
    orderable, left_out, products = _reorderable(caller, hostname, order)
    reordered, unpriced = _priced(catalog, products, orderable)
    skipped = sorted([*left_out, *unpriced], key=lambda skip: skip.position)
    if not reordered:
        raise _nothing_left(skipped)
    lines = [
        # the product's SKU today (the checkout reads lines by SKU; the order's may have changed since)
        QuickLine(sku=_sku_now(products, line), unit=line.unit, quantity=line.quantity, notes=line.notes)
        for line in reordered
    ]
    made = checkout.create_checkout(caller, hostname, CheckoutCreate(lines=lines, currency=catalog.currency))
    return ReorderCheckout(**made.model_dump(), skipped=skipped)
