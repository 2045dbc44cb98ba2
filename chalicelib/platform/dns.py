"""TXT record look-ups, for proving control of a hostname: real DNS, or a file of records locally.

Production asks DNS (dnspython, imported on first use). The local stack and the tests have no DNS
of their own, so a JSON file of TXT records stands in for it (``KONTOR_DNS_RECORDS_FILE``, allowed in
the dev stages only): ``kontor dev dns publish`` writes a record there, as a registrar's console would
publish it, and every process of the stack (API, seed, CLI, tests) reads the same file on each
look-up, so a record is "live" as soon as it is written. A file beats a tiny DNS server here: nothing
to start or to give a port, and it survives restarts with the rest of the local data.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Protocol

from chalicelib.platform.errors import ServiceUnavailable
from chalicelib.platform.settings import get_settings

DNS_TIMEOUT_SECONDS = 3.0


class TxtResolver(Protocol):
    def txt(self, name: str) -> list[str]:
        """The TXT values published at ``name`` (none if the name or the record does not exist)."""
        ...


class DnsResolver:
    """The real thing: a TXT query through the system's resolvers."""

    def txt(self, name: str) -> list[str]:
        import dns.exception
        import dns.resolver

        try:
            answer = dns.resolver.resolve(name, "TXT", lifetime=DNS_TIMEOUT_SECONDS, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except (dns.resolver.NoNameservers, dns.exception.Timeout) as error:
            raise ServiceUnavailable(retry_after_seconds=30) from error
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer]


class RecordsFile:
    """The local stand-in: ``{"<name>": ["<TXT value>", ...]}`` in one JSON file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def records(self) -> dict[str, list[str]]:
        if not self.path.exists():
            return {}
        records: dict[str, list[str]] = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        return records

    def txt(self, name: str) -> list[str]:
        return list(self.records().get(name.lower().rstrip("."), []))

    def publish(self, name: str, value: str) -> None:
        """Add a TXT value at ``name`` (kept once); the file is replaced whole, never half written."""
        records = self.records()
        values = records.setdefault(name.lower().rstrip("."), [])
        if value not in values:
            values.append(value)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=self.path.parent, prefix=".dns-", delete=False
        ) as draft:
            json.dump(records, draft, indent=2, sort_keys=True)
        os.replace(draft.name, self.path)


def txt_resolver() -> TxtResolver:
    """The stand-in when the settings name a records file (dev stages only), else real DNS."""
    records_file = get_settings().dns_records_file
    return RecordsFile(records_file) if records_file else DnsResolver()
