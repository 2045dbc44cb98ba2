"""Meter of the DynamoDB writes of a process started with this folder on ``PYTHONPATH`` and
``KONTOR_BENCH_METER`` naming a file (``benchmarks/erp_prices.py`` starts the local stack so): each write
call is sent with ``ReturnConsumedCapacity=INDEXES`` and one line is appended to the file: the operation,
the thread that made it (the API's, a poller's), the items it wrote, the capacity units DynamoDB
reported, and the units AWS would bill for the items sent (``billed``): 1 per KB (rounded up) of each
item written, twice in a transaction, a condition check or delete as an item under 1 KB, an update at
the size of its key and the values it sets (the item it changes may be larger), and one more unit per
global secondary index an item put names a key of (the import records' GSI1 and GSI2). DynamoDB Local
reports a transaction's units its own way (6 for 98 items), hence both. Python imports
``sitecustomize`` at start-up; without the variable this does nothing."""

from __future__ import annotations

import os

WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
INDEX_KEYS = ("GSI1PK", "GSI2PK", "GSI3PK")
KB = 1024


def _size(value: dict[str, object]) -> int:
    """An attribute value's size (DynamoDB JSON), as DynamoDB counts it."""
    ((kind, inner),) = value.items()
    if kind in ("S", "B"):
        return len(str(inner).encode())
    if kind == "N":
        return (len(str(inner).lstrip("-").replace(".", "").strip("0") or "0") + 1) // 2 + 1
    if kind == "L":
        return 3 + sum(1 + _size(item) for item in inner)  # type: ignore[attr-defined]
    if kind == "M":
        return 3 + sum(1 + len(name) + _size(item) for name, item in inner.items())  # type: ignore[attr-defined]
    if kind in ("SS", "NS", "BS"):
        return sum(len(str(item)) for item in inner)  # type: ignore[attr-defined]
    return 1  # BOOL, NULL


def _units(attributes: dict[str, dict[str, object]]) -> int:
    return max(1, -(-sum(len(name) + _size(value) for name, value in attributes.items()) // KB))


def _put(item: dict[str, dict[str, object]]) -> int:
    return _units(item) + sum(1 for name in INDEX_KEYS if name in item)


def _billed(operation: str, params: dict[str, object]) -> int:
    if operation == "TransactWriteItems":
        total = 0
        for entry in params["TransactItems"]:  # type: ignore[attr-defined]
            if "Put" in entry:
                total += 2 * _units(entry["Put"]["Item"]) + sum(
                    1 for n in INDEX_KEYS if n in entry["Put"]["Item"]
                )
            elif "Update" in entry:
                values = entry["Update"].get("ExpressionAttributeValues", {})
                total += 2 * _units({**entry["Update"]["Key"], **values})
            else:
                total += 2
        return total
    if operation == "BatchWriteItem":
        requests = [r for table in params["RequestItems"].values() for r in table]  # type: ignore[attr-defined]
        return sum(_put(r["PutRequest"]["Item"]) if "PutRequest" in r else 1 for r in requests)
    if operation == "PutItem":
        return _put(params["Item"])  # type: ignore[arg-type]
    if operation == "UpdateItem":
        return _units({**params["Key"], **params.get("ExpressionAttributeValues", {})})  # type: ignore[dict-item]
    return 1


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
        line: dict[str, Any] = {"operation": operation, "thread": threading.current_thread().name}
        try:
            answer = original(client, operation, {**params, "ReturnConsumedCapacity": "INDEXES"})
        except Exception as error:  # refused, or timed out (then DynamoDB may have written it all the same)
            line |= {"items": items(operation, params), "failed": type(error).__name__}
            with lock, open(path, "a") as meter:
                meter.write(json.dumps(line) + "\n")
            raise
        consumed = answer.get("ConsumedCapacity")
        units = sum(c.get("CapacityUnits", 0) for c in consumed) if isinstance(consumed, list) else None
        if isinstance(consumed, dict):
            units = consumed.get("CapacityUnits")
        line |= {
            "items": items(operation, params),
            "units": units,
            "billed": _billed(operation, params),
        }
        with lock, open(path, "a") as meter:
            meter.write(json.dumps(line) + "\n")
        return answer

    BaseClient._make_api_call = metered  # type: ignore[method-assign]


if meter_path := os.environ.get("KONTOR_BENCH_METER"):
    _install(meter_path)
