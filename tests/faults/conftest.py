"""The fault tier runs on the integration tier's moto and fixtures (tests/integration/conftest.py).

``FAULT_SEED`` picks the run's seed (13 unless set; ``make fuzz`` draws one and prints it); each case's
plan is ``random.Random("<seed>/<route>")``, so one case replays alone with ``-k``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from _pytest.fixtures import FixtureFunctionDefinition
from botocore.retries.standard import ExponentialBackoff
from integration import conftest as integration_conftest
from integration import test_round_trips

from chalicelib.platform.settings import get_settings

from .checks import WriteLog

# Every fixture of the integration tier's conftest and of the round trips' module (whose cases the
# tier sends), offered here by name: a fixture added there for a new route's case is here too.
globals().update(
    {
        name: value
        for module in (integration_conftest, test_round_trips)
        for name, value in vars(module).items()
        if isinstance(value, FixtureFunctionDefinition)
    }
)

DEFAULT_SEED = "13"


def fault_seed() -> str:
    return os.environ.get("FAULT_SEED") or DEFAULT_SEED


def pytest_report_header() -> str:
    seed = fault_seed()
    return f"fault seed: {seed} (FAULT_SEED={seed} replays this run)"


@pytest.fixture
def write_log() -> Iterator[WriteLog]:
    """Every write moto applies to the table during the test."""
    with WriteLog(get_settings().table_name).recording() as log:
        yield log


@pytest.fixture(autouse=True)
def _no_backoff_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries go on at once: the attempts, not the clock, are what the tier sees."""
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)
