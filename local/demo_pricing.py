"""The demo's prices: what Bob, Olga and Ina pay on Acme Germany (``shop.acme.de``), and why.

Acme Germany offers EUR (its default), USD and GBP, and merges its buyers' lists with the ``minimal``
strategy (the lowest price any of their lists gives for the quantity wins):

- **Base lists** in EUR, USD and GBP, assigned to the website: every sellable product (not the
  configurable parents), per unit it sells in, with volume tiers for pieces (from 1, 10 and 100) and one
  price per box and per pallet. The EUR price of a piece is derived from the SKU (stable across runs);
  USD and GBP are converted once at :data:`EXCHANGE_RATES` and rounded to the cent.
- **Winter promotion** (EUR, assigned to the website): safety equipment 20% off the base piece price,
  scheduled from the first day of this month until the first day of the month after next (local time):
  every buyer on the website sees it while it runs.
- **Key accounts** (EUR, assigned to the group Globex belongs to): 5% below base, every product, from
  one piece. Initech (group Standard: Ina) does not get it.
- **Globex contract** (EUR, assigned to the unit Globex Manufacturing, so Bob's Plant Lyon and Olga's
  Plant Ohio inherit it): negotiated tiers on fasteners, 12% below base from 1 piece, 18% from 50, 25%
  from 500.
- **Distributor hand tools** (rule-based, EUR, assigned to Bob's unit Plant Lyon): the products of the
  hand tools category at 10% below every base EUR row (tiers, boxes, pallets); the ``pricing``
  consumer writes its rows from the base list's, and rewrites them when a base price changes.

Acme Switzerland sells in CHF from **Base CHF** (the base list converted like USD and GBP), where
Ava's CHF demo order is placed.

So for a wrench Ina pays base, Olga 5% less (key accounts) and Bob 10% less (distributor); for a
screw Bob and Olga pay the contract's tiers; safety equipment is on promotion for all three while it
runs. The tenant's exchange rates are seeded too (rules converting currencies read them).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from local.demo_catalog import DemoCatalog, DemoProduct

CENT = Decimal("0.01")
EXCHANGE_RATES = {"USD": Decimal("1.09"), "GBP": Decimal("0.86"), "CHF": Decimal("0.94")}
ROWS_PER_CALL = 1000  # the bulk upsert's limit

PIECE_TIERS = ((Decimal(1), Decimal(1)), (Decimal(10), Decimal("0.95")), (Decimal(100), Decimal("0.90")))
PACK_DISCOUNT = {"box": Decimal("0.97"), "pallet": Decimal("0.92")}  # off the pieces it holds


def piece_price(sku: str) -> Decimal:
    """The base EUR price of one piece: 0.50 to 200.49, the same for a SKU on every run."""
    return (Decimal(50 + zlib.crc32(sku.encode()) % 20000) / 100).quantize(CENT)


def _cents(amount: Decimal) -> str:
    return str(amount.quantize(CENT, rounding=ROUND_HALF_UP))


def _sellable(product: DemoProduct) -> bool:
    return "variant_attributes" not in product.fields


def _units(product: DemoProduct) -> list[tuple[str, Decimal]]:
    """The product's units with the pieces each holds (a product without units sells by the piece)."""
    units = product.fields.get("units") or [{"code": "each"}]
    return [(unit["code"], Decimal(unit.get("conversion_factor", "1"))) for unit in units]


Rows = Callable[[DemoProduct], Iterator[dict[str, Any]]]


def base_rows(currency: str) -> Rows:
    """Every unit's base rows in ``currency``: piece tiers, and one price per box or pallet."""
    rate = Decimal(1) if currency == "EUR" else EXCHANGE_RATES[currency]

    def rows(product: DemoProduct) -> Iterator[dict[str, Any]]:
        piece = piece_price(product.sku) * rate
        for unit, pieces in _units(product):
            tiers = PIECE_TIERS if pieces == 1 else ((Decimal(1), PACK_DISCOUNT.get(unit, Decimal(1))),)
            for min_quantity, factor in tiers:
                value = _cents(piece * pieces * factor)
                yield _row(product, unit, currency, min_quantity, value)

    return rows


def piece_rows(tiers: tuple[tuple[Decimal, Decimal], ...], category_key: str | None = None) -> Rows:
    """EUR piece rows at ``tiers`` (min quantity, factor of the base piece price), for the products of
    ``category_key`` and below (every product when None)."""

    def rows(product: DemoProduct) -> Iterator[dict[str, Any]]:
        if category_key is not None and not any(
            key == category_key or key.startswith(f"{category_key}/") for key in product.category_keys
        ):
            return
        for min_quantity, factor in tiers:
            yield _row(product, "each", "EUR", min_quantity, _cents(piece_price(product.sku) * factor))

    return rows


def _row(product: DemoProduct, unit: str, currency: str, min_quantity: Decimal, value: str) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "unit": unit,
        "currency": currency,
        "min_quantity": str(min_quantity),
        "value": value,
    }


RuleFields = Callable[[Mapping[str, str], Mapping[str, str]], dict[str, Any]]
"""A rule-based list's ``product_assignment_rule`` and ``rules``, from the category ids (by demo key)
and the list ids (by demo name) the seed has."""


@dataclass(frozen=True)
class DemoPriceList:
    """A demo list by its name (its demo key), its fields, and the rows it gives each product (a
    rule-based list: its rules, whose rows the pricing consumer writes)."""

    name: str
    currencies: tuple[str, ...]
    rows: Rows | None = None
    schedules: tuple[dict[str, str], ...] = ()
    rules: RuleFields | None = None

    def fields(
        self, organization_id: str, category_ids: Mapping[str, str], list_ids: Mapping[str, str]
    ) -> dict[str, Any]:
        fields = {
            "organization_id": organization_id,
            "name": self.name,
            "currencies": list(self.currencies),
            "schedules": list(self.schedules),
        }
        if self.rules is not None:
            fields |= {"kind": "rule_based", **self.rules(category_ids, list_ids)}
        return fields

    def calls(self, catalog: DemoCatalog) -> Iterator[list[dict[str, Any]]]:
        """The list's rows for ``catalog``'s sellable products, in bulk calls of at most 1,000 rows."""
        if self.rows is None:
            return
        pending: list[dict[str, Any]] = []
        for product in filter(_sellable, catalog.products):
            pending.extend(self.rows(product))
            if len(pending) >= ROWS_PER_CALL:
                yield pending[:ROWS_PER_CALL]
                pending = pending[ROWS_PER_CALL:]
        if pending:
            yield pending


@dataclass(frozen=True)
class DemoAssignment:
    """A level's lists (by demo name, in priority order): a website, a customer group or a unit."""

    level: str  # "website" | "customer_group" | "unit"
    owner: tuple[str, ...]  # the website's or group's name; a unit: (customer, unit)
    lists: tuple[str, ...]


def _month_start(day: date, months_later: int) -> str:
    month = day.month - 1 + months_later
    return date(day.year + month // 12, month % 12 + 1, 1).isoformat() + "T00:00:00"


def demo_price_lists(today: date) -> tuple[DemoPriceList, ...]:
    promotion = {"valid_from": _month_start(today, 0), "valid_until": _month_start(today, 2)}
    return (
        DemoPriceList("Base EUR", ("EUR",), base_rows("EUR")),
        DemoPriceList("Base USD", ("USD",), base_rows("USD")),
        DemoPriceList("Base GBP", ("GBP",), base_rows("GBP")),
        DemoPriceList("Base CHF", ("CHF",), base_rows("CHF")),
        DemoPriceList(
            "Winter promotion",
            ("EUR",),
            piece_rows(((Decimal(1), Decimal("0.80")),), "safety-equipment"),
            (promotion,),
        ),
        DemoPriceList("Key accounts", ("EUR",), piece_rows(((Decimal(1), Decimal("0.95")),))),
        DemoPriceList(
            "Globex contract",
            ("EUR",),
            piece_rows(
                (
                    (Decimal(1), Decimal("0.88")),
                    (Decimal(50), Decimal("0.82")),
                    (Decimal(500), Decimal("0.75")),
                ),
                "fasteners",
            ),
        ),
        DemoPriceList("Distributor hand tools", ("EUR",), rules=_distributor_rules),
    )


def _distributor_rules(category_ids: Mapping[str, str], list_ids: Mapping[str, str]) -> dict[str, Any]:
    return {
        "product_assignment_rule": f"'{category_ids['hand-tools']}' in product.category_ids",
        "rules": [{"based_on": list_ids["Base EUR"], "formula": "base.value * 0.9"}],
    }


DEMO_ASSIGNMENTS = (
    DemoAssignment("website", ("Acme Germany",), ("Winter promotion", "Base EUR", "Base USD", "Base GBP")),
    DemoAssignment("customer_group", ("Key accounts",), ("Key accounts",)),
    DemoAssignment("unit", ("Globex", "Globex Manufacturing"), ("Globex contract",)),
    DemoAssignment("unit", ("Globex", "Plant Lyon"), ("Distributor hand tools",)),
    DemoAssignment("website", ("Acme Switzerland",), ("Base CHF",)),
)
