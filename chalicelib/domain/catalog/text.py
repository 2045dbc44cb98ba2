"""Text folding for catalog search: what a product is found by, and what a query is matched with.

Both sides fold the same way, so ``Schraube`` finds ``SCHRAUBE`` and ``Crème`` finds ``creme``: Unicode
NFKD, combining marks dropped, casefolded, split on anything that is not a letter or a digit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MIN_TOKEN_LENGTH = 2  # a search needs 2 characters: the token partition is named by the first two
_SEPARATORS = re.compile(r"[^\w]+|_+")


def fold(text: str) -> str:
    """``text`` without accents and case: NFKD, combining marks dropped, casefolded."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFKC", stripped.casefold())


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order, each at least :data:`MIN_TOKEN_LENGTH` long."""
    return [word for word in _SEPARATORS.split(fold(text)) if len(word) >= MIN_TOKEN_LENGTH]


def fold_sku(sku: str) -> str:
    """A SKU as one token: folded whole (its dashes and dots kept), so a typed SKU prefix finds it."""
    return fold(sku)


def search_tokens(sku: str, texts: Iterable[str]) -> list[str]:
    """The distinct tokens a product is found by: its folded SKU first, then the words of ``texts``."""
    tokens = [fold_sku(sku)]
    for text in texts:
        tokens += words(text)
    return list(dict.fromkeys(tokens))
