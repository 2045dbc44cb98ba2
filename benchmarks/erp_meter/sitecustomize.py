"""Meter of the DynamoDB writes of a process started with this folder on ``PYTHONPATH`` and
``KONTOR_BENCH_METER`` naming a file (``benchmarks/erp_prices.py`` starts the local stack so): each write
call is sent with ``ReturnConsumedCapacity=INDEXES`` and one line is appended to the file: the operation,
the thread that made it (the API's, a poller's), the items it wrote and the capacity units DynamoDB
reported. Python imports ``sitecustomize`` at start-up; without the variable this does nothing."""

from __future__ import annotations

import os

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def _install(path: str) -> None:
    import json
    import threading
    from typing import Any

    from botocore.client import BaseClient

    original = BaseClient._make_api_call
    lock = threading.Lock()

    def items(operation: str, params: dict[str, Any]) -> int:
        if operation == "TransactWriteItems":
            return len(params.get("TransactItems", []))
        if operation == "BatchWriteItem":
            return sum(len(requests) for requests in params.get("RequestItems", {}).values())
        return 1

    def metered(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name != "dynamodb" or operation not in WRITES:
            return original(client, operation, params)
        answer = original(client, operation, {**params, "ReturnConsumedCapacity": "INDEXES"})
        consumed = answer.get("ConsumedCapacity")
        units = sum(c.get("CapacityUnits", 0) for c in consumed) if isinstance(consumed, list) else None
        if isinstance(consumed, dict):
            units = consumed.get("CapacityUnits")
        line = {
            "operation": operation,
            "thread": threading.current_thread().name,
            "items": items(operation, params),
            "units": units,
        }
        with lock, open(path, "a") as meter:
            meter.write(json.dumps(line) + "\n")
        return answer

    BaseClient._make_api_call = metered  # type: ignore[method-assign]


if meter_path := os.environ.get("KONTOR_BENCH_METER"):
    _install(meter_path)
