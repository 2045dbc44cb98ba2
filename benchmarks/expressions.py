"""The expression language (``chalicelib.domain.expressions``) and rule-based price generation
(``chalicelib.domain.pricing.rules``), timed in process. Prints figures; never asserts.

What it does:

1. Imports ``chalicelib.domain.expressions`` in a fresh interpreter (``--repeat`` times, the median
   CPU time): what the language adds to a cold start.
2. For a table of typical expressions (a discount, a condition on categories and brand, a margin on
   an attribute with a choice, a long condition), times ``compile`` (the parse and the closures, the
   cache bypassed) and ``evaluate`` per call, median and minimum of ``--repeat`` runs of ``timeit``,
   in CPU time (``time.process_time``), so that the figures hold on a busy machine too.
3. Times ``generate_rows`` for one product with a rule-based list of ``--rules`` rules based on a list
   with 3 tiers in 2 currencies (conversion and rounding included), and projects the CPU time of a
   list over ``--products`` products (100,000 unless set) outside storage.

For comparison (measured on this machine when the language was chosen, December 2026, not re-run
here since none of them is a dependency): the ``common-expression-language`` package imports in
2-3 s (its CLI), compiles in ~250 us and evaluates ``base.value * 0.9 + 0.1`` in ~60-90 us under
load, turning a ``Decimal`` into a float; ``cel-python`` imports in ~1.2 s, compiles in ~3 ms and
evaluates in ~3 ms, refusing ``Decimal`` inputs; ``simpleeval`` parses in ~120 us and cannot
multiply a ``Decimal`` by its float literals.

    .venv/bin/python benchmarks/expressions.py [--repeat 5] [--products 100000] [--rules 4]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from chalicelib.domain.expressions import NUMBER, VALUE, build_expression  # noqa: E402
from chalicelib.domain.pricing.rules import BASED_SCOPE, PriceRow, PriceRule, generate_rows  # noqa: E402

BASE_LIST = "prl_01J00000000000000000000000"
EXPRESSIONS = {
    "discount": "base.value * 0.9",
    "category and brand": "'cat_fasteners' in product.category_ids and product.brand in ['ACME', 'Bosch']",
    "margin with choice": (
        "max(product.attributes.cost * 1.35, base.value * 0.8) if product.kind == 'simple' else base.value"
    ),
    "long condition": " or ".join(f"'cat_{index:03d}' in product.category_ids" for index in range(40)),
}
INPUTS: dict[str, Any] = {
    "product": {
        "id": "prd_bolt",
        "sku": "HB-M8",
        "brand": "ACME",
        "kind": "simple",
        "category_ids": ("cat_bolts", "cat_fasteners", "cat_hardware"),
        "attributes": {"cost": Decimal("4.20"), "msrp": Decimal("9.90"), "colour": "zinc"},
    },
    "base": {"value": Decimal("10.10"), "quantity": Decimal("1"), "unit": "each", "currency": "EUR"},
}
BASE_ROWS = {
    BASE_LIST: [
        PriceRow("each", "EUR", Decimal(quantity), Decimal(value))
        for quantity, value in (("1", "10.10"), ("10", "9.50"), ("100", "8.90"))
    ]
    + [PriceRow("each", "USD", Decimal("1"), Decimal("11.20"))]
}
RATES = {("EUR", "USD"): Decimal("1.0850"), ("EUR", "GBP"): Decimal("0.8600")}


def rules(count: int) -> list[PriceRule]:
    """``count`` rules: a discount for fasteners in EUR, then conversions and margins of lower priority."""
    shapes: list[dict[str, Any]] = [
        {"formula": "base.value * 0.9", "condition": "'cat_fasteners' in product.category_ids"},
        {"formula": "base.value * 0.95", "currency": "GBP"},
        {"formula": "max(product.attributes.cost * 1.35, base.value * 0.8)", "currency": "USD"},
        {"formula": "base.value", "condition": "product.brand == 'ACME'"},
    ]
    return [
        PriceRule.model_validate(
            {"id": f"prr_01J000000000000000000000{index:02d}", "based_on": BASE_LIST, "priority": index}
            | shapes[index % len(shapes)]
        )
        for index in range(count)
    ]


def per_call(function: Callable[[], object], repeat: int, number: int) -> tuple[float, float]:
    """Median and minimum CPU microseconds per call (the process's CPU time: other processes on the
    machine's cores do not count, as they do in wall time)."""
    runs = [
        run / number * 1e6
        for run in timeit.repeat(function, number=number, repeat=repeat, timer=time.process_time)
    ]
    return statistics.median(runs), min(runs)


def time_expression(label: str, source: str, repeat: int) -> None:
    result = NUMBER if label in ("discount", "margin with choice") else VALUE
    compiled = build_expression(source, BASED_SCOPE, result)
    compile_us = per_call(lambda: build_expression(source, BASED_SCOPE, result), repeat, 200)
    evaluate_us = per_call(lambda: compiled.evaluate(INPUTS), repeat, 20_000)
    print(
        f"{label:<20} {compile_us[0]:>18.1f} / {compile_us[1]:<10.1f}"
        f" {evaluate_us[0]:>18.2f} / {evaluate_us[1]:<10.2f}"
    )


def import_ms(repeat: int) -> float:
    code = "import time; t = time.process_time(); import chalicelib.domain.expressions; "
    code += "print((time.process_time() - t) * 1000)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], cwd=REPO, capture_output=True, check=True, text=True
            ).stdout
        )
        for _ in range(repeat)
    ]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=4)
    args = parser.parse_args()
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, load {load}")
    print(f"import chalicelib.domain.expressions: {import_ms(args.repeat):.1f} CPU ms (fresh interpreter)")
    print()
    print(f"{'expression':<20} {'compile CPU us (median / min)':>31} {'evaluate CPU us (median / min)':>32}")
    for label, source in EXPRESSIONS.items():
        time_expression(label, source, args.repeat)
    print()
    list_rules = rules(args.rules)
    product = INPUTS["product"]
    generated = generate_rows(list_rules, product, BASE_ROWS, RATES, "half_up")
    median, least = per_call(
        lambda: generate_rows(list_rules, product, BASE_ROWS, RATES, "half_up"), args.repeat, 2_000
    )
    print(
        f"generate_rows, {len(list_rules)} rules over 4 base rows -> {len(generated.rows)} rows: "
        f"{median:.1f} CPU us per product (min {least:.1f})"
    )
    evaluations = sum(1 + bool(rule.condition) for rule in list_rules) * len(BASE_ROWS[BASE_LIST])
    print(
        f"projected CPU time for a list over {args.products:,} products: "
        f"{median * args.products / 1e6:.1f} s (min {least * args.products / 1e6:.1f} s; "
        f"at most {evaluations} evaluations per product)"
    )


if __name__ == "__main__":
    main()
