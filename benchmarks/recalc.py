"""Rule-based lists' recalculation (``chalicelib.services.pricing.recalculation``), in memory and end to
end on DynamoDB Local (or moto). Prints figures; never asserts.

1. In memory: ``generate_rows`` for ``--memory-products`` products (100,000 unless set) of a list with
   two rules based on a list of 3 tiers in EUR (a discount, and a margin for one brand), from their
   facts: rows per second of CPU time.
2. End to end, through the services as the pricing consumer calls them (its messages handed to
   ``recalculation.handle_message`` in this process; the messages it sends itself kept in a list and
   handled in turn, as its queue would): ``--products`` products priced in a base list, then
   a. a rule-based list created on it: every product of the organization, a page per message;
   b. every base price changed (the ``price_list.prices_changed`` events of the bulk call, 48 products
      each): the rule list's rows follow;
   c. the same events again (a replay): nothing is written;
   d. one base price changed: the items the upsert writes, then the rule list's (only the dependent
      price).
   For each: wall time, rows written per second, items written per changed row, round trips. The time of
   (a) and (b) is how long the last product's new price takes to be visible with one consumer (on
   AWS, several consumers share the pages and the events).

    .venv/bin/python benchmarks/recalc.py [--backend dynamodb-local|moto] [--endpoint URL]
        [--products 2000] [--memory-products 100000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.catalog import Recorder  # noqa: E402
from benchmarks.prices import TENANT, backend, rows, world  # noqa: E402

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


def end_to_end(products: int) -> None:
    from chalicelib.domain.pricing.price_lists import MAX_ROWS_PER_CALL, PriceListFields, PriceUpsert
    from chalicelib.services.pricing import price_lists, prices, recalculation

    caller, base, made = world(products)
    per_event = prices.PRODUCTS_PER_TRANSACTION
    recorder = Recorder()
    sent: list[dict[str, Any]] = []
    recalculation._continue = lambda tenant_id, price_list_id, cursor: sent.append(  # type: ignore[assignment]
        {
            "type": recalculation.RECALCULATE,
            "tenant_id": tenant_id,
            "price_list_id": price_list_id,
            "cursor": cursor,
        }
    )

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

    def handled(messages: list[dict[str, Any]]) -> Callable[[], int]:
        def run() -> int:
            pending = list(messages)
            while pending:
                recalculation.handle_message(pending.pop(0))
                pending += sent
                sent.clear()
            return len(messages)

        return run

    upsert("10.00")
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
    print(f"end to end: {products:,} products, one EUR row each in the base list")
    measure("a. rule list created (every page)", recorder, handled([created]), products)
    changed = upsert("12.00")
    measure("b. every base price changed", recorder, handled(changed), products)
    measure("c. the same events again (replay)", recorder, handled(changed), 0)
    one = [
        {**event, "after": {**event["after"], "changed_product_ids": [made[0][0]]}} for event in changed[:1]
    ]
    value = PriceUpsert.model_validate({"rows": rows(made[:1], "13.00")})
    with recorder.counting() as tally:
        prices.upsert_prices(caller, base, value)
    print(f"d. one base price changed: {tally.items_written} items written by the upsert")
    measure("   its rule list's price follows", recorder, handled(one), 1)


def measure(label: str, recorder: Recorder, call: Callable[[], int], changed_rows: int) -> None:
    with recorder.counting() as tally:
        started = time.perf_counter()
        call()
        elapsed = time.perf_counter() - started
    per_row = f"{tally.items_written / changed_rows:.2f}" if changed_rows else "-"
    calls = ", ".join(f"{count} {name}" for name, count in tally.calls.items())
    print(
        f"{label:<36} {elapsed:7.1f} s; {changed_rows / elapsed:7.0f} rows/s; {tally.items_written:>6} items "
        f"written ({per_row} a changed row); {tally.round_trips} round trips ({calls})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["moto", "dynamodb-local"], default="dynamodb-local")
    parser.add_argument("--endpoint", help="a running DynamoDB (the local stack's: http://127.0.0.1:8001)")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--memory-products", type=int, default=100_000)
    arguments = parser.parse_args()
    in_memory(arguments.memory_products)
    with backend(arguments.backend, arguments.endpoint):
        end_to_end(arguments.products)


if __name__ == "__main__":
    main()
