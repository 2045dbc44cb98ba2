"""Which price a buyer gets: the assignment chain, the website's strategy and the tier, in memory.

The rule (the explanation route and the storefront answer with it):

1. **The chain.** A buyer on a website is priced along levels, most specific first: the buyer's unit,
   its parent units up to the company, the unit's effective customer group, the website
   (:class:`ChainLevel`). Each level holds assigned lists (:class:`AssignedList`), taken in
   ``priority`` order (lower first; equal priorities by list id). A list is *active* when its flag is
   on and it has no schedule or one containing now (:func:`is_active`); an inactive list is passed
   over as if unassigned. A level's ``fallback`` says whether the next level is consulted too:
   ``"next"`` (always), or ``"this_level_only"`` (not when this level has an active list, whether
   or not it prices the product: the chain stops there). A list assigned at several levels is
   considered once, at its first. The lists left, in that order, are the *candidates*
   (:attr:`PriceChain.candidates`): they depend on the buyer, never on the product.
2. **A list's tier.** For a unit, a currency and a quantity ``q`` (in that unit), a list's row is
   the one of that unit and currency with the largest ``min_quantity <= q``; at an equal threshold
   its manual row (no rule id) beats a rule-made one.
3. **The strategy** of the website:

   - ``"minimal"``: the lowest of the candidates' rows for ``q`` (equal values: the first candidate);
     ``merge_allowed`` plays no part.
   - ``"priority"``: the candidates' rows of the currency are merged in candidate order into one
     tier table per unit: a tier (unit, threshold) already set by an earlier list is kept, the
     others are added. A list with ``merge_allowed: false`` is exclusive: it is merged only when no
     earlier list has priced the product in the currency (else it is passed over), and once merged
     it closes the product to every later list. The price for ``q`` is the merged table's row of
     the unit with the largest threshold ``<= q``: the first list that prices the product in the
     unit and currency wins, and lower lists fill the tiers and units it lacks while it allows it.
     A list without a row in the currency neither prices nor closes the product.

   No candidate row: the product is *not priced* (``None``) for that unit, currency and quantity.
4. **The buyer's tier table** (:meth:`PriceChain.tiers`) is the same price read at every threshold
   any candidate has for the unit and currency, keeping a tier only where the price changes: for
   ``"minimal"`` the lower envelope of the lists, for ``"priority"`` the merged tiers. Any quantity's
   price is the table's row with the largest ``min_quantity`` at or below it (:class:`Tier`: the
   row's price names the list, rule and list tier that price its threshold).

Nothing rounds here: a :class:`Price` holds the row's exact value; :func:`line_total` rounds a line
at that named point. Inputs are frozen dataclasses, a product's rows indexed per unit and currency
on their first selection (:meth:`ProductPrices.index`: per list, the thresholds ascending for a bisection), a
:class:`Price` a named tuple (the issue's bar: 1,000 lines priced within 10 ms; ``make
bench-pricing`` measures it). The explanation is made of :class:`~chalicelib.domain.base.View`
models, ready to be answered as JSON.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from chalicelib.domain.base import View
from chalicelib.domain.money import DEFAULT_ROUNDING, Money, MoneyView, RoundingMode, rounded_money

Level = Literal["unit", "group", "website"]
Fallback = Literal["next", "this_level_only"]
Strategy = Literal["minimal", "priority"]
Outcome = Literal[
    "picked",  # its row is the price
    "priced_higher",  # minimal: its row for the quantity is higher (or equal, and a list before it won)
    "other_tier_applies",  # priority: merged, but another list's tier is the one for the quantity
    "below_tiers",  # it has rows for the unit and currency, all for larger quantities
    "no_row",  # no row for the unit and currency (priority: or none in the currency at all)
    "exclusive_passed_over",  # priority: merge_allowed false, and a list before it priced the product
    "closed",  # priority: a list before it with merge_allowed false priced the product (closed_by)
    "inactive",  # its active flag is off, or no schedule contains now
    "duplicate",  # assigned at an earlier level too: considered there
    "beyond_fallback",  # its level comes after one whose fallback is this_level_only
]


@dataclass(frozen=True, slots=True)
class PriceRow:
    """One price of a list for a product: per ``unit`` and ``currency``, from ``min_quantity`` (the
    tier threshold, > 0) on, ``value`` per unit; ``rule_id`` names the rule that made it (manual:
    ``None``)."""

    unit: str
    currency: str
    min_quantity: Decimal
    value: Decimal
    rule_id: str | None = None


Tiers = tuple[tuple[Decimal, ...], tuple[PriceRow, ...]]
"""One list's tiers of one unit and currency: the thresholds ascending, and the row of each."""


@dataclass(frozen=True, slots=True)
class ProductPrices:
    """A product's rows across lists, for selection (build with :meth:`of`). Indexing is paid for
    what is priced only: the first selection in a unit and currency indexes that unit and currency's
    rows into each list's :data:`Tiers` (a manual row kept over a rule-made one of the same
    threshold; between two of a kind, the first), kept on the sheet for the next selections. A
    request mostly prices one unit and currency of a product: indexing every one of them when the
    sheet was read cost ~15 times a line's selection (``make bench-pricing``)."""

    rows_by_list: Mapping[str, Sequence[PriceRow]]
    _index: dict[tuple[str, str], tuple[Mapping[str, Tiers], frozenset[str]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, rows_by_list: Mapping[str, Iterable[PriceRow]]) -> ProductPrices:
        """From the rows by list id, as a product's price sheet holds them (its ``lists`` map, read)."""
        return cls({list_id: tuple(rows) for list_id, rows in rows_by_list.items()})

    def index(self, unit: str, currency: str) -> tuple[Mapping[str, Tiers], frozenset[str]]:
        """Each list's :data:`Tiers` of the unit and currency, and the lists with a row in the
        currency (indexed on first use, then kept)."""
        found = self._index.get((unit, currency))
        if found is None:
            found = self._index[(unit, currency)] = _indexed(self.rows_by_list, unit, currency)
        return found

    def units(self, currency: str) -> list[str]:
        """The units with a row in the currency, sorted."""
        return sorted(
            {row.unit for rows in self.rows_by_list.values() for row in rows if row.currency == currency}
        )

    def row(self, list_id: str, unit: str, currency: str, quantity: Decimal) -> PriceRow | None:
        """A list's row for the quantity: of the unit and currency, the largest ``min_quantity`` at
        or below it."""
        return _tier_row(self.index(unit, currency)[0].get(list_id), quantity)


def _indexed(
    rows_by_list: Mapping[str, Sequence[PriceRow]], unit: str, currency: str
) -> tuple[Mapping[str, Tiers], frozenset[str]]:
    """Each list's :data:`Tiers` of the unit and currency, and the lists with a row in the currency
    (the same pass: the priority strategy reads both)."""
    tiers: dict[str, Tiers] = {}
    in_currency: list[str] = []
    for list_id, rows in rows_by_list.items():
        by_threshold: dict[Decimal, PriceRow] = {}
        priced = False
        for row in rows:
            if row.currency == currency:
                priced = True
                if row.unit == unit:
                    held = by_threshold.get(row.min_quantity)
                    if held is None or (held.rule_id is not None and row.rule_id is None):
                        by_threshold[row.min_quantity] = row
        if priced:
            in_currency.append(list_id)
        if by_threshold:
            thresholds = tuple(sorted(by_threshold))
            tiers[list_id] = (thresholds, tuple(map(by_threshold.__getitem__, thresholds)))
    return tiers, frozenset(in_currency)


def _tier_row(tiers: Tiers | None, quantity: Decimal) -> PriceRow | None:
    if tiers is None:
        return None
    position = bisect_right(tiers[0], quantity)
    return tiers[1][position - 1] if position else None


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a list applies, as local date-times of the website's time zone (naive): from
    ``valid_from`` (included) until ``valid_until`` (excluded); an open side is unbounded."""

    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def contains(self, local: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= local) and (
            self.valid_until is None or local < self.valid_until
        )


def is_active(active: bool, schedules: Iterable[Schedule], now: datetime, time_zone: str) -> bool:
    """Whether a list applies at ``now`` (aware) on a website in ``time_zone`` (IANA): its flag is on,
    and it has no schedule or one containing now's local date-time there."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    if not active:
        return False
    local: datetime | None = None
    for schedule in schedules:
        local = local or now.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)
        if schedule.contains(local):
            return True
    return local is None


@dataclass(frozen=True, slots=True)
class AssignedList:
    """A list assigned at one level: its priority there (lower first), whether lower lists may merge
    with it (``"priority"`` strategy), and whether it is active now (:func:`is_active`)."""

    list_id: str
    priority: int = 0
    merge_allowed: bool = True
    active: bool = True


@dataclass(frozen=True, slots=True)
class ChainLevel:
    """One level of the chain: a unit, the customer group or the website, its lists and fallback."""

    level: Level
    level_id: str
    lists: tuple[AssignedList, ...] = ()
    fallback: Fallback = "next"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A list the strategy considers, and where it is assigned."""

    list_id: str
    level: Level
    level_id: str
    priority: int
    merge_allowed: bool


_ZERO = Decimal(0)


class Price(NamedTuple):
    """The price a buyer gets per unit: the exact ``value`` in ``currency`` of the tier from
    ``min_quantity``, of list ``list_id``, made by rule ``rule_id`` (``None``: a manual price). A
    named tuple, its :class:`~chalicelib.domain.money.Money` made on use: one is made per priced
    line, at a third of a frozen dataclass's cost."""

    value: Decimal
    currency: str
    min_quantity: Decimal
    list_id: str
    rule_id: str | None

    @property
    def unit_price(self) -> Money:
        return Money(self.value, self.currency)

    @property
    def manual(self) -> bool:
        return self.rule_id is None


class Tier(NamedTuple):
    """A row of a buyer's tier table: from ``min_quantity`` on (where the price changes), ``price``
    (whose own ``min_quantity`` is its row's threshold, at or below this one)."""

    min_quantity: Decimal
    price: Price


def line_total(price: Price, quantity: Decimal, mode: RoundingMode = DEFAULT_ROUNDING) -> Money:
    """The line's amount: unit price times quantity, rounded to the currency's minor unit with ``mode``."""
    return rounded_money(price.value * quantity, price.currency, mode)


class TierView(View):
    """A list's tier: from ``min_quantity`` on, ``unit_price`` per unit, from that list, entered by
    hand (``manual``) or made by the rule ``rule_id``."""

    min_quantity: str
    unit_price: MoneyView
    list_id: str
    manual: bool
    rule_id: str | None

    @classmethod
    def of(cls, price: Price) -> TierView:
        return cls(
            min_quantity=format(price.min_quantity, "f"),
            unit_price=MoneyView.of(price.unit_price),
            list_id=price.list_id,
            manual=price.manual,
            rule_id=price.rule_id,
        )


class LevelStep(View):
    """A level of the chain: its active lists, whether it was consulted, and whether the chain
    stopped there (fallback ``this_level_only`` with an active list)."""

    level: Level
    level_id: str
    fallback: Fallback
    active_lists: int
    consulted: bool
    stopped_here: bool


class ListStep(View):
    """An assigned list in the order the strategy considered it, what came of it, and its own row
    for the unit, currency and quantity (when it has one)."""

    list_id: str
    level: Level
    level_id: str
    priority: int
    merge_allowed: bool
    outcome: Outcome
    closed_by: str | None = None
    row: TierView | None = None


class PriceExplanation(View):
    """Why a product costs what it does for a buyer: the levels in order, each assigned list with its
    outcome, and the price picked (``None``: not priced) with its tier."""

    strategy: Strategy
    unit: str
    currency: str
    quantity: str
    levels: list[LevelStep]
    lists: list[ListStep]
    price: TierView | None


@dataclass(frozen=True, slots=True)
class _Passed:
    """An assignment that is no candidate, and why."""

    assignment: Candidate
    outcome: Outcome


class PriceChain:
    """A buyer's chain on a website with its strategy: build once per request (the candidates do not
    depend on the product), then price each product from its :data:`ProductPrices`."""

    def __init__(self, levels: Sequence[ChainLevel], strategy: Strategy) -> None:
        self.levels = tuple(levels)
        self.strategy: Strategy = strategy
        considered: list[Candidate | _Passed] = []
        steps: list[LevelStep] = []
        seen: set[str] = set()
        stopped = False
        for level in self.levels:
            active_lists = sum(1 for assigned in level.lists if assigned.active)
            for assigned in sorted(level.lists, key=lambda a: (a.priority, a.list_id)):
                candidate = Candidate(
                    assigned.list_id, level.level, level.level_id, assigned.priority, assigned.merge_allowed
                )
                if stopped:
                    considered.append(_Passed(candidate, "beyond_fallback"))
                elif not assigned.active:
                    considered.append(_Passed(candidate, "inactive"))
                elif assigned.list_id in seen:
                    considered.append(_Passed(candidate, "duplicate"))
                else:
                    seen.add(assigned.list_id)
                    considered.append(candidate)
            stops_here = not stopped and level.fallback == "this_level_only" and active_lists > 0
            steps.append(
                LevelStep(
                    level=level.level,
                    level_id=level.level_id,
                    fallback=level.fallback,
                    active_lists=active_lists,
                    consulted=not stopped,
                    stopped_here=stops_here,
                )
            )
            stopped = stopped or stops_here
        self._considered = tuple(considered)
        self._level_steps = tuple(steps)
        self.candidates: tuple[Candidate, ...] = tuple(c for c in considered if isinstance(c, Candidate))
        self.list_ids: frozenset[str] = frozenset(seen)
        """The lists a product's price sheet must show for this buyer (a read's projection)."""
        # the candidates' ids and merge flags unpacked once, for the selections' loops
        self._by_list_id = tuple((c.list_id, c.merge_allowed, c) for c in self.candidates)
        self._by_priority_strategy = strategy == "priority"

    # --- the strategies -----------------------------------------------------------------------

    def _minimal(
        self, prices: ProductPrices, unit: str, currency: str, quantity: Decimal
    ) -> tuple[PriceRow, Candidate] | None:
        by_list = prices.index(unit, currency)[0]
        best: PriceRow | None = None
        source: Candidate | None = None
        for list_id, _, candidate in self._by_list_id:
            tiers = by_list.get(list_id)
            # _tier_row's, inlined: the hottest loop
            if tiers is not None and (position := bisect_right(tiers[0], quantity)):
                row = tiers[1][position - 1]
                if best is None or row.value < best.value:
                    best, source = row, candidate
        return None if best is None or source is None else (best, source)

    def _by_priority(
        self,
        prices: ProductPrices,
        unit: str,
        currency: str,
        quantity: Decimal,
        refused: dict[str, tuple[Outcome, str | None]] | None = None,
    ) -> tuple[PriceRow, Candidate] | None:
        """The merge of the module's rule, read at the quantity; ``refused`` (when given) gets each
        candidate the merge does not take: why (``no_row``, ``exclusive_passed_over``, ``closed``),
        and the list that closed the product."""
        by_list, priced_in_currency = prices.index(unit, currency)
        best: PriceRow | None = None
        source: Candidate | None = None
        priced = False
        closer: str | None = None
        for list_id, merge_allowed, candidate in self._by_list_id:
            if closer is not None:
                if refused is None:
                    break
                refused[list_id] = ("closed", closer)
            elif list_id not in priced_in_currency:
                if refused is not None:
                    refused[list_id] = ("no_row", None)
            elif priced and not merge_allowed:
                if refused is not None:
                    refused[list_id] = ("exclusive_passed_over", None)
            else:
                priced = True
                closer = None if merge_allowed else list_id
                tiers = by_list.get(list_id)
                # _tier_row's, inlined: the hottest loop
                if tiers is not None and (position := bisect_right(tiers[0], quantity)):
                    row = tiers[1][position - 1]
                    # an equal threshold is a tier an earlier list already set
                    if best is None or row.min_quantity > best.min_quantity:
                        best, source = row, candidate
        return None if best is None or source is None else (best, source)

    def _pick(
        self,
        prices: ProductPrices,
        unit: str,
        currency: str,
        quantity: Decimal,
        refused: dict[str, tuple[Outcome, str | None]] | None = None,
    ) -> tuple[PriceRow, Candidate] | None:
        if not quantity > _ZERO:
            raise _not_positive(quantity)
        if self._by_priority_strategy:
            return self._by_priority(prices, unit, currency, quantity, refused)
        return self._minimal(prices, unit, currency, quantity)

    # --- the answers --------------------------------------------------------------------------

    def price(self, prices: ProductPrices, unit: str, currency: str, quantity: Decimal) -> Price | None:
        """The price per ``unit`` in ``currency`` for ``quantity`` of the product whose prices by list
        are ``prices``; ``None`` when it is not priced."""
        # _pick's, inlined: one call less a line
        if not quantity > _ZERO:
            raise _not_positive(quantity)
        if self._by_priority_strategy:
            picked = self._by_priority(prices, unit, currency, quantity)
        else:
            picked = self._minimal(prices, unit, currency, quantity)
        return None if picked is None else _price_of(*picked)

    def tiers(self, prices: ProductPrices, currency: str) -> dict[str, tuple[Tier, ...]]:
        """The buyer's tier table per unit in ``currency``: the price at each threshold a candidate
        has, a tier kept only where the price changes. Units without a price are left out."""
        thresholds: dict[str, set[Decimal]] = {}
        for unit in prices.units(currency):
            by_list = prices.index(unit, currency)[0]
            for candidate in self.candidates:
                if (own := by_list.get(candidate.list_id)) is not None:
                    thresholds.setdefault(unit, set()).update(own[0])
        table: dict[str, tuple[Tier, ...]] = {}
        for unit in sorted(thresholds):
            tiers: list[Tier] = []
            for threshold in sorted(thresholds[unit]):
                price = self.price(prices, unit, currency, threshold)
                if price is not None and (not tiers or tiers[-1].price.value != price.value):
                    tiers.append(Tier(threshold, price))
            if tiers:
                table[unit] = tuple(tiers)
        return table

    def explain(self, prices: ProductPrices, unit: str, currency: str, quantity: Decimal) -> PriceExplanation:
        """What :meth:`price` answers, with the levels consulted and each assigned list's outcome."""
        refused: dict[str, tuple[Outcome, str | None]] = {}
        picked = self._pick(prices, unit, currency, quantity, refused)
        price = None if picked is None else _price_of(*picked)
        steps = []
        for considered in self._considered:
            if isinstance(considered, _Passed):
                steps.append(_list_step(considered.assignment, considered.outcome))
                continue
            row = prices.row(considered.list_id, unit, currency, quantity)
            outcome, closer = refused.get(considered.list_id) or (
                _outcome(considered, prices, row, unit, currency, price, self.strategy),
                None,
            )
            steps.append(
                _list_step(
                    considered,
                    outcome,
                    closed_by=closer,
                    row=None if row is None else TierView.of(_price_of(row, considered)),
                )
            )
        return PriceExplanation(
            strategy=self.strategy,
            unit=unit,
            currency=currency,
            quantity=format(quantity, "f"),
            levels=list(self._level_steps),
            lists=steps,
            price=None if price is None else TierView.of(price),
        )


def _not_positive(quantity: Decimal) -> ValueError:
    return ValueError(f"a quantity to price must be greater than zero, not {quantity}")


def _price_of(row: PriceRow, source: Candidate) -> Price:
    # tuple.__new__ skips the named tuple's Python-level __new__: half the cost, one made per line
    return tuple.__new__(Price, (row.value, row.currency, row.min_quantity, source.list_id, row.rule_id))


def _outcome(
    candidate: Candidate,
    prices: ProductPrices,
    row: PriceRow | None,
    unit: str,
    currency: str,
    price: Price | None,
    strategy: Strategy,
) -> Outcome:
    """What came of a candidate the strategy took into account (see :data:`Outcome`)."""
    if price is not None and price.list_id == candidate.list_id:
        return "picked"
    if row is not None:
        return "priced_higher" if strategy == "minimal" else "other_tier_applies"
    if candidate.list_id in prices.index(unit, currency)[0]:
        return "below_tiers"
    return "no_row"


def _list_step(
    candidate: Candidate, outcome: Outcome, *, closed_by: str | None = None, row: TierView | None = None
) -> ListStep:
    return ListStep(
        list_id=candidate.list_id,
        level=candidate.level,
        level_id=candidate.level_id,
        priority=candidate.priority,
        merge_allowed=candidate.merge_allowed,
        outcome=outcome,
        closed_by=closed_by,
        row=row,
    )
