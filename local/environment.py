"""The local stage's environment: ``.chalice/config.json`` plus the ports and data folder of this run.

Everything the app reads comes from environment variables (settings are read lazily), so the runner
exports this before it imports ``app``, exactly as Lambda would hand the stage's variables over.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from chalicelib.cli import LOCAL_HOST as HOST
from chalicelib.cli import local_api_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHALICE_CONFIG = PROJECT_ROOT / ".chalice" / "config.json"
STAGE = "local"
REGION = "eu-west-1"
# Raised when stored data changes shape (2: staff users hold role assignments; 3: the seed's ledger;
# 4: tenants hold a DNS challenge token, websites their verified hostnames).
DATA_FORMAT = "4"


@dataclass(frozen=True)
class Ports:
    api: int
    dynamodb: int
    sqs: int


@dataclass(frozen=True)
class DataDir:
    """What one stack keeps between runs; a throwaway one gives a fresh stack (the e2e tier)."""

    root: Path

    @property
    def dev_issuer(self) -> Path:
        return self.root / "dev-issuer"

    @property
    def dynamodb(self) -> Path:
        return self.root / "dynamodb"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def seed_ledger(self) -> Path:
        """What the seed made, by demo key: beside the data it names, and retired with it."""
        return self.dynamodb / "seeded.json"

    @property
    def dns_records(self) -> Path:
        """The TXT records standing in for DNS (``kontor dev dns publish`` writes there)."""
        return self.root / "dns-records.json"

    @property
    def stream_checkpoint(self) -> Path:
        return self.root / "stream-checkpoint.json"

    @property
    def erp_journal(self) -> Path:
        """The messages sent to the erp-inbound queue (``local.erp_journal``)."""
        return self.root / "erp-inbound-journal.jsonl"

    def retire_stale_dynamodb(self) -> Path | None:
        """Move DynamoDB data of an older format aside (it would no longer load); returns where to."""
        marker = self.root / "data-format"
        stored = marker.read_text().strip() if marker.exists() else "1"
        retired = None
        if self.dynamodb.exists() and any(self.dynamodb.iterdir()) and stored != DATA_FORMAT:
            retired = self.root / f"dynamodb.format-{stored}"
            shutil.rmtree(retired, ignore_errors=True)
            self.dynamodb.rename(retired)
            self.stream_checkpoint.unlink(missing_ok=True)  # it points into the retired table's stream
        self.dynamodb.mkdir(parents=True, exist_ok=True)
        marker.write_text(DATA_FORMAT)
        return retired

    def cursor_secret(self) -> str:
        """A secret made on first run and kept, so cursors handed out stay valid across restarts."""
        path = self.root / "cursor-secret"
        if not path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(32))
            path.chmod(0o600)
        return path.read_text().strip()


def chalice_config() -> dict[str, Any]:
    config: dict[str, Any] = json.loads(CHALICE_CONFIG.read_text())
    return config


def stage_variables(config: dict[str, Any]) -> dict[str, str]:
    """The app-wide variables overlaid with the local stage's, as Chalice merges them."""
    return {
        **config.get("environment_variables", {}),
        **config["stages"][STAGE]["environment_variables"],
    }


def default_ports(config: dict[str, Any]) -> Ports:
    """API on ``$KONTOR_PORT`` (8000), DynamoDB and SQS on the ports the stage's endpoints name."""
    variables = stage_variables(config)
    return Ports(
        api=local_api_port(),
        dynamodb=_port(variables["KONTOR_DYNAMODB_ENDPOINT"]),
        sqs=_port(variables["KONTOR_SQS_ENDPOINT"]),
    )


def _port(url: str) -> int:
    port = urlsplit(url).port
    if port is None:
        raise ValueError(f"{url!r} names no port")
    return port


def endpoint(port: int) -> str:
    return f"http://{HOST}:{port}"


def local_environment(config: dict[str, Any], ports: Ports, data: DataDir) -> dict[str, str]:
    """The stage's variables with this run's endpoints, key folder, DNS stand-in, cursor secret and
    dummy credentials."""
    return {
        **stage_variables(config),
        "KONTOR_DYNAMODB_ENDPOINT": endpoint(ports.dynamodb),
        "KONTOR_SQS_ENDPOINT": endpoint(ports.sqs),
        "KONTOR_S3_ENDPOINT": endpoint(ports.sqs),  # the same moto server serves S3
        "KONTOR_DEV_ISSUER_DIR": str(data.dev_issuer),
        "KONTOR_DNS_RECORDS_FILE": str(data.dns_records),
        "KONTOR_CURSOR_SECRET": data.cursor_secret(),
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    }
