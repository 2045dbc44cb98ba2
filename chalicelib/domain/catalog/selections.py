"""Product selections (assortments): named include-only or exclude lists of an organization.

A selection lists categories here (every product in them or below them is in it) and, from the
product side, products; it is assigned to customer groups here and to customer units from the
company. How selections combine with visibility is the one rule of
:mod:`chalicelib.domain.catalog.visibility`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from chalicelib.domain.base import Input, Name, Stamped, patch_model
from chalicelib.domain.customers import CustomerGroupId
from chalicelib.domain.staff import OrganizationId

MAX_CATEGORIES = 50
MAX_CUSTOMER_GROUPS = 20
# Each listed category and group is checked in the selection's transaction (at most 100 writes).

SelectionMode = Literal["include", "exclude"]
CategoryId = Annotated[str, StringConstraints(pattern=r"^cat_[0-9A-HJKMNP-TV-Z]{26}$")]


def _distinct(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


class SelectionChanges(Input):
    """What may change about a selection (its organization stays)."""

    name: Name
    mode: SelectionMode = Field(
        description="include: the products of its assignees must be in one of their include selections; "
        "exclude: its products are hidden from its assignees"
    )
    category_ids: Annotated[list[CategoryId], Field(max_length=MAX_CATEGORIES), AfterValidator(_distinct)] = (
        Field(
            default_factory=list,
            description="categories of its organization: their products and subcategories' are in it",
        )
    )
    customer_group_ids: Annotated[
        list[CustomerGroupId], Field(max_length=MAX_CUSTOMER_GROUPS), AfterValidator(_distinct)
    ] = Field(default_factory=list, description="the customer groups it applies to (their units and below)")


class SelectionFields(SelectionChanges):
    organization_id: OrganizationId


SelectionPatch = patch_model(SelectionChanges, "SelectionPatch")


class Selection(SelectionFields, Stamped):
    """A selection as stored and answered."""


class SelectionProduct(Stamped):
    """A product listed by a selection directly (``id`` is the product's)."""

    selection_id: str
    product_id: str


class SelectionUnit(Stamped):
    """A customer unit a selection is assigned to (it applies there and below; ``id`` is the unit's)."""

    selection_id: str
    customer_id: str
    unit_id: str
