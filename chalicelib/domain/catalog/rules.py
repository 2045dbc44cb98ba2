"""Visibility rules as the admin API takes and gives them, and their stored shape.

A product's website- and group-level rules live in its ``RULES`` item as
``{"websites": {"<web>": {"all": "visible|hidden", "groups": {"<grp>": ...}}}, "selections": [...]}``,
a category's in the same ``websites`` shape on the category item (what
:func:`chalicelib.domain.catalog.visibility.stored_rules` reads); a unit's rule is an item of its
company's partition. ``inherit`` removes a rule: an absent rule inherits.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from chalicelib.domain.base import Input, View
from chalicelib.domain.customers import CustomerGroupId, UnitId

_ULID = "[0-9A-HJKMNP-TV-Z]{26}"
WebsiteId = Annotated[str, StringConstraints(pattern=rf"^web_{_ULID}$")]
CustomerId = Annotated[str, StringConstraints(pattern=rf"^cus_{_ULID}$")]
RuleLevel = Literal["all", "group", "unit"]
RuleVisibility = Literal["visible", "hidden", "inherit"]
INHERIT = "inherit"


class VisibilityRuleChange(Input):
    """One rule of a product or category on one website: for everyone, a customer group, or a customer unit
    (``inherit`` removes it)."""

    website_id: WebsiteId
    level: RuleLevel
    customer_group_id: CustomerGroupId | None = Field(default=None, description="level group only")
    customer_id: CustomerId | None = Field(default=None, description="level unit only: the unit's company")
    unit_id: UnitId | None = Field(
        default=None, description="level unit only (the company itself: its customer id)"
    )
    visibility: RuleVisibility

    @model_validator(mode="after")
    def _level_names_its_subject(self) -> VisibilityRuleChange:
        wanted = {"all": set(), "group": {"customer_group_id"}, "unit": {"customer_id", "unit_id"}}[
            self.level
        ]
        given = {name for name in ("customer_group_id", "customer_id", "unit_id") if getattr(self, name)}
        if missing := sorted(wanted - given):
            raise ValueError(f"level {self.level!r} needs {', '.join(missing)}")
        if extra := sorted(given - wanted):
            raise ValueError(f"level {self.level!r} takes no {', '.join(extra)}")
        return self


class WebsiteRuleView(View):
    all: Literal["visible", "hidden"] | None = Field(default=None, description="for everyone (null: inherit)")
    groups: dict[str, Literal["visible", "hidden"]] = Field(default_factory=dict, description="by group id")


class UnitRuleView(View):
    website_id: str
    customer_id: str
    unit_id: str
    visibility: Literal["visible", "hidden"]


class VisibilityRules(View):
    """A product's or category's rules at every level; a level or website not named inherits."""

    id: str = Field(description="the product's or category's id")
    websites: dict[str, WebsiteRuleView] = Field(description="website- and group-level rules by website id")
    units: list[UnitRuleView] = Field(description="units' own rules, by customer, unit and website")


def with_rule(websites: dict[str, Any], change: VisibilityRuleChange) -> dict[str, Any]:
    """The stored ``websites`` map after a website- or group-level ``change`` (empty levels pruned)."""
    updated = deepcopy(websites)
    website = updated.setdefault(change.website_id, {})
    groups = website.setdefault("groups", {})
    value = None if change.visibility == INHERIT else change.visibility
    if change.level == "all":
        website["all"] = value
    elif change.customer_group_id is not None:
        groups[change.customer_group_id] = value
    website["groups"] = {group: rule for group, rule in groups.items() if rule}
    if website.get("all") is None:
        website.pop("all", None)
    if not website["groups"]:
        del website["groups"]
    if not website:
        del updated[change.website_id]
    return updated
