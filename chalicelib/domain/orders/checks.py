"""The automatic checks the order workflow worker runs on a placed order, as data.

Each :class:`Check` names one question a B2B seller asks of a new order before confirming it, and
finds its answer in the order and the tenant's :class:`OrderChecks` settings alone (no I/O): an
order none of the configured checks stops is confirmed, any other is held for staff to release or
cancel, with every reason in the history entry's note. A check left unconfigured (the default) stops
nothing, so a tenant that configures none has every order confirmed.

- ``review_above``: a grand total above the tenant's review threshold in the order's currency (large
  orders reviewed by a person, before goods are allocated);
- ``account_on_hold``: the ordering unit, or its whole company, is on the tenant's hold list (a credit
  hold, unpaid invoices, a compliance review);
- ``prepayment``: the order is paid in advance and the tenant confirms only once the payment arrives;
- ``lead_time``: the requested delivery date is sooner after placing than the tenant can promise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Self

from pydantic import Field, model_validator

from chalicelib.domain.base import CurrencyCode, Input
from chalicelib.domain.customers import UnitId
from chalicelib.domain.orders.shipping import MAX_CURRENCIES, Amount, minor_unit_problem

if TYPE_CHECKING:
    from chalicelib.domain.orders.orders import Order

MAX_ACCOUNTS_ON_HOLD = 500
MAX_LEAD_DAYS = 365


class OrderChecks(Input):
    """A tenant's automatic order checks (``settings.order_checks``); each unset one checks nothing."""

    review_above: dict[CurrencyCode, Amount] = Field(
        default_factory=dict,
        max_length=MAX_CURRENCIES,
        description="hold an order whose grand total is above this amount of its currency",
    )
    accounts_on_hold: list[UnitId] = Field(
        default_factory=list,
        max_length=MAX_ACCOUNTS_ON_HOLD,
        description="hold the orders of these customers (a customer id: the whole company) or units",
    )
    hold_prepayment: bool = Field(
        default=False, description="hold orders paid in advance until staff see the payment and release them"
    )
    min_lead_days: int | None = Field(
        default=None,
        ge=0,
        le=MAX_LEAD_DAYS,
        description="hold an order whose requested delivery date is fewer days than this after placing",
    )

    @model_validator(mode="after")
    def _in_minor_units(self) -> Self:
        for currency, amount in self.review_above.items():
            if problem := minor_unit_problem(currency, [amount]):
                raise ValueError(problem)
        if len(set(self.accounts_on_hold)) != len(self.accounts_on_hold):
            raise ValueError("accounts_on_hold must not repeat a value")
        return self


@dataclass(frozen=True)
class Check:
    """One automatic check: its name and why it stops ``order`` under ``config`` (None: it does not)."""

    name: str
    stops: Callable[[OrderChecks, Order], str | None]


def _review_above(config: OrderChecks, order: Order) -> str | None:
    threshold = config.review_above.get(order.currency)
    total = Decimal(order.totals.grand_total.amount)
    if threshold is None or total <= threshold:
        return None
    return f"the grand total {total} {order.currency} is above the review threshold {threshold}"


def _account_on_hold(config: OrderChecks, order: Order) -> str | None:
    held = set(config.accounts_on_hold)
    if order.customer_id in held:
        return "the customer's account is on hold"
    if order.unit_id in held:
        return "the ordering unit's account is on hold"
    return None


def _prepayment(config: OrderChecks, order: Order) -> str | None:
    paid_ahead = order.payment_term is not None and order.payment_term.kind == "prepayment"
    return (
        "the order is paid in advance: release it once the payment is in"
        if config.hold_prepayment and paid_ahead
        else None
    )


def _lead_time(config: OrderChecks, order: Order) -> str | None:
    wanted = order.requested_delivery_date
    if config.min_lead_days is None or wanted is None:
        return None
    days = (wanted - order.created_at.date()).days
    if days >= config.min_lead_days:
        return None
    return f"delivery requested {days} days after placing; the lead time is {config.min_lead_days} days"


CHECKS: tuple[Check, ...] = (
    Check("review_above", _review_above),
    Check("account_on_hold", _account_on_hold),
    Check("prepayment", _prepayment),
    Check("lead_time", _lead_time),
)


@dataclass(frozen=True)
class Stop:
    check: str
    reason: str


def stops(config: OrderChecks, order: Order, checks: tuple[Check, ...] = CHECKS) -> list[Stop]:
    """Every check that stops ``order``, in the checks' order: none means confirm it, any means hold."""
    return [Stop(check.name, reason) for check in checks if (reason := check.stops(config, order))]


def hold_note(found: list[Stop]) -> str:
    """The history note of a hold: each reason, in order (within the note's 500 characters)."""
    return "; ".join(stop.reason for stop in found)[:500]
