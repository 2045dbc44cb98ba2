"""chalicelib.domain.pricing.chains: a buyer's chain assembled from stored assignments and lists, as
tables; the buyer's tier table and a sheet's rows as the engine reads them.

The tables' world: the company globex with the division paris and the team lyon below it (the buyer's
unit), the group key, the website web of organization org_a in EUR, in the Europe/Paris time zone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from chalicelib.domain.pricing.chains import (
    BuyerPrice,
    BuyerTier,
    LevelAssignment,
    ListFacts,
    Where,
    buyer_price,
    chain_levels,
    price_chain,
    sheet_prices,
)
from chalicelib.domain.pricing.engine import PriceRow, ProductPrices, Schedule
from chalicelib.domain.pricing.price_lists import AssignedList, Fallback, PriceListAssignment

GLOBEX, PARIS, LYON, KEY, WEB = "cus_globex", "unt_paris", "unt_lyon", "cgr_key", "web_shop"
PATH = (GLOBEX, PARIS, LYON)
NOW = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)  # 23:30 in Paris
WHERE = Where("org_a", "EUR", "Europe/Paris", "minimal", NOW)


def facts(
    organization: str = "org_a",
    currencies: tuple[str, ...] = ("EUR",),
    active: bool = True,
    *schedules: Schedule,
) -> ListFacts:
    return ListFacts(organization, frozenset(currencies), active, schedules)


def assigned(*lists: str, fallback: Fallback = "next") -> PriceListAssignment:
    """A level's stored assignment (built without the id checks: the tables name lists plainly)."""
    return PriceListAssignment.model_construct(
        fallback=fallback,
        lists=[
            AssignedList.model_construct(price_list_id=name, priority=n, merge_allowed=True)
            for n, name in enumerate(lists)
        ],
    )


def local(year: int, month: int, day: int, hour: int = 0) -> datetime:
    """A local date-time of the website's time zone, as schedules hold them."""
    return datetime(year, month, day, hour)  # noqa: DTZ001


LISTS: Mapping[str, ListFacts] = {
    "prl_lyon": facts(),
    "prl_globex": facts(),
    "prl_key": facts(),
    "prl_web": facts(),
    "prl_other_org": facts("org_b"),
    "prl_pounds": facts(currencies=("GBP",)),
    "prl_off": facts(active=False),
    "prl_tonight": facts("org_a", ("EUR",), True, Schedule(local(2026, 12, 5, 23), local(2026, 12, 6))),
    "prl_tomorrow": facts("org_a", ("EUR",), True, Schedule(local(2026, 12, 6), None)),
}


def candidates(levels: Sequence[LevelAssignment], where: Where = WHERE) -> list[str]:
    return [c.list_id for c in price_chain(levels, LISTS, where).candidates]


@pytest.mark.parametrize(
    ("units", "group", "website", "expected"),
    [
        # every level assigned: the unit, its parents up to the company, the group, the website
        (
            {LYON: assigned("prl_lyon"), GLOBEX: assigned("prl_globex")},
            assigned("prl_key"),
            assigned("prl_web"),
            ["prl_lyon", "prl_globex", "prl_key", "prl_web"],
        ),
        # levels without an assignment are skipped
        ({}, None, assigned("prl_web"), ["prl_web"]),
        # a unit's this_level_only stops the chain there
        (
            {PARIS: assigned("prl_globex", fallback="this_level_only")},
            None,
            assigned("prl_web"),
            ["prl_globex"],
        ),
        # lists of another organization, without the currency, or deleted are no candidates
        ({LYON: assigned("prl_other_org", "prl_pounds", "prl_gone")}, None, assigned("prl_web"), ["prl_web"]),
        # nor do they stop the chain: a level of no candidate has no active list
        (
            {LYON: assigned("prl_other_org", fallback="this_level_only")},
            None,
            assigned("prl_web"),
            ["prl_web"],
        ),
        # inactive lists and those whose schedule does not contain now (website's time zone) are passed over
        ({}, assigned("prl_off", "prl_tomorrow", "prl_tonight"), None, ["prl_tonight"]),
    ],
)
def test_the_chain_of_a_buyer_keeps_the_lists_that_can_price_here(
    units: dict[str, PriceListAssignment],
    group: PriceListAssignment | None,
    website: PriceListAssignment | None,
    expected: list[str],
) -> None:
    # given
    levels = chain_levels(PATH, units, (KEY, group), (WEB, website))

    # when
    found = candidates(levels)

    # then
    assert found == expected


def test_the_levels_go_from_the_buyer_s_unit_up_then_the_group_then_the_website() -> None:
    # when
    levels = chain_levels(PATH, {}, (KEY, None), (WEB, None))

    # then
    assert [(level, owner) for level, owner, _ in levels] == [
        ("unit", LYON),
        ("unit", PARIS),
        ("unit", GLOBEX),
        ("group", KEY),
        ("website", WEB),
    ]


def test_a_guest_has_the_website_s_level_only() -> None:
    # when
    levels = chain_levels((), {}, None, (WEB, assigned("prl_web")))

    # then
    assert [(level, owner) for level, owner, _ in levels] == [("website", WEB)]


def test_a_schedule_is_read_in_the_website_s_time_zone() -> None:
    # given a list scheduled from 23:00 local: 22:30 UTC is 23:30 in Paris, 22:30 in London
    levels = chain_levels((), {}, None, (WEB, assigned("prl_tonight")))
    london = Where("org_a", "EUR", "Europe/London", "minimal", NOW)

    # then
    assert candidates(levels) == ["prl_tonight"]
    assert price_chain(levels, LISTS, london).candidates == ()


def test_the_buyer_s_tiers_are_the_lowest_of_the_lists_as_decimal_strings() -> None:
    # given
    levels = chain_levels((LYON,), {LYON: assigned("prl_lyon")}, None, (WEB, assigned("prl_web")))
    chain = price_chain(levels, LISTS, WHERE)
    prices = sheet_prices(
        {
            "prl_lyon": [{"unit": "each", "currency": "EUR", "min_quantity": "10", "value": "8.50"}],
            "prl_web": [
                {"unit": "each", "currency": "EUR", "min_quantity": "1", "value": "10.00"},
                {"unit": "box", "currency": "EUR", "min_quantity": "1", "value": "90"},
                {"unit": "each", "currency": "USD", "min_quantity": "1", "value": "11.00"},
            ],
        }
    )

    # when
    price = buyer_price(chain, prices, "EUR", False)

    # then
    assert price == BuyerPrice(
        currency="EUR",
        tax_included=False,
        tiers={
            "box": [BuyerTier(min_quantity="1", value="90")],
            "each": [BuyerTier(min_quantity="1", value="10.00"), BuyerTier(min_quantity="10", value="8.50")],
        },
    )


def test_a_product_no_candidate_prices_has_no_price() -> None:
    # given
    chain = price_chain(chain_levels((), {}, None, (WEB, assigned("prl_web"))), LISTS, WHERE)
    prices = ProductPrices.of({"prl_other": [PriceRow("each", "EUR", Decimal(1), Decimal(5))]})

    # then
    assert buyer_price(chain, prices, "EUR", False) is None


def test_a_sheet_s_rows_keep_their_rule() -> None:
    # when
    prices = sheet_prices(
        {"prl_web": [{"unit": "each", "currency": "EUR", "min_quantity": "1", "value": "3", "rule_id": "r1"}]}
    )

    # then
    assert prices.row("prl_web", "each", "EUR", Decimal(1)) == PriceRow(
        "each", "EUR", Decimal(1), Decimal(3), "r1"
    )
