"""chalicelib.domain.codes: countries, currencies, locales, time zones and host names."""

from __future__ import annotations

import pytest

from chalicelib.domain import codes

# --- countries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["DE", "FR", "CH", "GB", "US", "JP", "XK", "AQ", "IO"])
def test_country_accepts_iso_3166_alpha2(code: str) -> None:
    # given an ISO 3166-1 alpha-2 code (or Kosovo's XK)
    # when it is checked
    checked = codes.country(code)
    # then it comes back unchanged
    assert checked == code


@pytest.mark.parametrize(
    "code",
    [
        "EU",  # grouping
        "EZ",  # grouping
        "UN",  # grouping
        "ZZ",  # unknown region
        "QO",  # private use
        "XA",  # pseudo-locale
        "AC",  # exceptionally reserved
        "IC",  # exceptionally reserved
        "UK",  # exceptionally reserved, GB is the code
        "001",  # UN M.49 world
        "de",  # lowercase
        "DEU",  # alpha-3
        "SU",  # withdrawn
        "",
    ],
)
def test_country_refuses_non_countries(code: str) -> None:
    # given something that is not an ISO 3166-1 alpha-2 country
    # when / then it is refused
    with pytest.raises(ValueError, match="not an ISO 3166-1 alpha-2 country code"):
        codes.country(code)


def test_countries_are_the_249_iso_assignments_plus_kosovo() -> None:
    # given CLDR's territories filtered to countries
    # when they are counted
    count = len(codes.countries())
    # then it is ISO 3166-1's 249 officially assigned codes plus XK
    assert count == 250


# --- currencies --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["EUR", "GBP", "CHF", "JPY", "USD", "SEK", "XOF", "XAF"])
def test_currency_accepts_legal_tender(code: str) -> None:
    # given an ISO 4217 currency that is legal tender today
    # when it is checked
    checked = codes.currency(code)
    # then it comes back unchanged
    assert checked == code


@pytest.mark.parametrize(
    "code",
    [
        "DEM",  # replaced by EUR
        "HRK",  # replaced by EUR in 2023
        "VEF",  # replaced by VES
        "XXX",  # ISO 4217 "no currency"
        "XTS",  # ISO 4217 test code
        "XAU",  # gold, not tender
        "XDR",  # IMF special drawing right
        "CHE",  # WIR euro: a fund code
        "BOV",  # fund code
        "USN",  # US next-day funds
        "eur",  # lowercase
        "EURO",
        "",
    ],
)
def test_currency_refuses_what_is_not_tender(code: str) -> None:
    # given a code that is not a legal-tender ISO 4217 currency today
    # when / then it is refused
    with pytest.raises(ValueError, match="not an ISO 4217 currency in use"):
        codes.currency(code)


# --- locales -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "canonical"),
    [
        ("fr-ca", "fr-CA"),
        ("fr-CA", "fr-CA"),
        ("FR-ca", "fr-CA"),
        ("EN", "en"),
        ("de_CH", "de-CH"),
        ("de-ch", "de-CH"),
        ("zh-Hant-TW", "zh-Hant-TW"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("es-419", "es-419"),
        ("pt-br", "pt-BR"),
        ("fil", "fil"),
    ],
)
def test_locale_returns_canonical_bcp47(tag: str, canonical: str) -> None:
    # given a locale tag CLDR knows, in any case and with - or _
    # when it is checked
    checked = codes.locale(tag)
    # then its canonical BCP 47 form comes back
    assert checked == canonical


@pytest.mark.parametrize(
    "tag",
    [
        "xx",  # no such language
        "qaa",  # private-use language
        "tlh",  # not in CLDR
        "fr-XX",  # no such region
        "sh",  # deprecated, unknown to CLDR
    ],
)
def test_locale_refuses_unknown_locales(tag: str) -> None:
    # given a well-formed tag CLDR does not know
    # when / then it is refused
    with pytest.raises(ValueError, match="is not a known locale"):
        codes.locale(tag)


@pytest.mark.parametrize(
    "tag",
    ["en-", "fr-ca-", "en--US", "klingon", "root", "i-klingon", "fr-FR-x-foo", "en US", "e", "", "-en"],
)
def test_locale_refuses_malformed_tags(tag: str) -> None:
    # given something that is not a BCP 47 language tag
    # when / then it is refused before asking CLDR
    with pytest.raises(ValueError, match="is not a BCP 47 language tag"):
        codes.locale(tag)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        pytest.param("und", None, id="und-is-not-a-locale"),
        pytest.param("iw", "he", id="iw-is-he-not-he-IL"),
        pytest.param("in", "id", id="in-is-id-not-id-ID"),
        pytest.param("de-DE-1996", "de-DE-1996", id="variant-not-dropped"),
    ],
)
def test_locale_never_invents_or_drops_subtags(tag: str, expected: str | None) -> None:
    # given a tag whose canonical form has no region (or one CLDR cannot honour)
    # when it is checked
    try:
        checked: str | None = codes.locale(tag)
    except ValueError:
        checked = None
    # then it is either its canonical form or refused, never another locale
    assert checked == expected


@pytest.mark.parametrize(
    ("tag", "parent"),
    [
        ("fr-CA", "fr"),
        ("fr", None),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-Hant", None),
        ("es-419", "es"),
    ],
)
def test_parent_locale_drops_the_last_subtag(tag: str, parent: str | None) -> None:
    # given a canonical locale tag
    # when its parent is asked for
    found = codes.parent_locale(tag)
    # then it is the tag without its last subtag (None for a bare language)
    assert found == parent


# --- time zones --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata"])
def test_timezone_accepts_iana_names(name: str) -> None:
    # given an IANA time zone name
    # when it is checked
    checked = codes.timezone(name)
    # then it comes back unchanged
    assert checked == name


@pytest.mark.parametrize("name", ["europe/berlin", "Mars/Olympus", "+01:00", "GMT+1", "", "posixrules"])
def test_timezone_refuses_other_names(name: str) -> None:
    # given something that is not an IANA zone name (names are case-sensitive)
    # when / then it is refused
    with pytest.raises(ValueError, match="is not an IANA time zone"):
        codes.timezone(name)


def test_timezone_refuses_the_hosts_localtime_link() -> None:
    # given the name of the host's local-time link, which is not an IANA zone
    # when / then it is refused
    with pytest.raises(ValueError, match="is not an IANA time zone"):
        codes.timezone("localtime")


# --- host names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("shop.example.com", "shop.example.com"),
        ("Shop.Example.COM", "shop.example.com"),
        ("localhost", "localhost"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("a-b.example.com", "a-b.example.com"),
        ("a" * 63 + ".example", "a" * 63 + ".example"),
        ("a." * 126 + "a", "a." * 126 + "a"),  # 253 characters
    ],
)
def test_hostname_accepts_and_lowercases(name: str, expected: str) -> None:
    # given a valid RFC 1123 host name
    # when it is checked
    checked = codes.hostname(name)
    # then its lowercase form comes back
    assert checked == expected


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("a" * 64 + ".example", id="label-too-long"),
        pytest.param("a." * 127 + "a", id="name-too-long"),
        pytest.param("-shop.example.com", id="leading-hyphen"),
        pytest.param("shop-.example.com", id="trailing-hyphen"),
        pytest.param("shop.example.com:8080", id="with-port"),
        pytest.param("shop example.com", id="inner-space"),
        pytest.param(" shop.example.com", id="leading-space"),
        pytest.param("shop.example.com.", id="trailing-dot"),
        pytest.param("shop..example.com", id="empty-label"),
        pytest.param("shop_1.example.com", id="underscore"),
        pytest.param("exämple.com", id="not-punycode"),
        pytest.param("https://shop.example.com", id="url"),
        pytest.param("", id="empty"),
    ],
)
def test_hostname_refuses_invalid_names(name: str) -> None:
    # given something that is not a bare RFC 1123 host name
    # when / then it is refused
    with pytest.raises(ValueError, match="is not a valid host name"):
        codes.hostname(name)


def test_hostname_refuses_a_trailing_newline() -> None:
    # given a host name followed by a newline
    # when / then it is refused, not returned with the newline in it
    with pytest.raises(ValueError, match="is not a valid host name"):
        codes.hostname("shop.example.com\n")


@pytest.mark.parametrize("tag", ["en-ZZ", "de-QO", "fr-EU"])
def test_locale_refuses_a_region_that_is_no_country(tag: str) -> None:
    # given a tag CLDR would resolve to some default region
    # when / then it is refused instead of becoming another locale
    with pytest.raises(ValueError, match="unknown region|not a known locale"):
        codes.locale(tag)


@pytest.mark.parametrize(("tag", "expected"), [("zh-tw", "zh-TW"), ("sr-latn-rs", "sr-Latn-RS")])
def test_locale_keeps_the_subtags_it_was_given(tag: str, expected: str) -> None:
    # given a tag CLDR recognizes only through likely subtags
    # when it is checked
    checked = codes.locale(tag)
    # then it keeps its own subtags, in canonical case
    assert checked == expected
