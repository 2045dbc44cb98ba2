"""The demo catalog ``make run`` seeds: the same on every call, as large as issue 9 asks, and every body
valid as the API would check it (so the seed makes all of it)."""

from __future__ import annotations

from collections import Counter

import pytest

from chalicelib.domain.catalog.attributes import Attribute, AttributeFields, value_problem
from chalicelib.domain.catalog.categories import CategoryFields
from chalicelib.domain.catalog.media import MediaFields
from chalicelib.domain.catalog.products import ProductFields, structure_errors
from chalicelib.platform.ids import new_id
from local.demo_catalog import DemoCatalog, demo_catalog
from local.seed import as_sent

ORGANIZATION = new_id("organization")


@pytest.fixture(scope="module")
def catalog() -> DemoCatalog:
    return demo_catalog()


def test_the_catalog_is_the_same_on_every_call(catalog: DemoCatalog) -> None:
    # given the catalog made once
    # when it is made again
    again = demo_catalog()
    # then it is the same, product for product
    assert again == catalog


def test_it_has_at_least_300_products_in_at_least_20_categories_across_3_levels(catalog: DemoCatalog) -> None:
    # given the demo catalog
    # when its products and categories are counted
    listed = {key for product in catalog.products for key in product.category_keys}
    depths = Counter(category.key.count("/") + 1 for category in catalog.categories)
    # then issue 9's minimums hold
    assert len(catalog.products) >= 300
    assert len(listed) >= 20
    assert sorted(depths) == [1, 2, 3]


def test_it_has_variant_families_and_documents(catalog: DemoCatalog) -> None:
    # given the demo catalog
    # when its families and media are counted
    families = Counter(product.parent_sku for product in catalog.products if product.parent_sku)
    kinds = Counter(item.fields["kind"] for product in catalog.products for item in product.media)
    # then several families have variants, and there are data sheets and certificates
    assert len(families) >= 5
    assert min(families.values()) >= 4
    assert kinds["document"] >= 30
    assert kinds["certificate"] >= 10


def test_its_attributes_are_of_every_kind(catalog: DemoCatalog) -> None:
    # given the demo attributes
    # when their kinds are collected
    kinds = {as_sent(AttributeFields, fields).kind for fields in catalog.attributes}
    # then every kind is there
    assert kinds == {"text", "number", "boolean", "enum", "multi_enum"}


def test_every_category_is_valid_and_no_root_takes_the_readme_slug(catalog: DemoCatalog) -> None:
    # given the demo categories
    # when each is validated as the API validates a body
    for category in catalog.categories:
        as_sent(CategoryFields, category.fields)
    # then none is the README's try-it root "workwear"
    roots = {category.fields["slug"]["en"] for category in catalog.categories if category.parent_key is None}
    assert "workwear" not in roots


def test_every_product_is_valid_within_the_caps(catalog: DemoCatalog) -> None:
    # given the demo products, with stand-in ids for their categories and parents
    category_ids = {category.key: new_id("category") for category in catalog.categories}
    stamps = {"version": 1, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    definitions = {
        fields["code"]: Attribute.model_validate({**fields, **stamps, "id": fields["code"]}, strict=False)
        for fields in catalog.attributes
    }
    parent = new_id("product")
    for demo in catalog.products:
        # when each body is checked as the product service checks it
        product = as_sent(
            ProductFields, demo.resolved(ORGANIZATION, category_ids, parent if demo.parent_sku else None)
        )
        # then no structure error (caps on categories, attributes, tokens) and every value fits its kind
        assert structure_errors(product) == [], demo.sku
        for code, value in product.attributes.items():
            assert value_problem(definitions[code], value) is None, (demo.sku, code)
        for item in demo.media:
            as_sent(MediaFields, item.fields)


def test_skus_are_distinct_whatever_their_case(catalog: DemoCatalog) -> None:
    # given the demo products
    # when their SKUs are folded
    skus = [product.sku.casefold() for product in catalog.products]
    # then none repeats (the API would refuse it with 409)
    assert len(set(skus)) == len(skus)
