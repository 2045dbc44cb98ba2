"""The storefront's catalog as a buyer or a guest reads it: texts in one locale, only what is shown.

Locale rule: the ``Accept-Language`` header's ranges, by their ``q`` weight (then their order), pick
the first of the website's locales that matches one exactly or by its language (``de`` picks
``de-AT``; ``de-CH`` picks ``de`` when the website offers ``de``); none matching (or no header): the
website's default locale. A text is then resolved along that locale's fallback chain (the website's
``locale_fallbacks``, else the locale's parents, then the default locale), and a text in none of
those locales shows the one of its first locale in alphabetical order, so a name is never empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from babel.core import negotiate_locale
from pydantic import Field

from chalicelib.domain.base import Input, View
from chalicelib.domain.catalog.media import MediaKind
from chalicelib.domain.catalog.products import ProductKind, Sku
from chalicelib.domain.pricing.chains import BuyerPrice

MAX_SKUS = 100
MAX_SEARCH_RESULTS = 50


def preferred_locales(accept_language: str | None) -> list[str]:
    """The header's language ranges, most wanted first (``q=0`` and ``*`` left out)."""
    ranges: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, parameters = part.strip().partition(";")
        weight = 1.0
        if parameters.strip().startswith("q="):
            try:
                weight = float(parameters.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and weight > 0:
            ranges.append((-weight, index, tag))
    return [tag for _, _, tag in sorted(ranges)]


def pick_locale(accept_language: str | None, locales: Sequence[str], default_locale: str) -> str:
    """The website's locale the header asks for (see the module's rule)."""
    for wanted in preferred_locales(accept_language):
        found = negotiate_locale([wanted], list(locales), sep="-") or negotiate_locale(
            [wanted.split("-")[0]], list(locales), sep="-"
        )
        if found is None:
            language = wanted.split("-")[0].lower()
            found = next((locale for locale in locales if locale.split("-")[0].lower() == language), None)
        if found is not None:
            return found
    return default_locale


def localized(text: Mapping[str, str] | None, chain: Sequence[str]) -> str | None:
    """The text in the first locale of ``chain`` it has, else in its first locale."""
    if not text:
        return None
    for locale in chain:
        if locale in text:
            return text[locale]
    return text[sorted(text)[0]]


def attribute_filter(expression: str | None) -> dict[str, set[str]]:
    """``colour:red|blue,size:m`` as ``{"colour": {"red", "blue"}, "size": {"m"}}``."""
    wanted: dict[str, set[str]] = {}
    for clause in (expression or "").split(","):
        code, _, values = clause.partition(":")
        if code.strip() and values.strip():
            wanted.setdefault(code.strip(), set()).update(v.strip() for v in values.split("|") if v.strip())
    return wanted


def _as_text(value: Any) -> str:
    """An attribute value as a filter names it (``true``/``false`` for booleans)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def matches(attributes: Mapping[str, Any], wanted: Mapping[str, set[str]]) -> bool:
    """Every filtered attribute has one of the wanted values (a multi-value attribute: any of them)."""
    for code, values in wanted.items():
        value = attributes.get(code)
        held = {_as_text(v) for v in value} if isinstance(value, list) else {_as_text(value)}
        if value is None or not held & values:
            return False
    return True


class SkuLookup(Input):
    skus: list[Sku] = Field(min_length=1, max_length=MAX_SKUS)


class StoreCategory(View):
    id: str
    parent_id: str | None
    depth: int
    name: str
    slug: str
    description: str | None


class StoreCategoryTree(View):
    website_id: str
    locale: str
    items: list[StoreCategory] = Field(description="parents first, siblings by position")


class StoreProductSummary(View):
    id: str
    sku: str
    name: str
    short_description: str | None
    kind: ProductKind
    brand: str | None
    inventory: dict[str, Any]
    primary_unit: str
    attributes: dict[str, Any]
    price: BuyerPrice | None = Field(
        default=None,
        description="the caller's prices in the request's currency (`?currency=`, else the website's "
        "default): per unit, tiers from `min_quantity` on; null when no list of theirs prices it",
    )


class StoreUnit(View):
    code: str
    label: str
    precision: int
    conversion_factor: str
    min_order_quantity: str | None
    max_order_quantity: str | None
    order_increment: str | None


class StoreMedia(View):
    id: str
    kind: MediaKind
    title: str | None
    filename: str
    content_type: str
    url: str = Field(description="a pre-signed GET, valid a few minutes: fetch it, do not keep it")
    expires_at: str


class StoreProduct(StoreProductSummary):
    long_description: str | None
    parent_id: str | None
    primary_category_id: str | None
    units: list[StoreUnit]
    media: list[StoreMedia]
    variants: list[StoreProductSummary]


class SkuLookupResult(View):
    items: list[StoreProductSummary]
    not_found: list[str] = Field(description="the SKUs asked for that name no product the caller can order")


class SearchResult(View):
    locale: str
    items: list[StoreProductSummary]
