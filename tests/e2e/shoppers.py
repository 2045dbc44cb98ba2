"""The demo's three buyers on shop.acme.de, and what the demo's rules keep from each (read from the
demo catalog the session stack seeds, so the expectations follow the data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from local.demo_catalog import DemoProduct, demo_catalog

from .stack import SMALL_DEMO_PRODUCTS_PER_LEAF, Stack

SHOP = "shop.acme.de"
BOB, OLGA, INA = "bob.buyer@globex.example", "olga.buyer@globex.example", "ina.admin@initech.example"
HAND_PROTECTION = "safety-equipment/hand-protection"  # hidden for Plant Lyon (Bob) on shop.acme.de
HYDRAULICS = "hydraulics"  # left out for the Standard group (Initech) by an exclude selection
DEMO_PRODUCTS = demo_catalog(SMALL_DEMO_PRODUCTS_PER_LEAF).products


def _family_of(product: DemoProduct) -> DemoProduct:
    """A variant's configurable product (whose categories place and decide it); else the product."""
    return next((p for p in DEMO_PRODUCTS if p.sku == product.parent_sku), product)


def primary_under(root: str) -> set[str]:
    """The demo SKUs whose primary category is ``root`` or below it: a category rule hides them."""
    return {
        product.sku
        for product in DEMO_PRODUCTS
        if (placed := _family_of(product)).category_keys and placed.category_keys[0].startswith(root)
    }


def listed_under(root: str) -> set[str]:
    """The demo SKUs with any category at or below ``root``: a selection of ``root`` holds them."""
    return {
        product.sku
        for product in DEMO_PRODUCTS
        if any(key.startswith(root) for key in _family_of(product).category_keys)
    }


def placed_in(category: str) -> set[str]:
    """The demo SKUs a category's listing holds: products with it as primary or other category."""
    return {product.sku for product in DEMO_PRODUCTS if category in product.category_keys}


def demo_skus(found: set[str]) -> set[str]:
    """The demo's SKUs among ``found`` (other tests may add products to the same organization)."""
    return found & {product.sku for product in DEMO_PRODUCTS}


@dataclass
class Shopper:
    """A demo buyer's storefront requests on shop.acme.de, in English."""

    stack: Stack
    email: str

    def call(self, method: str, path: str, **options: Any) -> Any:
        token = self.stack.token("acme", self.email)
        headers = {"X-Kontor-Host": SHOP, "Accept-Language": "en"}
        return self.stack.call(method, f"/v1/store/catalog{path}", token=token, headers=headers, **options)

    def categories(self) -> dict[str, str]:
        """The ids of the categories they see, by English slug."""
        response = self.call("GET", "/categories")
        assert response.status_code == 200, response.text
        return {category["slug"]: category["id"] for category in response.json()["items"]}

    def listing(self, category_id: str) -> set[str] | None:
        """The SKUs of every page of a category's products they see (None: the category is 404 to them)."""
        skus: set[str] = set()
        params: dict[str, Any] = {"limit": 100}
        while True:
            response = self.call("GET", f"/categories/{category_id}/products", params=params)
            if response.status_code == 404:
                return None
            assert response.status_code == 200, response.text
            skus |= {product["sku"] for product in response.json()["items"]}
            if response.json()["next_cursor"] is None:
                return skus
            params["cursor"] = response.json()["next_cursor"]

    def search(self, text: str) -> set[str]:
        response = self.call("GET", "/search", params={"q": text})
        assert response.status_code == 200, response.text
        return {product["sku"] for product in response.json()["items"]}

    def lookup(self, skus: list[str]) -> tuple[set[str], set[str]]:
        """The SKUs found, and those reported not found."""
        response = self.call("POST", "/sku-lookup", json={"skus": skus})
        assert response.status_code == 200, response.text
        body = response.json()
        return {product["sku"] for product in body["items"]}, set(body["not_found"])
