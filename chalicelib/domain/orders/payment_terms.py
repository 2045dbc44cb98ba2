"""Payment terms of a tenant (net N days, on account, a purchase order number required) and which
one applies to a customer unit, with no I/O.

A unit names a term by code in its ``payment_term`` (inherited down the company tree, see
``domain.customers.effective_unit``); the term that applies is the one the unit's effective code
names, if the tenant has it and it is active, else the tenant's default term.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, Self

from pydantic import Field, model_validator

from chalicelib.domain.base import Input, LocalizedText, Stamped, patch_model
from chalicelib.domain.customers import PaymentTerm as PaymentTermCode

MAX_NET_DAYS = 365
MAX_PAYMENT_TERMS = 50


class PaymentTermFields(Input):
    name: LocalizedText
    kind: Literal["net", "on_account", "prepayment"] = Field(
        description="net: pay within net_days of the invoice; on_account: the company's account; prepayment"
    )
    net_days: int | None = Field(default=None, ge=0, le=MAX_NET_DAYS, description="net only: days to pay")
    purchase_order_required: bool = Field(
        default=False, description="checkout asks for the buyer's purchase order number"
    )
    active: bool = True
    is_default: bool = Field(
        default=False, description="the term of units that name none (or an unknown or inactive one)"
    )

    @model_validator(mode="after")
    def _days_with_net(self) -> Self:
        if (self.kind == "net") != (self.net_days is not None):
            raise ValueError("net_days is given for a net term, and only for one")
        if self.is_default and not self.active:
            raise ValueError("the default term must be active")
        return self


class PaymentTermCreate(PaymentTermFields):
    code: PaymentTermCode = Field(description="what units name in their payment_term, like net30")


PaymentTermPatch = patch_model(PaymentTermFields, "PaymentTermPatch")


class PaymentTermView(PaymentTermCreate, Stamped):
    """A stored term; its ``id`` is its ``code``."""


def applying_term(effective_code: str | None, terms: Mapping[str, PaymentTermView]) -> PaymentTermView | None:
    """The term that applies to a unit whose effective ``payment_term`` is ``effective_code``."""
    named = terms.get(effective_code) if effective_code is not None else None
    if named is not None and named.active:
        return named
    return next((term for term in terms.values() if term.is_default and term.active), None)
