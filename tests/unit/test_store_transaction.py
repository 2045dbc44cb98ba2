"""How a cancelled transaction becomes a problem (no AWS: the cancellation is built by hand)."""

from __future__ import annotations

from typing import Any

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from chalicelib.platform.errors import Conflict, PreconditionFailed
from chalicelib.store import repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record, Transaction


def _cancelled(*codes: str | None) -> TransactWriteError:
    reasons = [CancellationReason(code=code) if code else None for code in codes]
    response = {"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}}
    cause = VerboseClientError(response, "TransactWriteItems", cancellation_reasons=reasons)
    return TransactWriteError("Failed to write transaction items", cause=cause)


def test_a_condition_failure_raises_the_problem_of_its_write() -> None:
    # given a transaction whose second write guards a hostname
    taken = Conflict("hostname 'shop.acme.de' is already taken")
    transaction = Transaction()
    transaction.create(Key("T#acme#WEBSITE", "web_1"), "website", {})
    transaction.create(Key("HOST#shop.acme.de", "HOST"), "host", {}, on_exists=taken)
    # when DynamoDB cancels it on that write's condition
    problem = transaction._failure(_cancelled(None, "ConditionalCheckFailed"))
    # then the hostname's problem is the answer
    assert problem is taken


def test_a_conflict_with_a_concurrent_transaction_stays_the_stores_failure() -> None:
    # given a transaction cancelled because another one held the same item
    transaction = Transaction()
    transaction.create(Key("T#acme#ORG", "org_1"), "organization", {})
    cancelled = _cancelled("TransactionConflict")
    # when the failure is translated
    failure = transaction._failure(cancelled)
    # then no condition explains it: the neutral failure goes on, for the API to answer 503
    assert failure is cancelled


def test_a_guard_items_stale_version_raises_its_own_problem() -> None:
    # given a transaction that bumps a guard item, with the problem a lost race should give
    changed = Conflict("the company's structure changed meanwhile; retry")
    transaction = Transaction()
    transaction.replace(
        Key("T#acme#CUST#cus_1", "TREE"), "customer_tree", {}, expected_version=3, on_failure=changed
    )
    # when DynamoDB cancels it on that version check
    problem = transaction._failure(_cancelled("ConditionalCheckFailed"))
    # then that problem is the answer (not the guard's version, which no client ever saw)
    assert problem is changed


def test_a_stale_version_is_the_answer_when_a_guarded_write_failed_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a website update that releases a hostname, racing a change that bumped the website to 2
    # and released that hostname first
    monkeypatch.setattr(repository, "get", lambda key, consistent=True: Record(key, "website", {}, version=2))
    released = Conflict("hostname 'shop.acme.de' is no longer held by this website")
    transaction = Transaction()
    transaction.replace(Key("T#acme#WEBSITE", "web_1"), "website", {}, expected_version=1)
    transaction.delete(
        Key("HOST#shop.acme.de", "HOST"), data_equals={"website_id": "web_1"}, on_failure=released
    )
    # when DynamoDB cancels both writes on their conditions (the delete is sent first)
    problem = transaction._failure(_cancelled("ConditionalCheckFailed", "ConditionalCheckFailed"))
    # then the answer is the stale version, with the version stored now
    assert isinstance(problem, PreconditionFailed)
    assert problem.extensions == {"current_version": 2}


def _update_kwargs(transaction: Transaction) -> dict[str, Any]:
    """The UpdateItem a transaction's only write sends (as TransactWriteItems would)."""
    (write,) = transaction.writes
    kwargs: dict[str, Any] = write.item.get_update_kwargs_from_instance(
        actions=write.actions, condition=write.condition
    )
    return kwargs


def test_an_increment_adds_one_to_a_data_counter_and_nothing_else() -> None:
    # given a transaction counting a catalog change on the tenant item
    transaction = Transaction()
    transaction.increment(Key("T#acme#TENANT", "TENANT"), "catalog_generation", on_failure=Conflict())
    # when its write is serialized
    kwargs = _update_kwargs(transaction)
    # then it adds one to data.catalog_generation of an existing item, its version left alone
    names, values = kwargs["ExpressionAttributeNames"], kwargs["ExpressionAttributeValues"]
    expression = kwargs["UpdateExpression"]
    assert expression.startswith("ADD ")
    assert [names[name] for name in expression.removeprefix("ADD ").split(" ")[0].split(".")] == [
        "data",
        "catalog_generation",
    ]
    assert list(values.values()) == [{"N": "1"}]
    assert "version" not in names.values()
    assert kwargs["ConditionExpression"].startswith("attribute_exists")


def test_a_failed_increment_raises_its_problem_as_updates_are_sent_last() -> None:
    # given a transaction that creates an item and counts the change on a tenant item that is gone
    gone = Conflict("tenant not found")
    transaction = Transaction()
    transaction.increment(Key("T#acme#TENANT", "TENANT"), "catalog_generation", on_failure=gone)
    transaction.create(Key("T#acme#ORG#org_1#CATEGORY", "cat_1"), "category", {})
    # when DynamoDB cancels it on the increment's condition (the put is sent before the update)
    problem = transaction._failure(_cancelled(None, "ConditionalCheckFailed"))
    # then the increment's problem is the answer
    assert problem is gone


@pytest.mark.parametrize(
    ("value", "absent_allowed"),
    [pytest.param(0, True, id="zero-or-absent"), pytest.param(7, False, id="the-value-read")],
)
def test_a_replace_keeps_the_counters_it_read(value: int, absent_allowed: bool) -> None:
    # given a replace of a tenant item read with catalog_generation at ``value``
    transaction = Transaction()
    transaction.replace(
        Key("T#acme#TENANT", "TENANT"),
        "tenant",
        {"catalog_generation": value},
        expected_version=3,
        counters=("catalog_generation",),
    )
    # when its condition is serialized
    (write,) = transaction.writes
    condition = str(write.condition)
    # then it needs the version and the counter as read (a counter never written counts as 0)
    assert "version = {'N': '3'}" in condition
    assert f"data.catalog_generation = {{'N': '{value}'}}" in condition
    assert ("attribute_not_exists (data.catalog_generation)" in condition) is absent_allowed


def test_a_version_check_failing_with_the_version_unchanged_asks_to_retry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a tenant rewrite whose version is still current, but whose counter changed meanwhile
    monkeypatch.setattr(repository, "get", lambda key, consistent=True: Record(key, "tenant", {}, version=3))
    transaction = Transaction()
    transaction.replace(
        Key("T#acme#TENANT", "TENANT"),
        "tenant",
        {"catalog_generation": 0},
        expected_version=3,
        counters=("catalog_generation",),
    )
    # when DynamoDB cancels it on its condition
    problem = transaction._failure(_cancelled("ConditionalCheckFailed"))
    # then it is a 409 that says when to retry, not a 412 naming the version the client sent
    assert isinstance(problem, Conflict)
    assert problem.headers == {"Retry-After": "1"}


def test_two_counters_of_one_item_go_in_one_update() -> None:
    # given a change counted by the catalog and by pricing (both on the tenant item)
    transaction = Transaction()
    tenant = Key("T#acme#TENANT", "TENANT")
    failure = Conflict("tenant not found")
    # when both counters are added
    transaction.increment(tenant, "catalog_generation", on_failure=failure)
    transaction.increment(tenant, "pricing_generation", on_failure=failure)
    # then the item is named once (DynamoDB refuses a transaction naming it twice), with both additions
    assert len(transaction.writes) == 1
    assert len(transaction.writes[0].actions) == 2
