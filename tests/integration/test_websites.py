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


def test_creating_a_website_leaves_its_hostnames_pending_and_routes_nothing(
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
    assert reply.status == 201, reply.body
    assert reply.body["verified_hostnames"] == []
    assert not [key for key in table.keys() if key[0].startswith("HOST#")]


def test_verifying_a_hostname_claims_its_routing_item(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given
    website = make_website(acme, organization["id"], hostnames=["a.acme.de", "b.acme.de"])

    # when
    status = verify_hostname(acme, website["id"], "b.acme.de")

    # then
    assert status["status"] == "verified"
    claim = table.get("HOST#b.acme.de", "HOST")
    assert claim is not None
    assert claim["data"] == {"hostname": "b.acme.de", "tenant_id": "acme", "website_id": website["id"]}
    assert table.get("HOST#a.acme.de", "HOST") is None
    current = api.call("GET", f"{WEBSITES}/{website['id']}", token=acme).body
    assert (current["verified_hostnames"], current["version"]) == (["b.acme.de"], 2)


@pytest.mark.parametrize(("field", "value", "loc"), BAD_WEBSITE_FIELDS)
def test_a_bad_field_is_422_with_its_path_and_nothing_is_written(
    api: Api, acme: str, organization: dict[str, Any], table: Table, field: str, value: Any, loc: str
) -> None:
    # given
    before = table.writes()

    # when
    reply = api.call("POST", WEBSITES, token=acme, body={**website_body(organization["id"]), field: value})

    # then
    assert error_locs(reply) == [loc]
    assert table.writes() == before
    assert api.call("GET", WEBSITES, token=acme).body["items"] == []


@pytest.mark.parametrize("field", ["organization_id", "name", "country", "currencies", "locales"])
def test_a_missing_required_field_is_422(
    api: Api, acme: str, organization: dict[str, Any], table: Table, field: str
) -> None:
    # given
    body = website_body(organization["id"])
    del body[field]
    before = table.writes()

    # when
    reply = api.call("POST", WEBSITES, token=acme, body=body)

    # then
    assert error_locs(reply) == [f"body.{field}"]
    assert table.writes() == before


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


def test_a_hostname_served_by_another_tenants_website_is_409_and_nothing_is_written(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_tenant: Callable[..., str],
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given nordic's website serves shop.nordic.se (verified)
    nordic = make_tenant("nordic")
    held = make_website(nordic, make_organization(nordic)["id"], hostnames=["shop.nordic.se"])
    verify_hostname(nordic, held["id"], "shop.nordic.se")
    before = table.writes()

    # when acme claims it (with a free hostname alongside)
    body = website_body(organization["id"], hostnames=["free.acme.de", "SHOP.nordic.se"])
    reply = api.call("POST", WEBSITES, token=acme, body=body)

    # then
    assert_problem(reply, 409)
    assert "shop.nordic.se" in reply.body["detail"]
    assert table.writes() == before


def test_a_hostname_served_by_a_website_of_the_same_tenant_is_409(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> None:
    # given
    website = make_website(acme, organization["id"])
    verify_hostname(acme, website["id"], "shop.acme.de")

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
    verify_hostname: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given acme's website, serving shop.acme.de, gives it up for www.acme.de
    website = make_website(acme, organization["id"])
    verify_hostname(acme, website["id"], "shop.acme.de")
    reply = api.call(
        "PATCH", f"{WEBSITES}/{website['id']}", token=acme, body={"hostnames": ["www.acme.de"], "version": 2}
    )
    assert reply.status == 200, reply.body
    assert reply.body["verified_hostnames"] == []
    assert table.get("HOST#shop.acme.de", "HOST") is None

    # when nordic claims shop.acme.de and verifies it
    nordic = make_tenant("nordic")
    claimed = make_website(nordic, make_organization(nordic)["id"], hostnames=["shop.acme.de"])
    verify_hostname(nordic, claimed["id"], "shop.acme.de")

    # then
    assert table.get("HOST#shop.acme.de", "HOST")["data"]["website_id"] == claimed["id"]  # type: ignore[index]


def test_an_update_claiming_a_taken_hostname_is_409_and_releases_nothing(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given two websites, the second serving its hostname
    first = make_website(acme, organization["id"], hostnames=["first.acme.de"])
    second = make_website(acme, organization["id"], hostnames=["second.acme.de"])
    verify_hostname(acme, second["id"], "second.acme.de")
    before = table.writes()

    # when the first swaps its hostname for the second's
    reply = api.call(
        "PATCH",
        f"{WEBSITES}/{first['id']}",
        token=acme,
        body={"hostnames": ["new.acme.de", "second.acme.de"], "version": 1},
    )

    # then
    assert_problem(reply, 409)
    assert table.writes() == before


def test_deleting_a_website_releases_its_hostnames(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given a website serving one hostname, the other pending
    website = make_website(acme, organization["id"], hostnames=["a.acme.de", "b.acme.de"])
    verify_hostname(acme, website["id"], "a.acme.de")

    # when
    reply = api.call("DELETE", f"{WEBSITES}/{website['id']}", token=acme, headers={"If-Match": '"2"'})

    # then
    assert reply.status == 204
    assert table.get("HOST#a.acme.de", "HOST") is None
    assert table.get("HOST#b.acme.de", "HOST") is None
    assert make_website(acme, organization["id"], hostnames=["a.acme.de", "b.acme.de"])["version"] == 1


@pytest.mark.parametrize(
    ("method", "body", "headers"),
    [("PATCH", {"hostnames": ["c.acme.de"], "version": 3}, {}), ("DELETE", None, {"If-Match": '"3"'})],
    ids=["update", "delete"],
)
def test_a_website_never_releases_a_hostname_another_website_holds(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    table: Table,
    method: str,
    body: dict[str, Any] | None,
    headers: dict[str, str],
) -> None:
    # given a website whose hostname's routing entry names another website (an inconsistent table)
    website = make_website(acme, organization["id"], hostnames=["a.acme.de", "b.acme.de"])
    verify_hostname(acme, website["id"], "a.acme.de")
    verify_hostname(acme, website["id"], "b.acme.de")
    table.set_data("HOST#b.acme.de", "HOST", "website_id", "web_01J00000000000000000000000")
    before = table.writes()

    # when the website gives its hostnames up
    reply = api.call(method, f"{WEBSITES}/{website['id']}", token=acme, body=body, headers=headers)

    # then
    assert_problem(reply, 409)
    assert table.writes() == before


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
    verify_hostname: Callable[..., dict[str, Any]],
) -> None:
    # given a website serving shop.acme.de, and naming a pending hostname too
    organization = make_organization(acme, tax_basis="billing", prices_include_tax=True)
    website = make_website(
        acme,
        organization["id"],
        hostnames=["shop.acme.de", "pending.acme.de"],
        locale_fallbacks={"en": ["de-DE"]},
    )
    verify_hostname(acme, website["id"], "shop.acme.de")

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
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> None:
    # given
    website = make_website(acme, organization["id"])
    verify_hostname(acme, website["id"], "shop.acme.de")

    # when
    reply = api.call("GET", "/v1/public/websites/by-host/SHOP.Acme.de")

    # then
    assert reply.body["id"] == website["id"]


def test_the_public_view_of_an_inactive_website_is_404(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> None:
    # given
    website = make_website(acme, organization["id"], active=False)
    verify_hostname(acme, website["id"], "shop.acme.de")

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
    verify_hostname: Callable[..., dict[str, Any]],
    hostname: str,
) -> None:
    # given
    website = make_website(acme, organization["id"])
    verify_hostname(acme, website["id"], "shop.acme.de")

    # when
    reply = api.call("GET", f"/v1/public/websites/by-host/{hostname}")

    # then
    assert_problem(reply, 404)


def test_the_public_view_of_a_deleted_website_is_404(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> None:
    # given
    website = make_website(acme, organization["id"])
    verify_hostname(acme, website["id"], "shop.acme.de")
    api.call("DELETE", f"{WEBSITES}/{website['id']}", token=acme, headers={"If-Match": '"2"'})

    # when
    reply = api.call("GET", "/v1/public/websites/by-host/shop.acme.de")

    # then
    assert_problem(reply, 404)


def test_the_public_view_of_a_pending_hostname_is_404(
    api: Api, acme: str, organization: dict[str, Any], make_website: Callable[..., dict[str, Any]]
) -> None:
    # given a website naming shop.acme.de, never verified
    make_website(acme, organization["id"])

    # when
    reply = api.call("GET", "/v1/public/websites/by-host/shop.acme.de")

    # then
    assert_problem(reply, 404)


# --- hostname ownership: pending claims, DNS challenges, reserved names -----------------------------------


@pytest.fixture
def nordic(make_tenant: Callable[..., str]) -> str:
    return make_tenant("nordic")


def hostnames_of(api: Api, token: str, website_id: str) -> dict[str, dict[str, Any]]:
    reply = api.call("GET", f"{WEBSITES}/{website_id}/hostnames", token=token)
    assert reply.status == 200, reply.body
    return {item["hostname"]: item for item in reply.body["items"]}


def verification(website_id: str, hostname: str) -> str:
    return f"{WEBSITES}/{website_id}/hostnames/{hostname}/verification"


def test_a_pending_claim_blocks_no_other_tenant(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    nordic: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
) -> None:
    # given acme names www.nordic.se first
    make_website(acme, organization["id"], hostnames=["www.nordic.se"])

    # when nordic names it too
    body = website_body(make_organization(nordic)["id"], name="Nordic", hostnames=["www.nordic.se"])
    reply = api.call("POST", WEBSITES, token=nordic, body=body)

    # then
    assert reply.status == 201, reply.body


def test_the_hostnames_say_what_record_proves_each_with_a_token_per_tenant(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    nordic: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
) -> None:
    # given acme's website, one hostname verified, and nordic's naming the same pending one
    website = make_website(acme, organization["id"], hostnames=["a.acme.de", "www.nordic.se"])
    verify_hostname(acme, website["id"], "a.acme.de")
    theirs = make_website(nordic, make_organization(nordic)["id"], hostnames=["www.nordic.se"])

    # when
    mine = hostnames_of(api, acme, website["id"])
    other = hostnames_of(api, nordic, theirs["id"])

    # then
    assert {name: item["status"] for name, item in mine.items()} == {
        "a.acme.de": "verified",
        "www.nordic.se": "pending",
    }
    challenge = mine["www.nordic.se"]["challenge"]
    assert challenge["type"] == "TXT"
    assert challenge["name"] == "_kontor-challenge.www.nordic.se"
    assert challenge["value"].startswith("kontor-verification=")
    assert other["www.nordic.se"]["challenge"]["value"] != challenge["value"]


def test_a_hostname_without_its_published_challenge_is_not_verified_and_nothing_is_written(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    publish_txt: Callable[[str, str], None],
    table: Table,
) -> None:
    # given a record at the challenge's name that holds another value
    website = make_website(acme, organization["id"])
    publish_txt("_kontor-challenge.shop.acme.de", "kontor-verification=someone-else")
    before = table.writes()

    # when
    reply = api.call("POST", verification(website["id"], "shop.acme.de"), token=acme)

    # then
    body = assert_problem(reply, 409)
    assert body["type"].endswith("/hostname-not-proven")
    assert "_kontor-challenge.shop.acme.de" in body["detail"]
    assert table.writes() == before


def test_another_tenants_published_challenge_does_not_verify_a_hostname(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    nordic: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    publish_txt: Callable[[str, str], None],
) -> None:
    # given nordic published its challenge for www.nordic.se, which acme's website names too
    theirs = make_website(nordic, make_organization(nordic)["id"], hostnames=["www.nordic.se"])
    challenge = hostnames_of(api, nordic, theirs["id"])["www.nordic.se"]["challenge"]
    publish_txt(challenge["name"], challenge["value"])
    mine = make_website(acme, organization["id"], hostnames=["www.nordic.se"])

    # when acme verifies
    reply = api.call("POST", verification(mine["id"], "www.nordic.se"), token=acme)

    # then
    assert_problem(reply, 409)
    assert hostnames_of(api, acme, mine["id"])["www.nordic.se"]["status"] == "pending"


def test_once_a_tenant_verifies_a_hostname_other_pending_claims_cannot_verify_it(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    nordic: str,
    make_organization: Callable[..., dict[str, Any]],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    publish_txt: Callable[[str, str], None],
    table: Table,
) -> None:
    # given acme's pending claim of www.nordic.se (its challenge published too), then nordic verifies it
    mine = make_website(acme, organization["id"], hostnames=["www.nordic.se"])
    challenge = hostnames_of(api, acme, mine["id"])["www.nordic.se"]["challenge"]
    publish_txt(challenge["name"], challenge["value"])
    theirs = make_website(nordic, make_organization(nordic)["id"], hostnames=["www.nordic.se"])
    verify_hostname(nordic, theirs["id"], "www.nordic.se")
    before = table.writes()

    # when acme verifies
    reply = api.call("POST", verification(mine["id"], "www.nordic.se"), token=acme)

    # then its claim stays pending, and the host serves nordic's website
    assert "already served by another website" in assert_problem(reply, 409)["detail"]
    assert table.writes() == before
    assert hostnames_of(api, acme, mine["id"])["www.nordic.se"]["status"] == "pending"
    assert api.call("GET", "/v1/public/websites/by-host/www.nordic.se").body["id"] == theirs["id"]


def test_verifying_a_verified_hostname_again_changes_nothing(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given
    website = make_website(acme, organization["id"])
    verify_hostname(acme, website["id"], "shop.acme.de")
    before = table.writes()

    # when
    reply = api.call("POST", verification(website["id"], "SHOP.acme.de"), token=acme)

    # then
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "verified"
    assert table.writes() == before


def test_verifying_a_hostname_the_website_does_not_name_is_404(
    api: Api, acme: str, organization: dict[str, Any], make_website: Callable[..., dict[str, Any]]
) -> None:
    # given
    website = make_website(acme, organization["id"])

    # when
    reply = api.call("POST", verification(website["id"], "other.acme.de"), token=acme)

    # then
    assert_problem(reply, 404)


def test_dropping_a_pending_hostname_releases_nothing_and_keeps_the_verified_ones(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    table: Table,
) -> None:
    # given a website serving a.acme.de, b.acme.de pending
    website = make_website(acme, organization["id"], hostnames=["a.acme.de", "b.acme.de"])
    verify_hostname(acme, website["id"], "a.acme.de")

    # when it drops b.acme.de
    reply = api.call(
        "PATCH", f"{WEBSITES}/{website['id']}", token=acme, body={"hostnames": ["a.acme.de"], "version": 2}
    )

    # then
    assert reply.status == 200, reply.body
    assert reply.body["verified_hostnames"] == ["a.acme.de"]
    assert table.get("HOST#a.acme.de", "HOST") is not None


@pytest.mark.parametrize(
    "hostname",
    ["localhost", "shop.localhost", "127.0.0.1", "10.1", "intranet", "kontor.dev", "api.kontor.dev"],
)
def test_a_reserved_hostname_is_422_with_its_path(
    api: Api, acme: str, organization: dict[str, Any], table: Table, hostname: str
) -> None:
    # given
    before = table.writes()

    # when
    body = website_body(organization["id"], hostnames=["shop.acme.de", hostname])
    reply = api.call("POST", WEBSITES, token=acme, body=body)

    # then
    assert error_locs(reply) == ["body.hostnames[1]"]
    assert table.writes() == before


def test_an_update_adding_a_reserved_hostname_is_422(
    api: Api, acme: str, organization: dict[str, Any], make_website: Callable[..., dict[str, Any]]
) -> None:
    # given
    website = make_website(acme, organization["id"])

    # when
    reply = api.call(
        "PATCH",
        f"{WEBSITES}/{website['id']}",
        token=acme,
        body={"hostnames": ["shop.acme.de", "192.168.0.1"], "version": 1},
    )

    # then
    assert error_locs(reply) == ["body.hostnames[1]"]


def test_a_patch_racing_a_change_of_the_hostnames_is_412_with_the_current_version(
    api: Api,
    acme: str,
    organization: dict[str, Any],
    make_website: Callable[..., dict[str, Any]],
    verify_hostname: Callable[..., dict[str, Any]],
    table: Table,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a website serving shop.acme.de (version 2), and a concurrent change that drops it and
    # commits between this request's read and its write
    from chalicelib.services import websites

    website = make_website(acme, organization["id"])
    verify_hostname(acme, website["id"], "shop.acme.de")
    inheritance = websites._inheritance

    def racing(tenant_id: str, organization_id: str) -> Any:
        table.bump_version("T#acme#WEBSITE", website["id"])
        table.set_data("HOST#shop.acme.de", "HOST", "website_id", "released-meanwhile")
        return inheritance(tenant_id, organization_id)

    monkeypatch.setattr(websites, "_inheritance", racing)

    # when this request drops shop.acme.de too
    reply = api.call(
        "PATCH", f"{WEBSITES}/{website['id']}", token=acme, body={"hostnames": ["www.acme.de"], "version": 2}
    )

    # then the stale version is the answer
    assert assert_problem(reply, 412)["current_version"] == 3
