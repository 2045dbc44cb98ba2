"""Base pydantic models and field types shared by every resource."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    create_model,
    field_validator,
)

from chalicelib.domain import codes

# C0 and C1 control characters (NUL, ESC, newline, DEL...), the bidirectional embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069: "Trojan Source" reordering) and lone surrogates (not UTF-8).
UNSAFE_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The same, less line feed and tab: what multi-line text (a long description) may hold.
UNSAFE_MULTI_LINE_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


class MultiLineText(str):
    """Text of a multi-line field (``LongText``): its line feeds and tabs are allowed, nothing else is."""

    __slots__ = ()


def safe_text(value: Any) -> Any:
    """``value`` if no text in it (strings, nested in lists and dicts, keys too) holds an unsafe character."""
    if isinstance(value, str):
        unsafe = UNSAFE_MULTI_LINE_TEXT if isinstance(value, MultiLineText) else UNSAFE_TEXT
        if found := unsafe.search(value):
            raise ValueError(f"must not contain the control or bidirectional character U+{ord(found[0]):04X}")
    elif isinstance(value, dict):
        for key, item in value.items():
            safe_text(key)
            safe_text(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            safe_text(item)
    return value


class Input(BaseModel):
    """A request body or query: unknown fields are rejected, types are not coerced, text is safe."""

    # Schemas are built at first use, not at import: a function builds only what its routes need.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True)

    @field_validator("*")
    @classmethod
    def _safe_text(cls, value: Any) -> Any:
        """Every text field of every input, whatever its type says (nested inputs check their own)."""
        return safe_text(value)


class View(BaseModel):
    """A response body."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


Timestamp = Annotated[
    datetime,
    PlainSerializer(_rfc3339, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]
"""An aware datetime, written as RFC 3339 UTC with milliseconds (``2026-11-27T13:56:54.314Z``)."""


class Stamped(BaseModel):
    """Bookkeeping fields of every stored entity."""

    model_config = ConfigDict(defer_build=True)

    id: str
    version: int
    created_at: Timestamp
    updated_at: Timestamp


class SignInBinding(View):
    """The identity-provider account a staff or customer user became at their first sign-in: later
    tokens with their email must come from this issuer and name this subject."""

    issuer: str
    subject: str


Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
CountryCode = Annotated[str, StringConstraints(min_length=2, max_length=2), AfterValidator(codes.country)]
CurrencyCode = Annotated[str, StringConstraints(min_length=3, max_length=3), AfterValidator(codes.currency)]
LocaleTag = Annotated[str, StringConstraints(min_length=2, max_length=35), AfterValidator(codes.locale)]
TimeZoneName = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(codes.timezone)]
HostName = Annotated[str, StringConstraints(min_length=1, max_length=253), AfterValidator(codes.hostname)]
Email = Annotated[
    str,
    StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", to_lower=True),
]
TenantId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{3,40}$")]


def _multi_line(value: str) -> MultiLineText:
    """Line breaks as line feeds (``\\r\\n`` and ``\\r`` too), then checked as multi-line text."""
    return MultiLineText(safe_text(MultiLineText(value.replace("\r\n", "\n").replace("\r", "\n"))))


LongText = Annotated[str, StringConstraints(min_length=1, max_length=20_000), AfterValidator(_multi_line)]
"""Text with line feeds and tabs (a long description); other control characters are still refused."""
MAX_LOCALES_PER_TEXT = 50
LocalizedText = Annotated[
    dict[LocaleTag, Name], Field(min_length=1, max_length=MAX_LOCALES_PER_TEXT, examples=[{"en": "Hex bolt"}])
]
"""One line of text per locale, ``{"en": "...", "de-AT": "..."}``, read along a website's locale chain."""
LocalizedLongText = Annotated[dict[LocaleTag, LongText], Field(min_length=1, max_length=MAX_LOCALES_PER_TEXT)]
"""Multi-line text per locale."""
Version = Annotated[int, Field(ge=1)]

ANY_VERSION: Final = "*"
ExpectedVersion = int | Literal["*"] | None
"""The version a change was made against: a number, any current one (``If-Match: *``), or none sent."""


def _optional(info: Any) -> Any:
    """The field's type and checks, with ``None`` allowed."""
    annotation = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return annotation | None


def patch_model(fields: type[Input], name: str) -> type[Input]:
    """A PATCH body for ``fields``: every field optional with the same checks, plus ``version``.

    Which fields were sent is ``model_fields_set``; a setting sent as ``null`` goes back to inheriting.
    """
    definitions: dict[str, Any] = {
        field_name: (_optional(info), Field(default=None, description=info.description))
        for field_name, info in fields.model_fields.items()
    }
    definitions["version"] = (Version | None, None)
    patch: type[Input] = create_model(
        name, __base__=Input, __doc__=f"Fields of {fields.__name__} to change.", **definitions
    )
    return patch
