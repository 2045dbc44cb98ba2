"""Shipping methods of a website and what each costs for a cart, with no I/O.

A method is priced one of three ways, each per currency of the website: a flat rate, a table by the
cart's weight (kilograms) or a table by the cart's amount (its subtotal). A table is a list of bands,
each applying from its ``from_value`` (inclusive) up to the next band's; below the first band, or in
a currency the method has no rates for, the method is not offered. A weight table needs the weight
of every line: a cart with a line of unknown weight is not offered it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from chalicelib.domain.base import CurrencyCode, Input, LocalizedText, Stamped, View, patch_model
from chalicelib.domain.money import DecimalString, Money, MoneyView, round_amount

MAX_BANDS = 50
MAX_CURRENCIES = 20
AMOUNT_PLACES = 3  # the most any currency's minor unit has (KWD); each amount is checked against its own

Amount = Annotated[Decimal, DecimalString(AMOUNT_PLACES, positive=False, meaning="an amount of money")]
Threshold = Annotated[Decimal, DecimalString(6, positive=False, meaning="a band's lower bound")]


def minor_unit_problem(currency: str, amounts: Sequence[Decimal]) -> str | None:
    for amount in amounts:
        if round_amount(amount, currency) != amount:
            return f"{amount} has more decimal places than {currency} has"
    return None


class FlatRate(Input):
    kind: Literal["flat"]
    costs: dict[CurrencyCode, Amount] = Field(min_length=1, max_length=MAX_CURRENCIES)

    @model_validator(mode="after")
    def _in_minor_units(self) -> Self:
        for currency, cost in self.costs.items():
            if problem := minor_unit_problem(currency, [cost]):
                raise ValueError(problem)
        return self


class Band(Input):
    from_value: Threshold = Field(description="the band applies from this weight or amount, inclusive")
    cost: Amount


class RateTable(Input):
    """Bands per currency, ``by`` the cart's weight (kilograms) or amount (in that currency)."""

    kind: Literal["table"]
    by: Literal["weight", "amount"]
    bands: dict[CurrencyCode, list[Band]] = Field(min_length=1, max_length=MAX_CURRENCIES)

    @model_validator(mode="after")
    def _ordered_bands(self) -> Self:
        for currency, bands in self.bands.items():
            if not 1 <= len(bands) <= MAX_BANDS:
                raise ValueError(f"{currency} needs 1 to {MAX_BANDS} bands")
            starts = [band.from_value for band in bands]
            if starts != sorted(set(starts)):
                raise ValueError(f"the {currency} bands must rise by from_value, each once")
            if problem := minor_unit_problem(currency, [band.cost for band in bands]):
                raise ValueError(problem)
        return self

    def currencies(self) -> set[str]:
        return set(self.bands)


Rates = Annotated[FlatRate | RateTable, Field(discriminator="kind")]


class ShippingMethodFields(Input):
    name: LocalizedText
    active: bool = True
    rates: Rates
    position: int = Field(default=0, ge=0, le=10_000, description="methods are offered by position, then id")

    def currencies(self) -> set[str]:
        rates = self.rates
        return set(rates.costs) if isinstance(rates, FlatRate) else rates.currencies()


ShippingMethodPatch = patch_model(ShippingMethodFields, "ShippingMethodPatch")


class ShippingMethod(ShippingMethodFields, Stamped):
    website_id: str


@dataclass(frozen=True)
class CartLine:
    """What shipping needs of a line: its quantity and the weight of one unit (None: unknown)."""

    quantity: Decimal
    unit_weight: Decimal | None


@dataclass(frozen=True)
class Cart:
    subtotal: Money
    lines: tuple[CartLine, ...]

    def weight(self) -> Decimal | None:
        """The cart's weight in kilograms; None if a line's weight is unknown."""
        total = Decimal(0)
        for line in self.lines:
            if line.unit_weight is None:
                return None
            total += line.quantity * line.unit_weight
        return total


class ShippingOption(View):
    method_id: str
    name: dict[str, str]
    cost: MoneyView


def _band_cost(bands: Sequence[Band], value: Decimal) -> Decimal | None:
    applying = [band for band in bands if band.from_value <= value]
    return applying[-1].cost if applying else None


def cost_of(method: ShippingMethodFields, cart: Cart) -> Money | None:
    """What ``method`` costs for ``cart``, in the cart's currency; None where it is not offered."""
    currency, rates = cart.subtotal.currency, method.rates
    if not method.active:
        return None
    if isinstance(rates, FlatRate):
        cost = rates.costs.get(currency)
        return None if cost is None else Money(cost, currency)
    bands = rates.bands.get(currency)
    value = cart.weight() if rates.by == "weight" else cart.subtotal.amount
    if bands is None or value is None:
        return None
    cost = _band_cost(bands, value)
    return None if cost is None else Money(cost, currency)


def shipping_options(methods: Sequence[ShippingMethod], cart: Cart) -> list[ShippingOption]:
    """The methods offered for ``cart``, with their costs, by position then id."""
    options = []
    for method in sorted(methods, key=lambda method: (method.position, method.id)):
        cost = cost_of(method, cart)
        if cost is not None:
            options.append(
                ShippingOption(method_id=method.id, name=dict(method.name), cost=MoneyView.of(cost))
            )
    return options
