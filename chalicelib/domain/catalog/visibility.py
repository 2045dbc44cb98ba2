"""Who sees which product: the visibility order and the selections rule, resolved in memory.

The one rule (docs/catalog.md says the same for users of the API):

1. **Visibility.** Each level says ``visible``, ``hidden`` or nothing (inherit); the first level that
   says something decides, most specific first:

   a. the product's rule for the caller's unit, else for its nearest ancestor unit that has one, up to
      the company (a sub-unit inherits its ancestors' rules unless it has its own);
   b. the product's rule for the caller's effective customer group, on the website;
   c. the product's rule for everyone on the website;
   d. the product's primary category, resolved by the same levels a-c, then its parent category's, up
      to the root of the category tree;
   e. the website's default (visible unless the website says hidden).

2. **Selections.** A selection *applies* to the caller when it is assigned to the caller's unit, to an
   ancestor unit, or to the caller's effective customer group. A product is *in* a selection when the
   selection lists it, or lists one of its categories (primary or other) or an ancestor of one of them.
   When at least one *include* selection applies, the product must be in at least one of them; and no
   *exclude* selection that applies may contain it.

3. **Shown** = visibility resolves to visible AND the selections admit the product. A selection never
   shows a hidden product, and a visible product outside the caller's include selections (or inside
   an exclude selection) stays out of sight.

:class:`CatalogView` is built once per request from what does not depend on the product (the caller's
unit chain, group, website, the applying selections, the category tree); each category's decision and
selection membership is memoized on first use, so each product then costs a few dictionary look-ups.
:meth:`CatalogView.shows` is what the storefront asks; :meth:`CatalogView.explain` walks the same
levels and names each one consulted, for the admin's "why visible".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Literal, NamedTuple

from chalicelib.domain.base import View

Rule = Literal["visible", "hidden"]
SelectionMode = Literal["include", "exclude"]
Level = Literal["unit", "group", "website", "default"]
INHERIT = "inherit"


@dataclass(frozen=True, slots=True)
class WebsiteRules:
    """A product's or category's rules on one website: for everyone, and per customer group."""

    everyone: Rule | None = None
    groups: Mapping[str, Rule] = field(default_factory=dict)


SubjectRules = Mapping[str, WebsiteRules]
"""A product's or category's rules by website id (a website absent: every level there inherits)."""


def stored_rules(websites: Mapping[str, Mapping[str, Any]] | None) -> dict[str, WebsiteRules]:
    """The rules as a product's ``RULES`` item and a category item keep them (``websites``:
    ``{"<web>": {"all": "visible|hidden", "groups": {"<grp>": "visible|hidden"}}}``, absent = inherit)."""
    return {
        website_id: WebsiteRules(everyone=rules.get("all"), groups=dict(rules.get("groups") or {}))
        for website_id, rules in (websites or {}).items()
    }


@dataclass(frozen=True, slots=True)
class CategoryNode:
    """A category of the organization's tree, with its own rules."""

    id: str
    parent_id: str | None = None
    rules: SubjectRules = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProductPlacement:
    """What the resolution needs of a product: its categories and its own rules."""

    id: str
    primary_category_id: str | None = None
    category_ids: tuple[str, ...] = ()  # the others, besides the primary
    rules: SubjectRules = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AssignedSelection:
    """A selection with its members (products, categories) and whom it is assigned to."""

    id: str
    mode: SelectionMode
    product_ids: frozenset[str] = frozenset()
    category_ids: frozenset[str] = frozenset()
    unit_ids: frozenset[str] = frozenset()
    group_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Audience:
    """The caller as the catalog sees them, on one website.

    ``unit_path`` runs from the company (the root unit) down to the caller's unit; ``unit_rules`` are
    the units' own rules on this website, by product or category id, then by unit id.
    """

    unit_path: tuple[str, ...]
    group_id: str | None
    website_id: str
    website_default: Rule = "visible"
    unit_rules: Mapping[str, Mapping[str, Rule]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CompanyRules:
    """A company's own catalog rules, as its partition holds them (read with its tree): its units'
    rules by website, then by product or category id, then by unit; and the units each selection is
    assigned to, by selection id."""

    visibility: Mapping[str, Mapping[str, Mapping[str, Rule]]] = field(default_factory=dict)
    selections: Mapping[str, frozenset[str]] = field(default_factory=dict)


class LevelStep(View):
    """One level consulted: whose rule (a product or category id; none for the website's default),
    at which level and where (a unit, a group, the website), and what it said."""

    subject_id: str | None
    level: Level
    at: str
    rule: Rule | Literal["inherit"]


class SelectionStep(View):
    """A selection that applies to the caller, and whether it contains the product."""

    selection_id: str
    mode: SelectionMode
    assigned_to: str  # the unit or customer group that makes it apply
    contains: bool
    through: str | None  # the product itself, or the listed category it is in (directly or below)


class Explanation(View):
    """Why a product is shown or not: each level consulted in order (the last one decided), and each
    selection that applies."""

    product_id: str
    shown: bool
    visibility: Rule
    admitted: bool
    levels: list[LevelStep]
    selections: list[SelectionStep]


class _Step(NamedTuple):
    subject_id: str | None
    level: Level
    at: str
    rule: Rule | None


def _until_decided(steps: Iterable[_Step]) -> tuple[_Step, ...]:
    """The steps up to the first that says something (a trail always ends with the default's)."""
    taken = []
    for step in steps:
        taken.append(step)
        if step.rule is not None:
            break
    return tuple(taken)


class CatalogView:
    """The catalog as one caller sees it on one website: build once per request, ask per product."""

    def __init__(
        self,
        audience: Audience,
        categories: Mapping[str, CategoryNode],
        selections: Iterable[AssignedSelection] = (),
    ) -> None:
        self._audience = audience
        self._units_nearest_first = tuple(reversed(audience.unit_path))
        self._categories = categories
        self._default = (_Step(None, "default", audience.website_id, audience.website_default),)
        self._applying = {
            selection.id: (selection, assignee)
            for selection in selections
            if (assignee := self._assignee(selection)) is not None
        }
        self._includes = frozenset(s for s, (sel, _) in self._applying.items() if sel.mode == "include")
        self._excludes = frozenset(s for s, (sel, _) in self._applying.items() if sel.mode == "exclude")
        self._listing_product: dict[str, set[str]] = {}
        self._listing_category: dict[str, set[str]] = {}
        for selection, _ in self._applying.values():
            for product_id in selection.product_ids:
                self._listing_product.setdefault(product_id, set()).add(selection.id)
            for category_id in selection.category_ids:
                self._listing_category.setdefault(category_id, set()).add(selection.id)
        self._category_trails: dict[str | None, tuple[_Step, ...]] = {None: self._default}
        self._category_members: dict[str, frozenset[str]] = {}
        self._chains: dict[str, tuple[str, ...]] = {}

    def _assignee(self, selection: AssignedSelection) -> str | None:
        """The nearest unit of the caller's path the selection is assigned to, else their group."""
        unit = next((unit for unit in self._units_nearest_first if unit in selection.unit_ids), None)
        if unit is not None:
            return unit
        group = self._audience.group_id
        return group if group is not None and group in selection.group_ids else None

    # --- visibility ---------------------------------------------------------------------------

    def _levels(
        self, subject_id: str, rules: SubjectRules, *, with_inheriting: bool = True
    ) -> Iterator[_Step]:
        """A product's or category's own levels, most specific first: units, group, website.

        ``with_inheriting=False`` leaves out the levels without a rule (what deciding alone needs: cheaper).
        """
        audience = self._audience
        by_unit = audience.unit_rules.get(subject_id)
        if by_unit or with_inheriting:
            for unit_id in self._units_nearest_first:
                rule = by_unit.get(unit_id) if by_unit else None
                if rule or with_inheriting:
                    yield _Step(subject_id, "unit", unit_id, rule)
        website = rules.get(audience.website_id)
        if website is None and not with_inheriting:
            return
        if audience.group_id is not None:
            rule = website.groups.get(audience.group_id) if website else None
            if rule or with_inheriting:
                yield _Step(subject_id, "group", audience.group_id, rule)
        rule = website.everyone if website else None
        if rule or with_inheriting:
            yield _Step(subject_id, "website", audience.website_id, rule)

    def _chain(self, category_id: str) -> tuple[str, ...]:
        """The category and its ancestors, nearest first (unknown ids end it; a cycle is cut)."""
        found = self._chains.get(category_id)
        if found is None:
            ids: list[str] = []
            current: str | None = category_id
            while current is not None and current not in ids:
                ids.append(current)
                node = self._categories.get(current)
                current = node.parent_id if node else None
            found = self._chains[category_id] = tuple(ids)
        return found

    def _category_trail(self, category_id: str | None) -> tuple[_Step, ...]:
        """The levels of a category, then of its ancestors, then the default, up to the deciding one."""
        trail = self._category_trails.get(category_id)
        if trail is None and category_id is not None:
            nodes = (self._categories[c] for c in self._chain(category_id) if c in self._categories)
            levels = chain.from_iterable(self._levels(node.id, node.rules) for node in nodes)
            trail = self._category_trails[category_id] = _until_decided(chain(levels, self._default))
        return trail or self._default

    def visibility(self, product: ProductPlacement) -> Rule:
        """The first level with a rule among the product's own, else its primary category's decision."""
        own = next(self._levels(product.id, product.rules, with_inheriting=False), None)
        return own.rule if own and own.rule else self.category_visibility(product.primary_category_id)

    def category_visibility(self, category_id: str | None) -> Rule:
        """A category's own resolution (levels a-c along its chain, then the default)."""
        rule = self._category_trail(category_id)[-1].rule
        assert rule is not None  # a trail ends with the step that decided
        return rule

    # --- selections ---------------------------------------------------------------------------

    def _in_category(self, category_id: str) -> frozenset[str]:
        """The applying selections listing the category or one of its ancestors."""
        members = self._category_members.get(category_id)
        if members is None:
            listed = (self._listing_category.get(c, ()) for c in self._chain(category_id))
            members = self._category_members[category_id] = frozenset(chain.from_iterable(listed))
        return members

    def _containing(self, product: ProductPlacement) -> set[str]:
        """The applying selections the product is in (listed, or through a category)."""
        found = set(self._listing_product.get(product.id, ()))
        for category_id in self._categories_of(product):
            found.update(self._in_category(category_id))
        return found

    @staticmethod
    def _categories_of(product: ProductPlacement) -> tuple[str, ...]:
        primary = (product.primary_category_id,) if product.primary_category_id else ()
        return primary + product.category_ids

    def admits(self, product: ProductPlacement) -> bool:
        """The selections rule: in one applying include selection (if any applies), in no exclude one."""
        if not self._applying:
            return True
        containing = self._containing(product)
        if self._includes and not containing & self._includes:
            return False
        return not containing & self._excludes

    def category_admitted(self, category_id: str) -> bool:
        """Whether the selections leave the category in a storefront's tree: no applying exclude
        selection lists it or an ancestor. Include selections do not prune the tree: they may list
        products one by one wherever those sit, which only the products' own items say."""
        return not self._excludes or not self._in_category(category_id) & self._excludes

    # --- the answer ---------------------------------------------------------------------------

    def shows(self, product: ProductPlacement) -> bool:
        return self.visibility(product) == "visible" and self.admits(product)

    def explain(self, product: ProductPlacement) -> Explanation:
        """What :meth:`shows` decides, with each level consulted and each applying selection."""
        own = self._levels(product.id, product.rules)
        steps = _until_decided(chain(own, self._category_trail(product.primary_category_id)))
        visibility = steps[-1].rule
        assert visibility is not None  # a trail ends with the step that decided
        admitted = self.admits(product)
        return Explanation(
            product_id=product.id,
            shown=visibility == "visible" and admitted,
            visibility=visibility,
            admitted=admitted,
            levels=[
                LevelStep(subject_id=s.subject_id, level=s.level, at=s.at, rule=s.rule or INHERIT)
                for s in steps
            ],
            selections=[self._selection_step(product, s) for s in sorted(self._applying)],
        )

    def _selection_step(self, product: ProductPlacement, selection_id: str) -> SelectionStep:
        selection, assignee = self._applying[selection_id]
        through = product.id if product.id in selection.product_ids else None
        for category_id in () if through else self._categories_of(product):
            through = next((c for c in self._chain(category_id) if c in selection.category_ids), None)
            if through:
                break
        return SelectionStep(
            selection_id=selection_id,
            mode=selection.mode,
            assigned_to=assignee,
            contains=through is not None,
            through=through,
        )
