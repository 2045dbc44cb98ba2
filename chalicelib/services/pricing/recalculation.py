"""The recalculation of rule-based lists: which (rule list, product) pairs a message moves, and their rows.

The ``pricing`` consumer hears these outbox events (``services.dispatch.SUBSCRIPTIONS``) and one
message of its own:

- ``price_list.prices_changed`` of a list: the rule lists based on it, for the products it changed;
  their writes emit the same event for them in turn, so lists based on those follow (waves: rules never
  read each other in a circle, ``services.pricing.rule_lists``);
- ``price_list.created`` / ``updated`` of a rule-based list whose rules or currencies changed: every
  product of its organization, a page at a time (below);
- ``product.created`` / ``updated``: the rule lists of its organization whose rules read what changed
  (``product_reads(...).affected_by``; the event's ``before`` and ``after`` say what changed);
- ``exchange_rates.created`` / ``updated``: every page of the rule lists that may convert currencies;
  ``tenant.updated`` with another ``rounding_mode``: every page of every rule list;
- ``price_list.recalculate`` ``{tenant_id, price_list_id, cursor}``: the next page of a whole list. A
  whole list is recalculated one page of :data:`PRODUCTS_PAGE` products per message, each page sending
  the message for the next to the consumer's own queue, so no invocation runs long and a crash resumes
  at the page it was on.

For each pair: the product's facts (its categories with their ancestors, its number attributes), its
price sheet (every list's rows of the product: one read), the rules' rows (``generate_rows``), and a
write only when the rows come out other than stored (the manual rows of the item are kept: they beat
generated ones of the same tier). What is read is always the current state, never the event's, so a
late or repeated message recalculates the same rows and writes nothing.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chalicelib.domain.catalog.products import Product
from chalicelib.domain.money import RoundingMode
from chalicelib.domain.pricing.price_lists import (
    MAX_ROWS_PER_PRODUCT,
    StoredPriceList,
    apply_rows,
    canonical_quantity,
)
from chalicelib.domain.pricing.rules import (
    ListRules,
    PriceRow,
    generate_rows,
    product_facts,
    product_reads,
)
from chalicelib.platform.aws import queue_url, sqs_client
from chalicelib.platform.errors import unavailable_problem
from chalicelib.platform.observability import logger
from chalicelib.platform.principal import Principal
from chalicelib.platform.queues import PermanentFailure
from chalicelib.platform.settings import get_settings
from chalicelib.services import entities
from chalicelib.services.catalog.categories import load_categories
from chalicelib.services.catalog.products import PRODUCT_TYPE
from chalicelib.services.context import Caller
from chalicelib.services.dispatch import SUBSCRIPTIONS
from chalicelib.services.pricing.prices import (
    PRICES_CHANGED,
    PRODUCTS_PER_TRANSACTION,
    RowChange,
    write_rows,
)
from chalicelib.services.pricing.rule_lists import rule_graph, tenant_price_lists
from chalicelib.store import keys, repository
from chalicelib.store.repository import Transaction

CONSUMER = "pricing"
RECALCULATE = "price_list.recalculate"
# Products of one page of a whole list's recalculation: ten full transactions of rows if every product
# changes (48 each), read with five BatchGetItems of sheets. The page's own reads (the tenant, its
# lists, categories and attributes: 4 round trips) are then a twentieth of its round trips, where at
# 96 products they were a third of its time on DynamoDB Local; a page still takes a few seconds there
# (well under a second on DynamoDB), far within a consumer's timeout.
PRODUCTS_PAGE = 10 * PRODUCTS_PER_TRANSACTION
BATCH_KEYS = 100  # DynamoDB's BatchGetItem limit
WORKER_SUBJECT = "pricing-recalculation"
COMMIT_ATTEMPTS = 5
CONTENTION_PAUSE_SECONDS = 0.2
ATTRIBUTES_PAGE = 500
PRODUCT_FIELDS = ("id", "sku", "brand", "kind")
SUBSCRIBED = SUBSCRIPTIONS[CONSUMER]


@dataclass
class TenantPricing:
    """What the pairs of one message share: the tenant's lists, rates, rounding mode and catalog facts."""

    tenant_id: str
    lists: dict[str, StoredPriceList]
    rates: dict[tuple[str, str], Decimal]
    rounding: RoundingMode
    _ancestors: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    _number_attributes: frozenset[str] | None = None

    @classmethod
    def load(cls, tenant_id: str) -> TenantPricing:
        found = repository.get_many([keys.tenant(tenant_id), keys.exchange_rates(tenant_id)])
        tenant = found.get(keys.tenant(tenant_id))
        if tenant is None:
            raise PermanentFailure(f"unknown tenant {tenant_id!r}")
        rates_record = found.get(keys.exchange_rates(tenant_id))
        rates = {
            (rate["from_currency"], rate["to_currency"]): Decimal(rate["rate"])
            for rate in (rates_record.data["rates"] if rates_record else [])
        }
        rounding = tenant.data.get("settings", {}).get("rounding_mode", "half_up")
        return cls(tenant_id, tenant_price_lists(tenant_id), rates, rounding)

    def rule_lists(self, organization_id: str | None = None) -> dict[str, StoredPriceList]:
        """The rule-based lists (of one organization, if given)."""
        return {
            list_id: stored
            for list_id, stored in self.lists.items()
            if stored.rules is not None and organization_id in (None, stored.organization_id)
        }

    def ancestors(self, organization_id: str) -> dict[str, tuple[str, ...]]:
        """Each category of the organization -> its ancestors (one Query of its categories, once)."""
        if organization_id not in self._ancestors:
            forest = load_categories(self.tenant_id, organization_id).forest
            self._ancestors[organization_id] = {
                category: forest.path(category)[:-1] for category in forest.depth_first()
            }
        return self._ancestors[organization_id]

    def number_attributes(self) -> frozenset[str]:
        """The codes of the tenant's number attributes (one Query, once)."""
        if self._number_attributes is None:
            records = repository.query_all(
                keys.attribute_collection(self.tenant_id), page_size=ATTRIBUTES_PAGE
            )
            self._number_attributes = frozenset(
                record.data["code"] for record in records if record.data.get("kind") == "number"
            )
        return self._number_attributes

    def facts(self, product: Product) -> dict[str, Any]:
        return product_facts(product, self.ancestors(product.organization_id), self.number_attributes())


def handle_message(message: dict[str, Any]) -> None:
    """Recalculate what one message of the pricing queue moves."""
    kind = message["type"]
    if kind not in SUBSCRIBED | {RECALCULATE}:
        raise PermanentFailure(f"not a pricing message: {kind!r}")
    if not _may_move_prices(kind, message.get("before"), message.get("after")):
        return
    tenant = TenantPricing.load(message["tenant_id"])
    if kind == RECALCULATE:
        recalculate_page(tenant, message["price_list_id"], message.get("cursor"))
    elif kind == PRICES_CHANGED:
        _base_changed(tenant, message["entity_id"], message["after"]["changed_product_ids"])
    elif kind.startswith("product."):
        _product_changed(tenant, message.get("before"), message["after"])
    elif kind.startswith("price_list."):
        recalculate_page(tenant, message["after"]["id"], None)
    elif kind.startswith("exchange_rates."):
        for list_id in _converting_lists(tenant):
            recalculate_page(tenant, list_id, None)
    else:  # the rounding mode changed
        for list_id in tenant.rule_lists():
            recalculate_page(tenant, list_id, None)


def _may_move_prices(kind: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> bool:
    """False for the events that say by themselves that no price moves (nothing is read for them): a
    manual list's change, a rule list's without a change of rules or currencies, a tenant's change of
    anything but the rounding mode."""
    if kind in ("price_list.created", "price_list.updated"):
        changed = before is None or any(
            before.get(name) != (after or {}).get(name) for name in ("rules", "currencies")
        )
        return (after or {}).get("rules") is not None and changed
    if kind == "tenant.updated":
        return _rounding_mode(before) != _rounding_mode(after)
    return True


def _rounding_mode(tenant: dict[str, Any] | None) -> Any:
    return (tenant or {}).get("settings", {}).get("rounding_mode")


def _base_changed(tenant: TenantPricing, base_id: str, product_ids: list[str]) -> None:
    """The lists reading ``base_id`` directly, for its changed products (their own readers follow
    from the events their writes emit)."""
    readers = [list_id for list_id, bases in rule_graph(tenant.lists).items() if base_id in bases]
    for list_id in readers:
        recalculate(tenant, list_id, product_ids)


def _product_changed(tenant: TenantPricing, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    product = _product(after)
    lists = tenant.rule_lists(product.organization_id)
    if lists and before is not None:
        old, new = tenant.facts(_product(before)), tenant.facts(product)
        fields = [name for name in PRODUCT_FIELDS if old[name] != new[name]]
        attributes = [
            code
            for code in old["attributes"].keys() | new["attributes"].keys()
            if old["attributes"].get(code) != new["attributes"].get(code)
        ]
        categories = set(old["category_ids"]) ^ set(new["category_ids"])
        lists = {
            list_id: stored
            for list_id, stored in lists.items()
            if stored.rules is not None
            and product_reads(stored.rules).affected_by(fields, attributes, categories)
        }
    for list_id in lists:
        recalculate(tenant, list_id, [product.id])


def _product(data: dict[str, Any]) -> Product:
    """A product as its event carries it (without the item's version)."""
    return Product.model_validate({**data, "version": 0}, strict=False)


def _converting_lists(tenant: TenantPricing) -> list[str]:
    """The rule lists with a rule that may price in another currency than its base row's."""
    return [
        list_id
        for list_id, stored in tenant.rule_lists().items()
        if stored.rules is not None
        and any(rule.based_on is not None and rule.currency is not None for rule in stored.rules.rules)
    ]


def recalculate_page(tenant: TenantPricing, price_list_id: str, cursor: dict[str, Any] | None) -> None:
    """One page of the list's organization's products. The message for the next page (if any) is sent
    first, as soon as the page is read: another consumer recalculates it meanwhile, so a whole list
    goes as fast as the consumers together (pages are disjoint). The cost: a page retried after a
    failure sends its next page again, and that second chain recalculates the rest of the list once
    more, writing nothing (every write is of rows that differ from the stored ones)."""
    stored = tenant.lists.get(price_list_id)
    if stored is None or stored.rules is None:
        return  # deleted, or no longer rule-based: nothing to make
    page = repository.query(
        keys.products_of_organization(tenant.tenant_id, stored.organization_id),
        index="GSI1",
        limit=PRODUCTS_PAGE,
        start_key=cursor,
    )
    if page.last_key is not None:
        _continue(tenant.tenant_id, price_list_id, page.last_key)
    products = {record.data["id"]: entities.to_model(record, Product) for record in page.records}
    _recalculate_products(tenant, price_list_id, products)


def recalculate(tenant: TenantPricing, price_list_id: str, product_ids: Iterable[str]) -> None:
    """The list's rows of these products (read with one BatchGetItem per 100)."""
    wanted = list(dict.fromkeys(product_ids))
    products: dict[str, Product] = {}
    for start in range(0, len(wanted), BATCH_KEYS):
        chunk = [
            keys.product(tenant.tenant_id, product_id) for product_id in wanted[start : start + BATCH_KEYS]
        ]
        for record in repository.get_many(chunk).values():
            if record.type == PRODUCT_TYPE:
                products[record.data["id"]] = entities.to_model(record, Product)
    _recalculate_products(tenant, price_list_id, products)


def _recalculate_products(tenant: TenantPricing, price_list_id: str, products: Mapping[str, Product]) -> None:
    stored = tenant.lists[price_list_id]
    if stored.rules is None or not products:
        return
    sheet_keys = [keys.price_sheet(tenant.tenant_id, product_id) for product_id in products]
    sheets = {record.data["product_id"]: record for record in repository.get_many(sheet_keys).values()}
    changes: list[RowChange] = []
    for product_id, product in products.items():
        if product.organization_id != stored.organization_id:
            continue
        sheet = sheets.get(product_id)
        lists = sheet.data.get("lists", {}) if sheet is not None else {}
        current: list[dict[str, Any]] = lists.get(price_list_id, [])
        generated = _generated(tenant, stored, stored.rules, tenant.facts(product), lists)
        new = apply_rows([row for row in current if row.get("rule_id") is None], generated)
        if len(new) > MAX_ROWS_PER_PRODUCT:
            logger().warning(
                "rule-based list would hold too many rows of a product; left as it was",
                extra={"price_list_id": price_list_id, "product_id": product_id, "rows": len(new)},
            )
        elif new != current:
            changes.append((product_id, sheet, current, new))
    if changes:
        write_rows(_worker(tenant.tenant_id), price_list_id, changes, commit_contended)


def commit_contended(transaction: Transaction) -> None:
    """Commit, and again after a short random pause while it is cancelled only for contention or
    throttling (:func:`~chalicelib.platform.errors.unavailable_problem`): such a transaction wrote
    nothing, and a retry checks its conditions (the rows' digests as read, the list) afresh. Consumers
    writing one list at once all check the list's item, which DynamoDB counts as a conflict while
    another transaction holds it; failing the message instead would recalculate its whole page again
    (and, for a page of a whole list, send its next page a second time)."""
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            transaction.commit()
            return
        except Exception as error:
            if attempt == COMMIT_ATTEMPTS or unavailable_problem(error) is None:
                raise
            time.sleep(random.uniform(0, CONTENTION_PAUSE_SECONDS * attempt))  # noqa: S311 - jitter


def _generated(
    tenant: TenantPricing,
    stored: StoredPriceList,
    rules: ListRules,
    facts: dict[str, Any],
    lists: Mapping[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """The rows the list's rules make for a product (none if its assignment rule leaves it out), in
    the list's currencies; each rule that cannot price it is logged once."""
    if not rules.prices(facts):
        return []
    bases = {rule.based_on for rule in rules.rules if rule.based_on is not None}
    base_rows = {base: effective_rows(lists.get(base, [])) for base in bases}
    generated = generate_rows(rules.rules, facts, base_rows, tenant.rates, tenant.rounding)
    for rule_id, reason in {problem.rule_id: problem.message for problem in generated.problems}.items():
        logger().warning(
            "a price rule cannot price a product",
            extra={
                "price_list_id": stored.id,
                "rule_id": rule_id,
                "product_id": facts["id"],
                "reason": reason,
            },
        )
    return [
        {
            "unit": row.unit,
            "currency": row.currency,
            "min_quantity": canonical_quantity(str(row.min_quantity)),
            "value": str(row.value),
            "rule_id": row.rule_id,
        }
        for row in generated.rows
        if row.currency in stored.currencies
    ]


def effective_rows(rows: Iterable[Mapping[str, Any]]) -> list[PriceRow]:
    """A list's rows of a product as buyers get them: a manual row beats a generated one of its tier."""
    chosen: dict[tuple[str, str, Decimal], PriceRow] = {}
    for row in rows:
        price = PriceRow(
            row["unit"],
            row["currency"],
            Decimal(row["min_quantity"]),
            Decimal(row["value"]),
            row.get("rule_id"),
        )
        if price.tier not in chosen or price.rule_id is None:
            chosen[price.tier] = price
    return list(chosen.values())


def _worker(tenant_id: str) -> Caller:
    """Who the recalculation's writes are by, in the audit log."""
    return Caller(Principal(kind="integration", tenant_id=tenant_id, subject=WORKER_SUBJECT))


def _continue(tenant_id: str, price_list_id: str, cursor: dict[str, Any]) -> None:
    """Send the message for the list's next page to the pricing queue."""
    message = {"type": RECALCULATE, "tenant_id": tenant_id, "price_list_id": price_list_id, "cursor": cursor}
    sqs_client().send_message(
        QueueUrl=queue_url(get_settings().queue_name(CONSUMER)),
        MessageBody=json.dumps(message, separators=(",", ":")),
        MessageAttributes={
            "event_type": {"DataType": "String", "StringValue": RECALCULATE},
            "tenant_id": {"DataType": "String", "StringValue": tenant_id},
        },
    )
