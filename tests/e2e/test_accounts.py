"""Customer users on the real stack, with the demo company Globex that `make run` seeds."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib.domain.customer_users import CustomerUserFields
from chalicelib.services.customer_users import invite_user
from local.seed import caller

from .stack import Stack
from .support import problem

USERS = 1_000
INVITING_THREADS = 4  # as the demo seed writes: DynamoDB Local serves transactions side by side


def test_a_purchasing_manager_sees_the_users_of_his_unit_and_below(stack: Stack) -> None:
    # given max, purchasing manager at Globex Manufacturing
    token = stack.token("acme", "max.manager@globex.example")

    # when
    response = stack.call("GET", "/v1/store/company/users", token=token)

    # then he sees himself and the plants' buyers, not the company administrator above him
    assert response.status_code == 200, response.text
    assert sorted(user["email"] for user in response.json()["items"]) == [
        "bob.buyer@globex.example",
        "max.manager@globex.example",
        "olga.buyer@globex.example",
    ]


def test_a_buyer_is_refused_the_user_list(stack: Stack) -> None:
    # given bob, buyer at Plant Lyon
    token = stack.token("acme", "bob.buyer@globex.example")

    # when
    response = stack.call("GET", "/v1/store/company/users", token=token)

    # then
    problem(response, 403)


def test_me_shows_where_the_user_sits(stack: Stack) -> None:
    # when olga asks who she is
    response = stack.call("GET", "/v1/store/me", token=stack.token("acme", "olga.buyer@globex.example"))

    # then
    assert response.status_code == 200, response.text
    me = response.json()
    assert [unit["name"] for unit in me["company_path"]] == ["Globex", "Globex Manufacturing", "Plant Ohio"]
    assert me["user"]["status"] == "active"


def test_a_unit_with_a_thousand_users_is_listed_whole_and_decides_their_requests(
    stack_settings: Stack, acme_admin: str
) -> None:
    # given a customer whose unit has a purchasing manager and 999 buyers, invited through the invitation
    # service on the stack's table (over HTTP, the invitations alone took two minutes of the tier)
    stack = stack_settings
    company = stack.call("POST", "/v1/admin/customers", token=acme_admin, json={"name": "Crowded"}).json()[
        "id"
    ]
    unit_body = {"name": "Assembly", "kind": "department", "parent_id": company}
    unit = stack.call(
        "POST", f"/v1/admin/customers/{company}/units", token=acme_admin, json=unit_body
    ).json()["id"]
    invitations = [
        CustomerUserFields.model_validate(
            {
                "email": f"user{number:04d}@crowded.example",
                "name": f"User {number}",
                "unit_id": unit,
                "assignments": [{"role_id": role, "unit_id": unit}],
            }
        )
        for number, role in enumerate(["purchasing-manager"] + ["buyer"] * (USERS - 1))
    ]
    admin = caller("acme", "admin@acme.example")
    with ThreadPoolExecutor(max_workers=INVITING_THREADS) as pool:
        list(pool.map(lambda invitation: invite_user(admin, company, invitation), invitations))

    # when the seller lists them, their manager lists them, and the last buyer signs in
    by_staff = _every_item(stack, f"/v1/admin/customers/{company}/users", acme_admin)
    by_manager = _every_item(
        stack, "/v1/store/company/users", stack.token("acme", "user0000@crowded.example")
    )
    last = stack.call(
        "GET", "/v1/store/me", token=stack.token("acme", f"user{USERS - 1:04d}@crowded.example")
    )

    # then each list has every user once, and the buyer's request is decided
    assert len({user["id"] for user in by_staff}) == len(by_staff) == USERS
    assert {user["id"] for user in by_manager} == {user["id"] for user in by_staff}
    assert last.status_code == 200, last.text
    assert last.json()["company_path"][-1]["id"] == unit


def _every_item(stack: Stack, path: str, token: str) -> list[dict[str, Any]]:
    """Every item of a list, page after page (100 a page, the most a page holds)."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        page = stack.call("GET", path, token=token, params=params)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        if page.json()["next_cursor"] is None:
            return items
        params["cursor"] = page.json()["next_cursor"]
