"""Kontor's Chalice app: blueprints and event handlers are registered here, nothing else."""

from __future__ import annotations

import os
from typing import Any

from chalice import Chalice

from chalicelib.api import audit, docs, organizations, platform, public, websites

app = Chalice(app_name="kontor")
for module in (public, platform, organizations, websites, audit, docs):
    app.register_blueprint(module.blueprint)

# Deployment wiring only: the infrastructure passes the stream ARN and queue names at package time.
_STREAM_ARN = os.environ.get(
    "KONTOR_TABLE_STREAM_ARN", "arn:aws:dynamodb:eu-west-1:000000000000:table/kontor/stream/0"
)
_AUDIT_QUEUE = os.environ.get("KONTOR_AUDIT_QUEUE", "kontor-audit")


@app.on_dynamodb_record(stream_arn=_STREAM_ARN, name="outbox_dispatcher")
def outbox_dispatcher(event: Any) -> dict[str, Any]:
    from chalicelib.workers.stream import handle_stream

    return handle_stream(event.to_dict(), event.context)


@app.on_sqs_message(queue=_AUDIT_QUEUE, batch_size=10, name="audit_consumer")
def audit_consumer(event: Any) -> dict[str, Any]:
    from chalicelib.workers.audit import handle_audit

    return handle_audit(event.to_dict(), event.context)
