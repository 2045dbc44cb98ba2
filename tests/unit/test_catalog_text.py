"""domain.catalog.text: the folding and tokens products are found by (accents and case folded)."""

from __future__ import annotations

import pytest

from chalicelib.domain.catalog.text import fold, search_tokens, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("Crème Brûlée", "creme brulee", id="accents"),
        pytest.param("SCHRAUBE", "schraube", id="case"),
        pytest.param("Straße", "strasse", id="sharp-s-casefolded"),
        pytest.param("ﬁne", "fine", id="ligature-compatibility"),
        pytest.param("Ångström", "angstrom", id="ring-above"),
        pytest.param("Ｍ８", "m8", id="full-width"),
    ],
)
def test_fold_drops_accents_and_case(text: str, folded: str) -> None:
    # given a text  # when it is folded  # then accents and case are gone
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Hex bolt M8 x 40", ["hex", "bolt", "m8", "40"], id="single-letters-dropped"),
        pytest.param("Sechskant-Schraube, verzinkt", ["sechskant", "schraube", "verzinkt"], id="punctuation"),
        pytest.param("snake_case", ["snake", "case"], id="underscore-splits"),
        pytest.param("Öl/Wasser", ["ol", "wasser"], id="slash-and-umlaut"),
        pytest.param("", [], id="empty"),
    ],
)
def test_words_split_on_anything_but_letters_and_digits(text: str, expected: list[str]) -> None:
    # given a name  # when it is split  # then its folded words of 2+ characters remain, in order
    assert words(text) == expected


def test_search_tokens_are_the_whole_sku_then_distinct_words() -> None:
    # given a SKU and a name in two locales sharing a word
    # when the tokens are taken
    tokens = search_tokens("HB-M8.40", ["Hex bolt M8", "Sechskantschraube M8"])

    # then the SKU is one folded token (its dashes and dots kept), and each word comes once
    assert tokens == ["hb-m8.40", "hex", "bolt", "m8", "sechskantschraube"]
