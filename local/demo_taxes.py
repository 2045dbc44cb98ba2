"""The demo tenant's taxes, as ``PUT /v1/admin/tax/configuration`` takes them (the seed and the tests
share them): German VAT (19 % standard, 7 % reduced, shipping at the standard rate, exempt customers at
0 %) and California (7.25 %) with San Francisco's ZIP range at its local 8.625 %, shipping untaxed there.
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
        ],
        "rates": [
            {"code": "de-standard", "name": "VAT 19 %", "percentage": "19"},
            {"code": "de-reduced", "name": "VAT 7 %", "percentage": "7"},
            {"code": "us-ca", "name": "California sales tax", "percentage": "7.25"},
            {"code": "us-ca-sf", "name": "San Francisco sales tax", "percentage": "8.625"},
            {"code": "zero", "name": "no tax", "percentage": "0"},
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
        ],
    }
