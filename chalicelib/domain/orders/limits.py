"""Minimum and maximum order amounts per currency, set on a website and on customer units, and the
one check an order's amount passes, with no I/O.

For each currency the most specific level that sets a limit decides: the unit itself, else the
nearest unit above it that sets one for that currency, else the website. Each level's limit holds
both bounds, so a unit's limit replaces the website's whole (a unit allowed larger orders is not
held to the website's maximum).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Self

from pydantic import Field, model_validator

from chalicelib.domain.base import CurrencyCode, Input, View
from chalicelib.domain.money import Money, MoneyView
from chalicelib.domain.orders.shipping import MAX_CURRENCIES, Amount, minor_unit_problem

LimitLevel = Literal["website", "unit"]


class OrderLimit(Input):
    minimum: Amount | None = Field(default=None, description="an order must amount to at least this")
    maximum: Amount | None = Field(default=None, description="an order may amount to at most this")

    @model_validator(mode="after")
    def _some_ordered(self) -> Self:
        if self.minimum is None and self.maximum is None:
            raise ValueError("give a minimum, a maximum or both")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("the minimum is above the maximum")
        return self


class OrderLimits(Input):
    """A level's limits by currency (the whole set: a currency left out has none at this level)."""

    limits: dict[CurrencyCode, OrderLimit] = Field(default_factory=dict, max_length=MAX_CURRENCIES)
    version: int | None = Field(
        default=None,
        ge=0,
        description="the version read (0: none set yet); unsent, whatever is there is replaced",
    )

    @model_validator(mode="after")
    def _in_minor_units(self) -> Self:
        for currency, limit in self.limits.items():
            bounds = [bound for bound in (limit.minimum, limit.maximum) if bound is not None]
            if problem := minor_unit_problem(currency, bounds):
                raise ValueError(problem)
        return self


class OrderLimitsView(View):
    level: LimitLevel
    owner_id: str = Field(description="the website's or the unit's id")
    customer_id: str | None = None
    limits: dict[str, OrderLimit]
    version: int = Field(description="0 while the level sets nothing; send it back to change them")


@dataclass(frozen=True)
class LimitSource:
    """One level's limits: the website's, or a unit's (``owner_id``)."""

    level: LimitLevel
    owner_id: str
    limits: Mapping[str, OrderLimit]


class LimitBreach(View):
    bound: Literal["minimum", "maximum"]
    limit: MoneyView
    source: str = Field(description="the website or unit whose limit it is")


def applying_limit(
    currency: str, website: LimitSource, unit_path: Sequence[LimitSource]
) -> LimitSource | None:
    """The level whose limit applies in ``currency``; ``unit_path`` runs from the company down."""
    for source in [*reversed(unit_path), website]:
        if currency in source.limits:
            return source
    return None


def breach(amount: Money, website: LimitSource, unit_path: Sequence[LimitSource]) -> LimitBreach | None:
    """How ``amount`` (an order's, before shipping and tax) falls outside its limits, or None."""
    source = applying_limit(amount.currency, website, unit_path)
    if source is None:
        return None
    limit = source.limits[amount.currency]
    bounds: list[tuple[Literal["minimum", "maximum"], Decimal | None, bool]] = [
        ("minimum", limit.minimum, limit.minimum is not None and amount.amount < limit.minimum),
        ("maximum", limit.maximum, limit.maximum is not None and amount.amount > limit.maximum),
    ]
    for bound, value, broken in bounds:
        if broken and value is not None:
            return LimitBreach(
                bound=bound, limit=MoneyView.of(Money(value, amount.currency)), source=source.owner_id
            )
    return None
