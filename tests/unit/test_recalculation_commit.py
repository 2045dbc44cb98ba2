"""chalicelib.services.pricing.recalculation.commit_contended: a recalculation's transaction cancelled
only for contention is committed again; any other failure is raised at once.

The transaction is a stand-in whose ``commit`` fails as told, then succeeds.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from chalicelib.platform.errors import Conflict
from chalicelib.services.pricing import recalculation
from chalicelib.store.repository import Transaction


class FailingFirst(Transaction):
    """A transaction whose first ``failures`` commits raise ``error``; the next one succeeds."""

    def __init__(self, error: Exception, failures: int) -> None:
        super().__init__()
        self.error, self.failures, self.attempts = error, failures, 0

    def commit(self) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise self.error


def throttled() -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "busy"}}, "TransactWriteItems")


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recalculation, "CONTENTION_PAUSE_SECONDS", 0)


def test_a_transaction_cancelled_for_contention_is_committed_again() -> None:
    # given
    transaction = FailingFirst(throttled(), failures=2)

    # when
    recalculation.commit_contended(transaction)

    # then
    assert transaction.attempts == 3


def test_a_condition_that_fails_is_raised_at_once() -> None:
    # given
    transaction = FailingFirst(Conflict("these prices changed meanwhile; retry"), failures=1)

    # when
    with pytest.raises(Conflict):
        recalculation.commit_contended(transaction)

    # then
    assert transaction.attempts == 1


def test_contention_that_outlasts_the_attempts_is_raised() -> None:
    # given
    transaction = FailingFirst(throttled(), failures=recalculation.COMMIT_ATTEMPTS)

    # when
    with pytest.raises(ClientError):
        recalculation.commit_contended(transaction)

    # then
    assert transaction.attempts == recalculation.COMMIT_ATTEMPTS
