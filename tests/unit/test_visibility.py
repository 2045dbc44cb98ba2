"""chalicelib.domain.catalog.visibility: the visibility order and the selections rule, as tables.

Every test runs in one world:

    units       globex > manufacturing > lyon (the caller's unit); ohio is lyon's sibling
    group       key (the caller's effective group); wholesale is another group
    websites    web (the caller's); other
    categories  tools > hand-tools > wrenches (the product's primary); spare (its other category);
                garden (unrelated)
    product     prd_wrench, primary wrenches, also in spare
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import pytest

from chalicelib.domain.catalog.visibility import (
    AssignedSelection,
    Audience,
    CatalogView,
    CategoryNode,
    ProductPlacement,
    Rule,
    WebsiteRules,
    stored_rules,
)

GLOBEX, MANUFACTURING, LYON, OHIO = "cus_globex", "unt_manufacturing", "unt_lyon", "unt_ohio"
KEY, WHOLESALE = "cgr_key", "cgr_wholesale"
WEB, OTHER_WEB = "web_shop", "web_other"
TOOLS, HAND_TOOLS, WRENCHES, SPARE, GARDEN = (
    "cat_tools",
    "cat_hand",
    "cat_wrenches",
    "cat_spare",
    "cat_garden",
)
PRODUCT = "prd_wrench"
PARENTS = {TOOLS: None, HAND_TOOLS: TOOLS, WRENCHES: HAND_TOOLS, SPARE: None, GARDEN: None}

# A rule is written (subject, level, where): the level is unit, group or website, "where" names the
# unit, the group or the website.
Rules = Mapping[tuple[str, str, str], Rule]


def _subject_rules(subject: str, rules: Rules) -> dict[str, WebsiteRules]:
    by_website: dict[str, dict[str, Any]] = {}
    for (rule_subject, level, where), rule in rules.items():
        if rule_subject != subject or level == "unit":
            continue
        website = WEB if level == "group" else where
        entry = by_website.setdefault(website, {"everyone": None, "groups": {}})
        if level == "group":
            entry["groups"][where] = rule
        else:
            entry["everyone"] = rule
    return {website: WebsiteRules(**entry) for website, entry in by_website.items()}


def view(
    rules: Rules | None = None,
    *,
    group: str | None = KEY,
    default: Rule = "visible",
    selections: tuple[AssignedSelection, ...] = (),
) -> CatalogView:
    rules = rules or {}
    unit_rules: dict[str, dict[str, Rule]] = {}
    for (subject, level, where), rule in rules.items():
        if level == "unit":
            unit_rules.setdefault(subject, {})[where] = rule
    audience = Audience(
        unit_path=(GLOBEX, MANUFACTURING, LYON),
        group_id=group,
        website_id=WEB,
        website_default=default,
        unit_rules=unit_rules,
    )
    categories = {
        category: CategoryNode(category, parent, _subject_rules(category, rules))
        for category, parent in PARENTS.items()
    }
    return CatalogView(audience, categories, selections)


def product(rules: Rules | None = None, *, primary: str | None = WRENCHES) -> ProductPlacement:
    return ProductPlacement(PRODUCT, primary, (SPARE,), _subject_rules(PRODUCT, rules or {}))


def decided_by(rules: Rules, **options: Any) -> tuple[Rule, tuple[str | None, str, str]]:
    explanation = view(rules, **options).explain(product(rules))
    last = explanation.levels[-1]
    return explanation.visibility, (last.subject_id, last.level, last.at)


# --- visibility: the levels, most specific first ----------------------------------------------------

DEFAULT = (None, "default", WEB)
VISIBILITY_CASES = [
    # (case, rules, expected visibility, the level that decided)
    ("nothing anywhere: the website's default", {}, "visible", DEFAULT),
    (
        "the caller's unit beats every other level",
        {
            (PRODUCT, "unit", LYON): "hidden",
            (PRODUCT, "unit", MANUFACTURING): "visible",
            (PRODUCT, "group", KEY): "visible",
            (PRODUCT, "website", WEB): "visible",
            (WRENCHES, "unit", LYON): "visible",
        },
        "hidden",
        (PRODUCT, "unit", LYON),
    ),
    (
        "a unit without a rule inherits its parent's",
        {(PRODUCT, "unit", MANUFACTURING): "hidden", (PRODUCT, "group", KEY): "visible"},
        "hidden",
        (PRODUCT, "unit", MANUFACTURING),
    ),
    (
        "the nearest ancestor's rule wins over the company's",
        {(PRODUCT, "unit", GLOBEX): "visible", (PRODUCT, "unit", MANUFACTURING): "hidden"},
        "hidden",
        (PRODUCT, "unit", MANUFACTURING),
    ),
    (
        "a sub-unit's own rule overrides the one it would inherit",
        {(PRODUCT, "unit", GLOBEX): "hidden", (PRODUCT, "unit", LYON): "visible"},
        "visible",
        (PRODUCT, "unit", LYON),
    ),
    (
        "a sibling unit's rule does not reach the caller",
        {(PRODUCT, "unit", OHIO): "hidden"},
        "visible",
        DEFAULT,
    ),
    (
        "no unit rule: the group's",
        {(PRODUCT, "group", KEY): "hidden", (PRODUCT, "website", WEB): "visible"},
        "hidden",
        (PRODUCT, "group", KEY),
    ),
    (
        "another group's rule does not reach the caller",
        {(PRODUCT, "group", WHOLESALE): "hidden"},
        "visible",
        DEFAULT,
    ),
    (
        "no group rule: the website's rule for everyone",
        {(PRODUCT, "website", WEB): "hidden", (WRENCHES, "unit", LYON): "visible"},
        "hidden",
        (PRODUCT, "website", WEB),
    ),
    (
        "another website's rule does not apply",
        {(PRODUCT, "website", OTHER_WEB): "hidden"},
        "visible",
        DEFAULT,
    ),
    (
        "the product inherits: the primary category's unit rule",
        {(WRENCHES, "unit", LYON): "hidden", (WRENCHES, "website", WEB): "visible"},
        "hidden",
        (WRENCHES, "unit", LYON),
    ),
    (
        "the category's ancestor unit rule",
        {(WRENCHES, "unit", GLOBEX): "hidden", (WRENCHES, "group", KEY): "visible"},
        "hidden",
        (WRENCHES, "unit", GLOBEX),
    ),
    (
        "the category's group rule",
        {(WRENCHES, "group", KEY): "hidden", (WRENCHES, "website", WEB): "visible"},
        "hidden",
        (WRENCHES, "group", KEY),
    ),
    (
        "the category's website rule",
        {(WRENCHES, "website", WEB): "hidden", (HAND_TOOLS, "unit", LYON): "visible"},
        "hidden",
        (WRENCHES, "website", WEB),
    ),
    (
        "the category inherits: its parent's levels",
        {(HAND_TOOLS, "unit", LYON): "hidden", (TOOLS, "website", WEB): "visible"},
        "hidden",
        (HAND_TOOLS, "unit", LYON),
    ),
    (
        "up to the root category",
        {(TOOLS, "website", WEB): "hidden"},
        "hidden",
        (TOOLS, "website", WEB),
    ),
    (
        "a category's own rule overrides its parent's",
        {(WRENCHES, "website", WEB): "visible", (TOOLS, "unit", LYON): "hidden"},
        "visible",
        (WRENCHES, "website", WEB),
    ),
    (
        "the product's group rule beats the category's unit rule (the product is more specific)",
        {(PRODUCT, "group", KEY): "visible", (WRENCHES, "unit", LYON): "hidden"},
        "visible",
        (PRODUCT, "group", KEY),
    ),
    (
        "a rule on the product's other category does not decide its visibility",
        {(SPARE, "website", WEB): "hidden"},
        "visible",
        DEFAULT,
    ),
]


@pytest.mark.parametrize(
    ("rules", "visibility", "decider"),
    [
        pytest.param(rules, visibility, decider, id=case)
        for case, rules, visibility, decider in VISIBILITY_CASES
    ],
)
def test_the_most_specific_level_with_a_rule_decides(
    rules: Rules, visibility: Rule, decider: tuple[str | None, str, str]
) -> None:
    # when / then
    assert decided_by(rules) == (visibility, decider)


@pytest.mark.parametrize("default", ["visible", "hidden"])
def test_without_any_rule_the_website_default_decides_both_ways(default: Rule) -> None:
    # when / then
    assert decided_by({}, default=default) == (default, DEFAULT)


@pytest.mark.parametrize("default", ["visible", "hidden"])
def test_a_rule_anywhere_on_the_chain_overrides_the_default_either_way(default: Rule) -> None:
    # given the opposite of the default on the root category
    opposite: Rule = "hidden" if default == "visible" else "visible"

    # when / then
    assert decided_by({(TOOLS, "website", WEB): opposite}, default=default) == (
        opposite,
        (TOOLS, "website", WEB),
    )


def test_a_product_without_a_category_falls_to_the_default() -> None:
    # given
    rules: Rules = {(TOOLS, "website", WEB): "hidden"}

    # when
    explanation = view(rules).explain(product(primary=None))

    # then
    assert (explanation.visibility, explanation.levels[-1].level) == ("visible", "default")


def test_a_caller_without_a_group_skips_the_group_levels() -> None:
    # given a group rule that would hide the product
    rules: Rules = {(PRODUCT, "group", KEY): "hidden"}

    # when
    explanation = view(rules, group=None).explain(product(rules))

    # then
    assert explanation.visibility == "visible"
    assert "group" not in {step.level for step in explanation.levels}


def test_the_explanation_names_every_level_consulted_in_order() -> None:
    # given no rule at all
    # when
    explanation = view().explain(product())

    # then
    expected = [
        (subject, level, at)
        for subject in (PRODUCT, WRENCHES, HAND_TOOLS, TOOLS)
        for level, at in (
            ("unit", LYON),
            ("unit", MANUFACTURING),
            ("unit", GLOBEX),
            ("group", KEY),
            ("website", WEB),
        )
    ] + [DEFAULT]
    assert [(s.subject_id, s.level, s.at) for s in explanation.levels] == expected
    assert [s.rule for s in explanation.levels] == ["inherit"] * (len(expected) - 1) + ["visible"]


def test_a_category_resolves_by_its_own_chain() -> None:
    # given
    catalog = view({(HAND_TOOLS, "group", KEY): "hidden"})

    # when / then
    assert [catalog.category_visibility(c) for c in (TOOLS, HAND_TOOLS, WRENCHES, GARDEN)] == [
        "visible",
        "hidden",
        "hidden",
        "visible",
    ]


def test_a_category_cycle_or_an_unknown_category_ends_the_chain() -> None:
    # given wrenches' parent names wrenches' child, which names wrenches again
    audience = Audience(unit_path=(LYON,), group_id=None, website_id=WEB)
    categories = {
        WRENCHES: CategoryNode(WRENCHES, "cat_child"),
        "cat_child": CategoryNode("cat_child", WRENCHES),
    }
    catalog = CatalogView(audience, categories)

    # when / then
    assert catalog.category_visibility(WRENCHES) == "visible"
    assert catalog.category_visibility("cat_unknown") == "visible"


# --- selections: applying, membership, and the combination with visibility ----------------------------


def selection(
    mode: str, contains: bool, through: str, *, name: str = "", to: str = LYON
) -> AssignedSelection:
    """A selection assigned to ``to`` (a unit or a group) containing the product (or not) ``through``
    the product itself, its primary or other category, or an ancestor of its primary category."""
    member = {"product": PRODUCT, "primary": WRENCHES, "other": SPARE, "ancestor": TOOLS}[through]
    key = "product_ids" if through == "product" else "category_ids"
    members = {key: frozenset({member if contains else ("prd_other" if through == "product" else GARDEN)})}
    assignment = {"group_ids": frozenset({to})} if to.startswith("cgr_") else {"unit_ids": frozenset({to})}
    return AssignedSelection(f"sel_{mode}{name}", mode, **members, **assignment)  # type: ignore[arg-type]


# (include selection, exclude selection) -> admitted: None = no such selection applies,
# "in" = one applies and contains the product, "out" = one applies and does not contain it.
ADMISSION = {
    (None, None): True,
    ("in", None): True,
    ("out", None): False,
    (None, "in"): False,
    (None, "out"): True,
    ("in", "in"): False,
    ("in", "out"): True,
    ("out", "in"): False,
    ("out", "out"): False,
}
THROUGH = ("product", "primary", "other", "ancestor")
VISIBILITY: tuple[Rule, ...] = ("visible", "hidden")


@pytest.mark.parametrize(
    ("include", "exclude", "through", "visibility"),
    list(itertools.product((None, "in", "out"), (None, "in", "out"), THROUGH, VISIBILITY)),
)
def test_every_combination_of_selections_and_visibility(
    include: str | None, exclude: str | None, through: str, visibility: Rule
) -> None:
    # given
    selections = tuple(
        selection(mode, state == "in", through)
        for mode, state in (("include", include), ("exclude", exclude))
        if state is not None
    )
    rules: Rules = {(PRODUCT, "website", WEB): visibility}
    catalog = view(rules, selections=selections)

    # when
    shown = catalog.shows(product(rules))
    explanation = catalog.explain(product(rules))

    # then
    admitted = ADMISSION[(include, exclude)]
    assert (catalog.admits(product(rules)), shown) == (admitted, admitted and visibility == "visible")
    assert (explanation.admitted, explanation.shown) == (admitted, shown)


@pytest.mark.parametrize(
    ("assigned_to", "applies"),
    [
        pytest.param(LYON, True, id="the caller's unit"),
        pytest.param(MANUFACTURING, True, id="an ancestor unit"),
        pytest.param(GLOBEX, True, id="the company"),
        pytest.param(KEY, True, id="the caller's group"),
        pytest.param(OHIO, False, id="a sibling unit"),
        pytest.param(WHOLESALE, False, id="another group"),
    ],
)
def test_a_selection_applies_through_the_unit_chain_or_the_group(assigned_to: str, applies: bool) -> None:
    # given an include selection not containing the product
    catalog = view(selections=(selection("include", False, "product", to=assigned_to),))

    # when / then: only an applying one keeps the product out
    assert catalog.shows(product()) is not applies


def test_the_product_in_any_one_of_several_include_selections_is_admitted() -> None:
    # given
    selections = (
        selection("include", False, "primary", name="-a"),
        selection("include", True, "ancestor", name="-b", to=KEY),
    )

    # when / then
    assert view(selections=selections).shows(product())


def test_the_explanation_names_each_applying_selection_its_assignee_and_the_membership() -> None:
    # given
    selections = (
        selection("include", True, "ancestor", name="-tools", to=MANUFACTURING),
        selection("exclude", False, "product", name="-other", to=KEY),
        selection("exclude", True, "product", name="-sibling", to=OHIO),
    )

    # when
    explanation = view(selections=selections).explain(product())

    # then
    assert [s.model_dump() for s in explanation.selections] == [
        {
            "selection_id": "sel_exclude-other",
            "mode": "exclude",
            "assigned_to": KEY,
            "contains": False,
            "through": None,
        },
        {
            "selection_id": "sel_include-tools",
            "mode": "include",
            "assigned_to": MANUFACTURING,
            "contains": True,
            "through": TOOLS,
        },
    ]
    assert explanation.shown


def test_rules_read_from_the_stored_shape_resolve_as_written() -> None:
    # given a product's rules as its RULES item keeps them
    stored = {WEB: {"all": "visible", "groups": {KEY: "hidden"}}, OTHER_WEB: {"all": "hidden"}}
    placed = ProductPlacement(PRODUCT, WRENCHES, rules=stored_rules(stored))

    # when / then: the group's rule decides for the caller, the other website's is not consulted
    assert view().explain(placed).levels[-1].model_dump() == {
        "subject_id": PRODUCT,
        "level": "group",
        "at": KEY,
        "rule": "hidden",
    }
    assert stored_rules(None) == {}
