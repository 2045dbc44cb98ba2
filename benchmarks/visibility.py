"""The visibility resolver (``chalicelib.domain.catalog.visibility``), timed in process. Prints figures;
never asserts.

What it does:

1. Builds what a storefront request has in memory: a buyer five units deep (company -> division ->
   region -> plant -> team) in a customer group, on one website; an organization's category tree of
   20 roots x 10 children x 10 grandchildren (2,220 categories), with group and website rules on a
   tenth of them; 500 customer-specific exceptions (unit rules on products and categories along the
   buyer's chain); 20 selections, 8 of which apply (assigned to the buyer's units or group), each
   listing categories.
2. Times with ``timeit`` (median and minimum of ``--repeat`` runs):
   - building the ``CatalogView`` (once per request);
   - a page of 50 products of one leaf category, ``shows()`` each: on a fresh view (category
     decisions and memberships computed on first use) and on a warm one;
   - ``explain()`` of one product (the admin's "why visible").

    .venv/bin/python benchmarks/visibility.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from chalicelib.domain.catalog.visibility import (  # noqa: E402
    AssignedSelection,
    Audience,
    CatalogView,
    CategoryNode,
    ProductPlacement,
    Rule,
    WebsiteRules,
)

WEB, GROUP = "web_shop", "cgr_key"
UNITS = ("cus_globex", "unt_division", "unt_region", "unt_plant", "unt_team")
PAGE = 50


def categories() -> dict[str, CategoryNode]:
    nodes: dict[str, CategoryNode] = {}
    for root in range(20):
        root_id = f"cat_{root}"
        nodes[root_id] = CategoryNode(root_id, None, rules_every(root, 10))
        for child in range(10):
            child_id = f"{root_id}_{child}"
            nodes[child_id] = CategoryNode(child_id, root_id, rules_every(child, 10))
            for leaf in range(10):
                leaf_id = f"{child_id}_{leaf}"
                nodes[leaf_id] = CategoryNode(leaf_id, child_id, rules_every(leaf, 10))
    return nodes


def rules_every(index: int, period: int) -> dict[str, WebsiteRules]:
    if index % period:
        return {}
    rule: Rule = "visible" if index % (2 * period) else "hidden"
    return {WEB: WebsiteRules(everyone=rule, groups={GROUP: rule})}


def audience() -> Audience:
    unit_rules: dict[str, dict[str, Rule]] = {}
    for exception in range(500):
        subject = f"prd_{exception * 7}" if exception % 2 else f"cat_{exception % 20}_{exception % 10}"
        rule: Rule = "hidden" if exception % 3 else "visible"
        unit_rules.setdefault(subject, {})[UNITS[exception % len(UNITS)]] = rule
    return Audience(unit_path=UNITS, group_id=GROUP, website_id=WEB, unit_rules=unit_rules)


def selections() -> list[AssignedSelection]:
    made = []
    for number in range(20):
        assignment = (
            {"unit_ids": frozenset({UNITS[number % 4]})} if number < 8 else {"unit_ids": frozenset({"x"})}
        )
        made.append(
            AssignedSelection(
                f"sel_{number}",
                "exclude" if number % 4 == 3 else "include",
                product_ids=frozenset(f"prd_{n}" for n in range(number, 5000, 97)),
                category_ids=frozenset(f"cat_{number}_{n}" for n in range(5)),
                **assignment,  # type: ignore[arg-type]
            )
        )
    return made


def page() -> list[ProductPlacement]:
    return [
        ProductPlacement(f"prd_{n}", "cat_2_4_5", ("cat_9_1_2",), rules_every(n, 5) if n % 3 else {})
        for n in range(PAGE)
    ]


def timed(label: str, function: Callable[[], object], repeat: int, per: int = 1) -> None:
    runs = timeit.repeat(function, number=1000, repeat=repeat)
    per_call_us = [run / 1000 * 1e6 / per for run in runs]
    print(f"{label:<58} median {statistics.median(per_call_us):9.2f} us   min {min(per_call_us):9.2f} us")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    tree, buyer, assigned, products = categories(), audience(), selections(), page()
    warm = CatalogView(buyer, tree, assigned)
    for product in products:
        warm.shows(product)

    def fresh_page() -> None:
        view = CatalogView(buyer, tree, assigned)
        for product in products:
            view.shows(product)

    def warm_page() -> None:
        for product in products:
            warm.shows(product)

    shown = sum(warm.shows(product) for product in products)
    print(f"{len(tree)} categories, {len(assigned)} selections, a page of {PAGE}: {shown} shown")
    timed("CatalogView(...) per request", lambda: CatalogView(buyer, tree, assigned), repeat)
    timed("a page of 50: view built + shows() each (fresh memo)", fresh_page, repeat)
    timed("a page of 50: shows() each (warm memo), per product", warm_page, repeat, per=PAGE)
    timed("explain() of one product", lambda: warm.explain(products[1]), repeat)


if __name__ == "__main__":
    main()
