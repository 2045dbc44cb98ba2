"""ERP customer messages: the payloads, and the plan that turns a unit tree by codes into writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.customers import Unit
from chalicelib.domain.erp import CustomerUpsert, CustomerUserUpsert, Envelope, parse_message
from chalicelib.domain.erp_customers import PlanRefused, changes, plan_units, unit_values

EVENTS = Path(__file__).resolve().parents[2] / "events"
CUSTOMER = "cus_01JD0000000000000000000000"
STAMP = "2026-12-01T10:00:00Z"


def stored_unit(unit_id: str, parent_id: str | None, code: str | None, **fields: Any) -> Unit:
    return Unit.model_validate(
        {
            "id": unit_id,
            "customer_id": CUSTOMER,
            "kind": "company" if parent_id is None else "division",
            "parent_id": parent_id,
            "external_id": code,
            "name": f"Unit {code}",
            "version": 1,
            "created_at": STAMP,
            "updated_at": STAMP,
            **fields,
        },
        strict=False,
    )


def upsert(*units: dict[str, Any]) -> CustomerUpsert:
    return CustomerUpsert.model_validate({"code": "C-1", "name": "Hooli", "units": list(units)})


def unit(code: str, parent_code: str | None = None) -> dict[str, Any]:
    return {"code": code, "name": f"Unit {code}", "parent_code": parent_code}


EAST = "unt_01JD00000000000000000000EA"
TEAM = "unt_01JD00000000000000000000TE"
STORED = {
    CUSTOMER: stored_unit(CUSTOMER, None, "C-1"),
    EAST: stored_unit(EAST, CUSTOMER, "EAST"),
    TEAM: stored_unit(TEAM, EAST, "TEAM"),
}


def test_units_are_planned_parents_first() -> None:
    # given a new customer's units listed children first
    payload = upsert(unit("TEAM", "EAST"), unit("EAST"), unit("WEST", "C-1"))

    # when planned
    steps = plan_units(payload, CUSTOMER, {})

    # then each unit comes after its parent, none has an id yet
    codes = [step.unit.code for step in steps]
    assert codes.index("EAST") < codes.index("TEAM")
    assert all(step.unit_id is None for step in steps)


def test_stored_units_are_found_by_their_code() -> None:
    # given a stored team named again
    steps = plan_units(upsert(unit("TEAM")), CUSTOMER, STORED)

    # then its step carries its id
    assert [(step.unit.code, step.unit_id) for step in steps] == [("TEAM", TEAM)]


def test_a_move_under_a_descendant_is_refused() -> None:
    # given the division put under its own team, which the message leaves out
    with pytest.raises(PlanRefused, match="own ancestor") as refused:
        plan_units(upsert(unit("EAST", "TEAM")), CUSTOMER, STORED)

    # then the whole units list is named
    assert refused.value.field == "payload.units"


def test_swapping_a_parent_and_its_child_is_planned_in_an_order_without_a_cycle() -> None:
    # given the team moved to the company and the division under it, in one message
    steps = plan_units(upsert(unit("EAST", "TEAM"), unit("TEAM")), CUSTOMER, STORED)

    # then the team moves first
    assert [step.unit.code for step in steps] == ["TEAM", "EAST"]


def test_an_unknown_parent_code_is_refused_where_it_is() -> None:
    with pytest.raises(PlanRefused) as refused:
        plan_units(upsert(unit("EAST"), unit("TEAM", "NOPE")), CUSTOMER, {})

    assert refused.value.field == "payload.units[1].parent_code"


def test_two_stored_units_with_one_code_are_refused() -> None:
    twins = {**STORED, TEAM: stored_unit(TEAM, EAST, "EAST")}

    with pytest.raises(PlanRefused, match="two units"):
        plan_units(upsert(unit("EAST")), CUSTOMER, twins)


def test_a_payload_repeating_a_unit_code_is_invalid() -> None:
    with pytest.raises(ValidationError, match="repeat a code"):
        upsert(unit("EAST"), unit("EAST"))


def test_unchanged_values_and_resent_addresses_are_no_change() -> None:
    # given a stored unit with an address (its id Kontor's) and the same values sent again
    address = {"kind": "billing", "label": "HQ", "line1": "Main 1", "city": "Bonn", "postal_code": "53111"}
    address |= {"country": "DE"}
    current = stored_unit(
        EAST, CUSTOMER, "EAST", addresses=[{**address, "id": "adr_01JD0000000000000000000000"}]
    )
    wanted = unit_values(upsert({**unit("EAST"), "addresses": [address]}).units[0])

    # then nothing is to be written; a new name is
    assert changes(current, wanted) == {}
    assert changes(current, {**wanted, "name": "East"}) == {"name": "East"}


def test_a_user_s_roles_must_be_predefined() -> None:
    body = {"customer_code": "C-1", "email": "ann@hooli.example", "name": "Ann", "roles": ["approver"]}

    with pytest.raises(ValidationError, match="predefined"):
        CustomerUserUpsert.model_validate(body)


@pytest.mark.parametrize(
    "sample",
    [
        "sqs-erp-inbound-customer-upsert.json",
        "sqs-erp-inbound-customer-user-upsert.json",
        "sqs-erp-inbound-order-status-update.json",
        "sqs-erp-inbound-invoice-upsert.json",
    ],
)
def test_the_samples_are_valid_messages(sample: str) -> None:
    body = json.loads(json.loads((EVENTS / sample).read_text())["Records"][0]["body"])

    message = parse_message(Envelope.model_validate_json(json.dumps(body["message"])))

    assert message.type.value == body["scopes"][0]


def test_a_unit_cannot_have_the_customer_s_code() -> None:
    with pytest.raises(ValidationError, match="customer's"):
        upsert(unit("C-1"))
