"""store.order_numbers: a tenant's order numbers are taken inside the order's own transaction, so
concurrent placements get distinct, consecutive numbers and a failed one takes none."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.platform.errors import Conflict
from chalicelib.store.keys import Key
from chalicelib.store.order_numbers import commit_numbered, last_order_number
from chalicelib.store.repository import Transaction

from .conftest import Table

pytestmark = pytest.mark.shared_account
TENANT = "acme"


def _order(number: int, key: Key | None = None) -> Transaction:
    """An order's writes, standing in for the real ones: one item carrying its number."""
    transaction = Transaction()
    order_key = key or Key(f"T#{TENANT}#ORDER#{uuid.uuid4().hex}", "ORDER")
    transaction.create(order_key, "order", {"number": number}, on_exists=Conflict("order exists"))
    return transaction


def _numbers(table: Table) -> list[int]:
    return sorted(int(item["data"]["number"]) for item in table.items() if item["type"] == "order")


@pytest.mark.usefixtures("isolated_transactions")
def test_concurrent_placements_take_distinct_consecutive_numbers(table: Table) -> None:
    # given a tenant without orders
    # when twenty placements run at once
    with ThreadPoolExecutor(max_workers=4) as pool:
        taken = list(pool.map(lambda _: commit_numbered(TENANT, _order), range(20)))

    # then each took its own number, 1 to 20 without a gap, and each order carries the one it took
    assert sorted(taken) == list(range(1, 21))
    assert _numbers(table) == list(range(1, 21))
    assert last_order_number(TENANT) == 20


def test_a_failed_placement_takes_no_number(table: Table) -> None:
    # given a first order, and a placement whose own condition will fail (its order exists already)
    existing = Key(f"T#{TENANT}#ORDER#fixed", "ORDER")
    assert commit_numbered(TENANT, lambda number: _order(number, existing)) == 1

    # when it is placed again
    with pytest.raises(Conflict, match="order exists"):
        commit_numbered(TENANT, lambda number: _order(number, existing))

    # then the next placement takes the number it did not
    assert commit_numbered(TENANT, _order) == 2
    assert _numbers(table) == [1, 2]


def test_a_number_taken_meanwhile_is_retried_with_the_next(table: Table) -> None:
    # given a placement during whose preparation another one commits first
    attempts: list[int] = []

    def build(number: int) -> Transaction:
        attempts.append(number)
        if len(attempts) == 1:
            commit_numbered(TENANT, _order)  # the concurrent placement takes 1
        return _order(number)

    # when it commits
    taken = commit_numbered(TENANT, build)

    # then its first attempt lost number 1, and its retry took 2
    assert attempts == [1, 2]
    assert taken == 2
    assert _numbers(table) == [1, 2]
