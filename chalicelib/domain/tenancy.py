"""Tenants, organizations and websites, and how settings inherit tenant -> organization -> website.

A setting left unset (``None``) on a website takes the organization's value, and one unset there
takes the tenant's. :func:`effective_settings` resolves the chain and says where each value came from.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator

from chalicelib.domain import codes
from chalicelib.domain.base import (
    CountryCode,
    CurrencyCode,
    Email,
    HostName,
    Input,
    LocaleTag,
    Name,
    Stamped,
    TenantId,
    TimeZoneName,
    Version,
    View,
    patch_model,
)
from chalicelib.domain.catalog.categories import CategoryId
from chalicelib.domain.money import RoundingMode
from chalicelib.domain.orders.checks import OrderChecks
from chalicelib.domain.orders.numbers import OrderNumberFormat
from chalicelib.domain.taxes.configuration import TaxAddress, TaxRounding

TaxBasis = Literal["shipping", "billing", "origin"]
SettingSource = Literal["website", "organization", "tenant"]
INHERITED_SETTINGS = (
    "default_currency",
    "default_locale",
    "timezone",
    "prices_include_tax",
    "tax_basis",
    "guest_browsing",
    "guest_checkout",
)
MAX_HOSTNAMES = 20
MAX_CATEGORY_ROOTS = 20
CatalogVisibility = Literal["visible", "hidden"]
PriceMergeStrategy = Literal["minimal", "priority"]


class TenantSettings(Input):
    """The root of the inheritance chain: every setting has a value here."""

    default_currency: CurrencyCode
    default_locale: LocaleTag
    timezone: TimeZoneName = "UTC"
    prices_include_tax: bool = False
    tax_basis: TaxBasis = "shipping"
    guest_browsing: bool = False
    guest_checkout: bool = False
    rounding_mode: RoundingMode = Field(
        default="half_up",
        description="how amounts are rounded to their currency's minor unit, wherever prices round",
    )
    tax_rounding: TaxRounding = Field(
        default="per_line",
        description="per_line: each line's tax is rounded and summed; per_total: each rate's exact "
        "line taxes are summed, then rounded",
    )
    order_numbers: OrderNumberFormat = Field(
        default_factory=OrderNumberFormat, description="how the tenant's order numbers are written"
    )
    order_checks: OrderChecks = Field(
        default_factory=OrderChecks,
        description="what the order workflow holds a placed order for, instead of confirming it",
    )


class SettingOverrides(Input):
    """Settings an organization or website may set; ``None`` inherits from the level above."""

    timezone: TimeZoneName | None = None
    prices_include_tax: bool | None = None
    tax_basis: TaxBasis | None = None
    guest_browsing: bool | None = None
    guest_checkout: bool | None = None


class TenantFields(Input):
    """What a tenant's administrators may change: its name and the root of the settings chain."""

    name: Name
    settings: TenantSettings


TenantPatch = patch_model(TenantFields, "TenantPatch")


class TenantCreate(TenantFields):
    id: TenantId
    admin_email: Email
    admin_name: Name

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, tenant_id: str) -> str:
        if tenant_id in RESERVED_TENANT_IDS:
            raise ValueError(f"tenant id {tenant_id!r} is reserved")
        return tenant_id


RESERVED_TENANT_IDS = frozenset({"platform", "admin", "public", "www", "api"})


TenantStatus = Literal["active", "suspended"]


class Tenant(TenantFields, Stamped):
    status: TenantStatus
    # What the tenant's DNS challenge records hold (``kontor-verification=<token>``): it proves a
    # hostname's domain is this tenant's. Not a secret: it is published in DNS.
    domain_verification_token: str
    catalog_generation: int = Field(
        default=0,
        ge=0,
        description="counts the changes of categories and of websites' catalog settings: "
        "what storefront caches are checked against (read only)",
    )
    pricing_generation: int = Field(
        default=0,
        ge=0,
        description="counts the changes of website and customer group price-list assignments and of "
        "websites' merge strategies: what storefront price caches are checked against (read only)",
    )
    tax_generation: int = Field(
        default=0,
        ge=0,
        description="counts the changes of the tax configuration: what cached tax rules are checked "
        "against (read only)",
    )


class TenantStatusChange(Input):
    """A platform operator suspends a tenant (its users are refused, its websites go dark) or
    reactivates it."""

    status: TenantStatus
    version: Version | None = None


class OrganizationFields(SettingOverrides):
    name: Name
    legal_name: Name
    default_currency: CurrencyCode
    default_locale: LocaleTag


OrganizationPatch = patch_model(OrganizationFields, "OrganizationPatch")


class Organization(OrganizationFields, Stamped):
    pass


class WebsiteFields(SettingOverrides):
    organization_id: str = Field(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")
    name: Name
    country: CountryCode
    hostnames: list[HostName] = Field(default_factory=list, max_length=MAX_HOSTNAMES)
    currencies: list[CurrencyCode] = Field(min_length=1, max_length=20)
    default_currency: CurrencyCode | None = None
    locales: list[LocaleTag] = Field(min_length=1, max_length=20)
    default_locale: LocaleTag | None = None
    locale_fallbacks: dict[LocaleTag, list[LocaleTag]] = Field(default_factory=dict, max_length=20)
    active: bool = True
    category_root_ids: list[CategoryId] = Field(
        default_factory=list,
        max_length=MAX_CATEGORY_ROOTS,
        description="the root categories of the website's organization that the website offers",
    )
    catalog_default_visibility: CatalogVisibility = Field(
        default="visible", description="what a product is when no rule and no category says otherwise"
    )
    price_merge_strategy: PriceMergeStrategy = Field(
        default="minimal",
        description="minimal: the lowest tier price among the buyer's candidate lists; priority: the "
        "first list in chain and priority order that prices the product wins",
    )
    tax_origin: TaxAddress | None = Field(
        default=None,
        description="where the website sells from: the tax address of its sales when its tax_basis is origin",
    )

    # Field validators (not one model validator) so that each error names its field; fields validate in
    # declaration order, so ``info.data`` holds the lists these checks compare with, unless those failed.
    @field_validator("hostnames", "currencies", "locales", "category_root_ids")
    @classmethod
    def _no_repeats(cls, values: list[str], info: ValidationInfo) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError(f"{info.field_name} must not repeat a value")
        return values

    @field_validator("default_currency", "default_locale")
    @classmethod
    def _offered(cls, value: str | None, info: ValidationInfo) -> str | None:
        offered_in = {"default_currency": "currencies", "default_locale": "locales"}[str(info.field_name)]
        offered = info.data.get(offered_in)
        if value is not None and offered is not None and value not in offered:
            raise ValueError(f"{info.field_name} must be one of {offered_in}")
        return value

    @field_validator("locale_fallbacks")
    @classmethod
    def _fallbacks_offered(cls, value: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        locales = info.data.get("locales")
        if locales is not None:
            for locale, fallbacks in value.items():
                if locale not in locales or not set(fallbacks) <= set(locales):
                    raise ValueError("locale_fallbacks may only name the website's locales")
        return value


WebsitePatch = patch_model(WebsiteFields, "WebsitePatch")


class Website(WebsiteFields, Stamped):
    # The hostnames whose DNS challenge the tenant passed, in the order of ``hostnames``: only these
    # serve the website; the others are pending and block nobody.
    verified_hostnames: list[str] = Field(default_factory=list)


class EffectiveSetting(View):
    value: Any
    source: SettingSource


class EffectiveSettings(View):
    website_id: str
    settings: dict[str, EffectiveSetting]
    locale_fallbacks: dict[str, list[str]]


class PublicWebsite(View):
    """What a storefront may know about a website before anyone signs in."""

    id: str
    name: str
    country: str
    hostnames: list[str]
    currencies: list[str]
    default_currency: str
    locales: list[str]
    default_locale: str
    locale_fallbacks: dict[str, list[str]]
    timezone: str
    prices_include_tax: bool
    guest_browsing: bool
    guest_checkout: bool


def resolve_setting(
    name: str, tenant: TenantSettings, organization: OrganizationFields, website: WebsiteFields
) -> EffectiveSetting:
    """The first value set on the website, then the organization, then the tenant."""
    levels: tuple[tuple[SettingSource, Input], ...] = (("website", website), ("organization", organization))
    for source, level in levels:
        value = getattr(level, name, None)
        if value is not None:
            return EffectiveSetting(value=value, source=source)
    return EffectiveSetting(value=getattr(tenant, name), source="tenant")


def fallback_chain(locale: str, default_locale: str, overrides: dict[str, list[str]]) -> list[str]:
    """Where to look for a text in ``locale``: itself, its parents (fr-CA -> fr), then the default.

    An explicit override for the locale replaces the parents; the default closes every chain.
    """
    chain = [locale]
    if locale in overrides:
        chain += overrides[locale]
    else:
        parent = codes.parent_locale(locale)
        while parent is not None:
            chain.append(parent)
            parent = codes.parent_locale(parent)
    chain.append(default_locale)
    return list(dict.fromkeys(chain))


def effective_settings(
    tenant: TenantSettings, organization: OrganizationFields, website: Website
) -> EffectiveSettings:
    settings = {name: resolve_setting(name, tenant, organization, website) for name in INHERITED_SETTINGS}
    default_locale = settings["default_locale"].value
    return EffectiveSettings(
        website_id=website.id,
        settings=settings,
        locale_fallbacks={
            locale: fallback_chain(locale, default_locale, website.locale_fallbacks)
            for locale in website.locales
        },
    )


def inherited_defaults_problems(
    tenant: TenantSettings, organization: OrganizationFields, website: WebsiteFields
) -> list[tuple[str, str]]:
    """Field errors when an inherited default currency or locale is not offered by the website, or an
    origin tax basis finds no origin address on it."""
    problems = []
    for name, offered in (("default_currency", website.currencies), ("default_locale", website.locales)):
        effective = resolve_setting(name, tenant, organization, website)
        if effective.value not in offered:
            problems.append(
                (name, f"the {effective.source}'s {name} {effective.value!r} is not offered; set {name}")
            )
    basis = resolve_setting("tax_basis", tenant, organization, website)
    if basis.value == "origin" and website.tax_origin is None:
        problems.append(
            ("tax_origin", f"the {basis.source}'s tax_basis is origin: set the website's tax_origin")
        )
    return problems


def public_view(tenant: TenantSettings, organization: OrganizationFields, website: Website) -> PublicWebsite:
    effective = effective_settings(tenant, organization, website)
    values = {name: setting.value for name, setting in effective.settings.items()}
    return PublicWebsite(
        id=website.id,
        name=website.name,
        country=website.country,
        hostnames=website.verified_hostnames,
        currencies=website.currencies,
        default_currency=values["default_currency"],
        locales=website.locales,
        default_locale=values["default_locale"],
        locale_fallbacks=effective.locale_fallbacks,
        timezone=values["timezone"],
        prices_include_tax=values["prices_include_tax"],
        guest_browsing=values["guest_browsing"],
        guest_checkout=values["guest_checkout"],
    )
