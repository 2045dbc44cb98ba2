"""An example ERP client for the local stack: it pushes a product, a price list with tiers and a
customer through ``POST /v1/erp/messages``, polls ``GET /v1/erp/messages/{id}`` until each is
applied, then reads the order and customer events the stack exported to its ``erp-export`` queue
(moto SQS) and rebuilds each order from its events alone. ``docs/erp-design.md`` says what the
messages and the events hold.

    make run                       # in one terminal
    make erp-client                # in another (python -m local.erp_client)

Without ``--key`` it makes an integration key for tenant ``acme`` through ``POST
/v1/admin/integrations``, with a token of the local dev issuer for ``admin@acme.example``, and prints it
(as a real ERP gets one: a tenant administrator makes it and hands the secret over once). A stack
started with ``--ready-file`` (the e2e tier's) is found with ``--ready-file``; else the local stack's
default ports and ``.local``. Uses the standard library for HTTP and boto3 for SQS: nothing more than
the project already has.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ADMIN_EMAIL = "admin@acme.example"
TENANT = "acme"
FINAL_FATES = ("applied", "skipped_stale", "failed")
HTTP_TIMEOUT_SECONDS = 30
PRICE_LIST_CODE = "PL-ERP-DEMO"
CUSTOMER_CODE = "C-ERP-DEMO"
TIERS = (("1", "12.50"), ("10", "11.90"), ("100", "10.75"))  # (from quantity, unit price) in EUR


@dataclass(frozen=True)
class Target:
    """Where the local stack answers: its API, its SQS, its queues' prefix and its dev issuer."""

    api: str
    sqs_endpoint: str
    region: str
    queue_prefix: str
    dev_issuer_dir: Path

    @classmethod
    def of_ready_file(cls, path: Path) -> Target:
        ready = json.loads(path.read_text())
        environment = ready["environment"]
        return cls(
            ready["api"],
            environment["KONTOR_SQS_ENDPOINT"],
            environment["AWS_REGION"],
            environment["KONTOR_QUEUE_PREFIX"],
            Path(ready["dev_issuer_dir"]),
        )

    @classmethod
    def of_defaults(cls, data_dir: Path) -> Target:
        """The local stack as a plain ``make run`` starts it."""
        from local.environment import DataDir, chalice_config, default_ports, endpoint, local_environment

        config = chalice_config()
        ports = default_ports(config)
        data = DataDir(data_dir.resolve())
        environment = local_environment(config, ports, data)
        return cls(
            endpoint(ports.api),
            environment["KONTOR_SQS_ENDPOINT"],
            environment["AWS_REGION"],
            environment["KONTOR_QUEUE_PREFIX"],
            data.dev_issuer,
        )


class Api:
    """JSON over HTTP with a bearer token (an integration key or a staff token)."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            problem = error.read().decode(errors="replace")
            raise SystemExit(f"{method} {path}: {error.code} {problem}") from error


def demo_messages(organization_id: str, run: int) -> list[dict[str, Any]]:
    """A product, a price list and its tiered prices, and a customer with a branch, numbered ``run``
    (a newer run: a higher ``source_seq`` for the same entities, so its updates win)."""
    sku = "ERP-DEMO-1"
    rows = [
        {"sku": sku, "unit": "each", "currency": "EUR", "min_quantity": quantity, "value": price}
        for quantity, price in TIERS
    ]

    def message(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": kind,
            "id": f"demo-{run}-{kind}",
            "source_seq": run,
            "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "payload": payload,
        }

    return [
        message(
            "product.upsert",
            {"sku": sku, "organization_id": organization_id, "name": {"en": "Hex bolt M8 (ERP demo)"}},
        ),
        message(
            "price_list.upsert",
            {
                "code": PRICE_LIST_CODE,
                "organization_id": organization_id,
                "name": "ERP demo",
                "currencies": ["EUR"],
            },
        ),
        message("prices.upsert", {"price_list_code": PRICE_LIST_CODE, "rows": rows}),
        message(
            "customer.upsert",
            {
                "code": CUSTOMER_CODE,
                "name": "ERP Demo Trading GmbH",
                "units": [{"code": f"{CUSTOMER_CODE}-HH", "name": "Hamburg depot", "kind": "branch"}],
            },
        ),
    ]


def make_key(admin: Api, scopes: Sequence[str]) -> str:
    """A new integration key of the admin's tenant for ``scopes``; its secret is shown this once."""
    created = admin.call(
        "POST", "/v1/admin/integrations", {"name": "ERP demo client", "scopes": list(scopes)}
    )
    secret: str = created["secret"]
    return secret


def push(erp: Api, messages: list[dict[str, Any]], say: Callable[[str], None]) -> None:
    """Send the messages in order, one call each (the price list before its prices)."""
    for message in messages:
        [result] = erp.call("POST", "/v1/erp/messages", {"messages": [message]})["results"]
        say(f"sent     {message['type']:<18} {message['id']}: {result['status']}")
        wait_applied(erp, message["id"], say)


def wait_applied(erp: Api, message_id: str, say: Callable[[str], None], timeout: float = 120.0) -> str:
    """Poll the message's fate until it is final."""
    deadline = time.monotonic() + timeout
    while True:
        fate = erp.call("GET", f"/v1/erp/messages/{message_id}")
        if fate["status"] in FINAL_FATES:
            reason = f" ({fate['reason']})" if fate.get("reason") else ""
            say(f"fate     {message_id}: {fate['status']}{reason}")
            status: str = fate["status"]
            return status
        if time.monotonic() > deadline:
            raise SystemExit(f"{message_id} is still {fate['status']} after {timeout:.0f} s")
        time.sleep(0.5)


def read_exports(target: Target, wait_seconds: int, keep: bool) -> list[dict[str, Any]]:
    """Every CloudEvent waiting on the erp-export queue (deleted once read, unless ``keep``)."""
    import boto3

    sqs = boto3.client(
        "sqs",
        endpoint_url=target.sqs_endpoint,
        region_name=target.region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    url = sqs.get_queue_url(QueueName=f"{target.queue_prefix}-erp-export")["QueueUrl"]
    events: list[dict[str, Any]] = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds if not events else 1
        ).get("Messages", [])
        if not messages:
            return events
        for message in messages:
            events.append(json.loads(message["Body"]))
            if not keep:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def show_exports(events: list[dict[str, Any]], say: Callable[[str], None]) -> None:
    """Each event on a line, then each order rebuilt from its events alone."""
    from chalicelib.domain.erp_export import missing_versions, rebuild_order

    for event in sorted(events, key=lambda event: (event["subject"], event["aggregateversion"], event["id"])):
        data = event["data"]
        state = data["order"]["status"] if "order" in data else data.get("unit", {}).get("name", "")
        say(f"event    {event['type']:<32} {event['subject']} v{event['aggregateversion']} {state}")
    orders = sorted({event["subject"] for event in events if event["type"].startswith("com.kontor.order.")})
    for order_id in orders:
        order = rebuild_order(events, order_id)
        gaps = missing_versions(events, order_id)
        if order is None:
            say(f"order    {order_id}: its placed event or a line page has not arrived")
            continue
        total, lines = order["totals"]["grand_total"], len(order["lines"])
        say(
            f"order    {order['number']} {order['status']} v{order['version']}, {lines} line(s),"
            f" {total['amount']} {total['currency']}" + (f"; versions not received: {gaps}" if gaps else "")
        )


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local.erp_client", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--ready-file", type=Path, help="the stack's ready file (make run ARGS=--ready-file ...)"
    )
    parser.add_argument(
        "--data-dir", type=Path, default=Path(".local"), help="the stack's data (default .local)"
    )
    parser.add_argument(
        "--key", help="an integration key (ik.<tenant>.<id>.<secret>); made for acme if unset"
    )
    parser.add_argument(
        "--organization", help="the organization the product and list go to (default: acme's first)"
    )
    parser.add_argument("--wait", type=int, default=5, help="seconds to wait for the first exported event")
    parser.add_argument("--keep", action="store_true", help="leave the exported events on the queue")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, say: Callable[[str], None] = print) -> int:
    args = _arguments(argv)
    target = Target.of_ready_file(args.ready_file) if args.ready_file else Target.of_defaults(args.data_dir)
    from chalicelib.platform.dev_issuer import mint_token

    admin = Api(target.api, mint_token(target.dev_issuer_dir, tenant_id=TENANT, email=ADMIN_EMAIL))
    organization = args.organization or admin.call("GET", "/v1/admin/organizations")["items"][0]["id"]
    messages = demo_messages(organization, time.time_ns() // 1_000_000)
    key = args.key or make_key(admin, sorted({message["type"] for message in messages}))
    if not args.key:
        say(f"key      {key}  (POST /v1/admin/integrations; pass it again with --key)")
    push(Api(target.api, key), messages, say)
    events = read_exports(target, args.wait, args.keep)
    say(f"exported {len(events)} event(s) on {target.queue_prefix}-erp-export")
    show_exports(events, say)
    return 0


if __name__ == "__main__":
    sys.exit(main())
