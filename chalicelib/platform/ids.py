"""Type-prefixed ULIDs and RFC 3339 UTC times."""

from __future__ import annotations

import re
from datetime import UTC, datetime

ID_PREFIXES = {
    "organization": "org",
    "website": "web",
    "event": "evt",
    "staff_user": "stf",
    "customer": "cus",
    "customer_unit": "unt",
    "customer_group": "cgr",
    "address": "adr",
    "customer_user": "usr",
    "customer_role": "rol",
    "staff_role": "srl",
    "product": "prd",
    "category": "cat",
    "product_media": "med",
    "selection": "sel",
    "price_list": "prl",
    "shopping_list": "sls",
    "shopping_list_line": "sll",
    "price_rule": "prr",
    "shipping_method": "shp",
    "integration_key": "int",
    "checkout": "chk",
    "order": "ord",
}
_ID_PATTERN = re.compile(r"^[a-z]{2,5}_[0-9A-HJKMNP-TV-Z]{26}$")


def new_ulid() -> str:
    """A ULID: time-ordered, 26 Crockford base32 characters."""
    from ulid import ULID  # python-ulid imports importlib.metadata (~20 ms): only when an id is made

    return str(ULID())


def new_id(entity_type: str) -> str:
    return f"{ID_PREFIXES[entity_type]}_{new_ulid()}"


def is_id_of(entity_type: str, value: str) -> bool:
    return bool(_ID_PATTERN.fullmatch(value)) and value.startswith(ID_PREFIXES[entity_type] + "_")


def utc_now() -> datetime:
    """Now, in UTC, to the millisecond (what RFC 3339 strings in the API carry)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
