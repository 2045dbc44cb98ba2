"""Everything that differs between deployed stages, in one place.

The code's own contracts (key schema, queue names, DLQ receive count, which queues the dispatcher
sends to) are read from ``chalicelib``; only deployment choices live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

StageName = Literal["dev", "prod"]


@dataclass(frozen=True)
class StageSettings:
    name: StageName
    # Data safety: prod keeps the table, user pool and secret when the stack is deleted or an update
    # would replace them, and turns on deletion protection.
    retain_data: bool
    log_retention_days: int
    # API Gateway stage throttling, for all routes together (requests per second, and burst).
    api_rate_limit: float
    api_burst_limit: int
    # Table stream -> dispatcher: attempts before a batch goes to the on-failure queue.
    stream_max_retries: int
    stream_max_record_age_seconds: int
    stream_batch_size: int
    # SQS -> consumers.
    queue_batch_size: int
    queue_max_concurrency: int
    dead_letter_retention_days: int
    # Alarms.
    oldest_message_alarm_seconds: int
    stream_iterator_age_alarm_seconds: int
    lambda_error_alarm_threshold: int
    # Origins whose pages upload media straight to the media bucket (its CORS rule).
    media_origins: tuple[str, ...] = ("https://*.kontor.dev",)
    alarm_email: str | None = None

    @property
    def prefix(self) -> str:
        """Resource names: the app derives table and queue names from it (``<prefix>-<consumer>``)."""
        return f"kontor-{self.name}"

    @property
    def stack_name(self) -> str:
        return self.prefix


STAGES: dict[StageName, StageSettings] = {
    "dev": StageSettings(
        name="dev",
        retain_data=False,
        log_retention_days=14,
        api_rate_limit=50,
        api_burst_limit=100,
        stream_max_retries=5,
        stream_max_record_age_seconds=3600,
        stream_batch_size=100,
        queue_batch_size=10,
        queue_max_concurrency=2,
        dead_letter_retention_days=14,
        oldest_message_alarm_seconds=900,
        stream_iterator_age_alarm_seconds=300,
        lambda_error_alarm_threshold=5,
        media_origins=("https://*.kontor.dev", "http://localhost:3000"),
    ),
    "prod": StageSettings(
        name="prod",
        retain_data=True,
        log_retention_days=365,
        api_rate_limit=500,
        api_burst_limit=1000,
        stream_max_retries=10,
        stream_max_record_age_seconds=86400,
        stream_batch_size=100,
        queue_batch_size=10,
        queue_max_concurrency=20,
        dead_letter_retention_days=14,
        oldest_message_alarm_seconds=300,
        stream_iterator_age_alarm_seconds=60,
        lambda_error_alarm_threshold=1,
    ),
}
