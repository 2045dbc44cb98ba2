"""chalicelib.domain.audit.diff: what an audit entry records as changed."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.domain.audit import diff

BEFORE = {
    "id": "web_1",
    "name": "Acme",
    "currencies": ["EUR", "CHF"],
    "locale_fallbacks": {"fr-CH": ["de-CH"], "de-CH": []},
    "timezone": None,
    "version": 3,
    "updated_at": "2026-01-01T00:00:00.000Z",
}


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    return {name: (change.before, change.after) for name, change in diff(before, after).items()}


def test_created_lists_every_field_with_before_none() -> None:
    # given no previous state
    after = {"id": "web_1", "name": "Acme", "currencies": ["EUR"]}
    # when the creation is diffed
    found = changes(None, after)
    # then every field appears with before None
    assert found == {"id": (None, "web_1"), "name": (None, "Acme"), "currencies": (None, ["EUR"])}


def test_deleted_lists_every_field_with_after_none() -> None:
    # given no state after
    before = {"id": "web_1", "name": "Acme"}
    # when the deletion is diffed
    found = changes(before, None)
    # then every field appears with after None
    assert found == {"id": ("web_1", None), "name": ("Acme", None)}


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        pytest.param({"name": "Acme CH"}, {"name": ("Acme", "Acme CH")}, id="changed-field-only"),
        pytest.param({}, {}, id="nothing-changed"),
        pytest.param(
            {"timezone": "Europe/Zurich"}, {"timezone": (None, "Europe/Zurich")}, id="set-from-null"
        ),
        pytest.param({"name": None}, {"name": ("Acme", None)}, id="set-to-null"),
        pytest.param({"active": True}, {"active": (None, True)}, id="added-field"),
        pytest.param({"version": 4, "updated_at": "2026-02-02T00:00:00.000Z"}, {}, id="bookkeeping-ignored"),
        pytest.param(
            {"currencies": ["EUR", "CHF", "USD"]},
            {"currencies": (["EUR", "CHF"], ["EUR", "CHF", "USD"])},
            id="list-compared-whole",
        ),
        pytest.param(
            {"currencies": ["CHF", "EUR"]},
            {"currencies": (["EUR", "CHF"], ["CHF", "EUR"])},
            id="list-order-matters",
        ),
        pytest.param(
            {"locale_fallbacks": {"fr-CH": ["de-CH", "de"], "de-CH": []}},
            {
                "locale_fallbacks": (
                    {"fr-CH": ["de-CH"], "de-CH": []},
                    {"fr-CH": ["de-CH", "de"], "de-CH": []},
                )
            },
            id="nested-dict-compared-whole",
        ),
    ],
)
def test_updated_lists_only_changed_fields(
    update: dict[str, Any], expected: dict[str, tuple[Any, Any]]
) -> None:
    # given an entity and a change to it
    after = BEFORE | update
    # when the update is diffed
    found = changes(BEFORE, after)
    # then only fields whose value differs are listed, bookkeeping aside
    assert found == expected


def test_removed_field_is_a_change_to_none() -> None:
    # given a field that disappears
    after = {name: value for name, value in BEFORE.items() if name != "currencies"}
    # when the update is diffed
    found = changes(BEFORE, after)
    # then it is listed with after None
    assert found == {"currencies": (["EUR", "CHF"], None)}


def test_diff_is_ordered_by_field_name() -> None:
    # given several changed fields
    after = BEFORE | {"name": "B", "currencies": ["USD"], "id": "web_2"}
    # when the update is diffed
    names = list(diff(BEFORE, after))
    # then they come sorted, so entries are stable
    assert names == ["currencies", "id", "name"]
