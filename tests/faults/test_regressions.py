"""What the fault tier found, kept fixed.

The visibility PUTs read their answer back after their commit: a backend failing then answered 503 for
a change that was made. They now read everything before the commit and answer from it.
"""

from __future__ import annotations

from typing import Any

import pytest
from integration.conftest import Api
from integration.test_round_trips import World, prepare

from chalicelib.store.table import raw_connection

pytestmark = pytest.mark.shared_account

PRODUCT_RULES = "PUT /v1/admin/products/{product_id}/visibility"
CATEGORY_RULES = "PUT /v1/admin/organizations/{organization_id}/categories/{category_id}/visibility"


class FailingAfterCommit:
    """Every DynamoDB call after the first transaction times out (and is named)."""

    def __init__(self) -> None:
        self.committed = False
        self.after: list[str] = []

    def __call__(self, model: Any, **_: Any) -> None:
        if self.committed:
            self.after.append(model.name)
            raise TimeoutError("the table stalled after the commit")
        self.committed = model.name == "TransactWriteItems"


@pytest.mark.parametrize(
    ("route", "level"),
    [(PRODUCT_RULES, "unit"), (CATEGORY_RULES, "all")],
    ids=["a product's rule for a unit", "a category's rule for everyone"],
)
def test_a_visibility_change_answers_its_rules_without_reading_after_its_commit(
    api: Api, world: World, operator_token: str, request: pytest.FixtureRequest, route: str, level: str
) -> None:
    # given the route's request (for everyone on the website, or for a unit), and a table that stalls
    # once the change is committed
    customers = request.getfixturevalue("customers")  # first: its world is put back in place of the table
    prepared = prepare(api, world, operator_token, request, route)
    body = dict(prepared.body)
    if level == "unit":
        body |= {"level": "unit", "customer_id": customers["customer"], "unit_id": customers["plant"]}
    stall = FailingAfterCommit()
    events = raw_connection().client.meta.events
    events.register("before-call.dynamodb", stall)

    # when
    try:
        reply = api.call("PUT", prepared.path, token=prepared.token, body=body)
    finally:
        events.unregister("before-call.dynamodb", stall)

    # then it answered the rules after the change, as they are read afterwards
    assert (reply.status, stall.after) == (200, []), reply.body
    assert reply.body == api.call("GET", prepared.path, token=prepared.token).body
    assert stall.committed
