"""Same query, three catalogs: Bob (Globex, Plant Lyon), Olga (Globex, Plant Ohio) and Ina (Initech)
ask shop.acme.de the same listing, search and SKU lookup, and each gets what the demo's rules leave
them (hand protection hidden for Plant Lyon; hydraulics left out for Initech's group). Read-only."""

from __future__ import annotations

import pytest

from .shoppers import (
    BOB,
    DEMO_PRODUCTS,
    HAND_PROTECTION,
    HYDRAULICS,
    INA,
    OLGA,
    Shopper,
    demo_skus,
    listed_under,
    placed_in,
    primary_under,
)
from .stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shoppers(stack: Stack) -> tuple[Shopper, Shopper, Shopper]:
    return Shopper(stack, BOB), Shopper(stack, OLGA), Shopper(stack, INA)


@pytest.fixture(scope="module")
def category_ids(shoppers: tuple[Shopper, Shopper, Shopper]) -> dict[str, str]:
    """Every demo category's id by slug, as Olga's tree shows them (she sees them all)."""
    _, olga, _ = shoppers
    return olga.categories()


@pytest.mark.parametrize(
    ("leaf", "refused", "seen_by"),
    [
        (f"{HAND_PROTECTION}/cut-resistant-gloves", BOB, (OLGA, INA)),  # Plant Lyon's unit rule
        (f"{HYDRAULICS}/hoses/high-pressure-hoses", INA, (BOB, OLGA)),  # the Standard group's selection
    ],
)
def test_a_listing_is_404_for_the_buyer_a_rule_keeps_from_it_and_alike_for_the_others(
    shoppers: tuple[Shopper, Shopper, Shopper],
    category_ids: dict[str, str],
    leaf: str,
    refused: str,
    seen_by: tuple[str, str],
) -> None:
    # given a leaf category of the demo, by its path of slugs
    by_email = {shopper.email: shopper for shopper in shoppers}
    category_id = category_ids[leaf.rsplit("/", 1)[1]]

    # when the three list its products
    listings = {email: shopper.listing(category_id) for email, shopper in by_email.items()}

    # then the one the demo's rule keeps from it gets 404, and the other two see the same products
    first, second = (listings[email] for email in seen_by)
    assert listings[refused] is None
    assert first is not None
    assert demo_skus(first) == placed_in(leaf)
    assert second == first


def test_the_same_search_finds_three_different_sets(shoppers: tuple[Shopper, Shopper, Shopper]) -> None:
    # given a word every demo product numbered 000 has in its name, gloves and hoses among them
    text = "000"

    # when the three search for it
    bob, olga, ina = (demo_skus(shopper.search(text)) for shopper in shoppers)

    # then Olga finds gloves and hoses; Bob all but the hand protection; Ina all but what hydraulics lists
    assert olga & primary_under(HAND_PROTECTION)
    assert olga & listed_under(HYDRAULICS)
    assert bob == olga - primary_under(HAND_PROTECTION)
    assert ina == olga - listed_under(HYDRAULICS)


def test_the_same_sku_lookup_finds_three_different_sets(shoppers: tuple[Shopper, Shopper, Shopper]) -> None:
    # given every SKU of the demo catalog
    skus = [product.sku for product in DEMO_PRODUCTS]

    # when the three look them all up at once
    (bob, bob_missing), (olga, olga_missing), (ina, ina_missing) = (
        shopper.lookup(skus) for shopper in shoppers
    )

    # then Olga gets every one; Bob's hidden gloves and Ina's excluded hydraulics come back not found
    assert (olga, olga_missing) == (set(skus), set())
    assert (bob, bob_missing) == (olga - primary_under(HAND_PROTECTION), primary_under(HAND_PROTECTION))
    assert (ina, ina_missing) == (olga - listed_under(HYDRAULICS), listed_under(HYDRAULICS))
