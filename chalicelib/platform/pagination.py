"""Opaque cursors (authenticated encryption) bound to the tenant, caller, route and filters they continue."""

from __future__ import annotations

import base64
import functools
import json
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticKnownError

from chalicelib.domain.base import Input
from chalicelib.platform.aws import secret_string
from chalicelib.platform.errors import Unprocessable
from chalicelib.platform.settings import get_settings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_DIGITS = re.compile(r"[0-9]{1,9}")
_NONCE_BYTES = 12
_TAG_BYTES = 16
_KEY_PURPOSE = b"kontor list cursor v1"
# Unpadded URL-safe base64 of at least a nonce and a tag (a 1-byte position is 39 characters).
_CURSOR_TEXT = re.compile(r"[A-Za-z0-9_-]{38,2048}")


def _ascii_digits(value: object) -> object:
    """A number sent as text is ASCII digits, nothing else (pydantic alone takes ``1_0``, ``+1``, `` 1``)."""
    if not isinstance(value, str):
        return value
    if not _DIGITS.fullmatch(value):
        raise PydanticKnownError("int_parsing")
    return int(value)


ASCII_DIGITS = BeforeValidator(_ascii_digits)
"""Put last in an integer query parameter's ``Annotated`` (after its bounds, so they stay in its schema)."""


class ListQuery(Input):
    """``limit`` and ``cursor`` of every list route; list routes with filters extend it."""

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


@functools.lru_cache(maxsize=2)
def _sealer(secret: str) -> AESGCM:
    """AES-256-GCM under a key derived from the cursor secret (the secret itself is not a key)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.hashes import SHA256
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=_KEY_PURPOSE).derive(secret.encode())
    return AESGCM(key)


def encode_cursor(last_key: dict[str, Any] | None, binding: str) -> str | None:
    """The opaque cursor of a position: sealed (AES-GCM), its binding authenticated alongside.

    The client sees only a nonce, the ciphertext and the tag: no key, tenant or layout of the table.
    """
    if last_key is None:
        return None
    nonce = os.urandom(_NONCE_BYTES)
    position = json.dumps(last_key, separators=(",", ":")).encode()
    sealed = _sealer(_cursor_key()).encrypt(nonce, position, binding.encode())
    return base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()


def decode_cursor(cursor: str | None, binding: str) -> dict[str, Any] | None:
    """The position a cursor continues from; 422 for a cursor forged or made for another query.

    A cursor made for another tenant, caller, route or filter fails authentication like a forged one.
    """
    if cursor is None:
        return None
    from cryptography.exceptions import InvalidTag

    invalid = Unprocessable.field("query.cursor", "cursor is not valid for this query", "cursor_invalid")
    if not _CURSOR_TEXT.fullmatch(cursor):
        raise invalid
    sealed = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    try:
        position = json.loads(
            _sealer(_cursor_key()).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], binding.encode())
        )
    except (InvalidTag, ValueError) as error:
        raise invalid from error
    if not isinstance(position, dict):
        raise invalid
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
