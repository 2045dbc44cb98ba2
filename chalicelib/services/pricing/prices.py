"""A price list's rows: bulk upsert and delete of up to 1,000 rows, and reads by product.

A call is checked whole before anything is written (every row's errors in one 422). Each product whose
rows change in the list is written twice in one transaction: its ``price_list_product`` item (the
source of truth, read per list by admins and the recalculation) and its entry in the product's price
sheet (``data.lists.<list id>``, what the storefront reads for a page of products). Products go 48 to
a transaction (2 items each, a check that the list still exists and one ``price_list.prices_changed``
event: 98 items). Products whose rows come out as they were are not written at all (nor an event for
them): a call that changes nothing writes nothing. A caller's extra writes (an ERP message's ordering
guard) commit with the first transaction that writes rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from chalicelib.domain.catalog.products import Product
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.price_lists import (
    MAX_ROWS_PER_PRODUCT,
    ListScope,
    PriceChangeResult,
    PriceDeletion,
    PriceList,
    PriceUpsert,
    ProductPrices,
    ProductRef,
    apply_rows,
    canonical_quantity,
    row_errors,
    stored_row,
)
from chalicelib.platform.errors import Conflict, NotFound, Unprocessable
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.catalog.products import PRODUCT_TYPE
from chalicelib.services.context import Caller
from chalicelib.services.outbox import record_change
from chalicelib.services.pricing.price_lists import PRICE_LIST_TYPE, get_price_list
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record, Transaction

PRICE_LIST_PRODUCT_TYPE = "price_list_product"
PRICE_SHEET_TYPE = "price_sheet"
PRICES_CHANGED = "price_list.prices_changed"
PRODUCTS_PER_TRANSACTION = 48  # 2 items each + the list's check + the event: 98 of DynamoDB's 100
RACED = Conflict("these prices changed meanwhile; retry", headers={"Retry-After": "1"})
# One product's change in a list: its id, its price sheet as read, the list's rows read, the new rows.
RowChange = tuple[str, Record | None, list[dict[str, Any]], list[dict[str, Any]]]


def _digest(rows: list[dict[str, Any]]) -> str:
    """What a ``price_list_product`` item's rows were, as its guard compares them."""
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:32]


def _resolve(tenant_id: str, rows: Sequence[ProductRef]) -> tuple[list[str | None], dict[str, Product]]:
    """Each row's product id (None: its SKU names no product) and the products named, read in
    BatchGetItems of 100 keys (pattern 95)."""
    skus = list(dict.fromkeys(row.sku for row in rows if row.sku is not None))
    found = repository.get_many([keys.sku(tenant_id, sku) for sku in skus]) if skus else {}
    by_sku = {
        sku: record.data["product_id"] for sku in skus if (record := found.get(keys.sku(tenant_id, sku)))
    }
    product_of_row = [
        row.product_id if row.product_id is not None else by_sku.get(row.sku or "") for row in rows
    ]
    product_ids = list(dict.fromkeys(product_id for product_id in product_of_row if product_id))
    records = repository.get_many([keys.product(tenant_id, product_id) for product_id in product_ids])
    products = {
        record.data["id"]: entities.to_model(record, Product)
        for record in records.values()
        if record.type == PRODUCT_TYPE
    }
    return product_of_row, products


def _checked(caller: Caller, price_list: PriceList, rows: Sequence[ProductRef]) -> list[str]:
    """Each row's product id, once every row is valid (else 422 with every row's errors)."""
    product_of_row, products = _resolve(caller.tenant_id, rows)
    scope = ListScope(price_list.organization_id, frozenset(price_list.currencies))
    if errors := row_errors(list(rows), products, product_of_row, scope):
        raise Unprocessable(errors, f"{len(errors)} invalid field(s) in the rows; nothing was written")
    return [product_id for product_id in product_of_row if product_id is not None]


def _sheets(tenant_id: str, price_list_id: str, product_ids: list[str]) -> dict[str, Record]:
    """The products' price sheets, holding only this list's entry (pattern 96), by product id."""
    found = repository.get_many(
        [keys.price_sheet(tenant_id, product_id) for product_id in product_ids],
        only=(f"data.lists.{price_list_id}",),
    )
    return {record.key.pk.rsplit("#", 1)[1]: record for record in found.values()}


def _entry(sheet: Record | None, price_list_id: str) -> list[dict[str, Any]]:
    if sheet is None:
        return []
    rows: list[dict[str, Any]] = sheet.data.get("lists", {}).get(price_list_id, [])
    return rows


def _change(
    caller: Caller,
    price_list: PriceList,
    product_of_row: list[str],
    upserts: list[dict[str, Any]],
    deletions: list[dict[str, Any]],
    guard: entities.ExtraWrites | None = None,
) -> PriceChangeResult:
    """Work out each named product's new rows, refuse the call if one would hold too many, write the
    products whose rows change."""
    tenant_id = caller.tenant_id
    product_ids = list(dict.fromkeys(product_of_row))
    sheets = _sheets(tenant_id, price_list.id, product_ids)
    first_row = {product_id: product_of_row.index(product_id) for product_id in product_ids}
    upserts_of, deletions_of = _by_product(upserts, product_of_row), _by_product(deletions, product_of_row)
    changes: list[RowChange] = []
    errors = []
    for product_id in product_ids:
        current = _entry(sheets.get(product_id), price_list.id)
        new = apply_rows(current, upserts_of.get(product_id, []), deletions_of.get(product_id, []))
        if len(new) > MAX_ROWS_PER_PRODUCT:
            errors.append(
                {
                    "loc": f"body.rows[{first_row[product_id]}]",
                    "msg": f"the list would hold more than {MAX_ROWS_PER_PRODUCT} rows of this product",
                    "type": "value_error",
                }
            )
        if new != current:
            changes.append((product_id, sheets.get(product_id), current, new))
    if errors:
        raise Unprocessable(errors, "too many rows for a product; nothing was written")
    write_rows(caller, price_list.id, changes, Transaction.commit if guard is None else _first_with(guard))
    return PriceChangeResult(
        price_list_id=price_list.id,
        changed_product_ids=[product_id for product_id, *_ in changes],
        unchanged_products=len(product_ids) - len(changes),
    )


def write_rows(
    caller: Caller,
    price_list_id: str,
    changes: list[RowChange],
    commit: Callable[[Transaction], None] = Transaction.commit,
) -> None:
    """Write each product's new rows in the list (``(product id, its sheet as read, the list's rows
    read, the new rows)``), 48 products a transaction with the list's check and one
    ``price_list.prices_changed`` event: the bulk calls' path and the recalculation's (which commits
    with ``commit``)."""
    tenant_id = caller.tenant_id
    for chunk in _chunks(changes, PRODUCTS_PER_TRANSACTION):
        transaction = Transaction()
        transaction.require(
            keys.price_list(tenant_id, price_list_id),
            data_equals={"id": price_list_id},
            type=PRICE_LIST_TYPE,
            on_failure=NotFound("price list not found"),
        )
        for product_id, sheet, current, new in chunk:
            _write_product(transaction, tenant_id, price_list_id, product_id, sheet, current, new)
        changed = [product_id for product_id, *_ in chunk]
        record_change(
            transaction,
            caller,
            action="updated",
            entity_type=PRICE_LIST_TYPE,
            entity_id=price_list_id,
            before={"id": price_list_id},
            after={"id": price_list_id, "changed_product_ids": changed},
            event_type=PRICES_CHANGED,
        )
        commit(transaction)


def _first_with(guard: entities.ExtraWrites) -> Callable[[Transaction], None]:
    """A commit that adds ``guard``'s writes to the first transaction only (98 items + the guard's)."""
    pending = [guard]

    def commit(transaction: Transaction) -> None:
        if pending:
            pending.pop()(transaction)
        transaction.commit()

    return commit


def _by_product(rows: list[dict[str, Any]], product_of_row: list[str]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row, product_id in zip(rows, product_of_row, strict=False):  # no deletions in an upsert, say
        grouped.setdefault(product_id, []).append(row)
    return grouped


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_product(
    transaction: Transaction,
    tenant_id: str,
    price_list_id: str,
    product_id: str,
    sheet: Record | None,
    current: list[dict[str, Any]],
    new: list[dict[str, Any]],
) -> None:
    """The (list, product) item, if still as read, and the sheet's entry for the list (pattern 97)."""
    item_key = keys.price_list_product(tenant_id, price_list_id, product_id)
    sheet_key = keys.price_sheet(tenant_id, product_id)
    as_read = {"digest": _digest(current)} if current else None
    path = ("lists", price_list_id)
    if not new:
        transaction.delete(item_key, data_equals=as_read, on_failure=RACED)
        transaction.remove_entry(sheet_key, path, on_failure=RACED)
        return
    (_, _, data), (_, _, sheet_data) = price_items(tenant_id, price_list_id, product_id, new)
    transaction.put_guarded(item_key, PRICE_LIST_PRODUCT_TYPE, data, expected=as_read, on_failure=RACED)
    if sheet is None:
        transaction.create(sheet_key, PRICE_SHEET_TYPE, sheet_data, on_exists=RACED)
    else:
        transaction.set_entry(sheet_key, path, new, on_failure=RACED)


def price_items(
    tenant_id: str, price_list_id: str, product_id: str, rows: list[dict[str, Any]]
) -> tuple[tuple[Key, str, dict[str, Any]], tuple[Key, str, dict[str, Any]]]:
    """The items ``(key, type, data)`` that hold a product's stored rows in a list: its
    ``price_list_product`` item, and its price sheet as first created (this list's entry only). The
    writes above shape them so; a bulk load (``benchmarks/recalc.py``) writes them as they are."""
    return (
        (
            keys.price_list_product(tenant_id, price_list_id, product_id),
            PRICE_LIST_PRODUCT_TYPE,
            {"price_list_id": price_list_id, "product_id": product_id, "rows": rows, "digest": _digest(rows)},
        ),
        (
            keys.price_sheet(tenant_id, product_id),
            PRICE_SHEET_TYPE,
            {"product_id": product_id, "lists": {price_list_id: rows}},
        ),
    )


def upsert_prices(
    caller: Caller, price_list_id: str, body: PriceUpsert, *, guard: entities.ExtraWrites | None = None
) -> PriceChangeResult:
    """Add or replace rows (a row of the same product, unit, currency and tier takes the new value);
    ``guard`` commits with the first rows written (nothing is written when no row changes)."""
    price_list = get_price_list(caller, price_list_id, Permission.PRICES_WRITE)
    product_of_row = _checked(caller, price_list, body.rows)
    upserts = [stored_row(row) for row in body.rows]
    return _change(caller, price_list, product_of_row, upserts, [], guard)


def delete_prices(caller: Caller, price_list_id: str, body: PriceDeletion) -> PriceChangeResult:
    """Remove rows (rows that are not there change nothing)."""
    price_list = get_price_list(caller, price_list_id, Permission.PRICES_WRITE)
    product_of_row = _checked(caller, price_list, body.rows)
    keys_of_rows = [
        {"unit": row.unit, "currency": row.currency, "min_quantity": canonical_quantity(row.min_quantity)}
        for row in body.rows
    ]
    return _change(caller, price_list, product_of_row, [], keys_of_rows)


def _prices(record: Record) -> ProductPrices:
    data = record.data
    return ProductPrices.model_validate(
        {"price_list_id": data["price_list_id"], "product_id": data["product_id"], "rows": data["rows"]},
        strict=False,
    )


def list_prices(
    caller: Caller, price_list_id: str, page: PageRequest, product_id: str | None = None
) -> Listing[ProductPrices]:
    """The list's rows product by product (pattern 94), or one product's (an empty page if it has none)."""
    get_price_list(caller, price_list_id)
    if product_id is not None:
        record = repository.get(keys.price_list_product(caller.tenant_id, price_list_id, product_id))
        return Listing[ProductPrices](items=[_prices(record)] if record else [], next_cursor=None)
    result = repository.query(
        keys.price_list_prices(caller.tenant_id, price_list_id), limit=page.limit, start_key=page.start_key()
    )
    return Listing[ProductPrices](
        items=[_prices(record) for record in result.records], next_cursor=page.next_cursor(result.last_key)
    )
