"""The fault tier runs on the integration tier's moto and fixtures (tests/integration/conftest.py).

``FAULT_SEED`` picks the run's seed (13 unless set; ``make fuzz`` draws one and prints it); each case's
plan is ``random.Random("<seed>/<route>")``, so one case replays alone with ``-k``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from botocore.retries.standard import ExponentialBackoff
from integration.conftest import (  # noqa: F401 - the integration tier's fixtures, offered here
    _fresh_storefront_shops,
    api,
    aws,
    chalice_client,
    factories,
    make_customer,
    make_customer_group,
    make_customer_user,
    make_organization,
    make_selection,
    make_staff_role,
    make_staff_user,
    make_tenant,
    make_unit,
    make_website,
    media_bucket,
    mocked_aws,
    module_api,
    module_aws,
    operator_token,
    publish_txt,
    verify_hostname,
    worlds,
)
from integration.test_round_trips import (  # noqa: F401 - the round-trip cases' worlds, as fixtures
    catalog,
    categories,
    customers,
    media,
    pricing,
    selections,
    staff,
    storefront,
    world,
)

from chalicelib.platform.settings import get_settings

from .checks import WriteLog

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
