"""Country, currency, locale, timezone and hostname codes checked against real data.

Countries and currencies come from CLDR (babel): a country is an ISO 3166-1 alpha-2 territory,
a currency is ISO 4217 and legal tender somewhere today. Locales are BCP 47 tags CLDR knows,
returned in canonical form (``fr-ca`` -> ``fr-CA``). Time zones are IANA names.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.numbers import get_territory_currencies

# CLDR territories with two letters that ISO 3166-1 does not assign: groupings, private use and
# the "exceptionally reserved" codes (Kosovo's XK stays: it is the code everyone uses).
_NON_COUNTRY_TERRITORIES = frozenset(
    {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)
_HOSTNAME_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@cache
def countries() -> frozenset[str]:
    names = [str(code) for code in Locale("en").territories]
    return frozenset(
        code for code in names if len(code) == 2 and code.isalpha() and code not in _NON_COUNTRY_TERRITORIES
    )


@cache
def currencies_in_use() -> frozenset[str]:
    today = date.today()  # noqa: DTZ011 - legal tender changes by calendar day; the local day is fine
    in_use: set[str] = set()
    for territory in get_global("territory_currencies"):
        in_use.update(get_territory_currencies(territory, start_date=today, tender=True))
    return frozenset(in_use)


@cache
def timezones() -> frozenset[str]:
    """IANA zone names from the pinned ``tzdata`` package, the same on every host (no ``localtime``)."""
    return frozenset(resources.files("tzdata").joinpath("zones").read_text().split())


def country(code: str) -> str:
    if code not in countries():
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


def currency(code: str) -> str:
    if code not in currencies_in_use():
        raise ValueError(f"{code!r} is not an ISO 4217 currency in use")
    return code


def locale(tag: str) -> str:
    """The canonical BCP 47 form of a locale tag CLDR knows (``fr-ca`` -> ``fr-CA``, ``iw`` -> ``he``).

    The tag keeps exactly the subtags it was given: CLDR's likely subtags help to recognize it
    (``zh-TW``) but are never added (``und`` is not ``en-US``); an unknown region is refused.
    """
    if not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*", tag):
        raise ValueError(f"{tag!r} is not a BCP 47 language tag")
    language, *subtags = re.split("[-_]", tag)
    try:
        if language.lower() == "und":
            raise ValueError("undetermined language")
        parsed = Locale.parse("_".join([language, *subtags]))
    except (UnknownLocaleError, ValueError) as error:
        raise ValueError(f"{tag!r} is not a known locale") from error
    canonical = [_canonical_subtag(subtag) for subtag in subtags]
    regions = [subtag for subtag in canonical if len(subtag) == 2 and subtag.isalpha()]
    if any(region not in countries() for region in regions):
        raise ValueError(f"{tag!r} names an unknown region")
    return "-".join([parsed.language, *canonical])


def _canonical_subtag(subtag: str) -> str:
    """BCP 47 case conventions: scripts in title case, regions in upper case, the rest lower."""
    if len(subtag) == 4 and subtag.isalpha():
        return subtag.title()
    if len(subtag) == 2 and subtag.isalpha():
        return subtag.upper()
    return subtag.lower()


def parent_locale(tag: str) -> str | None:
    """The next more general locale (``fr-CA`` -> ``fr``), or None for a bare language.

    A script is never dropped: ``zh-Hant`` has no parent, since ``zh`` texts are Simplified Chinese.
    """
    head, sep, last = tag.rpartition("-")
    if not sep or (len(last) == 4 and last.isalpha()):
        return None
    return head


def timezone(name: str) -> str:
    if name not in timezones():
        raise ValueError(f"{name!r} is not an IANA time zone")
    return name


def hostname(name: str) -> str:
    """A lowercase DNS host name (RFC 1123), without port or trailing dot."""
    candidate = name.lower()
    labels = candidate.split(".")
    if len(candidate) > 253 or not all(_HOSTNAME_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"{name!r} is not a valid host name")
    return candidate
