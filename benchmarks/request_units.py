"""DynamoDB request units, SQS requests and invocations of one order-like write, measured. Prints only.

Orders do not exist yet. Until they do, one "order" is modelled by the heaviest create flow the code
has: ``POST /v1/admin/websites`` with an ``Idempotency-Key`` (one TransactWriteItems: the entity, its
host-name claims, the outbox event and the idempotency record), then what the write sets off (the
stream dispatcher's SQS sends, the audit consumer's conditional PutItem), and two reads (the item and
the first page of the list).

The app runs in-process on moto through ``chalice.test.Client``; every DynamoDB and SQS call is
recorded with its payload and answer, and units are computed with DynamoDB's sizing rules (item size
= attribute names + values; writes 1 WRU per started KB, transactional x2; each GSI an item appears
in is one more write of the item, all projections here are ALL; reads 1 RRU per started 4 KB when
strongly consistent, 0.5 when eventually consistent). Cost per million orders: docs/deploy.md.

    .venv/bin/python benchmarks/request_units.py
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TENANT = "acme"
ADMIN = "admin@acme.example"
OPERATOR = "operator@kontor.example"
GSI_KEYS = ("GSI1PK", "GSI2PK", "GSI3PK")
KB = 1024


def value_size(value: dict[str, Any]) -> int:
    [(kind, content)] = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        digits = len(content.lstrip("-").replace(".", "").lstrip("0")) or 1
        return (digits + 1) // 2 + 1
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(name.encode()) + value_size(item) + 1 for name, item in content.items())
    if kind == "L":
        return 3 + sum(value_size(item) + 1 for item in content)
    if kind == "SS":
        return sum(len(item.encode()) for item in content)
    raise ValueError(f"unsized type {kind}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


@dataclass
class Tally:
    wru: float = 0
    rru: float = 0
    calls: Counter[str] = field(default_factory=Counter)
    item_sizes: list[int] = field(default_factory=list)

    def write(self, item: dict[str, Any], *, transactional: bool = False) -> None:
        size = item_size(item)
        self.item_sizes.append(size)
        units = math.ceil(max(size, 1) / KB)
        self.wru += units * (2 if transactional else 1)
        self.wru += units * sum(1 for key in GSI_KEYS if key in item)  # index writes, ALL projection

    def read(self, total_bytes: int, *, consistent: bool, transactional: bool = False) -> None:
        units = math.ceil(max(total_bytes, 1) / (4 * KB))
        self.rru += units * (2 if transactional else 1 if consistent else 0.5)


class Recorder:
    """Wraps botocore's API calls: every DynamoDB/SQS call is tallied into the current phase."""

    def __init__(self) -> None:
        self.phases: dict[str, Tally] = {}
        self.current: Tally | None = None
        self._raw: Any = None

    def phase(self, name: str) -> Tally:
        self.current = self.phases.setdefault(name, Tally())
        return self.current

    def install(self) -> None:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        recorder = self

        def recording(client: Any, operation: str, params: dict[str, Any]) -> Any:
            response = original(client, operation, params)
            service = client.meta.service_model.service_name
            if recorder.current is not None and service in ("dynamodb", "sqs"):
                recorder.current.calls[f"{service}.{operation}"] += 1
                if service == "dynamodb":
                    recorder._tally(
                        operation, params, response, lambda key, table: _current(original, client, table, key)
                    )
            return response

        BaseClient._make_api_call = recording

    def _tally(self, operation: str, params: dict[str, Any], response: dict[str, Any], current: Any) -> None:
        tally = self.current
        assert tally is not None
        consistent = bool(params.get("ConsistentRead"))
        if operation == "GetItem":
            tally.read(item_size(response.get("Item", {})), consistent=consistent)
        elif operation == "Query":
            tally.read(sum(item_size(item) for item in response.get("Items", [])), consistent=consistent)
        elif operation == "BatchGetItem":
            for table in response.get("Responses", {}).values():
                for item in table:
                    tally.read(item_size(item), consistent=True)
        elif operation == "PutItem":
            tally.write(params["Item"])
        elif operation in ("UpdateItem", "DeleteItem"):
            tally.write(current(params["Key"], params["TableName"]) or params["Key"])
        elif operation == "TransactWriteItems":
            for action in params["TransactItems"]:
                [(kind, body)] = action.items()
                item = (
                    body["Item"] if kind == "Put" else current(body["Key"], body["TableName"]) or body["Key"]
                )
                tally.write(item, transactional=True)
        elif operation == "TransactGetItems":
            for found in response.get("Responses", []):
                tally.read(item_size(found.get("Item", {})), consistent=True, transactional=True)


def _current(original: Any, client: Any, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
    """The item as it is now (after the write), read without being tallied."""
    item: dict[str, Any] | None = original(client, "GetItem", {"TableName": table, "Key": key}).get("Item")
    return item


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="kontor-units-"))
    os.environ.update(
        {
            "KONTOR_STAGE": "test",
            "KONTOR_TABLE": "kontor-test",
            "KONTOR_QUEUE_PREFIX": "kontor-test",
            "KONTOR_CURSOR_SECRET": "request-units-cursor-secret-0123",
            "KONTOR_DEV_ISSUER_DIR": str(scratch / "dev-issuer"),
            "AWS_REGION": "eu-west-1",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
    )
    for name in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
    for name in ("KONTOR_DYNAMODB_ENDPOINT", "KONTOR_SQS_ENDPOINT", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)

    import boto3
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.platform.dev_issuer import mint_token
    from chalicelib.platform.queues import create_queues
    from chalicelib.platform.settings import get_settings
    from chalicelib.services.audit import record_event
    from chalicelib.services.dispatch import consumers_of
    from chalicelib.services.outbox import EVENT_TYPE
    from chalicelib.services.tenants import ensure_platform_operator
    from chalicelib.store.schema import create_table

    recorder = Recorder()
    recorder.install()
    with mock_aws():
        settings = get_settings()
        dynamodb = boto3.client("dynamodb", region_name=settings.aws_region)
        create_table(dynamodb, settings.table_name)
        create_queues(boto3.client("sqs", region_name=settings.aws_region), settings.queue_prefix)
        ensure_platform_operator(OPERATOR, "Operator")
        token_dir = scratch / "dev-issuer"
        from app import app

        with Client(app, stage_name="test") as client:

            def call(method: str, path: str, token: str, body: Any = None, key: str | None = None) -> Any:
                headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
                if key:
                    headers["Idempotency-Key"] = key
                payload = json.dumps(body).encode() if body is not None else b""
                response = client.http.request(method, path, headers=headers, body=payload)
                if response.status_code >= 300:
                    raise RuntimeError(f"{method} {path}: {response.status_code} {response.body[:500]!r}")
                return json.loads(response.body) if response.body else None

            operator = mint_token(token_dir, tenant_id="platform", email=OPERATOR)
            call(
                "POST",
                "/v1/platform/tenants",
                operator,
                {
                    "id": TENANT,
                    "name": "Acme",
                    "settings": {
                        "default_currency": "EUR",
                        "default_locale": "en",
                        "timezone": "Europe/Berlin",
                    },
                    "admin_email": ADMIN,
                    "admin_name": "Admin",
                },
                "tenant-1",
            )
            admin = mint_token(token_dir, tenant_id=TENANT, email=ADMIN)
            organization = call(
                "POST",
                "/v1/admin/organizations",
                admin,
                {
                    "name": "Acme Europe",
                    "legal_name": "Acme Europe GmbH",
                    "default_currency": "EUR",
                    "default_locale": "de-DE",
                },
                "org-1",
            )
            body = {
                "organization_id": organization["id"],
                "name": "Acme Germany",
                "country": "DE",
                "hostnames": ["shop.acme.de"],
                "currencies": ["EUR"],
                "locales": ["de-DE", "en"],
            }
            existing_events = {
                (item["PK"]["S"], item["SK"]["S"])
                for item in dynamodb.scan(TableName=settings.table_name)["Items"]
                if item.get("type", {}).get("S") == EVENT_TYPE
            }

            recorder.phase("API: create (POST /v1/admin/websites)")
            created = call("POST", "/v1/admin/websites", admin, body, "website-1")
            recorder.phase("API: read the item (GET /v1/admin/websites/{id})")
            call("GET", f"/v1/admin/websites/{created['id']}", admin)
            recorder.phase("API: first page of the list (GET /v1/admin/websites)")
            call("GET", "/v1/admin/websites", admin)
            recorder.current = None

            new_events = [
                item
                for item in dynamodb.scan(TableName=settings.table_name)["Items"]
                if item.get("type", {}).get("S") == EVENT_TYPE
                and (item["PK"]["S"], item["SK"]["S"]) not in existing_events
            ]
            from boto3.dynamodb.types import TypeDeserializer

            events = [TypeDeserializer().deserialize(item["data"]) for item in new_events]
            dispatch = recorder.phase("dispatcher: stream -> SQS (computed)")
            for event in events:
                dispatch.calls["sqs.SendMessage"] += len(consumers_of(event["type"]))
            audit = recorder.phase("audit consumer: one entry per event")
            for event in events:
                audit.calls["sqs.ReceiveMessage+DeleteMessage (ESM, batch of 1, worst case)"] += 2
                record_event(json.loads(json.dumps(event, default=str)))
            recorder.current = None

    largest = max(max(tally.item_sizes, default=0) for tally in recorder.phases.values())
    print(f"{len(events)} outbox event(s) per create; the largest item written: {largest} bytes\n")
    total = Tally()
    for name, tally in recorder.phases.items():
        calls = ", ".join(f"{count} {call}" for call, count in sorted(tally.calls.items()))
        written = sum(tally.item_sizes)
        print(f"{name}\n    {tally.wru:g} WRU, {tally.rru:g} RRU, {written} bytes written   [{calls}]")
        total.wru += tally.wru
        total.rru += tally.rru
        total.calls.update(tally.calls)
    sqs_requests = sum(count for call, count in total.calls.items() if call.startswith("sqs."))
    print(f"\nper order: {total.wru:g} WRU, {total.rru:g} RRU, {sqs_requests} SQS requests, 3 API requests,")
    print(f"           Lambda: 3 API + 1 dispatcher + {len(events)} audit invocations (batches of 1)")


if __name__ == "__main__":
    main()
