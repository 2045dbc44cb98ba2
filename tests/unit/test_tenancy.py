"""chalicelib.domain.tenancy: setting inheritance, fallback chains, public view and input models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.domain.tenancy import (
    RESERVED_TENANT_IDS,
    OrganizationFields,
    OrganizationPatch,
    TenantCreate,
    TenantSettings,
    Website,
    WebsiteFields,
    WebsitePatch,
    effective_settings,
    fallback_chain,
    inherited_defaults_problems,
    public_view,
    resolve_setting,
)

ORG_ID = "org_01JD0000000000000000000000"
WEB_ID = "web_01JD0000000000000000000000"
MOMENT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def tenant_settings(**changes: Any) -> TenantSettings:
    values: dict[str, Any] = {
        "default_currency": "USD",
        "default_locale": "en",
        "timezone": "UTC",
        "prices_include_tax": False,
        "tax_basis": "shipping",
        "guest_browsing": False,
        "guest_checkout": False,
    }
    return TenantSettings.model_validate(values | changes)


def organization(**changes: Any) -> OrganizationFields:
    values: dict[str, Any] = {
        "name": "Acme Europe",
        "legal_name": "Acme Europe GmbH",
        "default_currency": "EUR",
        "default_locale": "de",
    }
    return OrganizationFields.model_validate(values | changes)


def website_fields(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "organization_id": ORG_ID,
        "name": "Acme Switzerland",
        "country": "CH",
        "hostnames": ["shop.acme.ch"],
        "currencies": ["CHF", "EUR"],
        "locales": ["de", "de-CH", "fr-CH"],
    }
    return values | changes


def website(**changes: Any) -> Website:
    stamped = {"id": WEB_ID, "version": 3, "created_at": MOMENT, "updated_at": MOMENT}
    return Website.model_validate(website_fields(**changes) | stamped)


# --- resolve_setting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "on_website", "on_organization", "on_tenant", "value", "source"),
    [
        ("timezone", "Europe/Zurich", "Europe/Berlin", "UTC", "Europe/Zurich", "website"),
        ("timezone", None, "Europe/Berlin", "UTC", "Europe/Berlin", "organization"),
        ("timezone", None, None, "UTC", "UTC", "tenant"),
        ("prices_include_tax", False, True, True, False, "website"),
        ("prices_include_tax", None, False, True, False, "organization"),
        ("prices_include_tax", None, None, True, True, "tenant"),
        ("tax_basis", None, "billing", "shipping", "billing", "organization"),
        ("guest_checkout", True, None, False, True, "website"),
    ],
)
def test_resolve_setting_takes_the_nearest_value_set(
    name: str, on_website: Any, on_organization: Any, on_tenant: Any, value: Any, source: str
) -> None:
    # given a setting at each level, None meaning "inherit"
    tenant = tenant_settings(**{name: on_tenant})
    org = organization(**{name: on_organization})
    site = WebsiteFields.model_validate(website_fields(**{name: on_website}))
    # when it is resolved
    effective = resolve_setting(name, tenant, org, site)
    # then the website wins over the organization, which wins over the tenant
    assert (effective.value, effective.source) == (value, source)


@pytest.mark.parametrize(
    ("name", "on_website", "value", "source"),
    [
        ("default_currency", "CHF", "CHF", "website"),
        ("default_currency", None, "EUR", "organization"),
        ("default_locale", "fr-CH", "fr-CH", "website"),
        ("default_locale", None, "de", "organization"),
    ],
)
def test_resolve_setting_defaults_come_from_website_or_organization(
    name: str, on_website: str | None, value: str, source: str
) -> None:
    # given an organization that always has its defaults set
    site = WebsiteFields.model_validate(website_fields(**{name: on_website}))
    # when a default is resolved
    effective = resolve_setting(name, tenant_settings(), organization(), site)
    # then the tenant's default is never reached
    assert (effective.value, effective.source) == (value, source)


# --- fallback_chain ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "default", "overrides", "chain"),
    [
        pytest.param("fr-CA", "en", {}, ["fr-CA", "fr", "en"], id="parents-then-default"),
        pytest.param("fr", "en", {}, ["fr", "en"], id="bare-language"),
        pytest.param(
            "sr-Latn-RS", "en", {}, ["sr-Latn-RS", "sr-Latn", "en"], id="every-parent-but-the-script"
        ),
        pytest.param("en", "en", {}, ["en"], id="default-itself"),
        pytest.param("en-GB", "en", {}, ["en-GB", "en"], id="default-is-parent-no-duplicate"),
        pytest.param("fr-CA", "en", {"fr-CA": ["fr-FR"]}, ["fr-CA", "fr-FR", "en"], id="override-replaces"),
        pytest.param("fr-CA", "en", {"fr-CA": []}, ["fr-CA", "en"], id="empty-override-drops-parents"),
        pytest.param(
            "fr-CA", "en", {"fr-CA": ["fr-CA", "en", "fr"]}, ["fr-CA", "en", "fr"], id="override-deduplicated"
        ),
        pytest.param("de-CH", "en", {"fr-CA": ["fr"]}, ["de-CH", "de", "en"], id="other-override-ignored"),
    ],
)
def test_fallback_chain(locale: str, default: str, overrides: dict[str, list[str]], chain: list[str]) -> None:
    # given a locale, the default locale and the website's explicit fallbacks
    # when its chain is built
    built = fallback_chain(locale, default, overrides)
    # then it is the locale, its parents or override, and the default, each once
    assert built == chain


# --- effective_settings ------------------------------------------------------------------------


def test_effective_settings_name_the_source_of_every_setting() -> None:
    # given a website that sets its time zone, an organization that sets tax basis, a tenant for the rest
    tenant = tenant_settings(guest_browsing=True)
    org = organization(tax_basis="billing")
    site = website(timezone="Europe/Zurich", default_currency="CHF")
    # when its effective settings are computed
    effective = effective_settings(tenant, org, site)
    # then each setting says where its value came from
    assert {name: (s.value, s.source) for name, s in effective.settings.items()} == {
        "default_currency": ("CHF", "website"),
        "default_locale": ("de", "organization"),
        "timezone": ("Europe/Zurich", "website"),
        "prices_include_tax": (False, "tenant"),
        "tax_basis": ("billing", "organization"),
        "guest_browsing": (True, "tenant"),
        "guest_checkout": (False, "tenant"),
    }


def test_effective_settings_chain_every_offered_locale_to_the_effective_default() -> None:
    # given a website offering three locales, one with an explicit fallback, and an inherited default
    site = website(locales=["de", "de-CH", "fr-CH"], locale_fallbacks={"fr-CH": ["de-CH"]})
    # when its effective settings are computed
    effective = effective_settings(tenant_settings(), organization(default_locale="de"), site)
    # then every offered locale has its chain, closed by the organization's default locale
    assert effective.locale_fallbacks == {
        "de": ["de"],
        "de-CH": ["de-CH", "de"],
        "fr-CH": ["fr-CH", "de-CH", "de"],
    }


# --- inherited_defaults_problems ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "problem_fields"),
    [
        pytest.param({}, [], id="organization-defaults-offered"),
        pytest.param({"currencies": ["CHF"]}, ["default_currency"], id="inherited-currency-not-offered"),
        pytest.param({"currencies": ["CHF"], "default_currency": "CHF"}, [], id="own-currency-set"),
        pytest.param({"locales": ["fr-CH"]}, ["default_locale"], id="inherited-locale-not-offered"),
        pytest.param({"locales": ["fr-CH"], "default_locale": "fr-CH"}, [], id="own-locale-set"),
        pytest.param(
            {"currencies": ["CHF"], "locales": ["fr-CH"]},
            ["default_currency", "default_locale"],
            id="both-not-offered",
        ),
    ],
)
def test_inherited_defaults_problems(changes: dict[str, Any], problem_fields: list[str]) -> None:
    # given a website whose own defaults may be unset, under an organization with EUR / de
    site = WebsiteFields.model_validate(website_fields(**changes))
    # when the inherited defaults are checked
    problems = inherited_defaults_problems(tenant_settings(), organization(), site)
    # then each default the website does not offer is a field problem
    assert [name for name, _ in problems] == problem_fields


def test_inherited_defaults_problem_names_the_level_and_value() -> None:
    # given a website that does not offer the organization's EUR
    site = WebsiteFields.model_validate(website_fields(currencies=["CHF"]))
    # when the inherited defaults are checked
    problems = inherited_defaults_problems(tenant_settings(), organization(), site)
    # then the message says whose value it is and what to set
    assert problems == [
        ("default_currency", "the organization's default_currency 'EUR' is not offered; set default_currency")
    ]


# --- public_view -------------------------------------------------------------------------------


def test_public_view_exposes_no_private_field() -> None:
    # given a website with its organization and bookkeeping fields
    site = website()
    # when its public view is built
    view = public_view(tenant_settings(), organization(tax_basis="billing"), site).model_dump()
    # then nothing internal is in it
    private = {"organization_id", "legal_name", "tax_basis", "version", "created_at", "updated_at"}
    assert private & set(view) == set()


def test_public_view_carries_effective_values() -> None:
    # given a website inheriting its defaults and time zone from the organization and tenant, serving
    # one verified hostname and naming a pending one (which the public never sees)
    site = website(
        guest_browsing=True,
        hostnames=["shop.acme.ch", "pending.acme.ch"],
        verified_hostnames=["shop.acme.ch"],
    )
    # when its public view is built
    view = public_view(tenant_settings(timezone="Europe/Berlin"), organization(), site)
    # then it shows the resolved values
    assert view.model_dump() == {
        "id": WEB_ID,
        "name": "Acme Switzerland",
        "country": "CH",
        "hostnames": ["shop.acme.ch"],
        "currencies": ["CHF", "EUR"],
        "default_currency": "EUR",
        "locales": ["de", "de-CH", "fr-CH"],
        "default_locale": "de",
        "locale_fallbacks": {"de": ["de"], "de-CH": ["de-CH", "de"], "fr-CH": ["fr-CH", "fr", "de"]},
        "timezone": "Europe/Berlin",
        "prices_include_tax": False,
        "guest_browsing": True,
        "guest_checkout": False,
    }


# --- WebsiteFields -----------------------------------------------------------------------------


def test_website_fields_normalize_codes() -> None:
    # given hostnames and locales in non-canonical case
    body = website_fields(hostnames=["Shop.Acme.CH"], locales=["de-ch", "fr-ch"], default_locale="fr-ch")
    # when the body is validated
    site = WebsiteFields.model_validate(body)
    # then they are stored in canonical form
    assert (site.hostnames, site.locales, site.default_locale) == (
        ["shop.acme.ch"],
        ["de-CH", "fr-CH"],
        "fr-CH",
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"hostnames": ["shop.acme.ch", "Shop.Acme.CH"]}, "hostnames must not repeat", id="dup-hostname"
        ),
        pytest.param({"currencies": ["CHF", "CHF"]}, "currencies must not repeat", id="dup-currency"),
        pytest.param({"locales": ["fr-ca", "fr-CA"]}, "locales must not repeat", id="dup-locale"),
        pytest.param(
            {"default_currency": "USD"}, "default_currency must be one of", id="currency-not-offered"
        ),
        pytest.param({"default_locale": "en"}, "default_locale must be one of", id="locale-not-offered"),
        pytest.param(
            {"locale_fallbacks": {"en": ["de"]}}, "locale_fallbacks may only name", id="fallback-key-unknown"
        ),
        pytest.param(
            {"locale_fallbacks": {"de-CH": ["en"]}},
            "locale_fallbacks may only name",
            id="fallback-value-unknown",
        ),
    ],
)
def test_website_fields_refuse_inconsistent_bodies(changes: dict[str, Any], message: str) -> None:
    # given a website body whose fields contradict each other
    body = website_fields(**changes)
    # when / then it is refused with the reason
    with pytest.raises(ValidationError, match=message):
        WebsiteFields.model_validate(body)


@pytest.mark.parametrize(
    ("changes", "location", "error_type"),
    [
        pytest.param({"bogus": 1}, ("bogus",), "extra_forbidden", id="unknown-field"),
        pytest.param({"active": "true"}, ("active",), "bool_type", id="string-for-bool"),
        pytest.param({"prices_include_tax": 1}, ("prices_include_tax",), "bool_type", id="int-for-bool"),
        pytest.param({"name": 5}, ("name",), "string_type", id="int-for-str"),
        pytest.param({"currencies": "CHF"}, ("currencies",), "list_type", id="str-for-list"),
        pytest.param({"tax_basis": "SHIPPING"}, ("tax_basis",), "literal_error", id="literal-case"),
        pytest.param(
            {"organization_id": "org_1"}, ("organization_id",), "string_pattern_mismatch", id="org-id"
        ),
        pytest.param({"currencies": []}, ("currencies",), "too_short", id="no-currency"),
        pytest.param(
            {"hostnames": [f"h{i}.acme.ch" for i in range(21)]}, ("hostnames",), "too_long", id="21-hosts"
        ),
    ],
)
def test_website_fields_are_strict(
    changes: dict[str, Any], location: tuple[str, ...], error_type: str
) -> None:
    # given a body with a field of the wrong type or shape
    body = website_fields(**changes)
    # when it is validated
    with pytest.raises(ValidationError) as raised:
        WebsiteFields.model_validate(body)
    # then that field is the error, nothing is coerced
    assert (raised.value.errors()[0]["loc"], raised.value.errors()[0]["type"]) == (location, error_type)


# --- patch models ------------------------------------------------------------------------------


@pytest.mark.parametrize("patch", [WebsitePatch, OrganizationPatch])
def test_patch_has_every_field_optional_plus_version(patch: type[Any]) -> None:
    # given a patch model
    # when it is built from an empty body
    empty = patch.model_validate({})
    # then every field is optional and the version is one of them
    assert ("version" in patch.model_fields, empty.model_fields_set) == (True, set())


@pytest.mark.parametrize(
    ("patch", "fields"), [(WebsitePatch, WebsiteFields), (OrganizationPatch, OrganizationFields)]
)
def test_patch_offers_exactly_the_create_fields(patch: type[Any], fields: type[Any]) -> None:
    # given a patch model and the fields it patches
    # when their field names are compared
    names = set(patch.model_fields) - {"version"}
    # then nothing is missing and nothing is added
    assert names == set(fields.model_fields)


@pytest.mark.parametrize(
    ("body", "location", "error_type"),
    [
        pytest.param({"currencies": ["CHF", "DEM"]}, ("currencies", 1), "value_error", id="currency"),
        pytest.param({"country": "EU"}, ("country",), "value_error", id="country"),
        pytest.param({"hostnames": ["-x.acme.ch"]}, ("hostnames", 0), "value_error", id="hostname"),
        pytest.param({"locales": ["xx"]}, ("locales", 0), "value_error", id="locale"),
        pytest.param({"timezone": "Mars/Olympus"}, ("timezone",), "value_error", id="timezone"),
        pytest.param({"name": ""}, ("name",), "string_too_short", id="name"),
        pytest.param({"currencies": []}, ("currencies",), "too_short", id="min-length"),
        pytest.param(
            {"organization_id": "org_1"}, ("organization_id",), "string_pattern_mismatch", id="pattern"
        ),
        pytest.param({"active": "true"}, ("active",), "bool_type", id="strict"),
        pytest.param({"bogus": 1}, ("bogus",), "extra_forbidden", id="unknown-field"),
        pytest.param({"version": 0}, ("version",), "greater_than_equal", id="version-zero"),
        pytest.param({"version": "2"}, ("version",), "int_type", id="version-string"),
    ],
)
def test_website_patch_keeps_field_checks(
    body: dict[str, Any], location: tuple[Any, ...], error_type: str
) -> None:
    # given a patch body with one invalid field
    # when it is validated
    with pytest.raises(ValidationError) as raised:
        WebsitePatch.model_validate(body)
    # then it is refused exactly as on create
    assert (raised.value.errors()[0]["loc"], raised.value.errors()[0]["type"]) == (location, error_type)


@pytest.mark.parametrize(
    ("body", "sent"),
    [
        ({"name": "Renamed"}, {"name"}),
        ({"timezone": None}, {"timezone"}),
        ({"default_currency": None, "version": 4}, {"default_currency", "version"}),
        ({"guest_checkout": False, "guest_browsing": None}, {"guest_checkout", "guest_browsing"}),
    ],
)
def test_website_patch_records_what_was_sent(body: dict[str, Any], sent: set[str]) -> None:
    # given a patch body, possibly with explicit nulls
    # when it is validated
    patch = WebsitePatch.model_validate(body)
    # then model_fields_set is exactly the fields sent, nulls included
    assert patch.model_fields_set == sent


@pytest.mark.parametrize(
    "name",
    ["timezone", "prices_include_tax", "tax_basis", "guest_browsing", "guest_checkout", "default_locale"],
)
def test_website_patch_accepts_null_for_inheritable_settings(name: str) -> None:
    # given a patch sending null for a setting the website may inherit
    # when it is validated
    patch = WebsitePatch.model_validate({name: None})
    # then the null is kept, meaning "inherit again"
    assert patch.model_dump(exclude_unset=True) == {name: None}


def test_website_patch_normalizes_like_create() -> None:
    # given a patch with non-canonical codes
    # when it is validated
    patch = WebsitePatch.model_validate({"hostnames": ["Shop.Acme.CH"], "locales": ["fr-ch"]})
    # then they are canonical, as on create
    assert patch.model_dump(exclude_unset=True) == {"hostnames": ["shop.acme.ch"], "locales": ["fr-CH"]}


# --- TenantCreate ------------------------------------------------------------------------------


def tenant_body(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": "acme",
        "name": "Acme",
        "settings": {"default_currency": "EUR", "default_locale": "en"},
        "admin_email": "Admin@Acme.Example",
        "admin_name": "Ada Admin",
    }
    return values | changes


@pytest.mark.parametrize("tenant_id", sorted(RESERVED_TENANT_IDS))
def test_tenant_create_refuses_reserved_ids(tenant_id: str) -> None:
    # given a tenant body taking a reserved id
    body = tenant_body(id=tenant_id)
    # when / then it is refused
    with pytest.raises(ValidationError, match="is reserved"):
        TenantCreate.model_validate(body)


@pytest.mark.parametrize("tenant_id", ["Acme", "ab", "a" * 41, "acme_eu", "acme#x", "acme eu"])
def test_tenant_create_refuses_ids_outside_the_pattern(tenant_id: str) -> None:
    # given a tenant id that does not match [a-z0-9-]{3,40}
    body = tenant_body(id=tenant_id)
    # when / then it is refused
    with pytest.raises(ValidationError, match="String should match pattern"):
        TenantCreate.model_validate(body)


@pytest.mark.parametrize("tenant_id", ["acme", "acme-eu", "a1b", "a" * 40, "platforms"])
def test_tenant_create_accepts_valid_ids(tenant_id: str) -> None:
    # given a valid, unreserved tenant id
    # when the body is validated
    created = TenantCreate.model_validate(tenant_body(id=tenant_id))
    # then the id is kept as sent
    assert created.id == tenant_id


def test_tenant_create_lowercases_the_admin_email() -> None:
    # given an admin email in mixed case
    # when the body is validated
    created = TenantCreate.model_validate(tenant_body())
    # then it is stored lowercase
    assert created.admin_email == "admin@acme.example"
