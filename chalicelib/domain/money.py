"""Money: a decimal amount in one ISO 4217 currency, rounded only where a caller names it.

- :class:`Money` is frozen. ``+``, ``-`` and the comparisons work between amounts of one currency only
  (another currency raises :class:`CurrencyMismatch`); ``*`` takes a ``Decimal`` or ``int`` factor (a
  quantity, a rate). Equality is by value (``Money("12.5", "EUR") == Money("12.50", "EUR")``) and is
  simply false across currencies. A float never becomes money: constructing from one raises, and so
  does multiplying by one.
- Nothing rounds implicitly: a unit price keeps its six decimal places through a selection.
  :func:`round_money` rounds to the currency's minor unit (CLDR's precision through babel: EUR 2,
  JPY 0, KWD 3) with the tenant's :data:`RoundingMode` (:func:`round_amount` rounds a bare amount
  of a currency); :func:`convert` applies an exchange rate and
  rounds at that named point.
- Amounts cross the API as decimal strings (``"12.50"``), never JSON numbers: :data:`UnitPrice` and
  :data:`ExchangeRate` are the pydantic field types of inputs (a string of digits and at most one
  point, nothing else: no exponent, NaN, infinity or sign), with :data:`TierQuantity` for a price
  row's threshold (:class:`DecimalString` makes more of the kind); :class:`MoneyView` is the output
  shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from functools import cache
from typing import Annotated, Any, Final, Literal, NamedTuple

from babel.numbers import get_currency_precision
from pydantic import Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from chalicelib.domain.base import View

RoundingMode = Literal["half_up", "half_even", "up", "down"]
"""How a tenant rounds: ``half_up`` (the default: 0.125 -> 0.13), ``half_even`` (banker's: 0.125 ->
0.12), ``up`` (away from zero: 0.121 -> 0.13) or ``down`` (toward zero: 0.129 -> 0.12)."""
DEFAULT_ROUNDING: Final[RoundingMode] = "half_up"
_DECIMAL_ROUNDING: Final[dict[str, str]] = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "up": ROUND_UP,
    "down": ROUND_DOWN,
}
_CURRENCY = re.compile(r"[A-Z]{3}")
# Codes already checked (at most 26^3): a price's Money is made per line, the check once per process.
_SEEN_CURRENCIES: set[str] = set()


class CurrencyMismatch(ValueError):
    """Arithmetic or a comparison between amounts of two currencies."""


class _MoneyFields(NamedTuple):
    amount: Decimal
    currency: str


class Money(_MoneyFields):
    """An exact amount in one currency. ``amount`` is a finite ``Decimal`` (an ``int`` or a decimal
    string is taken as one; a float raises ``TypeError``); ``currency`` three capital letters.

    A named tuple rather than a frozen dataclass: as immutable and compared by value, and made at a
    third of the cost (a line's rounded total is made for every priced line; ``make bench-pricing``).
    Its operators are money's own: a tuple's ``+`` and ``*`` and its ordering do not apply."""

    __slots__ = ()

    def __new__(cls, amount: Decimal | int | str, currency: str) -> Money:
        if type(amount) is not Decimal:
            amount = _exact(amount)
        elif not amount.is_finite():
            raise ValueError(f"an amount must be finite, not {amount}")
        if currency not in _SEEN_CURRENCIES:
            if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
                raise ValueError(f"{currency!r} is not an ISO 4217 currency code")
            _SEEN_CURRENCIES.add(currency)
        return _unchecked(amount, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> Decimal:
        """The other amount, once it is known to be in this currency."""
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not mix")
        return other.amount

    def __add__(self, other: Money) -> Money:  # type: ignore[override]
        return _unchecked(self.amount + self._same(other), self.currency)

    def __sub__(self, other: Money) -> Money:
        return _unchecked(self.amount - self._same(other), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:  # type: ignore[override]
        if isinstance(factor, bool) or not isinstance(factor, Decimal | int):
            raise TypeError(f"money is multiplied by a Decimal or an int, not {type(factor).__name__}")
        return _unchecked(self.amount * factor, self.currency)

    __rmul__ = __mul__  # type: ignore[assignment]

    def __neg__(self) -> Money:
        return _unchecked(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:  # type: ignore[override]
        return self.amount < self._same(other)

    def __le__(self, other: Money) -> bool:  # type: ignore[override]
        return self.amount <= self._same(other)

    def __gt__(self, other: Money) -> bool:  # type: ignore[override]
        return self.amount > self._same(other)

    def __ge__(self, other: Money) -> bool:  # type: ignore[override]
        return self.amount >= self._same(other)

    def __str__(self) -> str:
        return f"{format(self.amount, 'f')} {self.currency}"


def _unchecked(amount: Decimal, currency: str) -> Money:
    """Money from parts known good (a finite ``Decimal``, a currency code checked before): what an
    operation on checked money makes, without checking again."""
    return tuple.__new__(Money, (amount, currency))


def _exact(amount: object) -> Decimal:
    """An ``int`` or a decimal string as a finite ``Decimal``; anything else (a float first) raises."""
    if isinstance(amount, bool) or not isinstance(amount, int | str):
        raise TypeError(f"an amount is a Decimal, an int or a decimal string, not {type(amount).__name__}")
    exact = Decimal(amount)
    if not exact.is_finite():
        raise ValueError(f"an amount must be finite, not {amount}")
    return exact


@cache
def minor_unit(currency: str) -> Decimal:
    """The currency's smallest amount as CLDR has it (EUR ``0.01``, JPY ``1``, KWD ``0.001``)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_amount(amount: Decimal, currency: str, mode: RoundingMode = DEFAULT_ROUNDING) -> Decimal:
    """An amount of ``currency`` rounded to its minor unit with ``mode`` (``12.5`` EUR -> ``12.50``)."""
    return amount.quantize(minor_unit(currency), _DECIMAL_ROUNDING[mode])


def round_money(money: Money, mode: RoundingMode = DEFAULT_ROUNDING) -> Money:
    """The money rounded to its currency's minor unit with ``mode``."""
    return _unchecked(round_amount(money.amount, money.currency, mode), money.currency)


def rounded_money(amount: Decimal, currency: str, mode: RoundingMode = DEFAULT_ROUNDING) -> Money:
    """``amount`` (a finite ``Decimal``) of ``currency`` rounded to its minor unit with ``mode``, as
    money: ``round_money(Money(amount, currency), mode)`` for the price of one check of the currency."""
    if currency not in _SEEN_CURRENCIES:
        return round_money(Money(amount, currency), mode)
    return _unchecked(amount.quantize(minor_unit(currency), _DECIMAL_ROUNDING[mode]), currency)


def convert(money: Money, rate: Decimal, to: str, mode: RoundingMode = DEFAULT_ROUNDING) -> Money:
    """``money`` in the currency ``to``: its amount times ``rate`` (units of ``to`` for one unit of the
    source currency, a positive ``Decimal``), rounded to ``to``'s minor unit with ``mode``."""
    if type(rate) is not Decimal or not rate.is_finite() or rate <= 0:
        raise ValueError(f"an exchange rate is a positive finite Decimal, not {rate!r}")
    return round_money(Money(money.amount * rate, to), mode)


# --- API field types ------------------------------------------------------------------------------

MAX_INTEGER_DIGITS: Final = 12  # below a trillion: any price or rate with sense
UNIT_PRICE_PLACES: Final = 6  # a screw's price per piece (0.000125) survives
EXCHANGE_RATE_PLACES: Final = 10


@dataclass(frozen=True, slots=True)
class DecimalString:
    """Field metadata of a ``Decimal`` read only from a string of digits with at most ``places``
    decimal places (``"12.50"``) and written back as such a string. A JSON number, an exponent, a
    sign, NaN or an infinity is refused; so is zero when ``positive``. ``meaning`` names the value
    in messages and in the schema."""

    places: int
    positive: bool
    meaning: str

    @property
    def pattern(self) -> str:
        return rf"^[0-9]{{1,{MAX_INTEGER_DIGITS}}}(\.[0-9]{{1,{self.places}}})?$"

    def parse(self, value: Any) -> Decimal:
        if isinstance(value, Decimal) and value.is_finite():  # built in code, not read from a request
            value = format(value, "f")
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            raise ValueError(
                f'must be {self.meaning} written as a decimal string, like "12.50", with at most '
                f"{MAX_INTEGER_DIGITS} digits before the point and {self.places} after it"
            )
        number = Decimal(value)
        if self.positive and not number:
            raise ValueError("must be greater than zero")
        return number

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda number: format(number, "f"), return_schema=core_schema.str_schema()
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        above = "greater than zero" if self.positive else "zero or more"
        return {
            "type": "string",
            "pattern": self.pattern,
            "description": f"{self.meaning}, {above}: a decimal string with at most {self.places} "
            "decimal places (never a JSON number)",
            "examples": ["12.50"],
        }


UnitPrice = Annotated[Decimal, DecimalString(UNIT_PRICE_PLACES, positive=False, meaning="a unit price")]
"""A price per unit, zero or more, as a decimal string of at most 6 decimal places (``"0.0125"``)."""
ExchangeRate = Annotated[
    Decimal, DecimalString(EXCHANGE_RATE_PLACES, positive=True, meaning="an exchange rate")
]
"""Units of the target currency for one unit of the source, > 0, at most 10 decimal places."""
TierQuantity = Annotated[
    Decimal, DecimalString(UNIT_PRICE_PLACES, positive=True, meaning="a tier's minimum quantity")
]
"""A price row's ``min_quantity`` (the tier threshold, in the row's unit), > 0, at most 6 places."""


class MoneyView(View):
    """Money in a response: ``{"amount": "12.50", "currency": "EUR"}``, the amount a decimal string."""

    amount: str = Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", examples=["12.50"])
    currency: str = Field(examples=["EUR"])

    @classmethod
    def of(cls, money: Money) -> MoneyView:
        return cls(amount=format(money.amount, "f"), currency=money.currency)
