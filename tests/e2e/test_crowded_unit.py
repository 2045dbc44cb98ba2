"""A unit with 1,000 users on a stack of its own: their invitations' 1,000 audit events would otherwise
queue ahead of every later test's on the session's stack (on a busy machine its consumer handled ~1 a
second)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain.customer_users import CustomerUserFields
from chalicelib.services.customer_users import invite_user
from local.seed import caller

from .stack import SMALL_CATALOG, Stack, settings_pointed_at

USERS = 1_000
INVITING_THREADS = 4  # as the demo seed writes: DynamoDB Local serves transactions side by side


@pytest.fixture(scope="module")
def crowded(seeded_data: Callable[[str], Path]) -> Iterator[Stack]:
    running = Stack(seeded_data("crowded"), SMALL_CATALOG)
    try:
        yield running
    finally:
        assert running.stop() == 0, running.output()


def test_a_unit_with_a_thousand_users_is_listed_whole_and_decides_their_requests(
    crowded: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a customer whose unit has a purchasing manager and 999 buyers, invited through the invitation
    # service on the stack's table (over HTTP, the invitations alone took two minutes of the tier)
    stack, acme_admin = crowded, crowded.token("acme", "admin@acme.example")
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
    with settings_pointed_at(stack, monkeypatch), ThreadPoolExecutor(INVITING_THREADS) as pool:
        admin = caller("acme", "admin@acme.example")
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
