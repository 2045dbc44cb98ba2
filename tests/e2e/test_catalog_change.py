"""An admin hides one more product for Plant Lyon through the API: Bob's listing, search and SKU lookup
leave it out from the next request on, while Olga's (Plant Ohio, same company) still show it. The rule
is removed again when the module ends, so the demo data stays as seeded for the other tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .shoppers import BOB, OLGA, SHOP, Shopper
from .stack import Stack

pytestmark = pytest.mark.e2e

SAFETY_GLASSES = "SG02-000"  # "Industrial Safety glasses 000": both Bob and Olga see it as seeded


@pytest.fixture(scope="module")
def bob(stack: Stack) -> Shopper:
    return Shopper(stack, BOB)


@pytest.fixture(scope="module")
def olga(stack: Stack) -> Shopper:
    return Shopper(stack, OLGA)


@pytest.fixture(scope="module")
def hidden_for_plant_lyon(stack: Stack, acme_admin: str, bob: Shopper, olga: Shopper) -> Iterator[str]:
    """The safety glasses hidden for Plant Lyon by a unit rule; the rule removed (inherit) afterwards,
    and Bob sees them again."""
    (product,) = olga.call("POST", "/sku-lookup", json={"skus": [SAFETY_GLASSES]}).json()["items"]
    me = stack.call("GET", "/v1/store/me", token=stack.token("acme", BOB)).json()
    website = stack.call("GET", f"/v1/public/websites/by-host/{SHOP}").json()
    rule = {
        "website_id": website["id"],
        "level": "unit",
        "customer_id": me["company_path"][0]["id"],
        "unit_id": me["company_path"][-1]["id"],
    }
    path = f"/v1/admin/products/{product['id']}/visibility"
    hidden = stack.call("PUT", path, token=acme_admin, json={**rule, "visibility": "hidden"})
    assert hidden.status_code == 200, hidden.text
    yield product["id"]
    restored = stack.call("PUT", path, token=acme_admin, json={**rule, "visibility": "inherit"})
    assert restored.status_code == 200, restored.text
    assert bob.lookup([SAFETY_GLASSES]) == ({SAFETY_GLASSES}, set())  # as seeded, for the other modules


@pytest.fixture(scope="module")
def glasses_category(olga: Shopper) -> str:
    return olga.categories()["safety-glasses"]


def test_bobs_listing_leaves_the_product_out_at_once_and_olgas_keeps_it(
    hidden_for_plant_lyon: str, glasses_category: str, bob: Shopper, olga: Shopper
) -> None:
    # given the safety glasses just hidden for Plant Lyon

    # when Bob and Olga list the safety glasses category
    bobs, olgas = bob.listing(glasses_category), olga.listing(glasses_category)

    # then only Olga's listing has them
    assert bobs is not None
    assert olgas is not None
    assert SAFETY_GLASSES in olgas
    assert bobs == olgas - {SAFETY_GLASSES}


def test_bobs_search_leaves_the_product_out_at_once_and_olgas_keeps_it(
    hidden_for_plant_lyon: str, bob: Shopper, olga: Shopper
) -> None:
    # given the safety glasses just hidden for Plant Lyon

    # when Bob and Olga search for them
    bobs, olgas = bob.search("safety glasses"), olga.search("safety glasses")

    # then only Olga finds them
    assert SAFETY_GLASSES in olgas
    assert bobs == olgas - {SAFETY_GLASSES}


def test_bobs_sku_lookup_reports_the_product_not_found_at_once_and_olgas_finds_it(
    hidden_for_plant_lyon: str, bob: Shopper, olga: Shopper
) -> None:
    # given the safety glasses just hidden for Plant Lyon

    # when Bob and Olga look their SKU up
    bobs, olgas = bob.lookup([SAFETY_GLASSES]), olga.lookup([SAFETY_GLASSES])

    # then Bob is told it is not found, as for a SKU that names nothing; Olga gets it
    assert bobs == (set(), {SAFETY_GLASSES})
    assert olgas == ({SAFETY_GLASSES}, set())
