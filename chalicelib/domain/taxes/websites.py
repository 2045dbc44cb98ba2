"""What a website's taxes follow: its effective settings and the address a sale is taxed at.

``prices_include_tax`` and ``tax_basis`` inherit website -> organization -> tenant like every setting;
``tax_rounding`` and ``rounding_mode`` are the tenant's; the origin address is the website's own
``tax_origin``. The tax address is the order's shipping or billing address, or that origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from chalicelib.domain.taxes.calculation import TaxSettings
from chalicelib.domain.taxes.configuration import TaxAddress
from chalicelib.domain.tenancy import (
    OrganizationFields,
    TaxBasis,
    TenantSettings,
    WebsiteFields,
    resolve_setting,
)


class NoTaxAddress(ValueError):
    """The website's tax basis names an address the sale does not have (yet)."""

    def __init__(self, basis: TaxBasis) -> None:
        self.basis = basis
        wanted = "the website's tax_origin" if basis == "origin" else f"a {basis} address"
        super().__init__(f"taxes here follow the {basis} address: {wanted} is needed")


@dataclass(frozen=True)
class WebsiteTaxes:
    settings: TaxSettings
    basis: TaxBasis
    origin: TaxAddress | None

    def address(self, *, shipping: TaxAddress | None, billing: TaxAddress | None) -> TaxAddress:
        """The address the website's tax basis picks; :class:`NoTaxAddress` if it is missing."""
        chosen = {"shipping": shipping, "billing": billing, "origin": self.origin}[self.basis]
        if chosen is None:
            raise NoTaxAddress(self.basis)
        return chosen


def website_taxes(
    tenant: TenantSettings, organization: OrganizationFields, website: WebsiteFields
) -> WebsiteTaxes:
    def setting(name: str) -> object:
        return resolve_setting(name, tenant, organization, website).value

    return WebsiteTaxes(
        settings=TaxSettings(
            prices_include_tax=bool(setting("prices_include_tax")),
            rounding=tenant.tax_rounding,
            rounding_mode=tenant.rounding_mode,
        ),
        basis=cast(TaxBasis, setting("tax_basis")),
        origin=website.tax_origin,
    )
