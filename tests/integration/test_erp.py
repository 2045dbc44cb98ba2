"""ERP integration: integration keys, the HTTP ingest, and the inbound worker applying what it queued.

The worker is fed the inbound queue's messages as SQS events, as Lambda would; each test starts from the
empty account with one tenant and its organization (``Erp``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.domain.erp import MessageType
from chalicelib.platform.queues import ERP_INBOUND, dead_letter_name
from chalicelib.platform.settings import get_settings

from .conftest import Api, Outbox, Table

pytestmark = pytest.mark.shared_account

KEYS = "/v1/admin/integrations"
MESSAGES = "/v1/erp/messages"
IMPORTS = "/v1/admin/erp/imports"
ALL_TYPES = [message_type.value for message_type in MessageType]


@dataclass
class Erp:
    """A tenant, its organization and an integration key for every type; sends and consumes messages."""

    api: Api
    outbox: Outbox
    queue_url: str
    admin: str
    organization: str
    key: str
    key_id: str

    def send(self, *messages: dict[str, Any], key: str | None = None) -> Any:
        reply = self.api.call(
            "POST", MESSAGES, body={"messages": list(messages)}, headers=auth(key or self.key)
        )
        assert reply.status == 200, reply.body
        return reply.body

    def consume(self) -> list[Any]:
        """Every message on the inbound queue through ``erp_inbound_consumer``; the answers."""
        bodies = [message["Body"] for message in self.outbox.receive(self.queue_url)]
        answers = []
        for start in range(0, len(bodies), 10):
            event = self.api.client.events.generate_sqs_event(
                message_bodies=bodies[start : start + 10], queue_name=get_settings().queue_name(ERP_INBOUND)
            )
            for number, record in enumerate(event["Records"], start=start):
                record["messageId"] = f"message-{number}"
            answers.append(self.api.invoke("erp_inbound_consumer", event))
        return answers

    def fate(self, message_id: str) -> dict[str, Any]:
        reply = self.api.call("GET", f"{MESSAGES}/{message_id}", headers=auth(self.key))
        assert reply.status == 200, reply.body
        return dict(reply.body)

    def product(self, sku: str) -> dict[str, Any] | None:
        reply = self.api.call("GET", "/v1/admin/products?limit=100", token=self.admin)
        return next((item for item in reply.body["items"] if item["sku"] == sku), None)


def except_imports(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for item in items if "#ERPMSG#" not in item["PK"]]


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def message(message_id: str, seq: int, message_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": message_type,
        "id": message_id,
        "source_seq": seq,
        "occurred_at": "2026-12-01T10:00:00Z",
        "payload": payload,
    }


def product_upsert(
    message_id: str, seq: int, organization: str, sku: str = "BOLT-1", name: str = "Bolt"
) -> Any:
    payload = {"sku": sku, "organization_id": organization, "name": {"en": name}}
    return message(message_id, seq, "product.upsert", payload)


def create_key(api: Api, token: str, scopes: list[str] | None = None) -> dict[str, Any]:
    body = {"name": "SAP", "scopes": scopes or ALL_TYPES}
    reply = api.call("POST", KEYS, token=token, body=body)
    assert reply.status == 201, reply.body
    return dict(reply.body)


@pytest.fixture
def erp(
    api: Api, outbox: Outbox, aws: dict[str, str], make_tenant: Callable[..., str], make_organization: Any
) -> Erp:
    admin = make_tenant("acme")
    organization = make_organization(admin)["id"]
    key = create_key(api, admin)
    queue_url = aws[get_settings().queue_name(ERP_INBOUND)]
    # The account's queues outlive a test's table: messages an earlier test left there name its records.
    outbox.receive(queue_url)
    return Erp(
        api,
        outbox,
        queue_url,
        admin,
        organization,
        key["secret"],
        key["id"],
    )


# --- keys ---------------------------------------------------------------------------------------------------


def test_a_key_is_shown_once_and_stored_as_a_hash(erp: Erp, table: Table) -> None:
    # given a key created
    # when it is read back
    reply = erp.api.call("GET", f"{KEYS}/{erp.key_id}", token=erp.admin)

    # then it has no secret, and the table holds only the secret's SHA-256
    assert reply.status == 200
    assert "secret" not in reply.body
    assert reply.body["secret_hint"] == erp.key[-4:]
    secret = erp.key.rsplit(".", 1)[1]
    assert not any(secret in json.dumps(item, default=str) for item in table.items())


def test_a_revoked_key_is_refused_at_once(erp: Erp) -> None:
    # given a key that works
    assert erp.api.call("GET", f"{MESSAGES}/m-1", headers=auth(erp.key)).status == 404

    # when it is revoked
    revoked = erp.api.call("POST", f"{KEYS}/{erp.key_id}/revocation", token=erp.admin)

    # then its next request is refused
    assert revoked.status == 200
    assert revoked.body["status"] == "revoked"
    assert erp.api.call("GET", f"{MESSAGES}/m-1", headers=auth(erp.key)).status == 401


def test_a_key_records_its_last_use_once_its_request_is_answered(erp: Erp) -> None:
    # given a key never used
    # when it sends a message
    erp.send(message("m-1", 1, "inventory.update", {"sku": "NOPE", "inventory": {"status": "out_of_stock"}}))

    # then its last use is recorded
    assert erp.api.call("GET", f"{KEYS}/{erp.key_id}", token=erp.admin).body["last_used_at"] is not None


def test_a_refused_request_records_no_use_of_its_key(erp: Erp, table: Table) -> None:
    # given a key never used
    writes = table.writes()

    # when it asks for a message nobody sent
    reply = erp.api.call("GET", f"{MESSAGES}/m-1", headers=auth(erp.key))

    # then it is refused, and nothing is written
    assert reply.status == 404
    assert table.writes() == writes
    assert erp.api.call("GET", f"{KEYS}/{erp.key_id}", token=erp.admin).body["last_used_at"] is None


@pytest.mark.parametrize(
    "path",
    ["/v1/admin/me", "/v1/admin/products", "/v1/store/me", "/v1/admin/integrations"],
)
def test_an_integration_key_gets_nothing_outside_the_erp_routes(erp: Erp, path: str) -> None:
    # given an integration key
    # when it calls a staff or storefront route
    reply = erp.api.call("GET", path, headers=auth(erp.key))

    # then it is refused
    assert reply.status == 401


def test_a_staff_token_gets_nothing_on_the_erp_routes(erp: Erp) -> None:
    # given the tenant administrator's token
    # when it sends messages
    reply = erp.api.call("POST", MESSAGES, token=erp.admin, body={"messages": [{}]})

    # then it is refused
    assert reply.status == 401


def test_a_forged_secret_is_refused(erp: Erp) -> None:
    # given a key whose secret is changed
    forged = erp.key[:-4] + ("AAAA" if not erp.key.endswith("AAAA") else "BBBB")

    # when it is used
    reply = erp.api.call("GET", f"{MESSAGES}/m-1", headers=auth(forged))

    # then it is refused
    assert reply.status == 401


# --- ingest and worker ---------------------------------------------------------------------------------


def test_a_product_upsert_is_accepted_then_applied(erp: Erp) -> None:
    # given a product upsert for a new SKU
    answer = erp.send(product_upsert("m-1", 1, erp.organization))

    # when the worker consumes the queue
    assert answer["results"][0]["status"] == "accepted"
    assert erp.fate("m-1")["status"] == "accepted"
    assert erp.consume() == [{"batchItemFailures": []}]

    # then the product exists and the message is applied
    assert erp.product("BOLT-1") is not None
    assert erp.fate("m-1")["status"] == "applied"


def test_an_older_update_never_overwrites_a_newer_one(erp: Erp) -> None:
    # given the newer update applied
    erp.send(product_upsert("m-2", 2, erp.organization, name="Newer"))
    erp.consume()

    # when an older one arrives
    erp.send(product_upsert("m-1", 1, erp.organization, name="Older"))
    erp.consume()

    # then it is skipped as stale
    assert erp.product("BOLT-1")["name"] == {"en": "Newer"}
    assert erp.fate("m-1")["status"] == "skipped_stale"


def test_a_redelivered_message_is_applied_once(erp: Erp) -> None:
    # given a message applied
    erp.send(product_upsert("m-1", 1, erp.organization))
    erp.consume()
    version = erp.product("BOLT-1")["version"]

    # when the same message is sent again
    answer = erp.send(product_upsert("m-1", 1, erp.organization))
    erp.consume()

    # then it is answered with its fate and changes nothing
    assert answer["results"][0] == {
        "index": 0,
        "id": "m-1",
        "status": "applied",
        "duplicate": True,
        "reason": None,
    }
    assert erp.product("BOLT-1")["version"] == version


def test_invalid_messages_are_rejected_each_with_its_reason(erp: Erp) -> None:
    # given a valid message between an unknown type and a malformed payload
    answer = erp.send(
        message("m-1", 1, "order.teleport", {}),
        product_upsert("m-2", 1, erp.organization),
        message("m-3", 1, "product.upsert", {"sku": "X"}),
    )

    # then each is answered on its own, and the rejected ones are recorded as failed
    assert [result["status"] for result in answer["results"]] == ["rejected", "accepted", "rejected"]
    assert "type" in answer["results"][0]["reason"]
    assert "payload.name" in answer["results"][2]["reason"]
    assert erp.fate("m-3")["status"] == "failed"


def test_an_inventory_update_for_an_unknown_product_fails_and_changes_nothing(erp: Erp, table: Table) -> None:
    # given an inventory update for a SKU the tenant does not have
    erp.send(message("m-1", 1, "inventory.update", {"sku": "NOPE", "inventory": {"status": "out_of_stock"}}))
    before = table.items()

    # when the worker applies it
    assert erp.consume() == [{"batchItemFailures": []}]

    # then it failed with the reason, and nothing but its record changed
    fate = erp.fate("m-1")
    assert fate["status"] == "failed"
    assert "NOPE" in fate["reason"]
    assert except_imports(table.items()) == except_imports(before)


def test_a_price_list_and_its_prices_are_applied_by_the_erp_s_codes(erp: Erp) -> None:
    # given a product, a price list and its prices sent by the ERP
    erp.send(
        product_upsert("m-1", 1, erp.organization),
        message(
            "m-2",
            1,
            "price_list.upsert",
            {"code": "PL-EU", "organization_id": erp.organization, "name": "Europe", "currencies": ["EUR"]},
        ),
    )
    erp.consume()
    rows = [{"sku": "BOLT-1", "unit": "each", "currency": "EUR", "min_quantity": "1", "value": "2.50"}]
    erp.send(message("m-3", 1, "prices.upsert", {"price_list_code": "PL-EU", "rows": rows}))

    # when the worker applies them
    erp.consume()

    # then the list holds the row
    assert erp.fate("m-3")["status"] == "applied"
    lists = erp.api.call("GET", "/v1/admin/price-lists", token=erp.admin).body["items"]
    prices = erp.api.call("GET", f"/v1/admin/price-lists/{lists[0]['id']}/prices", token=erp.admin).body
    assert prices["items"][0]["rows"][0]["value"] == "2.50"


def test_a_key_may_send_only_its_scopes(erp: Erp) -> None:
    # given a key for inventory updates only
    narrow = create_key(erp.api, erp.admin, ["inventory.update"])["secret"]

    # when it sends a product upsert
    answer = erp.send(product_upsert("m-1", 1, erp.organization), key=narrow)

    # then it is rejected
    assert answer["results"][0]["status"] == "rejected"


def test_another_tenant_s_products_are_unreachable(
    erp: Erp, make_tenant: Callable[..., str], make_organization: Any
) -> None:
    # given another tenant with a product of the same SKU, made through its own key
    other_admin = make_tenant("globex")
    other_organization = make_organization(other_admin)["id"]
    other_key = create_key(erp.api, other_admin)["secret"]
    erp.send(product_upsert("g-1", 1, other_organization), key=other_key)
    erp.consume()

    # when acme's key sends an inventory update for that SKU
    erp.send(
        message("m-1", 1, "inventory.update", {"sku": "BOLT-1", "inventory": {"status": "out_of_stock"}})
    )
    erp.consume()

    # then it fails in acme, and globex's message is not acme's to read
    assert erp.fate("m-1")["status"] == "failed"
    assert erp.api.call("GET", f"{MESSAGES}/g-1", headers=auth(erp.key)).status == 404


def test_admins_list_imports_by_status(erp: Erp) -> None:
    # given one message applied and one failed
    erp.send(product_upsert("m-1", 1, erp.organization), message("m-2", 1, "product.delete", {"sku": "NOPE"}))
    erp.consume()

    # when admins list the failed ones, and the deletes
    failed = erp.api.call("GET", f"{IMPORTS}?status=failed", token=erp.admin)
    deletes = erp.api.call("GET", f"{IMPORTS}?type=product.delete", token=erp.admin)
    recent = erp.api.call(
        "GET",
        f"{IMPORTS}?received_from=2026-01-01T00:00:00Z&received_until=2999-01-01T00:00:00Z",
        token=erp.admin,
    )
    future = erp.api.call("GET", f"{IMPORTS}?received_from=2999-01-01T00:00:00Z", token=erp.admin)

    # then they see only that one each time
    assert [item["id"] for item in failed.body["items"]] == ["m-2"]
    assert [item["id"] for item in deletes.body["items"]] == ["m-2"]
    assert len(recent.body["items"]) == 2
    assert future.body["items"] == []


def test_a_customer_s_or_an_operator_s_token_gets_nothing_on_the_erp_routes(
    erp: Erp, make_customer: Any, make_customer_user: Any
) -> None:
    # given a customer user's token and the platform operator's
    customer = make_customer(erp.admin)["id"]
    make_customer_user(erp.admin, customer, customer)
    tokens = [
        erp.api.token("acme", "bob.buyer@globex.example"),
        erp.api.token("platform", "operator@kontor.example"),
    ]

    # when they send messages
    replies = [erp.api.call("POST", MESSAGES, token=token, body={"messages": [{}]}) for token in tokens]

    # then each is refused
    assert [reply.status for reply in replies] == [401, 401]


def test_a_message_claiming_a_tenant_is_rejected(erp: Erp) -> None:
    # given a message naming another tenant (the tenant comes from the key alone)
    claiming = {**product_upsert("m-1", 1, erp.organization), "tenant_id": "globex"}

    # when it is sent
    answer = erp.send(claiming)

    # then it is rejected with the reason, and recorded as failed
    assert answer["results"][0]["status"] == "rejected"
    assert "tenant_id" in answer["results"][0]["reason"]
    assert erp.fate("m-1")["status"] == "failed"


def test_a_queued_message_without_its_stamp_goes_to_the_dead_letter_queue(
    erp: Erp, aws: dict[str, str]
) -> None:
    # given a message on the inbound queue that the ingest did not stamp
    event = erp.api.client.events.generate_sqs_event(
        message_bodies=[json.dumps({"message": product_upsert("m-1", 1, erp.organization)})],
        queue_name=get_settings().queue_name(ERP_INBOUND),
    )

    # when the worker takes it
    answer = erp.api.invoke("erp_inbound_consumer", event)

    # then it is dead-lettered at once with its reason, and nothing is applied
    assert answer == {"batchItemFailures": []}
    dead = erp.outbox.receive(aws[dead_letter_name(get_settings().queue_name(ERP_INBOUND))])
    assert "tenant_id" in dead[0]["MessageAttributes"]["failure_reason"]["StringValue"]
    assert erp.product("BOLT-1") is None


def category_upsert(message_id: str, seq: int, organization: str, code: str, **fields: Any) -> dict[str, Any]:
    payload = {
        "code": code,
        "organization_id": organization,
        "name": {"en": code},
        "slug": {"en": code.lower()},
    }
    return message(message_id, seq, "category.upsert", {**payload, **fields})


def test_categories_are_made_and_moved_by_the_erp_s_codes(erp: Erp) -> None:
    # given a root category and a child sent by the ERP, then the child moved to the root level
    erp.send(category_upsert("c-1", 1, erp.organization, "TOOLS"))
    erp.consume()
    erp.send(category_upsert("c-2", 1, erp.organization, "DRILLS", parent_code="TOOLS"))
    erp.consume()
    erp.send(category_upsert("c-3", 2, erp.organization, "DRILLS", name={"en": "Power drills"}))

    # when the worker applies the move
    erp.consume()

    # then the tree has both at the root, the child renamed
    tree = erp.api.call("GET", f"/v1/admin/organizations/{erp.organization}/categories", token=erp.admin).body
    assert {item["name"]["en"]: item["parent_id"] for item in tree["items"]} == {
        "TOOLS": None,
        "Power drills": None,
    }
    assert [erp.fate(message_id)["status"] for message_id in ("c-1", "c-2", "c-3")] == ["applied"] * 3


def test_a_category_under_an_unknown_parent_code_fails(erp: Erp) -> None:
    # given a category whose parent the ERP never sent
    erp.send(category_upsert("c-1", 1, erp.organization, "DRILLS", parent_code="NOPE"))

    # when the worker applies it
    erp.consume()

    # then it failed, naming the code
    fate = erp.fate("c-1")
    assert fate["status"] == "failed"
    assert "NOPE" in fate["reason"]


def test_a_failed_message_sent_again_after_the_fix_is_applied(erp: Erp) -> None:
    # given an inventory update that failed: the product did not exist yet
    stock = {"sku": "BOLT-1", "inventory": {"status": "out_of_stock"}}
    erp.send(message("m-1", 1, "inventory.update", stock))
    erp.consume()
    assert erp.fate("m-1")["status"] == "failed"

    # when the product is sent, and the same message again
    erp.send(product_upsert("m-2", 1, erp.organization))
    answer = erp.send(message("m-1", 1, "inventory.update", stock))
    erp.consume()

    # then the message is taken anew and applied
    assert answer["results"][0]["status"] == "accepted"
    assert erp.fate("m-1")["status"] == "applied"
    assert erp.product("BOLT-1")["inventory"]["status"] == "out_of_stock"
