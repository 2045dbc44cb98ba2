"""Base pydantic models and field types shared by every resource."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    create_model,
)

from chalicelib.domain import codes


class Input(BaseModel):
    """A request body or query: unknown fields are rejected, types are not coerced."""

    # Schemas are built at first use, not at import: a function builds only what its routes need.
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True)


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
Version = Annotated[int, Field(ge=1)]


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
