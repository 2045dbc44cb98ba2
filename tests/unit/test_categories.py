"""Category trees: cycles, order, slugs and moves, decided in memory."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.catalog.categories import (
    Category,
    CategoryFields,
    CategoryForest,
    category_forest,
    move_problem,
    slug_clashes,
    tree_listing,
)

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
# tools > power-tools > drills; tools > hand-tools; fasteners > screws
PARENTS: dict[str, str | None] = {
    "tools": None,
    "fasteners": None,
    "power-tools": "tools",
    "hand-tools": "tools",
    "drills": "power-tools",
    "screws": "fasteners",
}


def category(category_id: str, parent_id: str | None = None, position: int = 0, **fields: Any) -> Category:
    """A category named by a readable id (not a ``cat_`` ULID: built without the API's checks)."""
    defaults = {"name": {"en": category_id.title()}, "slug": {"en": category_id}, "description": None}
    return Category.model_construct(
        id=category_id,
        organization_id="org_1",
        version=1,
        created_at=NOW,
        updated_at=NOW,
        parent_id=parent_id,
        position=position,
        **(defaults | fields),
    )


FOREST = CategoryForest(PARENTS)


@pytest.mark.parametrize(
    ("moved", "new_parent", "expected"),
    [
        pytest.param("drills", "hand-tools", None, id="to-a-cousin"),
        pytest.param("power-tools", "fasteners", None, id="to-another-root"),
        pytest.param("power-tools", None, None, id="to-the-root"),
        pytest.param("tools", "screws", None, id="a-root-under-another-tree"),
        pytest.param("tools", "tools", "under itself", id="under-itself"),
        pytest.param("tools", "power-tools", "under itself or one of its descendants", id="under-a-child"),
        pytest.param("tools", "drills", "under itself or one of its descendants", id="under-a-grandchild"),
        pytest.param("drills", "cat_elsewhere", "no such category", id="unknown-parent"),
    ],
)
def test_move_problem(moved: str, new_parent: str | None, expected: str | None) -> None:
    # given the forest of an organization's categories
    # when a category would move under a new parent
    problem = move_problem(FOREST, moved, new_parent)
    # then only a move that keeps it a forest of this organization's categories is allowed
    if expected is None:
        assert problem is None
    else:
        assert problem is not None
        assert expected in problem


@pytest.mark.parametrize(
    "parents",
    [
        pytest.param({"a": "a"}, id="own-parent"),
        pytest.param({"a": "b", "b": "a"}, id="two-category-cycle"),
        pytest.param({"root": None, "a": "c", "b": "a", "c": "b"}, id="three-category-cycle"),
    ],
)
def test_a_forest_refuses_a_cycle(parents: dict[str, str | None]) -> None:
    # given categories that are their own ancestors
    # when the forest is built
    # then it is refused, naming a category
    with pytest.raises(ValueError, match="category .* is its own ancestor"):
        CategoryForest(parents)


def test_a_forest_has_any_number_of_roots_and_none_at_all() -> None:
    # given an organization without categories, and one with two roots
    # when their forests are built
    empty, two = CategoryForest({}), FOREST
    # then both are forests: no root, or each root category
    assert empty.roots() == []
    assert len(empty) == 0
    assert two.roots() == ["fasteners", "tools"]
    assert two.children(None) == ["fasteners", "tools"]


def test_a_deep_chain_is_a_forest() -> None:
    # given 2,000 categories each under the one before (any depth)
    parents: dict[str, str | None] = {f"c{i:04}": (f"c{i - 1:04}" if i else None) for i in range(2000)}
    # when the forest is built
    forest = CategoryForest(parents)
    # then the last one lies 2,000 deep and a move of the first under it closes a cycle
    assert len(forest.path("c1999")) == 2000
    assert forest.closes_cycle("c0000", "c1999")


def test_the_tree_lists_parents_before_children_and_siblings_by_position() -> None:
    # given categories whose positions order siblings against their ids (creation order)
    positions = {"tools": 2, "fasteners": 1, "power-tools": 5, "hand-tools": 3, "drills": 0, "screws": 0}
    # when the forest is walked
    order = FOREST.depth_first(positions.__getitem__)
    # then each category is followed by its subtree, siblings by position
    assert order == ["fasteners", "screws", "tools", "hand-tools", "power-tools", "drills"]


def test_siblings_at_one_position_keep_their_id_order() -> None:
    # given siblings at the same position
    forest = CategoryForest({"b": None, "a": None, "c": None})
    # when the forest is walked
    # then they follow their ids (type-prefixed ULIDs: their creation order)
    assert forest.depth_first(lambda _: 0) == ["a", "b", "c"]


def test_a_listed_category_carries_its_depth() -> None:
    # given a root, its child and its grandchild, with ids as the API makes them
    root, child, grandchild = (f"cat_01JD{n:022}" for n in range(3))
    categories = {
        root: category(root, slug={"en": "tools"}),
        child: category(child, root, slug={"en": "power-tools"}),
        grandchild: category(grandchild, child, slug={"en": "drills"}),
    }
    # when the tree is listed
    items = tree_listing(category_forest(categories), categories)
    # then each item is the category with its depth below its root
    assert [(item.id, item.depth) for item in items] == [(root, 0), (child, 1), (grandchild, 2)]


SIBLINGS = [
    category("power-tools", "tools", slug={"en": "power-tools", "de-DE": "elektrowerkzeuge"}),
    category("hand-tools", "tools", slug={"en": "hand-tools"}),
    category("screws", "fasteners", slug={"en": "screws", "de-DE": "schrauben"}),
]


@pytest.mark.parametrize(
    ("category_id", "parent_id", "slug", "expected"),
    [
        pytest.param(None, "tools", {"en": "power-tools"}, ["en"], id="a-sibling-has-it"),
        pytest.param(
            None, "tools", {"en": "drills", "de-DE": "elektrowerkzeuge"}, ["de-DE"], id="per-locale"
        ),
        pytest.param(None, "tools", {"de-DE": "power-tools"}, [], id="another-locale-is-free"),
        pytest.param(None, "fasteners", {"en": "power-tools"}, [], id="a-cousin-may-have-it"),
        pytest.param(None, None, {"en": "power-tools"}, [], id="a-root-may-have-a-childs"),
        pytest.param("power-tools", "tools", {"en": "power-tools"}, [], id="its-own-slug"),
        pytest.param("screws", "tools", {"en": "hand-tools"}, ["en"], id="moved-next-to-a-namesake"),
    ],
)
def test_slug_clashes(
    category_id: str | None, parent_id: str | None, slug: dict[str, str], expected: list[str]
) -> None:
    # given the categories of an organization
    # when a category would take a slug under a parent
    clashes = slug_clashes(SIBLINGS, category_id, parent_id, slug)
    # then the locales where a sibling has that slug are named
    assert clashes == expected


@pytest.mark.parametrize("slug", ["tools", "power-tools", "m8", "a", "x-1-2", "3d-printers"])
def test_a_slug_is_lowercase_letters_digits_and_inner_hyphens(slug: str) -> None:
    # given a well-formed slug
    # when a category takes it
    fields = CategoryFields.model_validate({"name": {"en": "Tools"}, "slug": {"en": slug}})
    # then it is kept as it is
    assert fields.slug == {"en": slug}


@pytest.mark.parametrize(
    "slug",
    [
        "Tools",
        "power tools",
        "power_tools",
        "-tools",
        "tools-",
        "power--tools",
        "werkzeug\u00e4",
        "",
        "x" * 101,
    ],
)
def test_a_malformed_slug_is_refused(slug: str) -> None:
    # given a slug with capitals, spaces, underscores, outer or double hyphens, non-ASCII, or none
    # when a category takes it
    # then it is refused, naming the slug's locale
    with pytest.raises(ValidationError) as refused:
        CategoryFields.model_validate({"name": {"en": "Tools"}, "slug": {"en": slug}})
    assert refused.value.errors()[0]["loc"][:2] == ("slug", "en")


def test_a_description_may_span_lines_a_name_may_not() -> None:
    # given a description of two lines, and a name of two lines
    body = {"name": {"en": "Tools"}, "slug": {"en": "tools"}, "description": {"en": "Hand\r\nand power"}}
    # when a category takes them
    fields = CategoryFields.model_validate(body)
    # then the description keeps its line (normalized), the name is refused
    assert fields.description == {"en": "Hand\nand power"}
    with pytest.raises(ValidationError):
        CategoryFields.model_validate({**body, "name": {"en": "Hand\ntools"}})


def test_the_categories_holding_a_counted_one_are_it_and_its_ancestors() -> None:
    # given products counted in drills, and in a category the forest does not know (deleted meanwhile)
    counted = ["drills", "cat_deleted"]

    # when the categories whose subtree holds one are asked for
    stocked = FOREST.with_ancestors(counted)

    # then drills and every category above it, and no other
    assert stocked == {"tools", "power-tools", "drills"}
