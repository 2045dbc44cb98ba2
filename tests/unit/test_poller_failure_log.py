"""A local poller's failures while a backend is down: the first with its traceback, then one line a
minute, then the recovery."""

from __future__ import annotations

import logging

import pytest

from local.pollers import FailureLog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def failures(clock: Clock) -> FailureLog:
    return FailureLog("audit poller", interval=60.0, clock=clock)


def _unreachable() -> ConnectionError:
    try:
        raise ConnectionError("Connection refused")
    except ConnectionError as error:
        return error


def test_the_first_failure_is_logged_with_its_cause_and_traceback(
    failures: FailureLog, caplog: pytest.LogCaptureFixture
) -> None:
    # when
    with caplog.at_level(logging.INFO, logger="local.pollers"):
        failures.failed("polling failed; trying again", _unreachable())

    # then
    [record] = caplog.records
    assert record.getMessage() == (
        "audit poller: polling failed; trying again: ConnectionError: Connection refused"
    )
    assert record.exc_info is not None


def test_repeated_failures_are_logged_once_a_minute_with_their_count(
    failures: FailureLog, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    failures.failed("polling failed; trying again", _unreachable())
    caplog.clear()

    # when it fails every second for two minutes
    with caplog.at_level(logging.INFO, logger="local.pollers"):
        for _ in range(120):
            clock.now += 1
            failures.failed("polling failed; trying again", _unreachable())

    # then
    assert [record.getMessage() for record in caplog.records] == [
        "audit poller: still failing: 60 times in the last 60 s; latest: polling failed; trying again: "
        "ConnectionError: Connection refused",
    ] * 2
    assert all(record.exc_info is None for record in caplog.records)


def test_the_recovery_is_logged_once(
    failures: FailureLog, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    for _ in range(3):
        failures.failed("polling failed; trying again", _unreachable())
        clock.now += 10
    caplog.clear()

    # when
    with caplog.at_level(logging.INFO, logger="local.pollers"):
        failures.succeeded()
        failures.succeeded()

    # then
    assert [record.getMessage() for record in caplog.records] == [
        "audit poller: recovered after 3 failures in 30 s"
    ]


def test_a_failure_after_a_recovery_is_logged_with_its_traceback_again(
    failures: FailureLog, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    failures.failed("polling failed; trying again", _unreachable())
    failures.succeeded()
    caplog.clear()

    # when
    with caplog.at_level(logging.INFO, logger="local.pollers"):
        failures.failed("polling failed; trying again", _unreachable())

    # then
    [record] = caplog.records
    assert record.exc_info is not None
