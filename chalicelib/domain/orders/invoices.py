"""Invoices of an order, as the ERP issues them: stored under the order (``INVOICE#<number>`` in its
partition, so the one Query that reads an order reads its invoices too) and shown with it, to staff
who see the order and to customer users whose ``invoices.view`` reaches the order's unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from chalicelib.domain.base import CurrencyCode, Input, Stamped
from chalicelib.domain.money import DecimalString, MoneyView, minor_unit

InvoiceStatus = Literal["open", "paid", "overdue"]
InvoiceNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")]
HttpsLink = Annotated[str, StringConstraints(pattern=r"^https://\S{1,2040}$")]
ObjectKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9!_.*'()/-]{0,1023}$")]
InvoiceAmount = Annotated[Decimal, DecimalString(4, positive=False, meaning="an invoice amount")]


class InvoiceMoney(Input):
    """An amount in the invoice's currency, with no more decimal places than the currency has."""

    amount: InvoiceAmount
    currency: CurrencyCode

    @model_validator(mode="after")
    def _in_minor_units(self) -> Self:
        if self.amount != self.amount.quantize(minor_unit(self.currency)):
            raise ValueError(
                f"more decimals than {self.currency} has (its smallest amount: {minor_unit(self.currency)})"
            )
        return self

    def view(self) -> MoneyView:
        return MoneyView(amount=format(self.amount, "f"), currency=self.currency)


class InvoiceFields(Input):
    """An invoice as the ERP sends it: net plus tax is the grand total, all in one currency."""

    number: InvoiceNumber = Field(description="the ERP's invoice number, unique in the tenant")
    issue_date: date
    due_date: date | None = None
    status: InvoiceStatus
    net_total: InvoiceMoney
    tax_total: InvoiceMoney
    grand_total: InvoiceMoney
    document_url: HttpsLink | None = Field(default=None, description="where the invoice's document is")
    document_key: ObjectKey | None = Field(
        default=None, description="or the document's object key in the tenant's document store"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len({self.net_total.currency, self.tax_total.currency, self.grand_total.currency}) > 1:
            raise ValueError("the totals must be in one currency")
        if self.net_total.amount + self.tax_total.amount != self.grand_total.amount:
            raise ValueError("net_total + tax_total must be grand_total")
        if self.due_date is not None and self.due_date < self.issue_date:
            raise ValueError("due_date cannot be before issue_date")
        return self

    @property
    def currency(self) -> str:
        return self.grand_total.currency


class Invoice(Stamped):
    """An invoice as stored and shown: ``id`` is its number."""

    order_id: str
    number: str
    issue_date: date
    due_date: date | None = None
    status: InvoiceStatus
    currency: str
    net_total: MoneyView
    tax_total: MoneyView
    grand_total: MoneyView
    document_url: str | None = None
    document_key: str | None = None
