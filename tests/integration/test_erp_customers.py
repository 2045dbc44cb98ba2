"""ERP inbound: customers with their unit trees and customer users, by the ERP's codes and emails.

Each test starts from the empty account with one tenant, its organization and a key for every type
(``test_erp``'s ``Erp``), sends messages and feeds the inbound queue to the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from . import test_erp
from .conftest import Table
from .test_erp import Erp, except_imports, message

pytestmark = pytest.mark.shared_account

erp = test_erp.erp  # the fixture: a tenant, its organization, a key for every message type
CUSTOMERS = "/v1/admin/customers"
ORDER = "ord_01JD0000000000000000000000"


def customer_upsert(message_id: str, seq: int, units: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    payload = {"code": "C-100", "name": "Hooli", **fields, "units": units}
    return message(message_id, seq, "customer.upsert", payload)


def unit(code: str, parent_code: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Unit {code}", "parent_code": parent_code, **fields}


def user_upsert(message_id: str, seq: int, **fields: Any) -> dict[str, Any]:
    payload = {"customer_code": "C-100", "email": "ann@hooli.example", "name": "Ann", **fields}
    return message(message_id, seq, "customer_user.upsert", payload)


def customer_tree(erp: Erp) -> dict[str, str | None]:
    """The customer with the ERP code C-100: each unit's ERP code -> its parent's code."""
    listed = erp.api.call("GET", f"{CUSTOMERS}?limit=100", token=erp.admin).body["items"]
    customer = next(item for item in listed if item["external_id"] == "C-100")
    units = erp.api.call("GET", f"{CUSTOMERS}/{customer['id']}/units", token=erp.admin).body["items"]
    code_of = {item["id"]: item["external_id"] for item in units}
    return {item["external_id"]: code_of.get(item["parent_id"]) for item in units}


def users(erp: Erp) -> list[dict[str, Any]]:
    listed = erp.api.call("GET", f"{CUSTOMERS}?limit=100", token=erp.admin).body["items"]
    customer = next(item for item in listed if item["external_id"] == "C-100")
    return list(erp.api.call("GET", f"{CUSTOMERS}/{customer['id']}/users", token=erp.admin).body["items"])


def apply(erp: Erp, *messages: dict[str, Any]) -> None:
    erp.send(*messages)
    assert erp.consume() == [{"batchItemFailures": []}]


# --- customer.upsert ------------------------------------------------------------------------------------


def test_a_customer_and_its_unit_tree_are_made_by_the_erp_s_codes(erp: Erp) -> None:
    # given a customer whose units are listed children first
    units = [unit("TEAM", "EAST"), unit("EAST"), unit("WEST", "C-100")]

    # when the worker applies it
    apply(erp, customer_upsert("m-1", 1, units, tax_code="DE-STD"))

    # then the company and its tree exist, each unit under its parent
    assert customer_tree(erp) == {"C-100": None, "EAST": "C-100", "WEST": "C-100", "TEAM": "EAST"}
    assert erp.fate("m-1")["status"] == "applied"


def test_a_newer_upsert_moves_units_and_keeps_the_ones_it_leaves_out(erp: Erp) -> None:
    # given a customer with two divisions and a team under the first
    apply(erp, customer_upsert("m-1", 1, [unit("EAST"), unit("WEST"), unit("TEAM", "EAST")]))

    # when the ERP moves the team under the second and says nothing of the first
    apply(erp, customer_upsert("m-2", 2, [unit("TEAM", "WEST", name="Team West")]))

    # then the team moved and the first division is still there
    assert customer_tree(erp) == {"C-100": None, "EAST": "C-100", "WEST": "C-100", "TEAM": "WEST"}


def test_a_move_that_would_close_a_cycle_fails_and_changes_nothing(erp: Erp, table: Table) -> None:
    # given a division with a team below it
    apply(erp, customer_upsert("m-1", 1, [unit("EAST"), unit("TEAM", "EAST")]))
    erp.send(customer_upsert("m-2", 2, [unit("EAST", "TEAM")]))
    before = table.items()

    # when the ERP's message putting the division under its own team is applied
    erp.consume()

    # then the message failed with the reason, and nothing but its record changed
    fate = erp.fate("m-2")
    assert fate["status"] == "failed"
    assert "own ancestor" in fate["reason"]
    assert except_imports(table.items()) == except_imports(before)


def test_a_unit_under_an_unknown_code_fails_and_changes_nothing(erp: Erp, table: Table) -> None:
    # given a customer whose unit names a parent code nobody has
    erp.send(customer_upsert("m-1", 1, [unit("TEAM", "NOPE")]))
    before = table.items()

    # when the worker applies it
    erp.consume()

    # then it failed naming the code, and no customer was made
    fate = erp.fate("m-1")
    assert fate["status"] == "failed"
    assert "NOPE" in fate["reason"]
    assert except_imports(table.items()) == except_imports(before)


def test_another_tenant_s_customer_group_is_a_failure(
    erp: Erp,
    make_tenant: Callable[..., str],
    make_customer_group: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given a customer group of another tenant
    group = make_customer_group(make_tenant("globex"))["id"]
    erp.send(customer_upsert("m-1", 1, [], customer_group_id=group))
    before = table.items()

    # when the ERP's message putting its customer in that group is applied
    erp.consume()

    # then the message failed and changed nothing
    assert erp.fate("m-1")["status"] == "failed"
    assert "customer_group_id" in erp.fate("m-1")["reason"]
    assert except_imports(table.items()) == except_imports(before)


def test_an_older_customer_upsert_is_skipped_as_stale(erp: Erp) -> None:
    # given the newer upsert applied
    apply(erp, customer_upsert("m-2", 2, [unit("EAST")], name="Newer"))

    # when an older one arrives
    apply(erp, customer_upsert("m-1", 1, [unit("EAST", name="Older")], name="Older"))

    # then it is skipped and the customer keeps the newer name
    assert erp.fate("m-1")["status"] == "skipped_stale"
    listed = erp.api.call("GET", f"{CUSTOMERS}?limit=100", token=erp.admin).body["items"]
    assert [item["name"] for item in listed] == ["Newer"]


def test_the_same_customer_sent_again_writes_nothing(erp: Erp, table: Table) -> None:
    # given a customer applied
    units = [unit("EAST", addresses=[address()])]
    apply(erp, customer_upsert("m-1", 1, units))
    writes = table.writes()

    # when the ERP sends the same state again under a newer source_seq
    apply(erp, customer_upsert("m-2", 2, units))

    # then only the mark and the message's record were written
    assert erp.fate("m-2")["status"] == "applied"
    assert table.writes() - writes <= 3


def address() -> dict[str, Any]:
    return {
        "kind": "shipping",
        "label": "Dock",
        "line1": "Quay 1",
        "city": "Hamburg",
        "postal_code": "20457",
        "country": "DE",
    }


# --- customer_user.upsert -------------------------------------------------------------------------------


def test_a_customer_user_is_invited_into_a_unit_by_its_code(erp: Erp) -> None:
    # given a customer with a division
    apply(erp, customer_upsert("m-1", 1, [unit("EAST")]))

    # when the ERP sends a buyer of that division
    apply(erp, user_upsert("u-1", 1, unit_code="EAST", roles=["buyer"]))

    # then the user is invited there with the role held at the division, and no password anywhere
    (user,) = users(erp)
    assert (user["email"], user["status"]) == ("ann@hooli.example", "invited")
    assert [assignment["role_id"] for assignment in user["assignments"]] == ["buyer"]
    assert user["assignments"][0]["unit_id"] == user["unit_id"]
    assert "password" not in str(user)


def test_a_newer_user_upsert_changes_roles_and_disables(erp: Erp) -> None:
    # given an invited buyer
    apply(erp, customer_upsert("m-1", 1, []))
    apply(erp, user_upsert("u-1", 1, roles=["buyer"]))

    # when the ERP makes them an administrator, then deactivates them
    apply(erp, user_upsert("u-2", 2, roles=["administrator"], active=False))

    # then the user has the new role and is disabled
    (user,) = users(erp)
    assert [assignment["role_id"] for assignment in user["assignments"]] == ["administrator"]
    assert user["status"] == "disabled"


def test_a_user_of_an_unknown_customer_fails_and_changes_nothing(erp: Erp, table: Table) -> None:
    # given a user of a customer code the tenant does not have
    erp.send(user_upsert("u-1", 1))
    before = table.items()

    # when the worker applies it
    erp.consume()

    # then the message failed, naming the code
    assert erp.fate("u-1")["status"] == "failed"
    assert "C-100" in erp.fate("u-1")["reason"]
    assert except_imports(table.items()) == except_imports(before)


def test_a_user_with_a_role_that_is_not_predefined_is_rejected(erp: Erp) -> None:
    # given a user upsert naming a role that is not one of the predefined ones
    answer = erp.send(user_upsert("u-1", 1, roles=["rol_01HZZZZZZZZZZZZZZZZZZZZZZZ"]))

    # then it is rejected with the reason and recorded as failed
    assert answer["results"][0]["status"] == "rejected"
    assert "predefined" in answer["results"][0]["reason"]
    assert erp.fate("u-1")["status"] == "failed"


def test_an_older_user_upsert_is_skipped_as_stale(erp: Erp) -> None:
    # given the newer user upsert applied
    apply(erp, customer_upsert("m-1", 1, []))
    apply(erp, user_upsert("u-2", 2, name="Ann Newer"))

    # when an older one arrives
    apply(erp, user_upsert("u-1", 1, name="Ann Older"))

    # then it is skipped
    assert erp.fate("u-1")["status"] == "skipped_stale"
    assert users(erp)[0]["name"] == "Ann Newer"


# --- every new type ---------------------------------------------------------------------------------------


def test_a_payload_claiming_a_tenant_is_rejected_for_every_new_type(erp: Erp) -> None:
    # given one message of each type whose payload names another tenant
    claiming = [
        customer_upsert("t-1", 1, [], tenant_id="globex"),
        user_upsert("t-2", 1, tenant_id="globex"),
        message(
            "t-3", 1, "order.status_update", {"order_id": ORDER, "status": "shipped", "tenant_id": "globex"}
        ),
        message("t-4", 1, "invoice.upsert", {"order_id": ORDER, "tenant_id": "globex"}),
    ]

    # when they are sent
    answer = erp.send(*claiming)

    # then each is rejected naming the field, and recorded as failed
    assert [result["status"] for result in answer["results"]] == ["rejected"] * 4
    assert all("tenant_id" in result["reason"] for result in answer["results"])
    assert {erp.fate(f"t-{number}")["status"] for number in range(1, 5)} == {"failed"}


def test_another_tenant_s_customer_is_unknown_to_this_tenant_s_messages(
    erp: Erp, make_tenant: Callable[..., str], table: Table
) -> None:
    # given another tenant whose ERP made the customer C-100
    other = test_erp.create_key(erp.api, make_tenant("globex"))["secret"]
    erp.send(customer_upsert("g-1", 1, [unit("EAST")]), key=other)
    erp.consume()

    # when this tenant's ERP sends a user of C-100
    erp.send(user_upsert("u-1", 1, unit_code="EAST"))
    before = table.items()
    erp.consume()

    # then it failed as an unknown customer, and nothing changed
    assert erp.fate("u-1")["status"] == "failed"
    assert "C-100" in erp.fate("u-1")["reason"]
    assert except_imports(table.items()) == except_imports(before)
