"""Same shop, three buyers, three prices: Bob (Globex, Plant Lyon), Olga (Globex, Plant Ohio) and Ina
(Initech) price the same lines on shop.acme.de, each through their own chain of the demo's lists
(local/demo_pricing.py): Bob's unit has the rule-based distributor list, Globex the key accounts group
list and the contract, Ina only the website's lists. The expected values are worked out from the demo's
own definitions (its base prices and factors), so they follow the data. Read-only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from local.demo_pricing import CENT, piece_price

from .shoppers import BOB, INA, OLGA, SHOP
from .stack import AUDIT_STALL_SECONDS, Stack, eventually

pytestmark = pytest.mark.e2e

TORQUE_WRENCH = "TW05-000"  # hand tools: the distributor list's category
WOOD_SCREW = "WS08-000"  # fasteners: the Globex contract's category


def _price(sku: str, factor: str) -> str:
    return str((piece_price(sku) * Decimal(factor)).quantize(CENT))


def _resolved(stack: Stack, email: str, lines: list[tuple[str, str]]) -> list[str | None]:
    """The unit prices (EUR, a piece) the buyer gets for ``lines`` (SKU, quantity), in order."""
    body = {"lines": [{"sku": sku, "unit": "each", "quantity": quantity} for sku, quantity in lines]}
    response = stack.call(
        "POST",
        "/v1/store/prices/resolve",
        token=stack.token("acme", email),
        headers={"X-Kontor-Host": SHOP},
        json=body,
    )
    assert response.status_code == 200, response.text
    answered: list[dict[str, Any]] = response.json()["lines"]
    return [(line["unit_price"] or {}).get("amount") for line in answered]


LINES = [(TORQUE_WRENCH, "1"), (WOOD_SCREW, "1"), (WOOD_SCREW, "50")]


def test_bob_gets_his_distributor_list_s_rule_price_once_the_pricing_consumer_has_written_it(
    stack: Stack, audit_progress: Any
) -> None:
    # given the demo's rule-based list on Bob's unit: hand tools 10% below the base list
    expected = [_price(TORQUE_WRENCH, "0.90"), _price(WOOD_SCREW, "0.88"), _price(WOOD_SCREW, "0.82")]

    # when Bob prices a wrench and the contract's screws at two tiers
    # then he gets the rule's price (once its rows are written), and the contract's tiers
    eventually(
        lambda: _resolved(stack, BOB, LINES) == expected,
        timeout=AUDIT_STALL_SECONDS,
        what="Bob's distributor price",
        progress=audit_progress,
    )


def test_olga_gets_the_key_accounts_and_contract_prices(stack: Stack) -> None:
    # given Globex's lists without Plant Lyon's: the key accounts group list, the contract on fasteners

    # when Olga prices the same lines
    prices = _resolved(stack, OLGA, LINES)

    # then the wrench at the key accounts price, the screws at the contract's tiers (the lowest)
    assert prices == [_price(TORQUE_WRENCH, "0.95"), _price(WOOD_SCREW, "0.88"), _price(WOOD_SCREW, "0.82")]


def test_ina_gets_the_website_s_base_prices_and_tiers(stack: Stack) -> None:
    # given Initech: the Standard group (no list of its own), no unit lists

    # when Ina prices the same lines
    prices = _resolved(stack, INA, LINES)

    # then she pays base, with the base list's tier from 10 pieces for the screws
    assert prices == [_price(TORQUE_WRENCH, "1"), _price(WOOD_SCREW, "1"), _price(WOOD_SCREW, "0.95")]
