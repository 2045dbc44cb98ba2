"""chalicelib.domain.taxes: which rule applies, the calculation as tables, and the totals adding up
whatever the lines (hypothesis).

The tables' configuration:

    product codes   standard, reduced, shipping        customer codes   b2b, exempt
    jurisdictions   de (DE), us-ca (US-CA), us-ca-sf (US-CA, ZIP 94100-94199), us-ca-sfo (US-CA, ZIP 9412?),
                    fr (FR), ch (CH), us-oh (US-OH), hk (HK), uk-london (GB, SW1*)
    rates           de-standard 19, de-reduced 7, us-ca 7.25, us-ca-sf 8.625, us-ca-sfo 9.5, zero 0, uk 20,
                    fr-standard 20, fr-reduced 5.5, ch-standard 8.1, ch-reduced 2.6, us-oh 5.75
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Context, Decimal, localcontext
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from chalicelib.domain.access import CustomerAccess
from chalicelib.domain.customer_users import Company, CustomerSession, CustomerUser
from chalicelib.domain.customers import Unit, company_tree
from chalicelib.domain.money import Money, RoundingMode, round_amount
from chalicelib.domain.taxes.calculation import (
    EXACT_DIGITS,
    LineTax,
    NoTaxRule,
    TaxableLine,
    TaxableShipping,
    TaxCalculation,
    TaxCalculationView,
    TaxRequest,
    TaxSettings,
    calculate,
)
from chalicelib.domain.taxes.configuration import (
    TaxAddress,
    TaxConfigurationFields,
    TaxRounding,
    TaxTable,
    reference_problems,
    tax_address,
)
from chalicelib.services.taxes.calculation import buyer_tax_code
from local.demo_taxes import demo_tax_configuration

D = Decimal
GERMANY = TaxAddress(country="DE", postal_code="10115")
LOS_ANGELES = TaxAddress(country="US", region="US-CA", postal_code="90001")
SAN_FRANCISCO = TaxAddress(country="US", region="US-CA", postal_code="94103-1234")
HONG_KONG = TaxAddress(country="HK")
JAPAN = TaxAddress(country="JP", postal_code="100-0001")


def configuration(**changes: Any) -> TaxConfigurationFields:
    """The demo's taxes, with a few more places to reach."""
    demo = demo_tax_configuration()
    document: dict[str, Any] = {
        **demo,
        "jurisdictions": [
            *demo["jurisdictions"],
            {"code": "us-ca-sfo", "country": "US", "region": "US-CA", "postal_codes": [{"pattern": "9412?"}]},
            {"code": "hk", "country": "HK"},
            {"code": "uk-london", "country": "GB", "postal_codes": [{"pattern": "SW1*"}]},
        ],
        "rates": [
            *demo["rates"],
            {"code": "us-ca-sfo", "percentage": "9.5"},
            {"code": "uk", "percentage": "20"},
        ],
        "rules": [
            *demo["rules"],
            {"product_tax_code": "standard", "jurisdiction": "us-ca-sfo", "rate": "us-ca-sfo", "priority": 5},
            {"product_tax_code": "standard", "jurisdiction": "hk", "rate": "zero"},
            {"product_tax_code": "standard", "jurisdiction": "uk-london", "rate": "uk"},
        ],
    }
    return TaxConfigurationFields.model_validate({**document, **changes})


TABLE = TaxTable(configuration())


def line(
    key: str, price: str, quantity: str = "1", code: str | None = "standard", **extra: Any
) -> TaxableLine:
    currency = extra.pop("currency", "EUR")
    discount = extra.pop("discount", None)
    return TaxableLine(
        key,
        Money(D(price), currency),
        D(quantity),
        code,
        Money(D(discount), currency) if discount else None,
    )


def taxed(
    lines: list[TaxableLine],
    address: TaxAddress = GERMANY,
    *,
    gross: bool = False,
    rounding: TaxRounding = "per_line",
    customer: str | None = None,
    shipping: TaxableShipping | None = None,
    table: TaxTable = TABLE,
) -> TaxCalculation:
    currency = lines[0].unit_price.currency if lines else "EUR"
    request = TaxRequest(currency, lines, address, customer, shipping)
    return calculate(table, TaxSettings(prices_include_tax=gross, rounding=rounding), request)


def amounts(calculation: TaxCalculation) -> dict[str, str]:
    """The totals as strings, for short tables."""
    return {
        name: format(getattr(calculation, name).amount, "f")
        for name in ("subtotal", "discounts", "shipping_total", "net_total", "tax_total", "grand_total")
    }


# --- which rule applies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "customer", "expected"),
    [
        pytest.param(GERMANY, None, ("de-standard", "de"), id="a whole country"),
        pytest.param(GERMANY, "exempt", ("zero", "de"), id="a rule naming the customer code beats any"),
        pytest.param(
            GERMANY, "b2b", ("de-standard", "de"), id="another customer code takes the rule for any"
        ),
        pytest.param(LOS_ANGELES, None, ("us-ca", "us-ca"), id="a region"),
        pytest.param(SAN_FRANCISCO, None, ("us-ca-sf", "us-ca-sf"), id="a ZIP+4 code in a 5-digit range"),
        pytest.param(
            TaxAddress(country="US", region="US-CA", postal_code="94123"),
            None,
            ("us-ca-sfo", "us-ca-sfo"),
            id="equally specific: the higher priority",
        ),
        pytest.param(
            TaxAddress(country="US", region="US-CA"),
            None,
            ("us-ca", "us-ca"),
            id="no postal code: the region's",
        ),
        pytest.param(
            TaxAddress(country="GB", postal_code="sw1a 1aa"),
            None,
            ("uk", "uk-london"),
            id="a pattern, normalized",
        ),
        pytest.param(TaxAddress(country="GB", postal_code="E1 6AN"), None, None, id="outside the pattern"),
        pytest.param(
            TaxAddress(country="US", region="US-NY", postal_code="94103"), None, None, id="another region"
        ),
        pytest.param(JAPAN, None, None, id="no jurisdiction"),
    ],
)
def test_the_most_specific_matching_rule_gives_the_rate(
    address: TaxAddress, customer: str | None, expected: tuple[str, str] | None
) -> None:
    # given the table's configuration
    # when
    applied = TABLE.rate_for("standard", customer, address)
    # then
    assert ((applied.rate, applied.jurisdiction) if applied else None) == expected


def test_a_product_without_a_tax_code_takes_the_default() -> None:
    # given / when
    applied = TABLE.rate_for(None, None, GERMANY)
    # then
    assert applied is not None
    assert applied.rate == "de-standard"


def test_equal_rules_go_by_their_order_in_the_list() -> None:
    # given two countrywide rules of the same product code reaching one address, with equal priority
    table = TaxTable(
        configuration(
            jurisdictions=[{"code": "de", "country": "DE"}, {"code": "de-too", "country": "DE"}],
            rules=[
                {"product_tax_code": "standard", "jurisdiction": "de", "rate": "de-reduced"},
                {"product_tax_code": "standard", "jurisdiction": "de-too", "rate": "de-standard"},
            ],
        )
    )
    # when
    applied = table.rate_for("standard", None, GERMANY)
    # then
    assert applied is not None
    assert applied.rate == "de-reduced"


@pytest.mark.parametrize(
    ("region", "postal_code", "expected"),
    [
        pytest.param("CA", "94103", ("US-CA", "94103"), id="a bare subdivision code"),
        pytest.param("us-ca", " 94103-1234 ", ("US-CA", "94103-1234"), id="with its country, any case"),
        pytest.param("California", "94103", (None, "94103"), id="a name: no region"),
        pytest.param("DE-BY", None, (None, None), id="another country's region: none"),
    ],
)
def test_an_address_book_entry_becomes_a_tax_address(
    region: str, postal_code: str | None, expected: tuple[str | None, str | None]
) -> None:
    # given / when
    address = tax_address("US", region, postal_code)
    # then
    assert (address.region, address.postal_code) == expected


def test_a_postal_code_no_rule_could_compare_is_refused() -> None:
    # given / when / then
    with pytest.raises(ValueError, match="postal_code"):
        tax_address("GB", None, "SW1A.1AA")


# --- the calculation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "gross", "expected"),
    [
        pytest.param(
            [line("a", "100.00"), line("b", "10.00", "3", "reduced")],
            False,
            {
                "subtotal": "130.00",
                "discounts": "0.00",
                "shipping_total": "0.00",
                "net_total": "130.00",
                "tax_total": "21.10",
                "grand_total": "151.10",
            },
            id="German VAT 19/7 added to net prices",
        ),
        pytest.param(
            [line("a", "119.00"), line("b", "10.70", "3", "reduced")],
            True,
            {
                "subtotal": "151.10",
                "discounts": "0.00",
                "shipping_total": "0.00",
                "net_total": "130.00",
                "tax_total": "21.10",
                "grand_total": "151.10",
            },
            id="German VAT 19/7 extracted from gross prices",
        ),
        pytest.param(
            [line("a", "100.00", discount="10.00")],
            False,
            {
                "subtotal": "100.00",
                "discounts": "10.00",
                "shipping_total": "0.00",
                "net_total": "90.00",
                "tax_total": "17.10",
                "grand_total": "107.10",
            },
            id="a discount lowers what is taxed",
        ),
    ],
)
def test_german_vat(lines: list[TaxableLine], gross: bool, expected: dict[str, str]) -> None:
    # given the lines, listed gross or net
    # when
    calculation = taxed(lines, gross=gross)
    # then
    assert amounts(calculation) == expected


def test_tax_by_rate_holds_each_rates_share() -> None:
    # given
    lines = [line("a", "100.00"), line("b", "10.00", "3", "reduced"), line("c", "50.00")]
    # when
    calculation = taxed(lines)
    # then
    shares = [
        (s.rate, str(s.percentage), str(s.net.amount), str(s.tax.amount)) for s in calculation.tax_by_rate
    ]
    assert shares == [("de-standard", "19", "150.00", "28.50"), ("de-reduced", "7", "30.00", "2.10")]


def test_shipping_is_taxed_by_its_own_code_and_counted_in_the_grand_total() -> None:
    # given
    shipping = TaxableShipping(Money(D("5.00"), "EUR"), "shipping")
    # when
    calculation = taxed([line("a", "10.00", "2", "reduced")], shipping=shipping)
    # then
    assert amounts(calculation) == {
        "subtotal": "20.00",
        "discounts": "0.00",
        "shipping_total": "5.00",
        "net_total": "25.00",
        "tax_total": "2.35",
        "grand_total": "27.35",
    }
    assert calculation.shipping is not None
    assert calculation.shipping.tax == Money(D("0.95"), "EUR")


@pytest.mark.parametrize(
    ("address", "tax"),
    [
        pytest.param(LOS_ANGELES, "7.25", id="the state's rate"),
        pytest.param(SAN_FRANCISCO, "8.63", id="the ZIP range's local rate"),
        pytest.param(HONG_KONG, "0.00", id="a jurisdiction whose rate is zero"),
    ],
)
def test_a_sale_is_taxed_where_its_address_is(address: TaxAddress, tax: str) -> None:
    # given / when
    calculation = taxed([line("a", "100.00", currency="USD")], address)
    # then
    assert calculation.tax_total == Money(D(tax), "USD")


def test_an_exempt_customer_pays_no_tax() -> None:
    # given / when
    calculation = taxed([line("a", "100.00")], customer="exempt")
    # then
    assert (calculation.tax_total, calculation.grand_total) == (Money(0, "EUR"), Money(D("100"), "EUR"))
    assert calculation.lines[0].rate is not None
    assert calculation.lines[0].rate.rate == "zero"


@pytest.mark.parametrize(
    ("rounding", "gross", "price", "tax"),
    [
        pytest.param("per_line", False, "1.05", "0.21", id="net 1.05, per line: 3 x 0.07 (0.0735)"),
        pytest.param("per_total", False, "1.05", "0.22", id="net 1.05, per total: 0.2205"),
        pytest.param("per_line", True, "1.02", "0.21", id="gross 1.02, per line: 3 x 0.07 (0.0667...)"),
        pytest.param("per_total", True, "1.02", "0.20", id="gross 1.02, per total: 0.2002..."),
    ],
)
def test_rounding_per_line_or_per_total_gives_different_cents(
    rounding: TaxRounding, gross: bool, price: str, tax: str
) -> None:
    # given three lines whose exact taxes each round up
    lines = [line(key, price, code="reduced") for key in "abc"]
    # when
    calculation = taxed(lines, gross=gross, rounding=rounding)
    # then
    assert calculation.tax_total == Money(D(tax), "EUR")


def test_a_line_no_rule_covers_refuses_the_calculation() -> None:
    # given a Japanese address and a product code no rule names
    lines = [line("a", "10.00"), line("b", "10.00", code="unknown")]
    # when
    with pytest.raises(NoTaxRule) as refused:
        taxed(lines, JAPAN)
    # then
    assert refused.value.missing == [("a", "standard"), ("b", "unknown")]


def test_a_tenant_without_rules_sells_untaxed() -> None:
    # given
    table = TaxTable(TaxConfigurationFields())
    # when
    calculation = taxed([line("a", "10.00", code=None)], JAPAN, table=table)
    # then
    assert calculation.tax_total == Money(0, "EUR")
    assert [(share.rate, share.gross.amount) for share in calculation.tax_by_rate] == [(None, D("10.00"))]


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param([line("a", "10.00", currency="USD")], id="a price of another currency"),
        pytest.param([line("a", "10.00", "-1")], id="a negative quantity"),
        pytest.param([line("a", "10.00", discount="10.01")], id="a discount above the line"),
    ],
)
def test_bad_lines_are_refused(lines: list[TaxableLine]) -> None:
    # given / when / then
    with pytest.raises(ValueError, match="currency|quantity|discount"):
        calculate(TABLE, TaxSettings(prices_include_tax=False), TaxRequest("EUR", lines, GERMANY))


def test_the_largest_amounts_keep_every_digit() -> None:
    # given 500 lines of a trillion units at a trillion each, taxed at 1,000 percent
    rates = configuration().model_dump(mode="json")["rates"]
    table = TaxTable(
        configuration(
            rates=[rate | {"percentage": "1000"} if rate["code"] == "zero" else rate for rate in rates]
        )
    )
    lines = [line(str(n), "999999999999.999999", "999999999999.999999") for n in range(500)]
    # when
    calculation = taxed(lines, table=table, customer="exempt")
    # then
    assert calculation.tax_total.amount == calculation.net_total.amount * 10
    assert calculation.grand_total.amount == calculation.net_total.amount * 11


def test_the_answer_writes_amounts_as_decimal_strings() -> None:
    # given
    calculation = taxed([line("a", "119.00")], gross=True)
    # when
    answer = TaxCalculationView.of(calculation).model_dump(mode="json")
    # then
    assert answer["lines"][0]["tax"] == {"amount": "19.00", "currency": "EUR"}
    assert answer["tax_by_rate"][0]["percentage"] == "19"


# --- the configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"rates": [{"code": "a", "percentage": "7"}, {"code": "a", "percentage": "8"}]},
            "appears twice",
            id="a code twice",
        ),
        pytest.param({"rates": [{"code": "a", "percentage": 7}]}, "decimal string", id="a rate as a number"),
        pytest.param(
            {"rates": [{"code": "a", "percentage": "1000.01"}]}, "at most 1000", id="a rate above 1,000 %"
        ),
        pytest.param(
            {"jurisdictions": [{"code": "x", "country": "DE", "region": "US-CA"}]},
            "region of DE",
            id="a region of another country",
        ),
        pytest.param(
            {
                "jurisdictions": [
                    {"code": "x", "country": "US", "postal_codes": [{"first": "940", "last": "94199"}]}
                ]
            },
            "same length",
            id="a range of two lengths",
        ),
        pytest.param(
            {
                "jurisdictions": [
                    {"code": "x", "country": "US", "postal_codes": [{"first": "942", "last": "941"}]}
                ]
            },
            "before first",
            id="a range backwards",
        ),
        pytest.param(
            {"rules": [{"product_tax_code": "a", "jurisdiction": "de", "rate": "x"}] * 2},
            "two rules for",
            id="a rule twice",
        ),
    ],
)
def test_a_malformed_configuration_is_refused(changes: dict[str, Any], message: str) -> None:
    # given / when / then
    with pytest.raises(ValidationError, match=message):
        configuration(**changes)


def test_names_a_configuration_does_not_define_are_unknown() -> None:
    # given a rule naming a rate nobody defined
    document = configuration(rules=[{"product_tax_code": "standard", "jurisdiction": "de", "rate": "nine"}])
    # when
    problems = reference_problems(document, None)
    # then
    assert [(p.field, p.kind) for p in problems] == [("rules.0.rate", "unknown")]


def test_dropping_a_code_a_rule_still_uses_is_a_conflict() -> None:
    # given the stored configuration, and a new one without the reduced code but with its rule
    stored = configuration()
    document = configuration(product_tax_codes=[{"code": "standard"}, {"code": "shipping"}])
    # when
    problems = reference_problems(document, stored)
    # then every rule of the reduced code is named (Germany, California, France, Switzerland, Ohio)
    assert [(p.field, p.kind) for p in problems] == [
        (f"rules.{index}.product_tax_code", "in_use") for index in (1, 5, 9, 12, 15)
    ]


# --- whatever the lines: the totals add up -------------------------------------------------------

prices = st.decimals(min_value=0, max_value=10_000, places=4).map(lambda d: Money(d, "EUR"))
quantities = st.integers(min_value=0, max_value=500).map(Decimal)
lines_of = st.lists(
    st.builds(
        TaxableLine,
        st.text("abcdef", min_size=1, max_size=3),
        prices,
        quantities,
        st.sampled_from(["standard", "reduced", "shipping"]),
    ),
    max_size=12,
)


def exact_tax(each: LineTax, gross: bool) -> Decimal:
    """A line's tax before any rounding, from what it taxed (its gross or its net)."""
    assert each.rate is not None
    percentage = each.rate.percentage
    with localcontext(Context(prec=EXACT_DIGITS)):
        if gross:
            return each.gross.amount * percentage / (100 + percentage)
        return each.net.amount * percentage / 100


COVERING = TaxTable(
    configuration(
        rules=[
            {"product_tax_code": code, "jurisdiction": where, "rate": rate}
            for code, rate in (
                ("standard", "de-standard"),
                ("reduced", "de-reduced"),
                ("shipping", "us-ca-sf"),
            )
            for where in ("de", "us-ca-sf", "hk")
        ]
    )
)


@settings(max_examples=100, deadline=None)
@given(
    lines=lines_of,
    gross=st.booleans(),
    rounding=st.sampled_from(["per_line", "per_total"]),
    mode=st.sampled_from(["half_up", "half_even", "up", "down"]),
    address=st.sampled_from([GERMANY, SAN_FRANCISCO, HONG_KONG]),
    shipping=st.none() | prices.map(lambda money: TaxableShipping(money, "shipping")),
)
def test_line_taxes_and_totals_add_up_to_the_grand_total(
    lines: list[TaxableLine],
    gross: bool,
    rounding: TaxRounding,
    mode: RoundingMode,
    address: TaxAddress,
    shipping: TaxableShipping | None,
) -> None:
    # given a table that covers every line wherever it goes (COVERING)
    website = TaxSettings(prices_include_tax=gross, rounding=rounding, rounding_mode=mode)
    # when
    calculation = calculate(COVERING, website, TaxRequest("EUR", lines, address, None, shipping))
    # then every line and every rate adds up, in cents
    everything = [*calculation.lines, *([calculation.shipping] if calculation.shipping else [])]
    for each in everything:
        assert each.net + each.tax == each.gross
        assert each.tax.amount == round_amount(each.tax.amount, "EUR")
    for share in calculation.tax_by_rate:
        members = [each for each in everything if each.rate and each.rate.rate == share.rate]
        assert share.net + share.tax == share.gross
        if rounding == "per_line":
            assert share.tax == sum((each.tax for each in members), Money.zero("EUR"))
        else:
            assert share.tax.amount == round_amount(
                sum(exact_tax(each, gross) for each in members), "EUR", mode
            )
    zero = Money.zero("EUR")
    assert calculation.tax_total == sum((share.tax for share in calculation.tax_by_rate), zero)
    assert calculation.net_total + calculation.tax_total == calculation.grand_total
    listed = calculation.subtotal - calculation.discounts + calculation.shipping_total
    assert calculation.grand_total == (listed if gross else listed + calculation.tax_total)


# --- the buyer's tax code -------------------------------------------------------------------------


COMPANY, BRANCH = "cus_01JD0000000000000000000000", "unt_01JD0000000000000000000001"


def unit(unit_id: str, parent: str | None, tax_code: str | None) -> Unit:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    return Unit(
        id=unit_id,
        version=1,
        created_at=moment,
        updated_at=moment,
        name=unit_id,
        tax_code=tax_code,
        customer_id=COMPANY,
        kind="company" if parent is None else "branch",
        parent_id=parent,
    )


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        pytest.param(("exempt", None), "exempt", id="the company's, inherited"),
        pytest.param(("exempt", "b2b"), "b2b", id="the unit's own"),
        pytest.param((None, None), None, id="none set: the configuration's default applies"),
    ],
)
def test_a_buyer_pays_with_their_units_effective_tax_code(
    codes: tuple[str | None, str | None], expected: str | None
) -> None:
    # given a buyer in a branch of a company
    company, branch = unit(COMPANY, None, codes[0]), unit(BRANCH, COMPANY, codes[1])
    units = {company.id: company, branch.id: branch}
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    buyer = CustomerUser(
        id="usr_01JD0000000000000000000000",
        version=1,
        created_at=moment,
        updated_at=moment,
        customer_id=COMPANY,
        name="Bob",
        email="bob@example.com",
        unit_id=branch.id,
    )
    tree = company_tree(units)
    session = CustomerSession(
        user=buyer,
        access=CustomerAccess(buyer.id, tree, ()),
        company_path=(),
        company=Company(customer_id=company.id, units=units, tree=tree, structure_version=1),
    )
    # when / then
    assert buyer_tax_code(session) == expected
