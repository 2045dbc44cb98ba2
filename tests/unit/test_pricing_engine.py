"""chalicelib.domain.pricing.engine: the chain, the strategies and the tiers, as tables; then both
strategies checked against a plain reference implementation on random worlds (hypothesis).

The tables' world:

    chain     unit lyon -> unit globex (its company) -> group key -> website web
    lists     contract (lyon), company (globex), group (key), base and promo (web)
    product   priced per "each" and "box" in EUR (and USD where a test says so)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain.money import Money
from chalicelib.domain.pricing.engine import (
    AssignedList,
    ChainLevel,
    Fallback,
    Level,
    Price,
    PriceChain,
    PriceRow,
    ProductPrices,
    Schedule,
    Strategy,
    is_active,
    line_total,
)

LYON, GLOBEX, KEY, WEB = "unt_lyon", "cus_globex", "cgr_key", "web_shop"
CONTRACT, COMPANY, GROUP, BASE, PROMO = "prl_contract", "prl_company", "prl_group", "prl_base", "prl_promo"
D = Decimal
RowsByList = Mapping[str, Sequence[PriceRow]]


def row(
    value: str, min_quantity: str = "1", unit: str = "each", currency: str = "EUR", rule: str | None = None
) -> PriceRow:
    return PriceRow(unit, currency, D(min_quantity), D(value), rule)


def chain(
    strategy: Strategy = "minimal",
    *,
    unit: Sequence[AssignedList] = (AssignedList(CONTRACT),),
    company: Sequence[AssignedList] = (AssignedList(COMPANY),),
    group: Sequence[AssignedList] = (AssignedList(GROUP),),
    website: Sequence[AssignedList] = (AssignedList(BASE, 1), AssignedList(PROMO, 2)),
    fallbacks: Mapping[str, Fallback] | None = None,
) -> PriceChain:
    fallback = dict(fallbacks or {})
    return PriceChain(
        [
            ChainLevel("unit", LYON, tuple(unit), fallback.get(LYON, "next")),
            ChainLevel("unit", GLOBEX, tuple(company), fallback.get(GLOBEX, "next")),
            ChainLevel("group", KEY, tuple(group), fallback.get(KEY, "next")),
            ChainLevel("website", WEB, tuple(website)),
        ],
        strategy,
    )


def picked(price: Price | None) -> tuple[str, str, str] | None:
    """(list, value, tier) of a price, for short tables."""
    if price is None:
        return None
    return price.list_id, format(price.unit_price.amount, "f"), format(price.min_quantity, "f")


# --- one list's tier ----------------------------------------------------------------------------

TIERED = (row("10.00"), row("9.00", "10"), row("8.00", "100"), row("95.00", "1", unit="box"))


@pytest.mark.parametrize(
    ("quantity", "value"),
    [("0.5", None), ("1", "10.00"), ("9.999", "10.00"), ("10", "9.00"), ("99", "9.00"), ("1000", "8.00")],
)
def test_a_list_prices_a_quantity_at_its_largest_tier_at_or_below_it(
    quantity: str, value: str | None
) -> None:
    # given / when
    found = ProductPrices.of({BASE: TIERED}).row(BASE, "each", "EUR", D(quantity))

    # then
    assert (found.value if found else None) == (D(value) if value else None)


def test_a_manual_row_beats_a_rule_made_one_of_the_same_tier() -> None:
    # given
    rows = (row("7.00", rule="rul_discount"), row("7.50"), row("6.00", rule="rul_discount"))

    # when
    found = ProductPrices.of({BASE: rows}).row(BASE, "each", "EUR", D(1))

    # then
    assert found == row("7.50")


@pytest.mark.parametrize(("unit", "currency"), [("box", "USD"), ("pallet", "EUR"), ("each", "USD")])
def test_a_list_has_no_row_for_another_unit_or_currency(unit: str, currency: str) -> None:
    # given / when / then
    assert ProductPrices.of({BASE: TIERED}).row(BASE, unit, currency, D(1)) is None


# --- the chain ----------------------------------------------------------------------------------


def test_the_candidates_follow_the_chain_then_priority() -> None:
    # given
    priced = chain(website=(AssignedList(PROMO, 2), AssignedList(BASE, 1)))

    # when
    order = [candidate.list_id for candidate in priced.candidates]

    # then
    assert order == [CONTRACT, COMPANY, GROUP, BASE, PROMO]
    assert priced.list_ids == {CONTRACT, COMPANY, GROUP, BASE, PROMO}


def test_a_level_with_this_level_only_stops_the_chain_when_it_has_an_active_list() -> None:
    # given
    stopped = chain(fallbacks={GLOBEX: "this_level_only"})

    # when / then
    assert [candidate.list_id for candidate in stopped.candidates] == [CONTRACT, COMPANY]


def test_a_level_whose_lists_are_all_inactive_does_not_stop_the_chain() -> None:
    # given
    passed = chain(company=(AssignedList(COMPANY, active=False),), fallbacks={GLOBEX: "this_level_only"})

    # when / then
    assert [candidate.list_id for candidate in passed.candidates] == [CONTRACT, GROUP, BASE, PROMO]


def test_a_list_assigned_at_two_levels_is_considered_at_the_first() -> None:
    # given
    twice = chain(group=(AssignedList(BASE, 5),))

    # when / then
    assert [(c.list_id, c.level) for c in twice.candidates] == [
        (CONTRACT, "unit"),
        (COMPANY, "unit"),
        (BASE, "group"),
        (PROMO, "website"),
    ]


# --- minimal ------------------------------------------------------------------------------------

ROWS: RowsByList = {
    CONTRACT: (row("9.50"), row("8.00", "50")),
    COMPANY: (row("9.80"), row("90.00", unit="box")),
    GROUP: (row("9.20", "10"),),
    BASE: (row("10.00"), row("9.00", "10"), row("7.90", "100"), row("100.00", unit="box")),
    PROMO: (row("9.50", rule="rul_promo"),),
}


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ("1", (CONTRACT, "9.50", "1")),  # contract and promo both 9.50: the first in the chain
        ("10", (BASE, "9.00", "10")),
        ("50", (CONTRACT, "8.00", "50")),
        ("100", (BASE, "7.90", "100")),
    ],
)
def test_minimal_takes_the_lowest_row_for_the_quantity_along_the_chain(
    quantity: str, expected: tuple[str, str, str]
) -> None:
    # given / when
    price = chain("minimal").price(ProductPrices.of(ROWS), "each", "EUR", D(quantity))

    # then
    assert picked(price) == expected


def test_minimal_ignores_inactive_lists_and_levels_beyond_the_fallback() -> None:
    # given
    priced = chain(
        "minimal",
        unit=(AssignedList(CONTRACT, active=False),),
        fallbacks={GROUP: "next", KEY: "this_level_only"},
    )

    # when
    price = priced.price(ProductPrices.of(ROWS), "each", "EUR", D(100))

    # then
    assert picked(price) == (GROUP, "9.20", "10")


@pytest.mark.parametrize(
    ("unit", "currency", "quantity"), [("each", "USD", "1"), ("pallet", "EUR", "1"), ("box", "EUR", "0.5")]
)
def test_a_product_without_a_row_for_the_unit_currency_and_quantity_is_not_priced(
    unit: str, currency: str, quantity: str
) -> None:
    # given / when / then
    assert chain("minimal").price(ProductPrices.of(ROWS), unit, currency, D(quantity)) is None


def test_a_rule_made_price_names_its_rule() -> None:
    # given
    rows = {PROMO: (row("9.50", rule="rul_promo"),)}

    # when
    price = chain("minimal").price(ProductPrices.of(rows), "each", "EUR", D(1))

    # then
    assert price == Price(D("9.50"), "EUR", D(1), PROMO, "rul_promo")
    assert price.unit_price == Money(D("9.50"), "EUR")
    assert not price.manual


@pytest.mark.parametrize("quantity", [D(0), D(-1)])
def test_a_quantity_to_price_is_above_zero(quantity: Decimal) -> None:
    # given / when / then
    with pytest.raises(ValueError, match="greater than zero"):
        chain().price(ProductPrices.of(ROWS), "each", "EUR", quantity)


# --- priority -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "unit", "quantity", "expected"),
    [
        # the first list that prices the product wins, even when a lower list is cheaper
        ({CONTRACT: (row("9.50"),), BASE: (row("5.00"),)}, "each", "1", (CONTRACT, "9.50", "1")),
        # a tier the first list lacks is filled by a lower list (merge allowed)
        (
            {CONTRACT: (row("9.50"),), BASE: (row("10.00"), row("9.00", "10"))},
            "each",
            "20",
            (BASE, "9.00", "10"),
        ),
        # an equal tier stays the first list's
        (
            {CONTRACT: (row("9.50", "10"),), BASE: (row("9.00", "10"),)},
            "each",
            "20",
            (CONTRACT, "9.50", "10"),
        ),
        # a unit the first list lacks is filled by a lower list
        ({CONTRACT: (row("9.50"),), BASE: (row("100.00", unit="box"),)}, "box", "1", (BASE, "100.00", "1")),
        # a list pricing only in another currency neither prices nor closes
        (
            {CONTRACT: (row("9.50", currency="USD"),), BASE: (row("10.00"),)},
            "each",
            "1",
            (BASE, "10.00", "1"),
        ),
    ],
)
def test_priority_merges_lists_in_chain_order(
    rows: RowsByList, unit: str, quantity: str, expected: tuple[str, str, str]
) -> None:
    # given / when
    price = chain("priority").price(ProductPrices.of(rows), unit, "EUR", D(quantity))

    # then
    assert picked(price) == expected


def test_a_list_without_merge_closes_the_product_to_lower_lists() -> None:
    # given
    exclusive = chain("priority", unit=(AssignedList(CONTRACT, merge_allowed=False),))
    rows = {CONTRACT: (row("9.50", "10"),), BASE: (row("10.00"), row("100.00", unit="box"))}

    # when
    prices = [
        exclusive.price(ProductPrices.of(rows), unit, "EUR", D(quantity))
        for unit, quantity in [("each", "1"), ("box", "1"), ("each", "10")]
    ]

    # then
    assert [picked(price) for price in prices] == [None, None, (CONTRACT, "9.50", "10")]


def test_a_list_without_merge_is_passed_over_once_a_higher_list_priced_the_product() -> None:
    # given
    passed = chain("priority", group=(AssignedList(GROUP, merge_allowed=False),))
    rows = {CONTRACT: (row("9.50", unit="box"),), GROUP: (row("8.00"),), BASE: (row("10.00"),)}

    # when
    price = passed.price(ProductPrices.of(rows), "each", "EUR", D(1))

    # then
    assert picked(price) == (BASE, "10.00", "1")


def test_within_a_level_priority_decides_who_comes_first() -> None:
    # given
    ordered = chain("priority", website=(AssignedList(PROMO, 1), AssignedList(BASE, 2)))
    rows = {BASE: (row("10.00"),), PROMO: (row("12.00"),)}

    # when
    price = ordered.price(ProductPrices.of(rows), "each", "EUR", D(1))

    # then
    assert picked(price) == (PROMO, "12.00", "1")


# --- tier tables --------------------------------------------------------------------------------


def tiers_of(priced: PriceChain, rows: RowsByList) -> dict[str, list[tuple[str, str, str]]]:
    """(list, value, from quantity) of each tier per unit."""
    return {
        unit: [
            (tier.price.list_id, format(tier.price.unit_price.amount, "f"), format(tier.min_quantity, "f"))
            for tier in tiers
        ]
        for unit, tiers in priced.tiers(ProductPrices.of(rows), "EUR").items()
    }


def test_the_minimal_tier_table_is_the_lower_envelope_of_the_lists() -> None:
    # given / when
    table = tiers_of(chain("minimal"), ROWS)

    # then
    assert table == {
        "box": [(COMPANY, "90.00", "1")],
        "each": [
            (CONTRACT, "9.50", "1"),
            (BASE, "9.00", "10"),
            (CONTRACT, "8.00", "50"),
            (BASE, "7.90", "100"),
        ],
    }


def test_a_tier_of_the_envelope_starts_where_the_price_changes_not_at_its_rows_threshold() -> None:
    # given: from 2 on, the contract's own tier is dearer than the group's tier from 1
    rows = {CONTRACT: (row("9.00"), row("9.80", "2")), GROUP: (row("9.50"),)}

    # when
    table = chain("minimal").tiers(ProductPrices.of(rows), "EUR")

    # then
    assert [(tier.min_quantity, tier.price.list_id, tier.price.min_quantity) for tier in table["each"]] == [
        (D(1), CONTRACT, D(1)),
        (D(2), GROUP, D(1)),
    ]


def test_the_priority_tier_table_is_the_merged_tiers_without_repeats() -> None:
    # given
    rows = {
        CONTRACT: (row("9.50"), row("9.00", "10")),
        COMPANY: (row("9.00", "20"), row("8.00", "50")),
        BASE: (row("10.00", "5"), row("7.00", "100"), row("100.00", unit="box")),
    }

    # when
    table = tiers_of(chain("priority"), rows)

    # then
    assert table == {
        "box": [(BASE, "100.00", "1")],
        "each": [
            (CONTRACT, "9.50", "1"),
            (BASE, "10.00", "5"),
            (CONTRACT, "9.00", "10"),
            (COMPANY, "8.00", "50"),
            (BASE, "7.00", "100"),
        ],
    }


def test_a_product_no_candidate_prices_has_an_empty_tier_table() -> None:
    # given / when / then
    assert chain().tiers(ProductPrices.of({"prl_unassigned": (row("1.00"),)}), "EUR") == {}


# --- explanation --------------------------------------------------------------------------------


def test_the_minimal_explanation_names_each_lists_outcome() -> None:
    # given
    priced = chain("minimal", company=(AssignedList(COMPANY, active=False),))
    rows = {
        CONTRACT: (row("9.50"),),
        GROUP: (row("9.20", "10"),),
        BASE: (row("9.00"), row("100.00", unit="box")),
        PROMO: (row("9.00", unit="box"),),
    }

    # when
    explanation = priced.explain(ProductPrices.of(rows), "each", "EUR", D(2))

    # then
    assert [(step.list_id, step.outcome) for step in explanation.lists] == [
        (CONTRACT, "priced_higher"),
        (COMPANY, "inactive"),
        (GROUP, "below_tiers"),
        (BASE, "picked"),
        (PROMO, "no_row"),
    ]
    assert explanation.price is not None
    assert explanation.price.model_dump(mode="json") == {
        "min_quantity": "1",
        "unit_price": {"amount": "9.00", "currency": "EUR"},
        "list_id": BASE,
        "manual": True,
        "rule_id": None,
    }
    assert explanation.lists[0].row is not None
    assert explanation.lists[0].row.unit_price.amount == "9.50"


def test_the_priority_explanation_names_merges_closures_and_passed_over_lists() -> None:
    # given
    priced = chain(
        "priority",
        company=(AssignedList(COMPANY, merge_allowed=False),),
        group=(AssignedList(GROUP, merge_allowed=False),),
    )
    rows = {
        CONTRACT: (row("9.50", "10"),),
        COMPANY: (row("9.80"),),
        GROUP: (row("9.00"),),
        BASE: (row("8.00", "5"),),
        PROMO: (row("7.00"),),
    }

    # when
    explanation = priced.explain(ProductPrices.of(rows), "each", "EUR", D(20))

    # then
    assert [(step.list_id, step.outcome, step.closed_by) for step in explanation.lists] == [
        (CONTRACT, "picked", None),
        (COMPANY, "exclusive_passed_over", None),
        (GROUP, "exclusive_passed_over", None),
        (BASE, "other_tier_applies", None),
        (PROMO, "other_tier_applies", None),
    ]


def test_the_explanation_says_where_the_chain_stopped_and_what_it_left_out() -> None:
    # given
    priced = chain(
        "priority", unit=(AssignedList(CONTRACT, merge_allowed=False),), fallbacks={KEY: "this_level_only"}
    )
    rows = {CONTRACT: (row("9.50"),), COMPANY: (row("9.00"),), BASE: (row("8.00"),)}

    # when
    explanation = priced.explain(ProductPrices.of(rows), "each", "EUR", D(1))

    # then
    assert [(step.level_id, step.consulted, step.stopped_here) for step in explanation.levels] == [
        (LYON, True, False),
        (GLOBEX, True, False),
        (KEY, True, True),
        (WEB, False, False),
    ]
    assert [(step.list_id, step.outcome, step.closed_by) for step in explanation.lists] == [
        (CONTRACT, "picked", None),
        (COMPANY, "closed", CONTRACT),
        (GROUP, "closed", CONTRACT),
        (BASE, "beyond_fallback", None),
        (PROMO, "beyond_fallback", None),
    ]


def test_the_explanation_of_a_duplicate_and_of_a_product_not_priced() -> None:
    # given
    priced = chain("minimal", group=(AssignedList(BASE),))

    # when
    explanation = priced.explain(ProductPrices.of({}), "each", "EUR", D(1))

    # then
    assert explanation.price is None
    assert (explanation.lists[2].list_id, explanation.lists[2].level, explanation.lists[2].outcome) == (
        BASE,
        "group",
        "no_row",
    )
    assert (explanation.lists[3].list_id, explanation.lists[3].outcome) == (BASE, "duplicate")
    assert explanation.model_dump(mode="json")["quantity"] == "1"


# --- activity -----------------------------------------------------------------------------------

BERLIN = "Europe/Berlin"


def local(year: int, month: int, day: int) -> datetime:
    """A website's local date-time (naive: its time zone is the website's)."""
    return datetime(year, month, day)  # noqa: DTZ001


SUMMER_SALE = Schedule(local(2026, 7, 1), local(2026, 8, 1))


@pytest.mark.parametrize(
    ("active", "schedules", "now", "expected"),
    [
        (True, (), datetime(2026, 1, 1, tzinfo=UTC), True),
        (False, (), datetime(2026, 1, 1, tzinfo=UTC), False),
        (False, (SUMMER_SALE,), datetime(2026, 7, 15, tzinfo=UTC), False),
        # midnight in Berlin is 22:00 UTC the day before (summer time)
        (True, (SUMMER_SALE,), datetime(2026, 6, 30, 22, 0, tzinfo=UTC), True),
        (True, (SUMMER_SALE,), datetime(2026, 6, 30, 21, 59, tzinfo=UTC), False),
        (True, (SUMMER_SALE,), datetime(2026, 7, 31, 21, 59, 59, tzinfo=UTC), True),
        (True, (SUMMER_SALE,), datetime(2026, 7, 31, 22, 0, tzinfo=UTC), False),  # until is excluded
        (True, (SUMMER_SALE,), datetime(2026, 7, 1, 1, 0, tzinfo=timezone(timedelta(hours=-5))), True),
        (True, (Schedule(valid_from=local(2026, 3, 1)),), datetime(2030, 1, 1, tzinfo=UTC), True),
        (True, (Schedule(valid_until=local(2026, 3, 1)),), datetime(2030, 1, 1, tzinfo=UTC), False),
        (
            True,
            (Schedule(valid_until=local(2026, 3, 1)), SUMMER_SALE),
            datetime(2026, 7, 2, tzinfo=UTC),
            True,
        ),
    ],
)
def test_a_list_is_active_when_its_flag_is_on_and_a_schedule_contains_the_local_now(
    active: bool, schedules: tuple[Schedule, ...], now: datetime, expected: bool
) -> None:
    # given / when / then
    assert is_active(active, schedules, now, BERLIN) is expected


def test_now_must_be_aware() -> None:
    # given / when / then
    with pytest.raises(ValueError, match="aware"):
        is_active(True, (), datetime(2026, 1, 1), BERLIN)  # noqa: DTZ001


def test_a_line_total_rounds_at_the_named_point() -> None:
    # given
    price = Price(D("0.0125"), "EUR", D(1), BASE, None)

    # when / then
    assert line_total(price, D(3)) == Money(D("0.04"), "EUR")
    assert line_total(price, D(3), "down") == Money(D("0.03"), "EUR")
    assert line_total(price, D(3)).amount.as_tuple().exponent == -2


# --- property tests: both strategies against a plain reference ----------------------------------

LIST_IDS = ("prl_a", "prl_b", "prl_c", "prl_d", "prl_e", "prl_f")
UNITS = ("each", "box")
CURRENCIES = ("EUR", "USD")
THRESHOLDS = tuple(D(t) for t in ("1", "2", "2.5", "5", "10", "50"))
QUANTITIES = tuple(D(q) for q in ("0.5", "1", "2", "2.4", "2.5", "3", "5", "9.99", "10", "49", "50", "1000"))


def list_rows(units: Sequence[str], currencies: Sequence[str]) -> st.SearchStrategy[tuple[PriceRow, ...]]:
    """A list's rows for a product: at most one of each (unit, currency, tier, manual or rule-made),
    so at most one manual and one rule-made row per unit, currency and tier, as the store keeps them;
    values of a few cents, so that lists tie and cross often."""
    keys = [(u, c, t, r) for u in units for c in currencies for t in THRESHOLDS for r in (None, "rul_x")]
    return st.dictionaries(st.sampled_from(keys), st.integers(0, 50), max_size=6).map(
        lambda priced: tuple(
            PriceRow(u, c, t, D(value).scaleb(-2), r) for (u, c, t, r), value in priced.items()
        )
    )


assignments = st.lists(
    st.tuples(st.sampled_from(LIST_IDS), st.integers(0, 2), st.booleans()),
    max_size=3,
    unique_by=lambda assignment: assignment[0],
)
fallbacks: st.SearchStrategy[Fallback] = st.sampled_from(("next", "this_level_only"))


@st.composite
def worlds(
    draw: st.DrawFn, units: Sequence[str] | None = None, currencies: Sequence[str] | None = None
) -> tuple[list[ChainLevel], dict[str, tuple[PriceRow, ...]]]:
    """Random levels (0 to 3 units, maybe a group, the website), each with random assignments
    (priority, merge flag) and fallback; each list active or not; random rows per list in those
    units and currencies (unless given: "each" and EUR, or both units and both currencies; with
    fewer, the lists' rows meet more often)."""
    inactive = draw(st.sets(st.sampled_from(LIST_IDS)))
    unit_levels: list[Level] = ["unit" for _ in range(draw(st.integers(0, 3)))]
    group_level: list[Level] = ["group"] if draw(st.booleans()) else []
    kinds: list[Level] = [*unit_levels, *group_level, "website"]
    levels = [
        ChainLevel(
            kind,
            f"lvl_{number}",
            tuple(AssignedList(i, p, m, i not in inactive) for i, p, m in draw(assignments)),
            draw(fallbacks),
        )
        for number, kind in enumerate(kinds)
    ]
    if units is None or currencies is None:
        units, currencies = draw(st.sampled_from([(UNITS[:1], CURRENCIES[:1]), (UNITS, CURRENCIES)]))
    return levels, draw(st.fixed_dictionaries(dict.fromkeys(LIST_IDS, list_rows(units, currencies))))


def reference_candidates(levels: Sequence[ChainLevel]) -> list[AssignedList]:
    """Active lists level by level (priority, then id), each once; stop after a this_level_only level
    that has one."""
    taken: list[AssignedList] = []
    for level in levels:
        active = [a for a in sorted(level.lists, key=lambda a: (a.priority, a.list_id)) if a.active]
        taken += [a for a in active if a.list_id not in {t.list_id for t in taken}]
        if level.fallback == "this_level_only" and active:
            break
    return taken


def reference_row(rows: Sequence[PriceRow], unit: str, currency: str, quantity: Decimal) -> PriceRow | None:
    fitting = [r for r in rows if r.unit == unit and r.currency == currency and r.min_quantity <= quantity]
    if not fitting:
        return None
    top = [r for r in fitting if r.min_quantity == max(r.min_quantity for r in fitting)]
    return ([r for r in top if r.rule_id is None] or top)[0]


def reference_price(
    levels: Sequence[ChainLevel],
    strategy: Strategy,
    rows: RowsByList,
    unit: str,
    currency: str,
    quantity: Decimal,
) -> tuple[str, Decimal, Decimal, str | None] | None:
    """(list, value, tier, rule) the module's rule gives, computed the plain way."""
    candidates = reference_candidates(levels)
    if strategy == "minimal":
        offers = [
            (found.value, position, candidate.list_id, found)
            for position, candidate in enumerate(candidates)
            if (found := reference_row(rows.get(candidate.list_id, ()), unit, currency, quantity))
        ]
        if not offers:
            return None
        value, _, list_id, found = min(offers, key=lambda offer: (offer[0], offer[1]))
        return list_id, value, found.min_quantity, found.rule_id
    # priority: build the whole merged table of the currency, then read the unit's tier
    table: dict[tuple[str, Decimal], tuple[str, PriceRow]] = {}
    priced = False
    for candidate in candidates:
        own = [r for r in rows.get(candidate.list_id, ()) if r.currency == currency]
        if not own or (priced and not candidate.merge_allowed):
            continue
        for r in sorted(own, key=lambda r: r.rule_id is not None):  # manual first
            table.setdefault((r.unit, r.min_quantity), (candidate.list_id, r))
        priced = True
        if not candidate.merge_allowed:
            break
    fitting = [key for key in table if key[0] == unit and key[1] <= quantity]
    if not fitting:
        return None
    list_id, found = table[max(fitting)]
    return list_id, found.value, found.min_quantity, found.rule_id


def as_tuple(price: Price | None) -> tuple[str, Decimal, Decimal, str | None] | None:
    return (
        None if price is None else (price.list_id, price.unit_price.amount, price.min_quantity, price.rule_id)
    )


@settings(max_examples=150, deadline=None)
@given(world=worlds(), strategy=st.sampled_from(["minimal", "priority"]))
def test_both_strategies_agree_with_the_reference(
    world: tuple[list[ChainLevel], dict[str, tuple[PriceRow, ...]]], strategy: Strategy
) -> None:
    # given
    levels, rows = world
    asked = [(u, c, q) for u in UNITS for c in CURRENCIES for q in QUANTITIES]

    # when
    priced = PriceChain(levels, strategy)
    prices = [
        priced.price(ProductPrices.of(rows), unit, currency, quantity) for unit, currency, quantity in asked
    ]

    # then: for every unit, currency and quantity
    assert [as_tuple(price) for price in prices] == [
        reference_price(levels, strategy, rows, *line) for line in asked
    ]


@settings(max_examples=100, deadline=None)
@given(world=worlds(units=("each",), currencies=("EUR",)), strategy=st.sampled_from(["minimal", "priority"]))
def test_the_tier_table_gives_every_quantity_its_reference_price(
    world: tuple[list[ChainLevel], dict[str, tuple[PriceRow, ...]]], strategy: Strategy
) -> None:
    # given: one unit and currency, so that the lists' tiers meet
    levels, rows = world
    currency = "EUR"

    # when
    table = PriceChain(levels, strategy).tiers(ProductPrices.of(rows), currency)

    # then
    for unit in UNITS:
        tiers = table.get(unit, ())
        assert all(
            low.price.unit_price != high.price.unit_price for low, high in zip(tiers, tiers[1:], strict=False)
        )
        for quantity in QUANTITIES:
            shown = [tier for tier in tiers if tier.min_quantity <= quantity]
            expected = reference_price(levels, strategy, rows, unit, currency, quantity)
            assert (shown[-1].price.unit_price.amount if shown else None) == (
                expected[1] if expected else None
            )


@settings(max_examples=60, deadline=None)
@given(
    world=worlds(),
    strategy=st.sampled_from(["minimal", "priority"]),
    unit=st.sampled_from(UNITS),
    quantity=st.sampled_from(QUANTITIES),
)
def test_the_explanation_names_the_price_the_buyer_is_shown(
    world: tuple[list[ChainLevel], dict[str, tuple[PriceRow, ...]]],
    strategy: Strategy,
    unit: str,
    quantity: Decimal,
) -> None:
    # given
    levels, rows = world
    priced = PriceChain(levels, strategy)

    # when
    explanation = priced.explain(ProductPrices.of(rows), unit, "EUR", quantity)

    # then
    price = priced.price(ProductPrices.of(rows), unit, "EUR", quantity)
    shown = explanation.price
    expected = (price.list_id, format(price.unit_price.amount, "f")) if price else None
    assert ((shown.list_id, shown.unit_price.amount) if shown else None) == expected
    winners = [step.list_id for step in explanation.lists if step.outcome == "picked"]
    assert winners == ([price.list_id] if price else [])
