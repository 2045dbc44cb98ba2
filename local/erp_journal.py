"""What keeps the local stack from losing an accepted ERP message when it stops.

The HTTP ingest records a message as ``accepted`` in DynamoDB Local (kept on disk) and sends it to the
erp-inbound queue, in moto's memory (kept nowhere): a stack stopped before its worker applied the
message would forget it while its record still says ``accepted``. On AWS the queue keeps it. So the
stack journals what the ingest sends to that queue (a file in the data folder, appended to before each
SendMessageBatch: a message SQS then refused is recorded as failed and dropped at the next start), and
each start sends again the journaled messages whose records still say ``accepted``, in the order they
were sent, before the pollers start; what has a known fate leaves the journal then. The worker is
idempotent by message id, so a message sent twice is applied once.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

LOG = logging.getLogger(__name__)
SEND_BATCH_ENTRIES = 10


class ErpJournal:
    """The erp-inbound messages sent by this process, in ``path`` (JSON lines)."""

    def __init__(self, path: Path, queue_name: str) -> None:
        self._path = path
        self._queue_name = queue_name

    def record(self, sqs: Any) -> None:
        """Journal every batch ``sqs`` (the app's client) sends to the erp-inbound queue."""
        sqs.meta.events.register("before-parameter-build.sqs.SendMessageBatch", self._sent)

    def _sent(self, params: dict[str, Any], **_: Any) -> None:
        if not str(params.get("QueueUrl", "")).endswith(f"/{self._queue_name}"):
            return
        lines = [
            json.dumps({"body": entry["MessageBody"], "attributes": entry.get("MessageAttributes", {})})
            for entry in params.get("Entries", [])
        ]
        with self._path.open("a") as journal:
            journal.write("".join(line + "\n" for line in lines))

    def resend(self, sqs: Any, queue_url: str) -> int:
        """Send again the journaled messages still ``accepted``; keep only those; how many were sent."""
        from chalicelib.services.erp.imports import known

        if not self._path.exists():
            return 0
        entries = [json.loads(line) for line in self._path.read_text().splitlines() if line.strip()]
        by_tenant: dict[str, list[str]] = {}
        for entry in entries:
            queued = json.loads(entry["body"])
            by_tenant.setdefault(queued["tenant_id"], []).append(queued["message"]["id"])
        open_ids = {
            (tenant_id, record.data["id"])
            for tenant_id, message_ids in by_tenant.items()
            for record in known(tenant_id, list(dict.fromkeys(message_ids))).values()
            if record.data["status"] == "accepted"
        }
        pending = list(
            {
                (queued["tenant_id"], queued["message"]["id"]): entry
                for entry in entries
                if ((queued := json.loads(entry["body"]))["tenant_id"], queued["message"]["id"]) in open_ids
            }.values()
        )  # the first journaled copy of each, in the order they were sent
        for start in range(0, len(pending), SEND_BATCH_ENTRIES):
            batch = pending[start : start + SEND_BATCH_ENTRIES]
            sqs.send_message_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(i), "MessageBody": entry["body"], "MessageAttributes": entry["attributes"]}
                    for i, entry in enumerate(batch)
                ],
            )
        partial = self._path.with_name(self._path.name + ".partial")
        partial.write_text("".join(json.dumps(entry) + "\n" for entry in pending))
        partial.replace(self._path)
        if pending:
            LOG.info("sent again %d accepted ERP message(s) the last run's queue held", len(pending))
        return len(pending)
