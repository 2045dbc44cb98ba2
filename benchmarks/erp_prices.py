"""ERP price rows end to end through the local stack on DynamoDB Local (issue 12's figure): rows per
second, write units per row, and the seconds until a buyer sees the last rows. Prints figures; never
asserts.

What it does: starts the local stack (``python -m local.run``, as the e2e tier does: free ports, its own
data folder, the small demo catalog), loads ``--rows / --rows-per-product`` products into the
organization of ``shop.acme.de`` (their PRODUCT and SKU items, BatchWriteItem, as
``benchmarks/prices.py`` loads them), has an integration key send a ``price_list.upsert`` (the list
``PL-BENCH`` in EUR, then assigned first on shop.acme.de) and then the rows: ``prices.upsert`` messages of
``--rows-per-message`` rows (1,000: a message's cap, about 80 KB of its queue's 256 KB), the parts of
one update of the list (``source_seq`` 1), as many a ``POST /v1/erp/messages`` as fit its 256 KB
body. The stack's inbound poller applies them. Two rounds:

1. the rows new: from the first POST until every message has its fate (rows/s), and until Ina
   (Initech, a buyer on shop.acme.de) is quoted the last message's prices by
   ``POST /v1/store/prices/resolve``;
2. the same rows again, unchanged, in new messages (the list's update 2): what remains written.

Write units: the stack runs with ``benchmarks/erp_meter`` on its ``PYTHONPATH``, whose
``sitecustomize`` sends each DynamoDB write with ``ReturnConsumedCapacity=INDEXES`` and logs the units
DynamoDB Local reports (and the items each call wrote), by thread: the inbound poller (the worker), the
API (the ingest's import records) and the other pollers (the audit log of the price events...).
DynamoDB Local's figure for a transaction is its own (6 units for 98 items), so the units AWS would bill
for the items sent are printed beside it (``billed``; the rules in ``benchmarks/erp_meter``).

    .venv/bin/python benchmarks/erp_prices.py [--rows 100000] [--rows-per-product 5]
    make bench-erp ARGS="--rows 10000"
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.prices import load_products  # noqa: E402
from tests.e2e.stack import SMALL_CATALOG, Stack  # noqa: E402

SHOP = "shop.acme.de"
SHOWN_SKU = "WS08-000"  # a demo wood screw the buyer sees: the loaded products go in its category
ADMIN, BUYER = "admin@acme.example", "ina.admin@initech.example"
LIST_CODE = "PL-BENCH"
TIERS = ("1", *(str(10 * step) for step in range(1, 100)))  # a product holds at most 100 rows
MAX_BODY_BYTES = 262_144  # the API's limit on a request body (KONTOR_MAX_BODY_BYTES)
WAIT_SECONDS = 3600.0
POST_ATTEMPTS = 10
METER = REPO / "benchmarks" / "erp_meter"


class Unavailable(Exception):
    """A 5xx: DynamoDB Local did not answer in time on a loaded machine; asked again."""


def load() -> str:
    return open("/proc/loadavg").read().strip()


class Bench:
    """The stack, its admin and the integration key."""

    def __init__(self, stack: Stack, meter: Path) -> None:
        self.stack = stack
        self.meter = meter
        self.admin = stack.token("acme", ADMIN)
        self.buyer = stack.token("acme", BUYER)
        created = self.ok(
            "POST",
            "/v1/admin/integrations",
            json={"name": "bench", "scopes": ["price_list.upsert", "prices.upsert"]},
        )
        self.key = created["secret"]
        websites = self.ok("GET", "/v1/admin/websites", params={"limit": 100})["items"]
        (self.website,) = [site for site in websites if SHOP in site["hostnames"]]

    def ok(self, method: str, path: str, token: str | None = None, **options: Any) -> Any:
        response = self.stack.call(method, path, token=token or self.admin, **options)
        if response.status_code >= 500:
            raise Unavailable(f"{method} {path}: {response.text}")
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    def send(self, messages: list[dict[str, Any]]) -> None:
        """``messages`` in as few POSTs as the body limit allows; every one must be accepted."""
        batch: list[str] = []
        for message in messages:
            encoded = json.dumps(message, separators=(",", ":"))
            if batch and sum(len(m) + 1 for m in batch) + len(encoded) + 20 > MAX_BODY_BYTES:
                self._post(batch)
                batch = []
            batch.append(encoded)
        if batch:
            self._post(batch)

    def _post(self, encoded: list[str]) -> None:
        body = '{"messages":[' + ",".join(encoded) + "]}"
        headers = {"Content-Type": "application/json"}
        for _ in range(POST_ATTEMPTS):  # a message id sent again is answered by its fate, never queued twice
            response = self.stack.call("POST", "/v1/erp/messages", token=self.key, data=body, headers=headers)
            if response.status_code < 500:
                break
            time.sleep(1)
        assert response.status_code == 200, response.text
        refused = [result for result in response.json()["results"] if result["status"] == "rejected"]
        assert not refused, refused

    def category_of(self, sku: str) -> str:
        """The primary category of the product with ``sku`` (every page of the admin's products)."""
        params: dict[str, Any] = {"limit": 100}
        while True:
            page = self.ok("GET", "/v1/admin/products", params=params)
            if found := [item for item in page["items"] if item["sku"] == sku]:
                return str(found[0]["primary_category_id"])
            params["cursor"] = page["next_cursor"]

    def fates(self, message_ids: list[str]) -> dict[str, int]:
        """How many of the messages are in each status (GET /v1/erp/messages/{id} for each)."""
        counts: dict[str, int] = defaultdict(int)
        for message_id in message_ids:
            counts[self.ok("GET", f"/v1/erp/messages/{message_id}", token=self.key)["status"]] += 1
        return dict(counts)

    def resolved(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The storefront's price read of the rows' SKUs at their tiers, as the buyer."""
        body = {"lines": [{"sku": r["sku"], "unit": "each", "quantity": r["min_quantity"]} for r in rows]}
        answer = self.ok(
            "POST", "/v1/store/prices/resolve", token=self.buyer, json=body, headers={"X-Kontor-Host": SHOP}
        )
        lines: list[dict[str, Any]] = answer["lines"]
        return lines

    def quoted(self, rows: list[dict[str, Any]]) -> bool:
        """Whether the buyer is quoted each row's value at its tier."""
        got = [Decimal((line["unit_price"] or {}).get("amount", "-1")) for line in self.resolved(rows)]
        return got == [Decimal(row["value"]) for row in rows]

    def written(self) -> int:
        """Where the meter's log ends now."""
        return self.meter.stat().st_size if self.meter.exists() else 0


def wait(check: Callable[[], bool], what: str) -> float:
    started = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic()
        except Unavailable:
            pass
        if time.monotonic() - started > WAIT_SECONDS:
            raise SystemExit(f"{what}: not after {WAIT_SECONDS:.0f} s")
        time.sleep(1)


def settle(bench: Bench, quiet_seconds: float = 5.0) -> None:
    """Until the stack has written nothing for ``quiet_seconds`` (the seed's audit backlog, say)."""
    size, since = bench.written(), time.monotonic()
    while time.monotonic() - since < quiet_seconds:
        time.sleep(0.5)
        if (now := bench.written()) != size:
            size, since = now, time.monotonic()


def units(bench: Bench, start: int) -> dict[str, dict[str, float]]:
    """The writes logged since ``start``, by who made them: calls, items, units DynamoDB Local reported,
    and units as AWS bills the items sent (see ``benchmarks/erp_meter``)."""
    who: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    with bench.meter.open() as meter:
        meter.seek(start)
        for line in meter:
            write = json.loads(line)
            thread = write["thread"]
            name = (
                "worker (erp-inbound)"
                if "erp-inbound" in thread
                else thread.split(" ")[0]
                if "poller" in thread
                else "API (ingest)"
            )
            tally = who[name]
            if "failed" in write:  # not counted: refused, or timed out (its retry, if any, is)
                tally[f"failed {write['operation']}"] += 1
                continue
            reported = float(write["units"] or 0)
            tally["calls"] += 1
            tally["items"] += write["items"]
            tally[write["operation"]] += 1
            tally["reported"] += reported
            tally["billed"] += write["billed"]
    return who


def report(label: str, rows: int, who: dict[str, dict[str, float]]) -> None:
    print(f"  write units {label} (reported: DynamoDB Local's; billed: AWS's rules on the items sent):")
    for name, tally in sorted(who.items()):
        operations = ", ".join(
            f"{int(v)} {k}" for k, v in tally.items() if k not in ("calls", "items", "reported", "billed")
        )
        print(
            f"    {name:<24} {tally['reported']:>9.0f} reported ({tally['reported'] / rows:.3f}/row), "
            f"{tally['billed']:>9.0f} billed ({tally['billed'] / rows:.3f}/row); "
            f"{int(tally['items'])} items in {operations}"
        )
    reported = sum(t["reported"] for t in who.values())
    billed = sum(t["billed"] for t in who.values())
    print(
        f"    {'all':<24} {reported:>9.0f} reported ({reported / rows:.3f}/row), "
        f"{billed:>9.0f} billed ({billed / rows:.3f}/row)"
    )


def _value(number: int) -> str:
    """The price of the ``number``-th product's rows: 10.00 to 99.99."""
    return f"{10 + number % 90}.{number % 100:02d}"


def messages(
    products: list[tuple[str, str]],
    arguments: argparse.Namespace,
    seq: int,
    value: Callable[[int], str],
) -> list[dict[str, Any]]:
    """The rows as one update of the list (``seq``), in parts of ``--rows-per-message`` rows."""
    rows = [
        {"sku": sku, "unit": "each", "currency": "EUR", "min_quantity": tier, "value": value(number)}
        for number, (_, sku) in enumerate(products)
        for tier in TIERS[: arguments.rows_per_product]
    ][: arguments.rows]
    size = arguments.rows_per_message
    return [
        {
            "type": "prices.upsert",
            "id": f"bench-{seq}-{part}",
            "source_seq": seq,
            "occurred_at": "2026-12-06T00:00:00Z",
            "payload": {"price_list_code": LIST_CODE, "rows": rows[start : start + size]},
        }
        for part, start in enumerate(range(0, len(rows), size), start=1)
    ]


def round_trip(bench: Bench, label: str, sent: list[dict[str, Any]], rows: int) -> None:
    ids = [message["id"] for message in sent]
    last_rows = sent[-1]["payload"]["rows"][-20:]
    start = bench.written()
    started, cpu = time.monotonic(), time.process_time()
    bench.send(sent)
    posted = time.monotonic()
    done = wait(
        lambda: "accepted" not in bench.fates(ids[-1:] + ids[:1]) and "accepted" not in bench.fates(ids),
        "every fate",
    )
    seen = wait(lambda: bench.quoted(last_rows), "the buyer's prices")
    fates = bench.fates(ids)
    settle(bench)
    print(f"{label}: {rows} rows in {len(sent)} messages; load {load()}")
    print(
        f"  POSTs took {posted - started:.1f} s; every message's fate after {done - started:.1f} s: "
        f"{rows / (done - started):.0f} rows/s; fates {fates}"
    )
    print(f"  the buyer is quoted the last rows {seen - started:.1f} s after the first POST")
    print(f"  this process's CPU: {time.process_time() - cpu:.1f} s")
    report(label, rows, units(bench, start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rows-per-product", type=int, default=5, choices=range(1, len(TIERS) + 1))
    parser.add_argument("--rows-per-message", type=int, default=1000)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kontor-erp-bench-"))
    meter = folder / "meter.jsonl"
    environment = {**SMALL_CATALOG, "PYTHONPATH": str(METER), "KONTOR_BENCH_METER": str(meter)}
    print(f"starting the local stack in {folder}; load {load()}")
    stack = Stack(folder / "data", environment)
    try:
        os.environ.update(stack.environment)
        bench = Bench(stack, meter)
        organization = bench.website["organization_id"]
        count = -(-arguments.rows // arguments.rows_per_product)
        table = stack.environment["KONTOR_TABLE"]
        category = bench.category_of(SHOWN_SKU)
        products = load_products(organization, count, tenant_id="acme", table=table, category_id=category)
        price_list = {
            "code": LIST_CODE,
            "organization_id": organization,
            "name": "ERP bench",
            "currencies": ["EUR"],
        }
        bench.send(
            [
                {
                    "type": "price_list.upsert",
                    "id": "bench-list",
                    "source_seq": 1,
                    "occurred_at": "2026-12-06T00:00:00Z",
                    "payload": price_list,
                }
            ]
        )
        wait(lambda: bench.fates(["bench-list"]) == {"applied": 1}, "the price list")
        listed = bench.ok("GET", "/v1/admin/price-lists", params={"limit": 100})["items"]
        (list_id,) = [item["id"] for item in listed if item["name"] == "ERP bench"]
        assignment = f"/v1/admin/websites/{bench.website['id']}/price-lists"
        current = bench.ok("GET", assignment)
        lists = [{"price_list_id": list_id, "priority": 0, "merge_allowed": True}] + [
            {**item, "priority": item["priority"] + 1} for item in current["lists"]
        ]
        bench.ok("PUT", assignment, json={"fallback": current["fallback"], "lists": lists})
        (before,) = bench.resolved([{"sku": products[-1][1], "min_quantity": "1"}])
        if before["error"] != "not-priced":  # shown to the buyer, with no price yet
            raise SystemExit(f"the buyer does not see the loaded products as unpriced: {before}")
        print(f"{count} products loaded, the list assigned; waiting for the stack to settle; load {load()}")
        settle(bench)
        new = messages(products, arguments, 1, _value)
        round_trip(bench, "new rows", new, arguments.rows)
        again = messages(products, arguments, 2, _value)
        round_trip(bench, "the same rows again", again, arguments.rows)
    finally:
        print(f"stack stopped: exit code {stack.stop()}; load {load()}")


if __name__ == "__main__":
    main()
