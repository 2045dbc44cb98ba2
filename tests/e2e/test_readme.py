"""The README's "Try it" commands, run as written against the e2e stack.

Blocks fenced as ```` ```bash try-it ```` run in order in one bash session, with the stack's port in
place of 8000, its dev issuer for the tokens and its stand-in for DNS; each ``curl`` must answer the
status its ``# -> 200`` comment promises, and every other command must succeed.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from .stack import PROJECT_ROOT, Stack

pytestmark = pytest.mark.e2e

README = PROJECT_ROOT / "README.md"
TRY_IT_BLOCK = re.compile(r"^```bash try-it\n(.*?)^```$", re.MULTILINE | re.DOTALL)
PROMISED_STATUS = re.compile(r"# -> (\d{3})")
README_API = "http://127.0.0.1:8000"
# Each curl also writes its status to $STATUS_FILE (fd 3); the output stays as the reader sees it.
PRELUDE = """set -euo pipefail
exec 3>"$STATUS_FILE"
curl() { command curl -w '%{stderr}%{http_code}\\n' "$@" 2>&3; }
"""
TIMEOUT_SECONDS = 120


def _try_it_script() -> str:
    blocks = TRY_IT_BLOCK.findall(README.read_text())
    assert blocks, "the README has no ```bash try-it blocks"
    return "\n".join(blocks)


def test_the_readme_try_it_commands_answer_as_the_readme_says(stack: Stack, tmp_path: Path) -> None:
    # given the README's commands, pointed at the stack
    script = _try_it_script()
    promised = [int(status) for status in PROMISED_STATUS.findall(script)]
    statuses = tmp_path / "statuses"
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("KONTOR_", "AWS_"))},
        "KONTOR_PORT": stack.api.rsplit(":", 1)[1],
        "KONTOR_DEV_ISSUER_DIR": str(stack.dev_issuer_dir),
        "KONTOR_DNS_RECORDS_FILE": stack.environment["KONTOR_DNS_RECORDS_FILE"],
        "STATUS_FILE": str(statuses),
    }

    # when they run in one shell
    result = subprocess.run(
        ["bash", "-c", PRELUDE + script.replace(README_API, stack.api)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )

    # then every command succeeded and every curl answered the promised status
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    answered = [int(line) for line in statuses.read_text().split()]
    assert answered == promised, result.stdout[-2000:]
