"""A tenant's tax configuration: tax codes, jurisdictions, rates and rules, and which rule applies.

- **Codes** are strings. A product carries a *product tax code* (``standard``, ``reduced``,
  ``shipping``...), a customer unit a *customer tax code* (``b2b``, ``exempt``...); either may be
  left unset and take the configuration's default.
- A **jurisdiction** is a country (ISO 3166-1), optionally narrowed to a region (ISO 3166-2, such as
  ``US-CA``) and to postal codes. A postal code is compared *normalized*: upper case, without spaces
  and hyphens (``"sw1a 1aa"`` -> ``SW1A1AA``, ``"94103-1234"`` -> ``941031234``). A **range**
  ``{"first": "94000", "last": "94199"}`` (both of one length) matches a code whose first that many
  characters lie between the two, inclusive (character by character: for digits, numerically), so
  ZIP+4 codes fall in 5-digit ranges. A **pattern** ``{"pattern": "SW1*"}`` matches the whole
  normalized code, ``*`` standing for any characters and ``?`` for one. A jurisdiction with postal
  codes contains an address whose code matches one of them (an address without a code: none).
- A **rate** is a named percentage (``"19"``, ``"7.5"``, at most 4 decimal places).
- A **rule** says: product tax code x customer tax code (or any, ``null``) x jurisdiction -> rate,
  with a ``priority``.

Which rule wins (:meth:`TaxTable.rate_for`), among those of the line's product code whose customer
code is the buyer's or any and whose jurisdiction contains the tax address: the most specific
jurisdiction first (postal codes, then a region, then the whole country), then a rule naming the
customer code over one for any, then the higher ``priority``, then the earlier rule in the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, field_validator

from chalicelib.domain.base import CountryCode, Input, Name, Version, View
from chalicelib.domain.money import DecimalString

TaxRounding = Literal["per_line", "per_total"]
"""Where tax rounds to the currency's minor unit: each line's tax (``per_line``, summed), or the sum
of each rate's exact line taxes (``per_total``), as the tenant chooses."""

MAX_CODES: Final = 100
MAX_JURISDICTIONS: Final = 300
MAX_POSTAL_CODES: Final = 20
MAX_RATES: Final = 100
MAX_RULES: Final = 500
RATE_PLACES: Final = 4

TaxCode = Annotated[str, StringConstraints(min_length=1, max_length=64)]
"""A product's or customer's tax code, as products and customer units carry it."""
EntryCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
"""A jurisdiction's or rate's own code (``de``, ``us-ca-sf``, ``de-standard``)."""
RegionCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")]
"""An ISO 3166-2 subdivision code, its country first (``US-CA``, ``DE-BY``)."""
PostalText = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 -]{0,19}$")]
PostalPattern = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9*?][A-Za-z0-9 *?-]{0,19}$")]
MAX_PERCENTAGE: Final = Decimal(1000)


def _at_most_max_percentage(rate: Decimal) -> Decimal:
    if rate > MAX_PERCENTAGE:
        raise ValueError(f"a tax rate is at most {MAX_PERCENTAGE} percent")
    return rate


Percentage = Annotated[
    Decimal,
    DecimalString(RATE_PLACES, positive=False, meaning="a rate in percent"),
    AfterValidator(_at_most_max_percentage),
]
"""A tax rate in percent (``"19"``, ``"7.5"``), zero or more, as a decimal string."""


def normalized_postal_code(code: str) -> str:
    """The form postal codes are compared in: upper case, no spaces, no hyphens."""
    return re.sub(r"[\s-]", "", code).upper()


class TaxAddress(Input):
    """Where a sale is taxed: the order's shipping or billing address, or the website's origin."""

    country: CountryCode
    region: RegionCode | None = Field(default=None, description="ISO 3166-2, its country first (US-CA)")
    postal_code: PostalText | None = None

    @field_validator("region")
    @classmethod
    def _in_country(cls, region: str | None, info: ValidationInfo) -> str | None:
        country = info.data.get("country")
        if region is not None and country is not None and not region.startswith(f"{country}-"):
            raise ValueError(f"must be a region of {country}, written {country}-...")
        return region


_SUBDIVISION = re.compile(r"(?:(?P<country>[A-Z]{2})-)?(?P<code>[A-Z0-9]{1,3})")


def tax_address(country: str, region: str | None, postal_code: str | None) -> TaxAddress:
    """The tax address of an address as the address book keeps it (free-text region): its region read
    as an ISO 3166-2 code of its country when it is one, written with or without the country (``CA``
    or ``US-CA``, any case), else none, so that only country and postal-code rules reach it. A postal
    code no jurisdiction could compare (not letters, digits, spaces and hyphens) raises
    ``ValueError``: taxing it as if it had none could pick the wrong rate."""
    subdivision = _SUBDIVISION.fullmatch(region.strip().upper()) if region else None
    if subdivision is not None and subdivision["country"] not in (None, country):
        subdivision = None
    return TaxAddress.model_validate(
        {
            "country": country,
            "region": f"{country}-{subdivision['code']}" if subdivision else None,
            "postal_code": postal_code.strip() if postal_code else None,
        }
    )


class PostalCodeRange(Input):
    """Postal codes from ``first`` to ``last``, compared on as many leading characters as they have."""

    first: PostalText
    last: PostalText

    @field_validator("last")
    @classmethod
    def _ordered(cls, last: str, info: ValidationInfo) -> str:
        first = info.data.get("first")
        if first is not None:
            low, high = normalized_postal_code(first), normalized_postal_code(last)
            if len(low) != len(high):
                raise ValueError("first and last must have the same length (spaces and hyphens aside)")
            if low > high:
                raise ValueError("must not come before first")
        return last

    def matches(self, code: str) -> bool:
        """Whether the normalized ``code`` falls in the range."""
        low, high = normalized_postal_code(self.first), normalized_postal_code(self.last)
        return len(code) >= len(low) and low <= code[: len(low)] <= high


class PostalCodePattern(Input):
    """Postal codes matching ``pattern`` whole: ``*`` any characters, ``?`` one (``SW1*``, ``1??00``)."""

    pattern: PostalPattern

    def matches(self, code: str) -> bool:
        return _pattern_regex(normalized_postal_code(self.pattern)).fullmatch(code) is not None


@cache
def _pattern_regex(pattern: str) -> re.Pattern[str]:
    return re.compile("".join({"*": ".*", "?": "."}.get(char, re.escape(char)) for char in pattern))


class TaxCodeEntry(Input):
    code: TaxCode
    description: Name | None = None


class Jurisdiction(Input):
    code: EntryCode
    name: Name | None = None
    country: CountryCode
    region: RegionCode | None = None
    postal_codes: list[PostalCodeRange | PostalCodePattern] = Field(
        default_factory=list,
        max_length=MAX_POSTAL_CODES,
        description="ranges and patterns; none: every postal code of the country (and region)",
    )

    @field_validator("region")
    @classmethod
    def _in_country(cls, region: str | None, info: ValidationInfo) -> str | None:
        return TaxAddress._in_country(region, info)

    @property
    def specificity(self) -> int:
        """2 with postal codes, 1 with a region only, 0 for a whole country: the more specific wins."""
        return 2 if self.postal_codes else 1 if self.region else 0

    def contains(self, address: TaxAddress) -> bool:
        if address.country != self.country or (self.region and address.region != self.region):
            return False
        if not self.postal_codes:
            return True
        if address.postal_code is None:
            return False
        code = normalized_postal_code(address.postal_code)
        return any(entry.matches(code) for entry in self.postal_codes)


class TaxRate(Input):
    code: EntryCode
    name: Name | None = None
    percentage: Percentage


class TaxRule(Input):
    product_tax_code: TaxCode
    customer_tax_code: TaxCode | None = Field(default=None, description="null: any customer tax code")
    jurisdiction: EntryCode
    rate: EntryCode
    priority: int = Field(
        default=0, ge=0, le=1000, description="the higher wins between equally specific rules"
    )


def _unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} {value!r} appears twice")
        seen.add(value)


class TaxConfigurationFields(Input):
    """The tenant's whole tax configuration, replaced whole (``PUT /v1/admin/tax/configuration``)."""

    product_tax_codes: list[TaxCodeEntry] = Field(default_factory=list, max_length=MAX_CODES)
    customer_tax_codes: list[TaxCodeEntry] = Field(default_factory=list, max_length=MAX_CODES)
    default_product_tax_code: TaxCode | None = Field(
        default=None, description="the code of a product that has none (one of product_tax_codes)"
    )
    default_customer_tax_code: TaxCode | None = Field(
        default=None, description="the code of a customer unit that has none (one of customer_tax_codes)"
    )
    jurisdictions: list[Jurisdiction] = Field(default_factory=list, max_length=MAX_JURISDICTIONS)
    rates: list[TaxRate] = Field(default_factory=list, max_length=MAX_RATES)
    rules: list[TaxRule] = Field(default_factory=list, max_length=MAX_RULES)

    @field_validator("product_tax_codes", "customer_tax_codes", "jurisdictions", "rates")
    @classmethod
    def _codes_once(
        cls, entries: list[TaxCodeEntry | Jurisdiction | TaxRate]
    ) -> list[TaxCodeEntry | Jurisdiction | TaxRate]:
        _unique((entry.code for entry in entries), "the code")
        return entries

    @field_validator("rules")
    @classmethod
    def _rules_once(cls, rules: list[TaxRule]) -> list[TaxRule]:
        seen: set[tuple[str, str | None, str]] = set()
        for rule in rules:
            key = (rule.product_tax_code, rule.customer_tax_code, rule.jurisdiction)
            if key in seen:
                customer = repr(rule.customer_tax_code) if rule.customer_tax_code else "any customer code"
                raise ValueError(
                    f"two rules for {rule.product_tax_code!r} x {customer} x {rule.jurisdiction!r}"
                )
            seen.add(key)
        return rules


class TaxConfigurationBody(TaxConfigurationFields):
    version: Version | None = Field(default=None, description="the version read (or send If-Match)")


class TaxConfiguration(TaxConfigurationFields):
    """The configuration as stored and answered: empty, at version 0, before the first change."""

    version: int = Field(ge=0, description="send it back as If-Match to replace the configuration")


Reference = Literal["unknown", "in_use"]


@dataclass(frozen=True)
class ReferenceProblem:
    """A name in the configuration that does not hold: ``unknown`` (it was never defined) or
    ``in_use`` (a code or jurisdiction the stored configuration has, dropped while a rule still names
    it)."""

    field: str
    message: str
    kind: Reference


def reference_problems(
    configuration: TaxConfigurationFields, stored: TaxConfigurationFields | None
) -> list[ReferenceProblem]:
    """Every rule's and default's name that the configuration does not define, as
    :class:`ReferenceProblem`: ``in_use`` when ``stored`` defines it (the change deletes what a rule
    uses), ``unknown`` otherwise."""
    defined = _defined(configuration)
    before = _defined(stored) if stored is not None else {kind: set() for kind in defined}
    problems: list[ReferenceProblem] = []

    def check(field: str, kind: str, name: str | None, noun: str) -> None:
        if name is None or name in defined[kind]:
            return
        if name in before[kind]:
            problems.append(ReferenceProblem(field, f"{noun} {name!r} is still used here: keep it", "in_use"))
        else:
            problems.append(ReferenceProblem(field, f"{noun} {name!r} is not defined", "unknown"))

    check(
        "default_product_tax_code", "product", configuration.default_product_tax_code, "the product tax code"
    )
    check(
        "default_customer_tax_code",
        "customer",
        configuration.default_customer_tax_code,
        "the customer tax code",
    )
    for index, rule in enumerate(configuration.rules):
        check(f"rules.{index}.product_tax_code", "product", rule.product_tax_code, "the product tax code")
        check(f"rules.{index}.customer_tax_code", "customer", rule.customer_tax_code, "the customer tax code")
        check(f"rules.{index}.jurisdiction", "jurisdiction", rule.jurisdiction, "the jurisdiction")
        check(f"rules.{index}.rate", "rate", rule.rate, "the rate")
    return problems


def _defined(configuration: TaxConfigurationFields) -> dict[str, set[str]]:
    return {
        "product": {entry.code for entry in configuration.product_tax_codes},
        "customer": {entry.code for entry in configuration.customer_tax_codes},
        "jurisdiction": {entry.code for entry in configuration.jurisdictions},
        "rate": {entry.code for entry in configuration.rates},
    }


class AppliedRate(View):
    """The rate a rule gave a line: the rate's code and percentage, and the rule's jurisdiction."""

    rate: str
    percentage: Decimal
    jurisdiction: str


@dataclass(frozen=True)
class _Candidate:
    rule: TaxRule
    jurisdiction: Jurisdiction
    applied: AppliedRate
    order: tuple[int, int, int, int]  # the larger wins: see the module's docstring


class TaxTable:
    """A configuration ready to answer (rules indexed by product tax code; built once per version)."""

    def __init__(self, configuration: TaxConfigurationFields) -> None:
        self.configuration = configuration
        jurisdictions = {entry.code: entry for entry in configuration.jurisdictions}
        rates = {entry.code: entry for entry in configuration.rates}
        self._by_product: dict[str, list[_Candidate]] = {}
        for position, rule in enumerate(configuration.rules):
            jurisdiction, rate = jurisdictions[rule.jurisdiction], rates[rule.rate]
            applied = AppliedRate(rate=rate.code, percentage=rate.percentage, jurisdiction=jurisdiction.code)
            order = (jurisdiction.specificity, rule.customer_tax_code is not None, rule.priority, -position)
            self._by_product.setdefault(rule.product_tax_code, []).append(
                _Candidate(rule, jurisdiction, applied, order)
            )

    @property
    def taxes_anything(self) -> bool:
        """False for a tenant without rules: its sales are untaxed rather than refused."""
        return bool(self._by_product)

    def rate_for(
        self, product_tax_code: str | None, customer_tax_code: str | None, address: TaxAddress
    ) -> AppliedRate | None:
        """The winning rule's rate for a product code (or the default) sold to a customer code (or the
        default) at ``address``; None when no rule matches."""
        product_code = product_tax_code or self.configuration.default_product_tax_code
        customer_code = customer_tax_code or self.configuration.default_customer_tax_code
        if product_code is None:
            return None
        matching = [
            candidate
            for candidate in self._by_product.get(product_code, ())
            if candidate.rule.customer_tax_code in (None, customer_code)
            and candidate.jurisdiction.contains(address)
        ]
        if not matching:
            return None
        return max(matching, key=lambda candidate: candidate.order).applied
