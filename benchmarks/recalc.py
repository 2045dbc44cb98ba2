"""Rule-based lists' recalculation (``chalicelib.services.pricing.recalculation``), in memory and end to
end on DynamoDB Local (or moto). Prints figures; never asserts.

1. In memory: ``generate_rows`` for ``--memory-products`` products (100,000 unless set) of a list with
   two rules based on a list of 3 tiers in EUR (a discount, and a margin for one brand), from their
   facts: rows per second of CPU time.
2. End to end, through the services as the pricing consumer calls them: ``--products`` products
   (their items written with BatchWriteItem in the product service's shapes) priced in a base list
   (one EUR row each, written with BatchWriteItem as ``prices.price_items`` shapes them), then
   ``--consumers`` threads (2 unless set; on AWS, the consumer's concurrent Lambda instances) taking
   the pricing queue's messages (``recalculation.handle_message``; the messages it sends itself, a
   list's next page, join the queue; a message that fails is redelivered, as the queue would):
   a. a rule-based list created on it: every product of the organization, a page per message;
   b. every base price changed (the ``price_list.prices_changed`` events of the bulk call, 48 products
      each): the rule list's rows follow;
   c. the same events again (a replay): nothing is written;
   d. one base price changed: the items the upsert writes, then the rule list's (only the dependent
      price), and the seconds from the upsert until a buyer's read of the sheet (pattern 98, what
      the storefront and ``POST /v1/store/prices/resolve`` read) shows the new price.
   For each: wall time, CPU time of this process (the recalculation outside storage: DynamoDB Local
   is another process), rows written per second, items written per changed row, round trips and the
   load average. ``--no-every-price`` leaves out (b) and (c), for large runs.

    .venv/bin/python benchmarks/recalc.py [--backend dynamodb-local|moto] [--endpoint URL]
        [--products 2000] [--memory-products 100000] [--consumers 2] [--no-every-price]
    make bench-recalc ARGS="--products 100000 --no-every-price"   # the issue's figure
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from queue import Queue
from threading import Thread
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.catalog import LOAD_THREADS, Recorder  # noqa: E402
from benchmarks.prices import TENANT, backend, rows, world  # noqa: E402
from chalicelib.platform.queues import MAX_RECEIVES  # noqa: E402

BASE_LIST = "prl_01J00000000000000000000000"
TIERS = ("1", "10", "100")


def in_memory(products: int) -> None:
    from chalicelib.domain.pricing.rules import PriceRow, PriceRule, generate_rows

    rules = [
        PriceRule.model_validate(
            {
                "id": "prr_01J00000000000000000000001",
                "based_on": BASE_LIST,
                "formula": "base.value * 0.9",
                "priority": 1,
            }
        ),
        PriceRule.model_validate(
            {
                "id": "prr_01J00000000000000000000002",
                "based_on": BASE_LIST,
                "condition": "product.brand == 'ACME'",
                "formula": "max(product.attributes.cost * 1.35, base.value * 0.8)",
            }
        ),
    ]
    base = {
        BASE_LIST: [
            PriceRow("each", "EUR", Decimal(tier), Decimal("12.50") - Decimal(index), None)
            for index, tier in enumerate(TIERS)
        ]
    }
    facts = [
        {
            "id": f"prd_{number}",
            "sku": f"B-{number:06d}",
            "brand": "ACME" if number % 2 else "Bosch",
            "kind": "simple",
            "category_ids": ("cat_fasteners", "cat_bolts"),
            "attributes": {"cost": Decimal("7.10")},
        }
        for number in range(products)
    ]
    started = time.process_time()
    made = sum(len(generate_rows(rules, product, base, {}, "half_up").rows) for product in facts)
    elapsed = time.process_time() - started
    print(
        f"in memory: {products:,} products, {made:,} rows in {elapsed:.1f} s of CPU: "
        f"{made / elapsed:,.0f} rows/s ({elapsed / products * 1e6:.0f} us a product)"
    )


def load_base_rows(base: str, made: list[tuple[str, str]], value: str) -> None:
    """Every product's row in the base list, written with BatchWriteItem in the items the price service
    shapes (``prices.price_items``: the (list, product) item and a new sheet), by ``LOAD_THREADS``
    threads: what the bulk upsert would write, without its 2,000 transactions."""
    from chalicelib.services.pricing import prices
    from chalicelib.store import repository

    stored = [{"unit": "each", "currency": "EUR", "min_quantity": "1", "value": value}]
    written = [
        repository.Record(key, type, data, version=1)
        for product_id, _ in made
        for key, type, data in prices.price_items(TENANT, base, product_id, stored)
    ]
    with ThreadPoolExecutor(LOAD_THREADS) as pool:
        list(pool.map(repository.put_all, [written[start::LOAD_THREADS] for start in range(LOAD_THREADS)]))


class Consumers:
    """``count`` threads consuming the pricing queue as several consumer instances would: each message
    handed to ``recalculation.handle_message``; the messages the worker sends itself (a list's next
    page) join the queue."""

    def __init__(self, count: int) -> None:
        from chalicelib.services.pricing import recalculation

        self.count = count
        self.queue: Queue[dict[str, Any]] = Queue()
        self.failures: list[BaseException] = []
        self.redelivered: Counter[str] = Counter()
        recalculation._continue = lambda tenant_id, price_list_id, cursor: self.queue.put(  # type: ignore[assignment]
            {
                "type": recalculation.RECALCULATE,
                "tenant_id": tenant_id,
                "price_list_id": price_list_id,
                "cursor": cursor,
            }
        )
        for _ in range(count):
            Thread(target=self._consume, daemon=True).start()

    def _consume(self) -> None:
        from chalicelib.services.pricing import recalculation

        while True:
            message = self.queue.get()
            try:
                recalculation.handle_message(message)
            except Exception as failure:  # redelivered, as the queue would, up to its receive count
                self.redelivered[f"{type(failure).__name__}: {failure}"[:160]] += 1
                attempt = message.get("_attempt", 1)
                if attempt < MAX_RECEIVES:
                    self.queue.put({**message, "_attempt": attempt + 1})
                else:
                    self.failures.append(failure)
            finally:
                self.queue.task_done()

    def handled(self, messages: list[dict[str, Any]]) -> Callable[[], int]:
        def run() -> int:
            for message in messages:
                self.queue.put(message)
            self.queue.join()
            if self.failures:
                raise self.failures[0]
            return len(messages)

        return run


def end_to_end(products: int, consumers: int, every_price: bool) -> None:
    from chalicelib.domain.pricing.engine import AssignedList, ChainLevel, PriceChain
    from chalicelib.domain.pricing.price_lists import MAX_ROWS_PER_CALL, PriceListFields, PriceUpsert
    from chalicelib.services.pricing import chains, price_lists, prices

    started = time.perf_counter()
    caller, base, made = world(products)
    load_base_rows(base, made, "10.00")
    print(
        f"end to end: {products:,} products and their EUR row in the base list loaded in "
        f"{time.perf_counter() - started:.0f} s (BatchWriteItem); {consumers} consumer thread(s)"
    )
    per_event = prices.PRODUCTS_PER_TRANSACTION
    recorder = Recorder()
    queue = Consumers(consumers)

    def upsert(value: str) -> list[dict[str, Any]]:
        """The base rows set to ``value`` (bulk calls of 1,000); the events they emitted (one per 48
        products)."""
        events = []
        for start in range(0, len(made), MAX_ROWS_PER_CALL):
            body = PriceUpsert.model_validate({"rows": rows(made[start : start + MAX_ROWS_PER_CALL], value)})
            changed = prices.upsert_prices(caller, base, body).changed_product_ids
            events += [
                {
                    "type": prices.PRICES_CHANGED,
                    "tenant_id": TENANT,
                    "entity_id": base,
                    "after": {"id": base, "changed_product_ids": changed[first : first + per_event]},
                }
                for first in range(0, len(changed), per_event)
            ]
        return events

    fields = {
        "name": "Contract",
        "organization_id": price_lists.get_price_list(caller, base).organization_id,
        "currencies": ["EUR"],
        "kind": "rule_based",
        "rules": [{"based_on": base, "formula": "base.value * 0.9"}],
    }
    contract = price_lists.create_price_list(caller, PriceListFields.model_validate(fields))
    created = {"type": "price_list.created", "tenant_id": TENANT, "before": None}
    created["after"] = {"id": contract.id, "rules": contract.list_rules().model_dump(), "currencies": ["EUR"]}
    measure("a. rule list created (every page)", recorder, queue.handled([created]), products)
    if every_price:
        changed = upsert("12.00")
        measure("b. every base price changed", recorder, queue.handled(changed), products)
        measure("c. the same events again (replay)", recorder, queue.handled(changed), 0)
    buyer = PriceChain([ChainLevel("website", "web_bench", (AssignedList(contract.id),))], "minimal")
    product_id = made[len(made) // 2][0]
    expected = Decimal("13.00") * Decimal("0.9")
    clock = time.perf_counter()
    with recorder.counting() as tally:
        events = upsert_one(caller, base, made, product_id, "13.00")
    print(f"d. one base price changed: {tally.items_written} items written by the upsert")
    measure("   its rule list's price follows", recorder, queue.handled(events), 1)
    seen = chains.sheets(TENANT, buyer, [product_id])[product_id]
    price = buyer.price(seen, "each", "EUR", Decimal(1))
    print(
        f"   a buyer's read (the sheet projected to the rule list, pattern 98) shows "
        f"{price.value if price else None} (expected {expected}) {time.perf_counter() - clock:.2f} s after "
        "the upsert began (events handed over in process: the local stack's stream, dispatcher and queue "
        "add ~0.5 s, tests/e2e/test_rule_prices.py)"
    )
    print(f"messages redelivered after a failure (as the queue would): {queue.redelivered.total()}")
    for failure, count in queue.redelivered.items():
        print(f"   {count} x {failure}")


def upsert_one(
    caller: Any, base: str, made: list[tuple[str, str]], product_id: str, value: str
) -> list[dict[str, Any]]:
    """One product's base row set to ``value`` through the bulk upsert; the event it emitted."""
    from chalicelib.domain.pricing.price_lists import PriceUpsert
    from chalicelib.services.pricing import prices

    sku = dict(made)[product_id]
    body = PriceUpsert.model_validate({"rows": rows([(product_id, sku)], value)})
    changed = prices.upsert_prices(caller, base, body).changed_product_ids
    after = {"id": base, "changed_product_ids": changed}
    return [{"type": prices.PRICES_CHANGED, "tenant_id": TENANT, "entity_id": base, "after": after}]


def measure(label: str, recorder: Recorder, call: Callable[[], int], changed_rows: int) -> None:
    """Wall time, CPU time of this process (the recalculation outside storage: DynamoDB Local is
    another process), rows per second, items written and round trips of one call."""
    with recorder.counting() as tally:
        started, cpu = time.perf_counter(), time.process_time()
        call()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    per_row = f"{tally.items_written / changed_rows:.2f}" if changed_rows else "-"
    calls = ", ".join(f"{count} {name}" for name, count in tally.calls.items())
    print(
        f"{label:<36} {elapsed:7.1f} s wall, {cpu:6.1f} s CPU outside storage; "
        f"{changed_rows / elapsed:7.0f} rows/s; "
        f"{tally.items_written:>6} items written ({per_row} a changed row); {tally.round_trips} round trips "
        f"({calls}); load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["moto", "dynamodb-local"], default="dynamodb-local")
    parser.add_argument("--endpoint", help="a running DynamoDB (the local stack's: http://127.0.0.1:8001)")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--memory-products", type=int, default=100_000)
    parser.add_argument(
        "--consumers", type=int, default=2, help="consumer threads (several Lambda instances)"
    )
    parser.add_argument(
        "--no-every-price",
        dest="every_price",
        action="store_false",
        help="skip b and c (for 100,000 products)",
    )
    arguments = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    in_memory(arguments.memory_products)
    with backend(arguments.backend, arguments.endpoint):
        end_to_end(arguments.products, arguments.consumers, arguments.every_price)


if __name__ == "__main__":
    main()
