"""The storefront end to end against DynamoDB Local: each request through the app's route, as a buyer
sends it, its principal included. Prints figures; never asserts.

What it builds, in a throw-away DynamoDB Local (or ``--endpoint``'s, in a table of its own):

- the demo world ``make run`` seeds (``local.seed``, the small demo catalog): acme's shop.acme.de and
  Globex's Bob, a buyer of Plant Lyon (Globex > Globex Manufacturing > Plant Lyon) in the Key accounts group;
- two categories under the demo's Fasteners root: one of ``--category-products`` products (5,000) and
  one of the rest, ``--search-products`` (20,000) in all, named with three words each;
- ``--exceptions`` customer-specific rules (500) on products of the big category, through the
  visibility service (one transaction each, as the admin API makes them): three in five unit rules of
  Bob's unit or the units above it, two in five product rules of his group; two in three hide.

Products are made by the products service's own ``create_product`` (its checks, its items);
only its transaction's commit is swapped for BatchWriteItem of the same items (:class:`BulkCommit`),
and the product's context (organization, attributes) is read once instead of once a product. Dropped
are the transaction's condition checks (guards that fresh, unique data passes) and the two kinds of
item no storefront request reads (the outbox event, the attribute usages): the product, SKU, listing
and search-token items are those 20,000 API calls would write (140,000 of them), in about 12 minutes
on two cores shared with other work instead of hours; ``--search-products`` and
``--category-products`` make a smaller world for a quicker look.

What it measures, for Bob, with ``--repeat`` runs (median and minimum), each as one HTTP request
through the in-process gateway (``chalice.test.Client``, as the integration tests call the app):
DynamoDB round trips (counted as tests/integration/test_round_trips.py counts them: every botocore
call), each with the items it read (Query: scanned; GetItem, BatchGetItem: returned), products
answered, milliseconds. The first two calls are the principal's: the caller's records (BatchGetItem)
and their company (Query), which holds the units' customer-specific rules.

1. the category tree, cold (the shop read) and warm;
2. ``category_products``: the first page of 50 (newest first, and by name) and a page deep in the list;
3. ``search``: prefixes of name words and of SKUs over the organization's products;
4. a SKU lookup of 100;
5. the items a category rule for a customer group writes (through the visibility service), for a
   category of 15,000 products and one of 5,000;
6. the same requests priced: every product of the big category priced in a list of the website
   (two tiers) and every fifth in a list of Bob's unit (prices service, 1,000 rows a call), then
   the first page, a search and the SKU lookup again, and ``POST /v1/store/prices/resolve`` of
   ``--resolve-lines`` lines (500) of distinct products.

Timings depend on the machine and its load (DynamoDB Local is a Java process on the same cores);
round trips and items read do not.

    .venv/bin/python benchmarks/storefront.py [--endpoint http://127.0.0.1:8001] [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from catalog import dynamodb_endpoint  # noqa: E402 - benchmarks/catalog.py, beside this file

TENANT, ADMIN, BUYER = "acme", "admin@acme.example", "bob.buyer@globex.example"
SHOP = "shop.acme.de"
STAGE = "test"  # the dev issuer is trusted, the DNS stand-in accepted; chalice.test.Client sets its variables
PAGE = 50
LOOKUP = 100
LOAD_THREADS = 4
BATCH = 25  # BatchWriteItem's most
WORDS = (
    "hammer", "handle", "hanger", "harness", "hex", "hexagon", "hinge", "hose", "hook", "holder",
    "screw", "scraper", "scissors", "sealant", "sensor", "shackle", "shield", "socket", "spanner",
    "spring", "clamp", "cable", "chain", "chisel", "clip", "coupling", "cutter", "drill", "driver",
    "fitting", "flange", "gasket", "glove", "grease", "nut", "bolt", "washer", "valve", "pump", "filter",
)  # fmt: skip
UNREAD_TYPES = ("event", "attribute_usage")
COUNTS_PARTITION = "#CATCOUNT"  # keys.category_counts: a category's count shards
SEARCHES = ("ha", "han", "hand", "handle", "hex nut", "bench-0", "bench-00012")


@dataclass
class Meter:
    """Every botocore call since :meth:`reset`, logged as the round-trip test logs them (its
    :class:`AwsCalls`), with the items DynamoDB read for them (Query: scanned; GetItem, BatchGetItem:
    returned) and the items their transactions wrote."""

    calls: Any
    reads: list[int] = field(default_factory=list)  # the items each DynamoDB call read, in order
    items_written: list[str] = field(default_factory=list)  # each write's kind: Put, Update, Delete
    condition_checks: int = 0

    @classmethod
    def installed(cls) -> Meter:
        from botocore.client import BaseClient

        from tests.integration.conftest import AwsCalls

        meter = cls(AwsCalls())
        original = BaseClient._make_api_call

        def counting(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            meter.calls.log.append(f"{client.meta.service_model.service_name}.{operation}")
            answer = original(client, operation, params)
            if client.meta.service_model.service_name == "dynamodb":
                meter.tally(operation, params, answer)
            return answer

        BaseClient._make_api_call = counting  # type: ignore[method-assign]
        return meter

    def tally(self, operation: str, params: dict[str, Any], answer: dict[str, Any]) -> None:
        if operation in ("Query", "Scan"):
            self.reads.append(int(answer.get("ScannedCount", 0)))
        elif operation == "GetItem":
            self.reads.append(int("Item" in answer))
        elif operation == "BatchGetItem":
            self.reads.append(sum(len(items) for items in answer.get("Responses", {}).values()))
        else:
            self.reads.append(0)
        if operation == "TransactWriteItems":
            kinds = [kind for action in params["TransactItems"] for kind in action]
            self.items_written += [kind for kind in kinds if kind != "ConditionCheck"]
            self.condition_checks += kinds.count("ConditionCheck")

    def reset(self) -> None:
        self.calls.clear()
        self.reads, self.items_written, self.condition_checks = [], [], 0

    @property
    def items_read(self) -> int:
        return sum(self.reads)

    @property
    def round_trips(self) -> str:
        """How many DynamoDB calls, and which, each with the items it read."""
        dynamodb = [call.split(".", 1)[1] for call in self.calls.log if call.startswith("dynamodb.")]
        calls = " + ".join(f"{name} {read}" for name, read in zip(dynamodb, self.reads, strict=True))
        return f"{len(dynamodb)} round trips ({calls})"


class BulkCommit:
    """Stands for ``Transaction.commit`` while products are made: the transaction's puts are written
    with BatchWriteItem by ``LOAD_THREADS`` threads while the next products are made. Its condition
    checks (guards that fresh, unique data passes) are dropped, and so are the items no storefront
    request reads (:data:`UNREAD_TYPES`: the outbox event, the attribute usages) and the category
    counts' ADDs (BatchWriteItem cannot add: the counts are recounted once the products are in)."""

    def __init__(self, endpoint: str, table: str) -> None:
        self.endpoint, self.table = endpoint, table
        self.pending: list[dict[str, Any]] = []
        self.sent: list[Future[None]] = []
        self.written = 0
        self.clients = threading.local()  # a client per thread
        self.pool = ThreadPoolExecutor(LOAD_THREADS)

    def __call__(self, transaction: Any) -> None:
        for write in transaction.writes:
            if write.action == "save" and write.item.type not in UNREAD_TYPES:
                self.pending.append(write.item.serialize())
            elif write.action == "update" and write.item.PK.endswith(COUNTS_PARTITION):
                continue
            elif write.action not in ("save", "condition_check"):
                raise ValueError(f"a product's creation does not {write.action}")
        if len(self.pending) >= BATCH:
            self._send()

    def _send(self) -> None:
        batch, self.pending = self.pending[:BATCH], self.pending[BATCH:]
        self.sent.append(self.pool.submit(self._write, batch))
        self.written += len(batch)

    def _write(self, batch: list[dict[str, Any]]) -> None:
        import boto3

        if not hasattr(self.clients, "dynamodb"):
            self.clients.dynamodb = boto3.session.Session().client("dynamodb", endpoint_url=self.endpoint)
        requests = {self.table: [{"PutRequest": {"Item": item}} for item in batch]}
        while requests:
            requests = (
                self.clients.dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
            )

    def close(self) -> int:
        """Send what is left, wait for every batch; the items written."""
        while self.pending:
            self._send()
        for sent in self.sent:
            sent.result()
        self.pool.shutdown()
        return self.written


@dataclass
class World:
    endpoint: str
    table: str
    api: Any
    admin: Any  # the tenant administrator's service caller
    ids: dict[str, str]  # the seed's ledger
    big: str = ""  # the big category
    rest: str = ""
    products: list[tuple[str, str]] = field(default_factory=list)  # (id, SKU) of the big category's


def environment(endpoint: str, scratch: Path) -> dict[str, str]:
    from local.environment import chalice_config

    stage = chalice_config()["stages"][STAGE]["environment_variables"]
    return {
        **stage,
        "KONTOR_DYNAMODB_ENDPOINT": endpoint,
        "KONTOR_S3_ENDPOINT": endpoint,  # media stay pending: nothing is sent there
        "KONTOR_DEV_ISSUER_DIR": str(scratch / "dev-issuer"),
        "KONTOR_DNS_RECORDS_FILE": str(scratch / "dns-records.json"),
        "KONTOR_CURSOR_SECRET": "bench-storefront-cursor-secret-0123",
        "KONTOR_DEMO_PRODUCTS_PER_LEAF": "1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }


def timed_step(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = function(*args, **kwargs)
            print(f"{what}: {time.perf_counter() - started:.1f} s", flush=True)
            return result

        return run

    return decorate


@timed_step("seeded the demo world (local.seed, 1 product per leaf)")
def seed_demo() -> dict[str, str]:
    from local.seed import Ledger, seed

    ledger = Ledger(None)
    report = seed(ledger)
    if report.skipped:
        raise SystemExit(f"the seed left out: {report.skipped}")
    return ledger.ids


def new_category(world: World, slug: str, name: str) -> str:
    from chalicelib.domain.catalog.categories import CategoryFields
    from chalicelib.services.catalog import categories
    from local.seed import as_sent

    organization = world.ids["acme/organization/Acme Europe"]
    parent = world.ids["acme/category/fasteners"]
    body = {"name": {"en": name, "de": name}, "slug": {"en": slug, "de": slug}, "parent_id": parent}
    return categories.create_category(world.admin, organization, as_sent(CategoryFields, body)).id


@timed_step("made the products (products service, BatchWriteItem)")
def make_products(world: World, arguments: argparse.Namespace) -> None:
    from chalicelib.domain.catalog.products import ProductFields
    from chalicelib.services.catalog import category_counts, products
    from chalicelib.store.repository import Transaction
    from local.seed import as_sent

    rng = random.Random(9)
    organization = world.ids["acme/organization/Acme Europe"]
    contexts: dict[tuple[str, ...], Any] = {}
    read_context = products._context

    def context_once(caller: Any, product: Any) -> Any:
        shape = (product.organization_id, *sorted(product.attributes))
        if shape not in contexts:
            contexts[shape] = read_context(caller, product)
        return contexts[shape]

    bulk = BulkCommit(world.endpoint, world.table)
    with (
        mock.patch.object(Transaction, "commit", lambda transaction: bulk(transaction)),
        mock.patch.object(products, "_context", context_once),
    ):
        for number in range(arguments.search_products):
            category = world.big if number < arguments.category_products else world.rest
            words = rng.sample(WORDS, 3)
            body = {
                "organization_id": organization,
                "sku": f"BENCH-{number:06d}",
                "name": {"en": " ".join(words).capitalize(), "de": " ".join(reversed(words)).capitalize()},
                "short_description": {"en": "A product of the storefront benchmark"},
                "brand": "Acme",
                "primary_category_id": category,
                "inventory": {"status": "in_stock", "quantity": str(rng.randint(0, 500))},
                "attributes": {"material": "steel", "weight": str(rng.randint(5, 5000) / 100)},
            }
            product = products.create_product(world.admin, as_sent(ProductFields, body))
            if category == world.big:
                world.products.append((product.id, product.sku))
    written = bulk.close()
    category_counts.recount(TENANT, organization)
    print(f"  {arguments.search_products} products, {written} items; counts recounted", flush=True)


@timed_step("made the customer-specific rules (visibility service, a transaction each)")
def make_exceptions(world: World, arguments: argparse.Namespace) -> None:
    from chalicelib.domain.catalog.rules import VisibilityRuleChange
    from chalicelib.services.catalog import visibility
    from local.seed import as_sent

    rng = random.Random(90)
    website = world.ids["acme/website/Acme Germany"]
    customer = world.ids["acme/customer/Globex"]
    units = [customer, unit_id(world, "Globex Manufacturing"), unit_id(world, "Plant Lyon")]
    group = world.ids["acme/customer-group/Key accounts"]
    for number, (product_id, _) in enumerate(rng.sample(world.products, arguments.exceptions)):
        rule: dict[str, Any] = {
            "website_id": website,
            "visibility": "visible" if number % 3 == 0 else "hidden",
        }
        if number % 5 < 3:
            rule |= {"level": "unit", "customer_id": customer, "unit_id": units[number % len(units)]}
        else:
            rule |= {"level": "group", "customer_group_id": group}
        visibility.set_product_rule(world.admin, product_id, as_sent(VisibilityRuleChange, rule))


def unit_id(world: World, name: str) -> str:
    """A demo unit's id: the seed's ledger keys a unit by its path from the company down."""
    return next(
        unit for key, unit in world.ids.items() if key.startswith("acme/unit/") and key.endswith(f"/{name}")
    )


@dataclass
class Figure:
    label: str
    round_trips: str
    items_read: int
    answered: int
    median_ms: float
    fastest_ms: float

    def line(self) -> str:
        return (
            f"{self.label:<46} {self.round_trips}; {self.items_read:>5} items read; {self.answered:>3} "
            f"answered; median {self.median_ms:6.1f} ms, min {self.fastest_ms:6.1f} ms"
        )


class Buyer:
    """Bob's requests to shop.acme.de, measured."""

    def __init__(self, world: World, meter: Meter, repeat: int) -> None:
        self.world, self.meter, self.repeat = world, meter, repeat
        self.token = world.api.token(TENANT, BUYER)
        self.call("GET", "/v1/store/me")  # his first sign-in binds his account: not what a page costs

    def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"X-Kontor-Host": SHOP, "Accept-Language": "en"}
        reply = self.world.api.call(method, path, token=self.token, body=body, headers=headers)
        if reply.status != 200:
            raise RuntimeError(f"{method} {path}: {reply.status} {reply.body}")
        return reply.body

    def measure(self, label: str, method: str, path: str, body: Any = None, *, key: str = "items") -> Figure:
        """The request's cost (the first run) and its time (``repeat`` more runs)."""
        self.meter.reset()
        answer = self.call(method, path, body)
        trips, read = self.meter.round_trips, self.meter.items_read
        runs = []
        for _ in range(self.repeat):
            started = time.perf_counter()
            self.call(method, path, body)
            runs.append((time.perf_counter() - started) * 1000)
        figure = Figure(label, trips, read, len(answer[key]), statistics.median(runs), min(runs))
        print(figure.line(), flush=True)
        return figure

    def cursor_to(self, path: str, page: int) -> str:
        """The cursor of page ``page`` (1-based) of a listing, followed page by page (not measured)."""
        cursor = ""
        for _ in range(page - 1):
            cursor = self.call("GET", f"{path}&cursor={quote(cursor)}" if cursor else path)["next_cursor"]
        return cursor


def report(world: World, arguments: argparse.Namespace) -> None:
    from chalicelib.services.catalog.storefront import forget_shops

    meter = Meter.installed()
    bob = Buyer(world, meter, arguments.repeat)
    count = arguments.category_products
    products = f"/v1/store/catalog/categories/{world.big}/products"

    print(f"\n1. the category tree ({len(world.ids)} demo entities seeded; 2 bench categories)")
    forget_shops()
    meter.reset()
    bob.call("GET", "/v1/store/catalog/categories")
    print(f"{'cold (the shop read: website, tree, selections)':<46} {meter.round_trips}")
    tree = bob.measure("warm", "GET", "/v1/store/catalog/categories")

    print(f"\n2. category_products: a page of {PAGE} of {count} products, {arguments.exceptions} exceptions")
    first = bob.measure("first page, newest first", "GET", f"{products}?sort=newest&limit={PAGE}")
    bob.measure("first page, by name", "GET", f"{products}?sort=name&limit={PAGE}")
    deep_page = count * 4 // 5 // PAGE + 1
    cursor = bob.cursor_to(f"{products}?sort=newest&limit={PAGE}", deep_page)
    deep = bob.measure(
        f"page {deep_page} of {count // PAGE}, newest first",
        "GET",
        f"{products}?sort=newest&limit={PAGE}&cursor={quote(cursor)}",
    )

    print(f"\n3. search over {arguments.search_products} products (at most 50 answered)")
    searches = [
        bob.measure(f"q={text!r}", "GET", f"/v1/store/catalog/search?q={quote(text)}") for text in SEARCHES
    ]

    print(f"\n4. a SKU lookup of {LOOKUP} from the big category ({arguments.exceptions} exceptions in it)")
    skus = [sku for _, sku in random.Random(7).sample(world.products, LOOKUP)]
    lookup = bob.measure(f"{LOOKUP} SKUs", "POST", "/v1/store/catalog/sku-lookup", {"skus": skus})

    print("\n5. a category hidden for a customer group (visibility service)")
    hide_for_group(world, meter, arguments)

    print(f"\n6. priced: {count} products in the website's list, {count // 5} in Plant Lyon's")
    price_everything(world)
    meter.reset()
    bob.call("GET", f"{products}?sort=newest&limit={PAGE}")
    print(f"{'first page, cold (the shop and the pricing re-read)':<46} {meter.round_trips}")
    priced = bob.measure("first page, newest first", "GET", f"{products}?sort=newest&limit={PAGE}")
    bob.measure(f"q={SEARCHES[0]!r}", "GET", f"/v1/store/catalog/search?q={quote(SEARCHES[0])}")
    bob.measure(f"{LOOKUP} SKUs", "POST", "/v1/store/catalog/sku-lookup", {"skus": skus})
    lines = [
        {"sku": sku, "unit": "each", "quantity": "12"}
        for _, sku in random.Random(11).sample(world.products, min(arguments.resolve_lines, count))
    ]
    resolve = bob.measure(
        f"resolve {len(lines)} lines", "POST", "/v1/store/prices/resolve", {"lines": lines}, key="lines"
    )

    print("\nratios")
    print(f"  deep page / first page, milliseconds: {deep.median_ms / first.median_ms:.2f}")
    print(f"  items read / products answered, first page: {first.items_read / max(first.answered, 1):.2f}")
    slowest = max(searches, key=lambda figure: figure.median_ms)
    ratio = slowest.median_ms / first.median_ms
    print(f"  slowest search ({slowest.label}) / first page, milliseconds: {ratio:.2f}")
    print(f"  SKU lookup of {LOOKUP} / first page, milliseconds: {lookup.median_ms / first.median_ms:.2f}")
    print(f"  first page / warm category tree, milliseconds: {first.median_ms / tree.median_ms:.2f}")
    print(f"  priced first page / first page, milliseconds: {priced.median_ms / first.median_ms:.2f}")
    print(
        f"  resolve of {len(lines)} lines / priced first page, milliseconds: "
        f"{resolve.median_ms / priced.median_ms:.2f}"
    )


@timed_step("priced the big category (price lists, prices and assignments services)")
def price_everything(world: World) -> None:
    from chalicelib.domain.pricing.price_lists import PriceListAssignment, PriceListFields, PriceUpsert
    from chalicelib.services.pricing import assignments, price_lists, prices
    from local.seed import as_sent

    organization = world.ids["acme/organization/Acme Europe"]

    def priced_list(name: str, products: list[tuple[str, str]], value: str) -> str:
        body = {"name": name, "organization_id": organization, "currencies": ["EUR"]}
        made = price_lists.create_price_list(world.admin, as_sent(PriceListFields, body))
        rows = [
            {
                "product_id": product_id,
                "unit": "each",
                "currency": "EUR",
                "min_quantity": tier,
                "value": price,
            }
            for product_id, _ in products
            for tier, price in (("1", value), ("10", str(Decimal(value) * Decimal("0.9"))))
        ]
        for start in range(0, len(rows), 1000):
            prices.upsert_prices(
                world.admin, made.id, as_sent(PriceUpsert, {"rows": rows[start : start + 1000]})
            )
        return made.id

    def assigned(list_id: str) -> PriceListAssignment:
        return as_sent(
            PriceListAssignment, {"fallback": "next", "lists": [{"price_list_id": list_id, "priority": 1}]}
        )

    website = priced_list("Bench website", world.products, "10.00")
    unit = priced_list("Bench Plant Lyon", world.products[::5], "9.50")
    assignments.set_website_price_lists(
        world.admin, world.ids["acme/website/Acme Germany"], assigned(website)
    )
    customer = world.ids["acme/customer/Globex"]
    assignments.set_unit_price_lists(world.admin, customer, unit_id(world, "Plant Lyon"), assigned(unit))


def hide_for_group(world: World, meter: Meter, arguments: argparse.Namespace) -> None:
    from chalicelib.domain.catalog.rules import VisibilityRuleChange
    from chalicelib.services.catalog import visibility
    from local.seed import as_sent

    organization = world.ids["acme/organization/Acme Europe"]
    rule = {
        "website_id": world.ids["acme/website/Acme Germany"],
        "level": "group",
        "customer_group_id": world.ids["acme/customer-group/Standard"],
        "visibility": "hidden",
    }
    for category, size in (
        (world.rest, arguments.search_products - arguments.category_products),
        (world.big, arguments.category_products),
    ):
        meter.reset()
        visibility.set_category_rule(world.admin, organization, category, as_sent(VisibilityRuleChange, rule))
        print(
            f"category of {size:>5} products: {len(meter.items_written)} items written "
            f"({', '.join(meter.items_written)}), {meter.condition_checks} checks; {meter.round_trips}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", help="a running DynamoDB (the local stack's: http://127.0.0.1:8001)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--category-products", type=int, default=5000)
    parser.add_argument("--exceptions", type=int, default=500)
    parser.add_argument("--search-products", type=int, default=20000)
    parser.add_argument("--resolve-lines", type=int, default=500)
    arguments = parser.parse_args()
    with (
        dynamodb_endpoint(arguments.endpoint) as endpoint,
        tempfile.TemporaryDirectory(prefix="kontor-shop-") as scratch,
    ):
        os.environ.update(environment(endpoint, Path(scratch)))
        (Path(scratch) / "dns-records.json").write_text(json.dumps({}))
        import boto3

        from chalicelib.platform.settings import get_settings
        from chalicelib.store.schema import create_table

        table = get_settings().table_name
        client = boto3.client("dynamodb", endpoint_url=endpoint)
        if table in client.list_tables()["TableNames"]:
            client.delete_table(TableName=table)  # a run that died left it: start afresh
        create_table(client, table)
        try:
            run(endpoint, table, Path(scratch), arguments)
        finally:
            client.delete_table(TableName=table)


def run(endpoint: str, table: str, scratch: Path, arguments: argparse.Namespace) -> None:
    from app import app
    from local.gateway import GatewayClient
    from local.seed import caller
    from tests.integration.conftest import Api

    ids = seed_demo()
    with GatewayClient(app, stage_name=STAGE) as client:
        world = World(endpoint, table, Api(client, scratch / "dev-issuer"), caller(TENANT, ADMIN), ids)
        world.big = new_category(world, "bench-big", "Benchmark big")
        world.rest = new_category(world, "bench-rest", "Benchmark rest")
        make_products(world, arguments)
        make_exceptions(world, arguments)
        report(world, arguments)


if __name__ == "__main__":
    main()
