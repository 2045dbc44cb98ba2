"""Categories: a tree per organization, of any depth, with localized names and slugs.

A category names its parent (None: a root category, which websites may offer) and its position
among its siblings. The tree is checked in memory (:class:`CategoryForest`): a move may not put a
category under itself or one of its descendants, and a slug is unique among siblings per locale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import Field, StringConstraints

from chalicelib.domain.base import (
    MAX_LOCALES_PER_TEXT,
    Input,
    LocaleTag,
    LocalizedLongText,
    LocalizedText,
    Stamped,
    View,
    patch_model,
)
from chalicelib.domain.catalog.rules import WebsiteRuleView
from chalicelib.domain.trees import Forest

MAX_CATEGORIES = 2_000
"""Categories per organization: the whole tree is read with every structure change and every listing."""
MAX_POSITION = 1_000_000
CATEGORY_ID_PATTERN = r"^cat_[0-9A-HJKMNP-TV-Z]{26}$"

Slug = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
"""Lowercase letters, digits and single inner hyphens (``power-tools``): a path segment as it is."""
LocalizedSlug = Annotated[
    dict[LocaleTag, Slug],
    Field(
        min_length=1, max_length=MAX_LOCALES_PER_TEXT, examples=[{"en": "fasteners", "de-DE": "befestigung"}]
    ),
]
CategoryId = Annotated[str, StringConstraints(pattern=CATEGORY_ID_PATTERN)]


class CategoryFields(Input):
    name: LocalizedText
    slug: LocalizedSlug = Field(description="unique among the category's siblings, per locale")
    description: LocalizedLongText | None = None
    parent_id: CategoryId | None = Field(
        default=None, description="the parent category, of the same organization; null: a root category"
    )
    position: int = Field(
        default=0,
        ge=0,
        le=MAX_POSITION,
        description="order among siblings, lowest first (ties: oldest first)",
    )


CategoryPatch = patch_model(CategoryFields, "CategoryPatch")


class Category(CategoryFields, Stamped):
    organization_id: str
    websites: dict[str, WebsiteRuleView] = Field(
        default_factory=dict,
        description="visibility rules by website (PUT .../visibility changes them, not PATCH)",
    )
    rules_revision: int = Field(
        default=0, description="counts the rule changes, which leave the category's version alone"
    )


class TreeCategory(Category):
    depth: int = Field(description="0 for a root category")


class CategoryTree(View):
    """An organization's categories, each followed by its subtree; siblings by position."""

    organization_id: str
    items: list[TreeCategory]


class CategoryForest(Forest):
    noun = "category"


def category_forest(categories: Mapping[str, Category]) -> CategoryForest:
    return CategoryForest({category_id: category.parent_id for category_id, category in categories.items()})


def tree_listing(forest: Forest, categories: Mapping[str, Category]) -> list[TreeCategory]:
    """Every category with its depth, parents before children, siblings by position then id."""
    return [
        TreeCategory.model_validate(
            {**categories[category_id].model_dump(), "depth": len(forest.path(category_id)) - 1},
            strict=False,
        )
        for category_id in forest.depth_first(lambda category_id: categories[category_id].position)
    ]


def move_problem(forest: Forest, category_id: str, new_parent: str | None) -> str | None:
    """Why ``category_id`` cannot move under ``new_parent`` (None: to the root; None returned if it can)."""
    if new_parent is None:
        return None
    if new_parent not in forest:
        return "no such category in this organization"
    if forest.closes_cycle(category_id, new_parent):
        return "a category cannot move under itself or one of its descendants"
    return None


def slug_clashes(
    categories: Iterable[Category], category_id: str | None, parent_id: str | None, slug: Mapping[str, str]
) -> list[str]:
    """The locales in which a sibling under ``parent_id`` (other than the category itself) has the slug."""
    siblings = [other for other in categories if other.parent_id == parent_id and other.id != category_id]
    return sorted(
        locale for locale, value in slug.items() if any(other.slug.get(locale) == value for other in siblings)
    )
