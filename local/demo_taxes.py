"""The demo tenant's taxes, as ``PUT /v1/admin/tax/configuration`` takes them (the seed and the tests
share them): German VAT (19 % standard, 7 % reduced, shipping at the standard rate, exempt customers at
0 %) and California (7.25 %) with San Francisco's ZIP range at its local 8.625 %, shipping untaxed there;
and where the demo's orders ship besides: French VAT (20 %, 5.5 % reduced; Plant Lyon), Swiss VAT
(8.1 %, 2.6 % reduced; Acme Switzerland's orders), both with shipping at the standard rate, and Ohio's
state sales tax (5.75 %, shipping untaxed; Plant Ohio).
"""

from __future__ import annotations

from typing import Any

# A shipping address the demo's taxes cover (Germany): Globex's Berlin site, where Ava's checkouts ship.
BERLIN_SITE: dict[str, Any] = {
    "kind": "shipping",
    "label": "Berlin site",
    "line1": "Industriestr. 9",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
}
# A shipping address in Switzerland (Swiss VAT): Globex's Zurich site, where Ava's CHF order ships.
ZURICH_SITE: dict[str, Any] = {
    "kind": "shipping",
    "label": "Zurich site",
    "line1": "Hardturmstrasse 101",
    "city": "Zurich",
    "postal_code": "8005",
    "country": "CH",
}


def demo_tax_configuration() -> dict[str, Any]:
    return {
        "product_tax_codes": [
            {"code": "standard", "description": "most goods"},
            {"code": "reduced", "description": "books and printed matter"},
            {"code": "shipping"},
        ],
        "customer_tax_codes": [{"code": "b2b"}, {"code": "exempt", "description": "tax-exempt buyers"}],
        "default_product_tax_code": "standard",
        "jurisdictions": [
            {"code": "de", "name": "Germany", "country": "DE"},
            {"code": "us-ca", "name": "California", "country": "US", "region": "US-CA"},
            {
                "code": "us-ca-sf",
                "name": "San Francisco",
                "country": "US",
                "region": "US-CA",
                "postal_codes": [{"first": "94100", "last": "94199"}],
            },
            {"code": "fr", "name": "France", "country": "FR"},
            {"code": "ch", "name": "Switzerland", "country": "CH"},
            {"code": "us-oh", "name": "Ohio", "country": "US", "region": "US-OH"},
        ],
        "rates": [
            {"code": "de-standard", "name": "VAT 19 %", "percentage": "19"},
            {"code": "de-reduced", "name": "VAT 7 %", "percentage": "7"},
            {"code": "us-ca", "name": "California sales tax", "percentage": "7.25"},
            {"code": "us-ca-sf", "name": "San Francisco sales tax", "percentage": "8.625"},
            {"code": "zero", "name": "no tax", "percentage": "0"},
            {"code": "fr-standard", "name": "TVA 20 %", "percentage": "20"},
            {"code": "fr-reduced", "name": "TVA 5.5 %", "percentage": "5.5"},
            {"code": "ch-standard", "name": "MWST 8.1 %", "percentage": "8.1"},
            {"code": "ch-reduced", "name": "MWST 2.6 %", "percentage": "2.6"},
            {"code": "us-oh", "name": "Ohio sales tax", "percentage": "5.75"},
        ],
        "rules": [
            {"product_tax_code": "standard", "jurisdiction": "de", "rate": "de-standard"},
            {"product_tax_code": "reduced", "jurisdiction": "de", "rate": "de-reduced"},
            {"product_tax_code": "shipping", "jurisdiction": "de", "rate": "de-standard"},
            {
                "product_tax_code": "standard",
                "customer_tax_code": "exempt",
                "jurisdiction": "de",
                "rate": "zero",
            },
            {"product_tax_code": "standard", "jurisdiction": "us-ca", "rate": "us-ca"},
            {"product_tax_code": "reduced", "jurisdiction": "us-ca", "rate": "us-ca"},
            {"product_tax_code": "shipping", "jurisdiction": "us-ca", "rate": "zero"},
            {"product_tax_code": "standard", "jurisdiction": "us-ca-sf", "rate": "us-ca-sf"},
            *(
                {"product_tax_code": code, "jurisdiction": country, "rate": f"{country}-{rate}"}
                for country in ("fr", "ch")
                for code, rate in (("standard", "standard"), ("reduced", "reduced"), ("shipping", "standard"))
            ),
            {"product_tax_code": "standard", "jurisdiction": "us-oh", "rate": "us-oh"},
            {"product_tax_code": "reduced", "jurisdiction": "us-oh", "rate": "us-oh"},
            {"product_tax_code": "shipping", "jurisdiction": "us-oh", "rate": "zero"},
        ],
    }
