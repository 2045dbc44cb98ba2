"""The local stack (``python -m local.run``) as a child process of the e2e tier.

Each stack gets free ports and its own data folder, so it never meets a developer's ``make run``;
the runner's ready file says when it serves. Stopping sends SIGINT, as Ctrl-C would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from chalicelib.platform.aws import reset_clients
from chalicelib.platform.dev_issuer import mint_token
from chalicelib.platform.settings import reset_settings
from chalicelib.store.table import reset_connection

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The stacks of the e2e tier seed the demo catalog with one simple product per leaf category (71
# products, every demo kind and rule among them) instead of 15 (351 products, 64-120 s of seeding on two
# busy cores, and over a thousand audit events queued ahead of the tests'). `make run` seeds the full one.
SMALL_DEMO_PRODUCTS_PER_LEAF = 1
SMALL_CATALOG = {"KONTOR_DEMO_PRODUCTS_PER_LEAF": str(SMALL_DEMO_PRODUCTS_PER_LEAF)}
# The deadline is for a stack that will never come up, not a performance bound.
START_TIMEOUT_SECONDS = 600.0
STOP_TIMEOUT_SECONDS = 30.0
HTTP_TIMEOUT_SECONDS = 10.0
# A test's audit entry waits behind the events queued ahead of it (the seed's, the 1,000 invitations'):
# it fails only when the audit consumer has written nothing new for this long (a stuck consumer), however
# long a slow machine takes to work through the backlog. Not a measure of the audit's delay.
AUDIT_STALL_SECONDS = 60.0
# A seeded stack is settled once the queues took everything its stream dispatched and nothing new came
# for this long (the consumers' own writes reach the stream too).
SETTLED_QUIET_SECONDS = 3.0

T = TypeVar("T")


def free_ports(count: int) -> list[int]:
    """Ports nothing listens on, held open together while picked so that they differ."""
    with ExitStack() as held:
        probes = [held.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def _own_environment() -> dict[str, str]:
    """This process's environment without the test stage's settings and credentials."""
    return {name: value for name, value in os.environ.items() if not name.startswith(("KONTOR_", "AWS_"))}


def _alive(pid: int) -> bool:
    """A process that runs (a zombie, exited but not yet reaped by its new parent, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@dataclass(frozen=True)
class AuditQueue:
    """The URLs of the audit consumer's queue and of its dead-letter queue."""

    url: str
    dead_letters: str


class Stack:
    """A running local stack: its API, its settings, and tokens from its dev issuer."""

    def __init__(
        self, data_dir: Path, environment: Mapping[str, str] | None = None, *, wait: bool = True
    ) -> None:
        """Start a runner on ``data_dir``; unless ``wait`` is False, return once it serves."""
        self.data_dir = data_dir
        self._ready_file = data_dir.with_name(f"{data_dir.name}-ready.json")
        self._ready_file.unlink(missing_ok=True)  # a killed runner leaves its own behind
        self.output_path = data_dir.with_name(f"{data_dir.name}-output.log")  # appended to by each start
        api, dynamodb, sqs = (str(port) for port in free_ports(3))
        command = [sys.executable, "-m", "local.run", "--data-dir", str(data_dir)]
        command += ["--ready-file", str(self._ready_file)]
        command += ["--port", api, "--dynamodb-port", dynamodb, "--sqs-port", sqs]
        with self.output_path.open("ab") as output:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                cwd=PROJECT_ROOT,
                env={**_own_environment(), **(environment or {})},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        if wait:
            self.wait_until_ready()

    def wait_until_ready(self) -> None:
        ready = self._wait_until_ready()
        self.api: str = ready["api"]
        self.dynamodb: str = ready["dynamodb"]
        self.environment: dict[str, str] = ready["environment"]
        self.dev_issuer_dir = Path(ready["dev_issuer_dir"])

    def _wait_until_ready(self) -> dict[str, Any]:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._ready_file.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the local stack did not start:\n{self.output()}")
            time.sleep(0.1)
        ready: dict[str, Any] = json.loads(self._ready_file.read_text())
        return ready

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")[-5000:]

    def wait_until_settled(self) -> None:
        """Until every event the stream has dispatched was taken from the queues, and nothing new came
        for ``SETTLED_QUIET_SECONDS`` (the stream checkpoint's settled positions are its dispatched ones)."""
        checkpoint = self.data_dir / "stream-checkpoint.json"
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        last, quiet_since = "", time.monotonic()
        while True:
            state = checkpoint.read_text() if checkpoint.exists() else ""
            if state != last:
                last, quiet_since = state, time.monotonic()
            positions = json.loads(state) if state else {}
            settled = bool(positions.get("dispatched")) and positions["dispatched"] == positions["settled"]
            if settled and time.monotonic() - quiet_since >= SETTLED_QUIET_SECONDS:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"the local stack did not settle:\n{self.output()}")
            time.sleep(0.2)

    def stop(self) -> int:
        """Ctrl-C, then the exit code (0 when everything stopped cleanly)."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            try:
                self._process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        return self._process.returncode

    def backend_pid(self, program: str) -> int:
        """The process id of the stack's piece whose command line names ``program`` (``DynamoDBLocal``)."""
        for pid in self.pieces():
            with suppress(FileNotFoundError):  # gone meanwhile
                if program in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                    return pid
        raise LookupError(f"no {program} under the stack's process {self._process.pid}")

    def pieces(self) -> list[int]:
        """The process ids of the runner's children (DynamoDB Local, the moto server) now."""
        tasks = Path(f"/proc/{self._process.pid}/task")
        pids: set[int] = set()
        for task in tasks.iterdir() if tasks.exists() else ():
            with suppress(FileNotFoundError):  # a thread that ended meanwhile
                pids.update(int(pid) for pid in (task / "children").read_text().split())
        return sorted(pids)

    def kill(self) -> None:
        """SIGKILL the runner and wait until its pieces are gone as well (they follow their parent)."""
        pieces = self.pieces()
        self._process.kill()
        self._process.wait()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while any(map(_alive, pieces)) and time.monotonic() < deadline:
            time.sleep(0.1)

    def token(self, tenant_id: str, email: str) -> str:
        return mint_token(self.dev_issuer_dir, tenant_id=tenant_id, email=email)

    def call(self, method: str, path: str, *, token: str | None = None, **options: Any) -> requests.Response:
        """One HTTP call; ``options`` go to requests (``json``, ``params``, ``headers``)."""
        headers = dict(options.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(
            method, self.api + path, headers=headers, timeout=HTTP_TIMEOUT_SECONDS, **options
        )

    def verify_hostname(self, token: str, website_id: str, hostname: str) -> None:
        """Pass a hostname's DNS challenge as a developer would: read the record to publish, publish it
        with ``kontor dev dns publish`` (in the stack's stand-in for DNS), then ask for verification."""
        path = f"/v1/admin/websites/{website_id}/hostnames"
        listed = self.call("GET", path, token=token)
        assert listed.status_code == 200, listed.text
        (challenge,) = [item["challenge"] for item in listed.json()["items"] if item["hostname"] == hostname]
        records = self.environment["KONTOR_DNS_RECORDS_FILE"]
        command = [sys.executable, "-m", "chalicelib.cli", "dev", "dns", "publish"]
        subprocess.run(
            [*command, challenge["name"], challenge["value"], "--file", records], check=True, cwd=PROJECT_ROOT
        )
        verified = self.call("POST", f"{path}/{hostname}/verification", token=token)
        assert verified.status_code == 200, verified.text

    def newest_audit(self, token: str) -> str | None:
        """The id of the newest audit entry the token's tenant has: it changes while its consumer works."""
        response = self.call("GET", "/v1/admin/audit", token=token, params={"limit": 1})
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        return str(items[0]["id"]) if items else None

    def audit_of(self, token: str, entity_id: str) -> list[dict[str, Any]]:
        """The audit entries of one entity, newest first."""
        response = self.call("GET", "/v1/admin/audit", token=token, params={"entity_id": entity_id})
        assert response.status_code == 200, response.text
        entries: list[dict[str, Any]] = response.json()["items"]
        return entries


def seeded_template(data_dir: Path, environment: Mapping[str, str]) -> Path:
    """A data folder seeded by a stack started on it, left to settle (the seed's events dispatched and
    handled), and stopped: stacks started on copies of it (:func:`copy_of`) skip the seed's writes and
    its backlog of events, 45-80 s of each start on two busy cores."""
    seeding = Stack(data_dir, environment)
    try:
        seeding.wait_until_settled()
    finally:
        assert seeding.stop() == 0, seeding.output()
    return data_dir


def copy_of(template: Path, data_dir: Path) -> Path:
    """``data_dir`` made a copy of a stopped stack's data folder (DynamoDB Local's file, the seed's ledger,
    the stream checkpoint, the dev issuer's keys): a stack started on it resumes where that one stopped."""
    shutil.copytree(template, data_dir)
    return data_dir


def eventually(
    check: Callable[[], T | None], *, timeout: float, what: str, progress: Callable[[], object] | None = None
) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds, counted from the
    last change of ``progress`` (a sign that the work queued ahead moves on, if given)."""
    deadline = time.monotonic() + timeout
    seen = progress() if progress else None
    while True:
        result = check()
        if result:
            return result
        if progress and (now_seen := progress()) != seen:
            seen, deadline = now_seen, time.monotonic() + timeout
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s of the last progress")
        time.sleep(0.1)


def _forget_clients() -> None:
    reset_settings()
    reset_clients()
    reset_connection()


@contextmanager
def settings_pointed_at(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's settings and clients pointed at ``stack`` (the app's services called in-process)."""
    for name, value in stack.environment.items():
        monkeypatch.setenv(name, value)
    _forget_clients()
    try:
        yield
    finally:
        monkeypatch.undo()
        _forget_clients()


if __name__ == "__main__":  # `make e2e-template`: the folder every e2e stack of a `make test` run copies
    seeded_template(Path(sys.argv[1]), SMALL_CATALOG)
