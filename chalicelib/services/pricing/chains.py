"""The caller's price chain on a website, and the price sheets a page needs for it.

**What is cached.** The tenant's pricing partition (website and customer group assignments, pattern
99) and its price lists' metadata (pattern 91) are kept per process and tenant as a :class:`Pricing`,
at most :data:`PRICING_CACHE_SIZE` of them: two Queries on a miss. For a signed-in customer it is used
while the tenant's ``pricing_generation``, which the principal's BatchGetItem reads anyway, is the one
it was loaded at (every write that changes what it holds counts there: a price list's create, update
and delete, a website's or a group's assignment, the exchange rates), and for at most
:data:`PRICING_MAX_AGE` seconds. Guests carry no generation: theirs live :data:`GUEST_MAX_AGE` seconds.
A unit's own assignments come with the principal's company Query (``Company.price_lists``), so a warm
function builds a buyer's chain without a round trip.

**The sheets** (pattern 98): one BatchGetItem per 100 products, each sheet projected to the caller's
candidate lists (``data.lists.<list>``), so a read costs what the caller's lists hold; none at all
when the caller has no candidate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache

from chalicelib.domain.access import CustomerPermission
from chalicelib.domain.customer_users import Company
from chalicelib.domain.customers import effective_unit
from chalicelib.domain.pricing.chains import ListFacts, Where, chain_levels, price_chain, sheet_prices
from chalicelib.domain.pricing.engine import PriceChain, ProductPrices
from chalicelib.domain.pricing.price_lists import PriceList, PriceListAssignment
from chalicelib.services import entities
from chalicelib.services.context import Caller
from chalicelib.services.pricing.assignments import ASSIGNMENT_TYPE
from chalicelib.services.pricing.price_lists import PRICE_LIST_TYPE
from chalicelib.store import keys, repository
from chalicelib.store.repository import Record

PRICING_CACHE_SIZE = 256
PRICING_MAX_AGE = 300  # seconds
GUEST_MAX_AGE = 30  # seconds
PAGE = 1000

_pricing: TTLCache[str, Pricing] = TTLCache(maxsize=PRICING_CACHE_SIZE, ttl=PRICING_MAX_AGE)
_guest_pricing: TTLCache[str, Pricing] = TTLCache(maxsize=PRICING_CACHE_SIZE, ttl=GUEST_MAX_AGE)


def forget_pricing() -> None:
    """Empty this process's pricing caches (tests start each world afresh)."""
    _pricing.clear()
    _guest_pricing.clear()


@dataclass(frozen=True)
class Pricing:
    """A tenant's website and group assignments and its lists' metadata, at one pricing generation."""

    generation: int | None
    websites: Mapping[str, PriceListAssignment]
    groups: Mapping[str, PriceListAssignment]
    lists: Mapping[str, ListFacts]


def load_pricing(tenant_id: str, generation: int | None = None) -> Pricing:
    """The tenant's pricing partition and price lists, read now (two Queries)."""
    websites: dict[str, PriceListAssignment] = {}
    groups: dict[str, PriceListAssignment] = {}
    for record in repository.query_all(keys.pricing_collection(tenant_id), page_size=PAGE):
        if record.type != ASSIGNMENT_TYPE:
            continue
        assignment = PriceListAssignment.model_validate(
            {"fallback": record.data["fallback"], "lists": record.data["lists"]}, strict=False
        )
        if "website_id" in record.data:
            websites[record.data["website_id"]] = assignment
        else:
            groups[record.data["customer_group_id"]] = assignment
    lists = {
        record.data["id"]: ListFacts.of(entities.to_model(record, PriceList))
        for record in repository.query_all(keys.price_list_collection(tenant_id), page_size=PAGE)
        if record.type == PRICE_LIST_TYPE
    }
    return Pricing(generation, websites, groups, lists)


def _cached(caller: Caller, tenant_id: str) -> Pricing:
    """The tenant's :class:`Pricing` for the caller, from this process's cache while it is valid."""
    session = caller.principal.customer
    if session is None:
        pricing = _guest_pricing.get(tenant_id)
        if pricing is None:
            pricing = _guest_pricing[tenant_id] = load_pricing(tenant_id)
        return pricing
    pricing = _pricing.get(tenant_id)
    if pricing is None or pricing.generation != session.pricing_generation:
        pricing = _pricing[tenant_id] = load_pricing(tenant_id, session.pricing_generation)
    return pricing


def company_chain(
    pricing: Pricing, company: Company | None, unit_id: str | None, website_id: str, where: Where
) -> PriceChain:
    """The chain of a unit of ``company`` on the website (no company: a guest, the website only)."""
    website = (website_id, pricing.websites.get(website_id))
    if company is None or unit_id is None:
        return price_chain(chain_levels((), {}, None, website), pricing.lists, where)
    path = company.path(unit_id)
    group_id = effective_unit(path).customer_group_id.value
    group = (group_id, pricing.groups.get(group_id)) if group_id else None
    levels = chain_levels([unit.id for unit in path], company.price_lists, group, website)
    return price_chain(levels, pricing.lists, where)


def caller_chain(caller: Caller, tenant_id: str, website_id: str, where: Where) -> PriceChain:
    """The storefront caller's chain: a buyer's unit and its parents, its group, the website (none for
    a buyer without ``prices.view``); a guest's: the website (no round trip on a warm function)."""
    session = caller.principal.customer
    if session is not None and not session.access.holds(CustomerPermission.PRICES_VIEW):
        return PriceChain((), where.strategy)  # a buyer who may not see prices is priced by nothing
    company = session.company if session is not None else None
    unit_id = session.user.unit_id if session is not None else None
    return company_chain(_cached(caller, tenant_id), company, unit_id, website_id, where)


def sheets(tenant_id: str, chain: PriceChain, product_ids: Iterable[str]) -> dict[str, ProductPrices]:
    """The products' rows in the chain's candidate lists, by product id (pattern 98; a product no
    candidate prices is left out)."""
    wanted = list(dict.fromkeys(product_ids))
    if not chain.list_ids or not wanted:
        return {}
    found = repository.get_many(
        [keys.price_sheet(tenant_id, product_id) for product_id in wanted],
        only=tuple(f"data.lists.{list_id}" for list_id in sorted(chain.list_ids)),
    )
    return {
        key.pk.rsplit("#", 1)[1]: sheet_prices(lists)
        for key, record in found.items()
        if (lists := record.data.get("lists"))
    }


def sheet_of(record: Record | None, chain: PriceChain) -> ProductPrices:
    """A sheet read whole (a product's partition Query) or not there, kept to the candidate lists."""
    lists: Mapping[str, Any] = record.data.get("lists", {}) if record is not None else {}
    return sheet_prices({list_id: rows for list_id, rows in lists.items() if list_id in chain.list_ids})
