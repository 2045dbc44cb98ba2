"""The CDK app synthesized once per session with the pinned npm aws-cdk CLI, offline.

``make infra-check`` synthesizes into infrastructure/cdk.out first and passes it as
``KONTOR_CDK_OUT``; run alone, ``pytest tests/infra`` synthesizes into a temporary folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INFRASTRUCTURE = REPO / "infrastructure"
CDK_CLI = REPO / "node_modules" / ".bin" / "cdk"
sys.path.insert(0, str(INFRASTRUCTURE))

from kontor_infra.stages import STAGES  # noqa: E402

from .support import Template, load_template  # noqa: E402

# Credentials and endpoints the test session or the developer may have set: synthesis uses none.
_NOT_PASSED = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")


def _offline_env() -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in _NOT_PASSED and not name.startswith("AWS_ENDPOINT_URL")
    }
    env.update(
        {
            "CDK_DISABLE_CLI_TELEMETRY": "true",
            "AWS_EC2_METADATA_DISABLED": "true",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
        }
    )
    return env


@pytest.fixture(scope="session")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("KONTOR_CDK_OUT")
    if given:
        return Path(given)
    if not CDK_CLI.exists():
        pytest.fail("the npm aws-cdk CLI is missing: run `make install`")
    out = tmp_path_factory.mktemp("cdk.out")
    result = subprocess.run(
        [str(CDK_CLI), "synth", "--quiet", "--output", str(out)],
        cwd=INFRASTRUCTURE,
        env=_offline_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"cdk synth failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
    return out


@pytest.fixture(scope="session")
def templates(cdk_out: Path) -> dict[str, Template]:
    return {name: load_template(cdk_out, stage) for name, stage in STAGES.items()}


@pytest.fixture(params=sorted(STAGES))
def template(request: pytest.FixtureRequest, templates: dict[str, Template]) -> Template:
    return templates[request.param]
