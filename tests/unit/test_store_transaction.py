"""How a cancelled transaction becomes a problem (no AWS: the cancellation is built by hand)."""

from __future__ import annotations

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


def test_a_conflict_with_a_concurrent_transaction_asks_to_retry() -> None:
    # given a transaction cancelled because another one held the same item
    transaction = Transaction()
    transaction.create(Key("T#acme#ORG", "org_1"), "organization", {})
    # when the failure is translated
    problem = transaction._failure(_cancelled("TransactionConflict"))
    # then it is a 409 that says when to retry
    assert isinstance(problem, Conflict)
    assert problem.headers == {"Retry-After": "1"}


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


def test_a_counter_update_is_paired_with_its_reason_after_the_puts() -> None:
    # given a transaction whose counter update was added before a put (PynamoDB sends updates last)
    gone = Conflict("the tenant is gone")
    transaction = Transaction()
    transaction.count_up(Key("T#acme#TENANT", "TENANT"), "catalog_generation", on_failure=gone)
    transaction.create(Key("T#acme#SELECTION", "sel_1"), "selection", {})
    # when DynamoDB cancels the transaction on the update's condition (the last item sent)
    problem = transaction._failure(_cancelled(None, "ConditionalCheckFailed"))
    # then the update's problem is the answer
    assert problem is gone
