"""Unit-tier fixtures: fresh settings per test, and the dev issuer for bearer verification.

Nothing here touches AWS or the network; the tier runs with sockets disabled.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.platform.auth import reset_key_cache
from chalicelib.platform.settings import reset_settings


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Settings re-read from the environment; change it with the yielded monkeypatch first."""
    reset_settings()
    yield monkeypatch
    reset_settings()


@pytest.fixture
def dev_issuer(dev_issuer_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The dev issuer trusted (test stage), with no settings or JWKS cached from another test."""
    monkeypatch.setenv("KONTOR_STAGE", "test")
    monkeypatch.setenv("KONTOR_DEV_ISSUER_DIR", str(dev_issuer_dir))
    reset_settings()
    reset_key_cache()
    yield dev_issuer_dir
    reset_settings()
    reset_key_cache()
