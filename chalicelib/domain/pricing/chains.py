"""A buyer's price chain on a website, assembled from what is stored: pure, so tables can test it.

The levels, most specific first (``docs/pricing-design.md``, "Assignments"): the buyer's unit, then its
parents up to the company, then the unit's effective customer group, then the website. A level with no
assignment is skipped. A guest has the website's level only.

What an assignment names is kept only when it can price on this website in this currency: a list that
no longer exists, of another organization than the website's, or without the currency is no candidate
(left out, as if not assigned). Each kept list is active when its flag is on and it has no schedule or
one containing now in the website's time zone (:func:`~chalicelib.domain.pricing.engine.is_active`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from chalicelib.domain.base import View
from chalicelib.domain.pricing.engine import (
    AssignedList,
    ChainLevel,
    Level,
    PriceChain,
    PriceRow,
    ProductPrices,
    Schedule,
    Strategy,
    is_active,
)
from chalicelib.domain.pricing.price_lists import PriceList, PriceListAssignment


@dataclass(frozen=True, slots=True)
class ListFacts:
    """What the chain needs of a price list (its metadata, never its prices)."""

    organization_id: str
    currencies: frozenset[str]
    active: bool
    schedules: tuple[Schedule, ...] = ()

    @classmethod
    def of(cls, price_list: PriceList) -> ListFacts:
        return cls(
            organization_id=price_list.organization_id,
            currencies=frozenset(price_list.currencies),
            active=price_list.active,
            schedules=tuple(Schedule(s.valid_from, s.valid_until) for s in price_list.schedules),
        )


@dataclass(frozen=True, slots=True)
class Where:
    """The website a buyer shops on, the currency asked for, and the moment priced."""

    organization_id: str
    currency: str
    time_zone: str
    strategy: Strategy
    now: datetime


LevelAssignment = tuple[Level, str, PriceListAssignment | None]
"""A level, its owner's id (unit, group or website), and its assignment if it has one."""


def chain_levels(
    unit_path: Sequence[str],
    unit_assignments: Mapping[str, PriceListAssignment],
    group: tuple[str, PriceListAssignment | None] | None,
    website: tuple[str, PriceListAssignment | None],
) -> list[LevelAssignment]:
    """The levels in chain order: the units of ``unit_path`` (from the company down to the buyer's
    unit; empty for a guest) from the buyer's up, the group (if the unit has one), the website."""
    levels: list[LevelAssignment] = [
        ("unit", unit_id, unit_assignments.get(unit_id)) for unit_id in reversed(unit_path)
    ]
    if group is not None:
        levels.append(("group", *group))
    levels.append(("website", *website))
    return levels


def price_chain(
    levels: Sequence[LevelAssignment], lists: Mapping[str, ListFacts], where: Where
) -> PriceChain:
    """The chain of ``levels`` (:func:`chain_levels`) with the lists that can price here (see the
    module's rule); levels without an assignment are skipped."""
    chain: list[ChainLevel] = []
    for level, owner_id, assignment in levels:
        if assignment is None:
            continue
        kept = tuple(
            AssignedList(
                list_id=assigned.price_list_id,
                priority=assigned.priority,
                merge_allowed=assigned.merge_allowed,
                active=is_active(facts.active, facts.schedules, where.now, where.time_zone),
            )
            for assigned in assignment.lists
            if (facts := lists.get(assigned.price_list_id)) is not None
            and facts.organization_id == where.organization_id
            and where.currency in facts.currencies
        )
        chain.append(ChainLevel(level, owner_id, kept, assignment.fallback))
    return PriceChain(chain, where.strategy)


class BuyerTier(View):
    """From ``min_quantity`` on (in the unit), ``value`` per unit: decimal strings."""

    min_quantity: str
    value: str


class BuyerPrice(View):
    """A product's prices for the caller in one currency: per unit, its tiers ascending."""

    currency: str
    tax_included: bool = Field(description="the website's prices include tax (its prices_include_tax)")
    tiers: dict[str, list[BuyerTier]]


def buyer_price(
    chain: PriceChain, prices: ProductPrices, currency: str, tax_included: bool
) -> BuyerPrice | None:
    """The product's tier table for the chain's buyer (:meth:`PriceChain.tiers`); ``None``: no price."""
    table = chain.tiers(prices, currency)
    if not table:
        return None
    return BuyerPrice(
        currency=currency,
        tax_included=tax_included,
        tiers={
            unit: [
                BuyerTier(min_quantity=format(tier.min_quantity, "f"), value=format(tier.price.value, "f"))
                for tier in tiers
            ]
            for unit, tiers in table.items()
        },
    )


def sheet_prices(lists: Mapping[str, Sequence[Mapping[str, Any]]]) -> ProductPrices:
    """A price sheet's ``lists`` map (list id -> stored rows) as the engine reads it."""
    return ProductPrices.of(
        {
            list_id: [
                PriceRow(
                    unit=row["unit"],
                    currency=row["currency"],
                    min_quantity=Decimal(row["min_quantity"]),
                    value=Decimal(row["value"]),
                    rule_id=row.get("rule_id"),
                )
                for row in rows
            ]
            for list_id, rows in lists.items()
        }
    )
