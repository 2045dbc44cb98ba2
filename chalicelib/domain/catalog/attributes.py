"""Product attributes: defined once per tenant, checked on every product write.

A definition changes only additively, so no product it describes can become invalid behind its back:
its ``code`` and ``kind`` never change, an option is never removed (its labels may change, options may
be added), and an attribute is deleted only once no product uses it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, WithJsonSchema, model_validator

from chalicelib.domain.base import Input, LocalizedText, Stamped, Version

AttributeKind = Literal["text", "number", "boolean", "enum", "multi_enum"]
ENUM_KINDS: frozenset[str] = frozenset({"enum", "multi_enum"})
AttributeCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
OptionCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
MeasureUnit = Annotated[str, StringConstraints(min_length=1, max_length=16)]
MAX_OPTIONS = 200
MAX_TEXT_VALUE = 1000
NUMBER = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"

AttributeValue = Annotated[
    Any,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": MAX_TEXT_VALUE},
                {"type": "boolean"},
                {"type": "array", "items": {"type": "string"}, "maxItems": MAX_OPTIONS},
            ]
        }
    ),
]
"""A text or an option code (str), a number as a decimal string (``"12.5"``), a boolean, option codes:
which one is the attribute's kind's to say, so :func:`value_problem` checks it against the definition."""


class AttributeOption(Input):
    code: OptionCode
    label: LocalizedText


class AttributeChanges(Input):
    """What may change in a definition: its labels, a number's unit, and its options (only added)."""

    label: LocalizedText
    unit: MeasureUnit | None = Field(default=None, description="a number's unit, such as mm")
    options: list[AttributeOption] = Field(
        default_factory=list, max_length=MAX_OPTIONS, description="an enum's options; never removed"
    )

    @model_validator(mode="after")
    def _distinct_options(self) -> AttributeChanges:
        codes = [option.code for option in self.options]
        if len(set(codes)) != len(codes):
            raise ValueError("options must not repeat a code")
        return self


class AttributePatch(Input):
    """Fields of an attribute to change (its code and kind never change)."""

    label: LocalizedText | None = None
    unit: MeasureUnit | None = None
    options: Annotated[list[AttributeOption], Field(max_length=MAX_OPTIONS)] | None = None
    version: Version | None = None


class AttributeFields(AttributeChanges):
    code: AttributeCode
    kind: AttributeKind

    @model_validator(mode="after")
    def _fits_kind(self) -> AttributeFields:
        if self.kind in ENUM_KINDS and not self.options:
            raise ValueError(f"an attribute of kind {self.kind} needs options")
        if self.kind not in ENUM_KINDS and self.options:
            raise ValueError(f"an attribute of kind {self.kind} has no options")
        if self.kind != "number" and self.unit is not None:
            raise ValueError("only a number attribute has a unit")
        return self


class Attribute(AttributeFields, Stamped):
    pass


def removed_options(before: Attribute, after: Attribute) -> list[str]:
    """Option codes the change would drop (refused: products may hold them)."""
    kept = {option.code for option in after.options}
    return [option.code for option in before.options if option.code not in kept]


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


def value_problem(attribute: Attribute, value: Any) -> str | None:
    """Why ``value`` is not a value of ``attribute`` (None: it is one)."""
    options = {option.code for option in attribute.options}
    kind = attribute.kind
    if kind == "text":
        if not isinstance(value, str) or not 1 <= len(value) <= MAX_TEXT_VALUE:
            return f"must be a text of 1 to {MAX_TEXT_VALUE} characters"
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, str):
            return 'must be a number written as a decimal string, like "12.5"'
        if not re.fullmatch(NUMBER, value) or not _is_number(value):
            return 'must be a number written as a decimal string, like "12.5"'
    elif kind == "boolean":
        if not isinstance(value, bool):
            return "must be true or false"
    elif kind == "enum":
        if not isinstance(value, str):
            return "must be one option code"
        if value not in options:
            return f"{value!r} is not an option of {attribute.code}"
    else:
        if not isinstance(value, list) or not value:
            return "must be a list of option codes"
        if len(set(value)) != len(value):
            return "must not repeat an option"
        if unknown := [code for code in value if code not in options]:
            return f"{unknown[0]!r} is not an option of {attribute.code}"
    return None


def value_errors(
    values: Mapping[str, Any], definitions: Mapping[str, Attribute], location: str = "body.attributes"
) -> list[dict[str, str]]:
    """A field error for each value of an unknown attribute or not of its attribute's kind."""
    errors = []
    for code, value in values.items():
        attribute = definitions.get(code)
        if attribute is None:
            errors.append({"loc": f"{location}.{code}", "msg": "no such attribute", "type": "not_found"})
        elif problem := value_problem(attribute, value):
            errors.append({"loc": f"{location}.{code}", "msg": problem, "type": "value_error"})
    return errors
