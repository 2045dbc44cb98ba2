"""The tax calculation: an order's lines, shipping and discounts in one currency -> each line's net,
tax and gross, the tax by rate and the totals, every amount a :class:`~chalicelib.domain.money.Money`.

Each rounding is named (the tenant's :data:`~chalicelib.domain.money.RoundingMode` throughout):

1. A line's ``amount`` is its unit price x quantity, rounded; its ``discount`` is rounded; what is
   taxed is ``amount - discount``. Shipping is a line of quantity 1 taxed by its own tax code.
2. The rule (:meth:`~chalicelib.domain.taxes.configuration.TaxTable.rate_for`) gives the line a rate
   of ``p`` percent. Prices excluding tax (the website's ``prices_include_tax`` off): the taxed amount
   is the line's net and its exact tax ``net x p / 100`` is added. Prices including tax: the taxed
   amount is the line's gross and its exact tax ``gross x p / (100 + p)`` is extracted.
3. A line shows its exact tax rounded, and ``net + tax == gross`` on every line. Per rate, the tax is
   the sum of its lines' shown taxes (``per_line``) or the rounded sum of their exact taxes
   (``per_total``: a line's shown tax is then for information, and the rate's tax may differ from
   their sum by a few minor units).
4. Totals: ``tax_total`` is the sum of the rates' taxes; ``net_total + tax_total == grand_total``.
   Prices excluding tax: ``grand_total = subtotal - discounts + shipping + tax_total``; including
   tax: ``grand_total = subtotal - discounts + shipping`` (the tax is inside).

A line no rule matches refuses the calculation (:class:`NoTaxRule`), except for a tenant with no
rules at all, whose sales are untaxed (``rate`` None). Order-level discounts are the caller's to
spread over lines (each line's ``discount``): a discount's tax follows the goods it reduces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from typing import NamedTuple

from chalicelib.domain.base import View
from chalicelib.domain.money import DEFAULT_ROUNDING, Money, MoneyView, RoundingMode, round_amount
from chalicelib.domain.taxes.configuration import AppliedRate, TaxAddress, TaxRounding, TaxTable

HUNDRED = Decimal(100)
EXACT_DIGITS = 80
SHIPPING_KEY = "shipping"


@dataclass(frozen=True)
class TaxableLine:
    """A line to tax: ``key`` is the caller's (a line id), ``unit_price`` as the website lists it."""

    key: str
    unit_price: Money
    quantity: Decimal
    product_tax_code: str | None = None
    discount: Money | None = None


@dataclass(frozen=True)
class TaxableShipping:
    amount: Money
    tax_code: str | None = None


@dataclass(frozen=True)
class TaxSettings:
    """How a website's prices are taxed: listed gross or net, and the tenant's rounding."""

    prices_include_tax: bool
    rounding: TaxRounding = "per_line"
    rounding_mode: RoundingMode = DEFAULT_ROUNDING


@dataclass(frozen=True)
class TaxRequest:
    currency: str
    lines: Sequence[TaxableLine]
    address: TaxAddress
    customer_tax_code: str | None = None
    shipping: TaxableShipping | None = None


class NoTaxRule(ValueError):
    """Lines no tax rule covers at the address: ``missing`` holds (line key, product tax code)."""

    def __init__(self, missing: list[tuple[str, str | None]]) -> None:
        self.missing = missing
        named = ", ".join(f"{key} ({code or 'no tax code'})" for key, code in missing)
        super().__init__(f"no tax rule applies to {named}")


@dataclass(frozen=True)
class LineTax:
    key: str
    product_tax_code: str | None
    amount: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    rate: AppliedRate | None
    exact_tax: Decimal


@dataclass(frozen=True)
class RateTax:
    """One rate's share: ``net + tax == gross`` (``rate`` None: untaxed lines)."""

    rate: str | None
    percentage: Decimal
    net: Money
    tax: Money
    gross: Money


@dataclass(frozen=True)
class TaxCalculation:
    currency: str
    prices_include_tax: bool
    rounding: TaxRounding
    lines: list[LineTax]
    shipping: LineTax | None
    tax_by_rate: list[RateTax]
    subtotal: Money
    discounts: Money
    shipping_total: Money
    net_total: Money
    tax_total: Money
    grand_total: Money


def calculate(table: TaxTable, settings: TaxSettings, request: TaxRequest) -> TaxCalculation:
    """Tax ``request`` with ``table``'s rules and the website's ``settings`` (see the module's docstring).

    Raises :class:`NoTaxRule` for lines no rule covers, ``ValueError`` for an amount of another
    currency, a negative quantity or a discount above its line's amount.
    """
    # Exact arithmetic up to the named roundings: a trillion units at a trillion each, taxed at
    # 1,000 percent and summed over many lines, keeps every digit (the default context keeps 28).
    with localcontext(Context(prec=EXACT_DIGITS)):
        return _calculate(table, settings, request)


def _calculate(table: TaxTable, settings: TaxSettings, request: TaxRequest) -> TaxCalculation:
    currency = request.currency
    taxable = [_taxable(line, currency, settings) for line in request.lines]
    if request.shipping is not None:
        shipping_amount = _rounded(_in(request.shipping.amount, currency), settings)
        taxable.append(_Taxable(SHIPPING_KEY, request.shipping.tax_code, shipping_amount, _none(currency)))
    rates = [
        table.rate_for(each.code, request.customer_tax_code, request.address)
        if table.taxes_anything
        else None
        for each in taxable
    ]
    if table.taxes_anything and None in rates:
        raise NoTaxRule(
            [(each.key, each.code) for each, rate in zip(taxable, rates, strict=True) if rate is None]
        )
    taxed = [_line_tax(each, rate, settings) for each, rate in zip(taxable, rates, strict=True)]
    goods, shipping = (taxed[:-1], taxed[-1]) if request.shipping is not None else (taxed, None)
    by_rate = _by_rate(taxed, settings, currency)
    zero = _none(currency)
    return TaxCalculation(
        currency=currency,
        prices_include_tax=settings.prices_include_tax,
        rounding=settings.rounding,
        lines=goods,
        shipping=shipping,
        tax_by_rate=by_rate,
        subtotal=sum((line.amount for line in goods), zero),
        discounts=sum((line.discount for line in goods), zero),
        shipping_total=shipping.amount if shipping is not None else zero,
        net_total=sum((rate.net for rate in by_rate), zero),
        tax_total=sum((rate.tax for rate in by_rate), zero),
        grand_total=sum((rate.gross for rate in by_rate), zero),
    )


def _none(currency: str) -> Money:
    """Zero written to the currency's minor unit (``0.00`` EUR), as every amount of the answer is."""
    return Money(round_amount(Decimal(0), currency), currency)


def _in(money: Money, currency: str) -> Money:
    if money.currency != currency:
        raise ValueError(f"an amount in {money.currency} in a calculation in the currency {currency}")
    return money


def _rounded(money: Money, settings: TaxSettings) -> Money:
    return Money(round_amount(money.amount, money.currency, settings.rounding_mode), money.currency)


class _Taxable(NamedTuple):
    key: str
    code: str | None
    amount: Money
    discount: Money


def _taxable(line: TaxableLine, currency: str, settings: TaxSettings) -> _Taxable:
    """A line's rounded amount and discount."""
    if line.quantity < 0:
        raise ValueError(f"line {line.key}: a quantity is not negative")
    amount = _rounded(_in(line.unit_price, currency) * line.quantity, settings)
    discount = _rounded(_in(line.discount, currency), settings) if line.discount else _none(currency)
    if discount.amount < 0 or discount > amount:
        raise ValueError(f"line {line.key}: a discount is between zero and the line's amount")
    return _Taxable(line.key, line.product_tax_code, amount, discount)


def _line_tax(each: _Taxable, rate: AppliedRate | None, settings: TaxSettings) -> LineTax:
    taxed = each.amount - each.discount
    percentage = rate.percentage if rate is not None else Decimal(0)
    if settings.prices_include_tax:
        exact = taxed.amount * percentage / (HUNDRED + percentage)
        tax = _rounded(Money(exact, taxed.currency), settings)
        net, gross = taxed - tax, taxed
    else:
        exact = taxed.amount * percentage / HUNDRED
        tax = _rounded(Money(exact, taxed.currency), settings)
        net, gross = taxed, taxed + tax
    return LineTax(each.key, each.code, each.amount, each.discount, net, tax, gross, rate, exact)


def _by_rate(lines: list[LineTax], settings: TaxSettings, currency: str) -> list[RateTax]:
    """Each rate's net, tax and gross, in the order the rates first appear in the lines."""
    groups: dict[str | None, list[LineTax]] = {}
    for line in lines:
        groups.setdefault(line.rate.rate if line.rate else None, []).append(line)
    zero = _none(currency)
    shares = []
    for code, members in groups.items():
        if settings.rounding == "per_line":
            tax = sum((line.tax for line in members), zero)
        else:
            tax = _rounded(Money(sum((line.exact_tax for line in members), Decimal(0)), currency), settings)
        first = members[0].rate
        if settings.prices_include_tax:
            gross = sum((line.gross for line in members), zero)
            net = gross - tax
        else:
            net = sum((line.net for line in members), zero)
            gross = net + tax
        shares.append(RateTax(code, first.percentage if first else Decimal(0), net, tax, gross))
    return shares


# --- the answer -----------------------------------------------------------------------------------


class LineTaxView(View):
    key: str
    product_tax_code: str | None
    amount: MoneyView
    discount: MoneyView
    net: MoneyView
    tax: MoneyView
    gross: MoneyView
    rate: AppliedRate | None

    @classmethod
    def of(cls, line: LineTax) -> LineTaxView:
        return cls(
            key=line.key,
            product_tax_code=line.product_tax_code,
            amount=MoneyView.of(line.amount),
            discount=MoneyView.of(line.discount),
            net=MoneyView.of(line.net),
            tax=MoneyView.of(line.tax),
            gross=MoneyView.of(line.gross),
            rate=line.rate,
        )


class RateTaxView(View):
    rate: str | None
    percentage: str
    net: MoneyView
    tax: MoneyView
    gross: MoneyView


class TaxCalculationView(View):
    """A calculation's lines and totals; amounts are decimal strings in ``currency``."""

    currency: str
    prices_include_tax: bool
    rounding: TaxRounding
    lines: list[LineTaxView]
    shipping: LineTaxView | None
    tax_by_rate: list[RateTaxView]
    subtotal: MoneyView
    discounts: MoneyView
    shipping_total: MoneyView
    net_total: MoneyView
    tax_total: MoneyView
    grand_total: MoneyView

    @classmethod
    def of(cls, calculation: TaxCalculation) -> TaxCalculationView:
        return cls(
            currency=calculation.currency,
            prices_include_tax=calculation.prices_include_tax,
            rounding=calculation.rounding,
            lines=[LineTaxView.of(line) for line in calculation.lines],
            shipping=LineTaxView.of(calculation.shipping) if calculation.shipping else None,
            tax_by_rate=[
                RateTaxView(
                    rate=share.rate,
                    percentage=format(share.percentage, "f"),
                    net=MoneyView.of(share.net),
                    tax=MoneyView.of(share.tax),
                    gross=MoneyView.of(share.gross),
                )
                for share in calculation.tax_by_rate
            ],
            subtotal=MoneyView.of(calculation.subtotal),
            discounts=MoneyView.of(calculation.discounts),
            shipping_total=MoneyView.of(calculation.shipping_total),
            net_total=MoneyView.of(calculation.net_total),
            tax_total=MoneyView.of(calculation.tax_total),
            grand_total=MoneyView.of(calculation.grand_total),
        )
