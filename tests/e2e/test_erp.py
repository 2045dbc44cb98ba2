"""An ERP on the local stack: an integration key sends an older and a newer update of one product out of
order; the stack's inbound poller applies them, and the product ends at the newer one, the older one
recorded as skipped_stale."""

from __future__ import annotations

from typing import Any

import pytest
from chalice.local import LambdaContext

from .stack import Stack, eventually
from .support import sample_event

pytestmark = pytest.mark.e2e

# a message that failed for a moment (DynamoDB Local slow on a loaded machine) is retried 20 s, then 40 s
# later: three receives fit
APPLIED_WITHIN_SECONDS = 180
SKU = "ERP-E2E-1"


def _upsert(message_id: str, seq: int, organization: str, name: str) -> dict[str, Any]:
    return {
        "type": "product.upsert",
        "id": message_id,
        "source_seq": seq,
        "occurred_at": "2026-12-01T10:00:00Z",
        "payload": {"sku": SKU, "organization_id": organization, "name": {"en": name}},
    }


def test_an_erp_s_newer_update_wins_whatever_the_order_the_worker_applies_them_in(
    stack: Stack, acme_admin: str
) -> None:
    # given an integration key of acme and its first organization
    body = {"name": "SAP e2e", "scopes": ["product.upsert"]}
    created = stack.call("POST", "/v1/admin/integrations", token=acme_admin, json=body)
    assert created.status_code == 201, created.text
    key = created.json()["secret"]
    organization = stack.call("GET", "/v1/admin/organizations", token=acme_admin).json()["items"][0]["id"]

    # when the ERP sends the newer update, then the older one, in two calls
    for message in (_upsert("e2e-2", 2, organization, "Newer"), _upsert("e2e-1", 1, organization, "Older")):
        sent = stack.call("POST", "/v1/erp/messages", token=key, json={"messages": [message]})
        assert sent.status_code == 200, sent.text
        assert sent.json()["results"][0]["status"] == "accepted"

    # then both fates are known: the newer applied, the older skipped as stale; the product is the newer
    def fates() -> dict[str, str] | None:
        found = {
            message_id: stack.call("GET", f"/v1/erp/messages/{message_id}", token=key).json()["status"]
            for message_id in ("e2e-1", "e2e-2")
        }
        return found if "accepted" not in found.values() else None

    assert eventually(fates, timeout=APPLIED_WITHIN_SECONDS, what="the ERP messages' fates") == {
        "e2e-1": "skipped_stale",
        "e2e-2": "applied",
    }
    assert [product["name"] for product in _products(stack, acme_admin) if product["sku"] == SKU] == [
        {"en": "Newer"}
    ]


def test_the_erp_inbound_sample_is_applied_once(stack_settings: Stack, acme_admin: str) -> None:
    # given the inbound queue's sample (the demo product CRG00-000's stock) handled once
    import app as kontor

    event = sample_event("sqs-erp-inbound-inventory-update.json")
    context = LambdaContext("erp_inbound_consumer", 1024)
    assert kontor.erp_inbound_consumer(event, context) == {"batchItemFailures": []}
    (applied,) = [item for item in _products(stack_settings, acme_admin) if item["sku"] == "CRG00-000"]

    # when it is delivered again
    assert kontor.erp_inbound_consumer(event, context) == {"batchItemFailures": []}

    # then the stock is the message's, written once, and the message's fate is applied
    (product,) = [item for item in _products(stack_settings, acme_admin) if item["sku"] == "CRG00-000"]
    assert product["inventory"] == {"status": "in_stock", "quantity": "250"}
    assert product["version"] == applied["version"]
    params = {"type": "inventory.update"}
    imports = stack_settings.call("GET", "/v1/admin/erp/imports", token=acme_admin, params=params).json()
    (fate,) = [item for item in imports["items"] if item["id"] == "erp-sample-inventory-1"]
    assert fate["status"] == "applied"


def _products(stack: Stack, token: str) -> list[dict[str, Any]]:
    """Every product of the tenant, page after page."""
    products: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = stack.call("GET", "/v1/admin/products", token=token, params=params).json()
        products += page["items"]
        if page["next_cursor"] is None:
            return products
        params["cursor"] = page["next_cursor"]
