"""A seeded fault plan on the app's own botocore clients (PynamoDB's DynamoDB client and the SQS client).

Each API call the app makes passes ``before-call``: there the plan draws from its ``random.Random``
whether a fault fires and which. An error answer (throttling, a transaction cancelled for a conflict)
is returned at ``before-call``, in place of the request, as botocore would parse DynamoDB's or SQS's
400; moto never sees it. A transport fault (read timeout, connection refused or closed) is raised at
``before-send`` for the first ``failing`` attempts of the call, so botocore's standard retries run as
they do against AWS: a call whose later attempt gets through succeeds, one whose every attempt fails
raises. Beside the app's calls, the plan fails Lambda's deletes of messages a consumer took, so a
message comes back after it was handled. The plan keeps what fired (call number, operation, fault),
which with the seed reproduces a run; ``calm()`` stops it firing (the outage is over) while calls go
on being counted. PynamoDB keeps its botocore client on its connection (``Connection.client``,
rebuilt only when it lost its credentials), so hooks on that client's ``meta.events`` see every
table call.

Not covered: a fault after the backend applied a call (an answer lost on the way back), faults on S3,
and faults inside moto itself.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError
from integration.test_backend_faults import Fault, dynamodb_error, raising

from chalicelib.platform.aws import MAX_ATTEMPTS, sqs_client
from chalicelib.store.table import raw_connection

# A request fails on its first tries while faults fire; after these the backend is calm again.
FAULTED_TRIES = 3
TRANSACTION = "TransactWriteItems"


@dataclass(frozen=True)
class Kind:
    """A fault of one service; ``only`` limits it to one operation (a transaction's cancellation)."""

    name: str
    fault: Fault
    only: str | None = None


def _error(code: str, **fields: Any) -> Fault:
    """A 400 answer with this error code, as botocore parses it (DynamoDB's and SQS's alike)."""
    return dynamodb_error(code, **fields)


_TRANSPORT = (
    Kind("read-timeout", raising(ReadTimeoutError)),
    Kind("unreachable", raising(EndpointConnectionError)),
    Kind("connection-closed", raising(ConnectionClosedError)),
)
KINDS: dict[str, tuple[Kind, ...]] = {
    "dynamodb": (
        Kind("provisioned-throughput", _error("ProvisionedThroughputExceededException")),
        Kind("throttling", _error("ThrottlingException")),
        Kind(
            "transaction-conflict",
            _error(
                "TransactionCanceledException",
                CancellationReasons=[{"Code": "TransactionConflict"}, {"Code": "None"}],
            ),
            only=TRANSACTION,
        ),
        *_TRANSPORT,
    ),
    "sqs": (
        Kind("throttling", _error("ThrottlingException")),
        Kind("request-throttled", _error("RequestThrottled")),
        *_TRANSPORT,
    ),
}


@dataclass(frozen=True)
class Fired:
    call: int
    operation: str
    kind: str
    failing_attempts: int | None  # a transport fault: how many attempts of the call it failed

    def __str__(self) -> str:
        attempts = "" if self.failing_attempts is None else f" x{self.failing_attempts}"
        return f"#{self.call} {self.operation}: {self.kind}{attempts}"


@dataclass
class FaultPlan:
    """Which calls fail, drawn call by call from ``random.Random(seed)``."""

    seed: str
    rate: float
    kinds: dict[str, tuple[Kind, ...]] = field(default_factory=lambda: KINDS)  # per service: what may fire
    rng: random.Random = field(init=False)
    calls: int = 0
    fired: list[Fired] = field(default_factory=list)
    firing: bool = True
    _transport: Fault | None = None
    _failing: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def describe(self) -> str:
        faulted = "; ".join(str(fired) for fired in self.fired) or "none"
        return f"fault plan {self.seed!r}: {self.calls} calls, faulted {faulted}"

    @contextmanager
    def calm(self) -> Iterator[None]:
        """No fault fires inside (the backends answer again); calls are still counted. Nested (a drain
        inside a calm replay), the outer calm holds."""
        firing, self.firing = self.firing, False
        try:
            yield
        finally:
            self.firing = firing

    def fired_since(self, mark: int) -> list[Fired]:
        return [fired for fired in self.fired if fired.call > mark]

    def before_call(self, model: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self._transport, self._failing = None, 0
        service, operation = model.service_model.service_name, model.name
        if not self.firing or service not in self.kinds or self.rng.random() >= self.rate:
            return None
        kind = self.rng.choice([kind for kind in self.kinds[service] if kind.only in (None, operation)])
        if kind.fault.phase == "before-send":
            self._transport, self._failing = kind.fault, self.rng.randint(1, MAX_ATTEMPTS)
            self.fired.append(Fired(self.calls, f"{service}.{operation}", kind.name, self._failing))
            return None
        self.fired.append(Fired(self.calls, f"{service}.{operation}", kind.name, None))
        return kind.fault.hook(model=model, **kwargs)

    def drops(self, operation: str) -> bool:
        """Whether a call made outside the app fails (Lambda deleting a message the handler took: SQS
        then delivers it again, as its at-least-once delivery may anyway); drawn and kept like the others."""
        self.calls += 1
        if not self.firing or "sqs" not in self.kinds or self.rng.random() >= self.rate:
            return False
        self.fired.append(Fired(self.calls, operation, "lost", None))
        return True

    def before_send(self, request: Any, **kwargs: Any) -> None:
        if self._transport is not None and self._failing > 0:
            self._failing -= 1
            self._transport.hook(request=request, **kwargs)


def app_clients() -> list[Any]:
    """The botocore clients every write path and consumer goes through."""
    return [raw_connection().client, sqs_client()]


@contextmanager
def injected(plan: FaultPlan, clients: list[Any] | None = None) -> Iterator[FaultPlan]:
    """Hook ``plan`` on the clients' event systems (first, ahead of moto's stub) while inside."""
    hooks: list[tuple[Any, str, Callable[..., Any]]] = []
    for client in clients if clients is not None else app_clients():
        service = client.meta.service_model.service_id.hyphenize()
        for event, hook in (
            (f"before-call.{service}", plan.before_call),
            (f"before-send.{service}", plan.before_send),
        ):
            client.meta.events.register_first(event, hook)
            hooks.append((client, event, hook))
    try:
        yield plan
    finally:
        for client, event, hook in hooks:
            client.meta.events.unregister(event, hook)
