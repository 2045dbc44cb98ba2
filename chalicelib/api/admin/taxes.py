"""Tenant staff: the tenant's tax configuration (codes, jurisdictions, rates, rules) and its preview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.permissions import Permission
from chalicelib.domain.taxes.calculation import TaxCalculationView
from chalicelib.domain.taxes.configuration import TaxConfiguration, TaxConfigurationBody
from chalicelib.domain.taxes.preview import TaxPreviewBody
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.taxes import calculation, configuration
else:
    calculation = lazy_module("chalicelib.services.taxes.calculation")
    configuration = lazy_module("chalicelib.services.taxes.configuration")

blueprint = Blueprint(__name__)
TAGS = ("taxes",)
CONFIGURATION = "/v1/admin/tax/configuration"


@route(
    blueprint,
    CONFIGURATION,
    "GET",
    permission=Permission.TAXES_READ,
    summary="The tenant's tax configuration: tax codes, jurisdictions, rates and rules (version 0: none yet)",
    tags=TAGS,
    response=TaxConfiguration,
)
def get_tax_configuration(request: RouteRequest) -> TaxConfiguration:
    return configuration.get_tax_configuration(request.caller)


@route(
    blueprint,
    CONFIGURATION,
    "PUT",
    permission=Permission.TAXES_WRITE,
    summary="Replace the tenant's tax configuration whole (If-Match: the version read); a rule naming an "
    "undefined name is 422, dropping a name a rule still uses is 409",
    tags=TAGS,
    body=TaxConfigurationBody,
    response=TaxConfiguration,
    versioned=True,
)
def replace_tax_configuration(request: RouteRequest) -> TaxConfiguration:
    return configuration.replace_tax_configuration(request.caller, request.body, request.expected_version())


@route(
    blueprint,
    "/v1/admin/tax/preview",
    "POST",
    permission=Permission.TAXES_READ,
    summary="Tax a sale on a website as an order would be (lines, addresses, customer tax code), "
    "to check the configuration",
    tags=TAGS,
    body=TaxPreviewBody,
    response=TaxCalculationView,
)
def preview_taxes(request: RouteRequest) -> TaxCalculationView:
    return calculation.preview_taxes(request.caller, request.body)
