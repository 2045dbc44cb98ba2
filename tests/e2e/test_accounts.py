"""Customer users on the real stack, with the demo company Globex that `make run` seeds."""

from __future__ import annotations

from .stack import Stack
from .support import problem


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
