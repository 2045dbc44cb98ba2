"""The pure price selection (``chalicelib.domain.pricing.engine``), timed in process. Prints figures;
never asserts.

What it does:

1. Builds what a storefront request has in memory (its price sheets read and indexed): a buyer
   whose chain has 4 levels (unit, parent unit, customer group, website) with 7 assigned lists (one
   inactive, one exclusive without merge), and 1,000 products whose price sheets hold 5 of those
   lists each (and 2 lists of other buyers), each list pricing 2 units x 2 currencies x 4 tiers, a
   quarter of the rows made by a rule.
2. Times with ``timeit`` (median and minimum of ``--repeat`` runs) pricing 1,000 lines (product,
   unit, quantity): ``PriceChain(...)`` built once, then per line the price and its line total
   rounded to the currency's minor unit, for each strategy, on sheets already indexed in the line's
   unit and currency (a sheet indexes a unit and currency on its first selection in them: a run
   before the timing does it). The issue's bar: 1,000 lines in at most 10 ms.
3. So that nothing moved out of the selection is hidden: a request's whole work from the rows read,
   per strategy (``ProductPrices.of`` of the 1,000 sheets, the chain, and each line's selection on
   its fresh sheet: its unit and currency indexed, the price, the rounded total); and the indexing
   alone (``ProductPrices.of`` and each line's unit and currency indexed).
4. Also the buyer's tier tables of a page of 50 products and one explanation.

The machine's load average is printed first: other work on the shared cores stretches wall time,
which the CPU time column leaves out.

    .venv/bin/python benchmarks/pricing.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from chalicelib.domain.pricing.engine import (  # noqa: E402
    AssignedList,
    ChainLevel,
    PriceChain,
    PriceRow,
    ProductPrices,
    Strategy,
    line_total,
)

LINES = 1000
PAGE = 50
BAR_MS = 10.0
UNITS = ("each", "box")
CURRENCIES = ("EUR", "USD")
TIERS = (Decimal(1), Decimal(10), Decimal(50), Decimal(100))
QUANTITIES = tuple(Decimal(q) for q in ("1", "3", "12", "49", "75", "250", "2.5"))


def levels() -> list[ChainLevel]:
    return [
        ChainLevel("unit", "unt_plant", (AssignedList("prl_contract", 1),), "next"),
        ChainLevel(
            "unit",
            "cus_globex",
            (AssignedList("prl_company", 1), AssignedList("prl_expired", 2, active=False)),
        ),
        ChainLevel("group", "cgr_key", (AssignedList("prl_group", 1, merge_allowed=False),)),
        ChainLevel("website", "web_shop", (AssignedList("prl_base", 1), AssignedList("prl_promo", 2))),
    ]


def sheet(product: int) -> dict[str, tuple[PriceRow, ...]]:
    """A product's rows by list: 5 of the buyer's lists (which ones varies) and 2 of other buyers."""
    lists = ["prl_contract", "prl_company", "prl_expired", "prl_group", "prl_base", "prl_promo"]
    del lists[product % len(lists)]
    lists += ["prl_other_a", "prl_other_b"]
    rows = {}
    for number, list_id in enumerate(lists):
        base = Decimal(1000 + (product * 7 + number * 13) % 500).scaleb(-2)
        rows[list_id] = tuple(
            PriceRow(
                unit,
                currency,
                tier,
                base * (10 if unit == "box" else 1) - Decimal(step * (number + 1)).scaleb(-2),
                "rul_bench" if (step + number) % 4 == 0 else None,
            )
            for unit in UNITS
            for currency in CURRENCIES
            for step, tier in enumerate(TIERS)
        )
    return rows


def timed(label: str, function: Callable[[], object], repeat: int, *, bar_ms: float | None = None) -> None:
    """Wall time (median, min) and the process's CPU time (median: what the machine's other work does
    not add when the 2 cores are shared), and the wall median's ratio to the bar."""
    runs = timeit.repeat(function, number=1, repeat=repeat)
    cpu = timeit.repeat(function, number=1, repeat=repeat, timer=time.process_time)
    median_ms, min_ms, cpu_ms = (
        1e3 * figure for figure in (statistics.median(runs), min(runs), statistics.median(cpu))
    )
    ratio = f"   {median_ms / bar_ms:5.2f} x the {bar_ms:g} ms bar" if bar_ms else ""
    print(f"{label:<62} median {median_ms:7.2f} ms  min {min_ms:7.2f} ms  cpu {cpu_ms:7.2f} ms{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    chain_levels = levels()
    raw = [sheet(product) for product in range(LINES)]
    sheets: list[ProductPrices] = [ProductPrices.of(rows) for rows in raw]
    lines = [
        (sheets[n], UNITS[n % 2], CURRENCIES[n // 2 % 2], QUANTITIES[n % len(QUANTITIES)])
        for n in range(LINES)
    ]

    def price_lines(strategy: Strategy) -> Callable[[], int]:
        def run() -> int:
            chain = PriceChain(chain_levels, strategy)
            priced = 0
            for rows, unit, currency, quantity in lines:
                price = chain.price(rows, unit, currency, quantity)
                if price is not None:
                    line_total(price, quantity)
                    priced += 1
            return priced

        return run

    def request(strategy: Strategy) -> Callable[[], int]:
        """A request's whole work from the rows read: every sheet fresh, each indexed on its line."""

        def run() -> int:
            fresh = [ProductPrices.of(rows) for rows in raw]
            chain = PriceChain(chain_levels, strategy)
            priced = 0
            for n, (_, unit, currency, quantity) in enumerate(lines):
                price = chain.price(fresh[n], unit, currency, quantity)
                if price is not None:
                    line_total(price, quantity)
                    priced += 1
            return priced

        return run

    for strategy in ("minimal", "priority"):
        run = price_lines(strategy)
        print(f"{strategy}: {run()} of {LINES} lines priced (now indexed in their units and currencies)")
        timed(f"{LINES} lines, {strategy}: chain + price + rounded total", run, repeat, bar_ms=BAR_MS)
    for strategy in ("minimal", "priority"):
        timed(f"a request, {strategy}: {LINES} sheets indexed + the above", request(strategy), repeat)
    timed(
        f"indexing alone: {LINES} sheets (ProductPrices.of) and each line's unit and currency",
        lambda: [
            ProductPrices.of(raw[n]).index(unit, currency) for n, (_, unit, currency, _) in enumerate(lines)
        ],
        repeat,
    )
    for strategy in ("minimal", "priority"):
        chain = PriceChain(chain_levels, strategy)
        timed(
            f"tier tables of a page of {PAGE}, {strategy} (2 units)",
            lambda chain=chain: [chain.tiers(rows, "EUR") for rows in sheets[:PAGE]],
            repeat,
        )
    chain = PriceChain(chain_levels, "priority")
    timed(
        "explain() of one line, priority",
        lambda: chain.explain(sheets[1], "each", "EUR", Decimal(75)),
        repeat,
    )


if __name__ == "__main__":
    main()
