"""The example ERP client (``local/erp_client.py``) against the local stack: its product, price list,
tiered prices and customer are applied, and it reads the demo orders' events back from the stack's erp-export
queue, each order rebuilt from its events alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from local import erp_client

from .stack import Stack, eventually

pytestmark = pytest.mark.e2e

APPLIED_WITHIN_SECONDS = 180


def test_the_example_client_pushes_its_messages_and_reads_the_orders_back(
    stack: Stack, acme_admin: str, tmp_path: Path
) -> None:
    # given the stack's seeded demo orders, placed and moved on, their events dispatched
    ready = tmp_path / "ready.json"  # what the stack's ready file says, for the client to find it
    ready.write_text(
        json.dumps(
            {"api": stack.api, "environment": stack.environment, "dev_issuer_dir": str(stack.dev_issuer_dir)}
        )
    )

    def dispatched() -> bool | None:
        orders = stack.call("GET", "/v1/admin/orders", token=acme_admin).json()["items"]
        return True if orders and all(order["status"] != "pending" for order in orders) else None

    eventually(dispatched, timeout=APPLIED_WITHIN_SECONDS, what="the demo orders confirmed")

    # when the client runs
    said: list[str] = []
    assert erp_client.main(["--ready-file", str(ready), "--wait", "5"], say=said.append) == 0

    # then each message is applied, and the orders come back rebuilt from their events
    fates = [line for line in said if line.startswith("fate")]
    assert len(fates) == 4
    assert all(line.endswith(": applied") for line in fates), "\n".join(said)
    assert any(re.match(r"event +com\.kontor\.order\.placed ", line) for line in said), "\n".join(said)
    assert any(re.match(r"order +\S+ \w+ v\d+, \d+ line", line) for line in said), "\n".join(said)
