"""The storefront's pure rules: which locale a request gets, attribute filters, and the tree's
selection pruning."""

from __future__ import annotations

import pytest

from chalicelib.domain.catalog.storefront import attribute_filter, localized, matches, pick_locale
from chalicelib.domain.catalog.visibility import AssignedSelection, Audience, CatalogView, CategoryNode

LOCALES = ["en", "de-DE", "fr-CA"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(None, "en", id="no header: the default"),
        pytest.param("de-DE", "de-DE", id="exact"),
        pytest.param("de-AT", "de-DE", id="same language"),
        pytest.param("fr;q=0.4, de;q=0.9", "de-DE", id="by weight"),
        pytest.param("it, fr-CA", "fr-CA", id="first that matches"),
        pytest.param("ja", "en", id="none matches: the default"),
        pytest.param("de;q=0", "en", id="q=0 is refused"),
    ],
)
def test_accept_language_picks_one_of_the_websites_locales(header: str | None, expected: str) -> None:
    # when the header is read against the website's locales
    # then
    assert pick_locale(header, LOCALES, "en") == expected


def test_a_text_missing_in_the_chain_shows_its_first_locale() -> None:
    # given a name in French only
    # when it is resolved for German then English
    # then the French one shows: a name is never empty
    assert localized({"fr": "Vis"}, ["de-DE", "en"]) == "Vis"


def test_an_attribute_filter_needs_one_value_of_every_code() -> None:
    # given a filter on colour (red or blue) and size m
    wanted = attribute_filter("colour:red|blue,size:m")

    # then a product matches with one of each, a multi-value attribute by any of its values
    assert matches({"colour": "blue", "size": "m"}, wanted)
    assert matches({"colour": ["green", "red"], "size": "m"}, wanted)
    assert not matches({"colour": "red"}, wanted)
    assert matches({"bio": True}, attribute_filter("bio:true"))


def test_an_exclude_selection_prunes_its_categories_and_those_below_from_the_tree() -> None:
    # given tools > drills, and an exclude selection of tools assigned to the caller's unit
    categories = {"cat_t": CategoryNode("cat_t"), "cat_d": CategoryNode("cat_d", parent_id="cat_t")}
    selection = AssignedSelection(
        "sel_x", "exclude", category_ids=frozenset({"cat_t"}), unit_ids=frozenset({"unt_a"})
    )
    view = CatalogView(Audience(("cus_a", "unt_a"), None, "web_a"), categories, [selection])

    # then neither is admitted; without it both are
    assert not view.category_admitted("cat_t")
    assert not view.category_admitted("cat_d")
    assert CatalogView(Audience(("cus_a",), None, "web_a"), categories, [selection]).category_admitted(
        "cat_d"
    )
