"""Shopping lists of customer users on a website, their lines, and quick order.

``docs/orders-design.md`` has the design: a list's header and its lines (in chunks of 50) share a
partition of their own, so a list is one Query however long, a line edit rewrites one chunk, and a
copy, move, merge or duplicate of 1,000 lines is one transaction. Every change replaces the header on
condition of the version read, with its outbox event in the same transaction.

Who sees and changes a list is ``domain.access.decide`` with ``shopping_lists.view`` and
``shopping_lists.manage`` on the list's unit and owner; a shared list is readable by whoever's
``shopping_lists.view`` reaches its unit. Another company's or tenant's list is 404.

Lines are read through the storefront catalog of the request's website
(``services.catalog.storefront.shop_products``): a product the caller does not see is as unknown as
one that does not exist. A page of lines, and a quick order's valid rows, are priced for the caller by
the resolve route's own pricing pass (``services.pricing.store_prices.price_lines``): the shown
products' sheets in one BatchGetItem per 100 products, projected to the caller's candidate lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from chalicelib.domain.access import CustomerAccess, CustomerPermission, Target
from chalicelib.domain.base import ANY_VERSION, ExpectedVersion, Input
from chalicelib.domain.customer_users import CustomerSession
from chalicelib.domain.pricing.resolve import PriceLine, ResolvedLine
from chalicelib.domain.quick_order import (
    ParsedRow,
    QuickOrderAdded,
    QuickOrderError,
    QuickOrderInput,
    QuickOrderResult,
    QuickOrderRow,
    parse,
)
from chalicelib.domain.shopping_lists import (
    DEFAULT_LIST_NAME,
    MAX_CHUNKS,
    MAX_LINES,
    MAX_LISTS,
    DuplicateFields,
    Line,
    LineFields,
    LinePatch,
    LinesFields,
    LineView,
    ListLines,
    MergeFields,
    ShoppingList,
    ShoppingListDetail,
    ShoppingListFields,
    ShoppingListView,
    TransferFields,
    line_problem,
    subtotal,
)
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unprocessable
from chalicelib.platform.ids import new_id, rfc3339, utc_now
from chalicelib.platform.pagination import MAX_LIMIT, Listing, PageRequest
from chalicelib.services import customer_users, entities
from chalicelib.services.catalog import storefront
from chalicelib.services.context import Caller
from chalicelib.services.idempotency import IdempotencyClaim
from chalicelib.services.outbox import Action, record_change
from chalicelib.services.pricing import store_prices
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record, Transaction

LIST_TYPE = "shopping_list"
CHUNK_TYPE = "shopping_list_chunk"
OWNER_TYPE = "shopping_list_owner"
LINE_TYPE = "shopping_list_line"
RETRIES = 3  # a line change without If-Match is tried again on the fresh list after a concurrent change
VIEW, MANAGE = CustomerPermission.SHOPPING_LISTS_VIEW, CustomerPermission.SHOPPING_LISTS_MANAGE
NOT_FOUND = "shopping list not found"
T = TypeVar("T")


@dataclass
class Loaded:
    """A list as read: its header and its lines (one Query of its partition)."""

    header: ShoppingList
    lines: ListLines


@dataclass
class Pending:
    """A change worked out, not yet committed: the list as it will be, the writes that make it so
    (None: nothing to write), the products already read for it, and the caller's default list when the
    change knows it (else the answer reads it)."""

    loaded: Loaded
    transaction: Transaction | None
    known: storefront.ShopProducts | None = None
    default_id: str | None = None


# --- reading and deciding --------------------------------------------------------------------------


def _load(tenant_id: str, list_id: str) -> Loaded | None:
    records = repository.query_all(keys.shopping_list_partition(tenant_id, list_id), page_size=MAX_CHUNKS + 1)
    header = next((r for r in records if r.key.sk == keys.SHOPPING_LIST and r.type == LIST_TYPE), None)
    if header is None:
        return None
    chunks = {
        int(record.key.sk.removeprefix(keys.SHOPPING_LIST_CHUNK_PREFIX)): record.data["lines"]
        for record in records
        if record.type == CHUNK_TYPE
    }
    return Loaded(entities.to_model(header, ShoppingList), ListLines.of(chunks))


def _target(shopping_list: ShoppingList) -> Target:
    return Target(shopping_list.unit_id, owner_id=shopping_list.owner_id)


def _may_view(access: CustomerAccess, shopping_list: ShoppingList) -> bool:
    """The caller's view reaches the list, or it is shared and their view reaches its unit at any scope
    (for viewing, a shared list counts as everyone's own)."""
    if shopping_list.unit_id not in access.tree:
        return False
    shared_as_own = Target(shopping_list.unit_id, owner_id=access.user_id)
    return access.allows(VIEW, _target(shopping_list)) or (
        shopping_list.shared and access.allows(VIEW, shared_as_own)
    )


def _readable(caller: Caller, session: CustomerSession, website_id: str, list_id: str) -> Loaded:
    """The list if the caller may see it on this website; 404 otherwise (whoever's it is)."""
    loaded = _load(caller.tenant_id, list_id)
    if (
        loaded is None
        or loaded.header.customer_id != session.company.customer_id
        or loaded.header.website_id != website_id
        or not _may_view(session.access, loaded.header)
    ):
        raise NotFound(NOT_FOUND)
    return loaded


def _writable(caller: Caller, session: CustomerSession, website_id: str, list_id: str) -> Loaded:
    """The list if the caller may change it: 404 if they may not see it, 403 if they only see it."""
    loaded = _readable(caller, session, website_id, list_id)
    if not session.access.allows(MANAGE, _target(loaded.header)):
        raise Forbidden(f"this needs {MANAGE.value} on this list")
    return loaded


def _website(caller: Caller, hostname: str) -> str:
    return storefront.shop_for(caller, hostname).website.id


def _default_of(caller: Caller, user_id: str, website_id: str) -> Record | None:
    return repository.get(keys.shopping_list_owner(caller.tenant_id, user_id, website_id))


def _view(shopping_list: ShoppingList, default_id: str | None) -> ShoppingListView:
    return ShoppingListView(**shopping_list.model_dump(), default=shopping_list.id == default_id)


# --- writing ---------------------------------------------------------------------------------------


def _header_after(before: ShoppingList, lines: ListLines, **changes: Any) -> ShoppingList:
    return before.model_copy(
        update={
            **changes,
            "line_count": len(lines),
            "version": before.version + 1,
            "updated_at": utc_now(),
        }
    )


def _write_lines(transaction: Transaction, tenant_id: str, list_id: str, lines: ListLines) -> None:
    written, emptied = lines.stored_chunks()
    for chunk, stored in sorted(written.items()):
        transaction.put(keys.shopping_list_chunk(tenant_id, list_id, chunk), CHUNK_TYPE, {"lines": stored})
    for chunk in emptied:
        transaction.discard(keys.shopping_list_chunk(tenant_id, list_id, chunk))


def _indexes(shopping_list: ShoppingList, tenant_id: str) -> dict[str, str]:
    return {
        "GSI1PK": keys.shopping_lists_of_company(tenant_id, shopping_list.customer_id),
        "GSI1SK": f"{shopping_list.website_id}#{shopping_list.id}",
    }


def _record(
    transaction: Transaction,
    caller: Caller,
    action: Action,
    before: ShoppingList | None,
    after: ShoppingList | None,
    lines: ListLines | None = None,
) -> None:
    """The list's event: its header before and after, and the lines the change touched."""
    changed = [line.summary() for line in lines.changed.values()] if lines is not None else []
    entity = after or before
    assert entity is not None
    record_change(
        transaction,
        caller,
        action=action,
        entity_type=LIST_TYPE,
        entity_id=entity.id,
        before=entities.stored(before) if before else None,
        after={**entities.stored(after), **({"changed_lines": changed} if changed else {})}
        if after
        else None,
    )


def _save(
    transaction: Transaction,
    caller: Caller,
    before: ShoppingList | None,
    after: ShoppingList,
    lines: ListLines,
) -> None:
    """The header (created, or replaced at the version read), the chunks the change touched, the event."""
    tenant_id = caller.tenant_id
    key = keys.shopping_list(tenant_id, after.id)
    stored = entities.stored(after)
    if before is None:
        transaction.create(key, LIST_TYPE, stored, indexes=_indexes(after, tenant_id))
    else:
        transaction.replace(
            key, LIST_TYPE, stored, expected_version=before.version, indexes=_indexes(after, tenant_id)
        )
    _write_lines(transaction, tenant_id, after.id, lines)
    _record(transaction, caller, "created" if before is None else "updated", before, after, lines)


def _count_lists(
    transaction: Transaction,
    caller: Caller,
    owner: Record | None,
    user_id: str,
    website_id: str,
    *,
    added: int = 0,
    default_id: str | None = None,
    set_default: bool = False,
) -> None:
    """Write a user's list count (``added`` more) and, with ``set_default``, their default list on a
    website, on condition of the item as read; past :data:`MAX_LISTS` lists it is 422."""
    data: dict[str, Any] = (
        dict(owner.data) if owner else {"user_id": user_id, "website_id": website_id, "list_count": 0}
    )
    data["list_count"] = int(data["list_count"]) + added
    if added > 0 and data["list_count"] > MAX_LISTS:
        raise Unprocessable.field("body", f"a user keeps at most {MAX_LISTS} lists on a website", "too_many")
    if set_default:
        data["default_list_id"] = default_id
    key = keys.shopping_list_owner(caller.tenant_id, user_id, website_id)
    retry = Conflict("the user's lists changed meanwhile; retry", headers={"Retry-After": "1"})
    if owner is None:
        transaction.create(key, OWNER_TYPE, data, on_exists=retry)
    else:
        transaction.replace(key, OWNER_TYPE, data, expected_version=owner.version, on_failure=retry)


def _new_list(session: CustomerSession, website_id: str, fields: dict[str, Any]) -> ShoppingList:
    return ShoppingList.model_validate(
        {
            "id": new_id(LIST_TYPE),
            "version": 1,
            **entities.timestamps(),
            **fields,
            "owner_id": session.user.id,
            "unit_id": session.user.unit_id,
            "customer_id": session.company.customer_id,
            "website_id": website_id,
            "line_count": 0,
        },
        strict=False,
    )


def _too_long(lines: ListLines, location: str) -> None:
    if len(lines) > MAX_LINES:
        raise Unprocessable.field(
            location, f"a list holds at most {MAX_LINES} lines; this would make {len(lines)}", "too_many"
        )


def _retrying(expected: ExpectedVersion, change: Callable[[ExpectedVersion], T]) -> T:
    """Run a line change at the version the client read, or, without one, on the list as read now,
    again on a fresh read when a concurrent change won (at most :data:`RETRIES` times)."""
    if expected is not None:
        return change(expected)
    for _ in range(RETRIES - 1):
        try:
            return change(ANY_VERSION)
        except PreconditionFailed:
            continue
    return change(ANY_VERSION)


# --- lists -----------------------------------------------------------------------------------------


def create_list(
    caller: Caller, hostname: str, body: ShoppingListFields, idempotency: IdempotencyClaim | None = None
) -> ShoppingListView:
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)
    owner = _default_of(caller, session.user.id, website_id)
    created = _new_list(session, website_id, body.model_dump())
    transaction = Transaction()
    _count_lists(transaction, caller, owner, session.user.id, website_id, added=1)
    view = _view(created, owner.data.get("default_list_id") if owner else None)
    if idempotency:
        idempotency.record(transaction, 201, view.model_dump(mode="json"))
    _save(transaction, caller, None, created, ListLines())
    transaction.commit()
    return view


def list_lists(caller: Caller, hostname: str, page: PageRequest) -> Listing[ShoppingListView]:
    """The lists of the caller's company on this website that the caller may see, by creation."""
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)
    access = session.access
    result = repository.query(
        keys.shopping_lists_of_company(caller.tenant_id, session.company.customer_id),
        index="GSI1",
        limit=page.limit,
        start_key=page.start_key(),
        sk_prefix=f"{website_id}#",
        keep=lambda record: (
            record.type == LIST_TYPE and _may_view(access, entities.to_model(record, ShoppingList))
        ),
    )
    owner = _default_of(caller, session.user.id, website_id)
    default_id = owner.data.get("default_list_id") if owner else None
    items = [_view(entities.to_model(record, ShoppingList), default_id) for record in result.records]
    return Listing[ShoppingListView](items=items, next_cursor=page.next_cursor(result.last_key))


def _prices(
    catalog: storefront.Catalog,
    products: storefront.ShopProducts,
    lines: list[tuple[str, str, str, str]],
) -> Sequence[ResolvedLine | None]:
    """The caller's price of each (product id, SKU, unit, quantity) in the catalog's currency, in one
    pricing pass (None for every one when the caller may not see prices)."""
    if not store_prices.sees_prices(catalog.caller):
        return [None] * len(lines)
    return store_prices.price_lines(
        catalog,
        [
            (PriceLine(sku=sku, unit=unit, quantity=Decimal(quantity)), products.seen(product_id))
            for product_id, sku, unit, quantity in lines
        ],
    )


def _line_views(
    caller: Caller,
    hostname: str,
    catalog: storefront.Catalog,
    lines: list[Line],
    known: storefront.ShopProducts | None,
) -> list[LineView]:
    """The lines with their flags and prices, read through the catalog of the shop's website (the
    products not ``known`` already: those a change just checked are not read again), priced in one
    pass (:func:`_prices`)."""
    missing = [line.product_id for line in lines if known is None or line.product_id not in known.asked]
    products = known or storefront.shop_products(caller, hostname, product_ids=missing)
    if known is not None and missing:
        products = known.merged(storefront.shop_products(caller, hostname, product_ids=missing))
    prices = _prices(catalog, products, [(li.product_id, li.sku, li.unit, li.quantity) for li in lines])
    views = []
    for line, resolved in zip(lines, prices, strict=True):
        product = products.products.get(line.product_id)
        views.append(
            LineView(
                **line.stored(),
                hidden=product is not None and line.product_id not in products.shown,
                discontinued=product is not None and product.inventory.status == "discontinued",
                deleted=product is None,
                price=resolved.price() if resolved is not None else None,
                not_priced=resolved is not None and resolved.error == "not-priced",
            )
        )
    return views


def _detail(
    caller: Caller,
    hostname: str,
    loaded: Loaded,
    default_id: str | None,
    page: PageRequest | None,
    known: storefront.ShopProducts | None = None,
    currency: str | None = None,
) -> ShoppingListDetail:
    """The list with one page of its lines, priced in ``currency`` (None: the website's default),
    oldest first (without ``page``, the first :data:`MAX_LIMIT` and no cursor: what a change answers);
    the cursor is the next one's position."""
    catalog = store_prices.shop_catalog(caller, hostname, currency)
    lines = loaded.lines.all()
    position = page.start_key() if page else None
    start = int((position or {}).get("offset", 0))
    limit = page.limit if page else MAX_LIMIT
    shown = lines[start : start + limit]
    more = start + limit < len(lines)
    next_cursor = page.next_cursor({"offset": start + limit}) if page and more else None
    views = _line_views(caller, hostname, catalog, shown, known) if shown else []
    return ShoppingListDetail(
        **_view(loaded.header, default_id).model_dump(),
        currency=catalog.currency,
        tax_included=catalog.shop.prices_include_tax,
        subtotal=subtotal(views, catalog.currency) if store_prices.sees_prices(caller) else None,
        lines=views,
        next_cursor=next_cursor,
    )


def _answer(
    caller: Caller,
    hostname: str,
    session: CustomerSession,
    loaded: Loaded,
    known: storefront.ShopProducts | None = None,
    currency: str | None = None,
    default_id: str | None = None,
) -> ShoppingListDetail:
    """What a change answers: the list as it is now, with its first page of lines."""
    if default_id is None:
        owner = _default_of(caller, session.user.id, loaded.header.website_id)
        default_id = owner.data.get("default_list_id") if owner else None
    return _detail(caller, hostname, loaded, default_id, None, known, currency)


def _committed(
    caller: Caller,
    hostname: str,
    session: CustomerSession,
    expected: ExpectedVersion,
    change: Callable[[ExpectedVersion], Pending],
    known: storefront.ShopProducts | None = None,
    currency: str | None = None,
) -> ShoppingListDetail:
    """Work out ``change`` (retried as :func:`_retrying` does), read its answer, then commit it: the
    answer's reads come before the commit, so a read that fails answers 503 only for a change not made."""

    def attempt(version: ExpectedVersion) -> ShoppingListDetail:
        pending = change(version)
        products = pending.known or known
        answer = _answer(caller, hostname, session, pending.loaded, products, currency, pending.default_id)
        if pending.transaction is not None:
            pending.transaction.commit()
        return answer

    return _retrying(expected, attempt)


def get_list(
    caller: Caller, hostname: str, list_id: str, page: PageRequest, currency: str | None = None
) -> ShoppingListDetail:
    session = customer_users.session_of(caller)
    loaded = _readable(caller, session, _website(caller, hostname), list_id)
    owner = _default_of(caller, session.user.id, loaded.header.website_id)
    default_id = owner.data.get("default_list_id") if owner else None
    return _detail(caller, hostname, loaded, default_id, page, currency=currency)


def update_list(
    caller: Caller, hostname: str, list_id: str, patch: Input, expected: ExpectedVersion
) -> ShoppingListView:
    """Rename, change the notes, share or unshare a list (at the version the client read)."""
    session = customer_users.session_of(caller)
    loaded = _writable(caller, session, _website(caller, hostname), list_id)
    before = loaded.header
    entities.check_version(before.version, expected)
    after = entities.merge(before, patch, ShoppingListFields)
    owner = _default_of(caller, session.user.id, after.website_id)  # before the commit: see _committed
    transaction = Transaction()
    _save(transaction, caller, before, after, ListLines())
    transaction.commit()
    return _view(after, owner.data.get("default_list_id") if owner else None)


def _delete_writes(transaction: Transaction, caller: Caller, loaded: Loaded) -> None:
    """Delete a list, its chunks, and its place in its owner's count (and default), with its event."""
    header, tenant_id = loaded.header, caller.tenant_id
    transaction.delete(keys.shopping_list(tenant_id, header.id), expected_version=header.version)
    for chunk in loaded.lines.chunks:
        transaction.discard(keys.shopping_list_chunk(tenant_id, header.id, chunk))
    owner = _default_of(caller, header.owner_id, header.website_id)
    if owner is not None:
        was_default = owner.data.get("default_list_id") == header.id
        _count_lists(
            transaction, caller, owner, header.owner_id, header.website_id, added=-1, set_default=was_default
        )
    _record(transaction, caller, "deleted", header, None)


def delete_list(caller: Caller, hostname: str, list_id: str, expected: ExpectedVersion) -> None:
    session = customer_users.session_of(caller)
    loaded = _writable(caller, session, _website(caller, hostname), list_id)
    entities.check_version(loaded.header.version, expected)
    transaction = Transaction()
    _delete_writes(transaction, caller, loaded)
    transaction.commit()


def set_default(caller: Caller, hostname: str, list_id: str) -> ShoppingListView:
    """Make one of the caller's own lists their default on this website."""
    session = customer_users.session_of(caller)
    loaded = _readable(caller, session, _website(caller, hostname), list_id)
    header = loaded.header
    if header.owner_id != session.user.id:
        raise Forbidden("only a list's owner makes it their default")
    owner = _default_of(caller, session.user.id, header.website_id)
    transaction = Transaction()
    _count_lists(
        transaction, caller, owner, session.user.id, header.website_id, default_id=header.id, set_default=True
    )
    record_change(
        transaction,
        caller,
        action="updated",
        entity_type=LIST_TYPE,
        entity_id=header.id,
        before=None,
        after={
            "id": header.id,
            "owner_id": header.owner_id,
            "website_id": header.website_id,
            "default": True,
        },
        event_type="shopping_list.default_set",
    )
    transaction.commit()
    return _view(header, header.id)


def duplicate_list(
    caller: Caller,
    hostname: str,
    list_id: str,
    body: DuplicateFields,
    idempotency: IdempotencyClaim | None = None,
) -> ShoppingListDetail:
    """A copy of a list the caller sees, theirs, with every line (one transaction)."""
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)
    source = _readable(caller, session, website_id, list_id)
    fields = {"name": body.name or f"{source.header.name} (copy)"[:200], "notes": source.header.notes}
    copy = _new_list(session, website_id, fields)
    lines = ListLines()
    for line in source.lines.all():
        lines.put(_copied(line))
    copy = copy.model_copy(update={"line_count": len(lines)})
    owner = _default_of(caller, session.user.id, website_id)
    transaction = Transaction()
    _count_lists(transaction, caller, owner, session.user.id, website_id, added=1)
    detail = _detail(
        caller, hostname, Loaded(copy, lines), owner.data.get("default_list_id") if owner else None, None
    )
    if idempotency:
        idempotency.record(transaction, 201, detail.model_dump(mode="json"))
    _save(transaction, caller, None, copy, lines)
    transaction.commit()
    return detail


def _copied(line: Line) -> Line:
    return Line(
        id=new_id(LINE_TYPE),
        product_id=line.product_id,
        sku=line.sku,
        unit=line.unit,
        quantity=line.quantity,
        notes=line.notes,
        added_at=rfc3339(utc_now()),
    )


# --- lines -----------------------------------------------------------------------------------------


def _checked_lines(
    caller: Caller, hostname: str, body: LinesFields
) -> tuple[list[Line], storefront.ShopProducts]:
    """The lines of a bulk add, each checked against its product as the caller sees it (422 with an
    error per line otherwise), and the products read."""
    products = storefront.shop_products(
        caller,
        hostname,
        product_ids=[line.product_id for line in body.lines if line.product_id],
        skus=[line.sku for line in body.lines if line.sku],
    )
    errors: list[dict[str, str]] = []
    lines = []
    now = rfc3339(utc_now())
    for index, fields in enumerate(body.lines):
        product_id = fields.product_id or products.by_sku.get(fields.sku or "")
        product = products.seen(product_id)
        problem = line_problem(product, fields.unit, fields.quantity)
        if problem is not None:
            named = "product_id" if fields.product_id else "sku"
            field = named if problem.field == "product" else problem.field
            errors.append(
                {"loc": f"body.lines[{index}].{field}", "msg": problem.message, "type": problem.code}
            )
            continue
        assert product is not None  # line_problem refuses a product the caller does not see
        lines.append(_line(product.id, product.sku, fields.unit or product.primary_unit, fields, now))
    if errors:
        raise Unprocessable(errors)
    return lines, products


def _line(product_id: str, sku: str, unit: str, fields: LineFields, now: str) -> Line:
    return Line(
        id=new_id(LINE_TYPE),
        product_id=product_id,
        sku=sku,
        unit=unit,
        quantity=fields.quantity,
        notes=fields.notes,
        added_at=now,
    )


def _add_to(caller: Caller, loaded: Loaded, new_lines: Iterable[Line], location: str) -> Pending:
    """Lines added to a list as read (same product and unit: quantities add), to commit."""
    for line in new_lines:
        loaded.lines.add(line)
    _too_long(loaded.lines, location)
    after = _header_after(loaded.header, loaded.lines)
    transaction = Transaction()
    _save(transaction, caller, loaded.header, after, loaded.lines)
    return Pending(Loaded(after, loaded.lines), transaction)


def add_lines(
    caller: Caller, hostname: str, list_id: str, body: LinesFields, expected: ExpectedVersion
) -> ShoppingListDetail:
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)
    lines, products = _checked_lines(caller, hostname, body)

    def change(version: ExpectedVersion) -> Pending:
        loaded = _writable(caller, session, website_id, list_id)
        entities.check_version(loaded.header.version, version)
        return _add_to(caller, loaded, lines, "body.lines")

    return _committed(caller, hostname, session, expected, change, products)


def add_to_default(caller: Caller, hostname: str, body: LinesFields) -> ShoppingListDetail:
    """Add lines to the caller's default list on this website, made on first use (with the lines)."""
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)
    lines, products = _checked_lines(caller, hostname, body)

    def change(version: ExpectedVersion) -> Pending:
        owner = _default_of(caller, session.user.id, website_id)
        default_id = owner.data.get("default_list_id") if owner else None
        loaded = _load(caller.tenant_id, default_id) if default_id else None
        if loaded is not None:
            added = _add_to(caller, loaded, lines, "body.lines")
            added.default_id = default_id
            return added
        created = _new_list(session, website_id, {"name": DEFAULT_LIST_NAME})
        fresh = ListLines()
        for line in lines:
            fresh.add(line)
        created = created.model_copy(update={"line_count": len(fresh)})
        transaction = Transaction()
        _count_lists(
            transaction,
            caller,
            owner,
            session.user.id,
            website_id,
            added=1,
            default_id=created.id,
            set_default=True,
        )
        _save(transaction, caller, None, created, fresh)
        return Pending(Loaded(created, fresh), transaction, default_id=created.id)

    return _committed(caller, hostname, session, None, change, products)


def _line_of(loaded: Loaded, line_id: str) -> Line:
    line = loaded.lines.find(line_id)
    if line is None:
        raise NotFound("line not found")
    return line


def update_line(
    caller: Caller, hostname: str, list_id: str, line_id: str, patch: LinePatch, expected: ExpectedVersion
) -> ShoppingListDetail:
    """Change a line's quantity (checked against its product's unit) or notes."""
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)

    def change(version: ExpectedVersion) -> Pending:
        loaded = _writable(caller, session, website_id, list_id)
        entities.check_version(loaded.header.version, version)
        line = _line_of(loaded, line_id)
        sent = patch.model_fields_set
        checked = None  # the product read for the check: the answer needs it too
        if "quantity" in sent and patch.quantity is not None:
            checked = storefront.shop_products(caller, hostname, product_ids=[line.product_id])
            problem = line_problem(checked.seen(line.product_id), line.unit, patch.quantity)
            if problem is not None:
                field = "quantity" if problem.field == "quantity" else "line"
                message = (
                    "the product is no longer available" if problem.field != "quantity" else problem.message
                )
                raise Unprocessable.field(f"body.{field}", message, problem.code)
        changed = Line(
            id=line.id,
            product_id=line.product_id,
            sku=line.sku,
            unit=line.unit,
            quantity=patch.quantity if "quantity" in sent and patch.quantity is not None else line.quantity,
            notes=patch.notes if "notes" in sent else line.notes,
            added_at=line.added_at,
        )
        loaded.lines.put(changed)
        after = _header_after(loaded.header, loaded.lines)
        transaction = Transaction()
        _save(transaction, caller, loaded.header, after, loaded.lines)
        return Pending(Loaded(after, loaded.lines), transaction, known=checked)

    return _committed(caller, hostname, session, expected, change)


def remove_line(caller: Caller, hostname: str, list_id: str, line_id: str, expected: ExpectedVersion) -> None:
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)

    def change(version: ExpectedVersion) -> None:
        loaded = _writable(caller, session, website_id, list_id)
        entities.check_version(loaded.header.version, version)
        _line_of(loaded, line_id)
        loaded.lines.remove(line_id)
        transaction = Transaction()
        _save(transaction, caller, loaded.header, _header_after(loaded.header, loaded.lines), loaded.lines)
        transaction.commit()

    _retrying(expected, change)


def transfer_lines(caller: Caller, hostname: str, list_id: str, body: TransferFields) -> ShoppingListDetail:
    """Move or copy lines of this list into another (same product and unit: quantities add), both lists
    in one transaction; answers the target list."""
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)
    if body.target_list_id == list_id:
        raise Unprocessable.field("body.target_list_id", "must be another list")

    def change(_: ExpectedVersion) -> Pending:
        source = (_writable if body.mode == "move" else _readable)(caller, session, website_id, list_id)
        target = _target_list(caller, session, website_id, body.target_list_id, "body.target_list_id")
        missing = [
            {"loc": f"body.line_ids[{i}]", "msg": "no such line of this list", "type": "not_found"}
            for i, line_id in enumerate(body.line_ids)
            if source.lines.find(line_id) is None
        ]
        if missing:
            raise Unprocessable(missing)
        for line_id in dict.fromkeys(body.line_ids):
            line = source.lines.find(line_id)
            assert line is not None
            target.lines.add(_copied(line))
            if body.mode == "move":
                source.lines.remove(line_id)
        _too_long(target.lines, "body.line_ids")
        transaction = Transaction()
        target_after = _header_after(target.header, target.lines)
        _save(transaction, caller, target.header, target_after, target.lines)
        if body.mode == "move":
            _save(
                transaction, caller, source.header, _header_after(source.header, source.lines), source.lines
            )
        return Pending(Loaded(target_after, target.lines), transaction)

    return _committed(caller, hostname, session, None, change)


def _target_list(
    caller: Caller, session: CustomerSession, website_id: str, list_id: str, location: str
) -> Loaded:
    """A list named in a body that the caller must be able to change: 422 if they may not see it."""
    try:
        return _writable(caller, session, website_id, list_id)
    except NotFound as error:
        raise Unprocessable.field(location, NOT_FOUND, "not_found") from error


def merge_lists(
    caller: Caller, hostname: str, list_id: str, body: MergeFields, expected: ExpectedVersion
) -> ShoppingListDetail:
    """Every line of the source into this list (same product and unit: quantities add), and with
    ``remove_source`` the source deleted, in one transaction."""
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)
    if body.source_list_id == list_id:
        raise Unprocessable.field("body.source_list_id", "must be another list")

    def change(version: ExpectedVersion) -> Pending:
        target = _writable(caller, session, website_id, list_id)
        entities.check_version(target.header.version, version)
        try:
            source = (_writable if body.remove_source else _readable)(
                caller, session, website_id, body.source_list_id
            )
        except NotFound as error:
            raise Unprocessable.field("body.source_list_id", NOT_FOUND, "not_found") from error
        for line in source.lines.all():
            target.lines.add(_copied(line))
        _too_long(target.lines, "body.source_list_id")
        transaction = Transaction()
        after = _header_after(target.header, target.lines)
        _save(transaction, caller, target.header, after, target.lines)
        if body.remove_source:
            _delete_writes(transaction, caller, source)
        return Pending(Loaded(after, target.lines), transaction)

    return _committed(caller, hostname, session, expected, change)


# --- quick order -----------------------------------------------------------------------------------


def _parsed(body: QuickOrderInput) -> list[ParsedRow]:
    try:
        return parse(body.format, body.content)
    except QuickOrderError as error:
        raise Unprocessable.field("body.content", str(error)) from error


def _checked_rows(
    caller: Caller, hostname: str, rows: list[ParsedRow], catalog: storefront.Catalog
) -> tuple[list[QuickOrderRow], storefront.ShopProducts]:
    """Each row checked against its SKU's product as the caller sees it on the website, the valid ones
    priced in one pass (no price: ``not_priced``), and the products read."""
    products = storefront.shop_products(
        caller, hostname, skus=[row.sku for row in rows if row.error is None and row.sku]
    )
    checked = []
    for row in rows:
        fields: dict[str, Any] = {"row": row.row, "sku": row.sku, "quantity": row.quantity, "unit": row.unit}
        if row.error is not None:
            checked.append(QuickOrderRow(**fields, error=row.error, message=row.message))
            continue
        assert row.sku is not None
        assert row.quantity is not None
        product = products.seen(products.by_sku.get(row.sku))
        problem = line_problem(product, row.unit, row.quantity)
        if problem is not None:
            code = "unknown_sku" if problem.code == "unknown_product" else problem.code
            checked.append(QuickOrderRow(**fields, error=code, message=problem.message))
            continue
        assert product is not None
        fields |= {"sku": product.sku, "unit": row.unit or product.primary_unit}
        checked.append(QuickOrderRow(**fields, product_id=product.id))
    return _priced_rows(catalog, products, checked), products


def _priced_rows(
    catalog: storefront.Catalog, products: storefront.ShopProducts, rows: list[QuickOrderRow]
) -> list[QuickOrderRow]:
    """The rows with the valid ones' prices; a valid row no list of the caller's prices is
    ``not_priced`` (a caller who may not see prices gets the rows unpriced and unflagged)."""
    valid = [row for row in rows if row.error is None]
    asked = [(row.product_id or "", row.sku or "", row.unit or "", row.quantity or "") for row in valid]
    prices = iter(_prices(catalog, products, asked))  # one per valid row, in order
    priced = []
    for row in rows:
        resolved = next(prices) if row.error is None else None
        if resolved is None:
            priced.append(row)
        elif (price := resolved.price()) is not None:
            priced.append(row.model_copy(update={"price": price}))
        else:
            message = "no price list of yours prices this product in this unit and quantity"
            priced.append(row.model_copy(update={"error": "not_priced", "message": message}))
    return priced


def _result(rows: list[QuickOrderRow], catalog: storefront.Catalog) -> dict[str, Any]:
    valid = sum(1 for row in rows if row.error is None)
    return {
        "currency": catalog.currency,
        "tax_included": catalog.shop.prices_include_tax,
        "rows": rows,
        "valid": valid,
        "invalid": len(rows) - valid,
    }


def parse_quick_order(caller: Caller, hostname: str, body: QuickOrderInput) -> QuickOrderResult:
    customer_users.session_of(caller)
    catalog = store_prices.shop_catalog(caller, hostname, body.currency)
    rows, _ = _checked_rows(caller, hostname, _parsed(body), catalog)
    return QuickOrderResult(**_result(rows, catalog))


def quick_add(caller: Caller, hostname: str, list_id: str, body: QuickOrderInput) -> QuickOrderAdded:
    """The quick order's rows, and its valid rows added to the list (all of them or none)."""
    session = customer_users.session_of(caller)
    website_id = _website(caller, hostname)
    catalog = store_prices.shop_catalog(caller, hostname, body.currency)
    rows, products = _checked_rows(caller, hostname, _parsed(body), catalog)
    now = rfc3339(utc_now())
    lines = [
        Line(new_id(LINE_TYPE), row.product_id, row.sku, row.unit, row.quantity, None, now)
        for row in rows
        if row.error is None and row.product_id and row.sku and row.unit and row.quantity
    ]

    def change(_: ExpectedVersion) -> Pending:
        loaded = _writable(caller, session, website_id, list_id)
        return _add_to(caller, loaded, lines, "body.content") if lines else Pending(loaded, None)

    shopping_list = _committed(caller, hostname, session, None, change, products, body.currency)
    return QuickOrderAdded(**_result(rows, catalog), shopping_list=shopping_list)


# --- checkout --------------------------------------------------------------------------------------


def lines_to_check_out(caller: Caller, hostname: str, list_id: str) -> list[Line]:
    """Every line of a list the caller sees on the shop's website, in list order (one Query; 404 as
    reading it is): what a checkout started from the list copies."""
    session = customer_users.session_of(caller)
    return _readable(caller, session, _website(caller, hostname), list_id).lines.all()
