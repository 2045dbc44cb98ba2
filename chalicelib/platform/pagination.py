"""Opaque, signed cursors bound to the tenant and the query they continue."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticKnownError

from chalicelib.platform.aws import secret_string
from chalicelib.platform.errors import Unprocessable
from chalicelib.platform.settings import get_settings

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_DIGITS = re.compile(r"[0-9]{1,9}")


def _ascii_digits(value: object) -> object:
    """A number sent as text is ASCII digits, nothing else (pydantic alone takes ``1_0``, ``+1``, `` 1``)."""
    if not isinstance(value, str):
        return value
    if not _DIGITS.fullmatch(value):
        raise PydanticKnownError("int_parsing")
    return int(value)


ASCII_DIGITS = BeforeValidator(_ascii_digits)
"""Put last in an integer query parameter's ``Annotated`` (after its bounds, so they stay in its schema)."""


class ListQuery(BaseModel):
    """``limit`` and ``cursor`` of every list route; list routes with filters extend it."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    limit: Annotated[int, Ge(1), Le(MAX_LIMIT), ASCII_DIGITS] = DEFAULT_LIMIT
    cursor: Annotated[str, Field(max_length=2048)] | None = None

    def scope(self) -> str:
        """What a cursor is bound to: every filter of the query, not the page position."""
        return json.dumps(self.model_dump(exclude={"limit", "cursor"}), sort_keys=True, default=str)


def _cursor_key() -> str:
    settings = get_settings()
    if settings.cursor_secret is not None:
        return settings.cursor_secret
    if settings.cursor_secret_arn is None:
        raise RuntimeError("no cursor key: set KONTOR_CURSOR_SECRET or KONTOR_CURSOR_SECRET_ARN")
    return secret_string(settings.cursor_secret_arn)


def _signature(payload: bytes, binding: str) -> str:
    secret = _cursor_key().encode()
    digest = hmac.new(secret, binding.encode() + b"\x00" + payload, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def encode_cursor(last_key: dict[str, Any] | None, binding: str) -> str | None:
    if last_key is None:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(last_key, separators=(",", ":")).encode()).decode()
    return f"{payload}.{_signature(payload.encode(), binding)}"


def decode_cursor(cursor: str | None, binding: str) -> dict[str, Any] | None:
    """The position a cursor continues from; 422 for a cursor forged or made for another query."""
    if cursor is None:
        return None
    payload, _, signature = cursor.rpartition(".")
    expected = _signature(payload.encode(), binding)
    # compared as bytes: compare_digest refuses str with non-ASCII characters (a forged cursor may have them)
    if not payload or not hmac.compare_digest(signature.encode(), expected.encode()):
        raise Unprocessable.field("query.cursor", "cursor is not valid for this query", "cursor_invalid")
    position: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload.encode()))
    return position


@dataclass(frozen=True)
class PageRequest:
    """One page of a list: the size, where to continue, and what the cursor is bound to."""

    limit: int
    cursor: str | None
    binding: str

    @classmethod
    def of(cls, query: ListQuery, *, tenant_id: str, route: str, actor: str = "") -> PageRequest:
        """A page whose cursors only serve the same caller, tenant, route and filters."""
        return cls(query.limit, query.cursor, f"{tenant_id}|{actor}|{route}|{query.scope()}")

    def start_key(self) -> dict[str, Any] | None:
        return decode_cursor(self.cursor, self.binding)

    def next_cursor(self, last_key: dict[str, Any] | None) -> str | None:
        return encode_cursor(last_key, self.binding)


ItemT = TypeVar("ItemT")


class Listing(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None
