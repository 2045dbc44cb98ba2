"""Placing an order end to end against DynamoDB Local: wall time, round trips and write units of
``POST /v1/store/checkouts/{id}/order`` for orders of 100 and 500 lines of distinct products. Prints
figures; never asserts.

What it builds, in a throw-away DynamoDB Local (or ``--endpoint``'s, in a table of its own), through
the app's routes: the shop of ``tests/integration/checkout_world.py`` (acme's shop.acme.de, German
VAT, a flat shipping method, the default term net30, Globex's Bob who checks out) with ``--products``
more products (500), each priced 1.00 EUR a piece. For each order size Bob starts a checkout of that
many lines (one per product), completes and reviews it (not measured), then places it, measured
``--repeat`` times on fresh checkouts (median and minimum of the wall time).

Write units: each placement's TransactWriteItems is sent with ``ReturnConsumedCapacity=TOTAL`` and
DynamoDB Local's answer printed when it gives one; beside it the units as DynamoDB bills a
transaction, from the items sent: 2 write units per KB (rounded up) of each item put, 2 per update and
per condition check of an item under 1 KB (the counter, the guards), sizes counted as
``benchmarks/order_item_size.py`` counts them.

    .venv/bin/python benchmarks/orders.py [--endpoint http://127.0.0.1:8001] [--products 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from catalog import dynamodb_endpoint  # noqa: E402 - benchmarks/catalog.py, beside this file
from order_item_size import size_of  # noqa: E402
from storefront import STAGE, environment  # noqa: E402

SIZES = (100, 500)


@dataclass
class Placement:
    """What one placement cost: its DynamoDB calls, the units its transaction consumed (as DynamoDB
    Local reports them, if it does) and the units billed for the items it sent."""

    calls: list[str] = field(default_factory=list)
    consumed: float | None = None
    billed: int = 0
    items: int = 0


class Metered:
    """Every DynamoDB call while :attr:`current` is set, and the placement transaction's units."""

    def __init__(self) -> None:
        from botocore.client import BaseClient

        self.current: Placement | None = None
        original = BaseClient._make_api_call

        def counting(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            placement = self.current
            if placement is None or client.meta.service_model.service_name != "dynamodb":
                return original(client, operation, params)
            placement.calls.append(operation)
            if operation == "TransactWriteItems":
                params = {**params, "ReturnConsumedCapacity": "TOTAL"}
                placement.billed, placement.items = billed_units(params["TransactItems"])
            answer = original(client, operation, params)
            consumed = answer.get("ConsumedCapacity")
            if operation == "TransactWriteItems" and consumed:
                placement.consumed = sum(float(each.get("CapacityUnits", 0)) for each in consumed)
            return answer

        BaseClient._make_api_call = counting  # type: ignore[method-assign]


def billed_units(actions: list[dict[str, Any]]) -> tuple[int, int]:
    """Write units of a transaction as DynamoDB bills them (2 per KB of each item), and its items."""
    from boto3.dynamodb.types import TypeDeserializer

    read = TypeDeserializer()
    units = 0
    for action in actions:
        (kind, request), *_ = action.items()
        if kind == "Put":
            item = {name: read.deserialize(value) for name, value in request["Item"].items()}
            units += 2 * math.ceil(size_of(item) / 1024)
        else:  # an update of the counter, a condition check of a guard: items under 1 KB
            units += 2
    return units, len(actions)


def fixtures(api: Any, dns_file: Path) -> Callable[[str], Any]:
    """The integration tier's factories by fixture name, on this app (as ``checkout_world`` asks)."""
    from integration import conftest

    from chalicelib.platform.dns import RecordsFile

    factories = conftest.Factories(api)
    made: dict[str, Any] = {
        "make_category": conftest.make_category.__wrapped__(api),
        "make_product": conftest.make_product.__wrapped__(api),
        "verify_hostname": conftest.verify_hostname.__wrapped__(api, RecordsFile(dns_file).publish),
    }
    for name in ("tenant", "organization", "website", "customer", "unit", "customer_user", "staff_user"):
        made[f"make_{name}"] = getattr(factories, name)
    return made.__getitem__


def place_one(shop: Any, meter: Metered, lines: int) -> tuple[float, float, Placement]:
    """One placement: its wall time, this process's CPU time (the app's; DynamoDB Local's is its own
    process's), and what it cost."""
    skus = shop.extra_skus[:lines]
    checkout = shop.reviewed("bob", shop.start("bob", *[(sku, "each", "2") for sku in skus]))
    placement = meter.current = Placement()
    started, cpu = time.perf_counter(), time.process_time()
    reply = shop.place("bob", checkout)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    meter.current = None
    if reply.status != 201:
        raise SystemExit(f"placing {lines} lines answered {reply.status}: {json.dumps(reply.body)[:300]}")
    return elapsed, cpu, placement


def _load() -> str:
    """The machine's 1, 5 and 15 minute load averages (shared machines: read timings beside them)."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def report(shop: Any, meter: Metered, repeat: int) -> None:
    for lines in SIZES:
        if lines > len(shop.extra_skus):
            continue
        runs = [place_one(shop, meter, lines) for _ in range(repeat)]
        times = [elapsed * 1000 for elapsed, _, _ in runs]
        cpu = statistics.median(spent * 1000 for _, spent, _ in runs)
        placement = runs[-1][2]
        consumed = f"{placement.consumed:g}" if placement.consumed is not None else "not reported"
        print(
            f"placing {lines} lines: {statistics.median(times):.0f} ms median, {min(times):.0f} ms min "
            f"({repeat} runs; the app's CPU {cpu:.0f} ms median; load average {_load()}); "
            f"{len(placement.calls)} round trips ({' + '.join(placement.calls)}); "
            f"one transaction of {placement.items} items: {placement.billed} write units billed "
            f"(2 per KB of each item), DynamoDB Local's ConsumedCapacity: {consumed}",
            flush=True,
        )


def run(scratch: Path, arguments: argparse.Namespace) -> None:
    from integration.checkout_world import build_checkout_shop
    from integration.conftest import PLATFORM_OPERATOR, Api

    from app import app
    from chalicelib.services.tenants import ensure_platform_operator
    from local.gateway import GatewayClient

    ensure_platform_operator(PLATFORM_OPERATOR, "Platform Operator")
    with GatewayClient(app, stage_name=STAGE) as client:
        api = Api(client, scratch / "dev-issuer")
        started = time.perf_counter()
        shop = build_checkout_shop(api, fixtures(api, scratch / "dns-records.json"), extra=arguments.products)
        print(
            f"built the shop with {arguments.products} more products: {time.perf_counter() - started:.0f} s"
        )
        report(shop, Metered(), arguments.repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", help="a running DynamoDB (the local stack's: http://127.0.0.1:8001)")
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    with (
        dynamodb_endpoint(arguments.endpoint) as endpoint,
        tempfile.TemporaryDirectory(prefix="kontor-orders-") as scratch,
    ):
        os.environ.update(environment(endpoint, Path(scratch)))
        os.environ["KONTOR_TABLE"] = "kontor-bench-orders"
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
            run(Path(scratch), arguments)
        finally:
            client.delete_table(TableName=table)


if __name__ == "__main__":
    main()
