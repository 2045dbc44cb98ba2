"""No accepted change is lost, nor audited twice, when the local stack or a piece of it is stopped or
killed while its audit backlog drains (issue 13's kill runs).

One data folder goes through a chain of runs. Each run creates organizations as fast as the API takes
them, then stops (SIGINT) or kills (SIGKILL) the runner, or kills one of its pieces (DynamoDB Local or
the SQS server, which the runner starts again), at one moment: right after the creates returned,
mid-way through their audit backlog, or again during the restart. Then every accepted create must
have exactly one audit entry. ``make test`` runs one short run (the SQS server killed mid-way through 40
creates' backlog); ``make kill-runs`` (``KILL_RUNS=all``) runs every combination with 200 creates each
and prints the table of the issue.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .stack import SMALL_CATALOG, Stack, eventually
from .support import organization_body

pytestmark = pytest.mark.e2e

ACME_ADMIN = "admin@acme.example"
# "all", or some of the ways (e.g. "kill-dynamodb,kill-sqs") to run every moment of those only
KILL_RUNS = os.environ.get("KILL_RUNS", "")
ALL_RUNS = bool(KILL_RUNS)
CREATES = 200 if ALL_RUNS else 40
CREATE_THREADS = 4
DRAIN_SECONDS = 180.0
BACKENDS_UP = " are up"  # the runner's line once DynamoDB and SQS answer, before the seed and the pollers


@dataclass(frozen=True)
class Run:
    how: str  # "stop", "kill", "kill-sqs", "kill-dynamodb"
    moment: str  # "after creates", "mid backlog", "during restart"


@dataclass
class Outcome:
    run: Run
    accepted: int
    audited_at_fault: int
    audited: Counter[str]

    @property
    def missing(self) -> int:
        return self.accepted - len(self.audited)

    @property
    def duplicated(self) -> int:
        return sum(count - 1 for count in self.audited.values())


# One stack start: the SQS server's queues die mid-way and the stack resends what they held, the very path
# every start of the runner takes (a runner killed and restarted costs a second start: `make kill-runs`).
QUICK_RUNS = [Run("kill-sqs", "mid backlog")]
EVERY_RUN = [
    Run(how, moment)
    for how in ("stop", "kill")
    for moment in ("after creates", "mid backlog", "during restart")
] + [
    Run(piece, moment)
    for piece in ("kill-sqs", "kill-dynamodb")
    for moment in ("after creates", "mid backlog")
]


class Chain:
    """The stack of the current run on the shared data folder, started again after each fault."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.stack = Stack(data, SMALL_CATALOG)
        self.token = self.stack.token("acme", ACME_ADMIN)

    def create(self, count: int) -> list[str]:
        def one(index: int) -> str | None:
            body = organization_body(name=f"Kill run {index}", legal_name=f"Kill run {index} AB")
            response = self.stack.call("POST", "/v1/admin/organizations", token=self.token, json=body)
            return response.json()["id"] if response.status_code == 201 else None

        with ThreadPoolExecutor(CREATE_THREADS) as pool:
            return [found for found in pool.map(one, range(count)) if found]

    def audited(self, ids: set[str]) -> Counter[str]:
        """How many audit entries each of ``ids`` has (entity ids absent have none)."""
        counts: Counter[str] = Counter()
        params = {"entity_type": "organization", "limit": "100"}
        while True:
            page = eventually(lambda: self._page(params), timeout=DRAIN_SECONDS, what="an audit page")
            counts.update(item["entity_id"] for item in page["items"] if item["entity_id"] in ids)
            if not page.get("next_cursor"):
                return counts
            params["cursor"] = page["next_cursor"]

    def _page(self, params: dict[str, str]) -> dict[str, Any] | None:
        """One page of the audit log; None while a backend the stack restarts is away (a 5xx)."""
        response = self.stack.call("GET", "/v1/admin/audit", token=self.token, params=params)
        if response.status_code >= 500:
            return None
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    def fault(self, how: str) -> None:
        if how == "stop":
            assert self.stack.stop() == 0, self.stack.output()
        elif how == "kill":
            self.stack.kill()
        else:
            self._kill_piece("java" if how == "kill-dynamodb" else "moto.server")

    def _kill_piece(self, command: str) -> None:
        (pid,) = [pid for pid in self.stack.pieces() if command in Path(f"/proc/{pid}/cmdline").read_text()]
        os.kill(pid, signal.SIGKILL)

    def restart(self, *, interrupted_by: str | None) -> None:
        if interrupted_by is not None:
            started_before = self._starts()
            starting = Stack(self.data, SMALL_CATALOG, wait=False)
            eventually(
                lambda: self._starts() > started_before,
                timeout=DRAIN_SECONDS,
                what="the backends of the restart",
            )
            if interrupted_by == "stop":
                starting.stop()
            else:
                starting.kill()
        self.stack = Stack(self.data, SMALL_CATALOG)

    def _starts(self) -> int:
        return self.stack.output_path.read_text(errors="replace").count(BACKENDS_UP)

    def go(self, run: Run) -> Outcome:
        ids = set(self.create(CREATES))
        if run.moment == "mid backlog":
            eventually(lambda: len(self.audited(ids)) > 0, timeout=DRAIN_SECONDS, what="a first audit entry")
        audited_at_fault = len(self.audited(ids))
        self.fault(run.how)
        if run.how in ("stop", "kill"):
            self.restart(interrupted_by=run.how if run.moment == "during restart" else None)
        eventually(
            lambda: len(self.audited(ids)) >= len(ids), timeout=DRAIN_SECONDS, what="the audit backlog"
        )
        time.sleep(1.0)  # a duplicate would come in the same breath
        return Outcome(run, len(ids), audited_at_fault, self.audited(ids))


def _table(outcomes: list[Outcome]) -> str:
    lines = ["how            moment          accepted  audited at fault  missing  duplicated"]
    lines += [
        f"{o.run.how:<14} {o.run.moment:<15} {o.accepted:>8}  {o.audited_at_fault:>16}  {o.missing:>7}  "
        f"{o.duplicated:>10}"
        for o in outcomes
    ]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def outcomes(seeded_data: Callable[[str], Path]) -> Iterator[list[Outcome]]:
    chain = Chain(seeded_data("kills"))
    results: list[Outcome] = []
    try:
        chosen = [run for run in EVERY_RUN if KILL_RUNS == "all" or run.how in KILL_RUNS.split(",")]
        for run in chosen if ALL_RUNS else QUICK_RUNS:
            results.append(chain.go(run))
            print(f"\n{_table(results)}", flush=True)  # noqa: T201 - the issue's figures, run by run
        yield results
    finally:
        chain.stack.stop()


def test_every_accepted_create_is_audited_after_any_fault(outcomes: list[Outcome]) -> None:
    assert [o.missing for o in outcomes] == [0] * len(outcomes), _table(outcomes)


def test_no_create_is_audited_twice_after_any_fault(outcomes: list[Outcome]) -> None:
    assert [o.duplicated for o in outcomes] == [0] * len(outcomes), _table(outcomes)


def test_every_create_was_accepted(outcomes: list[Outcome]) -> None:
    assert [o.accepted for o in outcomes] == [CREATES] * len(outcomes), _table(outcomes)
