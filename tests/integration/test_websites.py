"""Websites: validation, hostnames unique across the platform, settings inheritance, the public view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Api, Table
from .support import RFC3339_UTC, assert_problem, error_locs, ulid_of, website_body

WEBSITES = "/v1/admin/websites"
UNKNOWN_ORGANIZATION = "org_01J00000000000000000000000"

# field -> a bad value -> the error's location (every field of the create body, and its shape)
BAD_WEBSITE_FIELDS: list[tuple[str, Any, str]] = [
    ("organization_id", "acme-europe", "body.organization_id"),
    ("organization_id", 12, "body.organization_id"),
    ("organization_id", UNKNOWN_ORGANIZATION, "body.organization_id"),
    ("name", "", "body.name"),
    ("name", True, "body.name"),
    ("country", "XX", "body.country"),
    ("country", "EU", "body.country"),
    ("country", "de", "body.country"),
    ("country", "DEU", "body.country"),
    ("hostnames", "shop.acme.de", "body.hostnames"),
    ("hostnames", ["shop acme.de"], "body.hostnames[0]"),
    ("hostnames", ["shop.acme.de", "-bad.acme.de"], "body.hostnames[1]"),
    ("hostnames", ["shop.acme.de:8080"], "body.hostnames[0]"),
    ("hostnames", ["shop.acme.de", "SHOP.acme.de"], "body.hostnames"),
    ("hostnames", [f"h{number}.acme.de" for number in range(21)], "body.hostnames"),
    ("currencies", [], "body.currencies"),
    ("currencies", ["EUR", "XXX"], "body.currencies[1]"),
    ("currencies", ["EUR", "EUR"], "body.currencies"),
    ("currencies", "EUR", "body.currencies"),
    ("default_currency", "CHF", "body.default_currency"),
    ("default_currency", "EURO", "body.default_currency"),
    ("locales", [], "body.locales"),
    ("locales", ["de-DE", "xx-YY"], "body.locales[1]"),
    ("locales", ["de-DE", "de-de"], "body.locales"),
    ("default_locale", "fr", "body.default_locale"),
    ("locale_fallbacks", {"en": ["fr"]}, "body.locale_fallbacks"),
    ("locale_fallbacks", {"fr": ["en"]}, "body.locale_fallbacks"),
    ("locale_fallbacks", {"en": "de-DE"}, "body.locale_fallbacks.en"),
    ("locale_fallbacks", ["en"], "body.locale_fallbacks"),
    ("active", "true", "body.active"),
    ("active", 1, "body.active"),
    ("timezone", "Europe/Nowhere", "body.timezone"),
    ("prices_include_tax", "false", "body.prices_include_tax"),
    ("tax_basis", "anywhere", "body.tax_basis"),
    ("guest_browsing", "yes", "body.guest_browsing"),
    ("guest_checkout", "no", "body.guest_checkout"),
    # fields that are not the client's to set (no mass assignment)
    ("id", "web_01J00000000000000000000000", "body.id"),
    ("version", 1, "body.version"),
    ("tenant_id", "nordic", "body.tenant_id"),
    ("updated_at", "2020-01-01T00:00:00.000Z", "body.updated_at"),
]
PUBLIC_FIELDS = {
    "id",
    "name",
    "country",
    "hostnames",
    "currencies",
    "default_currency",
    "locales",
    "default_locale",
    "locale_fallbacks",
    "timezone",
    "prices_include_tax",
    "guest_browsing",
    "guest_checkout",
}


@pytest.fixture
def acme(make_tenant: Callable[..., str]) -> str:
    """The admin token of the tenant acme (EUR, en, Europe/Berlin)."""
    return make_tenant("acme")


@pytest.fixture
def organization(acme: str, make_organization: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """An organization of acme (EUR, de-DE)."""
    return make_organization(acme)


def test_creating_a_website_returns_it_with_id_version_and_times(
    api: Api, acme: str, organization: dict[str, Any]
) -> None:
    # when
    reply = api.call(
        "POST", WEBSITES, token=acme, body=website_body(organization["id"], hostnames=["Shop.Acme.DE"])
    )

    # then
    assert reply.status == 201, reply.body
    website = reply.body
    assert ulid_of("web").match(website["id"])
    assert website["version"] == 1
    assert reply.headers["ETag"] == '"1"'
    assert RFC3339_UTC.match(website["created_at"])
    assert website["hostnames"] == ["shop.acme.de"]
    assert website["organization_id"] == organization["id"]


def test_creating_a_website_claims_its_hostnames(
    api: Api, acme: str, organization: dict[str, Any], table: Table
) -> None:
    # when
    reply = api.call(
        "POST",
        WEBSITES,
        token=acme,
        body=website_body(organization["id"], hostnames=["a.acme.de", "b.acme.de"]),
    )

    # then
    for hostname in ("a.acme.de", "b.acme.de"):
        claim = table.get(f"HOST#{hostname}", "HOST")
        assert claim is not None
        assert claim["data"] == {"hostname": hostname, "tenant_id": "acme", "website_id": reply.body["id"]}


@pytest.mark.parametrize(("field", "value", "loc"), BAD_WEBSITE_FIELDS)
def test_a_bad_field_is_422_with_its_path_and_nothing_is_written(
    api: Api, acme: str, organization: dict[str, Any], table: Table, field: str, value: Any, loc: str
) -> None:
    # given
    before = table.keys()

    # when
    reply = api.call("POST", WEBSITES, token=acme, body={**website_body(organization["id"]), field: value})

    # then
    assert error_locs(reply) == [loc]
    assert table.keys() == before
    assert api.call("GET", WEBSITES, token=acme).body["items"] == []


@pytest.mark.parametrize("field", ["organization_id", "name", "country", "currencies", "locales"])
def test_a_missing_required_field_is_422(
    api: Api, acme: str, organization: dict[str, Any], table: Table, field: str
) -> None:
    # given
    body = website_body(organization["id"])
    del body[field]
    before = table.keys()

    # when
    reply = api.call("POST", WEBSITES, token=acme, body=body)

    # then
    assert error_locs(reply) == [f"body.{field}"]
    assert table.keys() == before


@pytest.mark.parametrize(
    ("overrides", "locs"),
    [
        ({"currencies": ["CHF"]}, ["body.default_currency"]),
        ({"locales": ["fr-CH"]}, ["body.default_locale"]),
        ({"currencies": ["CHF"], "locales": ["fr-CH"]}, ["body.default_currency", "body.default_locale"]),
    ],
)
def test_an_inherited_default_the_website_does_not_offer_is_422(
    api: Api, acme: str, organization: dict[str, Any], overrides: dict[str, Any], locs: list[str]
) -> None:
    # given an organization defaulting to EUR and de-DE

    # when a website offers neither and sets no default of its own
    reply = api.call("POST", WEBSITES, token=acme, body=website_body(organization["id"], **overrides))

    # then
    assert error_locs(reply) == locs


def test_a_website_setting_its_own_defaults_need_not_offer_the_inherited_ones(
    api: Api, acme: str, organization: dict[str, Any]
) -> None:
    # when
    body = website_body(
        organization["id"],
        currencies=["CHF"],
        default_currency="CHF",
        locales=["fr-CH"],
        default_locale="fr-CH",
    )
    reply = api.call("POST", WEBSITES, token=acme, body=body)

    # then
    assert reply.status == 201, reply.body


def test_a_hostname_taken_by_another_tenants_website_is_409_and_nothing_is_written(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given nordic's website holds shop.nordic.se
    nordic = make_tenant("nordic")
    make_website(nordic, make_organization(nordic)["id"], hostnames=["shop.nordic.se"])
    before = table.items()

    # when acme claims it (with a free hostname alongside)
    body = website_body(organization["id"], hostnames=["free.acme.de", "SHOP.nordic.se"])
    reply = api.call("POST", WEBSITES, token=acme, body=body)

    # then
    assert_problem(reply, 409)
    assert "shop.nordic.se" in reply.body["detail"]
    assert table.items() == before


def test_a_hostname_taken_by_a_website_of_the_same_tenant_is_409(
    api: Api, acme: str, organization: dict[str, Any], make_website: Callable[..., dict[str, Any]]
) -> None:
    # given
    make_website(acme, organization["id"])

    # when
    reply = api.call("POST", WEBSITES, token=acme, body=website_body(organization["id"], name="Copy"))

    # then
    assert_problem(reply, 409)
    assert len(api.call("GET", WEBSITES, token=acme).body["items"]) == 1


def test_a_hostname_released_by_an_update_can_be_claimed_by_another_website(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given acme's website gives up shop.acme.de for www.acme.de
    website = make_website(acme, organization["id"])
    reply = api.call(
        "PATCH", f"{WEBSITES}/{website['id']}", token=acme, body={"hostnames": ["www.acme.de"], "version": 1}
    )
    assert reply.status == 200, reply.body
    assert table.get("HOST#shop.acme.de", "HOST") is None

    # when nordic claims shop.acme.de
    nordic = make_tenant("nordic")
    claimed = make_website(nordic, make_organization(nordic)["id"], hostnames=["shop.acme.de"])

    # then
    assert table.get("HOST#shop.acme.de", "HOST")["data"]["website_id"] == claimed["id"]  # type: ignore[index]
    assert table.get("HOST#www.acme.de", "HOST")["data"]["website_id"] == website["id"]  # type: ignore[index]


def test_an_update_claiming_a_taken_hostname_is_409_and_releases_nothing(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given two websites
    first = make_website(acme, organization["id"], hostnames=["first.acme.de"])
    make_website(acme, organization["id"], hostnames=["second.acme.de"])
    before = table.items()

    # when the first swaps its hostname for the second's
    reply = api.call(
        "PATCH",
        f"{WEBSITES}/{first['id']}",
        token=acme,
        body={"hostnames": ["new.acme.de", "second.acme.de"], "version": 1},
    )

    # then
    assert_problem(reply, 409)
    assert table.items() == before


def test_deleting_a_website_releases_its_hostnames(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given
    website = make_website(acme, organization["id"], hostnames=["a.acme.de", "b.acme.de"])

    # when
    reply = api.call("DELETE", f"{WEBSITES}/{website['id']}", token=acme, headers={"If-Match": '"1"'})

    # then
    assert reply.status == 204
    assert table.get("HOST#a.acme.de", "HOST") is None
    assert table.get("HOST#b.acme.de", "HOST") is None
    assert make_website(acme, organization["id"], hostnames=["a.acme.de", "b.acme.de"])["version"] == 1


@pytest.mark.parametrize(
    ("method", "body", "headers"),
    [("PATCH", {"hostnames": ["c.acme.de"], "version": 1}, {}), ("DELETE", None, {"If-Match": '"1"'})],
    ids=["update", "delete"],
)
def test_a_website_never_releases_a_hostname_another_website_holds(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    table: Table,
    method: str,
    body: dict[str, Any] | None,
    headers: dict[str, str],
) -> None:
    # given a website whose hostname's routing entry names another website (an inconsistent table)
    website = make_website(acme, organization["id"], hostnames=["a.acme.de", "b.acme.de"])
    table.set_data("HOST#b.acme.de", "HOST", "website_id", "web_01J00000000000000000000000")
    before = table.items()

    # when the website gives its hostnames up
    reply = api.call(method, f"{WEBSITES}/{website['id']}", token=acme, body=body, headers=headers)

    # then
    assert_problem(reply, 409)
    assert table.items() == before


def test_a_website_can_move_to_another_organization_of_its_tenant(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given
    website = make_website(acme, organization["id"])
    other = make_organization(acme, name="Acme Swiss")

    # when
    reply = api.call(
        "PATCH",
        f"{WEBSITES}/{website['id']}",
        token=acme,
        body={"organization_id": other["id"], "version": 1},
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["organization_id"] == other["id"]


def test_moving_a_website_to_an_unknown_organization_is_422(
    api: Api, acme: str, organization: dict[str, Any], make_website: Callable[..., dict[str, Any]]
) -> None:
    # given
    website = make_website(acme, organization["id"])

    # when
    reply = api.call(
        "PATCH",
        f"{WEBSITES}/{website['id']}",
        token=acme,
        body={"organization_id": UNKNOWN_ORGANIZATION, "version": 1},
    )

    # then
    assert error_locs(reply) == ["body.organization_id"]


def test_a_change_that_makes_the_website_inconsistent_is_422(
    api: Api, acme: str, organization: dict[str, Any], make_website: Callable[..., dict[str, Any]]
) -> None:
    # given a website offering EUR only and defaulting to it
    website = make_website(acme, organization["id"], default_currency="EUR")

    # when its currencies change to CHF without changing the default
    reply = api.call(
        "PATCH", f"{WEBSITES}/{website['id']}", token=acme, body={"currencies": ["CHF"], "version": 1}
    )

    # then
    assert error_locs(reply) == ["body.default_currency"]


def test_websites_are_listed_and_filtered_by_organization(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given
    other = make_organization(acme, name="Other")
    mine = make_website(acme, organization["id"], hostnames=["mine.acme.de"])
    theirs = make_website(acme, other["id"], hostnames=["theirs.acme.de"])

    # when
    everything = api.call("GET", WEBSITES, token=acme)
    filtered = api.call("GET", f"{WEBSITES}?organization_id={other['id']}", token=acme)

    # then
    assert everything.body == {"items": [mine, theirs], "next_cursor": None}
    assert filtered.body == {"items": [theirs], "next_cursor": None}


# --- settings inheritance --------------------------------------------------------------------------------


def test_effective_settings_say_where_each_value_comes_from(
    api: Api,
    acme: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given a tenant (EUR, en, Europe/Berlin), an organization setting prices with tax,
    # and a website setting its own currency and guest browsing
    organization = make_organization(acme, prices_include_tax=True, default_locale="de-DE")
    website = make_website(
        acme,
        organization["id"],
        currencies=["EUR", "CHF"],
        default_currency="CHF",
        guest_browsing=True,
        locales=["de-DE", "fr-CH", "en"],
    )

    # when
    reply = api.call("GET", f"{WEBSITES}/{website['id']}/effective-settings", token=acme)

    # then
    assert reply.status == 200, reply.body
    assert reply.body["website_id"] == website["id"]
    assert reply.body["settings"] == {
        "default_currency": {"value": "CHF", "source": "website"},
        "default_locale": {"value": "de-DE", "source": "organization"},
        "timezone": {"value": "Europe/Berlin", "source": "tenant"},
        "prices_include_tax": {"value": True, "source": "organization"},
        "tax_basis": {"value": "shipping", "source": "tenant"},
        "guest_browsing": {"value": True, "source": "website"},
        "guest_checkout": {"value": False, "source": "tenant"},
    }
    assert reply.body["locale_fallbacks"] == {
        "de-DE": ["de-DE", "de"],
        "fr-CH": ["fr-CH", "fr", "de-DE"],
        "en": ["en", "de-DE"],
    }


def test_a_setting_cleared_on_the_organization_is_inherited_from_the_tenant(
    api: Api,
    acme: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given an organization with its own time zone
    organization = make_organization(acme, timezone="Europe/Vienna")
    website = make_website(acme, organization["id"])
    path = f"{WEBSITES}/{website['id']}/effective-settings"
    assert api.call("GET", path, token=acme).body["settings"]["timezone"] == {
        "value": "Europe/Vienna",
        "source": "organization",
    }

    # when the organization clears it
    api.call(
        "PATCH",
        f"/v1/admin/organizations/{organization['id']}",
        token=acme,
        body={"timezone": None, "version": 1},
    )

    # then
    assert api.call("GET", path, token=acme).body["settings"]["timezone"] == {
        "value": "Europe/Berlin",
        "source": "tenant",
    }


def test_effective_settings_of_an_unknown_website_are_404(api: Api, acme: str) -> None:
    # when
    reply = api.call("GET", f"{WEBSITES}/web_01J00000000000000000000000/effective-settings", token=acme)

    # then
    assert_problem(reply, 404)


# --- the public view -------------------------------------------------------------------------------------


def test_the_public_view_of_a_host_has_public_settings_only(
    api: Api,
    acme: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given
    organization = make_organization(acme, tax_basis="billing", prices_include_tax=True)
    website = make_website(acme, organization["id"], locale_fallbacks={"en": ["de-DE"]})

    # when anyone asks, without a token
    reply = api.call("GET", "/v1/public/websites/by-host/shop.acme.de")

    # then
    assert reply.status == 200, reply.body
    assert set(reply.body) == PUBLIC_FIELDS
    assert reply.body == {
        "id": website["id"],
        "name": "Acme Germany",
        "country": "DE",
        "hostnames": ["shop.acme.de"],
        "currencies": ["EUR"],
        "default_currency": "EUR",
        "locales": ["de-DE", "en"],
        "default_locale": "de-DE",
        "locale_fallbacks": {"de-DE": ["de-DE", "de"], "en": ["en", "de-DE"]},
        "timezone": "Europe/Berlin",
        "prices_include_tax": True,
        "guest_browsing": False,
        "guest_checkout": False,
    }
    assert "ETag" not in reply.headers


def test_the_public_view_ignores_the_hosts_case(
    api: Api, acme: str, organization: dict[str, Any], make_website: Callable[..., dict[str, Any]]
) -> None:
    # given
    website = make_website(acme, organization["id"])

    # when
    reply = api.call("GET", "/v1/public/websites/by-host/SHOP.Acme.de")

    # then
    assert reply.body["id"] == website["id"]


def test_the_public_view_of_an_inactive_website_is_404(
    api: Api, acme: str, organization: dict[str, Any], make_website: Callable[..., dict[str, Any]]
) -> None:
    # given
    make_website(acme, organization["id"], active=False)

    # when
    reply = api.call("GET", "/v1/public/websites/by-host/shop.acme.de")

    # then
    assert_problem(reply, 404)


@pytest.mark.parametrize("hostname", ["unknown.example", "shop.acme.de.", "%23"])
def test_the_public_view_of_an_unknown_host_is_404(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    hostname: str,
) -> None:
    # given
    make_website(acme, organization["id"])

    # when
    reply = api.call("GET", f"/v1/public/websites/by-host/{hostname}")

    # then
    assert_problem(reply, 404)


def test_the_public_view_of_a_deleted_website_is_404(
    api: Api, acme: str, organization: dict[str, Any], make_website: Callable[..., dict[str, Any]]
) -> None:
    # given
    website = make_website(acme, organization["id"])
    api.call("DELETE", f"{WEBSITES}/{website['id']}", token=acme, headers={"If-Match": '"1"'})

    # when
    reply = api.call("GET", "/v1/public/websites/by-host/shop.acme.de")

    # then
    assert_problem(reply, 404)
