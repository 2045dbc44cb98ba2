"""Tenant staff: the tenant's exchange rates (what rule-based lists may derive one currency from)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.api.routing import RouteRequest, route
from chalicelib.domain.permissions import Permission
from chalicelib.domain.pricing.price_lists import ExchangeRates, ExchangeRatesView
from chalicelib.domain.staff import NEW_ORGANIZATION
from chalicelib.platform.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.services.pricing import exchange_rates
else:
    exchange_rates = lazy_module("chalicelib.services.pricing.exchange_rates")

blueprint = Blueprint(__name__)
TAGS = ("price lists",)
EXCHANGE_RATES = "/v1/admin/exchange-rates"
# Rates serve every organization's lists: only a grant reaching all of them reads or changes them.
EVERY_ORGANIZATION = NEW_ORGANIZATION


@route(
    blueprint,
    EXCHANGE_RATES,
    "GET",
    permission=Permission.PRICES_READ,
    target=EVERY_ORGANIZATION,
    summary="The tenant's exchange rates",
    tags=TAGS,
    response=ExchangeRatesView,
)
def get_exchange_rates(request: RouteRequest) -> ExchangeRatesView:
    return exchange_rates.get_exchange_rates(request.caller)


@route(
    blueprint,
    EXCHANGE_RATES,
    "PUT",
    permission=Permission.PRICES_WRITE,
    target=EVERY_ORGANIZATION,
    summary="Replace the tenant's exchange rates (positive decimal strings, one per currency pair)",
    tags=TAGS,
    body=ExchangeRates,
    response=ExchangeRatesView,
)
def set_exchange_rates(request: RouteRequest) -> ExchangeRatesView:
    return exchange_rates.set_exchange_rates(request.caller, request.body)
