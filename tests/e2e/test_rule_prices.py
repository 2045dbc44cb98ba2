"""A rule-based list on the local stack: a base price change reaches the rule list's price through the
outbox, the table stream, the pricing queue and its consumer, within seconds (the time is logged)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest
from chalice.local import LambdaContext

from .stack import AUDIT_STALL_SECONDS, Stack, eventually
from .support import sample_event

pytestmark = pytest.mark.e2e

PRICE_LISTS = "/v1/admin/price-lists"
VISIBLE_WITHIN_SECONDS = 30
LOG = logging.getLogger(__name__)  # the seconds measured: run with --log-cli-level=INFO to see them


def _created(stack: Stack, token: str, path: str, body: dict[str, Any]) -> str:
    response = stack.call("POST", path, token=token, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _set_price(stack: Stack, token: str, price_list: str, product: str, value: str) -> None:
    row = {"product_id": product, "unit": "each", "currency": "EUR", "min_quantity": "1", "value": value}
    response = stack.call("PUT", f"{PRICE_LISTS}/{price_list}/prices", token=token, json={"rows": [row]})
    assert response.status_code == 200, response.text


def _seconds_until_priced(
    stack: Stack,
    token: str,
    price_list: str,
    product: str,
    value: str,
    progress: Callable[[], object] | None = None,
) -> float:
    """How long until the list prices the product at ``value`` (``progress``: the outbox's backlog
    moving on, which the events of this test queue behind)."""
    started = time.monotonic()
    path = f"{PRICE_LISTS}/{price_list}/prices?product_id={product}"

    def priced() -> bool:
        items = stack.call("GET", path, token=token).json()["items"]
        return any(row["value"] == value for item in items for row in item["rows"])

    timeout = AUDIT_STALL_SECONDS if progress else VISIBLE_WITHIN_SECONDS
    eventually(priced, timeout=timeout, what=f"the rule list's price {value}", progress=progress)
    return time.monotonic() - started


def test_a_base_price_change_reaches_the_rule_list_s_price_within_seconds(
    stack: Stack, acme_admin: str, organization: dict[str, Any], audit_progress: Callable[[], object]
) -> None:
    # given a product priced by a base list, and a list 10 % below it (priced once the outbox's backlog,
    # the demo seed's events, has gone through)
    body = {"organization_id": organization["id"], "sku": f"RULE-{uuid4().hex[:8]}", "name": {"en": "Bolt"}}
    product = _created(stack, acme_admin, "/v1/admin/products", body)
    lists = {"organization_id": organization["id"], "currencies": ["EUR"]}
    base = _created(stack, acme_admin, PRICE_LISTS, {**lists, "name": "Base"})
    _set_price(stack, acme_admin, base, product, "10.00")
    rule = {"based_on": base, "formula": "base.value * 0.9"}
    contract = _created(
        stack, acme_admin, PRICE_LISTS, {**lists, "name": "Contract", "kind": "rule_based", "rules": [rule]}
    )
    first = _seconds_until_priced(stack, acme_admin, contract, product, "9.00", audit_progress)

    # when the base price changes
    _set_price(stack, acme_admin, base, product, "20.00")

    # then
    seconds = _seconds_until_priced(stack, acme_admin, contract, product, "18.00")
    LOG.info("rule list priced %.1f s after its creation, %.1f s after a base change", first, seconds)
    assert seconds < VISIBLE_WITHIN_SECONDS


def test_the_pricing_sample_is_handled_by_the_pricing_consumer(stack_settings: Stack) -> None:
    # given the message for a list's next page, as Lambda delivers it (a list that no longer exists)
    import app as kontor

    event = sample_event("sqs-pricing-recalculate.json")

    # when
    result = kontor.pricing_consumer(event, LambdaContext("pricing_consumer", 1024))

    # then
    assert result == {"batchItemFailures": []}
