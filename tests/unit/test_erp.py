"""ERP messages: the envelope and each type's payload, the entity a message orders by, and the ordering
guard (with hypothesis: any arrival order of updates, duplicates included, ends at the newest one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.domain.erp import (
    Envelope,
    IntegrationSession,
    MessageType,
    SequenceMark,
    final_state,
    ordering,
    parse_message,
    schema_documents,
    usable_message_id,
)
from chalicelib.domain.permissions import Permission

SCHEMAS = Path(__file__).resolve().parents[2] / "events" / "schemas" / "erp"
ORGANIZATION = "org_01JD0000000000000000000000"


def envelope(message_type: str = "product.upsert", **overrides: Any) -> dict[str, Any]:
    return {
        "type": message_type,
        "id": "erp-1",
        "source_seq": 7,
        "occurred_at": "2026-12-01T10:00:00Z",
        "payload": {"sku": "HB-M8", "organization_id": ORGANIZATION, "name": {"en": "Hex bolt"}},
        **overrides,
    }


def parsed(document: dict[str, Any]) -> Any:
    return parse_message(Envelope.model_validate_json(json.dumps(document)))


# --- the envelope ---------------------------------------------------------------------------------


def test_a_product_upsert_orders_by_its_sku_whatever_its_case() -> None:
    # given a product upsert of SKU HB-M8
    # when it is parsed
    message = parsed(envelope())
    # then its entity is the case-folded SKU
    assert message.entity == "product:hb-m8"


@pytest.mark.parametrize(
    ("message_type", "payload", "entity"),
    [
        ("product.delete", {"sku": "HB-M8"}, "product:hb-m8"),
        ("inventory.update", {"sku": "HB-M8", "inventory": {"status": "in_stock"}}, "inventory:hb-m8"),
        (
            "price_list.upsert",
            {"code": "PL-EU", "organization_id": ORGANIZATION, "name": "EU", "currencies": ["EUR"]},
            "price_list:PL-EU",
        ),
        (
            "prices.upsert",
            {
                "price_list_code": "PL-EU",
                "rows": [
                    {"sku": "HB-M8", "unit": "each", "currency": "EUR", "min_quantity": "1", "value": "1"}
                ],
            },
            "prices:PL-EU",
        ),
        (
            "category.upsert",
            {
                "code": "C-10",
                "organization_id": ORGANIZATION,
                "name": {"en": "Bolts"},
                "slug": {"en": "bolts"},
            },
            "category:C-10",
        ),
    ],
)
def test_each_type_orders_by_its_own_entity(message_type: str, payload: dict[str, Any], entity: str) -> None:
    # given a message of the type
    # when it is parsed
    message = parsed(envelope(message_type, payload=payload))
    # then its entity is the type's
    assert message.entity == entity


@pytest.mark.parametrize(
    "overrides",
    [
        {"type": "order.teleport"},
        {"id": "has space"},
        {"source_seq": -1},
        {"source_seq": "7"},
        {"occurred_at": "2026-12-01T10:00:00"},
        {"tenant_id": "globex"},
    ],
    ids=["unknown-type", "bad-id", "negative-seq", "seq-as-text", "no-offset", "a-tenant-claimed"],
)
def test_an_envelope_out_of_shape_is_refused(overrides: dict[str, Any]) -> None:
    # given an envelope with one field wrong (or a field it may not carry)
    # when it is read
    # then it is refused
    with pytest.raises(ValidationError):
        Envelope.model_validate_json(json.dumps(envelope(**overrides)))


def test_a_payload_out_of_shape_is_refused() -> None:
    # given a product upsert without a name
    document = envelope(payload={"sku": "HB-M8", "organization_id": ORGANIZATION})
    # when it is parsed
    # then the payload's model refuses it
    with pytest.raises(ValidationError, match="name"):
        parsed(document)


@pytest.mark.parametrize(
    ("sent", "usable"), [("erp-1", "erp-1"), ("a b", None), (7, None), ("x" * 129, None)]
)
def test_only_an_id_of_the_pattern_is_usable(sent: Any, usable: str | None) -> None:
    # given an id as sent
    # when it is checked
    # then only one of the pattern is usable
    assert usable_message_id(sent) == usable


def test_an_integration_applies_with_only_what_its_scopes_need() -> None:
    # given a key for inventory updates only
    session = IntegrationSession("int_01JD0000000000000000000000", frozenset({MessageType.INVENTORY_UPDATE}))
    # when its access is read
    access = session.access
    # then it may change the catalog, tenant-wide, and nothing else
    assert access.holds(Permission.CATALOG_WRITE)
    assert not access.holds(Permission.PRICES_WRITE)


# --- the ordering guard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mark", "seq", "message_id", "expected"),
    [
        (None, 0, "a", "apply"),
        (SequenceMark(3, "a"), 4, "b", "apply"),
        (SequenceMark(3, "a"), 3, "a", "already_applied"),
        (SequenceMark(3, "a"), 3, "b", "stale"),
        (SequenceMark(3, "a"), 2, "c", "stale"),
    ],
    ids=["first", "newer", "redelivered", "same-seq-other-message", "older"],
)
def test_the_guard_applies_only_what_is_newer(
    mark: SequenceMark | None, seq: int, message_id: str, expected: str
) -> None:
    # given an entity's mark
    # when a message arrives
    # then the guard decides by its source_seq and id
    assert ordering(mark, seq, message_id) == expected


updates = st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=30, unique=True)


@settings(max_examples=300, deadline=None)
@given(sequence=updates, data=st.data())
def test_any_arrival_order_with_duplicates_ends_at_the_newest_update(sequence: list[int], data: Any) -> None:
    # given updates of one entity (one message each), some delivered more than once
    messages = [(seq, f"m-{seq}", f"state {seq}") for seq in sequence]
    repeats = data.draw(st.lists(st.sampled_from(messages), max_size=len(messages)))
    # when they arrive in any order
    arrival = data.draw(st.permutations(messages + repeats))
    # then the entity holds the newest update
    assert final_state(arrival) == f"state {max(sequence)}"


# --- the committed schemas ------------------------------------------------------------------------


def test_the_committed_schemas_are_the_models() -> None:
    # given the JSON Schemas generated from the message models
    documents = schema_documents()
    # when the committed files are read
    committed = {path.name: json.loads(path.read_text()) for path in SCHEMAS.glob("*.json")}
    # then they are the same (run `make erp-schemas` after changing a model)
    assert committed == documents
