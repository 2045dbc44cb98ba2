"""Text in every input model: no control characters, bidirectional overrides or lone surrogates."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.base import Input, LocalizedLongText, LocalizedText
from chalicelib.domain.customers import CustomerFields
from chalicelib.domain.staff import StaffRoleFields, StaffUserFields, StaffUserPatch
from chalicelib.platform.pagination import ListQuery

UNSAFE = {
    "nul": "\x00",
    "escape": "\x1b",
    "newline": "\n",
    "delete": "\x7f",
    "next-line": "\x85",
    "right-to-left-override": "\u202e",
    "left-to-right-embedding": "\u202a",
    "first-strong-isolate": "\u2068",
    "lone-surrogate": "\ud800",
}
ROLE = {"name": "Auditor", "description": "Reads the log", "permissions": ["audit.read"]}
ADDRESS = {
    "kind": "billing",
    "label": "Main",
    "line1": "Hauptstr. 1",
    "city": "Berlin",
    "postal_code": "10115",
}


def _with(body: dict[str, Any], path: tuple[Any, ...], text: str) -> dict[str, Any]:
    """A copy of ``body`` with ``text`` at ``path`` (keys and list indexes)."""
    copied: Any = json.loads(json.dumps(body))
    target = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = text
    return dict(copied)


CASES = [
    (StaffRoleFields, ROLE, ("name",)),
    (StaffRoleFields, ROLE, ("description",)),
    (StaffUserFields, {"name": "Sam", "email": "sam@acme.example"}, ("email",)),
    (StaffUserPatch, {"name": "Sam"}, ("name",)),
    (
        CustomerFields,
        {"name": "Globex", "addresses": [{**ADDRESS, "country": "DE"}]},
        ("addresses", 0, "line1"),
    ),
]


@pytest.mark.parametrize(("model", "body", "path"), CASES, ids=lambda case: getattr(case, "__name__", None))
@pytest.mark.parametrize("character", UNSAFE.values(), ids=UNSAFE.keys())
def test_unsafe_characters_are_refused_in_every_text_field(
    model: type[Input], body: dict[str, Any], path: tuple[Any, ...], character: str
) -> None:
    # given a valid body whose text at ``path`` carries the character inside
    sent = _with(body, path, f"Evil{character}name")
    model.model_validate_json(json.dumps(body))

    # when / then (as parsed JSON: a lone surrogate is no JSON text, the route refuses it with 400)
    with pytest.raises(ValidationError) as raised:
        model.model_validate(sent, strict=False)
    [error] = raised.value.errors()
    assert error["loc"] == path


@pytest.mark.parametrize(
    "text", ["Zoë Ångström", "東京支店", "مرحبا", "emoji 🧾", "a\u200db", "O'Brien & Co."]
)
def test_text_in_any_script_is_accepted(text: str) -> None:
    # given a name in another script (right-to-left letters need no override), or with a joiner
    # when
    role = StaffRoleFields.model_validate_json(json.dumps({**ROLE, "name": text}))
    # then
    assert role.name == text


@pytest.mark.parametrize("character", UNSAFE.values(), ids=UNSAFE.keys())
def test_unsafe_characters_are_refused_in_query_parameters(character: str) -> None:
    # given a list query whose cursor carries the character
    # when / then
    with pytest.raises(ValidationError) as raised:
        ListQuery.model_validate({"cursor": f"ab{character}c"})
    assert raised.value.errors()[0]["loc"] == ("cursor",)


class _Described(Input):
    name: LocalizedText
    description: LocalizedLongText | None = None


def test_a_long_text_keeps_its_line_feeds_and_tabs() -> None:
    # given / when
    described = _Described.model_validate({"name": {"en": "Bolt"}, "description": {"en": "Steel\n\tzinc"}})

    # then
    assert described.description == {"en": "Steel\n\tzinc"}


def test_a_long_text_writes_every_line_break_as_a_line_feed() -> None:
    # given / when
    described = _Described.model_validate({"name": {"en": "Bolt"}, "description": {"en": "a\r\nb\rc"}})

    # then
    assert described.description == {"en": "a\nb\nc"}


@pytest.mark.parametrize(
    "character",
    [c for name, c in UNSAFE.items() if name != "newline"],
    ids=[n for n in UNSAFE if n != "newline"],
)
def test_a_long_text_still_refuses_other_unsafe_characters(character: str) -> None:
    # given
    body = {"name": {"en": "Bolt"}, "description": {"de": f"Sta{character}hl"}}

    # when / then
    with pytest.raises(ValidationError):
        _Described.model_validate(body)


def test_a_one_line_localized_text_refuses_a_line_feed() -> None:
    # given
    body = {"name": {"en": "Hex\nbolt"}}

    # when / then
    with pytest.raises(ValidationError, match="U\\+000A"):
        _Described.model_validate(body)


def test_a_localized_text_refuses_an_unknown_locale() -> None:
    # given
    body = {"name": {"xx-!!": "Bolt"}}

    # when / then
    with pytest.raises(ValidationError):
        _Described.model_validate(body)
