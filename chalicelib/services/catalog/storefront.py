"""The storefront catalog: the website a request shops on, and the catalog its caller sees there.

**Which website.** Every storefront request names the hostname its shop is served at in the
``X-Kontor-Host`` header (absent: the request's ``Host``); the verified hostname's ``HOST#`` routing
item names the tenant and the website. Another tenant's hostname (for a signed-in caller), an unknown
hostname or an inactive website is 404.

**What is cached, and how long.** A :class:`Shop` (the website, its organization's category tree
with the categories' rules, the tenant's selections of that organization) is kept per process and
hostname, at most :data:`SHOP_CACHE_SIZE` of them. For a signed-in caller it is used while the tenant
item's ``catalog_generation``, which the principal's BatchGetItem reads anyway, is the one it was
built at (every change of a category, a category rule, a selection or a website's catalog settings
counts there), and for at most :data:`SHOP_MAX_AGE` seconds (changes that do not count, such as a
released hostname or a website switched off, take effect within that time). Guests have no principal
and so no generation: their shops live :data:`GUEST_MAX_AGE` seconds. A warm function thus adds no
round trip for the website. The category tree adds one Query that is never cached: the organization's
counts of enabled products per category (``services.catalog.category_counts``), so a category shows
as soon as a first product enters it and hides when the last one leaves.

**Who sees what** is decided by :class:`~chalicelib.domain.catalog.visibility.CatalogView`, built once
per request from the shop, the buyer's unit path and effective group, and the unit rules and
selection assignments the principal's company Query read (``VIS#``, ``SEL#`` items). A product's own
rules come from its ``RULES`` item, read in one BatchGetItem for a whole page. Guests are seen at the
website level: no unit, no group, no selection. Only enabled products of the website's organization
placed in a category under one of the website's offered roots are shown.

**Prices.** What a listing or a detail shows carries the caller's price in the request's currency
(``services.pricing.chains``: the chain from the principal's company and a per-process cache of the
tenant's pricing, the shown products' sheets in one BatchGetItem per 100). The shop also holds what
pricing needs of the website (its merge strategy, default currency, time zone) and of the tenant (its
rounding mode), so a signed-in caller's shop is re-read when ``pricing_generation`` moved too.

**Whether prices include tax** is the website's effective ``prices_include_tax`` (website ->
organization -> tenant), resolved from the tenant, organization and website items the shop reads
anyway: a warm function answers it without a round trip. A website's change of it counts the tenant's
``pricing_generation`` (``services.websites``), so signed-in callers see it at once; a change at the
organization or the tenant shows within :data:`SHOP_MAX_AGE` seconds, as the other inherited settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from cachetools import TTLCache

from chalicelib.domain.catalog.categories import Category, category_forest, tree_listing
from chalicelib.domain.catalog.media import ProductMedia, content_disposition
from chalicelib.domain.catalog.products import Product, ProductSummary, summary
from chalicelib.domain.catalog.selections import Selection
from chalicelib.domain.catalog.storefront import (
    MAX_SEARCH_RESULTS,
    SearchResult,
    SkuLookupResult,
    StoreCategory,
    StoreCategoryTree,
    StoreMedia,
    StoreProduct,
    StoreProductSummary,
    StoreUnit,
    attribute_filter,
    localized,
    matches,
    pick_locale,
)
from chalicelib.domain.catalog.text import fold, words
from chalicelib.domain.catalog.visibility import (
    AssignedSelection,
    Audience,
    CatalogView,
    CategoryNode,
    ProductPlacement,
    stored_rules,
)
from chalicelib.domain.customers import effective_unit
from chalicelib.domain.money import RoundingMode
from chalicelib.domain.pricing.chains import Where, buyer_price
from chalicelib.domain.pricing.engine import PriceChain, ProductPrices
from chalicelib.domain.tenancy import Organization, Tenant, Website, effective_settings
from chalicelib.platform import objects
from chalicelib.platform.errors import NotFound, Unprocessable
from chalicelib.platform.pagination import Listing, PageRequest
from chalicelib.services import entities
from chalicelib.services.catalog.category_counts import category_counts
from chalicelib.services.context import Caller
from chalicelib.services.pricing import chains
from chalicelib.store import keys, repository
from chalicelib.store.keys import Key
from chalicelib.store.repository import Record

SHOP_CACHE_SIZE = 256
SHOP_MAX_AGE = 300  # seconds
GUEST_MAX_AGE = 30  # seconds
CATEGORY_PAGE = 1000
MEDIA_TYPE = "product_media"
PRODUCT_TYPE = "product"
CATEGORY_TYPE = "category"
SELECTION_TYPE = "selection"
SORT_INDEXES: dict[str, str | None] = {"newest": None, "name": "GSI1", "sku": "GSI2"}

_shops: TTLCache[str, Shop] = TTLCache(maxsize=SHOP_CACHE_SIZE, ttl=SHOP_MAX_AGE)
_guest_shops: TTLCache[str, Shop] = TTLCache(maxsize=SHOP_CACHE_SIZE, ttl=GUEST_MAX_AGE)


def forget_shops() -> None:
    """Empty this process's shop caches (tests start each world afresh)."""
    _shops.clear()
    _guest_shops.clear()


@dataclass(frozen=True)
class Shop:
    """A website as its catalog needs it, built at one catalog generation of its tenant."""

    tenant_id: str
    generation: int
    website: Website
    guest_browsing: bool
    default_locale: str
    fallbacks: Mapping[str, list[str]]  # each of the website's locales: its chain
    categories: Mapping[str, Category]
    nodes: Mapping[str, CategoryNode]
    selections: tuple[Selection, ...]
    offered: frozenset[str] = field(default_factory=frozenset)  # the offered roots and all below them
    pricing_generation: int = 0  # the website's merge strategy counts there
    default_currency: str = ""
    time_zone: str = "UTC"
    rounding_mode: RoundingMode = "half_up"
    prices_include_tax: bool = False

    def chain(self, accept_language: str | None) -> tuple[str, list[str]]:
        locale = pick_locale(accept_language, self.website.locales, self.default_locale)
        return locale, self.fallbacks.get(locale, [locale, self.default_locale])

    def currency(self, requested: str | None) -> str:
        """The currency asked for (``?currency=``), one of the website's; else its default (422)."""
        if requested is None:
            return self.default_currency
        if requested not in self.website.currencies:
            raise Unprocessable.field("query.currency", "not one of the website's currencies")
        return requested


def _load_shop(hostname: str) -> Shop:
    """The website serving ``hostname`` with its categories and selections (4 round trips, cold)."""
    route = repository.get(keys.host(hostname), consistent=False)
    if route is None:
        raise NotFound("no website serves this host")
    tenant_id, website_id = route.data["tenant_id"], route.data["website_id"]
    website_key, tenant_key = keys.website(tenant_id, website_id), keys.tenant(tenant_id)
    found = repository.get_many([website_key, tenant_key])
    if website_key not in found or tenant_key not in found:
        raise NotFound("no website serves this host")
    website = entities.to_model(found[website_key], Website)
    tenant = entities.to_model(found[tenant_key], Tenant)
    organization_key = keys.organization(tenant_id, website.organization_id)
    records = repository.query_all(
        keys.category_partition(tenant_id, website.organization_id), page_size=CATEGORY_PAGE
    )
    organization_record = repository.get(organization_key, consistent=False)
    if organization_record is None:
        raise NotFound("no website serves this host")
    organization = entities.to_model(organization_record, Organization)
    settings = effective_settings(tenant.settings, organization, website)
    categories, nodes = _categories(records)
    forest = category_forest(categories)
    offered = {
        category_id
        for root in website.category_root_ids
        if root in categories
        for category_id in forest.subtree(root)
    }
    selections = tuple(
        selection
        for record in repository.query_all(keys.selection_collection(tenant_id), page_size=CATEGORY_PAGE)
        if record.type == SELECTION_TYPE
        and (selection := entities.to_model(record, Selection)).organization_id == website.organization_id
    )
    return Shop(
        tenant_id=tenant_id,
        generation=tenant.catalog_generation,
        website=website,
        guest_browsing=bool(settings.settings["guest_browsing"].value) and tenant.status == "active",
        default_locale=settings.settings["default_locale"].value,
        fallbacks=settings.locale_fallbacks,
        categories=categories,
        nodes=nodes,
        selections=selections,
        offered=frozenset(offered),
        pricing_generation=tenant.pricing_generation,
        default_currency=settings.settings["default_currency"].value,
        time_zone=settings.settings["timezone"].value,
        rounding_mode=tenant.settings.rounding_mode,
        prices_include_tax=bool(settings.settings["prices_include_tax"].value),
    )


def _categories(records: Iterable[Record]) -> tuple[dict[str, Category], dict[str, CategoryNode]]:
    """The organization's categories, and each with its own rules as the resolver reads them."""
    categories: dict[str, Category] = {}
    nodes: dict[str, CategoryNode] = {}
    for record in records:
        if record.type != CATEGORY_TYPE:
            continue
        category = Category.model_validate({**record.data, "version": record.version}, strict=False)
        categories[category.id] = category
        nodes[category.id] = CategoryNode(
            category.id, category.parent_id, stored_rules(record.data.get("websites"))
        )
    return categories, nodes


def shop_for(caller: Caller, hostname: str) -> Shop:
    """The website ``hostname`` serves, for this caller (404: unknown, inactive, another tenant's, or
    closed to guests); from this process's cache when still valid (see the module's docstring)."""
    session = caller.principal.customer
    if session is None:
        shop = _guest_shops.get(hostname)
        if shop is None:
            shop = _guest_shops[hostname] = _load_shop(hostname)
        if not shop.guest_browsing:
            raise NotFound("no website serves this host")
    else:
        shop = _shops.get(hostname)
        if shop is None or (
            shop.tenant_id == caller.tenant_id
            and (
                shop.generation != session.catalog_generation
                or shop.pricing_generation != session.pricing_generation
            )
        ):
            shop = _shops[hostname] = _load_shop(hostname)
        if shop.tenant_id != caller.tenant_id:
            raise NotFound("no website serves this host")
    if not shop.website.active:
        raise NotFound("no website serves this host")
    return shop


class Catalog:
    """What one request sees: the shop, the caller's locale chain, the visibility resolver, and the
    currency and price chain its prices are in."""

    def __init__(
        self, caller: Caller, shop: Shop, accept_language: str | None, currency: str | None = None
    ) -> None:
        self.caller = caller
        self.shop = shop
        self.locale, self.chain = shop.chain(accept_language)
        self.currency = shop.currency(currency)
        self.view = self._resolver({})

    @cached_property
    def price_chain(self) -> PriceChain:
        """The caller's price chain here, now (built on first use: a warm function reads nothing)."""
        shop = self.shop
        where = Where(
            organization_id=shop.website.organization_id,
            currency=self.currency,
            time_zone=shop.time_zone,
            strategy=shop.website.price_merge_strategy,
            now=datetime.now(UTC),
        )
        return chains.caller_chain(self.caller, shop.tenant_id, shop.website.id, where)

    def sheets(self, product_ids: Iterable[str]) -> dict[str, ProductPrices]:
        """The products' rows in the caller's candidate lists (one BatchGetItem per 100, none when
        the caller has no candidate)."""
        return chains.sheets(self.shop.tenant_id, self.price_chain, product_ids)

    def priced(self, products: list[ProductSummary]) -> list[StoreProductSummary]:
        """The products' summaries, each with the caller's price (their sheets read at once)."""
        sheets = self.sheets(product.id for product in products)
        return [self.summary(product, sheets.get(product.id)) for product in products]

    def _resolver(self, rules: Mapping[str, Mapping[str, Any]]) -> CatalogView:
        """The resolver for the caller; ``rules`` are the products' RULES items read for this answer
        (the selections they name put them in those selections)."""
        shop, session = self.shop, self.caller.principal.customer
        website = shop.website
        if session is None:  # a guest: the website's level only
            audience = Audience((), None, website.id, website.catalog_default_visibility)
            return CatalogView(audience, shop.nodes)
        company = session.company
        path = company.path(session.user.unit_id)
        company_rules = company.catalog_rules
        audience = Audience(
            unit_path=tuple(unit.id for unit in path),
            group_id=effective_unit(path).customer_group_id.value,
            website_id=website.id,
            website_default=website.catalog_default_visibility,
            unit_rules=company_rules.visibility.get(website.id, {}),
        )
        selections = [
            AssignedSelection(
                id=selection.id,
                mode=selection.mode,
                product_ids=frozenset(
                    product_id
                    for product_id, product_rules in rules.items()
                    if selection.id in (product_rules.get("selections") or ())
                ),
                category_ids=frozenset(selection.category_ids),
                unit_ids=company_rules.selections.get(selection.id, frozenset()),
                group_ids=frozenset(selection.customer_group_ids),
            )
            for selection in shop.selections
        ]
        return CatalogView(audience, shop.nodes, selections)

    def with_rules(self, rules: Mapping[str, Mapping[str, Any]]) -> CatalogView:
        return self._resolver(rules) if rules else self.view

    def category_shown(self, category_id: str) -> bool:
        return (
            category_id in self.shop.offered
            and self.view.category_visibility(category_id) == "visible"
            and self.view.category_admitted(category_id)
        )

    def shows(
        self,
        view: CatalogView,
        product: ProductSummary,
        rules: Mapping[str, Any] | None,
        parent: ProductSummary | None = None,
    ) -> bool:
        """An enabled product of the website's organization, in an offered category, that the
        resolver shows (a variant: placed and decided by its parent's categories, and its parent shown)."""
        placed = parent or product
        categories = [c for c in (placed.primary_category_id, *placed.category_ids) if c]
        if (
            product.status != "enabled"
            or product.organization_id != self.shop.website.organization_id
            or not any(category in self.shop.offered for category in categories)
        ):
            return False
        placement = ProductPlacement(
            id=product.id,
            primary_category_id=placed.primary_category_id,
            category_ids=tuple(placed.category_ids),
            rules=stored_rules((rules or {}).get("websites")),
        )
        return view.shows(placement)

    def summary(self, product: ProductSummary, prices: ProductPrices | None) -> StoreProductSummary:
        return StoreProductSummary(
            id=product.id,
            sku=product.sku,
            name=localized(product.name, self.chain) or product.sku,
            short_description=localized(product.short_description, self.chain),
            kind=product.kind,
            brand=product.brand,
            inventory=product.inventory,
            primary_unit=product.primary_unit,
            attributes=product.attributes,
            price=None
            if prices is None
            else buyer_price(self.price_chain, prices, self.currency, self.shop.prices_include_tax),
        )


def _summary(record: Record) -> ProductSummary:
    """A product item's or a category listing item's product summary."""
    if record.type == PRODUCT_TYPE:
        return summary(entities.to_model(record, Product))
    fields = set(ProductSummary.model_fields)
    return ProductSummary.model_validate(
        {name: value for name, value in record.data.items() if name in fields}, strict=False
    )


def _rules_of(tenant_id: str, product_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The RULES items of the products, by product id (one BatchGetItem per 100)."""
    wanted = [keys.product_rules(tenant_id, product_id) for product_id in dict.fromkeys(product_ids)]
    found = repository.get_many(wanted) if wanted else {}
    return {key.pk.rsplit("#", 1)[1]: record.data for key, record in found.items()}


def category_tree(caller: Caller, hostname: str, accept_language: str | None) -> StoreCategoryTree:
    """The offered categories the caller sees: each visible to them, admitted by their selections,
    under a shown parent, and holding an enabled product in its subtree (the counts: one Query, fresh
    on every request; the rest costs no round trip on a warm function)."""
    catalog = Catalog(caller, shop_for(caller, hostname), accept_language)
    shop = catalog.shop
    forest = category_forest(shop.categories)
    counts = category_counts(shop.tenant_id, shop.website.organization_id)
    stocked = forest.with_ancestors(category_id for category_id, count in counts.items() if count > 0)
    listing = tree_listing(forest, shop.categories)
    shown: set[str] = set()
    items = []
    for category in listing:
        parent_ok = category.parent_id is None or category.parent_id in shown
        if (
            category.id in shop.offered
            and category.id in stocked
            and parent_ok
            and catalog.category_shown(category.id)
        ):
            shown.add(category.id)
            items.append(
                StoreCategory(
                    id=category.id,
                    parent_id=category.parent_id if category.parent_id in shown else None,
                    depth=category.depth,
                    name=localized(category.name, catalog.chain) or category.id,
                    slug=localized(category.slug, catalog.chain) or category.id,
                    description=localized(category.description, catalog.chain),
                )
            )
    return StoreCategoryTree(website_id=shop.website.id, locale=catalog.locale, items=items)


def category_products(
    caller: Caller,
    hostname: str,
    accept_language: str | None,
    category_id: str,
    page: PageRequest,
    sort: str,
    attribute_expression: str | None,
    currency: str | None = None,
) -> Listing[StoreProductSummary]:
    """One page of a shown category's products the caller sees: one Query of its listing items (by
    the sort's index), one BatchGetItem of their RULES items and one of the shown ones' price
    sheets; hidden ones are left out, so a page may hold fewer than ``limit``."""
    catalog = Catalog(caller, shop_for(caller, hostname), accept_language, currency)
    if not catalog.category_shown(category_id):
        raise NotFound("category not found")
    tenant_id = catalog.shop.tenant_id
    index = SORT_INDEXES[sort]
    partition = {
        None: keys.category_products(tenant_id, category_id),
        "GSI1": keys.category_products_by_name(tenant_id, category_id),
        "GSI2": keys.category_products_by_sku(tenant_id, category_id),
    }[index]
    start_key = page.start_key()
    if start_key is not None and start_key.get(f"{index or ''}PK", {}).get("S") != partition:
        # a cursor binds the route, not the category in its path: another category's is refused
        raise Unprocessable.field("query.cursor", "cursor is not valid for this query", "cursor_invalid")
    result = repository.query(
        partition, index=index, limit=page.limit, start_key=start_key, newest_first=sort == "newest"
    )
    products = [_summary(record) for record in result.records]
    rules = _rules_of(tenant_id, (product.id for product in products))
    view = catalog.with_rules(rules)
    wanted = attribute_filter(attribute_expression)
    items = catalog.priced(
        [
            product
            for product in products
            if matches(product.attributes, wanted) and catalog.shows(view, product, rules.get(product.id))
        ]
    )
    return Listing[StoreProductSummary](items=items, next_cursor=page.next_cursor(result.last_key))


def _store_media(catalog: Catalog, record: Record) -> StoreMedia | None:
    """A ready media with a short-lived link (a pending one is not shown)."""
    media = entities.to_model(record, ProductMedia)
    if media.status != "ready":
        return None
    signed = objects.signed_download(
        media.object_key, media.object_version, media.content_type, content_disposition(media)
    )
    return StoreMedia(
        id=media.id,
        kind=media.kind,
        title=localized(media.title, catalog.chain),
        filename=media.filename,
        content_type=media.content_type,
        url=signed.url,
        expires_at=signed.expires_at.isoformat(),
    )


def _shown_parents(
    catalog: Catalog, tenant_id: str, products: Iterable[ProductSummary]
) -> dict[str, tuple[ProductSummary, dict[str, Any]]]:
    """The parents of the variants among ``products`` that the caller sees, with their RULES items
    (one BatchGetItem of both; none when no variant is there)."""
    parent_ids = list(dict.fromkeys(p.parent_id for p in products if p.parent_id))
    products_read, rules = _products_with_rules(tenant_id, parent_ids)
    parents = [summary(parent) for parent in products_read]
    view = catalog.with_rules(rules)
    return {
        parent.id: (parent, rules.get(parent.id, {}))
        for parent in parents
        if catalog.shows(view, parent, rules.get(parent.id))
    }


def _visible(
    catalog: Catalog, products: list[ProductSummary], rules: Mapping[str, Mapping[str, Any]]
) -> list[ProductSummary]:
    """The products the caller sees: a variant only when its parent is seen too."""
    parents = _shown_parents(catalog, catalog.shop.tenant_id, products)
    all_rules = {**rules, **{parent_id: rule for parent_id, (_, rule) in parents.items()}}
    view = catalog.with_rules(all_rules)
    shown = []
    for product in products:
        entry = parents.get(product.parent_id) if product.parent_id else None
        if product.parent_id and entry is None:
            continue
        parent = entry[0] if entry else None
        if catalog.shows(view, product, rules.get(product.id), parent):
            shown.append(product)
    return shown


def product_detail(
    caller: Caller, hostname: str, accept_language: str | None, product_id: str, currency: str | None = None
) -> StoreProduct:
    """A product the caller sees (404 otherwise), with its price, media, units and the variants they
    see: one Query of its partition (product, price sheet, media, rules), and for a configurable
    product one Query of its variants, one BatchGetItem of their RULES items and one of their price
    sheets; a variant adds its parent's (one BatchGet)."""
    catalog = Catalog(caller, shop_for(caller, hostname), accept_language, currency)
    tenant_id = catalog.shop.tenant_id
    records = repository.query_all(keys.product_partition(tenant_id, product_id), page_size=CATEGORY_PAGE)
    by_sort_key = {record.key.sk: record for record in records}
    record = by_sort_key.get("PRODUCT")
    if record is None or record.type != PRODUCT_TYPE:
        raise NotFound("product not found")
    product = entities.to_model(record, Product)
    rules = by_sort_key[keys.PRODUCT_RULES].data if keys.PRODUCT_RULES in by_sort_key else {}
    if not _visible(catalog, [_summary(record)], {product_id: rules}):
        raise NotFound("product not found")
    variants: list[ProductSummary] = []
    if product.kind == "configurable":
        found = repository.query(keys.variants_of(tenant_id, product_id), index="GSI2", limit=100).records
        family = [_summary(variant) for variant in found]
        variant_rules = _rules_of(tenant_id, (variant.id for variant in family))
        view = catalog.with_rules({**variant_rules, product_id: rules})
        parent = _summary(record)
        variants = [v for v in family if catalog.shows(view, v, variant_rules.get(v.id), parent)]
    media = [
        shown
        for sort_key, item in sorted(by_sort_key.items())
        if sort_key.startswith(keys.MEDIA_PREFIX) and item.type == MEDIA_TYPE
        if (shown := _store_media(catalog, item)) is not None
    ]
    prices = chains.sheet_of(by_sort_key.get(keys.PRICE_SHEET), catalog.price_chain)
    summary = catalog.summary(_summary(record), prices)
    return StoreProduct(
        **summary.model_dump(exclude={"price"}),
        price=summary.price,
        long_description=localized(product.long_description, catalog.chain),
        parent_id=product.parent_id,
        primary_category_id=product.primary_category_id,
        units=[
            StoreUnit(
                code=unit.code,
                label=localized(unit.label, catalog.chain) or unit.code,
                precision=unit.precision,
                conversion_factor=unit.conversion_factor,
                min_order_quantity=unit.min_order_quantity,
                max_order_quantity=unit.max_order_quantity,
                order_increment=unit.order_increment,
            )
            for unit in product.units
        ],
        media=media,
        variants=catalog.priced(variants),
    )


def _product_records(
    tenant_id: str, product_ids: list[str], found: Mapping[Key, Record] | None = None
) -> tuple[dict[str, Record], dict[str, dict[str, Any]]]:
    """The product items (by id, in the order asked) and their RULES items, in one BatchGetItem (two
    past 50 products), unless ``found`` holds them already (:func:`product_keys`)."""
    if found is None:
        wanted = product_keys(tenant_id, product_ids)
        found = repository.get_many(wanted) if wanted else {}
    rules = {
        key.pk.rsplit("#", 1)[1]: record.data for key, record in found.items() if key.sk == keys.PRODUCT_RULES
    }
    products = {
        product_id: found[key]
        for product_id in product_ids
        if (key := keys.product(tenant_id, product_id)) in found and found[key].type == PRODUCT_TYPE
    }
    return products, rules


def product_keys(tenant_id: str, product_ids: Iterable[str]) -> list[Key]:
    """The items :func:`shop_products` reads of products named by id: each product and its RULES item."""
    ids = list(dict.fromkeys(product_ids))
    return [keys.product(tenant_id, p) for p in ids] + [keys.product_rules(tenant_id, p) for p in ids]


def _products_with_rules(
    tenant_id: str, product_ids: list[str]
) -> tuple[list[Product], dict[str, dict[str, Any]]]:
    """The products and their RULES items (see :func:`_product_records`)."""
    records, rules = _product_records(tenant_id, product_ids)
    return [entities.to_model(record, Product) for record in records.values()], rules


@dataclass(frozen=True)
class ShopProducts:
    """Products as one caller finds them on a website: every one that exists (by id), those the caller
    sees there, and the product id each SKU asked for names."""

    website_id: str
    products: Mapping[str, Product]
    shown: frozenset[str]
    by_sku: Mapping[str, str]  # a SKU as asked -> its product id (the SKU item's)
    asked: frozenset[str]  # the product ids looked up (named, or found by SKU), found or not

    def seen(self, product_id: str | None) -> Product | None:
        """The product if the caller sees it (what a SKU lookup finds), else None."""
        return self.products[product_id] if product_id in self.shown and product_id is not None else None

    def merged(self, other: ShopProducts) -> ShopProducts:
        return ShopProducts(
            self.website_id,
            {**self.products, **other.products},
            self.shown | other.shown,
            {**self.by_sku, **other.by_sku},
            self.asked | other.asked,
        )


def shop_products(
    caller: Caller,
    hostname: str,
    product_ids: Iterable[str] = (),
    skus: Iterable[str] = (),
    read: Mapping[Key, Record] | None = None,
) -> ShopProducts:
    """The products a shopping list's lines or a quick order name, by id or SKU, and which of them the
    caller sees on the shop's website (as :func:`lookup_skus` decides): one BatchGetItem of the SKU
    items if SKUs are named, one of the products and their RULES items (two past 50), one more for
    variants' parents. ``read``: the items of :func:`product_keys` for ``product_ids``, read already
    with a caller's other items in one BatchGetItem."""
    catalog = Catalog(caller, shop_for(caller, hostname), None)
    tenant_id = catalog.shop.tenant_id
    asked = list(dict.fromkeys(skus))
    found = repository.get_many([keys.sku(tenant_id, sku) for sku in asked]) if asked else {}
    by_sku = {
        sku: found[key].data["product_id"] for sku in asked if (key := keys.sku(tenant_id, sku)) in found
    }
    ids = list(dict.fromkeys([*product_ids, *by_sku.values()]))
    records, rules = _product_records(tenant_id, ids, read)
    products = {product_id: entities.to_model(record, Product) for product_id, record in records.items()}
    summaries = [_summary(record) for record in records.values()]
    shown = frozenset(product.id for product in _visible(catalog, summaries, rules))
    return ShopProducts(catalog.shop.website.id, products, shown, by_sku, frozenset(ids))


def lookup_skus(
    caller: Caller, hostname: str, accept_language: str | None, skus: list[str], currency: str | None = None
) -> SkuLookupResult:
    """The products of up to 100 SKUs (quick order) that the caller sees, with their prices; every
    other SKU asked for is reported not found, whether it names nothing or something they do not see.
    One BatchGetItem of the SKU items, one of the products and their RULES items (two past 50), one
    more for variants' parents, one of the shown products' price sheets."""
    catalog = Catalog(caller, shop_for(caller, hostname), accept_language, currency)
    asked = list(dict.fromkeys(skus))
    shown = shown_skus(catalog, asked)
    items = catalog.priced(list({product.id: summary(product) for product in shown.values()}.values()))
    missing = [sku for sku in asked if sku not in shown]
    return SkuLookupResult(items=items, not_found=missing)


def shown_skus(catalog: Catalog, skus: Iterable[str]) -> dict[str, Product]:
    """The products the caller sees of the SKUs, by SKU as asked (a SKU naming nothing, or what the
    caller does not see, is left out). One BatchGetItem of the SKU items (per 100), one of the
    products and their RULES items (per 50 products), one more for variants' parents."""
    tenant_id = catalog.shop.tenant_id
    asked = list(dict.fromkeys(skus))
    found = repository.get_many([keys.sku(tenant_id, sku) for sku in asked])
    ids = {sku: found[key].data["product_id"] for sku in asked if (key := keys.sku(tenant_id, sku)) in found}
    products, rules = _products_with_rules(tenant_id, list(dict.fromkeys(ids.values())))
    shown = {product.id for product in _visible(catalog, [summary(p) for p in products], rules)}
    by_id = {product.id: product for product in products}
    return {sku: by_id[product_id] for sku, product_id in ids.items() if product_id in shown}


def search(
    caller: Caller, hostname: str, accept_language: str | None, text: str, currency: str | None = None
) -> SearchResult:
    """Products whose SKU starts with the folded query, or whose name in the caller's locale has a
    word starting with each folded word of the query (at most 50, by name), with their prices. One
    Query per query word (at most 3) of the search tokens, then the products and their RULES items in
    one BatchGetItem, then the found products' price sheets."""
    catalog = Catalog(caller, shop_for(caller, hostname), accept_language, currency)
    shop = catalog.shop
    tenant_id, organization_id = shop.tenant_id, shop.website.organization_id
    whole = fold(text).strip()
    terms = list(dict.fromkeys(words(text)))[:3]
    lookups = list(dict.fromkeys([whole, *terms])) if len(whole) >= 2 else terms
    matched: dict[str, set[str]] = {}
    for term in lookups:
        page = repository.query(
            keys.search_partition(tenant_id, organization_id, term), limit=500, sk_prefix=term
        )
        matched[term] = {record.data["product_id"] for record in page.records}
    by_sku = matched.get(whole, set())
    by_words = set.intersection(*(matched[term] for term in terms)) if terms else set()
    candidates = sorted(by_sku | by_words)[: 2 * MAX_SEARCH_RESULTS]
    products_read, rules = _products_with_rules(tenant_id, candidates)
    products = [summary(product) for product in products_read]
    found = []
    for product in _visible(catalog, products, rules):
        name = localized(product.name, catalog.chain) or ""
        name_words = words(name)
        in_name = bool(terms) and all(any(w.startswith(term) for w in name_words) for term in terms)
        if in_name or fold(product.sku).startswith(whole):
            found.append(product)
    found.sort(key=lambda product: (fold(localized(product.name, catalog.chain) or product.sku), product.sku))
    return SearchResult(locale=catalog.locale, items=catalog.priced(found[:MAX_SEARCH_RESULTS]))
