"""What keeps the local stack from losing an accepted event when it, or one of its pieces, stops.

The outbox events are in DynamoDB Local, which keeps them on disk; the consumer queues are in moto's
memory, which keeps nothing. So the stream checkpoint has two positions (see
:class:`local.pollers.Checkpoint`): the :class:`QueueKeeper` settles the dispatched position whenever
every consumer queue and dead-letter queue is seen empty, and when the queues are gone (the SQS server
was restarted) it creates them again and has the stream poller rewind to the settled position, so what
may have died with the old queues is sent again. Each start of the stack does the same: its queues are
new, and the stream poller starts from the settled position. The consumers are idempotent by event id,
so an event sent twice is applied once.

The :class:`Supervisor` starts a backend again, on the same port and data, when its process dies.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from local.backends import Backend
from local.pollers import Checkpoint, Poller, StreamPoller

LOG = logging.getLogger(__name__)

SETTLE_SECONDS = 1.0
SUPERVISE_SECONDS = 0.5
# Every message a queue holds, ready, in flight or delayed: none of them was taken yet.
BACKLOG_ATTRIBUTES = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)


class QueueKeeper(Poller):
    """Settles the stream checkpoint when the queues are empty; recreates them when they are gone.

    ``queue_urls`` are the queues to watch (each consumer's and its dead-letter queue); ``create_queues``
    makes them again with their redrive policies (and whatever else lives in the SQS server),
    idempotently, and returns their URLs.
    Dead-letter queues count: their messages die with the server too, and are sent there again (after
    their five receives) by the resend; a dead letter holds the settled position back until it is
    replayed (``kontor replay-dlq``) or purged.
    """

    def __init__(
        self,
        sqs: Any,
        queue_urls: Sequence[str],
        create_queues: Callable[[], Sequence[str]],
        checkpoint: Checkpoint,
        stream: StreamPoller,
        stopping: threading.Event,
    ) -> None:
        super().__init__("queue keeper", stopping)
        self._sqs = sqs
        self._create_queues = create_queues
        self._checkpoint = checkpoint
        self._stream = stream
        self._urls = list(queue_urls)
        self._unreachable = False

    def poll(self) -> None:
        if not self._stream.rewinding():  # a settle before the rewind would count the new, empty queues
            dispatched = self._checkpoint.dispatched()
            # nothing dispatched since the last settle: one queue's answer says the queues still exist
            idle = self._checkpoint.is_settled(dispatched)
            try:
                backlog = sum(self._backlog(url) for url in (self._urls[:1] if idle else self._urls))
            except self._sqs.exceptions.QueueDoesNotExist:
                self._recreate()
            except (BotoCoreError, ClientError) as error:
                if not self._unreachable:
                    LOG.warning("%s: the SQS server does not answer (%s); waiting for it", self.name, error)
                self._unreachable = True
            else:
                if self._unreachable:
                    LOG.info("%s: the SQS server answers again", self.name)
                self._unreachable = False
                if backlog == 0:
                    self._checkpoint.settle(dispatched)
        self._stopping.wait(SETTLE_SECONDS)

    def _backlog(self, url: str) -> int:
        attributes = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=list(BACKLOG_ATTRIBUTES))
        return sum(int(attributes["Attributes"].get(name, 0)) for name in BACKLOG_ATTRIBUTES)

    def _recreate(self) -> None:
        LOG.warning(
            "%s: the consumer queues are gone (the SQS server restarted): creating them again and "
            "sending again every event dispatched since the queues were last seen empty",
            self.name,
        )
        self._urls = list(self._create_queues())
        self._unreachable = False
        self._stream.rewind()


class Supervisor(Poller):
    """Starts a backend again when its process exits while the stack runs, then calls its hook."""

    def __init__(self, backends: dict[Backend, Callable[[], None]], stopping: threading.Event) -> None:
        super().__init__("supervisor", stopping)
        self._backends = backends

    def poll(self) -> None:
        for backend, restarted in self._backends.items():
            if backend.exited() and not self._stopping.is_set():
                LOG.warning("%s exited with %s: starting it again", backend.name, backend.returncode())
                backend.restart()
                restarted()
                LOG.info("%s is up again", backend.name)
        self._stopping.wait(SUPERVISE_SECONDS)
