"""Settings read from the environment once, on first use (never at import).

Chalice's test client applies a stage's environment only during a call, so everything reads
settings through the cached :func:`get_settings`; tests call :func:`reset_settings` after changing env.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Stage = Literal["local", "test", "dev", "prod"]

DEV_ISSUER = "https://dev-issuer.kontor.local"
DEV_AUDIENCE = "kontor-local"
DEV_STAGES: frozenset[str] = frozenset({"local", "test"})

UserKind = Literal["staff", "customer"]
"""Who an issuer may sign in: the seller's staff (back office), the buyers of its customers, or both."""
EVERY_USER_KIND: frozenset[UserKind] = frozenset({"staff", "customer"})


class TrustedIssuer(BaseModel):
    """An OIDC issuer whose tokens the API accepts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer: str
    audience: str
    jwks_uri: str
    tenant_claim: str = "tenant"
    email_claim: str = "email"
    # A tenant's own identity provider (buyer SSO) may only sign in users of that tenant.
    tenant_id: str | None = None
    # The kinds of user its tokens may sign in. Unsaid, a tenant's own identity provider signs in its
    # customers' users only (never the seller's staff, its Tenant Administrator included); the
    # platform's own issuers sign in both.
    signs_in: frozenset[UserKind] = Field(min_length=1)
    # Whether every email this issuer puts in a token was verified by it (a user pool whose sign-up
    # verifies emails): only then is a token without ``email_verified`` taken as verified.
    emails_verified: bool = False

    @model_validator(mode="before")
    @classmethod
    def _default_kinds(cls, data: Any) -> Any:
        if isinstance(data, dict) and "signs_in" not in data:
            tenant_bound = data.get("tenant_id") is not None
            return {**data, "signs_in": ["customer"] if tenant_bound else sorted(EVERY_USER_KIND)}
        return data


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Stage
    table_name: str
    aws_region: str
    dynamodb_endpoint: str | None = None
    sqs_endpoint: str | None = None
    s3_endpoint: str | None = None
    queue_prefix: str
    # Products' media and documents; pre-signed uploads and downloads are short-lived on purpose.
    media_bucket: str
    media_upload_seconds: int = Field(default=600, ge=60, le=3600)
    media_download_seconds: int = Field(default=300, ge=60, le=3600)
    issuers: tuple[TrustedIssuer, ...] = ()
    dev_issuer_dir: str | None = None
    # The key that signs list cursors: given directly (local, test) or read from Secrets Manager.
    cursor_secret: str | None = Field(default=None, min_length=16)
    cursor_secret_arn: str | None = None
    max_body_bytes: int = 262_144
    tracing: bool = False
    idempotency_ttl_seconds: int = 86_400
    event_ttl_seconds: int = 7 * 86_400
    # The first retry delay of a consumer's failed message, doubling with each receive (platform.queues);
    # the e2e tier's durability tests shorten it to see a message dead-lettered in seconds.
    retry_base_seconds: int = Field(default=20, ge=0, le=900)
    # Domains no tenant's website may claim, nor any host below them: the platform's own.
    platform_domains: tuple[str, ...] = ("kontor.dev",)
    # A JSON file of TXT records standing in for DNS (local and test stages); unset: real DNS.
    dns_records_file: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_media_bucket(cls, data: Any) -> Any:
        if isinstance(data, dict) and "media_bucket" not in data:
            return {**data, "media_bucket": f"kontor-{data.get('stage')}-media"}
        return data

    @model_validator(mode="after")
    def _dev_issuer_only_in_dev_stages(self) -> Settings:
        dev_issuer_trusted = self.dev_issuer_dir is not None or any(
            i.issuer == DEV_ISSUER for i in self.issuers
        )
        if dev_issuer_trusted and self.stage not in DEV_STAGES:
            raise ValueError(
                f"the dev issuer is trusted only in stages {sorted(DEV_STAGES)}, not {self.stage!r}"
            )
        return self

    @model_validator(mode="after")
    def _dns_stand_in_only_in_dev_stages(self) -> Settings:
        # Anyone who can write that file could prove control of any hostname.
        if self.dns_records_file is not None and self.stage not in DEV_STAGES:
            raise ValueError(f"a DNS records file stands in for DNS only in stages {sorted(DEV_STAGES)}")
        return self

    @model_validator(mode="after")
    def _one_cursor_secret(self) -> Settings:
        # Workers list nothing and get neither; the API function gets one of the two.
        if self.cursor_secret is not None and self.cursor_secret_arn is not None:
            raise ValueError("set KONTOR_CURSOR_SECRET or KONTOR_CURSOR_SECRET_ARN, not both")
        return self

    @property
    def trusted_issuers(self) -> tuple[TrustedIssuer, ...]:
        """Configured issuers plus the dev issuer, whose JWKS is read from its key folder."""
        if self.dev_issuer_dir is None:
            return self.issuers
        dev = TrustedIssuer(
            issuer=DEV_ISSUER,
            audience=DEV_AUDIENCE,
            jwks_uri=f"file://{os.path.abspath(self.dev_issuer_dir)}/jwks.json",
            signs_in=EVERY_USER_KIND,
            emails_verified=True,  # whoever holds the dev key vouches for every email
        )
        return (*self.issuers, dev)

    def queue_name(self, consumer: str) -> str:
        return f"{self.queue_prefix}-{consumer}"


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def load_settings() -> Settings:
    stage = _env("KONTOR_STAGE", "local")
    return Settings.model_validate(
        {
            "stage": stage,
            "table_name": _env("KONTOR_TABLE", f"kontor-{stage}"),
            "aws_region": _env("AWS_REGION", _env("AWS_DEFAULT_REGION", "eu-west-1")),
            "dynamodb_endpoint": _env("KONTOR_DYNAMODB_ENDPOINT"),
            "sqs_endpoint": _env("KONTOR_SQS_ENDPOINT"),
            "queue_prefix": _env("KONTOR_QUEUE_PREFIX", f"kontor-{stage}"),
            "s3_endpoint": _env("KONTOR_S3_ENDPOINT"),
            "media_bucket": _env("KONTOR_MEDIA_BUCKET", f"kontor-{stage}-media"),
            "issuers": json.loads(_env("KONTOR_ISSUERS", "[]") or "[]"),
            "dev_issuer_dir": _env("KONTOR_DEV_ISSUER_DIR"),
            "cursor_secret": _env("KONTOR_CURSOR_SECRET"),
            "cursor_secret_arn": _env("KONTOR_CURSOR_SECRET_ARN"),
            "max_body_bytes": int(_env("KONTOR_MAX_BODY_BYTES", "262144") or 262144),
            "tracing": _env("KONTOR_TRACING", "false") == "true",
            "retry_base_seconds": int(_env("KONTOR_RETRY_BASE_SECONDS", "20") or 20),
            "platform_domains": tuple(
                domain.strip().lower()
                for domain in (_env("KONTOR_PLATFORM_DOMAINS", "kontor.dev") or "").split(",")
                if domain.strip()
            ),
            "dns_records_file": _env("KONTOR_DNS_RECORDS_FILE"),
        }
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    get_settings.cache_clear()
